"""Synapses and delays: exact PSPs, delta jumps, receptor signs, conductances, delays, wiring integration.

A spike emitted in step s (labelled s*dt, emitted at the step's end, (s + 1)*dt) with a delay of
d = round(delay / dt) steps (at least 1) arrives exactly d later, at (s + 1 + d)*dt, for every synapse kind
(NEST's convention): a delta synapse moves v at the end of step s + d, a current or conductance synapse's
state jumps then; the first trace sample that shows it is the one taken at the start of step s + d + 1.
"""

import numpy as np
import pytest
from spikestudio.engine.model.network import Distribution

DT = 0.1
T_IN = 5.0  # input spike time, ms


def probe_net(probe, dt=DT, spike_times=(T_IN,), n_sources=1, targets=1, **lif):
    net = probe.network(dt)
    net.add_spike_times("S", n_sources, np.zeros(len(spike_times), np.int64), list(spike_times))
    net.add_population("N", targets, "lif", **lif)
    net.record_state("N", neurons=range(targets), interval=dt)
    net.record_spikes("N")
    return net


# ---------------------------------------------------------------------------------------------------
# current synapses: the exact difference-of-exponentials PSP
# ---------------------------------------------------------------------------------------------------


def analytic_psp(t, t_arr, w, tau_s, tau_m, c_m):
    """v - E_L after a current w*exp(-(t - t_arr)/tau_s) (pA) starts at t_arr into a resting LIF."""
    s = np.clip(t - t_arr, 0.0, None)
    if tau_s == tau_m:
        return (w / c_m) * s * np.exp(-s / tau_m)
    amp = (w / c_m) * tau_m * tau_s / (tau_s - tau_m)
    # e^{-s/tau_s} - e^{-s/tau_m}, written without cancellation for close time constants
    return amp * np.exp(-s / tau_m) * np.expm1(-s * (1.0 / tau_s - 1.0 / tau_m))


@pytest.mark.parametrize("tau_s", [2.0, 10.0, 30.0])
@pytest.mark.parametrize("delay", [0.1, 1.0, 3.7])
def test_current_synapse_psp_is_exact(tau_s, delay, probe, simulate):
    w = 100.0
    net = probe_net(probe)
    net.connect("S", "N", "one_to_one", weight=w, delay=delay, synapse="current", tau=tau_s)
    _, res = simulate(net, 0.08)
    t, v = res.trace("v:N")
    t_arr = T_IN + DT + max(1, round(delay / DT)) * DT  # emitted at the step's end, then the delay
    psp = analytic_psp(t, t_arr, w, tau_s, probe.TAU_M, probe.C_M)
    assert psp.max() > 0.1  # a real PSP, not a flat line
    np.testing.assert_allclose(v[:, 0] - probe.E_L, psp, rtol=0, atol=1e-9)
    assert np.all(v[t <= t_arr + 1e-9, 0] == probe.E_L)


def test_current_synapse_psp_exact_for_nearly_equal_time_constants(probe, simulate):
    """tau_s within 1e-7 of tau_m: the propagator must not lose precision to cancellation."""
    w, tau_s = 100.0, probe.TAU_M * (1.0 + 1e-7)
    net = probe_net(probe)
    net.connect("S", "N", "one_to_one", weight=w, delay=1.0, synapse="current", tau=tau_s)
    _, res = simulate(net, 0.08)
    t, v = res.trace("v:N")
    psp = analytic_psp(t, T_IN + DT + 1.0, w, tau_s, probe.TAU_M, probe.C_M)
    np.testing.assert_allclose(v[:, 0] - probe.E_L, psp, rtol=0, atol=1e-9)


def test_inhibitory_current_synapse_gives_the_negative_psp(probe, simulate):
    net = probe_net(probe)
    net.add_population("M", 1, "lif")
    net.record_state("M", interval=DT)
    net.connect("S", "N", "one_to_one", weight=80.0, delay=1.0, synapse="current", tau=3.0)
    net.connect("S", "M", "one_to_one", weight=80.0, delay=1.0, synapse="current", tau=3.0,
                receptor="inhibitory")
    _, res = simulate(net, 0.05)
    _, exc = res.trace("v:N")
    _, inh = res.trace("v:M")
    assert (exc - probe.E_L).max() > 0.1
    np.testing.assert_allclose(inh - probe.E_L, -(exc - probe.E_L), rtol=0, atol=1e-10)


def test_synaptic_current_trace_decays_with_tau(probe, simulate):
    net = probe_net(probe)
    net.record_state("N", "syn_exc", interval=DT)
    net.connect("S", "N", "one_to_one", weight=50.0, delay=1.0, synapse="current", tau=4.0)
    _, res = simulate(net, 0.03)
    t, g = res.trace("syn_exc:N")
    k_arr = round((T_IN + DT + 1.0) / DT)
    assert np.all(g[:k_arr, 0] == 0.0)
    later = g[k_arr:, 0]
    # sampled from arrival on, every step: 50 exp(-(t - t_arr) / tau)
    np.testing.assert_allclose(later, 50.0 * np.exp(-(t[k_arr:] - (T_IN + DT + 1.0)) / 4.0), rtol=1e-9)


def test_many_channels_into_one_lif_superpose_exactly(probe, simulate):
    """Four channels (currents with three time constants, both receptors, and a delta) add up exactly."""
    net = probe_net(probe, spike_times=(T_IN, 7.3))
    net.connect("S", "N", "one_to_one", id="a", weight=60.0, delay=1.0, synapse="current", tau=2.0)
    net.connect("S", "N", "one_to_one", id="b", weight=90.0, delay=2.0, synapse="current", tau=8.0,
                receptor="inhibitory")
    net.connect("S", "N", "one_to_one", id="c", weight=40.0, delay=0.5, synapse="current", tau=25.0)
    net.connect("S", "N", "one_to_one", id="d", weight=0.7, delay=3.0, synapse="delta")
    _, res = simulate(net, 0.08)
    t, v = res.trace("v:N")
    expected = np.zeros_like(t)
    for t_spike in (T_IN, 7.3):
        expected += analytic_psp(t, t_spike + DT + 1.0, 60.0, 2.0, probe.TAU_M, probe.C_M)
        expected -= analytic_psp(t, t_spike + DT + 2.0, 90.0, 8.0, probe.TAU_M, probe.C_M)
        expected += analytic_psp(t, t_spike + DT + 0.5, 40.0, 25.0, probe.TAU_M, probe.C_M)
        t_jump = t_spike + 3.0 + DT  # visible from the sample after the step it acts in
        expected += np.where(t >= t_jump - 1e-9, 0.7 * np.exp(-(t - t_jump) / probe.TAU_M), 0.0)
    np.testing.assert_allclose(v[:, 0] - probe.E_L, expected, rtol=0, atol=1e-9)


def test_psp_follows_membrane_parameters_changed_before_running(probe):
    """set_param on tau_m and C_m updates the exact synaptic propagator, not just the leak."""
    from spikestudio.engine.simulation.simulator import Simulator

    net = probe_net(probe)
    net.connect("S", "N", "one_to_one", weight=100.0, delay=1.0, synapse="current", tau=3.0)
    sim = Simulator(net)
    sim.set_param("N", "tau_m", 20.0)
    sim.set_param("N", "C_m", 100.0)
    t, v = sim.run(0.08).trace("v:N")
    psp = analytic_psp(t, T_IN + DT + 1.0, 100.0, 3.0, 20.0, 100.0)
    np.testing.assert_allclose(v[:, 0] - probe.E_L, psp, rtol=0, atol=1e-9)


def test_current_synapse_into_izhikevich_acts_as_pa(simulate):
    """A current synapse adds its (decaying) current to dv/dt: 1 pA raises dv/dt by 1 mV/ms."""
    from spikestudio.engine.model.network import Network

    net = Network(dt=0.1, seed=1)
    net.add_spike_times("S", 1, [0], [T_IN])
    net.add_population("N", 1, "izhikevich")
    net.add_population("M", 1, "izhikevich")
    net.connect("S", "N", "one_to_one", weight=5.0, delay=1.0, synapse="current", tau=2.0)
    net.record_state("N", interval=DT)
    net.record_state("M", interval=DT)
    _, res = simulate(net, 0.02)
    _, v = res.trace("v:N")
    _, ref = res.trace("v:M")
    k = round((T_IN + DT + 1.0) / DT)  # the current arrives at T_IN + DT + 1 ms and acts from then on
    np.testing.assert_array_equal(v[: k + 1], ref[: k + 1])
    # one Euler step of dt with the fresh 5 pA current: 0.5 mV above the undisturbed neuron
    assert v[k + 1, 0] - ref[k + 1, 0] == pytest.approx(5.0 * DT, abs=1e-9)
    assert np.all(v[k + 1: k + 21, 0] > ref[k + 1: k + 21, 0])  # depolarised while the current flows


# ---------------------------------------------------------------------------------------------------
# delta synapses
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("receptor, sign", [("excitatory", 1.0), ("inhibitory", -1.0)])
def test_delta_synapse_jump_equals_weight(receptor, sign, probe, simulate):
    w = 2.5
    net = probe_net(probe)
    net.connect("S", "N", "one_to_one", weight=w, delay=1.0, synapse="delta", receptor=receptor)
    _, res = simulate(net, 0.05)
    t, v = res.trace("v:N")
    k = round((T_IN + 1.0) / DT) + 1  # first sample showing the input
    assert np.all(v[:k, 0] == probe.E_L)
    assert v[k, 0] - probe.E_L == pytest.approx(sign * w, abs=1e-12)
    # and then the free membrane relaxes exactly
    expected = probe.E_L + sign * w * np.exp(-(t[k:] - t[k]) / probe.TAU_M)
    np.testing.assert_allclose(v[k:, 0], expected, rtol=0, atol=1e-9)


def test_simultaneous_delta_inputs_add_up(probe, simulate):
    net = probe_net(probe, n_sources=3)
    net.inputs["S"].neurons = np.array([0, 1, 2])
    net.inputs["S"].times = np.array([T_IN, T_IN, T_IN])
    net.connect("S", "N", "all_to_all", weight=1.5, delay=0.5, synapse="delta")
    _, res = simulate(net, 0.02)
    _, v = res.trace("v:N")
    k = round((T_IN + 0.5) / DT) + 1
    assert v[k, 0] - v[k - 1, 0] == pytest.approx(4.5, abs=1e-12)


def test_delta_input_during_refractory_period_is_lost(probe, simulate):
    """The membrane is clamped at V_reset while refractory: inputs arriving then leave no trace."""
    net = probe.network(DT)
    net.add_spike_times("S", 1, [0, 0], [0.0, 1.0])
    net.add_population("N", 1, "lif", t_ref=5.0)
    net.connect("S", "N", "one_to_one", weight=20.0, delay=0.1, synapse="delta")  # first input: spike
    net.record_state("N", interval=DT)
    net.record_spikes("N")
    _, res = simulate(net, 0.03)
    times = res.spikes("N")[0]
    _, v = res.trace("v:N")
    assert times.size == 1 and times[0] == pytest.approx(0.1)
    # the second input acts in step 11, inside the refractory period (steps 2..51): v stays at V_reset
    assert np.all(v[2:53, 0] == probe.V_RESET)
    assert np.all(v[53:, 0] == probe.V_RESET)  # nothing drives it afterwards either


# ---------------------------------------------------------------------------------------------------
# conductance synapses
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weight", [50.0, 500.0, 50000.0])
def test_excitatory_conductance_depolarises_towards_but_not_past_e_rev(weight, probe, simulate):
    net = probe_net(probe, V_th=150.0)
    net.connect("S", "N", "one_to_one", weight=weight, delay=1.0, synapse="conductance", E_rev=0.0)
    _, res = simulate(net, 0.06)
    _, v = res.trace("v:N")
    peak = v.max()
    assert probe.E_L < peak < 0.0
    if weight >= 500.0:
        assert peak > probe.E_L + 0.5 * (0.0 - probe.E_L)
    if weight >= 50000.0:
        assert peak > -1.0  # a huge conductance clamps v close to E_rev
    assert res.spike_counts("N")[0] == 0
    assert abs(v[-1, 0] - probe.E_L) < abs(peak - probe.E_L)  # recovering towards rest


@pytest.mark.parametrize("weight", [50.0, 50000.0])
def test_inhibitory_conductance_hyperpolarises_towards_but_not_past_e_rev(weight, probe, simulate):
    net = probe_net(probe)
    net.connect("S", "N", "one_to_one", weight=weight, delay=1.0, synapse="conductance",
                receptor="inhibitory", E_rev=-80.0)
    _, res = simulate(net, 0.06)
    _, v = res.trace("v:N")
    trough = v.min()
    assert -80.0 <= trough < probe.E_L
    if weight >= 50000.0:
        assert trough < -79.5


def test_conductance_with_e_rev_at_rest_does_not_move_v(probe, simulate):
    """A shunting conductance reversing at E_L leaves a resting membrane exactly where it is."""
    net = probe_net(probe)
    net.connect("S", "N", "one_to_one", weight=1000.0, delay=1.0, synapse="conductance", E_rev=probe.E_L)
    _, res = simulate(net, 0.03)
    _, v = res.trace("v:N")
    np.testing.assert_allclose(v[:, 0], probe.E_L, rtol=0, atol=1e-9)


def test_small_conductance_psp_approaches_the_current_psp(probe, simulate):
    """For small g, g (E_rev - v) ~ g (E_rev - E_L): the PSP matches a current PSP of that amplitude."""
    g, tau_s, e_rev = 0.5, 2.0, 0.0
    net = probe_net(probe)
    net.connect("S", "N", "one_to_one", weight=g, delay=1.0, synapse="conductance", E_rev=e_rev, tau=tau_s)
    _, res = simulate(net, 0.05)
    t, v = res.trace("v:N")
    psp = analytic_psp(t, T_IN + DT + 1.0, g * (e_rev - probe.E_L), tau_s, probe.TAU_M, probe.C_M)
    dev = v[:, 0] - probe.E_L
    assert psp.max() > 0.05
    assert np.max(np.abs(dev - psp)) < 0.03 * psp.max()


# ---------------------------------------------------------------------------------------------------
# delays
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dt", [0.1, 0.025])
@pytest.mark.parametrize("delay", [0.0, "one step", 0.5, 2.3, 25.0])
def test_delay_in_whole_steps(delay, dt, probe, simulate):
    delay = dt if delay == "one step" else delay
    net = probe_net(probe, dt=dt, spike_times=(2.0,))
    net.connect("S", "N", "one_to_one", weight=1.0, delay=delay, synapse="delta")
    _, res = simulate(net, 0.03)
    _, v = res.trace("v:N")
    d = max(1, round(delay / dt))
    first = round(2.0 / dt) + d + 1
    assert np.all(v[:first, 0] == probe.E_L)
    assert v[first, 0] == pytest.approx(probe.E_L + 1.0, abs=1e-12)


@pytest.mark.parametrize("kind", ["delta", "current", "conductance"])
@pytest.mark.parametrize("delay", ["one step", 0.5, 2.3])
@pytest.mark.parametrize("shared", [True, False], ids=["one weight", "weights differ"])
def test_every_synapse_kind_arrives_exactly_one_delay_after_emission(kind, delay, shared, probe, simulate):
    """NEST's convention for all kinds: the spike of step s is emitted at (s + 1) dt and arrives d later, so the
    first sample showing it (v for delta, the synaptic state otherwise) is at (s + 1 + d) dt."""
    delay = DT if delay == "one step" else delay
    net = probe_net(probe, targets=2, V_th=150.0)
    net.record_state("N", "syn_exc", neurons=range(2), interval=DT)
    weights = [2.0, 2.0] if shared else [2.0, 3.0]  # differing weights take the kernel's general path
    extra = {"E_rev": 0.0} if kind == "conductance" else {}
    net.connect("S", "N", "explicit", pre=[0, 0], post=[0, 1], weights=weights, delay=delay, synapse=kind,
                **extra)
    _, res = simulate(net, 0.01)
    t, v = res.trace("v:N")
    _, g = res.trace("syn_exc:N")
    seen = v != probe.E_L if kind == "delta" else g != 0.0
    first = np.argmax(seen, axis=0)
    assert np.all(seen.any(axis=0))
    d = max(1, round(delay / DT))
    np.testing.assert_array_equal(first, [round(T_IN / DT) + 1 + d] * 2)
    if kind == "delta":
        np.testing.assert_allclose(v[first, [0, 1]] - probe.E_L, weights, rtol=0, atol=1e-12)
    else:
        np.testing.assert_allclose(g[first, [0, 1]], weights, rtol=0, atol=1e-12)


def test_mixed_delays_within_one_projection(probe, simulate):
    delays = np.array([0.0, 0.1, 0.5, 2.3, 17.0, 0.1, 40.0])
    n = delays.size
    net = probe_net(probe, spike_times=(2.0,), targets=n)
    net.connect("S", "N", "explicit", pre=np.zeros(n, np.int64), post=np.arange(n), weights=np.full(n, 1.0),
                delays=delays, synapse="delta")
    _, res = simulate(net, 0.05)
    _, v = res.trace("v:N")
    for j, delay in enumerate(delays):
        first = 20 + max(1, round(delay / DT)) + 1
        assert np.all(v[:first, j] == probe.E_L), j
        assert v[first, j] == pytest.approx(probe.E_L + 1.0, abs=1e-12), j


def test_explicit_synapses_keep_pre_post_weight_and_delay_together(probe, simulate):
    """Unsorted explicit arrays: each target hears its own source, with its own weight, after its own delay."""
    pre = np.array([2, 0, 3, 1, 0])
    post = np.array([0, 1, 2, 3, 4])
    weights = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    delays = np.array([0.5, 3.0, 1.0, 0.1, 7.0])
    spike_at = {0: 1.0, 1: 2.0, 2: 3.0, 3: 4.0}  # source -> its only spike
    net = probe.network(DT)
    net.add_spike_times("S", 4, list(spike_at), list(spike_at.values()))
    net.add_population("N", 5, "lif", V_th=150.0)
    net.connect("S", "N", "explicit", pre=pre, post=post, weights=weights, delays=delays, synapse="delta")
    net.record_state("N", neurons=range(5), interval=DT)
    _, res = simulate(net, 0.02)
    _, v = res.trace("v:N")
    for j in range(5):
        first = round(spike_at[pre[j]] / DT) + round(delays[j] / DT) + 1
        assert np.all(v[:first, j] == probe.E_L), j
        assert v[first, j] - probe.E_L == pytest.approx(weights[j], abs=1e-12), j


def test_drawn_delays_are_honoured_per_synapse(probe, simulate):
    """Random delays: each target's input arrives after its own synapse's delay (read back from the build)."""
    from spikestudio.engine.simulation.simulator import Simulator

    n = 40
    net = probe_net(probe, spike_times=(1.0,), targets=n)
    net.connect("S", "N", "all_to_all", weight=1.0, delay=Distribution("uniform", low=0.1, high=12.0),
                synapse="delta")
    sim = Simulator(net)
    built = sim.built
    sl = built.synapses["S->N"]
    steps = built.state.delay[sl]
    posts = built.state.post[sl]
    assert np.unique(steps).size > 10  # really mixed
    _, v = sim.run(0.02).trace("v:N")
    for q in range(posts.size):
        first = 10 + int(steps[q]) + 1
        j = posts[q]
        assert np.all(v[:first, j] == probe.E_L) and v[first, j] == pytest.approx(probe.E_L + 1.0, abs=1e-12)


def test_lif_to_lif_delay_counts_from_the_spiking_step(probe, simulate):
    """Neuron-to-neuron: the target's v changes d steps after the step in which the source fired."""
    dt, delay = 0.1, 1.5
    net = probe.network(dt)
    net.add_population("A", 1, "lif", I_e=500.0)
    net.add_population("B", 1, "lif")
    net.connect("A", "B", "one_to_one", weight=0.5, delay=delay, synapse="delta")
    net.record_spikes("A")
    net.record_state("B", interval=dt)
    _, res = simulate(net, 0.05)
    ts = res.spikes("A")[0][0]
    _, v = res.trace("v:B")
    first = round(ts / dt) + round(delay / dt) + 1
    assert np.all(v[:first, 0] == probe.E_L)
    assert v[first, 0] == pytest.approx(probe.E_L + 0.5, abs=1e-12)


# ---------------------------------------------------------------------------------------------------
# connectivity rules wired into a running network
# ---------------------------------------------------------------------------------------------------


def one_volley(probe, rule, n_src=40, n_tgt=30, **params):
    net = probe.network(DT)
    net.add_spike_times("S", n_src, np.arange(n_src), np.full(n_src, 1.0))
    net.add_population("N", n_tgt, "lif", V_th=150.0)
    net.connect("S", "N", rule, weight=1.0, delay=0.1, synapse="delta", **params)
    net.record_state("N", neurons=range(n_tgt), interval=DT)
    return net


def volley_jumps(res, probe):
    _, v = res.trace("v:N")
    k = round(1.0 / DT) + 1 + 1
    assert np.all(v[:k] == probe.E_L)
    return v[k] - probe.E_L


def test_fixed_indegree_delivers_exactly_k_inputs_per_target(probe, simulate):
    _, res = simulate(one_volley(probe, "fixed_indegree", k=7), 0.003)
    np.testing.assert_allclose(volley_jumps(res, probe), 7.0, rtol=0, atol=1e-12)


def test_fixed_outdegree_delivers_k_inputs_per_source(probe, simulate):
    _, res = simulate(one_volley(probe, "fixed_outdegree", k=5), 0.003)
    jumps = volley_jumps(res, probe)
    assert jumps.sum() == pytest.approx(40 * 5, abs=1e-9)
    np.testing.assert_allclose(jumps, np.rint(jumps), atol=1e-12)  # whole numbers of unit inputs


def test_all_to_all_and_one_to_one_volleys(probe, simulate):
    _, res = simulate(one_volley(probe, "all_to_all"), 0.003)
    np.testing.assert_allclose(volley_jumps(res, probe), 40.0, atol=1e-12)
    _, res = simulate(one_volley(probe, "one_to_one", n_src=30), 0.003)
    np.testing.assert_allclose(volley_jumps(res, probe), 1.0, atol=1e-12)


def test_volley_matches_the_built_connectivity(probe, simulate):
    """fixed_probability: each target's jump equals its number of incoming synapses in the built arrays."""
    from spikestudio.engine.simulation.simulator import Simulator

    net = one_volley(probe, "fixed_probability", p=0.3)
    sim = Simulator(net)
    sl = sim.built.synapses["S->N"]
    indegree = np.bincount(sim.built.state.post[sl], minlength=30)
    jumps = volley_jumps(sim.run(0.003), probe)
    assert indegree.min() != indegree.max()
    np.testing.assert_allclose(jumps, indegree, atol=1e-12)
