"""The projection inspector offers the target model's named receptors; picking one is undoable and shows the
model's kinetics read-only (issue 17)."""

import os

import pytest
import spikestudio
from gui_helpers import field
from PySide6.QtWidgets import QApplication, QLabel
from test_named_receptors import receptor_network

pytestmark = pytest.mark.timeout(60)


def test_the_receptor_chooser_lists_the_models_receptors_and_an_edit_is_undoable(window, tmp_path):
    path = tmp_path / "receptors.snn"
    spikestudio.save(receptor_network(True), path)
    w = window(path)
    w.scene.select_ids(["e"])
    assert w.inspector.item_id == "e"
    chooser = field(w, "synapse.receptor")
    assert [chooser.itemData(i) for i in range(chooser.count())] == ["AMPA", "NMDA", "GABA_A"]
    assert field(w, "synapse.tau") is None and field(w, "synapse.kind") is None  # the model's, shown read-only
    assert w.scene.edges["e"].head_circle is None and w.scene.edges["i"].head_circle is not None  # GABA_A inhibits
    if os.environ.get("SPIKESTUDIO_SHOTS"):
        QApplication.processEvents()  # the form shows its fields on the next turn of the event loop
        w.inspector_dock.grab().save(os.path.join(os.environ["SPIKESTUDIO_SHOTS"], "named-receptor.png"))
    chooser.setCurrentIndex(chooser.findData("NMDA"))
    chooser.activated.emit(chooser.currentIndex())
    syn = w.doc.network.projections["e"].synapse
    assert (syn.receptor, syn.kind, syn.tau, syn.E_rev) == ("NMDA", "conductance", 100.0, 0.0)
    assert w.isWindowModified()
    w.actions["undo"].trigger()
    assert w.doc.network.projections["e"].synapse.receptor == "AMPA" and not w.isWindowModified()
    assert field(w, "synapse.receptor").currentData() == "AMPA"
    w.actions["redo"].trigger()
    assert w.doc.network.projections["e"].synapse.receptor == "NMDA"


def test_a_projection_drawn_onto_a_model_with_named_receptors_takes_one_of_them(window, tmp_path):
    """The usual synapse (``excitatory`` current) is not one the target takes: the first receptor of the same
    effect is, with its kinetics; a source already inhibitory keeps its effect (Dale's law)."""
    net = receptor_network(True)
    net.add_population("M", 5, "cond")
    path = tmp_path / "receptors.snn"
    spikestudio.save(net, path)
    w = window(path)
    assert w.scene.connect_nodes("N", "M")
    made = w.doc.network.projections["N->M"].synapse
    assert (made.receptor, made.kind, made.tau, made.E_rev) == ("AMPA", "conductance", 2.0, 0.0)
    assert w.scene.connect_nodes("inh", "M")
    assert w.doc.network.projections["inh->M"].synapse.receptor == "GABA_A"
    assert w.doc.network.validate() == []


def test_the_population_inspector_shows_the_models_receptors(window, tmp_path):
    path = tmp_path / "receptors.snn"
    spikestudio.save(receptor_network(True), path)
    w = window(path)
    w.scene.select_ids(["N"])
    QApplication.processEvents()
    html = w.inspector.findChild(QLabel, "equations").text()
    assert "receptor" in html and "GABA" in html and "−80" in html.replace("-", "−") and "\\" not in html
    if os.environ.get("SPIKESTUDIO_SHOTS"):
        w.inspector.findChild(QLabel, "equations").grab().save(
            os.path.join(os.environ["SPIKESTUDIO_SHOTS"], "receptor-model.png"))


def test_a_graded_synapse_onto_a_model_with_named_receptors_keeps_its_own_rows(window, tmp_path):
    net = receptor_network(True)
    net.add_population("M", 40, "cond")
    net.connect("M", "N", "one_to_one", synapse="graded", weight=0.5, id="graded")
    path = tmp_path / "graded.snn"
    spikestudio.save(net, path)
    w = window(path)
    w.scene.select_ids(["graded"])
    chooser = field(w, "synapse.receptor")
    assert [chooser.itemData(i) for i in range(chooser.count())] == [
        "excitatory", "inhibitory", "AMPA", "NMDA", "GABA_A"]
    assert field(w, "synapse.kind").currentData() == "graded"
    assert field(w, "synapse.V_half") is not None and field(w, "synapse.E_rev") is not None
    chooser.setCurrentIndex(chooser.findData("AMPA"))
    chooser.activated.emit(chooser.currentIndex())
    syn = w.doc.network.projections["graded"].synapse
    assert (syn.receptor, syn.kind) == ("AMPA", "graded")  # the receptor's kind does not replace graded
    assert not w.doc.network.validate()
