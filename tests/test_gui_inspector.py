"""The inspector edits through undo commands and refuses invalid values at the field, with a message."""

import pytest
from gui_helpers import click_node, dumps, field
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from spikestudio.gui.base import style

pytestmark = pytest.mark.timeout(60)


def type_into(widget, text: str) -> None:
    """Select what the field shows, type ``text`` and press Enter, as a person edits a value."""
    QApplication.processEvents()  # a freshly built form shows its fields on the next turn of the event loop
    editor = widget.lineEdit() if hasattr(widget, "lineEdit") else widget
    editor.setFocus()
    editor.selectAll()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key_Return)


def test_every_parameter_shows_unit_range_and_description(window):
    w = window("cuba")
    click_node(w, "E")
    tau = field(w, "params.tau_m")
    assert tau.suffix() == " ms" and tau.value() == 20.0
    assert "Membrane time constant" in tau.toolTip() and "(0, inf) ms" in tau.toolTip()
    from spikestudio.engine.model.catalog import NEURON_MODELS

    for name in NEURON_MODELS["lif"].params:
        assert field(w, f"params.{name}") is not None, name


def test_editing_a_parameter_is_undoable(window):
    w = window("cuba")
    click_node(w, "E")
    type_into(field(w, "params.tau_m"), "15")
    assert w.doc.network.populations["E"].params["tau_m"] == 15.0 and w.isWindowModified()
    assert w.stack.undoText() == "Set tau_m of E"
    w.actions["undo"].trigger()
    assert w.doc.network.populations["E"].params["tau_m"] == 20.0
    assert field(w, "params.tau_m").value() == 20.0 and not w.isWindowModified()
    w.actions["redo"].trigger()
    assert field(w, "params.tau_m").value() == 15.0


def test_a_value_out_of_range_is_refused_at_the_field(window):
    w = window("cuba")
    click_node(w, "E")
    before, count = dumps(w), w.stack.count()
    type_into(field(w, "params.tau_m"), "-3")
    assert dumps(w) == before and w.stack.count() == count
    assert field(w, "params.tau_m").value() == 20.0
    assert w.inspector.error.isVisibleTo(w.inspector)
    assert "outside the valid range (0, inf) ms" in w.inspector.error.text()
    assert "Not applied" in w.statusBar().currentMessage()
    type_into(field(w, "params.tau_m"), "12")  # a good value clears the message
    assert not w.inspector.error.isVisibleTo(w.inspector)


def test_a_value_the_engine_refuses_is_named(window):
    w = window("cuba")
    click_node(w, "E")
    before = dumps(w)
    type_into(field(w, "params.V_reset"), "-40")  # above V_th = -50 mV
    assert dumps(w) == before and "must lie below the threshold" in w.inspector.error.text()
    click_node(w, "I")
    type_into(field(w, "size"), "0")
    assert "outside the valid range [1, 1e+08]" in w.inspector.error.text()


def test_rename_model_change_and_izhikevich_presets(window):
    w = window("cuba")
    click_node(w, "E")
    type_into(field(w, "name"), "Excitatory")
    assert w.doc.network.populations["E"].name == "Excitatory" and w.scene.nodes["E"].title == "Excitatory"
    type_into(field(w, "name"), "I")  # names are unique
    assert w.doc.network.populations["E"].name == "Excitatory" and "duplicate name" in w.inspector.error.text()
    model = field(w, "model")
    model.setCurrentIndex(model.findData("izhikevich"))
    model.activated.emit(model.currentIndex())
    pop = w.doc.network.populations["E"]
    assert pop.model == "izhikevich" and pop.params["a"] == 0.02 and field(w, "params.a") is not None
    field(w, "preset").buttons["CH"].click()
    assert (pop := w.doc.network.populations["E"]).params["c"] == -50.0 and pop.params["d"] == 2.0
    assert field(w, "params.c").value() == -50.0
    w.actions["undo"].trigger()
    assert w.doc.network.populations["E"].params["c"] == -65.0
    w.actions["undo"].trigger()
    assert w.doc.network.populations["E"].model == "lif"


def test_projection_rule_receptor_and_weight_distribution(window):
    w = window("cuba")
    w.scene.select_ids(["E->I"])
    assert w.inspector.item_id == "E->I"
    type_into(field(w, "rule_params.p"), "0.05")
    assert w.doc.network.projections["E->I"].rule_params["p"] == 0.05
    type_into(field(w, "rule_params.p"), "1.5")
    assert "outside the valid range [0, 1]" in w.inspector.error.text()
    kind = field(w, "weight.kind")
    kind.setCurrentIndex(kind.findData("normal"))
    kind.activated.emit(kind.currentIndex())
    weight = w.doc.network.projections["E->I"].weight
    assert (weight.kind, weight.mean) == ("normal", 20.25) and field(w, "weight.std") is not None
    receptor = field(w, "synapse.receptor")
    receptor.setCurrentIndex(receptor.findData("inhibitory"))
    receptor.activated.emit(receptor.currentIndex())
    assert w.doc.network.projections["E->I"].synapse.receptor == "inhibitory"
    assert w.scene.edges["E->I"].head_circle is not None  # the canvas redraws from the document


def test_network_settings_when_nothing_is_selected(window):
    w = window("cuba")
    w.scene.clearSelection()
    assert w.inspector.title.text() == "Network settings"
    type_into(field(w, "dt"), "0.05")
    assert w.doc.network.dt == 0.05
    type_into(field(w, "dt"), "0")
    assert w.doc.network.dt == 0.05 and "outside the valid range" in w.inspector.error.text()
    type_into(field(w, "seed"), "12345678901")
    assert w.doc.network.seed == 12345678901
    type_into(field(w, "title"), "My CUBA")
    assert w.doc.network.metadata.title == "My CUBA"
    w.actions["undo"].trigger()
    assert w.doc.network.metadata.title.startswith("CUBA") and field(w, "title").text().startswith("CUBA")


def test_the_threads_setting_is_edited_in_the_network_settings(window):
    """Issue 18: a ``threads`` setting in the network settings (0: every core), range-checked and undoable; the
    editor's runs take the network's setting (``Preparation`` builds its Simulator from the network)."""
    w = window("cuba")
    w.scene.clearSelection()
    threads = field(w, "threads")
    assert threads.value() == 0 and "0: every core" in threads.toolTip()
    type_into(threads, "1")
    assert w.doc.network.threads == 1 and w.stack.undoText() == "Set threads"
    type_into(field(w, "threads"), "-1")
    assert w.doc.network.threads == 1 and "outside the valid range" in w.inspector.error.text()
    w.actions["undo"].trigger()
    assert w.doc.network.threads == 0 and field(w, "threads").value() == 0


def test_recorder_and_spike_time_text_fields(window):
    w = window("cuba")
    w.scene.select_ids(["v:E"])
    type_into(field(w, "neurons"), "0, 5, 7")
    assert w.doc.network.recorders["v:E"].neurons == [0, 5, 7]
    type_into(field(w, "neurons"), "1, x")
    assert "not a list of neuron indices" in w.inspector.error.text()
    type_into(field(w, "neurons"), "99999")
    assert "99999" in w.inspector.error.text() and w.doc.network.recorders["v:E"].neurons == [0, 5, 7]
    w.edits.add_template("in:spikes")
    type_into(field(w, "spikes"), "0@5, 0@12.5")
    assert w.doc.network.inputs["spike_times"].times.tolist() == [5.0, 12.5]


def test_initial_state_distribution_and_node_colour(window):
    w = window("cuba")
    click_node(w, "E")
    assert field(w, "initial.v.kind").currentData() == "uniform"
    type_into(field(w, "initial.v.low"), "-65")
    assert w.doc.network.populations["E"].initial["v"].low == -65.0
    type_into(field(w, "initial.v.low"), "-45")  # above high = -50
    assert "initial" in w.inspector.error.text() and w.doc.network.populations["E"].initial["v"].low == -65.0
    field(w, "color").committed.emit("#00aa00")  # what the colour dialog hands back
    assert w.doc.layout_of("E").color == "#00aa00" and w.scene.nodes["E"].color.name() == "#00aa00"
    w.actions["undo"].trigger()
    assert w.doc.layout_of("E").color == "#d62728" and field(w, "color").text() == "#d62728"


def test_picking_the_current_entry_again_changes_nothing(window):
    w = window("cuba")
    click_node(w, "E")
    before, count = dumps(w), w.stack.count()
    model = field(w, "model")
    model.activated.emit(model.currentIndex())  # "LIF" chosen again
    assert dumps(w) == before and w.stack.count() == count and not w.isWindowModified()


def test_a_typed_value_not_yet_entered_is_saved_not_lost(window, tmp_path, monkeypatch):
    from spikestudio.engine.files import fileformat
    from spikestudio.gui.base import dialogs

    w = window("cuba")
    click_node(w, "E")
    QApplication.processEvents()
    editor = field(w, "size").lineEdit()
    editor.setFocus()
    assert editor.hasFocus()
    editor.selectAll()
    QTest.keyClicks(editor, "1234")  # no Enter
    path = tmp_path / "typed.snn"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": str(path))
    w.actions["save"].trigger()
    assert fileformat.load(path).populations["E"].size == 1234 and not w.isWindowModified()


def test_an_untitled_network_shows_its_title_as_it_changes(window):
    w = window()
    w.files.new()
    type_into(field(w, "title"), "Alpha")
    assert w.windowTitle().startswith("Alpha")
    type_into(field(w, "title"), "Beta")
    assert w.windowTitle().startswith("Beta")


def test_the_synapse_chooser_offers_graded_synapses_and_gap_junctions_undoably(window):
    """The kinds come from the catalogue; a graded synapse shows E_rev, V_half and V_slope and no tau, a gap
    junction none of them; each choice is one undo step."""
    w = window("tap_withdrawal")
    w.scene.select_ids(["AVD->AVA"])
    kind = field(w, "synapse.kind")
    assert [kind.itemData(i) for i in range(kind.count())] == ["delta", "current", "conductance", "graded", "gap"]
    assert kind.currentData() == "graded"
    assert field(w, "synapse.V_half").value() == -40.0 and field(w, "synapse.V_slope").suffix() == " mV"
    assert field(w, "synapse.E_rev").value() == 0.0 and field(w, "synapse.tau") is None
    kind.setCurrentIndex(kind.findData("gap"))
    kind.activated.emit(kind.currentIndex())
    assert w.doc.network.projections["AVD->AVA"].synapse.kind == "gap"
    QApplication.processEvents()
    assert field(w, "synapse.V_half") is None and field(w, "synapse.E_rev") is None
    edge = w.scene.edges["AVD->AVA"]  # drawn as an electrical synapse: its own colour, a bar, no sign
    assert edge.color == style.GAP_JUNCTION and edge.head_circle is None and not edge.head.isEmpty()
    assert "gap junctions" in edge.toolTip() and "excitatory" not in edge.toolTip()
    w.actions["undo"].trigger()
    assert w.doc.network.projections["AVD->AVA"].synapse.kind == "graded"
    assert w.scene.edges["AVD->AVA"].color == style.EXCITATORY
