"""Connectivity rules: which neurons connect, drawn reproducibly from a seed without dense matrices."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace

import numpy as np

from ..errors import BuildError
from ..kernels.connectivity_kernels import axis_sum, gaussian_kernel, regroup_by_source, sample_rows
from ..model.catalog import CONNECTIVITY_RULES
from ..model.network import Distribution, Projection
from ..model.params import fill_params
from .connection_cache import active_cache

__all__ = [
    "projection_seed",
    "connect",
    "connect_with_order",
    "draw_values",
    "expected_synapse_count",
    "largest_value",
]


# --- public API ---------------------------------------------------------------------------------


def projection_seed(network_seed: int, projection_id: str) -> int:
    """A 63-bit seed from the network seed and an id: adding a projection never rewires another."""
    h = hashlib.blake2b(digest_size=8, person=b"SpikeStudio-conn")
    h.update(int(network_seed).to_bytes(16, "little", signed=True))
    h.update(projection_id.encode("utf-8"))
    return int.from_bytes(h.digest(), "little") >> 1


def connect(proj: Projection, n_pre: int, n_post: int, pre_grid=None, post_grid=None,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The (pre, post) int32 synapse arrays of ``proj``, sorted by pre then post."""
    pre, post, _ = connect_with_order(proj, n_pre, n_post, pre_grid, post_grid, seed)
    return pre, post


def connect_with_order(proj: Projection, n_pre: int, n_post: int, pre_grid=None, post_grid=None,
                       seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Like ``connect``, plus the permutation that sorted explicit arrays (None for drawn rules).

    ``proj.weights[order]`` then lines up with the returned synapses. Explicit synapses are kept as
    given, autapses included; every drawn rule skips i -> i when source is target and autapses are off.
    ``fixed_total`` draws distinct pairs while n fits, otherwise (or with ``multapses`` 1) pairs with replacement.
    """
    if proj.rule == "explicit":
        return _explicit(proj)
    build = _RULES.get(proj.rule)
    if build is None:
        raise BuildError(f'projection "{proj.id}": unknown connectivity rule "{proj.rule}"')
    job = _job(proj, n_pre, n_post, pre_grid, post_grid, seed)
    pre, post = _draw(build, job, proj.rule, seed)
    return pre, post, None


def _draw(build, job, rule: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``build(job)``, or the arrays a build with the same key drew before in this thread's sweep worker (see
    ``connection_cache``): the key holds everything the draw depends on, so the result is the same."""
    cache = active_cache()
    if cache is None:
        return build(job)
    key = (rule, job.name, job.n_pre, job.n_post, job.skip, job.pre_grid, job.post_grid,
           tuple(sorted(job.params.items())), int(seed))
    try:
        found = cache.get(key)
    except TypeError:  # a parameter that cannot be a key (never from a checked network): draw as usual
        return build(job)
    return found if found is not None else cache.put(key, *build(job))


def draw_values(dist: Distribution, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` float64 draws from ``dist``, clipped to [min, max]; lognormal mean/std are the values' own."""
    kind = dist.kind
    if kind == "constant":
        values = np.full(n, float(dist.value))
    elif kind == "uniform":
        values = rng.uniform(dist.low, dist.high, n)
    elif kind == "normal":
        values = rng.normal(dist.mean, dist.std, n)
    elif kind == "lognormal":
        values = rng.lognormal(*_lognormal_mu_sigma(dist.mean, dist.std), n)
    else:
        raise BuildError(f'unknown distribution "{kind}"')
    if dist.redraw:
        _redraw_outside(dist, values, rng)
    if dist.min is not None:
        np.maximum(values, dist.min, out=values)
    if dist.max is not None:
        np.minimum(values, dist.max, out=values)
    return values


REDRAW_ROUNDS = 100  # a range holding 20 % of the distribution leaves one draw in 10^10 after 100 rounds


def _redraw_outside(dist: Distribution, values: np.ndarray, rng: np.random.Generator) -> None:
    """Draw the values outside [min, max] again, in place, until none is (NEST's ``redraw``)."""
    lo = -np.inf if dist.min is None else dist.min
    hi = np.inf if dist.max is None else dist.max
    for _ in range(REDRAW_ROUNDS):
        out = np.flatnonzero((values < lo) | (values > hi))
        if not out.size:
            return
        values[out] = draw_values(replace(dist, redraw=False, min=None, max=None), out.size, rng)
    raise BuildError(f"a {dist.kind} distribution has too little of its mass in [{dist.min}, {dist.max}] to "
                     f"redraw into (values still outside after {REDRAW_ROUNDS} rounds)")


TAIL_SIGMAS = 8.0  # a normal draw lies beyond 8 standard deviations about once in 10^15


def largest_value(dist: Distribution) -> float:
    """The largest value ``draw_values`` gives in practice: exact for constant and uniform, ``TAIL_SIGMAS``
    (of the underlying normal) above the mean otherwise; clipped to ``dist.max`` like the draws."""
    if dist.kind == "constant":
        top = float(dist.value)
    elif dist.kind == "uniform":
        top = float(max(dist.low, dist.high))
    elif dist.kind == "lognormal":
        mu, sigma = _lognormal_mu_sigma(dist.mean, dist.std)
        top = float(np.exp(min(mu + TAIL_SIGMAS * sigma, 700.0)))
    else:
        top = float(dist.mean + TAIL_SIGMAS * abs(dist.std))
    if dist.min is not None:
        top = max(top, float(dist.min))
    return min(top, float(dist.max)) if dist.max is not None else top


def expected_synapse_count(proj: Projection, n_pre: int, n_post: int, pre_grid=None, post_grid=None) -> int:
    """Synapses ``proj`` will make on average, computed without allocating them (memory checks)."""
    if proj.rule == "explicit":
        return 0 if proj.pre is None else int(np.size(proj.pre))
    params = _params(proj)
    skip = _skips_autapses(proj)
    m = max(n_post - skip, 0)
    counts = {
        "all_to_all": lambda: n_pre * m,
        "one_to_one": lambda: 0 if skip else min(n_pre, n_post),
        "fixed_probability": lambda: round(params.get("p", 0.0) * n_pre * m),
        "fixed_indegree": lambda: int(params.get("k", 0)) * n_post,
        "fixed_outdegree": lambda: int(params.get("k", 0)) * n_pre,
        "fixed_total": lambda: int(params.get("n", 0)),
        "gaussian": lambda: round(_gaussian_expected(params, n_pre, n_post, skip, pre_grid, post_grid)),
    }
    count = counts.get(proj.rule)
    return 0 if count is None else int(count())


# --- rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """Everything a rule needs: sizes, whether i -> i is forbidden, grids, parameters and a generator."""

    name: str
    n_pre: int
    n_post: int
    skip: bool
    pre_grid: tuple | None
    post_grid: tuple | None
    params: dict
    rng: np.random.Generator

    def kernel_seed(self) -> np.uint64:
        """A seed for the compiled kernels, drawn from the projection's generator."""
        return np.uint64(self.rng.integers(0, 2**64, dtype=np.uint64))


def _job(proj, n_pre, n_post, pre_grid, post_grid, seed) -> _Job:
    skip = _skips_autapses(proj)
    if skip and n_pre != n_post:
        raise BuildError(f'projection "{proj.id}": a node connected to itself has one size, got {n_pre} and {n_post}')
    rng = np.random.default_rng(int(seed))
    return _Job(proj.id, int(n_pre), int(n_post), skip, pre_grid, post_grid, _params(proj), rng)


def _params(proj: Projection) -> dict:
    specs = CONNECTIVITY_RULES.get(proj.rule, {})
    return fill_params(specs, {k: v for k, v in proj.rule_params.items() if k in specs})


def _skips_autapses(proj: Projection) -> bool:
    return proj.source == proj.target and not proj.allow_autapses


def _empty() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(0, np.int32), np.zeros(0, np.int32)


def _all_to_all(job: _Job):
    """Inherently dense: every pre with every post (minus the diagonal when autapses are off)."""
    m = job.n_post - job.skip
    pre = np.repeat(np.arange(job.n_pre, dtype=np.int32), m)
    post = np.tile(np.arange(m, dtype=np.int32), job.n_pre)
    if job.skip:
        post += post >= pre
    return pre, post


def _one_to_one(job: _Job):
    """i -> i; a node onto itself without autapses therefore gets no synapses."""
    if job.n_pre != job.n_post:
        raise BuildError(f'projection "{job.name}": one_to_one needs equal sizes, got {job.n_pre} and {job.n_post}')
    if job.skip:
        return _empty()
    idx = np.arange(job.n_pre, dtype=np.int32)
    return idx, idx.copy()


def _fixed_probability(job: _Job):
    """Bernoulli per pair = a binomial count per source, then that many distinct targets uniformly."""
    m = job.n_post - job.skip
    counts = job.rng.binomial(m, float(job.params["p"]), job.n_pre) if m > 0 else np.zeros(job.n_pre, np.int64)
    return _rows_out(counts, m, job)


def _fixed_outdegree(job: _Job):
    k, m = int(job.params["k"]), job.n_post - job.skip
    _check_degree(job, k, m, "outputs per source", "targets")
    return _rows_out(np.full(job.n_pre, k, np.int64), m, job)


def _fixed_indegree(job: _Job):
    """Sources drawn per target, then regrouped by source with a stable counting sort."""
    k, m = int(job.params["k"]), job.n_pre - job.skip
    _check_degree(job, k, m, "inputs per target", "sources")
    counts = np.full(job.n_post, k, np.int64)
    sources = _draw_distinct_rows(counts, m, job)
    return regroup_by_source(sources, counts, job.n_pre)


def _fixed_total(job: _Job):
    """Exactly n synapses over the flattened pair space: distinct while n fits in it, unless ``multapses`` asks
    for independent draws (a pair then gets Poisson-many synapses, which models calibrated on that count need)."""
    n, m = int(job.params["n"]), job.n_post - job.skip
    if n == 0:
        return _empty()
    pairs = job.n_pre * max(m, 0)
    if not pairs:
        raise BuildError(f'projection "{job.name}": {n} synapses requested but there is no possible pair')
    if n <= pairs and not job.params.get("multapses", 0):
        flat = _distinct_sorted(pairs, n, job.rng)
    else:
        flat = np.sort(job.rng.integers(0, pairs, n))
    pre = flat // m
    post = flat - pre * m
    if job.skip:
        post += post >= pre
    return pre.astype(np.int32), post.astype(np.int32)


def _gaussian(job: _Job):
    """Per source, targets are walked outwards with thinned geometric skips: work grows with synapses."""
    geo = _GaussianGeometry.of(job.params, job.n_pre, job.n_post, job.pre_grid, job.post_grid, job.name)
    if geo.p_max <= 0.0:
        return _empty()
    capacity = int(1.1 * _gaussian_expected(job.params, job.n_pre, job.n_post, job.skip, job.pre_grid,
                                            job.post_grid)) + 1024
    return gaussian_kernel(geo.src_shape[1], geo.core_lo, geo.core_hi, geo.col_split, geo.ty, geo.tx,
                           geo.p_max, geo.inv_two_s2, job.skip, job.kernel_seed(), capacity)


def _explicit(proj: Projection):
    """The given arrays, sorted by (pre, post); ``order`` lets weights and delays follow."""
    if proj.pre is None or proj.post is None:
        raise BuildError(f'projection "{proj.id}": the explicit rule needs pre and post arrays')
    pre, post = np.asarray(proj.pre), np.asarray(proj.post)
    if pre.shape != post.shape:
        raise BuildError(f'projection "{proj.id}": {post.size} post indices for {pre.size} pre indices')
    order = np.lexsort((post, pre))
    return pre[order].astype(np.int32), post[order].astype(np.int32), order


_RULES = {
    "all_to_all": _all_to_all,
    "one_to_one": _one_to_one,
    "fixed_probability": _fixed_probability,
    "fixed_indegree": _fixed_indegree,
    "fixed_outdegree": _fixed_outdegree,
    "fixed_total": _fixed_total,
    "gaussian": _gaussian,
}


def _check_degree(job: _Job, k: int, m: int, what: str, of: str) -> None:
    if not 0 <= k <= max(m, 0):
        raise BuildError(f'projection "{job.name}": {k} {what} but only {max(m, 0)} possible {of}')


def _rows_out(counts: np.ndarray, m: int, job: _Job):
    """Synapses grouped by source: ``counts[i]`` distinct targets of source i."""
    post = _draw_distinct_rows(counts, max(m, 0), job)
    return np.repeat(np.arange(counts.size, dtype=np.int32), counts), post


def _draw_distinct_rows(counts: np.ndarray, m: int, job: _Job) -> np.ndarray:
    """``counts[r]`` distinct sorted values of [0, m) per row r, concatenated (the kernel's buffers made here)."""
    widest = int(counts.max()) if counts.size else 0
    out = np.empty(int(counts.sum()), np.int32)
    sample_rows(counts, m, job.skip, job.kernel_seed(), out, np.zeros(m, np.bool_), np.empty(widest, np.int32),
                np.empty(widest + 1, np.int64))
    return out


def _distinct_sorted(pairs: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` distinct values of [0, pairs), uniformly, sorted: rejection of repeats, or of the complement."""
    if n > pairs // 2:
        keep = np.ones(pairs, bool)
        keep[_distinct_sorted(pairs, pairs - n, rng)] = False
        return np.flatnonzero(keep)
    chosen = np.unique(rng.integers(0, pairs, n))
    while chosen.size < n:
        extra = np.unique(rng.integers(0, pairs, n - chosen.size))
        at = np.searchsorted(chosen, extra)
        new = chosen[np.minimum(at, chosen.size - 1)] != extra
        chosen = np.insert(chosen, at[new], extra[new])
    return chosen


def _lognormal_mu_sigma(mean: float, std: float) -> tuple[float, float]:
    """Parameters of the underlying normal giving values with this mean and std."""
    sigma2 = math.log1p((std / mean) ** 2)
    return math.log(mean) - 0.5 * sigma2, math.sqrt(sigma2)


# --- gaussian geometry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _GaussianGeometry:
    """Target positions in the source grid's frame and, per source row/column, where walks start.

    Per source row, ``core_lo:core_hi`` are the target rows bright enough (p_max * row factor * target
    columns > 1) to walk column by column; fainter rows above and below are crossed in one skip.
    """

    src_shape: tuple[int, int]
    ty: np.ndarray
    tx: np.ndarray
    p_max: float
    inv_two_s2: float
    core_lo: np.ndarray
    core_hi: np.ndarray
    col_split: np.ndarray

    @classmethod
    def of(cls, params, n_pre, n_post, pre_grid, post_grid, name) -> _GaussianGeometry:
        src, tgt = _grid(pre_grid, n_pre, name, "source"), _grid(post_grid, n_post, name, "target")
        ty, tx = _frame(src[0], tgt[0]), _frame(src[1], tgt[1])
        p_max, sigma = float(params["p_max"]), float(params["sigma"])
        if not sigma > 0.0:
            raise BuildError(f'projection "{name}": gaussian sigma must be > 0, got {sigma}')
        bright = p_max * tgt[1]
        core = sigma * math.sqrt(2.0 * math.log(bright)) if bright > 1.0 else 0.0
        rows = np.arange(src[0], dtype=np.float64)
        split = np.searchsorted(ty, rows, "right")
        core_lo = np.minimum(np.searchsorted(ty, rows - core, "right"), split)
        core_hi = np.maximum(np.searchsorted(ty, rows + core, "left"), split)
        return cls(src, ty, tx, p_max, 0.5 / sigma**2, core_lo, core_hi,
                   np.searchsorted(tx, np.arange(src[1], dtype=np.float64), "right"))


def _grid(grid, n: int, name: str, end: str) -> tuple[int, int]:
    if grid is None or len(grid) != 2 or int(grid[0]) * int(grid[1]) != n:
        raise BuildError(f'projection "{name}": gaussian connectivity needs a {end} grid holding {n} neurons, '
                         f"got {grid}")
    return int(grid[0]), int(grid[1])


def _frame(n_src: int, n_tgt: int) -> np.ndarray:
    """Target coordinates along one axis in source spacings (centres aligned; identity for equal sizes)."""
    return (np.arange(n_tgt, dtype=np.float64) + 0.5) * (n_src / n_tgt) - 0.5


def _gaussian_expected(params, n_pre, n_post, skip, pre_grid, post_grid) -> float:
    """Exact by separability: p_max * (sum over row pairs) * (sum over column pairs) - self pairs."""
    geo = _GaussianGeometry.of(params, n_pre, n_post, pre_grid, post_grid, "?")
    row_sum = axis_sum(geo.src_shape[0], geo.ty, geo.inv_two_s2)
    col_sum = axis_sum(geo.src_shape[1], geo.tx, geo.inv_two_s2)
    return max(geo.p_max * row_sum * col_sum - skip * n_pre * geo.p_max, 0.0)
