"""Plugins contribute neuron models as descriptions (entry-point group ``spikestudio.neuron_models``): found through
real entry points, parsed as data, broken ones reported and skipped; a network using one runs with the real engine
and fires as the model says; its file opens and runs where the plugin is not installed."""

from pathlib import Path

import numpy as np
import pytest
import spikestudio
from model_plugin_helpers import QIF_PARAMS, forget_modules, install_models, qif_rate, qif_rheobase
from spikestudio.engine.analysis.spike_stats import fi_curve
from spikestudio.engine.equations.data import to_data
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network
from spikestudio.plugins.neuron_models import add_plugin_models, neuron_models
from spikestudio.plugins.registry import GROUPS, default_registry

pytestmark = pytest.mark.timeout(300)
EIF = Path(__file__).parent / "data" / "models" / "exponential_if.model"


@pytest.fixture
def site(tmp_path, monkeypatch):
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    yield root
    forget_modules()


def test_the_group_is_registered_and_good_models_load_with_their_info(site):
    install_models(site, EIF)
    assert GROUPS["neuron_models"] == "spikestudio.neuron_models"
    registry = default_registry()
    models = neuron_models(registry)
    assert set(models) == {"qif", "eif"}  # the broken ones are left out
    qif = models["qif"]
    assert (qif.name, qif.version) == ("Quadratic integrate-and-fire (plugin)", "1.2")
    assert qif.source == "qif-models (qif_models:QIF)" and qif.desc.state_names() == ["v"]
    assert {p.name: p.default for p in qif.desc.params}["V_c"] == -50.0
    eif = models["eif"]  # bare text: name and description from its own title
    assert eif.name == "Exponential integrate-and-fire" and eif.version == ""


def test_broken_models_are_recorded_with_their_problem_and_skipped(site):
    install_models(site, EIF)
    registry = default_registry()
    neuron_models(registry)
    error = {pid: registry.records[("neuron_models", pid)].error
             for pid in ("typo", "lif", "number", "crash", "quits")}
    assert error["typo"].startswith("model 'typo': its equations do not read: line 4, column ")
    assert "E_L" in error["typo"]
    assert "'lif' is a built-in model" in error["lif"]
    assert error["number"] == ("model 'number': it is a int, not a model (its text, or an object with info "
                               "and text)")
    assert error["crash"] == "RuntimeError: no licence server"
    assert error["quits"] == ("model 'quits': not a model (a text, or an object with info and text): SystemExit: 3")
    assert all(e in registry.errors for e in (error["typo"], error["lif"], error["number"]))
    assert set(neuron_models(registry)) == {"qif", "eif"}  # asked again: the same, nothing raised


def test_a_network_of_the_plugin_model_fires_as_the_quadratic_model_says(site):
    """The rate rises with the current, is zero below the analytic rheobase and on the analytic F-I curve above."""
    install_models(site, EIF, broken=False)
    net = Network(dt=0.1, duration=1000.0)
    net.add_population("cell", 1, "qif")
    assert add_plugin_models(net, default_registry()) == ["qif"] and "qif" in net.models
    rheobase = qif_rheobase()
    assert rheobase == pytest.approx(125.0)
    currents = np.array([0.0, 0.95 * rheobase, 1.05 * rheobase, 200.0, 300.0, 600.0])
    curve = fi_curve(net, currents, 1000.0, population="cell")
    assert curve.rate_hz[0] == 0 and curve.rate_hz[1] == 0 and curve.rate_hz[2] > 0
    assert np.all(np.diff(curve.rate_hz[1:]) > 0)
    np.testing.assert_allclose(curve.steady_hz[3:], [qif_rate(i) for i in currents[3:]], rtol=0.02)
    assert curve.steady_hz[4] == pytest.approx(26.4, abs=0.3)


def test_the_scripting_simulator_asks_the_registry_and_the_file_opens_without_the_plugin(site, tmp_path,
                                                                                           monkeypatch):
    install_models(site, EIF, broken=False)
    net = Network(dt=0.1, duration=500.0)
    net.add_population("q", 1, "qif", **{**QIF_PARAMS, "I_e": 300.0})
    net.record_spikes("q")
    results = spikestudio.Simulator(net).run(0.5)  # the api fills the description in from the registry
    fired = results.spikes("q")[0]
    assert fired.size == pytest.approx(0.5 * qif_rate(300.0), abs=1)
    path = tmp_path / "qif.json"
    spikestudio.save(net, path)
    monkeypatch.syspath_prepend(str(tmp_path))  # (keeps sys.path a list monkeypatch restores)
    import sys

    sys.path.remove(str(site))
    forget_modules()
    assert "qif" not in neuron_models(default_registry())  # not installed any more ...
    again = fileformat.load(path)  # ... and the file carries the equations
    assert to_data(again.models["qif"]) == to_data(net.models["qif"])
    assert np.array_equal(spikestudio.Simulator(again).run(0.5).spikes("q")[0], fired)
