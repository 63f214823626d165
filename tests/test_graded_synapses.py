"""Graded chemical synapses and gap junctions (synapse kinds ``graded`` and ``gap``): currents between membrane
voltages every step, checked against closed forms; their validation, file fields and thread independence."""

import numpy as np
import pytest
from spikestudio.api import Simulator
from spikestudio.engine.files import fileformat
from spikestudio.engine.kernels import parallel
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.engine.model.params import ValidationError

PASSIVE = """\
title Passive
about A leaky membrane that never spikes
state v = -70 mV
param C_m = 100 pF (0, inf) "Membrane capacitance"
param g_L = 1 nS [0, inf) "Leak conductance"
param E_L = -70 mV "Leak reversal potential"
dv/dt = (g_L*(E_L - v) + I_syn)/C_m
"""


def pair(v_a: float, v_b: float, dt: float = 0.01, duration: float = 40.0, **cell) -> Network:
    """Two passive cells A and B starting at v_a and v_b, each recorded every step."""
    net = Network(dt=dt, duration=duration, seed=3)
    net.add_model("passive", PASSIVE)
    net.add_population("A", 1, "passive", initial={"v": v_a}, **cell)
    net.add_population("B", 1, "passive", initial={"v": v_b}, **cell)
    net.record_state("A", "v", interval=dt)
    net.record_state("B", "v", interval=dt)
    return net


@pytest.mark.parametrize("g_L", [0.2, 1.0])
def test_a_gap_junction_relaxes_the_voltage_difference_at_the_analytic_rate(g_L):
    """Equal cells, C dv1/dt = g_L (E_L - v1) + w (v2 - v1) and the same for v2: the difference decays as
    exp(-(g_L + 2 w) t / C) while the sum relaxes to 2 E_L as exp(-g_L t / C), untouched by the junction (one
    projection couples both ways, equal and opposite). (The models' exact integrator needs g_L > 0.)"""
    w, c_m = 2.0, 100.0
    net = pair(-20.0, -70.0, duration=60.0, g_L=g_L, C_m=c_m)
    net.connect("A", "B", "all_to_all", synapse="gap", weight=w)
    res = Simulator(net).run()
    t, a = res.trace("v:A")
    _, b = res.trace("v:B")
    expected = 50.0 * np.exp(-(g_L + 2 * w) * t / c_m)
    np.testing.assert_allclose((a - b)[:, 0], expected, rtol=2e-3)
    assert (a - b)[-1, 0] < 0.1 * 50.0  # it did relax (over two and a half time constants)
    np.testing.assert_allclose((a + b)[:, 0], -140.0 + 50.0 * np.exp(-g_L * t / c_m), rtol=1e-9)


def test_a_graded_synapse_at_its_half_activation_voltage_carries_half_its_weight():
    """v_pre = V_half: I = w/2 (E_rev - v_post), in ``i_ext`` after the first step and in the target's first step
    (exact for a constant current into a leaky membrane)."""
    w, e_rev, v_half, dt = 3.0, 0.0, -35.0, 0.1
    net = pair(v_half, -70.0, dt=dt, duration=1.0, E_L=v_half)  # A rests at V_half: it stays there
    net.populations["B"].params["E_L"] = -70.0
    net.connect("A", "B", "all_to_all", synapse="graded", weight=w, E_rev=e_rev, V_half=v_half, V_slope=4.0)
    sim = Simulator(net)
    sim.advance(1)
    b0 = sim.built.nodes["B"].start
    assert sim.built.state.i_ext[b0] == pytest.approx(w / 2 * (e_rev - (-70.0)), rel=1e-12)
    sim.advance(10)
    _, v = sim.results.trace("v:B")
    g_l, c_m, current = 1.0, 100.0, w / 2 * (e_rev + 70.0)
    assert v[1, 0] - (-70.0) == pytest.approx(current / g_l * -np.expm1(-g_l * dt / c_m), rel=1e-9)
    _, a = sim.results.trace("v:A")
    np.testing.assert_allclose(a[:, 0], v_half, atol=1e-9)  # a graded synapse draws no current from its source


def test_a_graded_synapse_follows_the_sigmoid_and_its_reversal_potential():
    """Away from V_half: w / (1 + exp(-(v_pre - V_half) / V_slope)) (E_rev - v_post); inhibitory E_rev below the
    target pushes it down."""
    net = pair(-30.0, -60.0, dt=0.1, duration=1.0)
    net.connect("A", "B", "all_to_all", synapse="graded", weight=2.0, receptor="inhibitory", E_rev=-90.0,
                V_half=-40.0, V_slope=5.0)
    sim = Simulator(net)
    sim.advance(1)
    expected = 2.0 / (1.0 + np.exp(-(-30.0 + 40.0) / 5.0)) * (-90.0 + 60.0)
    assert sim.built.state.i_ext[sim.built.nodes["B"].start] == pytest.approx(expected, rel=1e-12)


def test_graded_synapses_and_gap_junctions_add_to_current_inputs():
    """The graded pass adds into the step's injected current: a dc input and a gap junction together."""
    net = pair(-40.0, -70.0, dt=0.1, duration=1.0)
    net.add_current("dc", "B", "dc", amplitude=25.0)
    net.connect("A", "B", "all_to_all", synapse="gap", weight=0.5)
    sim = Simulator(net)
    sim.advance(1)
    i_ext, start = sim.built.state.i_ext, sim.built.nodes["B"].start
    assert i_ext[start] == pytest.approx(25.0 + 0.5 * 30.0)
    assert i_ext[sim.built.nodes["A"].start] == pytest.approx(-0.5 * 30.0)


def test_a_live_weight_change_reaches_a_gap_junction():
    net = pair(-40.0, -70.0, dt=0.1, duration=1.0)
    net.connect("A", "B", "all_to_all", id="gj", synapse="gap", weight=0.5)
    sim = Simulator(net)
    sim.set_param("gj", "weight", 1.5)
    sim.advance(1)
    assert sim.built.state.i_ext[sim.built.nodes["B"].start] == pytest.approx(1.5 * 30.0)


def test_connections_lists_a_graded_projections_pairs_and_live_weights():
    """``Simulator.connections`` answers for graded synapses as for spiking ones (they live in their own table)."""
    net = Network(dt=0.1, duration=1.0, seed=5)
    net.add_model("passive", PASSIVE)
    net.add_population("A", 3, "passive")
    net.add_population("B", 4, "passive")
    net.add_population("C", 3, "passive")
    net.connect("A", "B", "explicit", id="gr", synapse="graded", pre=[0, 2, 2], post=[3, 0, 1],
                weights=[0.5, 1.0, 2.0])
    net.connect("C", "A", "one_to_one", id="gj", synapse="gap", weight=0.25)
    sim = Simulator(net)
    pre, post, w = sim.connections("gr")
    assert sorted(zip(pre.tolist(), post.tolist(), w.tolist())) == [(0, 3, 0.5), (2, 0, 1.0), (2, 1, 2.0)]
    sim.set_param("gj", "weight", 1.5)
    pre, post, w = sim.connections("gj")
    assert pre.tolist() == post.tolist() == [0, 1, 2] and w.tolist() == [1.5, 1.5, 1.5]


def problems_of(net: Network) -> dict[str, str]:
    with pytest.raises(ValidationError) as err:
        net.check()
    return {p.location: p.message for p in err.value.problems}


def test_validation_names_where_a_graded_synapse_makes_no_sense():
    net = pair(-60.0, -60.0)
    net.add_poisson("P", 5, rate=10.0)
    net.add_population("L", 2, "lif")
    net.connect("P", "B", "all_to_all", id="from_poisson", synapse="graded")
    net.connect("A", "B", "all_to_all", id="flat", synapse="graded", V_slope=0.0)
    net.connect("A", "B", "all_to_all", id="learning", synapse="gap", plasticity=Plasticity("stdp"))
    net.connect("A", "L", "all_to_all", id="to_lif", synapse="gap")  # fine: a LIF neuron has v
    found = problems_of(net)
    assert "no membrane voltage" in found['projections["from_poisson"].source']
    assert 'projections["flat"].synapse.V_slope' in found
    assert "no spikes to learn from" in found['projections["learning"].plasticity']
    assert not any("to_lif" in loc for loc in found)


def test_a_graded_synapse_needs_a_voltage_named_v():
    net = pair(-60.0, -60.0)
    net.add_model("rate_unit", PASSIVE.replace("state v", "state r").replace("- v)", "- r)").replace("dv/dt", "dr/dt")
                  .replace("title Passive", "title Rate unit"))
    net.add_population("R", 1, "rate_unit")
    net.connect("R", "B", "all_to_all", id="from_r", synapse="gap")
    assert 'model "rate_unit" of "R" has none' in problems_of(net)['projections["from_r"].source']


def test_graded_fields_round_trip_and_other_synapses_are_written_as_before(tmp_path):
    net = pair(-60.0, -60.0)
    net.connect("A", "B", "all_to_all", id="g", synapse="graded", weight=0.7, receptor="inhibitory", E_rev=-85.0,
                V_half=-33.0, V_slope=2.5)
    net.connect("B", "A", "all_to_all", id="j", synapse="gap", weight=0.3)
    net.connect("B", "A", "all_to_all", id="c", synapse="current", weight=1.0)
    text = fileformat.dumps(net)
    back = fileformat.loads(text)
    assert fileformat.dumps(back) == text
    g = back.projections["g"].synapse
    assert (g.kind, g.receptor, g.E_rev, g.V_half, g.V_slope) == ("graded", "inhibitory", -85.0, -33.0, 2.5)
    assert back.projections["j"].synapse.kind == "gap"
    data = fileformat.to_dict(net)
    assert set(data["projections"]["c"]["synapse"]) == {"kind", "receptor", "tau", "E_rev"}
    assert set(data["projections"]["j"]["synapse"]) == {"kind", "receptor", "tau", "E_rev"}
    path = tmp_path / "g.snn"
    fileformat.save(net, path)
    r1, r2 = Simulator(net).run(), Simulator(fileformat.load(path)).run()
    np.testing.assert_array_equal(r1.trace("v:B")[1], r2.trace("v:B")[1])


def test_a_file_with_an_unknown_synapse_field_is_refused_with_its_place():
    net = pair(-60.0, -60.0)
    net.connect("A", "B", "all_to_all", id="c", synapse="current")
    data = fileformat.to_dict(net)
    data["projections"]["c"]["synapse"]["V_mid"] = 1.0
    with pytest.raises(Exception) as err:
        fileformat.from_dict(data)
    assert 'projections["c"].synapse.V_mid' in str(err.value)


def coupled_network() -> Network:
    """Graded cells and LIF neurons coupled by gap junctions and graded synapses, with a Poisson-driven LIF
    population large enough for the parallel passes."""
    net = Network(dt=0.1, seed=11)
    net.add_model("passive", PASSIVE)
    net.add_population("G", 40, "passive", g_L=5.0)
    net.add_poisson("P", 200, rate=50.0)
    net.add_population("E", 600, "lif", I_e=250.0)
    net.connect("P", "E", "fixed_indegree", k=20, weight=80.0, synapse="current")
    net.connect("E", "E", "fixed_probability", p=0.05, weight=20.0, synapse="current")
    net.connect("E", "G", "fixed_indegree", k=30, synapse="gap", weight=0.05)
    net.connect("G", "G", "fixed_probability", p=0.2, synapse="graded", weight=0.2, V_half=-65.0)
    net.connect("G", "E", "fixed_indegree", k=2, synapse="graded", weight=1.0, receptor="inhibitory",
                V_half=-60.0)
    net.record_spikes("E")
    net.record_state("G", "v", neurons=list(range(5)))
    return net


def test_the_same_voltages_and_spikes_for_1_and_2_threads(monkeypatch):
    monkeypatch.setattr(parallel, "cores", lambda: 4)
    runs = {}
    for threads in (1, 2):
        sim = Simulator(coupled_network(), threads=threads, chunk_steps=500)
        sim.built.state.par[1:3] = (64, 1)  # every LIF pass and every step's spikes take the parallel path
        sim.run(0.1)
        runs[threads] = sim
    one, two = runs[1], runs[2]
    assert one.built.state.spike_count.sum() > 100
    assert np.ptp(one.results.trace("v:G")[1]) > 1.0  # the graded cells moved
    for name in ("state", "spike_count", "i_ext"):
        assert np.array_equal(getattr(one.built.state, name), getattr(two.built.state, name)), name


def brian2_traces(stdout: str) -> dict[str, np.ndarray]:
    """The TRACE lines of an exported Brian2 script: recorder id -> the first recorded neuron's values."""
    out = {}
    for line in stdout.splitlines():
        if line.startswith("TRACE "):
            _, rid, neuron, values = line.split(" ", 3)
            out.setdefault(rid, np.array([float(x) for x in values.split(",")]))
    return out


@pytest.mark.slow
def test_brian2_export_of_a_two_neuron_graded_network_gives_our_voltages(tmp_path):
    """A graded synapse A -> B and a gap junction B - A (both directions, two Synapses in Brian2), a step current
    into A: B's and A's membrane potentials within 1 % at every sample (measured: to the printed precision)."""
    from test_interop_scripts import NO_BRIAN2, brian2_python, run_script

    python = brian2_python()
    if python is None:
        pytest.skip(NO_BRIAN2)
    from spikestudio.engine.interop import brian2_export

    net = pair(-65.0, -70.0, dt=0.1, duration=100.0)
    net.add_current("step", "A", "step", amplitude=40.0, start=10.0, stop=60.0)
    net.connect("A", "B", "all_to_all", synapse="graded", weight=1.5, E_rev=0.0, V_half=-50.0, V_slope=4.0)
    net.connect("B", "A", "all_to_all", synapse="gap", weight=0.4)
    text, report = brian2_export(net)
    assert report.ok, report
    ours = Simulator(net).run()
    done = run_script(python, text, tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    theirs = brian2_traces(done.stdout)
    assert set(theirs) == {"v:A", "v:B"}
    for rid, values in theirs.items():
        mine = ours.trace(rid)[1][:, 0]
        assert np.ptp(mine) > 5.0  # the step moved it
        np.testing.assert_allclose(values, mine, rtol=0.01, err_msg=rid)
