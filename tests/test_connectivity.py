"""Connectivity rules: counts, degrees, distances, ordering, reproducibility and value distributions."""

import os
import subprocess
import sys

import numpy as np
import pytest
from spikestudio.engine.errors import BuildError
from spikestudio.engine.model.network import Distribution, Projection
from spikestudio.engine.simulation.connectivity import (
    connect,
    connect_with_order,
    draw_values,
    expected_synapse_count,
    projection_seed,
)

RANDOM_RULES = {
    "fixed_probability": {"p": 0.05},
    "fixed_indegree": {"k": 7},
    "fixed_outdegree": {"k": 9},
    "fixed_total": {"n": 1500},
    "gaussian": {"p_max": 0.7, "sigma": 2.0},
}
ALL_RULES = {"all_to_all": {}, "one_to_one": {}, **RANDOM_RULES}


def proj(rule, same=False, autapses=False, **params):
    return Projection("p", "a", "a" if same else "b", rule, params, allow_autapses=autapses)


def grid_for(n):
    return {900: (30, 30), 400: (20, 20), 100: (10, 10)}.get(n)


def wire(rule, n_pre=400, n_post=400, seed=3, same=False, autapses=False, grids=None, **params):
    pre_grid, post_grid = grids if grids else (grid_for(n_pre), grid_for(n_post))
    return connect(proj(rule, same, autapses, **params), n_pre, n_post, pre_grid, post_grid, seed)


def assert_sorted_int32(pre, post):
    assert pre.dtype == np.int32 and post.dtype == np.int32
    key = pre.astype(np.int64) * (1 << 32) + post
    assert np.all(np.diff(key) >= 0)


def assert_no_duplicates(pre, post):
    key = pre.astype(np.int64) * (1 << 32) + post
    assert np.unique(key).size == key.size


# --- every rule ----------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ALL_RULES)
@pytest.mark.parametrize("same", [False, True])
def test_output_sorted_int32_in_range_and_no_autapses(rule, same):
    pre, post = wire(rule, same=same, **ALL_RULES[rule])
    assert_sorted_int32(pre, post)
    assert pre.size == post.size
    if pre.size:
        assert 0 <= pre.min() and pre.max() < 400 and 0 <= post.min() and post.max() < 400
    if same:
        assert not np.any(pre == post)


@pytest.mark.parametrize("rule", RANDOM_RULES)
def test_same_seed_same_wiring_other_seed_other_wiring(rule):
    first, again, other = (wire(rule, seed=s, **RANDOM_RULES[rule]) for s in (11, 11, 12))
    assert np.array_equal(first[0], again[0]) and np.array_equal(first[1], again[1])
    assert not (np.array_equal(first[0], other[0]) and np.array_equal(first[1], other[1]))


@pytest.mark.parametrize("rule", ALL_RULES)
@pytest.mark.parametrize("same", [False, True])
def test_expected_count_matches_realised_counts(rule, same):
    params = ALL_RULES[rule]
    p = proj(rule, same, **params)
    expected = expected_synapse_count(p, 400, 400, (20, 20), (20, 20))
    realised = [connect(p, 400, 400, (20, 20), (20, 20), seed)[0].size for seed in range(8)]
    mean = np.mean(realised)
    assert abs(mean - expected) <= max(4 * np.sqrt(expected / len(realised)), 0.5)


def test_expected_count_of_explicit_and_of_rescaled_gaussian():
    p = Projection("p", "a", "b", "explicit", pre=[0, 1, 2], post=[2, 2, 0])
    assert expected_synapse_count(p, 3, 3) == 3
    g = proj("gaussian", p_max=0.9, sigma=1.5)
    expected = expected_synapse_count(g, 900, 100, (30, 30), (10, 10))
    realised = np.mean([connect(g, 900, 100, (30, 30), (10, 10), seed)[0].size for seed in range(8)])
    assert abs(realised - expected) < 4 * np.sqrt(expected / 8)


def test_expected_count_of_huge_network_is_instant():
    p = proj("fixed_probability", same=True, p=0.02)
    assert expected_synapse_count(p, 10**8, 10**8) == round(0.02 * 10**8 * (10**8 - 1))
    g = proj("gaussian", p_max=0.5, sigma=3000.0)
    estimate = expected_synapse_count(g, 200_000, 200_000, (1, 200_000), (1, 200_000))
    # a ring of width sigma on a line: about p_max * sqrt(2 pi) sigma per neuron, less near the ends
    assert 0.8 * 0.5 * np.sqrt(2 * np.pi) * 3000 * 200_000 < estimate < 0.5 * np.sqrt(2 * np.pi) * 3000 * 200_000


@pytest.mark.parametrize("tgt", [(1, 3000), (1, 1000)])
def test_expected_count_of_wide_gaussian_matches_the_dense_sum(tgt):
    g = proj("gaussian", p_max=0.5, sigma=40.0)
    _, prob = gaussian_probabilities((1, 3000), tgt, 0.5, 40.0, same=False)
    assert expected_synapse_count(g, 3000, tgt[1], (1, 3000), tgt) == pytest.approx(prob.sum(), abs=0.51)


# --- deterministic rules -------------------------------------------------------------------------


def test_all_to_all_counts_and_autapses():
    pre, post = wire("all_to_all", n_pre=7, n_post=5)
    assert pre.size == 35
    assert set(zip(pre.tolist(), post.tolist(), strict=True)) == {(i, j) for i in range(7) for j in range(5)}
    pre, post = wire("all_to_all", n_pre=6, n_post=6, same=True)
    assert pre.size == 30 and not np.any(pre == post)
    assert wire("all_to_all", n_pre=6, n_post=6, same=True, autapses=True)[0].size == 36


def test_one_to_one_pairs():
    pre, post = wire("one_to_one", n_pre=9, n_post=9)
    assert np.array_equal(pre, np.arange(9)) and np.array_equal(post, np.arange(9))
    assert wire("one_to_one", n_pre=9, n_post=9, same=True)[0].size == 0
    assert wire("one_to_one", n_pre=9, n_post=9, same=True, autapses=True)[0].size == 9
    with pytest.raises(BuildError):
        wire("one_to_one", n_pre=9, n_post=8)


def test_explicit_order_lets_weights_follow():
    pre_in, post_in = np.array([3, 1, 1, 0, 3, 1]), np.array([0, 2, 1, 5, 0, 0])
    weights = np.arange(6, dtype=float) * 10
    p = Projection("p", "a", "b", "explicit", pre=pre_in, post=post_in, weights=weights)
    pre, post, order = connect_with_order(p, 4, 6, None, None, 1)
    assert sorted(order.tolist()) == list(range(6))
    assert np.array_equal(pre, pre_in[order]) and np.array_equal(post, post_in[order])
    assert_sorted_int32(pre, post)
    assert list(zip(pre.tolist(), post.tolist(), weights[order].tolist(), strict=True)) == [
        (0, 5, 30.0), (1, 0, 50.0), (1, 1, 20.0), (1, 2, 10.0), (3, 0, 0.0), (3, 0, 40.0)]


def test_drawn_rules_have_no_order():
    assert connect_with_order(proj("fixed_probability", p=0.1), 20, 20, None, None, 1)[2] is None


# --- random rules --------------------------------------------------------------------------------


@pytest.mark.parametrize("same", [False, True])
def test_fixed_probability_count_and_indegree_are_binomial(same):
    n, p = 2000, 0.05
    pre, post = wire("fixed_probability", n_pre=n, n_post=n, same=same, p=p)
    m = n - same
    mean = n * m * p
    assert abs(pre.size - mean) < 4 * np.sqrt(mean * (1 - p))
    assert_no_duplicates(pre, post)
    indegree = np.bincount(post, minlength=n)
    assert abs(indegree.mean() - m * p) < 4 * np.sqrt(m * p * (1 - p) / n)
    assert indegree.var() == pytest.approx(m * p * (1 - p), rel=0.15)
    outdegree = np.bincount(pre, minlength=n)
    assert outdegree.var() == pytest.approx(m * p * (1 - p), rel=0.15)


def test_fixed_probability_extremes():
    assert wire("fixed_probability", n_pre=50, n_post=60, p=0.0)[0].size == 0
    assert wire("fixed_probability", n_pre=50, n_post=60, p=1.0)[0].size == 3000
    pre, post = wire("fixed_probability", n_pre=50, n_post=50, same=True, p=1.0)
    assert pre.size == 50 * 49 and not np.any(pre == post)


def test_fixed_probability_is_sparse_at_scale():
    pre, post = wire("fixed_probability", n_pre=100_000, n_post=100_000, p=2e-5)
    assert abs(pre.size - 200_000) < 4 * np.sqrt(200_000)
    assert_sorted_int32(pre, post)


@pytest.mark.parametrize("same", [False, True])
def test_fixed_indegree_exact_distinct_sources(same):
    n_pre, n_post, k = (300, 300, 25) if same else (300, 450, 25)
    pre, post = wire("fixed_indegree", n_pre=n_pre, n_post=n_post, same=same, k=k)
    assert np.array_equal(np.bincount(post, minlength=n_post), np.full(n_post, k))
    assert_no_duplicates(pre, post)
    assert not (same and np.any(pre == post))
    outdegree = np.bincount(pre, minlength=n_pre)
    # Each target picks a source with probability q = k / m (m candidates), independently of the other
    # targets, so an outdegree is binomial over the n_post - same targets that may pick it. The outdegrees
    # sum to k * n_post, which makes their spread about the mean (ddof=0) an unbiased estimate of that
    # binomial variance; its relative standard error over 300 sources is about sqrt(2 / 300) = 8 %.
    m = n_pre - same
    q = k / m
    binomial_var = (n_post - same) * q * (1.0 - q)
    assert outdegree.var() == pytest.approx(binomial_var, rel=0.3)  # about 3.5 standard errors
    assert outdegree.min() > 0  # sources spread over everyone, not a block


@pytest.mark.parametrize("same", [False, True])
def test_fixed_outdegree_exact_distinct_targets(same):
    n_pre, n_post, k = (300, 300, 40) if same else (450, 300, 40)
    pre, post = wire("fixed_outdegree", n_pre=n_pre, n_post=n_post, same=same, k=k)
    assert np.array_equal(np.bincount(pre, minlength=n_pre), np.full(n_pre, k))
    assert_no_duplicates(pre, post)
    assert not (same and np.any(pre == post))
    assert np.bincount(post, minlength=n_post).min() > 0


@pytest.mark.parametrize("rule", ["fixed_indegree", "fixed_outdegree"])
def test_degree_rules_use_every_other_neuron_when_k_is_n_minus_1(rule):
    pre, post = wire(rule, n_pre=40, n_post=40, same=True, k=39)
    assert pre.size == 40 * 39 and not np.any(pre == post)
    with pytest.raises(BuildError):
        wire(rule, n_pre=40, n_post=40, same=True, k=40)


def test_fixed_total_exact_and_distinct():
    n_pre, n_post, n = 1000, 100, 40_000
    pre, post = wire("fixed_total", n_pre=n_pre, n_post=n_post, n=n)
    assert pre.size == n
    assert_no_duplicates(pre, post)
    # a uniform n-subset of the pairs: out-degrees are hypergeometric (with-replacement draws would give 40)
    pairs = n_pre * n_post
    hypergeometric_var = n / n_pre * (1 - 1 / n_pre) * (pairs - n) / (pairs - 1)
    assert np.bincount(pre, minlength=n_pre).var() == pytest.approx(hypergeometric_var, rel=0.2)
    assert np.bincount(post, minlength=n_post).mean() == n / n_post
    pre, post = wire("fixed_total", n_pre=30, n_post=30, same=True, n=30 * 29)
    assert pre.size == 870 and not np.any(pre == post)
    assert_no_duplicates(pre, post)


def test_fixed_total_beyond_possible_pairs_draws_multapses():
    pre, post = wire("fixed_total", n_pre=5, n_post=5, same=True, n=100)
    assert pre.size == 100 and not np.any(pre == post)
    assert_sorted_int32(pre, post)


def test_fixed_total_with_multapses_draws_every_synapse_independently():
    """NEST's fixed_total_number: n independent uniform pairs, so a pair's synapse count is binomial (about
    Poisson with mean n / pairs) and a fraction 1 - exp(-n / pairs) of the pairs is connected, fewer than n."""
    n_pre, n_post, n = 300, 200, 30_000  # n / pairs = 0.5: distinct pairs would connect exactly n of them
    pre, post = wire("fixed_total", n_pre=n_pre, n_post=n_post, n=n, multapses=1)
    assert pre.size == n
    assert_sorted_int32(pre, post)
    key = pre.astype(np.int64) * n_post + post
    connected = np.unique(key).size / (n_pre * n_post)
    assert connected == pytest.approx(1 - np.exp(-0.5), abs=0.01)  # 0.393; distinct pairs: 0.5
    assert np.bincount(post, minlength=n_post).sum() == n
    pre, post = wire("fixed_total", n_pre=30, n_post=30, same=True, n=400, multapses=1)
    assert pre.size == 400 and not np.any(pre == post)


def test_fixed_total_in_a_pair_space_beyond_numpy_hypergeometric_limit():
    pre, post = wire("fixed_total", n_pre=200_000, n_post=200_000, n=10_000)
    assert pre.size == 10_000
    assert_no_duplicates(pre, post)


def gaussian_probabilities(src, tgt, p_max, sigma, same):
    """Dense reference probabilities, targets scaled into the source frame with aligned centres."""
    sr, sc = np.divmod(np.arange(src[0] * src[1]), src[1])
    tr, tc = np.divmod(np.arange(tgt[0] * tgt[1]), tgt[1])
    ty = (tr + 0.5) * src[0] / tgt[0] - 0.5
    tx = (tc + 0.5) * src[1] / tgt[1] - 0.5
    d2 = (sr[:, None] - ty[None, :]) ** 2 + (sc[:, None] - tx[None, :]) ** 2
    prob = p_max * np.exp(-d2 / (2 * sigma**2))
    if same:
        np.fill_diagonal(prob, 0.0)
    return d2, prob


@pytest.mark.parametrize("src,tgt,same", [((30, 30), (30, 30), True), ((30, 30), (10, 15), False)])
def test_gaussian_probability_falls_with_distance_as_the_formula(src, tgt, same):
    p_max, sigma, seeds = 0.8, 3.0, 6
    n_pre, n_post = src[0] * src[1], tgt[0] * tgt[1]
    d2, prob = gaussian_probabilities(src, tgt, p_max, sigma, same)
    hits = np.zeros(prob.shape)
    for seed in range(seeds):
        pre, post = connect(proj("gaussian", same, p_max=p_max, sigma=sigma), n_pre, n_post, src, tgt, seed)
        assert_no_duplicates(pre, post)
        hits[pre, post] += 1
    observed = []
    for lo, hi in [(0, 1.01), (1.01, 4.01), (4.01, 16.01), (16.01, 36.01), (36.01, 81.01), (81.01, 1e9)]:
        band = (d2 >= lo) & (d2 < hi) & (prob > 0)
        expected = prob[band].sum() * seeds
        sd = np.sqrt((prob[band] * (1 - prob[band])).sum() * seeds)
        assert abs(hits[band].sum() - expected) < 4 * sd + 2
        observed.append(hits[band].sum() / (band.sum() * seeds))
    assert all(a > b for a, b in zip(observed, observed[1:], strict=False))
    assert observed[-1] < 0.01


@pytest.mark.parametrize("src,tgt,p_max,sigma,same", [((7, 5), (13, 3), 0.9, 1.3, False),
                                                      ((5, 5), (5, 5), 1.0, 3.0, True),
                                                      ((9, 1), (4, 1), 1.0, 2.0, False)])
def test_gaussian_every_pair_has_its_probability(src, tgt, p_max, sigma, same):
    trials, n_pre, n_post = 400, src[0] * src[1], tgt[0] * tgt[1]
    _, prob = gaussian_probabilities(src, tgt, p_max, sigma, same)
    hits = np.zeros(prob.shape)
    for seed in range(trials):
        pre, post = connect(proj("gaussian", same, p_max=p_max, sigma=sigma), n_pre, n_post, src, tgt, seed)
        hits[pre, post] += 1
    assert hits[prob == 0].sum() == 0 and np.all(hits[prob == 1] == trials)
    edges = [0, 1e-3, 1e-2, 0.05, 0.2, 0.5, 0.8, 0.999]
    for lo, hi in zip(edges, edges[1:], strict=False):
        band = (prob > lo) & (prob <= hi)
        if band.any():
            expected = prob[band].sum() * trials
            sd = np.sqrt((prob[band] * (1 - prob[band])).sum() * trials)
            assert abs(hits[band].sum() - expected) < 4 * sd + 1


def test_gaussian_needs_grids():
    with pytest.raises(BuildError):
        connect(proj("gaussian"), 100, 100, None, (10, 10), 1)
    with pytest.raises(BuildError):
        connect(proj("gaussian"), 100, 100, (10, 11), (10, 10), 1)


def test_unknown_rule_is_a_build_error():
    with pytest.raises(BuildError):
        connect(proj("no_such_rule"), 10, 10, None, None, 1)


# --- seeds ---------------------------------------------------------------------------------------


def test_projection_seed_is_stable_and_sensitive():
    seed = projection_seed(1, "E->I")
    assert 0 <= seed < 2**63
    assert seed == projection_seed(1, "E->I")
    assert len({seed, projection_seed(2, "E->I"), projection_seed(1, "E->E"), projection_seed(1, "I->E")}) == 4
    code = "from spikestudio.engine.simulation.connectivity import projection_seed; print(projection_seed(1, 'E->I'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"})
    assert int(out.stdout) == seed


# --- values --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dist,mean,std", [
    (Distribution("constant", value=2.5), 2.5, 0.0),
    (Distribution("uniform", low=1.0, high=4.0), 2.5, 3.0 / np.sqrt(12)),
    (Distribution("normal", mean=-3.0, std=2.0), -3.0, 2.0),
    (Distribution("lognormal", mean=2.0, std=1.0), 2.0, 1.0),
    (Distribution("lognormal", mean=0.5, std=0.05), 0.5, 0.05),
])
def test_draw_values_moments(dist, mean, std):
    values = draw_values(dist, 400_000, np.random.default_rng(5))
    assert values.dtype == np.float64 and values.shape == (400_000,)
    assert values.mean() == pytest.approx(mean, rel=0.02, abs=0.01)
    assert values.std() == pytest.approx(std, rel=0.03, abs=1e-12)
    if dist.kind == "uniform":
        assert values.min() >= 1.0 and values.max() <= 4.0
    if dist.kind == "lognormal":
        assert values.min() > 0


def test_draw_values_clipped_to_min_and_max():
    values = draw_values(Distribution("normal", mean=0.0, std=1.0, min=-0.5, max=1.0), 50_000,
                         np.random.default_rng(1))
    assert values.min() == -0.5 and values.max() == 1.0
    assert np.mean(values == -0.5) == pytest.approx(0.3085, abs=0.01)
    low_only = draw_values(Distribution("uniform", low=0.0, high=1.0, min=0.8), 1000, np.random.default_rng(2))
    assert low_only.min() == 0.8 and low_only.max() < 1.0
    assert np.array_equal(draw_values(Distribution("constant", value=3.0, max=2.0), 3, np.random.default_rng(0)),
                          [2.0, 2.0, 2.0])


def test_draw_values_redrawn_into_min_and_max():
    """NEST's redraw: a truncated normal, no pile at the bound; its mean moves up by std phi(a) / (1 - Phi(a))."""
    dist = Distribution("normal", mean=0.0, std=1.0, min=-0.5, redraw=True)
    values = draw_values(dist, 200_000, np.random.default_rng(1))
    assert values.min() > -0.5 and np.mean(values < -0.45) < 0.03  # 2.6 %; clipping would put 31 % at -0.5
    phi, tail = np.exp(-0.125) / np.sqrt(2 * np.pi), 0.3085
    assert values.mean() == pytest.approx(phi / (1 - tail), abs=0.01)  # 0.509
    with pytest.raises(BuildError, match="too little of its mass"):
        draw_values(Distribution("normal", mean=0.0, std=1.0, min=50.0, redraw=True), 10, np.random.default_rng(1))


def test_draw_values_reproducible():
    dist = Distribution("lognormal", mean=1.0, std=0.3)
    a = draw_values(dist, 100, np.random.default_rng(9))
    b = draw_values(dist, 100, np.random.default_rng(9))
    assert np.array_equal(a, b)
