"""Learning rules in the compiled loop, against their defining equations: the STDP window, all-to-all vs
nearest-neighbour pairing, soft bounds, the Tsodyks-Markram recursion; plus reset and saving what was learned."""

import math

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.errors import BuildError
from spikestudio.engine.files import fileformat
from spikestudio.engine.kernels.plasticity_kernels import STDP as KERNEL_STDP
from spikestudio.engine.kernels.plasticity_kernels import STP as KERNEL_STP
from spikestudio.engine.model.network import Distribution, Network, Plasticity
from spikestudio.engine.simulation.plasticity import STDP, STP
from spikestudio.plugins.registry import default_registry

W_MAX, A_PLUS, A_MINUS, TAU_PLUS, TAU_MINUS = 1.0, 0.01, 0.012, 16.8, 33.7  # Bi & Poo-like windows


def pairing(pre_times, post_times, w0=0.5, **rule):
    """One presynaptic spike source onto one LIF neuron, which a strong kick makes fire at ``post_times``.

    The plastic synapse is a weak delta synapse (at most 1 mV) that never makes the neuron fire itself.
    Returns (final weight, actual pre spike times, actual post spike times).
    """
    net = Network(dt=0.1, duration=200.0, seed=1)
    net.add_spike_times("pre", 1, [0] * len(pre_times), pre_times)
    net.add_spike_times("kick", 1, [0] * len(post_times), [t - 0.1 for t in post_times])
    net.add_population("post", 1, "lif", tau_m=20.0)
    net.connect("kick", "post", "one_to_one", weight=40.0, synapse="delta", delay=0.1)
    params = {"tau_plus": TAU_PLUS, "tau_minus": TAU_MINUS, "A_plus": A_PLUS, "A_minus": A_MINUS, "w_max": W_MAX}
    net.connect("pre", "post", "one_to_one", id="syn", weight=w0, synapse="delta", delay=0.1,
                plasticity=Plasticity("stdp", {**params, **rule}))
    sim = spikestudio.Simulator(net, record_all=True)
    results = sim.run(0.2)
    return sim.connections("syn")[2][0], results.spikes("pre")[0], results.spikes("post")[0]


@pytest.mark.parametrize("lag", [-40.0, -12.5, -3.0, 3.0, 12.5, 40.0])
def test_one_pair_follows_the_stdp_window(lag):
    w, pre, post = pairing([60.0], [60.0 + lag])
    assert pre.tolist() == [60.0] and post.size == 1
    dt = post[0] - pre[0]
    expected = A_PLUS * W_MAX * math.exp(-dt / TAU_PLUS) if dt >= 0 else -A_MINUS * W_MAX * math.exp(dt / TAU_MINUS)
    assert w - 0.5 == pytest.approx(expected, rel=1e-9)


def test_soft_bounds_scale_with_the_distance_to_the_bounds():
    w_up, pre, post = pairing([60.0], [70.0], w0=0.8, multiplicative=1)
    assert w_up - 0.8 == pytest.approx(A_PLUS * (W_MAX - 0.8) * math.exp(-(post[0] - pre[0]) / TAU_PLUS), rel=1e-9)
    w_down, pre, post = pairing([70.0], [60.0], w0=0.8, multiplicative=1)
    assert 0.8 - w_down == pytest.approx(A_MINUS * 0.8 * math.exp((post[0] - pre[0]) / TAU_MINUS), rel=1e-9)


def test_all_to_all_counts_every_earlier_spike_nearest_only_the_last():
    pre_times = [50.0, 55.0]
    w_all, pre, post = pairing(pre_times, [65.0])
    w_near, _, _ = pairing(pre_times, [65.0], nearest=1)
    both = sum(math.exp(-(post[0] - t) / TAU_PLUS) for t in pre)
    assert w_all - 0.5 == pytest.approx(A_PLUS * W_MAX * both, rel=1e-9)
    assert w_near - 0.5 == pytest.approx(A_PLUS * W_MAX * math.exp(-(post[0] - pre[-1]) / TAU_PLUS), rel=1e-9)


def test_weights_stay_within_their_bounds():
    many = [10.0 + 2.0 * k for k in range(80)]
    w_top, _, _ = pairing(many, [t + 1.0 for t in many], w0=0.99, A_plus=0.5, A_minus=0.0)
    w_bottom, _, _ = pairing([t + 1.0 for t in many], many, w0=0.01, A_plus=0.0, A_minus=0.5)
    assert w_top == W_MAX and w_bottom == 0.0


def test_tsodyks_markram_response_to_a_regular_train_matches_the_recursion():
    U, tau_rec, tau_facil, period, w = 0.2, 200.0, 600.0, 25.0, 2.0
    net = Network(dt=0.1, duration=300.0, seed=1)
    times = [10.0 + period * k for k in range(10)]
    net.add_spike_times("pre", 1, [0] * len(times), times)
    net.add_population("post", 1, "lif", tau_m=1e9, V_th=100.0, E_L=-70.0, V_reset=-80.0)  # no leak to speak of
    net.connect("pre", "post", "one_to_one", weight=w, synapse="delta", delay=0.1,
                plasticity=Plasticity("tsodyks_markram", {"U": U, "tau_rec": tau_rec, "tau_facil": tau_facil}))
    net.record_state("post", "v", neurons=[0], interval=0.1)
    t, v = spikestudio.Simulator(net).run(0.3).trace("v:post")
    v = v[:, 0]
    jumps = [v[np.searchsorted(t, s + 0.1 + 1e-9)] - v[np.searchsorted(t, s + 0.1 + 1e-9) - 1] for s in times]
    u, x, expected = 0.0, 1.0, []
    for k in range(len(times)):  # Tsodyks et al. 1998 with facilitation, as NEST's tsodyks2_synapse
        x_decay = 0.0 if k == 0 else math.exp(-period / tau_rec)
        u_decay = 0.0 if k == 0 else math.exp(-period / tau_facil)
        x = 1.0 + (x - x * u - 1.0) * x_decay
        u = U + u * (1.0 - U) * u_decay
        expected.append(w * u * x)
    assert np.allclose(jumps, expected, rtol=1e-9, atol=1e-9)
    assert expected[1] > expected[0] and expected[-1] < max(expected)  # facilitation first, then depression


def test_reset_restores_learned_weights_and_the_run_repeats():
    net = Network(dt=0.1, duration=300.0, seed=4)
    net.add_poisson("drive", 50, 20.0)
    net.add_population("E", 20)
    net.connect("drive", "E", "fixed_probability", id="learn", p=0.5, weight=80.0,
                plasticity=Plasticity("stdp", {"w_max": 160.0}))
    sim = spikestudio.Simulator(net)
    first = sim.run(0.3)
    learned = sim.connections("learn")[2]
    assert not np.allclose(learned, 80.0)
    sim.reset()
    assert np.allclose(sim.connections("learn")[2], 80.0)
    again = sim.run(0.3)
    assert np.array_equal(sim.connections("learn")[2], learned)
    assert np.array_equal(again.spike_counts("E"), first.spike_counts("E"))


def test_learned_weights_are_saved_and_reopen_identically(tmp_path):
    net = Network(dt=0.1, duration=300.0, seed=5)
    net.add_poisson("drive", 40, 25.0)
    net.add_population("E", 10)
    net.connect("drive", "E", "fixed_probability", id="learn", p=0.5, weight=90.0,
                plasticity=Plasticity("stdp", {"w_max": 180.0}))
    sim = spikestudio.Simulator(net)
    sim.run(0.3)
    path = tmp_path / "learned.snn"
    fileformat.save(sim.learned_network(), path)
    reopened = spikestudio.load(path)
    assert reopened.projections["learn"].rule == "explicit"
    assert reopened.projections["learn"].plasticity.rule == "stdp"
    pre, post, w = spikestudio.Simulator(reopened).connections("learn")
    pre0, post0, w0 = sim.connections("learn")
    order, order0 = np.lexsort((post, pre)), np.lexsort((post0, pre0))
    assert np.array_equal(pre[order], pre0[order0]) and np.array_equal(w[order], w0[order0])


def test_rules_come_from_the_registry_and_problems_are_named():
    registry = default_registry()
    assert {"stdp", "triplet_stdp", "tsodyks_markram"} <= set(registry.learning_rules())
    net = Network()
    net.add_population("A", 2)
    net.add_population("B", 2)
    net.connect("A", "B", id="ab", plasticity=Plasticity("hebb9000"))
    with pytest.raises(BuildError, match=r'projections\["ab"\].plasticity.rule: no installed plugin .*"hebb9000"'):
        spikestudio.Simulator(net)
    net.projections["ab"].plasticity = Plasticity("stdp", {"tau_plus": -1.0})
    with pytest.raises(BuildError, match=r'projections\["ab"\].plasticity.params.tau_plus: -1 is outside'):
        spikestudio.Simulator(net)


def test_a_network_without_plasticity_compiles_without_it():
    net = Network()
    net.add_population("A", 2)
    assert spikestudio.Simulator(net).built.gates.plastic is None
    assert (STDP, STP) == (KERNEL_STDP, KERNEL_STP)


def forced_pairs(pre_times, post_times, rule: str, params: dict, w0: float, duration: float):
    """Like ``pairing`` for any STDP rule and a longer run: (final weight, pre spike steps, post spike steps)."""
    net = Network(dt=0.1, duration=duration, seed=1)
    net.add_spike_times("pre", 1, [0] * len(pre_times), pre_times)
    net.add_spike_times("kick", 1, [0] * len(post_times), [t - 0.1 for t in post_times])
    net.add_population("post", 1, "lif", tau_m=20.0)
    net.connect("kick", "post", "one_to_one", weight=40.0, synapse="delta", delay=0.1)
    net.connect("pre", "post", "one_to_one", id="syn", weight=w0, synapse="delta", delay=0.1,
                plasticity=Plasticity(rule, params))
    sim = spikestudio.Simulator(net, record_all=True)
    results = sim.run(duration / 1000.0)
    steps = [np.rint(results.spikes(node)[0] / 0.1).astype(int) for node in ("pre", "post")]
    return sim.connections("syn")[2][0], steps[0], steps[1]


def triplet_reference(pre_steps, post_steps, n_steps, p, w0, dt=0.1):
    """Pfister & Gerstner's all-to-all triplet rule, step by step in plain Python (additive, amplitudes x w_max)."""
    d = {k: math.exp(-dt / p[k]) for k in ("tau_plus", "tau_minus", "tau_x", "tau_y")}
    r1 = r2 = o1 = o2 = 0.0
    w, pre, post = w0, set(pre_steps.tolist()), set(post_steps.tolist())
    for step in range(n_steps):
        r1, o1, r2, o2 = r1 * d["tau_plus"], o1 * d["tau_minus"], r2 * d["tau_x"], o2 * d["tau_y"]
        if step in pre:
            w = max(w - (p["A2_minus"] + p["A3_minus"] * r2) * o1 * p["w_max"], 0.0)
            r1, r2 = r1 + 1.0, r2 + 1.0
        if step in post:
            w = min(w + (p["A2_plus"] + p["A3_plus"] * o2) * r1 * p["w_max"], p["w_max"])
            o1, o2 = o1 + 1.0, o2 + 1.0
    return w


TRIPLET = {"tau_plus": 16.8, "tau_minus": 33.7, "tau_x": 101.0, "tau_y": 125.0, "A2_plus": 5e-10,
           "A3_plus": 6.2e-3, "A2_minus": 7e-3, "A3_minus": 2.3e-4, "w_max": 10.0}


def test_triplet_rule_matches_its_equations_on_random_trains():
    rng = np.random.default_rng(7)
    pre = np.sort(rng.uniform(5.0, 990.0, 40)).round(1)
    post = np.sort(rng.uniform(5.0, 990.0, 40)).round(1)
    w, pre_steps, post_steps = forced_pairs(pre.tolist(), post.tolist(), "triplet_stdp", TRIPLET, 5.0, 1000.0)
    assert pre_steps.size == 40 and post_steps.size > 30  # a kick inside the refractory period makes no spike
    assert w == pytest.approx(triplet_reference(pre_steps, post_steps, 10_000, TRIPLET, 5.0), rel=1e-12)


@pytest.mark.parametrize("lag", [10.0, -10.0])
def test_triplet_rule_reproduces_the_pairing_frequency_dependence(lag):
    """60 pairings at 0.1 to 50 Hz (Sjostrom et al. 2001; Pfister & Gerstner 2006, Fig. 5): pre-before-post
    potentiates more the higher the frequency; post-before-pre depresses at low frequency and turns into
    potentiation at 40-50 Hz."""
    changes = []
    for freq in (0.1, 10.0, 20.0, 50.0):
        period = 1000.0 / freq
        pre = [100.0 + k * period for k in range(60)]
        w, _, _ = forced_pairs(pre, [t + lag for t in pre], "triplet_stdp", TRIPLET, 5.0, 200.0 + 60 * period)
        changes.append(w - 5.0)
    if lag > 0:
        assert abs(changes[0]) < 1e-3 and changes[0] < changes[1] < changes[2] < changes[3]
    else:
        assert changes[0] < 0 and changes[1] < 0 and changes[3] > 0


def test_synaptic_scaling_keeps_each_neurons_input_sum():
    net = Network(dt=0.1, duration=400.0, seed=6)
    net.add_poisson("drive", 60, 30.0)
    net.add_population("E", 8)
    net.connect("drive", "E", "fixed_probability", id="learn", p=0.5, weight=Distribution("uniform", low=20, high=60),
                plasticity=Plasticity("stdp", {"w_max": 200.0, "A_plus": 0.05, "norm_total": 900.0,
                                               "norm_interval": 50.0}))
    sim = spikestudio.Simulator(net)
    sim.run(0.25)  # the last scaling was at 250 ms exactly (every 50 ms)
    pre, post, w = sim.connections("learn")
    sums = np.bincount(post, w, minlength=8)
    assert np.allclose(sums, 900.0, rtol=1e-9)
    assert np.std(w) > 1.0  # STDP still shapes the weights between scalings
