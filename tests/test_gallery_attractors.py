"""Signatures of the ring attractor (Zhang 1996) and the C. elegans tap-withdrawal circuit (Wicks et al. 1996)
examples: each run headless, each asserting what its paper shows, and a control that takes it away."""

from __future__ import annotations

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.model.network import Distribution
from spikestudio.resources.examples import example_path
from spikestudio.resources.examples.attractors import RING, population_vector, ring_weights
from spikestudio.resources.examples.celegans import TAPS, TW_EDGES, TW_INTER, TW_SENSORY

SETTLE = 200.0  # ms after the cue before the bump is measured
_RUNS = {}


def run(name, change=None):
    """The example's results for its own duration, with the projection ``change`` (an id) at weight 0 if given;
    each variant is simulated once per session."""
    key = (name, change)
    if key not in _RUNS:
        net = spikestudio.load(example_path(name))
        if change is not None:
            proj = net.projections[change]
            if proj.weights is not None:
                proj.weights = np.zeros_like(proj.weights)
            proj.weight = Distribution.of(0.0)
        _RUNS[key] = (net, spikestudio.Simulator(net).run())
    return _RUNS[key]


def ring_rates(res, start, stop):
    """Each ring neuron's rate (Hz) and the population vector of the spikes between ``start`` and ``stop``."""
    times, ids = res.spikes("E")
    inside = (times >= start) & (times < stop)
    rates = np.bincount(ids[inside], minlength=RING["N_E"]) / ((stop - start) / 1000.0)
    return rates, population_vector(ids[inside], RING["N_E"])


def ring_distance(i, angle):
    d = np.abs(np.asarray(i) * 360.0 / RING["N_E"] - angle) % 360.0
    return np.minimum(d, 360.0 - d)


# --- the ring attractor ------------------------------------------------------------------------------


def test_ring_weights_are_local_symmetric_and_wrap_round():
    pre, post, w = ring_weights(10, 30.0, 1.0)
    pairs = {(i, (i + d) % 10) for i in range(10) for d in (-3, -2, -1, 1, 2, 3)}
    assert set(zip(pre.tolist(), post.tolist())) == pairs
    matrix = np.zeros((10, 10))
    matrix[pre, post] = w
    np.testing.assert_allclose(matrix, matrix.T)
    assert matrix[0, 1] == pytest.approx(30.0 * np.exp(-0.5)) and matrix[0, 9] == matrix[0, 1]


def test_ring_attractor_holds_the_bump_at_the_cued_angle():
    """Zhang (1996): after the cue, a localised bump persists at the cued angle (here 2 s, measured in 4 windows
    of 450 ms): population vector within 10 degrees of 90 (measured: 89-91), long (> 0.9: the spikes come from a
    narrow arc; measured 0.985); neurons within 20 degrees of the cue fire above 30 Hz (measured 40-60), those
    more than 60 degrees away below 1 Hz. Before the cue the ring has no bump yet (vector length < 0.4; measured
    0.22: the noise has only begun to break its symmetry)."""
    net, res = run("ring_attractor")
    angle, stop = RING["cue_angle"], RING["cue_stop"]
    _, (_, length) = ring_rates(res, 0.0, RING["cue_start"])
    assert length < 0.4
    edges = np.linspace(stop + SETTLE, net.duration, 5)
    assert edges[-1] - edges[0] >= 1000.0  # the bump is checked for at least a second after the cue
    distance = ring_distance(np.arange(RING["N_E"]), angle)
    near, far = distance <= 20.0, distance > 60.0
    for start, end in zip(edges[:-1], edges[1:]):
        rates, (pv, length) = ring_rates(res, start, end)
        assert ring_distance(pv * RING["N_E"] / 360.0, angle) < 10.0, (start, pv)
        assert length > 0.9, (start, length)
        assert rates[near].mean() > 30.0 and rates[far].mean() < 1.0, (start, rates[near].mean(), rates[far].mean())


def test_without_recurrent_excitation_the_bump_dies_with_its_cue():
    """The control: E->E weights 0. The cue still lights its neurons, but after it the activity near the cued
    angle falls to the background and the population vector no longer points anywhere."""
    _, res = run("ring_attractor", "E->E")
    rates, (_, length) = ring_rates(res, RING["cue_start"], RING["cue_stop"])
    near = ring_distance(np.arange(RING["N_E"]), RING["cue_angle"]) <= 10.0
    assert rates[near].mean() > 30.0 and length > 0.5  # the cue alone drives its neurons
    rates, (_, length) = ring_rates(res, RING["cue_stop"] + SETTLE, RING["duration"])
    assert rates[near].mean() < 15.0 and length < 0.3


# --- the tap-withdrawal circuit ------------------------------------------------------------------------


def tw_v(res, cell, start, stop):
    """A graded cell's mean membrane potential (mV) between ``start`` and ``stop`` ms (its state recorder)."""
    t, v = res.trace(f"v:{cell}")
    inside = (t >= start) & (t < stop)
    return float(v[inside, 0].mean())


def tw_windows(res, cell):
    """(at rest, during the head tap, during the tail tap): the last 100 ms before the head tap, and each tap's
    last 100 ms (the cells have settled: tau = 20 ms)."""
    a0, a1 = TAPS["anterior"]
    p0, p1 = TAPS["posterior"]
    return tw_v(res, cell, a0 - 100.0, a0), tw_v(res, cell, a1 - 100.0, a1), tw_v(res, cell, p1 - 100.0, p1)


def test_the_circuit_is_graded_neurons_coupled_by_graded_synapses_and_gap_junctions():
    """One non-spiking neuron per cell, every edge of TW_EDGES once: chemical edges as graded synapses of their
    sign, gap junctions as gap projections (one per junction: the kind couples both cells)."""
    net, res = run("tap_withdrawal")
    assert set(net.populations) == set(TW_SENSORY + TW_INTER)
    assert all(pop.size == 1 and net.models[pop.model].threshold is None for pop in net.populations.values())
    kinds = sorted((p.source, p.target, p.synapse.kind, p.synapse.receptor) for p in net.projections.values())
    expected = sorted((a, b, "gap" if k == "GJ" else "graded", "inhibitory" if k == "IN" else "excitatory")
                      for a, b, k in TW_EDGES)
    assert kinds == expected
    assert all(res.spike_counts(cell).sum() == 0 for cell in net.populations)


def test_head_tap_drives_the_reversal_commands_above_the_forward_ones():
    """Wicks et al. (1996): at rest the forward command AVB sits above the backward command AVA (measured -37.4
    against -62.1 mV); a tap on the head (ALM, AVM) reverses them: AVD depolarises through the AVM gap junction
    (-66.7 -> -40.1 mV) and drives AVA (-27.4 mV) far above AVB (-49.6 mV). A tap on the tail (PLM) does the
    opposite: PVC depolarises through the PLM gap junction (-61.1 -> -33.1 mV) and AVB (-17.7 mV) rises far
    above AVA (-50.2 mV). Margins: 10 mV where 20 to 30 were measured."""
    _, res = run("tap_withdrawal")
    v = {cell: tw_windows(res, cell) for cell in TW_SENSORY + TW_INTER}
    rest, head, tail = 0, 1, 2
    assert v["AVB"][rest] > v["AVA"][rest] + 10.0  # forward at rest
    assert v["ALM"][head] > v["ALM"][rest] + 30.0 and v["PLM"][tail] > v["PLM"][rest] + 20.0  # the taps land
    assert v["AVD"][head] > v["AVD"][rest] + 15.0
    assert v["AVA"][head] > v["AVB"][head] + 10.0  # reversal
    assert v["AVB"][head] < v["AVB"][rest] - 5.0  # the forward command is suppressed
    assert v["PVC"][tail] > v["PVC"][rest] + 15.0
    assert v["AVB"][tail] > v["AVA"][tail] + 10.0 and v["AVB"][tail] > v["AVB"][rest] + 10.0  # faster forward
    assert v["AVA"][tail] < v["AVA"][head] - 10.0


def test_without_the_avm_gap_junction_a_head_tap_no_longer_reaches_avd():
    """The control: AVM-AVD is the head tap's only excitatory way into the circuit (ALM's synapses inhibit).
    Without it, the tap leaves AVD near rest and AVA below AVB: no reversal."""
    _, res = run("tap_withdrawal")
    _, cut = run("tap_withdrawal", "AVM-AVD gap")
    rest, head, _ = tw_windows(cut, "AVD")
    assert head < rest + 3.0 < tw_windows(res, "AVD")[1]
    assert tw_windows(cut, "AVA")[1] < tw_windows(cut, "AVB")[1]


# --- the same rates in Brian2 ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ring_attractor"])
def test_brian2_export_fires_at_the_same_rates(name, tmp_path):
    """The exported Brian2 script (connection rules, Brian2's own random draws) gives every population's rate
    within 10 % (measured: ring E 5.83 / 5.70 Hz, I 103.6 / 101.6 Hz, cue identical)."""
    from test_interop_scripts import NO_BRIAN2, brian2_python, rates, run_script

    python = brian2_python()
    if python is None:
        pytest.skip(NO_BRIAN2)
    from spikestudio.engine.interop import brian2_script

    net, ours = run(name)
    done = run_script(python, brian2_script(net, strict=True), tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    theirs = rates(done.stdout)
    assert set(theirs) == set(net.populations)
    for pid in net.populations:
        assert theirs[pid] == pytest.approx(ours.mean_rate(pid), rel=0.10, abs=0.05), pid


@pytest.mark.slow
def test_brian2_export_of_the_tap_circuit_gives_the_same_membrane_potentials(tmp_path):
    """The graded circuit travels as Brian2 Synapses with summed currents: every cell's recorded membrane
    potential within 1 % of ours at every sample (measured: within 5e-9 mV, the printed precision)."""
    from test_graded_synapses import brian2_traces
    from test_interop_scripts import NO_BRIAN2, brian2_python, run_script

    python = brian2_python()
    if python is None:
        pytest.skip(NO_BRIAN2)
    from spikestudio.engine.interop import brian2_script

    net, ours = run("tap_withdrawal")
    done = run_script(python, brian2_script(net, strict=True), tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    theirs = brian2_traces(done.stdout)
    assert set(theirs) == {f"v:{cell}" for cell in TW_SENSORY + TW_INTER}
    for rid, values in theirs.items():
        np.testing.assert_allclose(values, ours.trace(rid)[1][:, 0], rtol=0.01, err_msg=rid)
