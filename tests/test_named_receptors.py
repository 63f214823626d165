"""Named synaptic receptors in a model's description (issue 17): ``receptor AMPA conductance tau=2*ms E_rev=0*mV``.

A projection naming one takes its kind, tau and E_rev from the target's model (the projection's own kinetics are
ignored); the network then runs exactly as one whose projections carry the same kinetics themselves.
"""

from pathlib import Path

import numpy as np
import pytest
import spikestudio
from hypothesis import given, settings
from hypothesis import strategies as st
from spikestudio.engine.equations.data import from_data, to_data
from spikestudio.engine.equations.description import ModelError
from spikestudio.engine.equations.text import parse_model
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network
from spikestudio.engine.model.receptors import acting_synapse
from test_synapses import analytic_psp

MODELS = Path(__file__).parent / "data" / "models"
RECEPTORS = (MODELS / "cond_lif_receptors.model").read_text()
LIF = (MODELS / "lif.model").read_text()


def problems(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(ModelError) as info:
        parse_model(text)
    return [(p.line, p.col, p.message) for p in info.value.problems]


def test_the_test_model_declares_three_named_receptors_in_engine_units():
    desc = parse_model(RECEPTORS)
    assert desc.receptors == ("AMPA", "NMDA", "GABA_A")
    ampa, nmda, gaba = desc.named_receptors
    assert (ampa.kind, ampa.tau, ampa.E_rev, ampa.excitatory) == ("conductance", 2.0, 0.0, True)
    assert (nmda.tau, gaba.tau, gaba.E_rev, gaba.excitatory) == (100.0, 8.0, -80.0, False)
    units = parse_model(LIF + "receptor I_slow current tau=0.05*second sign=-1\n").named_receptors[0]
    assert (units.tau, units.sign, units.excitatory) == (50.0, -1.0, False)


@pytest.mark.parametrize("line, at, message", [  # the problem's column is where ``at`` starts in the line
    ("receptor AMPA conductanc tau=2*ms E_rev=0*mV", "conductanc",
     "unknown receptor kind 'conductanc' (known: current, conductance, delta)"),
    ("receptor AMPA conductance E_rev=0*mV", "AMPA", "a conductance receptor needs tau=... (tau=5*ms)"),
    ("receptor AMPA conductance tau=2*ms", "AMPA", "a conductance receptor needs E_rev=... (E_rev=0*mV)"),
    ("receptor I_x current tau=2*ms E_rev=0*mV", "E_rev",
     "a current receptor has no reversal potential (E_rev is for conductance receptors)"),
    ("receptor I_x current tau=2*mV", "*mV", "tau is in ms, not mV (tau=5*ms)"),
    ("receptor I_x current tau=-2*ms", "*ms", "tau must be positive"),
    ("receptor I_x current tau=1/0*ms", "*ms", "tau must be a finite number"),
    ("receptor I_x current tau=2*ms sign=2", "2\n", "sign is +1 or -1"),
    ("receptor G conductance tau=2*ms E_rev=0*mV sign=-1", "sign",
     "a conductance receptor's sign follows from its E_rev"),
    ("receptor G conductance tau=2*ms E_rev=0*mV k=1", "k=", "unknown receptor value 'k' (known: tau, E_rev)"),
    ("receptor J delta tau=1*ms", "tau", "a delta receptor has no time constant (it jumps the input variable)"),
    ("receptor excitatory current tau=1*ms", "excitatory",
     "'excitatory' is the unnamed receptor (receptors excitatory); choose another name"),
    ("receptor I_x current tau=2*foo", "foo", "unknown name 'foo'"),
    ("receptor c0 current tau=2*ms", "c0 ", "'c0' is the name of an unnamed channel in exported scripts (c0, gr0, "
                                            "...); choose another name"),
    ("receptor gr12 current tau=2*ms", "gr12", "'gr12' is the name of an unnamed channel in exported scripts (c0, "
                                               "gr0, ...); choose another name"),
])
def test_a_bad_receptor_line_is_a_located_problem(line, at, message):
    n = LIF.count("\n") + 1
    assert problems(LIF + line + "\n") == [(n, (line + "\n").index(at) + 1, message)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["current", "conductance", "delta", "tau=", "E_rev=", "sign=", "2*ms", "-1",
                                           "0*mV", "1/0*ms", "exp(1000)*ms", "AMPA", "=", "*", "(", "#", '"']),
                          st.text(alphabet="abcmsV_=*+-/()0123456789. ", max_size=12)), max_size=8).map(" ".join))
def test_any_receptor_line_is_a_receptor_or_a_located_problem(tail):
    line = "receptor " + tail
    try:
        desc = parse_model(LIF + line + "\n")
    except ModelError as exc:
        assert exc.problems and all(p.line == LIF.count("\n") + 1 and 1 <= p.col <= len(line) + 1
                                    for p in exc.problems), exc.problems
    else:
        assert len(desc.named_receptors) == 1 and desc.named_receptors[0].tau >= 0


def test_a_duplicated_receptor_name_is_located_on_its_second_line():
    n = LIF.count("\n") + 2
    text = LIF + "receptor AMPA current tau=1*ms\nreceptor  AMPA conductance tau=2*ms E_rev=0*mV\n"
    assert problems(text) == [(n, 11, f"receptor 'AMPA' is already declared on line {n - 1}")]


def test_a_receptor_whose_exported_variable_is_a_declared_name_is_located():
    n = LIF.count("\n") + 1
    text = LIF + "receptor  AMPA conductance tau=2*ms E_rev=0*mV\nparam g_AMPA = 1 nS\n"
    assert problems(text) == [(n, 11, "receptor 'AMPA' is exported as the variable 'g_AMPA', which line "
                                      f"{n + 1} declares; choose another name")]
    assert parse_model(LIF + "receptor AMPA current tau=2*ms\nparam g_AMPA = 1 nS\n").receptors == ("AMPA",)


def test_old_receptor_lines_and_models_without_receptor_lines_keep_their_meaning():
    assert parse_model(LIF).receptors == ("excitatory", "inhibitory")
    assert parse_model(LIF + "receptors excitatory\n").receptors == ("excitatory",)
    both = parse_model(LIF + "receptors excitatory, inhibitory\nreceptor AMPA current tau=2*ms\n")
    assert both.receptors == ("excitatory", "inhibitory", "AMPA")


@pytest.mark.parametrize("extra", ["", "receptors excitatory, inhibitory\n", "receptors inhibitory\n"])
def test_the_data_form_reads_back_to_the_same_receptors(extra):
    desc = parse_model(LIF + extra + "receptor I_inh current tau=5*ms sign=-1\nreceptor D delta\n"
                                     "receptor AMPA conductance tau=2.5*ms E_rev=-5*mV\n")
    data = to_data(desc)
    assert data["receptor"] == ["I_inh current tau=5*ms sign=-1", "D delta", "AMPA conductance tau=2.5*ms E_rev=-5*mV"]
    again = from_data(data)
    assert again.receptors == desc.receptors and again.named_receptors == desc.named_receptors
    assert to_data(again) == data


def receptor_network(named: bool, seed: int = 3) -> Network:
    """Poisson drive through AMPA and GABA_A into the test model: by name, or with the same kinetics written on
    each projection (and deliberately wrong kinetics on the named ones: the model's win)."""
    net = Network(dt=0.1, duration=300.0, seed=seed)
    plain = "\n".join(line for line in RECEPTORS.split("\n") if not line.startswith("receptor "))
    net.add_model("cond", RECEPTORS if named else plain)
    net.add_population("N", 40, "cond", I_e=200.0)
    net.add_poisson("exc", 80, rate=20.0)
    net.add_poisson("inh", 20, rate=20.0)
    if named:
        net.connect("exc", "N", "fixed_probability", p=0.3, weight=2.0, receptor="AMPA", id="e", synapse="current",
                    tau=9.0)
        net.connect("inh", "N", "fixed_probability", p=0.3, weight=4.0, receptor="GABA_A", id="i", tau=1.0)
        ampa = net.projections["e"].synapse
        assert (ampa.kind, ampa.tau, ampa.E_rev) == ("conductance", 2.0, 0.0)  # connect stores the model's
        ampa.kind, ampa.tau, net.projections["i"].synapse.E_rev = "current", 9.0, -50.0  # and the build ignores these
    else:
        net.connect("exc", "N", "fixed_probability", p=0.3, weight=2.0, synapse="conductance", tau=2.0, E_rev=0.0,
                    id="e")
        net.connect("inh", "N", "fixed_probability", p=0.3, weight=4.0, receptor="inhibitory",
                    synapse="conductance", tau=8.0, E_rev=-80.0, id="i")
    net.record_spikes("N")
    net.record_state("N", "syn_exc", neurons=[0, 1])
    return net


def test_named_receptors_run_bitwise_as_projections_with_the_same_kinetics(simulate):
    named, plain = receptor_network(True), receptor_network(False)
    assert named.validate() == []
    syn = acting_synapse(named, named.projections["e"])
    assert (syn.kind, syn.receptor, syn.tau, syn.E_rev) == ("conductance", "excitatory", 2.0, 0.0)
    _, a = simulate(named, 0.3)
    _, b = simulate(plain, 0.3)
    assert sum(len(s) for s in a.spikes("N")) > 20
    assert all(np.array_equal(x, y) for x, y in zip(a.spikes("N"), b.spikes("N")))
    assert np.array_equal(a.trace("syn_exc:N")[1], b.trace("syn_exc:N")[1])


def test_a_current_receptor_gives_the_analytic_psp_with_its_sign(probe, simulate):
    tau_s, w = 5.0, 100.0
    net = probe.network(0.1)
    net.add_model("lifr", LIF + "receptor I_exc current tau=5*ms sign=+1\nreceptor I_inh current tau=5*ms sign=-1\n")
    net.add_spike_times("S", 1, np.zeros(1, np.int64), [5.0])
    net.add_population("N", 2, "lifr")
    net.connect("S", "N", "explicit", pre=[0], post=[0], weights=[w], receptor="I_exc", delay=1.0, tau=50.0,
                id="exc")
    net.connect("S", "N", "explicit", pre=[0], post=[1], weights=[w], receptor="I_inh", delay=1.0, id="inh")
    net.record_state("N", neurons=[0, 1], interval=0.1)
    _, res = simulate(net, 0.06)
    t, v = res.trace("v:N")
    psp = analytic_psp(t, 5.0 + 0.1 + 1.0, w, tau_s, 10.0, 250.0)
    assert psp.max() > 0.1
    np.testing.assert_allclose(v[:, 0] + 70.0, psp, rtol=0, atol=1e-9)
    np.testing.assert_allclose(v[:, 1] + 70.0, -psp, rtol=0, atol=1e-9)


def test_a_projection_onto_a_receptor_its_target_lacks_is_a_located_problem():
    net = receptor_network(True)
    net.projections["e"].synapse.receptor = "NMDA_typo"
    net.add_population("B", 2, "lif")
    net.connect("exc", "B", "all_to_all", receptor="AMPA", id="b")
    assert [(p.location, p.message) for p in net.validate()] == [
        ('projections["e"].synapse.receptor', 'model "cond" has no receptor "NMDA_typo" (its receptors: AMPA, NMDA, '
                                              'GABA_A)'),
        ('projections["b"].synapse.receptor', 'unknown receptor "AMPA" (known: excitatory, inhibitory)')]
    only_named = receptor_network(False)
    only_named.models["cond"] = net.models["cond"]
    assert [p.message for p in only_named.validate()] == [
        'model "cond" has no excitatory receptor (its receptors: AMPA, NMDA, GABA_A)',
        'model "cond" has no inhibitory receptor (its receptors: AMPA, NMDA, GABA_A)']


def test_a_network_with_named_receptors_saves_reopens_and_simulates_identically(tmp_path, simulate):
    net = receptor_network(True)
    path = tmp_path / "receptors.snn"
    spikestudio.save(net, path)
    again = spikestudio.load(path)
    assert again.models["cond"].named_receptors == net.models["cond"].named_receptors
    assert again.projections["e"].synapse.receptor == "AMPA"
    assert fileformat.dumps(again) == fileformat.dumps(net)
    _, a = simulate(net, 0.1)
    _, b = simulate(again, 0.1)
    assert all(np.array_equal(x, y) for x, y in zip(a.spikes("N"), b.spikes("N")))


def test_the_brian2_export_has_one_variable_per_named_receptor():
    from spikestudio.engine.interop import brian2_export

    net = receptor_network(True)
    net.connect("exc", "N", "fixed_probability", p=0.1, weight=0.5, receptor="NMDA", id="slow")
    text, report = brian2_export(net)
    assert report.ok, report
    assert "dg_AMPA/dt" in text or "g_AMPA : siemens" in text
    assert "g_NMDA" in text and "g_GABA_A" in text and "g_c0" not in text
    assert "g_GABA_A*((-80.0)*mV - v)" in text or "g_GABA_A*(-80.0*mV - v)" in text
    assert "conductance AMPA synapses" in text and "g_AMPA_post += 2.0*nS" in text


def test_pynn_and_nir_name_the_receptors_they_cannot_map():
    """A LIF that would map onto a standard cell does not once it names its receptors: both reports say which."""
    from spikestudio.engine.interop import pynn_export
    from spikestudio.engine.interop.nir_export import nir_export

    net = Network()
    net.add_model("lifr", LIF + "receptor I_exc current tau=5*ms\nreceptor I_inh current tau=5*ms sign=-1\n")
    net.add_population("N", 3, "lifr")
    net.add_poisson("d", 3, 10.0)
    net.connect("d", "N", "one_to_one", receptor="I_inh", id="in")
    _, report = pynn_export(net, simulator="nest")
    assert dict(report.problems)['populations["N"]'] == ("model 'lifr': no PyNN standard cell has receptors "
                                                         "I_exc, I_inh; left out")
    _, nir_report = nir_export(net)
    assert "model 'lifr': no NIR standard cell has receptors I_exc, I_inh" in str(nir_report)


@pytest.mark.slow
def test_brian2_fires_as_spikestudio_through_named_receptors(tmp_path):
    from spikestudio.engine.interop import brian2_export
    from test_interop_scripts import NO_BRIAN2, brian2_python, rates, run_script

    python = brian2_python()
    if python is None:
        pytest.skip(NO_BRIAN2)
    net = receptor_network(True)
    net.duration = 2000.0
    net.connect("exc", "N", "fixed_probability", p=0.1, weight=0.3, receptor="NMDA", id="slow")
    done = run_script(python, brian2_export(net)[0], tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    ours = {row["id"]: row["rate_hz"] for row in spikestudio.Simulator(net).run(2.0).summary()}
    assert ours["N"] > 2.0
    assert rates(done.stdout)["N"] == pytest.approx(ours["N"], rel=0.1)


def test_a_named_receptors_kinetics_are_swept_in_the_model_not_on_the_projection():
    from spikestudio.engine.experiments.addresses import AddressError, parameter_names, resolve

    net = receptor_network(True)
    assert "synapse.tau" not in parameter_names(net.projections["e"], net)
    with pytest.raises(AddressError, match='no sweepable parameter "synapse.tau"'):
        resolve(net, "e.synapse.tau")
    plain = receptor_network(False)
    assert "synapse.tau" in parameter_names(plain.projections["e"], plain)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_a_delta_receptor_jumps_the_input_variable_by_the_weight_with_its_sign(sign, probe, simulate):
    w = 2.5
    net = probe.network(0.1)
    net.add_model("lifd", LIF + f"receptor J delta sign={sign:+g}\n")
    net.add_spike_times("S", 1, np.zeros(1, np.int64), [5.0])
    net.add_population("N", 1, "lifd")
    net.connect("S", "N", "one_to_one", weight=w, delay=1.0, receptor="J", synapse="conductance", id="j")
    net.record_state("N", neurons=[0], interval=0.1)
    _, res = simulate(net, 0.02)
    t, v = res.trace("v:N")
    k = round((5.0 + 1.0) / 0.1) + 1  # the first sample showing the input
    assert np.all(v[:k, 0] == -70.0)
    assert v[k, 0] + 70.0 == pytest.approx(sign * w, abs=1e-12)


def test_graded_synapses_and_gap_junctions_onto_a_model_with_named_receptors_ignore_its_receptors():
    """They act through the two membrane voltages: the target model's receptors neither refuse them nor turn them
    into the receptor's kind (a graded synapse keeps its own E_rev, V_half and V_slope)."""
    net = receptor_network(True)
    net.add_population("M", 40, "cond")
    gap = net.connect("N", "M", "one_to_one", synapse="gap", weight=0.5, id="gap")
    graded = net.connect("M", "N", "one_to_one", synapse="graded", receptor="AMPA", E_rev=-70.0, V_half=-45.0,
                         weight=0.5, id="graded")
    assert net.validate() == []
    assert (gap.synapse.kind, graded.synapse.kind) == ("gap", "graded")
    assert (graded.synapse.E_rev, graded.synapse.V_half) == (-70.0, -45.0)
    assert acting_synapse(net, graded) is graded.synapse
