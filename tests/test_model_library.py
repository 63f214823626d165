"""The engine side of the model editor: built-ins as text, the user's model library, saving a description into a
document (and undoing it), what a running simulation makes of it, and the preview of a model as typed."""

from pathlib import Path

import numpy as np
import pytest
from spikestudio.engine.analysis.model_preview import PreviewSpec, model_preview
from spikestudio.engine.editing.document import ModelChange, NetworkDocument
from spikestudio.engine.editing.model_edits import fitted, library_model_id, save_change, unused_model_id
from spikestudio.engine.editing.templates import CURRENT_AMPLITUDES, INPUT_WEIGHTS
from spikestudio.engine.equations.description import ModelError
from spikestudio.engine.equations.text import parse_model
from spikestudio.engine.files.model_library import list_library, save_to_library
from spikestudio.engine.model.builtin_text import builtin_model_text
from spikestudio.engine.model.catalog import NEURON_MODELS
from spikestudio.engine.model.network import Network
from spikestudio.engine.model.params import ValidationError
from spikestudio.engine.simulation.live_diff import live_changes
from spikestudio.engine.simulation.simulator import Simulator

MODELS = Path(__file__).parent / "data" / "models"
QIF = (MODELS / "qif.model").read_text()


@pytest.mark.parametrize("model_id", list(NEURON_MODELS))
def test_every_built_in_has_a_text_that_parses_with_its_parameters(model_id):
    desc = parse_model(builtin_model_text(model_id))
    assert desc.param_names() == list(NEURON_MODELS[model_id].params)
    assert desc.state_names() == list(NEURON_MODELS[model_id].state)
    assert {p.name: p.default for p in desc.params} == {k: s.default for k, s in NEURON_MODELS[model_id].params.items()}


@pytest.mark.parametrize("model_id", list(NEURON_MODELS))
def test_a_copy_of_a_built_in_fires_the_same_spikes(model_id):
    """Every built-in: "Duplicate as custom model" starts from a model that fires as the built-in does (Hodgkin-Huxley's
    text sub-steps as its kernel, and the adaptive LIF's states its exponential leak step)."""
    def spikes(model, models):
        net = Network(dt=0.1, duration=300.0, seed=3)
        net.models.update(models)
        net.add_population("P", 20, model)
        net.add_poisson("drive", 50, 40.0)
        net.connect("drive", "P", p=0.3, weight=INPUT_WEIGHTS[model_id])
        net.add_current("dc", "P", "dc", amplitude=CURRENT_AMPLITUDES[model_id] * 0.8)
        net.record_spikes("P")
        return Simulator(net).run(0.3).spikes("P")

    copy = {"copy": parse_model(builtin_model_text(model_id))}
    ids, times = spikes(model_id, {})
    ids2, times2 = spikes("copy", copy)
    assert times.size > 20 and np.array_equal(ids, ids2) and np.array_equal(times, times2)


def test_the_library_saves_lists_and_reports_a_broken_file(tmp_path):
    save_to_library(tmp_path, "qif", QIF)
    (tmp_path / "broken.model").write_text("state v = -65 mV\ndv/dt = (E_L - v)/tau\n")
    (tmp_path / "lif.model").write_text(QIF)  # a built-in's id
    (tmp_path / "binary.model").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "notes.txt").write_text("not a model")
    entries = {e.model_id: e for e in list_library(tmp_path)}
    assert sorted(entries) == ["binary", "broken", "lif", "qif"]
    assert entries["qif"].ok and entries["qif"].title == "Quadratic integrate-and-fire"
    assert not entries["broken"].ok and "line 2, column 10: unknown name 'E_L'" in entries["broken"].problems[0]
    assert not entries["lif"].ok and "built-in" in entries["lif"].problems[0]
    assert not entries["binary"].ok and "cannot be read" in entries["binary"].problems[0]
    with pytest.raises(ModelError):
        save_to_library(tmp_path, "bad", "state v = 1 mV\nthreshold v >")
    with pytest.raises(ValueError, match="letter"):
        save_to_library(tmp_path, "2bad", QIF)
    assert not (tmp_path / "bad.model").exists() and list_library(tmp_path / "missing") == []


def test_saving_a_model_into_a_document_and_undoing_it():
    doc = NetworkDocument(Network())
    doc.network.add_population("L", 5, "lif", E_L=-65.0)
    heard = []
    doc.models_changed.connect(heard.append)
    desc = parse_model(builtin_model_text("lif"))
    undo = doc.set_model(save_change(doc.network, "my_lif", desc, switch=("L",)))
    pop = doc.network.populations["L"]
    assert pop.model == "my_lif" and pop.params["E_L"] == -65.0 and heard == ["my_lif"]
    doc.set_model(undo)
    assert "my_lif" not in doc.network.models and doc.network.populations["L"].model == "lif"
    # a description the populations using it cannot take is refused, and nothing changes
    doc.set_model(save_change(doc.network, "my_lif", desc, switch=("L",)))
    with pytest.raises(ValidationError):
        doc.set_model(ModelChange("my_lif", None))
    assert doc.network.populations["L"].model == "my_lif"


def test_a_changed_description_keeps_shared_parameters_and_asks_for_a_rebuild():
    net = Network()
    net.add_model("qif", QIF)
    net.add_population("Q", 3, "qif", V_c=-52.0)
    running = Network(models=dict(net.models))
    running.add_population("Q", 3, "qif", V_c=-52.0)
    changed = parse_model(QIF.replace("param V_reset = -70 mV", "param V_reset = -70 mV\nparam b = 2 mV"))
    pop = fitted(net.populations["Q"], "qif", changed)
    assert pop.params["V_c"] == -52.0 and pop.params["b"] == 2.0
    net.models["qif"] = changed
    assert any("equations of model 'qif'" in r for r in live_changes(running, net)[1])


def test_a_library_model_takes_its_own_id_or_a_fresh_one():
    net = Network()
    desc = parse_model(QIF)
    assert library_model_id(net, "qif", desc) == ("qif", True)
    net.add_model("qif", desc)
    assert library_model_id(net, "qif", parse_model(QIF)) == ("qif", False)
    other = parse_model(QIF.replace("-70 mV", "-72 mV"))
    assert library_model_id(net, "qif", other) == ("qif_2", True)
    assert unused_model_id(net, "lif") == "lif_2" and unused_model_id(net, "9 x") == "m_9_x"


def test_the_preview_of_a_quadratic_neuron_spikes_and_its_rate_rises_with_current():
    preview = model_preview(parse_model(QIF), PreviewSpec(amplitude=300.0, points=6))
    assert preview.variable == "v" and preview.unit == "mV"
    assert preview.spikes.size >= 3 and np.all((preview.spikes > 50.0) & (preview.spikes < 260.0))
    assert preview.values[0] == pytest.approx(-65.0) and preview.values.max() > 0.0
    rates = preview.fi.rate_hz
    assert rates[0] == 0.0 and rates[-1] > 20.0 and np.all(np.diff(rates) >= 0)
