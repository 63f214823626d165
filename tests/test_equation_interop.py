"""Models defined only in test data export to Brian2 with their equations emitted from the trees, and the
exported script fires as SpikeStudio does: the same spike counts for deterministic drive, close rates under
Poisson drive through delta, current and conductance synapses."""

from pathlib import Path

import pytest
import spikestudio
from spikestudio.engine.interop import brian2_export
from spikestudio.engine.model.network import Network
from test_interop_scripts import NO_BRIAN2, brian2_python, rates, run_script

MODELS = Path(__file__).parent / "data" / "models"
NAMES = ["exponential_if", "morris_lecar", "fitzhugh_nagumo", "gated", "adaptive_exact"]


def network(driven: bool) -> Network:
    net = Network(dt=0.1, duration=1000.0, seed=4)
    for name in NAMES:
        net.add_model(name, (MODELS / f"{name}.model").read_text())
        net.add_population(name, 20 if driven else 2, name)
        net.record_spikes(name)
    if driven:
        net.add_poisson("drive", 200, rate=20.0)
        kinds = {"exponential_if": dict(synapse="delta", weight=1.0),
                 "morris_lecar": dict(synapse="current", tau=5.0, weight=20.0),
                 "fitzhugh_nagumo": dict(synapse="current", tau=2.0, weight=2.0, receptor="inhibitory"),
                 "gated": dict(synapse="conductance", tau=3.0, E_rev=0.0, weight=0.5),
                 "adaptive_exact": dict(synapse="current", tau=5.0, weight=30.0)}
        for name, kw in kinds.items():
            net.connect("drive", name, "fixed_indegree", k=20, **kw)
    return net


def test_the_exported_equations_are_the_descriptions():
    text, report = brian2_export(network(False))
    assert report.ok
    assert "dw/dt = ((0.08*((v + (0.7*(30.0*mV))) - (0.8*w)))/(1.0*ms)) : volt\n" in text  # FitzHugh-Nagumo
    assert "*(v - (-84.0*mV))))/(20.0*pF)) : volt\n" in text  # Morris-Lecar's potassium current over C
    assert "dv/dt = ((((-70.0*mV) - v)/(10.0*ms)) + ((((500.0*pA) + (0*pA)) - w)/(250.0*pF))) : volt\n" in text
    assert "threshold=\"(v >= (-55.0*mV))\"" in text and "w += (40.0*pA)" in text
    assert "method=\"rk4\"" in text and "method=\"exact\"" in text and "method=\"exponential_euler\"" in text


def test_units_inside_named_expressions_stay_brian2_units():
    """A unit in a ``let`` line is a Brian2 unit in the script, not its factor (``13*mV``, never ``13*1``)."""
    net = Network(dt=0.1, duration=100.0, seed=4)
    net.add_model("shifted", "state v = -60 mV\nlet x = (13*mV - v)/(4*mV)\ndv/dt = x*mV/ms - (v + 60*mV)/(10*ms)\n"
                             "threshold v > 0*mV\nreset v = -60*mV\n")
    net.add_population("S", 1, "shifted")
    text, report = brian2_export(net)
    assert report.ok
    assert "((((13*mV) - v)/(4*mV))*mV)/ms" in text and "*1)" not in text


def _run(net, tmp_path):
    python = brian2_python()
    if python is None:
        pytest.skip(NO_BRIAN2)
    done = run_script(python, brian2_export(net)[0], tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return rates(done.stdout), {row["id"]: row["rate_hz"] for row in spikestudio.Simulator(net).run(1.0).summary()}


@pytest.mark.slow
def test_brian2_fires_as_spikestudio_under_constant_drive(tmp_path):
    theirs, ours = _run(network(False), tmp_path)
    assert theirs == {name: pytest.approx(ours[name], abs=1.0) for name in NAMES}  # at most one spike apart


@pytest.mark.slow
def test_brian2_rates_agree_under_poisson_drive_through_every_synapse_kind(tmp_path):
    theirs, ours = _run(network(True), tmp_path)
    for name in NAMES:
        assert theirs[name] == pytest.approx(ours[name], rel=0.15, abs=1.0), name


def test_pynn_and_nir_name_a_described_model_they_cannot_map():
    from spikestudio.engine.interop import pynn_export, pynn_script
    from spikestudio.engine.interop.nir_export import nir_export

    net = network(True)
    net.add_population("L", 5, "lif")
    net.connect("drive", "L", "fixed_indegree", k=5, weight=20.0)
    text, report = pynn_export(net, simulator="nest")
    compile(text, "pynn_custom.py", "exec")
    found = dict(report.problems)
    assert "model 'gated': no PyNN standard cell has dv/dt = " in found['populations["gated"]']
    assert "P_L = sim.Population(5" in text and "P_gated" not in text
    with pytest.raises(ValueError, match="no PyNN standard cell has"):
        pynn_script(net, simulator="nest", strict=True)
    _, nir_report = nir_export(net)
    assert "model 'fitzhugh_nagumo': no NIR standard cell has dv/dt = " in str(nir_report)
