"""The built-in synapse kinds are descriptions: their language, the specs, decay and Brian2 text derived from them,
and the kernels' channel passes pinned to the descriptions' exact solutions."""

import math
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spikestudio.engine.equations.evaluate import evaluate
from spikestudio.engine.equations.synapse_text import SynapseError, parse_synapse
from spikestudio.engine.equations.tex import synapse_tex
from spikestudio.engine.errors import ValidationError
from spikestudio.engine.interop.brian2_synapses import (
    channel_current,
    channel_decay_statement,
    channel_equation,
    channel_unit,
    graded_current,
    spike_statement,
)
from spikestudio.engine.kernels import kernel as K
from spikestudio.engine.model.catalog import GRADED_KINDS, GRADED_PARAMS, SYNAPSE_KINDS, SYNAPSE_PARAMS, WEIGHT_UNITS
from spikestudio.engine.model.synapse_kinds import SYNAPSE_DESCRIPTIONS, channel_decay, kind_specs, synapse_text
from spikestudio.engine.simulation.build import build

DT = 0.1
T_IN = 5.0
HEAD = "param tau = 5 ms (0, inf)\nweight pA\n"  # lines 1 and 2 of every bad text below

CURRENT = """title Exponential current synapse
about A spike adds its weight to I, which decays with tau; the target receives I.
param tau = 5 ms (0, inf) "Decay time constant"
weight pA
state I = 0 pA
dI/dt = -I/tau
on_pre I += w
input I"""


def test_a_synapse_text_reads_into_a_checked_description():
    desc = parse_synapse(CURRENT)
    assert desc.title == "Exponential current synapse" and desc.spiking and not desc.symmetric
    assert desc.state.name == "I" and desc.state.unit.text == "pA" and desc.weight.text == "pA"
    assert [p.name for p in desc.params] == ["tau"] and desc.param("tau").low_open
    assert desc.on_pre.var == "I" and desc.on_pre.op == "+="
    assert evaluate(desc.rate, {"tau": 4.0}) == -0.25  # dI/dt = A*I with A = -1/tau


def test_every_builtin_kind_is_a_description_file():
    assert tuple(SYNAPSE_DESCRIPTIONS) == ("delta", "current", "conductance", "graded", "gap")
    kinds = {k: (d.state.name if d.state else None, d.spiking, d.symmetric) for k, d in SYNAPSE_DESCRIPTIONS.items()}
    assert kinds == {"delta": (None, True, False), "current": ("I", True, False), "conductance": ("g", True, False),
                     "graded": (None, False, False), "gap": (None, False, True)}
    assert SYNAPSE_DESCRIPTIONS["delta"].on_pre.var == "v" and SYNAPSE_DESCRIPTIONS["delta"].input is None
    assert [k for k, d in SYNAPSE_DESCRIPTIONS.items() if d.signed] == ["delta", "current"]
    assert "exp(" in synapse_text("graded") and "v_pre - v_post" in synapse_text("gap")


def test_the_descriptions_ship_in_the_wheel():
    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    package = "spikestudio.engine.model.builtin_synapses"
    assert package in config["packages"] and config["package-data"][package] == ["*.synapse"]
    files = {p.name for p in (root / "engine" / "model" / "builtin_synapses").iterdir() if p.suffix == ".synapse"}
    assert files == {f"{kind}.synapse" for kind in SYNAPSE_DESCRIPTIONS}


BAD = [  # (lines after HEAD, line, column, part of the message)
    ("state I = 0 pA\ndI/dt = -I*I/(tau*pA)\non_pre I += w\ninput I", 4, 13,
     "must decay exponentially, as -I/tau with tau a parameter: the engine's channels are one exponential each"),
    ("state I = 0 pA\ndI/dt = -I/tau + pA/ms\non_pre I += w\ninput I", 4, 16, "must decay exponentially"),
    ("state I = 0 pA\ndI/dt = -I*v/(tau*mV)\non_pre I += w\ninput I", 4, 13, "must decay exponentially"),
    ("state I = 0 pA\ndI/dt = -I/tau_x\non_pre I += w\ninput I", 4, 12, "tau_x"),
    ("state I = 0 pA\ndI/dt = -I\non_pre I += w\ninput I", 4, 9, "dI/dt must be in pA/ms, not pA"),
    ("state I = 0 pA\nstate J = 0 pA\ndI/dt = -I/tau\non_pre I += w\ninput I", 4, 1,
     "one state variable at most: the engine's channels are one exponential each"),
    ("state I = 0 pA\non_pre I += w\ninput I", 3, 1, "I needs its decay (dI/dt = -I/tau)"),
    ("state I = 0 pA\ndI/dt = -I/tau\non_pre I += w*mV\ninput I", 5, 14, "I is in pA, this is in"),
    ("state I = 0 pA\ndI/dt = -I/tau\non_pre J += w\ninput I", 5, 8, "on_pre changes I, not 'J'"),
    ("state I = 0 pA\ndI/dt = -I/tau\non_pre I = w\ninput I", 5, 8, "expected on_pre VARIABLE += EXPRESSION"),
    ("state I = 0 pA\ndI/dt = -I/tau\non_pre I += w\ninput I*mV", 6, 8, "the input is a current (pA)"),
    ("state I = 0 pA\ndI/dt = -I/tau\non_pre I += w\ninput I*v_pre/mV", 6, 14, "not v_pre"),
    ("state I = 0 pA\ndI/dt = -I/tau\non_pre I += w", 3, 1, "I must reach the target: input I"),
    ("state I = 0 pA\ndI/dt = -I/tau\ninput I", 5, 7, "a synapse without spikes has no state"),
    ("param w = 1 pA", 3, 7, "'w' is the weight; choose another name"),
    ("param v_pre = 1 mV", 3, 7, "'v_pre' is a membrane potential"),
    ("input w*(v_pre - v_post)\nsymmetric now", 4, 11, "symmetric stands alone"),
    ("on_pre v += w\nsymmetric", 0, 0, "symmetric is for synapses with an input and no spikes"),
    ("input w > 0*pA", 3, 9, "the input is a current (pA), not a condition"),
    ("input __import__('os')", 3, 18, "strings are not allowed"),
    ("on_pre v += w.real", 3, 14, "attribute access is not allowed"),
    ("input w*(v_pre - v_post)\ndelete everything", 4, 1, "a line starts with a keyword"),
    ("", 0, 0, "a synapse acts at spikes (on_pre) or every step (input)"),
]


@pytest.mark.parametrize("body, line, col, message", BAD)
def test_every_problem_is_located_by_line_and_column(body, line, col, message):
    with pytest.raises(SynapseError) as info:
        parse_synapse(HEAD + body, "bad")
    found = [(p.line, p.col, p.message) for p in info.value.problems]
    assert any(p[:2] == (line, col) and message in p[2] for p in found), found
    assert str(info.value).startswith("synapse 'bad', ")


def test_a_synapse_without_a_weight_unit_is_refused():
    with pytest.raises(SynapseError, match="a synapse states its weight's unit"):
        parse_synapse("on_pre v += w")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(CURRENT.splitlines() + synapse_text("graded").splitlines()),
                          st.text(max_size=40),
                          st.sampled_from(["state", "on_pre", "on_pre v += w", "input", "symmetric", "weight",
                                           "weight furlong", "dI/dt = I/tau", "dg/dt = -g/tau", "state g = 0 nS",
                                           "input g*(E_rev - v)", "param E_rev = 0 mV [1, 0]", "on_pre I += w*w",
                                           "input exp(w)", "dI/dt = -I/(tau + I*ms/pA)"])),
                max_size=12).map("\n".join))
def test_any_synapse_text_is_a_description_or_located_problems(text):
    try:
        desc = parse_synapse(text)
    except SynapseError as exc:
        n_lines = len(text.split("\n"))
        assert exc.problems and all(0 <= p.line <= n_lines and p.col >= 0 for p in exc.problems)
        return
    assert desc.spiking or desc.input is not None


# ---------------------------------------------------------------------------------------------------
# what is derived from the descriptions
# ---------------------------------------------------------------------------------------------------


def test_the_catalogue_kinds_and_specs_come_from_the_descriptions():
    assert SYNAPSE_KINDS == {k: d.about for k, d in SYNAPSE_DESCRIPTIONS.items()}
    assert GRADED_KINDS == ("graded", "gap")
    assert WEIGHT_UNITS == {"delta": "mV", "current": "pA", "conductance": "nS", "graded": "nS", "gap": "nS"}
    assert list(SYNAPSE_PARAMS) == ["tau", "E_rev"] and list(GRADED_PARAMS) == ["V_half", "V_slope"]
    tau, e_rev = SYNAPSE_PARAMS["tau"], SYNAPSE_PARAMS["E_rev"]
    assert (tau.default, tau.unit, tau.low, tau.low_open, tau.high) == (5.0, "ms", 0.0, True, math.inf)
    assert (e_rev.default, e_rev.unit, e_rev.low, e_rev.high) == (0.0, "mV", -200.0, 200.0)
    assert GRADED_PARAMS["V_half"].default == -40.0 and GRADED_PARAMS["V_slope"].low_open
    assert list(kind_specs("graded")) == ["E_rev", "V_half", "V_slope"] and kind_specs("delta") == {}


@pytest.mark.parametrize("kind, field, bad, good", [
    ("current", "tau", 0.0, 1e-6), ("conductance", "E_rev", 200.5, 200.0), ("conductance", "E_rev", -201.0, -200.0),
    ("graded", "V_slope", 0.0, 0.01), ("graded", "V_half", -250.0, -199.0)])
def test_validation_enforces_the_described_ranges(probe, kind, field, bad, good):
    net = probe.network(DT)
    net.add_population("A", 2, "lif")
    net.add_population("B", 2, "lif")
    proj = net.connect("A", "B", "one_to_one", weight=1.0, synapse=kind)
    setattr(proj.synapse, field, bad)
    with pytest.raises(ValidationError) as info:
        net.check()
    spec = (SYNAPSE_PARAMS | GRADED_PARAMS)[field]
    assert any(field in p.location and spec.range_text() in p.message for p in info.value.problems), \
        info.value.problems
    setattr(proj.synapse, field, good)
    net.check()


def test_channel_decay_is_the_description_solved_exactly_bitwise():
    for tau in (0.1, 0.3, 1.0, 2.0, 3.7, 5.0, 10.0, 29.9, 1e-3, 1e6):
        for dt in (0.01, 0.1, 0.25, 1.0):
            want = float(np.exp(-dt / np.float64(tau)))  # what the build wrote before the descriptions
            assert channel_decay("current", {"tau": tau}, dt) == want
            assert channel_decay("conductance", {"tau": tau}, dt) == want
    assert channel_decay("delta", {}, 0.1) == 0.0


def test_the_built_channel_table_decays_as_before(probe):
    net = probe.network(DT)
    net.add_spike_times("S", 1, [0], [1.0])
    net.add_population("N", 2, "lif")
    for k, (kind, tau, receptor) in enumerate([("current", 2.0, "excitatory"), ("current", 3.7, "inhibitory"),
                                               ("conductance", 5.0, "excitatory"), ("conductance", 10.0, "inhibitory"),
                                               ("delta", 5.0, "excitatory")]):
        net.connect("S", "N", "all_to_all", weight=1.0, synapse=kind, tau=tau, receptor=receptor, id=f"p{k}")
    chan = build(net).state.chan
    delta = chan[:, K.CH_KIND] == K.DELTA
    assert delta.sum() == 1 and (~delta).sum() == 4
    old = np.where(delta, 0.0, np.exp(-DT / chan[:, K.CH_TAU]))
    assert np.array_equal(chan[:, K.CH_DECAY], old)  # bit for bit: the spike trains do not change


# ---------------------------------------------------------------------------------------------------
# the kernels' channel passes are the descriptions
# ---------------------------------------------------------------------------------------------------


def _single_synapse(probe, kind, receptor, weight, tau, e_rev=0.0):
    net = probe.network(DT)
    net.add_spike_times("S", 1, [0], [T_IN])
    net.add_population("N", 1, "lif", V_th=100.0)
    net.record_state("N", interval=DT)
    net.record_state("N", "syn_exc" if receptor == "excitatory" else "syn_inh", interval=DT)
    net.connect("S", "N", "one_to_one", weight=weight, delay=1.0, synapse=kind, tau=tau, receptor=receptor,
                E_rev=e_rev)
    return net


def _described_trace(kind, weight, tau, elapsed):
    """The state ``elapsed`` ms after a spike arrives (0 before), from the description solved exactly: on_pre adds
    w, then X = w exp(A elapsed)."""
    desc = SYNAPSE_DESCRIPTIONS[kind]
    jump = evaluate(desc.on_pre.expr, {"w": weight})
    rate = evaluate(desc.rate, {"tau": tau})
    return np.where(elapsed >= 0.0, jump * np.exp(rate * np.clip(elapsed, 0.0, None)), 0.0)


@pytest.mark.parametrize("kind", ["current", "conductance"])
@pytest.mark.parametrize("receptor", ["excitatory", "inhibitory"])
def test_a_single_synapses_state_follows_its_description(probe, simulate, kind, receptor):
    weight, tau = 40.0, 3.0
    _, res = simulate(_single_synapse(probe, kind, receptor, weight, tau, -80.0 if receptor == "inhibitory" else 0.0),
                      0.03)
    var = "syn_exc" if receptor == "excitatory" else "syn_inh"
    t, g = res.trace(f"{var}:N")
    steps = np.round(t / DT) - round((T_IN + DT + 1.0) / DT)  # whole steps since the arrival
    want = _described_trace(kind, weight, tau, steps * DT)
    assert want.max() == weight and np.count_nonzero(g[:, 0]) == np.count_nonzero(want) > 100
    np.testing.assert_allclose(g[:, 0], want, rtol=1e-12, atol=0)


@pytest.mark.parametrize("receptor, sign", [("excitatory", 1.0), ("inhibitory", -1.0)])
def test_a_current_synapses_psp_is_its_described_input_into_the_lif(probe, simulate, receptor, sign):
    """The description's input I, integrated exactly through the LIF: the difference of exponentials."""
    weight, tau = 60.0, 3.0
    _, res = simulate(_single_synapse(probe, "current", receptor, weight, tau), 0.05)
    t, v = res.trace("v:N")
    s = np.clip(t - (T_IN + DT + 1.0), 0.0, None)
    rate = evaluate(SYNAPSE_DESCRIPTIONS["current"].rate, {"tau": tau})
    amp = sign * weight / probe.C_M * probe.TAU_M * (-1.0 / rate) / ((-1.0 / rate) - probe.TAU_M)
    psp = amp * (np.exp(rate * s) - np.exp(-s / probe.TAU_M))
    assert abs(psp).max() > 0.1
    np.testing.assert_allclose(v[:, 0] - probe.E_L, psp, rtol=0, atol=1e-9)


@pytest.mark.parametrize("receptor, e_rev", [("excitatory", 0.0), ("inhibitory", -85.0)])
def test_a_conductance_synapses_psp_is_its_described_input_into_the_lif(probe, simulate, receptor, e_rev):
    """The description's input g (E_rev - v) with g from its exact solution, integrated finely: the engine's
    exponential step of the leak agrees to a small fraction of the PSP, of the sign E_rev gives it."""
    weight, tau = 20.0, 3.0
    _, res = simulate(_single_synapse(probe, "conductance", receptor, weight, tau, e_rev), 0.04)
    t, v = res.trace("v:N")
    desc = SYNAPSE_DESCRIPTIONS["conductance"]
    t_arr, fine = T_IN + DT + 1.0, 1e-3
    v_ref, ts, out = probe.E_L, np.arange(0.0, t[-1] + fine / 2, fine), []
    g = _described_trace("conductance", weight, tau, ts - t_arr)
    for k in range(len(ts)):  # RK2 on a 1 us grid: the reference
        if k % round(DT / fine) == 0:
            out.append(v_ref)
        i1 = evaluate(desc.input, {"g": g[k], "E_rev": e_rev, "v": v_ref})
        mid = v_ref + fine / 2 * ((probe.E_L - v_ref) / probe.TAU_M + i1 / probe.C_M)
        i2 = evaluate(desc.input, {"g": 0.5 * (g[k] + g[min(k + 1, len(g) - 1)]), "E_rev": e_rev, "v": mid})
        v_ref += fine * ((probe.E_L - mid) / probe.TAU_M + i2 / probe.C_M)
    ref = np.array(out[:len(t)]) - probe.E_L
    psp = v[:, 0] - probe.E_L
    assert np.sign(ref[np.argmax(abs(ref))]) == np.sign(e_rev - probe.E_L) and abs(ref).max() > 0.1
    assert abs(psp - ref).max() < 0.02 * abs(ref).max()


@pytest.mark.parametrize("kind", ["graded", "gap"])
def test_the_graded_pass_gives_the_described_currents(kind):
    """The kernel's graded pass against each description's input, for pairs on both sides of V_half."""
    from spikestudio.engine.kernels import graded_pass as G

    desc = SYNAPSE_DESCRIPTIONS[kind]
    v = np.array([[-70.0, -30.0, -45.0, -20.0]])
    pairs = [(0, 1), (1, 0), (2, 3), (3, 2)]
    idx = np.array([[i, j, 0, 0, G.GAP if desc.symmetric else G.GRADED] for i, j in pairs], np.int64)
    val = np.array([[0.7 + k, -40.0, 4.0, -75.0] for k in range(len(pairs))])
    i_ext = np.zeros(4)
    G.graded_currents(i_ext, v, idx, val, True)
    want = np.zeros(4)
    for (i, j), (w, half, slope, e_rev) in zip(pairs, val):
        flow = evaluate(desc.input, {"w": w, "v_pre": v[0, i], "v_post": v[0, j], "V_half": half, "V_slope": slope,
                                     "E_rev": e_rev})
        want[j] += flow
        want[i] -= flow if desc.symmetric else 0.0
    assert np.all(abs(want) > 0.01) and abs(want).max() > 1.0
    np.testing.assert_allclose(i_ext, want, rtol=1e-13)


# ---------------------------------------------------------------------------------------------------
# TeX and Brian2 text
# ---------------------------------------------------------------------------------------------------


def test_the_equations_are_typeset_from_the_descriptions():
    assert synapse_tex(SYNAPSE_DESCRIPTIONS["current"]) == (
        r"\frac{dI}{dt} = \frac{-I}{\tau}", r"\mathrm{at\ a\ pre\ spike}:\ I \mathrel{+}= w", r"I_{syn} \mathrel{+}= I")
    cond = synapse_tex(SYNAPSE_DESCRIPTIONS["conductance"])
    assert cond[-1] == r"I_{syn} \mathrel{+}= g\,(E_{rev} - v)"
    gap = synapse_tex(SYNAPSE_DESCRIPTIONS["gap"])
    assert gap[0].startswith(r"\mathrm{every\ step}:\ I_{syn}") and "opposite" in gap[-1]
    assert synapse_tex(SYNAPSE_DESCRIPTIONS["delta"]) == (r"\mathrm{at\ a\ pre\ spike}:\ v \mathrel{+}= w",)


def test_brian2_text_is_emitted_from_the_descriptions_as_before():
    values = {"tau": 5.0, "E_rev": -80.0}
    assert channel_equation("current", "I_c0", values) == "dI_c0/dt = -I_c0/(5.0*ms)"
    assert (channel_unit("current"), channel_unit("conductance")) == ("amp", "siemens")
    assert channel_equation("conductance", "g_AMPA", {"tau": 2.5}) == "dg_AMPA/dt = -g_AMPA/(2.5*ms)"
    assert channel_decay_statement("current", "I_c1", values) == "I_c1 = I_c1*exp(-dt/(5.0*ms))"
    assert channel_current("conductance", "g_c0", values, "v") == "g_c0*(-80.0*mV - v)"
    assert channel_current("current", "I_c0", values, "v") == "I_c0"
    assert channel_current("current", "I_c1", values, "v", negative=True) == "-I_c1"
    assert channel_current("conductance", "g_c1", values, "v", negative=True) == "g_c1*(-80.0*mV - v)"  # E_rev
    assert spike_statement("current", "I_c0", "w_syn") == "I_c0_post += w_syn*pA"
    assert spike_statement("conductance", "g_c2", "0.5") == "g_c2_post += 0.5*nS"
    assert spike_statement("delta", "v", "w_syn", True, "*int(not_refractory_post)") == \
        "v_post += -w_syn*mV*int(not_refractory_post)"
    assert graded_current("gap", {}) == "w*(v_pre - v_post)"
    assert graded_current("graded", {"E_rev": -90.0, "V_half": -40.0, "V_slope": 5.0}) == \
        "w*(-90.0*mV - v_post)/(1 + exp((-40.0*mV - v_pre)/(5.0*mV)))"


# ---------------------------------------------------------------------------------------------------
# the inspector
# ---------------------------------------------------------------------------------------------------


def test_the_inspector_shows_the_selected_synapses_equations_under_its_rows(window):
    from gui_helpers import field
    from PySide6.QtWidgets import QApplication, QLabel

    w = window("cuba")
    proj_id = next(iter(w.doc.network.projections))
    w.scene.select_ids([proj_id])
    QApplication.processEvents()
    label = w.inspector.findChild(QLabel, "synapse_equations")
    assert label is not None and label.isVisibleTo(w.inspector)
    kind = w.doc.network.projections[proj_id].synapse.kind
    html = label.text()
    assert "at a pre spike" in html and "\\" not in html
    assert "<i>τ</i>" in html if kind != "delta" else True
    rows = [w.inspector.form.itemAt(i).widget() for i in range(w.inspector.form.count())]
    assert rows.index(label) > rows.index(field(w, "synapse.kind"))  # under the synapse rows
    kinds = field(w, "synapse.kind")
    kinds.setCurrentIndex(kinds.findData("gap"))
    kinds.activated.emit(kinds.currentIndex())
    QApplication.processEvents()
    html = w.inspector.findChild(QLabel, "synapse_equations").text()
    assert "every step" in html and "opposite" in html and field(w, "synapse.tau") is None
    w.actions["undo"].trigger()
    QApplication.processEvents()
    assert "at a pre spike" in w.inspector.findChild(QLabel, "synapse_equations").text()
