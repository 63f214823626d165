"""The node editor driven like a person would: palette, canvas drags, connections, selection, clipboard,
zoom, undo/redo. Real window, real widgets, offscreen."""

import pytest
from gui_helpers import answer_dialogs, click_node, double_click, drag, dumps, node_point, view_point
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.timeout(60)  # a dialog nobody answers must fail the test, not hang the suite


def keys(window, sequence: str) -> None:
    seq = QKeySequence(sequence)
    combo = seq[0]
    QTest.keyClick(window.view, combo.key(), combo.keyboardModifiers())


def test_opens_on_the_default_example(window):
    w = window()
    assert set(w.doc.network.populations) == {"neuron"} and "neuron" in w.scene.nodes
    assert w.windowTitle().startswith("single_neuron (example)") and not w.isWindowModified()


def test_double_click_in_palette_adds_a_node_and_undo_redo(window):
    w = window()
    entry = w.palette.item_for("pop:izhikevich")
    rect = w.palette.visualItemRect(entry)
    double_click(w.palette.viewport(), rect.center())
    assert list(w.doc.network.populations) == ["neuron", "Izh"]
    assert w.doc.network.populations["Izh"].model == "izhikevich" and "Izh" in w.scene.nodes
    assert w.isWindowModified() and w.inspector.item_id == "Izh"
    w.actions["undo"].trigger()
    assert "Izh" not in w.doc.network.populations and "Izh" not in w.scene.nodes and not w.isWindowModified()
    w.actions["redo"].trigger()
    assert "Izh" in w.scene.nodes and w.isWindowModified()


def test_dropping_a_palette_entry_on_the_canvas_adds_it_where_it_was_dropped(window):
    w = window()
    mime = w.palette.mime_for("in:poisson")
    target = view_point(w, QPointF(-300, 200))
    viewport = w.view.viewport()
    enter = QDragEnterEvent(target, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(viewport, QDropEvent(QPointF(target), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    lay = w.doc.layout_of("poisson")
    assert w.doc.network.inputs["poisson"].size == 100
    assert abs(lay.x + 300) < 2 and abs(lay.y - 200) < 2


def test_a_recorder_from_the_palette_attaches_to_the_selected_population(window):
    w = window("cuba")
    click_node(w, "I")
    w.edits.add_template("rec:state")
    rec = w.doc.network.recorders["v:I"]
    assert (rec.kind, rec.target) == ("state", "I")
    assert "link:v:I" in w.scene.edges


def test_drag_from_an_output_port_connects_and_undo_removes_it(window):
    w = window()
    w.edits.add_template("pop:lif", QPointF(350, 0))
    port = w.scene.nodes["neuron"].output_port()
    drag(w, node_point(w, "neuron", port.x(), port.y()), node_point(w, "LIF"))
    assert list(w.doc.network.projections) == ["neuron->LIF"]
    assert "neuron->LIF" in w.scene.edges and "Connect" in w.statusBar().currentMessage()
    w.actions["undo"].trigger()
    assert not w.doc.network.projections and "neuron->LIF" not in w.scene.edges


def test_an_invalid_connection_is_refused_with_a_status_message(window):
    w = window("brunel")
    before = dumps(w)
    port = w.scene.nodes["E"].output_port()
    drag(w, node_point(w, "E", port.x(), port.y()), node_point(w, "ext_E"))
    assert dumps(w) == before
    assert "no incoming connections" in w.statusBar().currentMessage()


def test_dragging_a_current_input_to_another_population_retargets_it(window):
    w = window()
    w.edits.add_template("pop:lif", QPointF(350, 200))
    port = w.scene.nodes["dc"].output_port()
    drag(w, node_point(w, "dc", port.x(), port.y()), node_point(w, "LIF"))
    assert w.doc.network.inputs["dc"].target == "LIF"
    assert w.scene.edges["link:dc"].target is w.scene.nodes["LIF"]
    w.actions["undo"].trigger()
    assert w.doc.network.inputs["dc"].target == "neuron"


def test_moving_several_nodes_is_one_undo_step(window):
    w = window("cuba")
    click_node(w, "E")
    click_node(w, "I", Qt.ControlModifier)
    assert set(w.scene.selected_ids()) == {"E", "I"}
    count = w.stack.count()
    drag(w, node_point(w, "E"), node_point(w, "E") + QPoint(0, 80))
    assert w.stack.count() == count + 1
    e, i = w.doc.layout_of("E"), w.doc.layout_of("I")
    assert e.y == pytest.approx(80, abs=2) and i.y == pytest.approx(80, abs=2)
    w.actions["undo"].trigger()
    assert (w.doc.layout_of("E").y, w.doc.layout_of("I").y) == (0.0, 0.0)
    assert w.scene.nodes["I"].pos().y() == 0.0


def test_rubber_band_selects_the_nodes_it_touches(window):
    w = window("cuba")
    start = view_point(w, QPointF(-150, -60))
    end = view_point(w, QPointF(560, 60))
    drag(w, start, end)
    assert {"E", "I"} <= set(w.scene.selected_ids())
    assert not any(i.startswith(("spikes", "rate", "v:")) for i in w.scene.selected_ids())


def test_delete_removes_edges_too_and_undo_restores_the_exact_network(window):
    w = window("cuba")
    before = dumps(w)
    click_node(w, "I")
    QTest.keyClick(w.view, Qt.Key_Delete)
    assert set(w.doc.network.populations) == {"E"} and set(w.doc.network.projections) == {"E->E"}
    assert set(w.scene.edges) == {"E->E", "link:spikes:E", "link:rate:E", "link:v:E"}
    w.actions["undo"].trigger()
    assert dumps(w) == before and len(w.scene.edges) == 9


def test_copy_paste_and_duplicate_also_between_windows(window):
    w = window("cuba")
    click_node(w, "E")
    click_node(w, "I", Qt.ControlModifier)
    w.actions["copy"].trigger()
    w.actions["paste"].trigger()
    net = w.doc.network
    assert {"E_2", "I_2"} <= set(net.populations)
    assert {"E->E_2", "I->E_2", "E->I_2", "I->I_2"} <= set(net.projections)
    assert net.projections["I->E_2"].source == "I_2" and set(w.scene.selected_ids()) >= {"E_2", "I_2"}
    assert w.doc.layout_of("E_2").x == w.doc.layout_of("E").x + 40
    w.actions["duplicate"].trigger()
    assert {"E_3", "I_3"} <= set(net.populations)
    other = window("single_neuron")
    other.actions["paste"].trigger()
    assert {"E", "I", "neuron"} <= set(other.doc.network.populations)
    assert other.doc.network.projections["I->E"].synapse.receptor == "inhibitory"
    assert other.doc.network.validate() == []


def test_paste_of_foreign_text_is_refused(window):
    w = window()
    QApplication.clipboard().setText('{"format": "something else"}')
    before = dumps(w)
    assert not w.edits.paste()
    assert dumps(w) == before and "no SpikeStudio network" in w.statusBar().currentMessage()


def test_zoom_keys_wheel_and_fit(window):
    w = window("brunel")
    start = w.view.zoom()
    w.actions["zoom_in"].trigger()
    assert w.view.zoom() == pytest.approx(start * 1.2)
    w.actions["zoom_out"].trigger()
    w.actions["zoom_out"].trigger()
    assert w.view.zoom() == pytest.approx(start / 1.2)
    w.actions["fit"].trigger()
    visible = w.view.mapToScene(w.view.viewport().rect()).boundingRect()
    for node in w.scene.nodes.values():
        assert visible.contains(node.sceneBoundingRect())
    before = w.view.zoom()
    from PySide6.QtGui import QWheelEvent

    centre = QPointF(w.view.viewport().rect().center())
    wheel = QWheelEvent(centre, w.view.mapToGlobal(centre), QPoint(), QPoint(0, 120), Qt.NoButton, Qt.NoModifier,
                        Qt.NoScrollPhase, False)
    QApplication.sendEvent(w.view.viewport(), wheel)
    assert w.view.zoom() == pytest.approx(before * 1.2)


def test_align_to_grid_is_one_step(window):
    w = window("cuba")
    w.doc.move_nodes({"E": (13.0, 7.0), "I": (447.0, -9.0)})
    w.actions["select_all"].trigger()
    w.actions["align"].trigger()
    assert (w.doc.layout_of("E").x, w.doc.layout_of("E").y) == (20.0, 0.0)
    assert (w.doc.layout_of("I").x, w.doc.layout_of("I").y) == (440.0, -0.0)
    w.actions["undo"].trigger()
    assert (w.doc.layout_of("E").x, w.doc.layout_of("I").y) == (13.0, -9.0)


def test_edges_show_direction_sign_and_never_overlap(window):
    w = window("cuba")
    exc, inh = w.scene.edges["E->I"], w.scene.edges["I->E"]
    assert exc.color != inh.color and not exc.head.isEmpty() and inh.head_circle is not None
    mid_a, mid_b = exc.path().pointAtPercent(0.5), inh.path().pointAtPercent(0.5)
    assert abs(mid_a.y() - mid_b.y()) > 30  # opposite projections bulge apart
    loop = w.scene.edges["E->E"].path().boundingRect()
    node = w.scene.nodes["E"].sceneBoundingRect()
    assert loop.top() < node.top() - 30 and loop.height() > 30  # a visible loop above the node


def test_double_click_opens_the_inspector_on_the_item(window):
    w = window("cuba")
    double_click(w.view.viewport(), node_point(w, "I"))
    assert w.inspector.item_id == "I" and w.inspector.title.text() == "I"


def test_closing_with_unsaved_changes_asks_and_cancel_keeps_the_window(window):
    w = window()
    w.edits.add_template("pop:lif")
    seen = []
    from PySide6.QtWidgets import QMessageBox

    answer_dialogs([QMessageBox.Cancel], seen)
    assert not w.close()
    assert w.isVisible() and "unsaved changes" in seen[0][1]
    answer_dialogs([QMessageBox.Discard], seen)
    assert w.close()


def test_new_window_takes_a_paste_from_the_first(window, qtbot):
    w = window("cuba")
    click_node(w, "I")
    w.actions["copy"].trigger()
    w.actions["new_window"].trigger()
    other = next(win for win in QApplication.topLevelWidgets()
                 if win is not w and getattr(win, "doc", None) is not None and win.isVisible()
                 and not win.doc.network.all_ids())
    other.actions["paste"].trigger()
    assert set(other.doc.network.populations) == {"I"} and set(other.doc.network.projections) == {"I->I"}
    other.stack.setClean()
    other.close()


def test_arrow_keys_nudge_the_selection_by_grid_steps(window):
    w = window("cuba")
    click_node(w, "E")
    QTest.keyClick(w.view, Qt.Key_Right)
    QTest.keyClick(w.view, Qt.Key_Down, Qt.ShiftModifier)
    assert (w.doc.layout_of("E").x, w.doc.layout_of("E").y) == (20.0, 100.0)
    assert w.scene.nodes["E"].pos() == QPointF(20.0, 100.0)
    w.actions["undo"].trigger()
    assert w.doc.layout_of("E").y == 0.0


def test_deleting_several_selected_items_and_undoing_a_paste_raise_nothing(window):
    w = window("cuba")  # pytest-qt fails the test if a Qt slot raises
    w.scene.select_ids(["E", "I"])
    w.actions["copy"].trigger()
    w.actions["paste"].trigger()
    w.actions["undo"].trigger()
    assert "E_2" not in w.doc.network.populations and w.inspector.item_id is None
    w.scene.select_ids(["E", "I", "E->I"])
    w.actions["delete"].trigger()
    assert not w.doc.network.populations and w.inspector.title.text() == "Network settings"


def test_pasted_text_without_positions_is_laid_out(window):
    from spikestudio.engine.files import fileformat
    from spikestudio.engine.model.network import Network

    piece = Network()
    piece.add_population("A", 3)
    piece.add_population("B", 3)
    piece.connect("A", "B", p=0.5)
    w = window("cuba")
    QApplication.clipboard().setText(fileformat.dumps(piece))
    w.actions["paste"].trigger()
    spots = {(w.doc.layout_of(i).x, w.doc.layout_of(i).y) for i in ("A", "B")}
    assert len(spots) == 2


def test_attaching_a_recorder_to_its_own_target_is_no_step(window):
    w = window("cuba")
    count = w.stack.count()
    assert not w.scene.connect_nodes("E", "spikes:E")
    assert w.stack.count() == count and "already attached" in w.statusBar().currentMessage()


def test_a_newcomer_builds_a_network_that_runs(window, tmp_path, monkeypatch):
    """New, drop a Poisson source and a LIF population, wire them, add a recorder, save: the file simulates."""
    import spikestudio
    from spikestudio.gui.base import dialogs

    w = window()
    w.actions["new"].trigger()
    w.edits.add_template("in:poisson", QPointF(-300, 0))
    w.edits.add_template("pop:lif", QPointF(100, 0))
    port = w.scene.nodes["poisson"].output_port()
    drag(w, node_point(w, "poisson", port.x(), port.y()), node_point(w, "LIF"))
    click_node(w, "LIF")
    w.edits.add_template("rec:spikes")
    assert set(w.doc.network.projections) == {"poisson->LIF"}
    assert w.doc.network.recorders["spikes:LIF"].target == "LIF"
    path = tmp_path / "first.snn"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": str(path))
    w.actions["save"].trigger()
    results = spikestudio.Simulator(spikestudio.load(path)).run(0.5)
    assert 15.0 < results.mean_rate("LIF") < 60.0  # 100 sources at 20 Hz, half connected, 80 pA: it fires


def test_edges_moved_with_a_group_drag_sit_where_a_rebuild_puts_them(window):
    w = window("brunel")
    w.scene.select_ids(["E", "I"])
    drag(w, node_point(w, "E"), node_point(w, "E") + QPoint(40, 60))
    moved = {k: e.mapToScene(e.path().pointAtPercent(0.5)) for k, e in w.scene.edges.items()}
    assert w.scene.edges["E->I"].pos() != QPointF(0, 0)  # translated, not rebuilt
    for edge in w.scene.edges.values():
        edge.update_path(force=True)
    for key, edge in w.scene.edges.items():
        rebuilt = edge.mapToScene(edge.path().pointAtPercent(0.5))
        assert (rebuilt - moved[key]).manhattanLength() < 1e-6, key


def test_a_current_input_dropped_next_to_a_population_attaches_to_it_with_an_amplitude_for_its_model(window):
    """Dropped beside the Izhikevich population while the LIF one is selected: it drives the Izhikevich one, at
    10 pA (about 10 Hz), not 400 pA (about 900 Hz)."""
    import numpy as np
    from spikestudio.engine.analysis.spike_stats import fi_curve
    from spikestudio.engine.editing.templates import CURRENT_AMPLITUDES
    from spikestudio.engine.model.network import Network

    w = window()
    w.edits.add_template("pop:izhikevich", QPointF(400, 300))
    izh = next(i for i, p in w.doc.network.populations.items() if p.model == "izhikevich")
    click_node(w, "neuron")  # the LIF neuron of the default example is selected
    mime = w.palette.mime_for("in:current")
    target = view_point(w, QPointF(400, 180))  # just above the Izhikevich node
    viewport = w.view.viewport()
    enter = QDragEnterEvent(target, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(viewport, enter)
    QApplication.sendEvent(viewport, QDropEvent(QPointF(target), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    added = [item for item in w.doc.network.inputs.values() if item.id.startswith("current")]
    assert len(added) == 1 and added[-1].target == izh
    assert added[-1].params["amplitude"] == CURRENT_AMPLITUDES["izhikevich"]
    for model, amplitude in CURRENT_AMPLITUDES.items():  # each default makes a default neuron fire, moderately
        net = Network(dt=0.05 if model == "hh" else 0.1)
        net.add_population("cell", 1, model)
        rate = fi_curve(net, np.array([amplitude]), 1000.0, transient=200.0).rate_hz[0]
        assert 5.0 <= rate <= 150.0, (model, rate)
