"""Signatures of the ring attractor (Zhang 1996) and the C. elegans tap-withdrawal circuit (Wicks et al. 1996)
examples: each run headless, each asserting what its paper shows, and a control that takes it away."""

from __future__ import annotations

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.model.network import Distribution
from spikestudio.resources.examples import example_path
from spikestudio.resources.examples.attractors import RING, population_vector, ring_weights
from spikestudio.resources.examples.celegans import TAPS, TW_INTER, TW_SENSORY

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


def tw_rate(res, cell, start, stop):
    times, _ = res.spikes(cell)
    return ((times >= start) & (times < stop)).sum() / 10 / ((stop - start) / 1000.0)


def test_head_tap_drives_the_reversal_commands_above_the_forward_ones():
    """Wicks et al. (1996): a tap on the head (ALM, AVM) makes the worm reverse: the backward command
    interneurons AVA and AVD rise above the forward ones AVB and PVC (measured: AVA 65, AVD 25, AVB 9, PVC 0 Hz
    during the tap, against AVB 21 Hz and the rest silent before it). A tap on the tail (PLM) does the opposite:
    PVC and AVB far above AVA and AVD (measured 145 and 230 against 0 Hz)."""
    _, res = run("tap_withdrawal")
    a0, a1 = TAPS["anterior"]
    p0, p1 = TAPS["posterior"]
    before = {cell: tw_rate(res, cell, a0 - 300.0, a0) for cell in TW_SENSORY + TW_INTER}
    head = {cell: tw_rate(res, cell, a0, a1) for cell in TW_SENSORY + TW_INTER}
    tail = {cell: tw_rate(res, cell, p0, p1) for cell in TW_SENSORY + TW_INTER}
    assert before["AVB"] > 10.0 and before["AVA"] < 2.0 and before["AVD"] < 2.0  # moving forward at rest
    assert all(before[cell] == 0.0 for cell in TW_SENSORY)
    assert head["ALM"] > 50.0 and head["AVM"] > 50.0 and head["PLM"] == 0.0
    assert head["AVA"] > 2 * head["AVB"] and head["AVA"] > 30.0 and head["AVD"] > head["PVC"] + 10.0
    assert head["AVA"] + head["AVD"] > 3 * (head["AVB"] + head["PVC"])
    assert head["AVB"] < before["AVB"]  # the forward command is suppressed: reversal
    assert tail["PLM"] > 50.0 and tail["ALM"] == 0.0
    assert tail["AVB"] > 3 * before["AVB"] and tail["PVC"] > 50.0
    assert tail["AVA"] < 2.0 and tail["AVD"] < 2.0


def test_without_the_avm_gap_junction_a_head_tap_no_longer_reaches_avd():
    """The control: AVM-AVD is the head tap's only excitatory way into the circuit (ALM's synapses inhibit).
    Without it, the tap leaves AVD silent and AVA much weaker."""
    _, res = run("tap_withdrawal")
    _, cut = run("tap_withdrawal", "AVM->AVD gap")
    a0, a1 = TAPS["anterior"]
    assert tw_rate(cut, "AVD", a0, a1) == 0.0 < tw_rate(res, "AVD", a0, a1)
    assert tw_rate(cut, "AVA", a0, a1) < 0.5 * tw_rate(res, "AVA", a0, a1)


# --- the same rates in Brian2 ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["ring_attractor", "tap_withdrawal"])
def test_brian2_export_fires_at_the_same_rates(name, tmp_path):
    """The exported Brian2 script (connection rules, Brian2's own random draws) gives every population's rate
    within 10 % (measured: ring E 5.83 / 5.70 Hz, I 103.6 / 101.6 Hz, cue identical; the tap circuit to 0.1 %)."""
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
