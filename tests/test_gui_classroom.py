"""What a student reads in the window: names instead of ids, honest status texts, one Duration, plots that drop
what the network no longer has."""

import numpy as np
import pytest
from gui_helpers import answer_dialogs, click_node, field
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation.simulator import Simulator
from test_gui_inspector import type_into
from test_gui_live import open_network, run_to_end, wait_for

pytestmark = pytest.mark.timeout(120)


def status_messages(w) -> list[str]:
    seen = []
    w.statusBar().messageChanged.connect(lambda text: seen.append(text) if text else None)
    return seen


def rename(w, node_id: str, name: str) -> None:
    click_node(w, node_id)
    type_into(field(w, "name"), name)
    assert w.doc.network.populations[node_id].name == name


def test_after_renames_people_read_names_in_history_tooltips_isi_weights_and_the_status_bar(window, tmp_path):
    w = open_network(window, tmp_path)
    rename(w, "E", "Pyramids")
    rename(w, "I", "Baskets")
    click_node(w, "I")
    type_into(field(w, "params.a"), "0.05")
    assert w.stack.undoText() == "Set a of Baskets"
    history = [w.stack.text(i) for i in range(w.stack.count())]
    assert not any("->" in text for text in history), history
    w.edits.add_template("pop:izhikevich")
    assert w.stack.undoText() == "Add Izhikevich population"
    seen = status_messages(w)
    click_node(w, "I")
    w.edits.add_template("rec:spikes")
    assert any("attached to Baskets" in text for text in seen), seen
    run_to_end(w)
    ui = w.simulation
    names = [ui.weights.chooser.itemText(i) for i in range(ui.weights.chooser.count())]
    assert names == ["P → Pyramids", "Pyramids → Baskets", "Baskets → Pyramids"]
    assert ui.weights.hist_plot.titleLabel.text.endswith("P → Pyramids")
    ui.docks["analysis"].raise_()  # (computed once it is seen)
    assert wait_for(lambda: ui.analysis.chooser.count() > 0, 5)
    isi = [ui.analysis.chooser.itemText(i) for i in range(ui.analysis.chooser.count())]
    assert [text.split("  (CV")[0] for text in isi][:2] == ["Pyramids", "Baskets"], isi
    assert "P → Pyramids: P → Pyramids" in w.scene.edges["P->E"].toolTip()


def test_status_texts_say_what_happens(window, tmp_path):
    w = open_network(window, tmp_path)
    c = w.simulation.controller
    assert wait_for(lambda: c.state == "ready", 60.0)
    seen = status_messages(w)
    QTest.keyClick(w, Qt.Key_F10)  # Step
    assert wait_for(lambda: c.state == "paused", 30.0)
    assert seen[-1] == "Paused at t = 10.0 ms" and not any("finished" in s or "press Run" in s for s in seen), seen
    QTest.keyClick(w, Qt.Key_F5)  # Run after a Step covers the duration, and ends
    assert wait_for(lambda: c.state == "done", 30.0), c.tap.t
    assert c.tap.t == pytest.approx(210.0) and seen[-1] == "Simulation finished at t = 210.0 ms"
    empty = window()
    empty.files.new()
    seen = status_messages(empty)
    empty.actions["run"].trigger()
    assert wait_for(lambda: empty.simulation.controller.state == "done", 30.0)
    assert not any("Building" in s or "press Run" in s for s in seen), seen
    assert any("empty" in s for s in seen)


def test_one_duration_the_toolbar_and_the_network_settings_agree(window, tmp_path):
    w = open_network(window, tmp_path)
    spin = w.simulation.duration
    assert spin.value() == w.doc.network.duration == 200.0
    type_into(spin, "350")
    assert w.doc.network.duration == 350.0 and w.stack.undoText() == "Set duration"
    w.actions["undo"].trigger()
    assert w.doc.network.duration == 200.0 and spin.value() == 200.0 and w.simulation.controller.duration_ms == 200.0
    run_to_end(w)
    assert w.simulation.controller.tap.t == pytest.approx(200.0)


def test_the_raster_table_drops_a_deleted_population_and_the_weights_clear_without_projections(window, tmp_path):
    w = open_network(window, tmp_path)
    run_to_end(w)
    raster = w.simulation.views.raster
    assert "I" in [raster.rows.item(r, 0).data(Qt.UserRole) for r in range(raster.rows.rowCount())]
    click_node(w, "I")
    QTest.keyClick(w.view.viewport(), Qt.Key_Delete)
    assert "I" not in w.doc.network.populations
    w.actions["rebuild"].trigger()
    assert wait_for(lambda: w.simulation.controller.state == "ready" and not w.simulation.controller.stale, 60.0)
    run_to_end(w)
    rows = [raster.rows.item(r, 0).data(Qt.UserRole) for r in range(raster.rows.rowCount())]
    assert "I" not in rows and "E" in rows
    weights = w.simulation.weights
    assert weights.chooser.count() == 1  # E->I and I->E went with I
    net = Network(dt=0.1, duration=50.0)
    net.add_population("alone", 5, "lif", I_e=400.0)
    w2 = open_network(window, tmp_path, net, "alone.snn")
    run_to_end(w2)
    assert w2.simulation.weights.chooser.count() == 0
    assert w2.simulation.weights.hist_plot.titleLabel.text == ""
    assert "No projection" in w2.simulation.weights.summary.text()


def test_the_inspector_warns_of_a_large_dt_and_still_applies_it(window, tmp_path):
    w = open_network(window, tmp_path)
    w.scene.select_ids([])
    warning = w.inspector.warning
    assert warning.isHidden()
    type_into(field(w, "dt"), "5")
    assert w.doc.network.dt == 5.0  # applied: a warning, not a refusal
    assert not warning.isHidden() and "dt = 5 ms is large against E's time constant tau_m = 10 ms" in warning.text()
    click_node(w, "E")
    assert not warning.isHidden() and "E's refractory period t_ref = 2 ms" in warning.text()
    w.actions["undo"].trigger()
    assert warning.isHidden()


def test_legends_sit_off_the_data_rates_stay_above_zero_and_long_runs_label_time_readably(window, tmp_path):
    w = open_network(window, tmp_path)
    ui = w.simulation
    ui.probe("E", 0)
    ui.probe("I", 1)
    ui.show_phase_plane("I")
    run_to_end(w)
    ui.docks["phase_plane"].raise_()
    phase_box = ui.phase.plot.getPlotItem().getViewBox()
    assert phase_box.height() > 0.5 * ui.phase.plot.getPlotItem().height()  # a small dock keeps its plot
    w.resize(1920, 1080)  # a projector, the phase plane dock made taller as a teacher would
    w.resizeDocks([ui.docks["phase_plane"]], [520], Qt.Vertical)
    QTest.qWait(50)
    for plot, legend in ((ui.views.traces.plot, ui.views.traces.legend), (ui.views.rates.plot, ui.views.rates.legend),
                         (ui.phase.plot, ui.phase.legend)):
        plot.getPlotItem().layout.activate()
        data = plot.getPlotItem().getViewBox().sceneBoundingRect()
        assert legend.items and not legend.sceneBoundingRect().intersects(data), (plot, legend.sceneBoundingRect(),
                                                                                   data)
    assert ui.views.rates.plot.viewRange()[1][0] >= 0.0
    axis = ui.views.raster.plot.getAxis("bottom")
    assert axis.tickStrings([13_788_600.0, 13_788_800.0], 1.0, 200.0) == ["13,788,600", "13,788,800"]
    assert ui.views.traces.plot.getAxis("bottom").tickStrings([0.25, 0.5], 1.0, 0.25) == ["0.25", "0.50"]


def test_a_refused_edit_names_the_item_by_its_name_not_its_id(window, tmp_path):
    net = Network(dt=0.1, duration=50.0)
    net.add_population("LIF", 5, "lif")
    net.record_state("LIF", "v", neurons=[0], interval=0.1)
    rec_id = next(iter(net.recorders))
    net.recorders[rec_id].name = "Voltmeter"
    w = open_network(window, tmp_path, net, "rec.snn")
    w.scene.select_ids([])
    type_into(field(w, "dt"), "0.5")
    text = w.inspector.error.text()
    assert w.doc.network.dt == 0.1 and text.startswith("Not applied"), text
    assert "recorder “Voltmeter”, interval" in text and rec_id not in text, text


def test_a_network_that_fires_fast_gets_a_window_where_spikes_stay_apart_unless_the_user_chose_one(window, tmp_path):
    net = Network(dt=0.1, duration=1000.0)
    net.add_population("fast", 20, "lif", I_e=5000.0)  # about 357 Hz: a solid block in 1000 ms
    w = open_network(window, tmp_path, net, "fast.snn")
    ui = w.simulation
    c = ui.controller
    # the build made on Open may be done before the window is even shown: read what was said in the messages
    # log, which keeps every status-bar message, rather than listening from now on
    told = "fires fast: the plots show 50 ms"
    assert wait_for(lambda: c.state == "ready" and told in w.messages.toPlainText(), 60.0), w.messages.toPlainText()
    assert ui.window_ms.value() == 50.0  # chosen as it opened: 357 Hz x 50 ms, about 18 spikes per neuron
    assert c.tap.t == 0.0 and c.sim.step == 0  # measuring left the network at time 0
    drawn = []
    c.frame_drawn.connect(lambda: drawn.append(ui.views.traces.plot.viewRange()[0]))
    run_to_end(w)
    assert drawn and all(x1 - x0 == pytest.approx(50.0) for x0, x1 in drawn[1:])  # framed from the first frame
    fresh = Simulator(net)
    fresh.record_spikes_of(["fast"])
    times, _ = fresh.run(1.0).spikes("fast")
    np.testing.assert_allclose(c.sim.results.spikes("fast")[0], times)  # the measure did not change the run
    w2 = open_network(window, tmp_path, net, "fast2.snn")
    type_into(w2.simulation.window_ms, "800")  # the student's own choice is kept
    run_to_end(w2)
    assert w2.simulation.window_ms.value() == 800.0


def test_a_slow_network_opened_after_a_fast_one_gets_the_window_back(window, tmp_path):
    fast = Network(dt=0.1, duration=1000.0)
    fast.add_population("fast", 20, "lif", I_e=5000.0)
    w = open_network(window, tmp_path, fast, "fast.snn")
    c = w.simulation.controller
    assert wait_for(lambda: c.state == "ready" and w.simulation.window_ms.value() == 50.0, 60.0)
    slow = Network(dt=0.1, duration=1000.0)
    slow.add_population("slow", 20, "lif", I_e=400.0)  # about 14 Hz
    path = tmp_path / "slow.snn"
    fileformat.save(slow, path)
    assert w.files.open_path(path)
    assert wait_for(lambda: c.state == "ready" and c.window_chosen, 60.0)  # measured as it opened
    assert w.simulation.window_ms.value() == 1000.0  # the fast network's window went with it


def test_the_izhikevich_presets_fit_the_inspector_without_a_sideways_scrollbar(window):
    w = window("izhikevich")
    w.resize(1366, 768)
    click_node(w, "E")
    QTest.qWait(20)
    inspector = w.inspector
    presets = field(w, "preset")
    assert presets is not None and presets.isVisible()
    assert not inspector.horizontalScrollBar().isVisible()
    assert inspector.widget().width() <= inspector.viewport().width()
    right = presets.mapTo(inspector.viewport(), presets.rect().topRight()).x()
    assert right <= inspector.viewport().width()  # the last preset button is not cut off


def test_a_failed_build_names_the_renamed_populations_not_their_ids(window, tmp_path):
    from spikestudio.engine.model.network import Plasticity

    net = Network(dt=0.1, duration=50.0)
    net.add_population("LIF", 5, "lif")
    net.add_population("LIF_2", 5, "lif")
    net.connect("LIF_2", "LIF", "one_to_one", weight=10.0, plasticity=Plasticity("no_such_rule"))
    w = open_network(window, tmp_path, net, "rule.snn")
    rename(w, "LIF", "Pyramids")
    rename(w, "LIF_2", "Baskets")
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    w.actions["run"].trigger()
    assert wait_for(lambda: bool(seen), 60.0)
    text = seen[0][1]
    assert "could not be built" in text and "projection “Baskets → Pyramids”, plasticity.rule" in text, text
    assert "LIF" not in text and 'projections["' not in text, text


def test_a_blow_up_after_renames_names_the_population_as_it_is_called_now(window, tmp_path):
    net = Network(dt=0.1, duration=100.0)
    net.add_spike_times("S", 2, [0, 1], [25.0, 25.0])
    net.add_population("V", 3, "izhikevich")
    net.populations["V"].name = "Victims"
    net.connect("S", "V", "all_to_all", weight=1e308, synapse="delta")
    w = open_network(window, tmp_path, net, "blowup.snn")
    c = w.simulation.controller
    assert wait_for(lambda: c.state == "ready", 60.0)  # built on open, under the old name
    rename(w, "V", "Martyrs")
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    messages = status_messages(w)
    w.actions["run"].trigger()
    assert wait_for(lambda: bool(seen), 60.0)
    text = seen[0][1]
    assert "population “Martyrs” neuron" in text and "NaN or infinite" in text, text
    assert "Victims" not in text and '"V"' not in text, text
    assert any("“Martyrs”" in m for m in messages) and not any("Victims" in m for m in messages), messages
    log = w.messages.toPlainText()  # the Messages panel keeps what the status bar said
    assert "population “Martyrs” neuron" in log and "population “Victims”" not in log, log
    assert 'population "Victims"' not in log, log


def test_a_live_edit_says_what_changed_by_name(window, tmp_path):
    w = open_network(window, tmp_path)
    c = w.simulation.controller
    assert wait_for(lambda: c.state == "ready", 60.0)
    rename(w, "E", "Pyramids")
    messages = status_messages(w)
    click_node(w, "E")
    type_into(field(w, "params.tau_m"), "12")
    assert any(m.startswith("Changed Pyramids tau_m = 12") for m in messages), messages


def _inside(child, parent) -> bool:
    """``child`` is drawn whole inside ``parent`` (not cut off at its right or bottom edge)."""
    rect = child.geometry()
    top_left = child.parentWidget().mapTo(parent, rect.topLeft())
    return top_left.x() >= 0 and top_left.y() >= 0 and top_left.x() + rect.width() <= parent.width() + 1 \
        and top_left.y() + rect.height() <= parent.height() + 1


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
@pytest.mark.parametrize("presentation", [False, True])
def test_plots_stay_usable_on_a_laptop_and_a_projector_in_both_looks(window, size, presentation):
    """Every control of the traces, rates, ISI and weights toolbars is on screen (they wrap instead of widening their
    docks), and each legend sits above its data in a row."""
    from spikestudio.gui.base.theme import current

    w = window("izhikevich")
    try:
        w.resize(*size)
        if presentation:
            w.actions["presentation"].trigger()
        ui = w.simulation
        ui.probe("E", 0)
        ui.probe("I", 1)
        run_to_end(w)
        ui.docks["analysis"].raise_()
        QTest.qWait(50)
        views = [ui.views.traces, ui.views.rates, ui.analysis]
        ui.docks["weights"].raise_()
        QTest.qWait(50)
        views.append(ui.weights)
        for view in views:
            dock = view.parentWidget()
            assert view.toolbar.width() <= view.width() <= dock.width(), view
            for child in view.toolbar.findChildren(QWidget):
                if child.isVisible() and child.parentWidget() is view.toolbar:
                    assert _inside(child, view.toolbar), (view, child, child.geometry())
        assert ui.views.traces.toolbar.height() < 3 * ui.views.traces.entry.height()  # at most two lines
        for view in (ui.views.traces, ui.views.rates):
            item = view.plot.getPlotItem()
            item.layout.activate()
            data = item.getViewBox().sceneBoundingRect()
            legend = view.legend
            assert legend.items and not legend.sceneBoundingRect().intersects(data), (view, legend.row.scale)
            assert legend.sceneBoundingRect().right() <= item.sceneBoundingRect().right() + 1  # no entry cut off
            assert data.height() > 0.45 * item.height()  # the legend row leaves the data its room
    finally:
        current().set_presentation(False)
