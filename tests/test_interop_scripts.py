"""Script export (engine/interop): mappings, reports, PyNN scripts on PyNN's mock backend, Brian2 rates."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np
import pytest
import spikestudio
from spikestudio import Distribution, Network
from spikestudio.engine.interop import (
    ExportError,
    ExportReport,
    brian2_export,
    brian2_script,
    pynn_export,
    pynn_script,
)
from spikestudio.engine.interop.script_export import export_script
from spikestudio.engine.model.network import Plasticity
from spikestudio.resources.examples import example_path

REPO = Path(__file__).resolve().parents[1]
RATE_LINE = re.compile(r"^RATE (\S+) ([0-9.eE+-]+)$", re.MULTILINE)


def kitchen_sink() -> Network:
    """Every exportable model, input, rule, synapse kind and distribution: small and short."""
    net = Network(dt=0.1, duration=100.0, seed=3)
    net.add_population("L", 40, "lif", tau_m=20.0, initial={"v": Distribution("uniform", low=-70, high=-55)})
    net.add_population("C", 30, "lif", tau_m=15.0)
    net.add_population("Z", 30, "izhikevich", a=0.1, d=2.0)
    net.add_population("A", 20, "adex")
    net.add_poisson("drive", 40, rate=2000.0)
    net.add_poisson("slow", 30, rate=20.0)
    net.add_spike_times("st", 5, neurons=[0, 1, 2, 3, 4, 0], times=[5.0, 10.0, 12.0, 30.0, 31.0, 50.0])
    net.add_current("dc", "L", "dc", amplitude=100.0)
    net.add_current("step", "C", "step", amplitude=200.0, start=10.0, stop=60.0)
    net.add_current("ramp", "A", "ramp", amplitude_start=0.0, amplitude_end=800.0, start=0.0, stop=90.0)
    net.add_current("sine", "Z", "sine", amplitude=5.0, frequency=10.0, offset=5.0)
    net.add_current("ou", "C", "ou", mean=300.0, std=50.0, tau=5.0)
    net.connect("drive", "L", "one_to_one", weight=30.0)
    net.connect("slow", "C", "fixed_probability", p=0.5, weight=Distribution("uniform", low=1.0, high=3.0),
                synapse="conductance")
    net.connect("L", "C", "fixed_indegree", k=5, weight=Distribution("normal", mean=2.0, std=0.5, min=0.0),
                synapse="conductance", delay=Distribution("uniform", low=1.0, high=3.0))
    net.connect("C", "L", "fixed_outdegree", k=4, weight=20.0, receptor="inhibitory")
    net.connect("L", "Z", "fixed_total", n=100, weight=Distribution("lognormal", mean=2.0, std=1.0))
    net.connect("Z", "Z", "all_to_all", weight=0.5, receptor="inhibitory")
    net.connect("st", "A", "explicit", pre=[0, 1, 2, 3, 4], post=[0, 5, 10, 15, 19], weights=[5.0] * 5,
                synapse="conductance")
    net.connect("L", "A", "fixed_probability", p=0.2, weight=2.0, synapse="conductance", receptor="inhibitory")
    return net.check()


def rates(stdout: str) -> dict[str, float]:
    return {pid: float(hz) for pid, hz in RATE_LINE.findall(stdout)}


def run_script(python: str, text: str, tmp_path: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    script = tmp_path / "exported.py"
    script.write_text(text)
    return subprocess.run([python, str(script)], capture_output=True, text=True, timeout=timeout, cwd=tmp_path)


# --- reports ------------------------------------------------------------------------------------------


def test_report_and_strict_error_name_every_unexportable_item():
    net = kitchen_sink()
    net.add_population("H", 5, "hh")  # exported from its description (it was left out before)
    net.add_population("G", 16, "lif", grid=(4, 4))
    net.connect("G", "G", "gaussian", sigma=1.0)
    net.connect("L", "G", "fixed_probability", plasticity=Plasticity("stdp"))
    text, report = brian2_export(net)
    assert isinstance(report, ExportReport)
    assert report.locations() == ['projections["G->G"]', 'projections["L->G"]']
    assert "Left out" in text and "dm/dt = " in text and "refractory='(v >= (0.0*mV))'" in text
    with pytest.raises(ExportError) as err:
        brian2_script(net, strict=True)
    assert isinstance(err.value, ValueError)
    for where in report.locations():
        assert where in str(err.value)
    assert brian2_script(net) == text
    pynn_report = pynn_export(net)[1]
    assert set(pynn_report.locations()) == {'projections["G->G"]', 'projections["L->G"]'}
    assert 'populations["H"]' in dict(pynn_report.notes)  # HH_cond_exp: Traub-Miles kinetics, noted


def test_pynn_exports_delta_synapses_through_if_curr_delta_and_reports_mixed_kinds():
    brunel = spikestudio.load(example_path("brunel"))
    text, report = pynn_export(brunel)
    assert report.ok  # all six projections go (they were all left out before IF_curr_delta)
    assert text.count("sim.IF_curr_delta(cm=0.25, tau_m=20.0, v_rest=0.0, v_thresh=20.0, v_reset=10.0") == 2
    assert "sim.StaticSynapse(weight=0.2, delay=1.5), receptor_type='excitatory', label='E->E'" in text  # mV
    assert "sim.StaticSynapse(weight=-1.0, delay=1.5), receptor_type='inhibitory', label='I->E'" in text
    net = Network()
    net.add_population("a", 10)
    net.add_population("b", 10)
    net.connect("a", "b", id="cur1", tau=5.0)
    net.connect("b", "b", id="cur2", tau=5.0)
    net.connect("a", "b", id="jump", synapse="delta")
    report = pynn_export(net)[1]
    assert report.locations() == ['projections["jump"]']
    assert "delta synapses onto IF_curr_exp, whose synapses are current-based" in report.problems[0][1]
    with pytest.raises(ExportError, match=r'projections\["jump"\]'):
        pynn_script(net, strict=True)


def test_pynn_reports_conflicting_taus_by_name():
    net = Network()
    net.add_population("a", 10)
    net.add_population("b", 10)
    net.connect("a", "b", tau=5.0)
    net.connect("b", "b", tau=3.0)
    report = pynn_export(net)[1]
    assert report.locations() == ['projections["b->b"]']
    assert 'tau_syn_E = 3.0 differs from 5.0 of projections["a->b"]' in report.problems[0][1]


# --- mappings -----------------------------------------------------------------------------------------


def test_pynn_units_and_cell_types():
    text, report = pynn_export(spikestudio.load(example_path("cuba")))
    assert report.ok
    assert "import pyNN.nest" not in text and 'SIMULATOR = \'nest\'' in text
    assert text.startswith('"""Exported from SpikeStudio')
    assert ("sim.IF_curr_exp(cm=0.25, tau_m=20.0, v_rest=-49.0, v_thresh=-50.0, v_reset=-60.0, tau_refrac=5.0, "
            "i_offset=0.0, tau_syn_E=5.0, tau_syn_I=10.0)") in text
    assert "sim.StaticSynapse(weight=0.02025, delay=0.1), receptor_type='excitatory'" in text
    assert "sim.StaticSynapse(weight=-0.1125, delay=0.1), receptor_type='inhibitory'" in text  # PyNN: negative
    ks = pynn_export(kitchen_sink())[0]
    assert "sim.IF_cond_exp(cm=0.25" in ks and "e_rev_E=0.0" in ks and "e_rev_I=-80.0" in ks
    assert "sim.EIF_cond_exp_isfa_ista(cm=0.281, tau_m=9.366666666666667" in ks and "b=0.0805" in ks
    assert "sim.Izhikevich(a=0.1, b=0.2, c=-65.0, d=2.0, i_offset=0.0)" in ks
    assert "sim.DCSource(amplitude=0.1)" in ks and "sim.DCSource(amplitude=0.2, start=10.0, stop=60.0)" in ks
    assert "sim.ACSource(amplitude=0.005, offset=0.005, frequency=10.0" in ks
    # OU (std 50 pA, tau 5 ms) as white noise of the same diffusion: 50 sqrt(2 x 5 / 0.1) = 500 pA every step
    assert "sim.NoisyCurrentSource(mean=0.3, stdev=0.5, dt=DT)" in ks
    assert 'RandomDistribution("uniform", low=0.001, high=0.003' in ks  # conductances in uS
    assert 'RandomDistribution("normal_clipped", mu=0.002, sigma=0.0005, low=0.0, high=np.inf' in ks


@pytest.mark.parametrize("rule, connector", [
    ("fixed_probability", "FixedProbabilityConnector(0.5, allow_self_connections=True"),
    ("all_to_all", "AllToAllConnector(allow_self_connections=False)"),
    ("one_to_one", "OneToOneConnector()"),
    ("fixed_indegree", "FixedNumberPreConnector(4, allow_self_connections=False"),
    ("fixed_outdegree", "FixedNumberPostConnector(4, allow_self_connections=False"),
    ("fixed_total", "FixedTotalNumberConnector(50, allow_self_connections=False, with_replacement=False"),
    ("explicit", "FromListConnector(np.column_stack([np.array([0.0, 2.0], dtype=float), np.array([1.0, 3.0]"),
])
def test_connector_per_rule(rule, connector):
    net = Network()
    net.add_population("a", 10)
    kw = {"fixed_probability": {"p": 0.5, "allow_autapses": True}, "fixed_indegree": {"k": 4},
          "fixed_outdegree": {"k": 4}, "fixed_total": {"n": 50},
          "explicit": {"pre": [0, 2], "post": [1, 3], "weights": [2.5, 1.0]}}.get(rule, {})
    net.add_population("b", 10)
    net.connect("a", "b" if rule == "one_to_one" else "a", rule, **kw)
    assert f"sim.{connector}" in pynn_export(net)[0]


def test_multapses_travel_to_both_scripts():
    """A fixed_total drawn with multapses (the microcircuit's) is drawn with replacement by PyNN and Brian2 too."""
    net = Network()
    net.add_population("a", 10)
    net.connect("a", "a", "fixed_total", n=50, multapses=1)
    assert "with_replacement=True" in pynn_export(net)[0]
    text = brian2_export(net)[0]
    assert "fixed_total(rng, 10, 10, 50, 1, 1)" in text and "replace=bool(multapses) or n > n_pre * m" in text


def test_brian2_mapping():
    text, report = brian2_export(spikestudio.load(example_path("cuba")))
    assert report.ok and text.startswith('"""Exported from SpikeStudio')
    assert ("dv/dt = ((((-49.0*mV) - v)/(20.0*ms)) + (((0.0*pA) + (I_c0 - I_c1))/(250.0*pF))) : volt "
            "(unless refractory)") in text  # emitted from the LIF's description
    assert 'on_pre="I_c1_post += 112.5*pA", delay=0.1*ms' in text  # a current jumps one delay after the spike
    assert 'connect(condition="i != j", p=0.02)' in text
    assert "refractory=5.1*ms" in text  # Brian2 clamps one step fewer than refractory / dt
    brunel = brian2_export(spikestudio.load(example_path("brunel")))[0]
    assert 'on_pre="v_post += -1.0*mV*int(not_refractory_post)", delay=1.4*ms' in brunel  # read a step later:
    assert 'S_I__E.pre.when, S_I__E.pre.order = "thresholds", -1' in brunel  # the pathway runs before thresholds
    assert "pre, post = fixed_indegree(rng, 4000, 4000, 400, 1)" in brunel
    assert ('b2.PoissonInput(G_E, "v", 100, 100.0*Hz, weight="0.2*mV*int(not_refractory)", when="thresholds", '
            'order=-1)') in brunel
    ks = brian2_export(kitchen_sink())[0]
    for piece in ("I_ou1 = I_ou1*exp(-dt/(5.0*ms))", "exp(clip(((v - (-50.4*mV))/(2.0*mV)), (-500),",
                  "((0.04/mV)*(v**2))",
                  "b2.SpikeGeneratorGroup(5", "I_c0 = I_c0*exp(-dt/(5.0*ms))",
                  "fixed_total(rng, 40, 30, 100, 0)", "g_c0*(0.0*mV - v)", "S_Z__Z.connect(condition=\"i != j\")"):
        assert piece in ks
    compile(ks, "kitchen_sink_brian2.py", "exec")


# --- running the scripts ------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [kitchen_sink, lambda: spikestudio.load(example_path("cuba"))])
def test_pynn_script_runs_on_the_mock_backend(make, tmp_path):
    pytest.importorskip("pyNN")
    net = make()
    net.duration = 50.0
    done = run_script(sys.executable, pynn_script(net, simulator="mock", strict=True), tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert set(rates(done.stdout)) == set(net.populations)


@cache
def brian2_python() -> str | None:
    """A Python that imports brian2: $SPIKESTUDIO_BRIAN2_PYTHON, this one, or the bench venv's."""
    candidates = [os.environ.get("SPIKESTUDIO_BRIAN2_PYTHON"), sys.executable, str(REPO / ".venv-bench/bin/python")]
    for python in filter(None, candidates):
        if Path(python).exists() and subprocess.run([python, "-c", "import brian2"], capture_output=True,
                                                    timeout=120).returncode == 0:
            return python
    return None


NO_BRIAN2 = ("brian2 cannot be imported: 2.10+ needs Python 3.12+, 2.9 needs numpy < 2.3 (ndarray.ptp); "
             "set SPIKESTUDIO_BRIAN2_PYTHON or run `make .venv-bench/.installed`")


@pytest.mark.slow
@pytest.mark.parametrize("example", ["cuba", "brunel"])
def test_brian2_rates_agree_with_spikestudio(example, tmp_path):
    python = brian2_python()
    if python is None:
        pytest.skip(NO_BRIAN2)
    net = spikestudio.load(example_path(example))
    ours = spikestudio.Simulator(net).run(net.duration / 1000.0)
    done = run_script(python, brian2_script(net, strict=True), tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    theirs = rates(done.stdout)
    assert set(theirs) == set(net.populations)
    for pid in net.populations:
        assert theirs[pid] == pytest.approx(ours.mean_rate(pid), rel=0.10), pid


def driven_lif(tau_syn: float) -> Network:
    """40 LIF neurons (tau_m = 10 ms) driven by fixed spike times through current synapses of ``tau_syn``."""
    net = Network(dt=0.1, duration=1000.0, seed=2)
    rng = np.random.default_rng(0)
    net.add_spike_times("In", 50, neurons=rng.integers(0, 50, 1000), times=np.sort(rng.uniform(0, 990, 1000)).round(1))
    net.add_population("E", 40, "lif", tau_m=10.0, t_ref=2.0)
    net.connect("In", "E", "fixed_probability", p=0.5, weight=100.0, tau=tau_syn)
    net.record_spikes("E")
    return net


@pytest.mark.slow
def test_brian2_export_is_finite_when_a_current_synapse_decays_as_the_membrane(tmp_path):
    """tau_syn = tau_m made Brian2's exact solution 0/0 (NaN from the first input, no spike): the channel now
    decays once per step there, and the rate is that of a tau_syn 0.1 % away (exact formula) and SpikeStudio's."""
    python = brian2_python()
    if python is None:
        pytest.skip(NO_BRIAN2)
    got = {}
    for tau in (10.0, 10.01):
        net = driven_lif(tau)
        text = brian2_script(net, strict=True)
        assert ("# decays exactly" in text) == (tau == 10.0)  # the exact formula away from equality
        done = run_script(python, text, tmp_path, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "NaN" not in done.stderr and "invalid value" not in done.stderr, done.stderr[-3000:]
        got[tau] = rates(done.stdout)["E"]
    ours = spikestudio.Simulator(driven_lif(10.0)).run().mean_rate("E")
    assert ours > 20.0
    assert got[10.0] == pytest.approx(got[10.01], rel=0.02)
    # Brian2 runs this network 6-9 % faster than SpikeStudio whatever tau_syn (64.3 against 59.5 Hz at 10.01 ms,
    # 85.9 against 81.2 at 12 ms, measured): a gap of the exported LIF in general, not of this case
    assert got[10.0] == pytest.approx(ours, rel=0.12)


@pytest.mark.slow
def test_brian2_script_runs_every_exported_part(tmp_path):
    python = brian2_python()
    if python is None:
        pytest.skip(NO_BRIAN2)
    net = kitchen_sink()
    done = run_script(python, brian2_script(net, strict=True), tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert set(rates(done.stdout)) == set(net.populations)


@pytest.mark.slow
def test_brian2_script_runs_redrawn_values_and_multapses(tmp_path):
    """The scripts' ``draw`` helper redraws (here a third of the delays start below the bound) and finishes."""
    python = brian2_python()
    if python is None:
        pytest.skip(NO_BRIAN2)
    net = Network(duration=50.0)
    net.add_population("a", 20, I_e=400.0)
    net.connect("a", "a", "fixed_total", n=200, multapses=1,
                weight=Distribution("normal", mean=50.0, std=40.0, min=0.0, redraw=True),
                delay=Distribution("normal", mean=0.3, std=0.5, min=0.05, redraw=True))
    net.record_spikes("a")
    text = brian2_script(net, strict=True)
    assert "redraw=True" in text and "fixed_total(rng, 20, 20, 200, 1, 1)" in text
    done = run_script(python, text, tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert rates(done.stdout)["a"] > 0


# --- exact exports: realised wiring and replayed inputs --------------------------------------------------


def spike_pairs(steps, ids) -> list[tuple[int, int]]:
    return sorted(zip(np.asarray(steps).tolist(), np.asarray(ids).tolist()))


def our_spike_trains(net: Network) -> dict[str, list[tuple[int, int]]]:
    """(step, neuron) of every population's spikes in SpikeStudio's run of ``net`` (a copy records them all)."""
    net = copy.deepcopy(net)
    for pid in net.populations:
        if not any(r.kind == "spikes" and r.target == pid for r in net.recorders.values()):
            net.record_spikes(pid)
    res = spikestudio.Simulator(net).run(net.duration / 1000.0)
    return {pid: spike_pairs(np.rint(res.spikes(pid)[0] / net.dt).astype(np.int64), res.spikes(pid)[1])
            for pid in net.populations}


def brian2_spike_trains(script: Path, tmp_path: Path, timeout: float = 600) -> dict[str, list[tuple[int, int]]]:
    """Run an exported Brian2 script in the bench Python; (step, neuron) of every population's spikes."""
    python = brian2_python()
    if python is None:
        pytest.skip(NO_BRIAN2)
    out = tmp_path / "spikes.npz"
    done = subprocess.run([python, str(script), str(out)], capture_output=True, text=True, timeout=timeout,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    with np.load(out) as f:
        pops = {key.rsplit(".", 1)[0] for key in f.files}
        return {pid: spike_pairs(f[pid + ".steps"], f[pid + ".ids"]) for pid in pops}


@pytest.mark.slow
@pytest.mark.parametrize("example", ["cuba", "brunel"])
def test_brian2_realised_export_reproduces_every_spike(example, tmp_path):
    """Realised wiring and initial state (and, for Brunel, SpikeStudio's Poisson drive replayed): one second of
    Brian2 gives the same spike trains as SpikeStudio, spike for spike."""
    net = spikestudio.load(example_path(example))
    assert net.duration == 1000.0
    report, files = export_script(net, tmp_path / f"{example}.py", "brian2", wiring="realised", replay_inputs=True,
                                  strict=True)
    assert len(files) > 1 and all(f.exists() for f in files)  # the synapse lists travel as .npy files
    assert not any("drawn by Brian2" in reason for _, reason in report.notes)
    theirs = brian2_spike_trains(tmp_path / f"{example}.py", tmp_path)
    ours = our_spike_trains(net)
    for pid in net.populations:
        assert len(ours[pid]) > 1000, pid  # a real run, not a silent one
        assert theirs[pid] == ours[pid], pid


@pytest.mark.slow
def test_brian2_single_neuron_spike_train_is_identical_with_rule_wiring(tmp_path):
    """The refractory convention: 68 spikes a second, each on the same step (a period off by one step would
    drift by a step every spike)."""
    net = spikestudio.load(example_path("single_neuron"))
    script = tmp_path / "single.py"
    script.write_text(brian2_script(net, strict=True))
    theirs, ours = brian2_spike_trains(script, tmp_path), our_spike_trains(net)
    assert len(ours["neuron"]) == 68
    assert theirs["neuron"] == ours["neuron"]


@pytest.mark.slow
def test_brian2_realised_izhikevich_without_its_noise_reproduces_every_spike(tmp_path):
    """Izhikevich's network with its OU noise replaced by a constant current (so nothing is drawn at run time):
    Euler models, current synapses decaying once per step and their latency match spike for spike."""
    net = spikestudio.load(example_path("izhikevich"))
    net.inputs.clear()
    for pop in net.populations.values():
        pop.params["I_e"] = 6.0
    export_script(net, tmp_path / "izh.py", "brian2", wiring="realised", strict=True)
    theirs, ours = brian2_spike_trains(tmp_path / "izh.py", tmp_path), our_spike_trains(net)
    for pid in net.populations:
        assert len(ours[pid]) > 1000
        assert theirs[pid] == ours[pid], pid


def test_realised_script_reads_the_synapses_spikestudio_builds(tmp_path):
    """The arrays beside a realised script are the built synapses and drawn initial values; small ones inline."""
    net = spikestudio.load(example_path("cuba"))
    _, files = export_script(net, tmp_path / "cuba.py", "brian2", wiring="realised")
    text = (tmp_path / "cuba.py").read_text()
    sim = spikestudio.Simulator(net)
    pre, post, w = sim.connections("I->E")
    loaded = {f.name: np.load(f) for f in files if f.suffix == ".npy"}
    assert any(a.shape == pre.shape and np.array_equal(a, pre) for a in loaded.values())
    assert any(a.shape == w.shape and np.array_equal(a, w) for a in loaded.values())
    v0 = sim.built.state.state[0, :3200]
    assert any(np.array_equal(a, v0) for a in loaded.values())
    assert "load_array('cuba.0.npy')" in text and "fixed_probability" not in text.split("import brian2")[1]
    small = Network(dt=0.1, duration=50.0, seed=4)
    small.add_population("a", 5, initial={"v": Distribution("uniform", low=-70, high=-60)})
    small.connect("a", "a", "fixed_probability", p=0.5, weight=Distribution("uniform", low=1.0, high=2.0))
    inline = brian2_script(small, wiring="realised")
    assert "load_array(" not in inline.split("def load_array")[1] and ".connect(i=np.array([" in inline


def test_realised_report_names_what_stays_random():
    """Poisson sources and OU noise are drawn by the other simulator: said, unless Poisson spikes are replayed."""
    izh = spikestudio.load(example_path("izhikevich"))
    notes = dict(brian2_export(izh, wiring="realised")[1].notes)
    assert "OU noise is drawn by Brian2" in notes['inputs["thalamus_E"]']
    brunel = spikestudio.load(example_path("brunel"))
    brunel.duration = 20.0
    assert "drawn by Brian2's generator" in dict(brian2_export(brunel, wiring="realised")[1].notes)['inputs["ext_E"]']
    assert 'inputs["ext_E"]' not in dict(brian2_export(brunel, wiring="realised", replay_inputs=True)[1].notes)
    assert "drawn by PyNN" in dict(pynn_export(brunel, wiring="realised")[1].notes)['inputs["ext_E"]']
    with pytest.raises(ValueError, match="wiring must be one of rules, realised"):
        brian2_export(brunel, wiring="drawn")
    with pytest.raises(ValueError, match="needs wiring='realised'"):
        brian2_export(brunel, replay_inputs=True)


@cache
def nest_python() -> str | None:
    """A Python with PyNN and NEST: $SPIKESTUDIO_NEST_PYTHON or the repository's .venv-nest."""
    for python in filter(None, [os.environ.get("SPIKESTUDIO_NEST_PYTHON"), str(REPO / ".venv-nest/bin/python")]):
        if Path(python).exists() and subprocess.run([python, "-c", "import nest, pyNN.nest"], capture_output=True,
                                                    timeout=300).returncode == 0:
            return python
    return None


@pytest.mark.slow
def test_pynn_realised_export_reproduces_cuba_on_nest(tmp_path):
    """On NEST 3.10 through PyNN (spikes on the grid): CUBA's one second, spike for spike."""
    python = nest_python()
    if python is None:
        pytest.skip("no Python with NEST and PyNN: `pip install nest-simulator 'PyNN>=0.13,<0.14'` in .venv-nest or "
                    "set SPIKESTUDIO_NEST_PYTHON (benchmarks/pynn_nest_check.py runs the same check)")
    net = spikestudio.load(example_path("cuba"))
    export_script(net, tmp_path / "cuba_pynn.py", "pynn", wiring="realised", strict=True)
    done = subprocess.run([python, str(tmp_path / "cuba_pynn.py"), str(tmp_path / "spikes.npz")],
                          capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    ours = our_spike_trains(net)
    with np.load(tmp_path / "spikes.npz") as f:
        for pid in net.populations:
            assert len(ours[pid]) > 1000
            assert spike_pairs(f[pid + ".steps"], f[pid + ".ids"]) == ours[pid], pid


@pytest.mark.slow
def test_brian2_ou_noise_of_std_zero_runs_as_its_mean(tmp_path):
    """OU noise with std 0 is a constant current: the script runs (Brian2 used to fail on "0.0*pA" in its
    run_regularly step) and gives SpikeStudio's spikes, step for step."""
    net = Network(dt=0.1, duration=200.0, seed=1)
    net.add_population("a", 3)
    net.add_current("ou", "a", "ou", mean=500.0, std=0.0, tau=5.0)
    script = tmp_path / "ou0.py"
    script.write_text(brian2_script(net, strict=True))
    assert "run_regularly" not in script.read_text()
    theirs, ours = brian2_spike_trains(script, tmp_path), our_spike_trains(net)
    assert len(ours["a"]) > 10
    assert theirs["a"] == ours["a"]


# --- learning and datasets: the digits example --------------------------------------------------------


def digits_plugins() -> dict:
    from spikestudio.plugins.dataset_source import default_datasets
    from spikestudio.plugins.registry import default_registry

    return {"rules": default_registry().learning_rules(), "datasets": default_datasets()}


def test_brian2_exports_stdp_and_dataset_spikes_of_the_digits_example():
    """With the plugins given, nothing of the digits example is left out: its dataset input becomes SpikeStudio's
    encoded spikes, its pair STDP the synapse code of its description, its adaptive threshold a state variable;
    without them the report names what is left out and why."""
    net = spikestudio.load(example_path("digits"))
    net.duration = 2000.0
    text, report = brian2_export(net, **digits_plugins())
    assert report.ok, report
    assert "replayed as spike times" in dict(report.notes)['inputs["digits"]']
    for piece in ("b2.SpikeGeneratorGroup(64", "dx_pre_/dt = ((-x_pre_)/(20.0*ms)) : 1 (event-driven)",
                  "w_syn = clip((w_syn + ((0.01*x_pre_)*60.0)), (-inf), 60.0)", "'send': 'w_sent = w_syn'",
                  "At the end of every 100 steps", "sum to 640.0", "theta += (0.2*mV)"):
        assert piece in text, piece
    bare = brian2_export(net)[1]
    assert set(bare.locations()) == {'inputs["digits"]', 'projections["learn"]'}
    assert any("learning rule plugin was not given" in why for where, why in bare.problems if "learn" in where)


@pytest.mark.slow
def test_brian2_realised_digits_export_learns_spike_for_spike(tmp_path):
    """Ten seconds of the digits example (20 digits): SpikeStudio's encoded digits replayed, pair STDP with
    weight normalisation and adaptive thresholds in Brian2 give the same spikes, so the same rates."""
    net = spikestudio.load(example_path("digits"))
    net.duration = 10000.0
    report, _ = export_script(net, tmp_path / "digits.py", "brian2", wiring="realised", strict=True,
                              **digits_plugins())
    assert not any("weight it has when it arrives" in reason for _, reason in report.notes)  # the exact path
    theirs, ours = brian2_spike_trains(tmp_path / "digits.py", tmp_path), our_spike_trains(net)
    assert len(ours["E"]) > 300
    assert theirs["E"] == ours["E"]


@pytest.mark.slow
def test_pynn_if_curr_delta_starts_from_spikestudio_initial_values_on_nest(tmp_path):
    """PyNN 0.13 drops initialize(v=...) for IF_curr_delta on NEST (every neuron started at -70 mV, and Brunel ran
    2 % slow over a second); the script maps v to V_m, so neurons driven by a constant current fire from their own
    drawn start, spike for spike."""
    python = nest_python()
    if python is None:
        pytest.skip("no Python with NEST and PyNN (see test_pynn_realised_export_reproduces_cuba_on_nest)")
    net = Network(dt=0.1, duration=200.0, seed=8)
    net.add_population("E", 50, "lif", E_L=0.0, V_th=20.0, V_reset=10.0, t_ref=2.0, tau_m=20.0, I_e=300.0,
                       initial={"v": Distribution("uniform", low=0.0, high=20.0)})
    net.connect("E", "E", "fixed_indegree", k=5, weight=0.0, synapse="delta")  # delta synapses: IF_curr_delta
    export_script(net, tmp_path / "delta_pynn.py", "pynn", wiring="realised", strict=True)
    assert "sim.IF_curr_delta(" in (tmp_path / "delta_pynn.py").read_text()
    done = subprocess.run([python, str(tmp_path / "delta_pynn.py"), str(tmp_path / "spikes.npz")],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    ours = our_spike_trains(net)
    with np.load(tmp_path / "spikes.npz") as f:
        theirs = spike_pairs(f["E.steps"], f["E.ids"])
    assert len(ours["E"]) > 200
    assert theirs == ours["E"]


# --- OU noise: the Izhikevich example -------------------------------------------------------------------


@pytest.mark.slow
def test_brian2_izhikevich_with_replayed_ou_noise_reproduces_every_spike(tmp_path):
    """The exact mode replays SpikeStudio's OU samples: the Izhikevich example (realised wiring) gives the same
    spikes in Brian2, so its rates are the same; with Brian2 drawing the noise they differ only by chance (see
    test_brian2_ou_noise_has_spikestudio_statistics)."""
    net = spikestudio.load(example_path("izhikevich"))
    net.duration = 300.0
    report, _ = export_script(net, tmp_path / "izh.py", "brian2", wiring="realised", replay_inputs=True, strict=True)
    assert not any("OU noise is drawn" in reason for _, reason in report.notes)
    theirs, ours = brian2_spike_trains(tmp_path / "izh.py", tmp_path), our_spike_trains(net)
    for pid in net.populations:
        assert len(ours[pid]) > 300, pid
        assert theirs[pid] == ours[pid], pid


@pytest.mark.slow
def test_brian2_ou_noise_has_spikestudio_statistics(tmp_path):
    """The exported OU step draws a process with SpikeStudio's stationary std and step-to-step correlation
    exp(-dt / tau), independent between neurons (measured on 800 neurons x 2000 steps of the Izhikevich example)."""
    from spikestudio.engine.interop.realised import ou_samples

    net = spikestudio.load(example_path("izhikevich"))
    net.duration = 200.0
    text = brian2_script(net, strict=True).replace(
        "network = b2.Network(b2.collect())",
        'OU_MON = b2.StateMonitor(G_E, "I_ou0", record=True)\nnetwork = b2.Network(b2.collect())')
    text += '\nnp.save("ou.npy", OU_MON.I_ou0_.T / 1e-12)\n'
    done = run_script(brian2_python() or pytest.skip(NO_BRIAN2), text, tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    theirs, ours = np.load(tmp_path / "ou.npy"), ou_samples(net, ["thalamus_E"])["thalamus_E"]
    assert theirs.shape == ours.shape == (2000, 800)
    fade = np.exp(-net.dt / 0.5)
    for x in (theirs, ours):
        assert x.std() == pytest.approx(5.0, rel=0.01)
        assert np.mean(x[1:] * x[:-1]) / x.var() == pytest.approx(fade, abs=0.005)
        kicks = x[1:] - fade * x[:-1]
        assert abs(np.corrcoef(kicks[:, :-1].ravel(), kicks[:, 1:].ravel())[0, 1]) < 0.01  # neighbours independent


@pytest.mark.slow
def test_pynn_replayed_poisson_spikes_arrive_on_spikestudio_steps_on_nest(tmp_path):
    """Replayed Poisson spikes act on NEST on the steps SpikeStudio's act on, those of the very first step included
    (the script connects the spike generators straight to the targets there): the same spikes."""
    python = nest_python()
    if python is None:
        pytest.skip("no Python with NEST and PyNN (see test_pynn_realised_export_reproduces_cuba_on_nest)")
    net = Network(dt=0.1, duration=300.0, seed=5)
    net.add_population("E", 40, "lif", tau_m=20.0, E_L=0.0, V_th=20.0, V_reset=10.0, t_ref=2.0,
                       initial={"v": Distribution("uniform", low=0.0, high=20.0)})
    net.add_poisson("ext", 40, rate=3000.0)
    net.connect("ext", "E", "one_to_one", weight=0.8, synapse="delta", delay=0.1)
    net.connect("E", "E", "fixed_probability", p=0.1, weight=0.5, synapse="delta", delay=1.5)
    report, _ = export_script(net, tmp_path / "replay_pynn.py", "pynn", wiring="realised", replay_inputs=True)
    assert "replayed exactly on NEST" in dict(report.notes)['inputs["ext"]']  # it spikes in the first step
    done = subprocess.run([python, str(tmp_path / "replay_pynn.py"), str(tmp_path / "spikes.npz")],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    ours = our_spike_trains(net)["E"]
    with np.load(tmp_path / "spikes.npz") as f:
        theirs = spike_pairs(f["E.steps"], f["E.ids"])
    assert len(ours) > 500
    assert theirs == ours


@pytest.mark.slow
def test_pynn_spike_times_act_on_spikestudio_steps_on_nest(tmp_path):
    """Spike-time inputs (and so a dataset's encoded spikes) are rounded to steps and stamped as NEST stamps a
    spike of that step: a LIF population driven through delta synapses fires on the same steps."""
    python = nest_python()
    if python is None:
        pytest.skip("no Python with NEST and PyNN (see test_pynn_realised_export_reproduces_cuba_on_nest)")
    rng = np.random.default_rng(1)
    times = rng.uniform(0.1, 300.0, 6000)  # off the grid: SpikeStudio rounds them to steps
    net = Network(dt=0.1, duration=300.0, seed=2)
    net.add_spike_times("st", 30, neurons=rng.integers(0, 30, times.size), times=times)
    net.add_population("E", 30, "lif", tau_m=20.0, E_L=0.0, V_th=20.0, V_reset=10.0, t_ref=2.0)
    net.connect("st", "E", "one_to_one", weight=4.0, synapse="delta", delay=0.3)
    export_script(net, tmp_path / "times_pynn.py", "pynn", strict=True)
    done = subprocess.run([python, str(tmp_path / "times_pynn.py"), str(tmp_path / "spikes.npz")],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    ours = our_spike_trains(net)["E"]
    with np.load(tmp_path / "spikes.npz") as f:
        theirs = spike_pairs(f["E.steps"], f["E.ids"])
    assert len(ours) > 200
    assert theirs == ours
