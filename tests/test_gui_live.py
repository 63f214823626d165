"""Live simulation in the window: run, pause, step, reset, live edits, rebuild, failures, plots and results."""

import time

import numpy as np
import pytest
from gui_helpers import answer_dialogs, click_node, dumps, field
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from spikestudio.engine.files import fileformat
from spikestudio.engine.kernels.parallel import FUSED_NODE
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation.simulator import Simulator
from test_gui_inspector import type_into

pytestmark = pytest.mark.timeout(90)


def small_network(rate=30.0):
    net = Network(dt=0.1, seed=7, duration=200.0)
    net.add_poisson("P", 60, rate=rate)
    net.add_population("E", 40, "lif")
    net.add_population("I", 10, "izhikevich")
    net.connect("P", "E", "fixed_indegree", k=12, weight=150.0)
    net.connect("E", "I", "fixed_probability", p=0.4, weight=15.0, synapse="delta")
    net.connect("I", "E", "fixed_probability", p=0.4, weight=40.0, receptor="inhibitory")
    net.record_spikes("E")
    return net


def open_network(window, tmp_path, net=None, name="small.snn"):
    path = tmp_path / name
    fileformat.save(net or small_network(), path)
    return window(path)


def wait_for(predicate, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        if predicate():
            return True
        time.sleep(0.005)
    return False


def run_to_end(w, timeout=120.0):
    """Run and wait until done; the wait covers a cold compile of the network's loop on a busy machine (a loop variant
    the install's warm-up did not build took over 30 s at load 3), and ends as soon as the run does."""
    c = w.simulation.controller
    w.actions["run"].trigger()
    assert wait_for(lambda: c.state == "done", timeout), c.state
    return c


def reference(net, ms, probes=()):
    sim = Simulator(net, record_all=True)
    for node, i in probes:
        sim.network.record_state(node, neurons=[i], interval=net.dt, id=f"ref:{node}:{i}")
    sim = Simulator(sim.network, record_all=True)
    return sim.run(ms / 1000.0)


def test_run_shows_in_the_raster_traces_and_rates_exactly_what_the_engine_produced(window, tmp_path):
    w = open_network(window, tmp_path)
    ui = w.simulation
    ui.window_ms.setValue(10_000)  # the whole run in view
    ui.probe("E", 3)
    c = run_to_end(w)
    assert c.tap.t == pytest.approx(200.0) and "t = 200.0 ms" in ui.status.text()
    ref = reference(small_network(), 200.0, [("E", 3)])
    times, nodes, neurons = ui.views.raster.drawn
    nodes = np.array(nodes)
    for node in ("E", "I"):  # the raster shows populations; inputs only on request
        t_ref, i_ref = ref.spikes(node)
        assert t_ref.size > 20
        np.testing.assert_allclose(times[nodes == node], t_ref)
        np.testing.assert_array_equal(neurons[nodes == node], i_ref)
    assert "P" not in nodes
    x, v = ui.views.traces.curve_data(("E", 3, "v"))
    t_ref, v_ref = ref.trace("ref:E:3")
    np.testing.assert_allclose(x, t_ref)
    np.testing.assert_array_equal(v, v_ref[:, 0])
    x, rate = ui.views.rates.curve_data("E")
    ui.views.rates.smoothing.setValue(1)
    x, rate = ui.views.rates.curve_data("E")
    counts = np.histogram(ref.spikes("E")[0], bins=np.arange(0, 200.0 + 1e-9, 1.0))[0]
    np.testing.assert_allclose(rate, counts / 40 / 1e-3)
    img = ui.views.raster.image.image
    assert img is not None and img[..., 3].any()  # something is drawn
    threshold = [line.value() for line in ui.views.traces.levels]
    assert -50.0 in threshold or -55.0 in threshold  # the LIF threshold is marked


def test_raster_choice_of_nodes_and_neuron_ranges(window, tmp_path):
    w = open_network(window, tmp_path)
    ui = w.simulation
    ui.window_ms.setValue(10_000)
    run_to_end(w)
    rows = ui.views.raster.rows
    rows.set_shown("I", False)
    rows.set_shown("P", True, 10, 19)  # an input's spikes are recorded once it is shown
    rows.set_shown("E", True, 5, 9)
    run_to_end(w)  # another 200 ms
    times, nodes, neurons = ui.views.raster.drawn
    nodes = np.array(nodes)
    assert set(nodes) == {"E", "P"}
    assert times[nodes == "P"].min() >= 200.0 and times[nodes == "E"].min() < 200.0
    assert neurons[nodes == "E"].min() >= 5 and neurons[nodes == "E"].max() <= 9
    assert neurons[nodes == "P"].min() >= 10 and neurons[nodes == "P"].max() <= 19
    assert ui.views.raster.n_rows == 15
    assert ui.views.raster.neuron_at(0.5) == ("E", 5) and ui.views.raster.neuron_at(5.5) == ("P", 10)


def test_a_run_shorter_than_the_plot_window_fills_the_plots_and_later_runs_widen_them(window, tmp_path):
    w = open_network(window, tmp_path)  # runs of 200 ms, plot window 1000 ms
    ui = w.simulation
    assert ui.window_ms.value() == 1000.0
    run_to_end(w)
    for plot in (ui.views.traces.plot, ui.views.rates.plot, ui.views.raster.plot):
        assert plot.getViewBox().viewRange()[0] == pytest.approx([0.0, 200.0])
    run_to_end(w)
    assert ui.views.rates.plot.getViewBox().viewRange()[0] == pytest.approx([0.0, 400.0])
    ui.window_ms.setValue(300.0)  # a chosen window narrower than the runs so far scrolls as before
    assert ui.views.rates.plot.getViewBox().viewRange()[0] == pytest.approx([100.0, 400.0])


def test_pause_resume_and_step(window, tmp_path):
    w = open_network(window, tmp_path)
    ui, c = w.simulation, w.simulation.controller
    speeds = __import__("spikestudio.gui.simulation.run_controller", fromlist=["SPEEDS"]).SPEEDS
    ui.speed.setCurrentIndex([s[1] for s in speeds].index(0.2))
    w.actions["run"].trigger()
    assert wait_for(lambda: c.state == "running" and c.tap.t > 5.0)
    w.actions["pause"].trigger()
    assert c.state == "paused"
    t = c.tap.t
    assert wait_for(lambda: False, 0.2) is False and c.tap.t == t  # nothing runs while paused
    w.actions["step_dt"].trigger()
    assert wait_for(lambda: c.state == "paused" and c.tap.t > t)
    assert c.tap.t == pytest.approx(t + 0.1)
    w.actions["step"].trigger()
    assert wait_for(lambda: c.state == "paused" and c.tap.t > t + 0.15)
    assert c.tap.t == pytest.approx(t + 10.1)
    ui.speed.setCurrentIndex(0)
    w.actions["run"].trigger()  # continues to the end of the duration
    assert wait_for(lambda: c.state == "done")
    assert c.tap.t == pytest.approx(200.0)


def test_changing_a_rate_while_running_is_undoable_and_the_rates_respond(window, tmp_path):
    w = open_network(window, tmp_path, small_network(rate=10.0))
    ui, c = w.simulation, w.simulation.controller
    ui.duration.setValue(0)  # until stopped
    ui.speed.setCurrentIndex(4)  # real time, so the edit lands mid-run
    ui.views.rates.inputs.setChecked(True)
    w.actions["run"].trigger()
    assert wait_for(lambda: c.tap.t > 150.0)
    click_node(w, "P")
    typed_at = c.tap.t
    type_into(field(w, "rate"), "80")
    assert w.stack.undoText() == "Set Rate of P" and c.state == "running"
    assert not c.stale  # no rebuild needed
    changed_at = c.tap.t
    assert wait_for(lambda: c.tap.t > changed_at + 300.0, 10)
    w.actions["pause"].trigger()
    frame = c.tap.frame(1e9)
    before = frame.rates["P"][(frame.rate_t > 20) & (frame.rate_t < typed_at - 5)].mean()
    after = frame.rates["P"][frame.rate_t > changed_at + 60].mean()
    assert before == pytest.approx(10.0, rel=0.3) and after == pytest.approx(80.0, rel=0.2)
    assert c.sim.network.inputs["P"].rate == 80.0
    w.actions["undo"].trigger()  # undo is a live edit too
    assert c.sim.network.inputs["P"].rate == 10.0 and w.doc.network.inputs["P"].rate == 10.0


def test_a_structural_edit_asks_to_rebuild_and_keeps_the_history(window, tmp_path):
    w = open_network(window, tmp_path)
    ui, c = w.simulation, w.simulation.controller
    ui.window_ms.setValue(10_000)
    run_to_end(w)
    before = c.tap.frame(1e9).spikes_t.size
    w.edits.add_template("pop:lif", QPointF(0, 300))  # a new population: structure changed
    assert c.stale and "was added" in c.stale[0]
    assert ui.stale_label.text() and ui.actions["rebuild"].isVisible()
    seen = []
    answer_dialogs([QMessageBox.Yes], seen)
    w.actions["run"].trigger()
    assert wait_for(lambda: c.state == "done" and c.tap.t > 200.0, 60)
    assert "Rebuild the network?" in seen[0][0]
    frame = c.tap.frame(1e9)
    assert c.tap.t == pytest.approx(400.0) and frame.rebuilds == [pytest.approx(200.0)]
    assert (frame.spikes_t < 200.0).sum() == before and (frame.spikes_t > 200.0).sum() > 0
    assert not c.stale and not ui.actions["rebuild"].isVisible()
    assert len(c.sim.network.populations) == 3


def test_reset_goes_back_to_time_zero_and_runs_the_same_again(window, tmp_path):
    w = open_network(window, tmp_path)
    c = run_to_end(w)
    first = c.tap.frame(1e9).spikes_t.copy()
    w.actions["reset"].trigger()
    assert c.tap.t == 0.0 and c.tap.frame(1e9).spikes_t.size == 0
    run_to_end(w)
    np.testing.assert_array_equal(c.tap.frame(1e9).spikes_t, first)


def test_closing_the_window_mid_run_stops_the_worker(window, tmp_path):
    w = open_network(window, tmp_path)
    c = w.simulation.controller
    w.simulation.duration.setValue(0)
    w.actions["run"].trigger()
    assert wait_for(lambda: c.state == "running" and c.tap.t > 50.0)
    runner = c.runner
    w.stack.setClean()
    w.close()
    assert runner._thread.is_alive() is False
    steps = runner.sim.step
    time.sleep(0.1)
    assert runner.sim.step == steps


def test_a_blow_up_stops_the_run_with_a_message_and_the_document_survives(window, tmp_path):
    net = Network(dt=0.1, duration=100.0)
    net.add_spike_times("S", 2, [0, 1], [25.0, 25.0])
    net.add_population("Victims", 3, "izhikevich")
    net.connect("S", "Victims", "all_to_all", weight=1e308, synapse="delta")
    w = open_network(window, tmp_path, net)
    before = dumps(w)
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    w.actions["run"].trigger()
    assert wait_for(lambda: bool(seen), 30)
    assert seen[0][0] == "Simulation stopped" and '“Victims”' in seen[0][1] and "NaN or infinite" in seen[0][1]
    assert w.simulation.controller.state == "failed" and dumps(w) == before
    assert 25.0 <= w.simulation.controller.tap.t < 100.0


def test_probing_from_the_raster_and_from_the_canvas(window, tmp_path):
    w = open_network(window, tmp_path)
    ui = w.simulation
    ui.window_ms.setValue(10_000)
    run_to_end(w)
    raster = ui.views.raster
    vb = raster.plot.getViewBox()
    y = 7.5  # neuron 7 of E (E's rows come first)
    scene_pos = vb.mapViewToScene(QPointF(100.0, y))
    view_pos = raster.plot.mapFromScene(scene_pos)
    QTest.mouseClick(raster.plot.viewport(), Qt.LeftButton, Qt.NoModifier, view_pos)
    assert wait_for(lambda: ("E", 7, "v") in ui.controller.probes, 5)
    w.view.node_menu_requested.emit("I", w.view.mapToGlobal(w.view.rect().center()))
    ui.node_menu.actions()[2].trigger()
    assert ("I", 2, "v") in ui.controller.probes
    w.actions["run"].trigger()
    assert wait_for(lambda: ui.controller.state == "done", 30)
    x, v = ui.views.traces.curve_data(("I", 2, "v"))
    assert x.size == 2000 and x[0] == pytest.approx(200.0)  # sampled every step from when it was added


def test_results_save_to_npz_and_csv(window, tmp_path):
    w = open_network(window, tmp_path)
    run_to_end(w)
    path = w.simulation.save_results(str(tmp_path / "run.npz"))
    with np.load(path, allow_pickle=False) as data:
        ref = reference(small_network(), 200.0)
        np.testing.assert_allclose(data["spikes/E/times_ms"], ref.spikes("E")[0])
        np.testing.assert_array_equal(data["counts/P"], ref.spike_counts("P"))
    written = w.simulation.export_csv(str(tmp_path / "csv"))
    assert {p.name for p in written} == {"spikes_E.csv", "spikes_I.csv"}  # inputs only when the raster shows them
    table = np.loadtxt(tmp_path / "csv" / "spikes_E.csv", delimiter=",", skiprows=1)
    np.testing.assert_allclose(table[:, 0], ref.spikes("E")[0], rtol=1e-5)


def test_the_network_is_built_when_it_opens_and_a_first_edit_just_drops_that_build(window, tmp_path):
    w = open_network(window, tmp_path)
    c = w.simulation.controller
    assert wait_for(lambda: c.state == "ready", 30)  # built and compiled without pressing Run
    w.edits.add_template("pop:lif", QPointF(0, 300))
    assert c.sim is None and not c.stale  # nothing ran, so nothing to keep and nothing to ask
    run_to_end(w)
    assert len(c.sim.network.populations) == 3


def test_a_network_too_big_for_memory_is_refused_with_a_message_and_the_document_survives(window, tmp_path):
    net = Network(dt=0.1, duration=100.0)
    net.add_population("Huge", 3_000_000, "lif")
    net.connect("Huge", "Huge", "all_to_all", weight=0.1)
    w = open_network(window, tmp_path, net)
    before = dumps(w)
    c = w.simulation.controller
    assert wait_for(lambda: c.state == "no run", 30)  # the build on opening failed quietly
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    w.actions["run"].trigger()
    assert wait_for(lambda: bool(seen), 30)
    assert seen[0][0] == "Simulation stopped" and "synapses" in seen[0][1] and "memory" in seen[0][1]
    assert dumps(w) == before and c.sim is None


def plastic_network():
    from spikestudio.engine.model.network import Plasticity

    net = small_network()
    net.projections["P->E"].plasticity = Plasticity("stdp", {})
    return net


def test_the_weights_dock_follows_learning_live(window, tmp_path):
    w = open_network(window, tmp_path, plastic_network())
    ui, c = w.simulation, w.simulation.controller
    assert wait_for(lambda: c.state == "ready", 600)  # this mix of parts may compile now: minutes on a busy machine
    ui.docks["weights"].show()
    ui.docks["weights"].raise_()
    ui.weights.select("P->E")
    before = ui.weights.counts.copy()
    ui.speed.setCurrentIndex(4)  # real time: 200 ms of running to watch
    w.actions["run"].trigger()
    # Run starts at once (the network is built): checked before the event loop turns, which on a busy machine
    # can take longer than the whole 200 ms run
    assert c.state == "running"
    assert ui.weights._timer.isActive()  # live while a plastic network runs
    assert wait_for(lambda: c.state == "done", 30)
    assert not ui.weights._timer.isActive()
    pre, post, weights = c.sim.connections("P->E")
    counts, _ = np.histogram(weights, bins=ui.weights.bins, range=(0.0, weights.max()))
    np.testing.assert_array_equal(ui.weights.counts, counts)
    assert not np.array_equal(before, ui.weights.counts)  # STDP moved the weights
    dense = np.zeros((40, 60))
    np.add.at(dense, (post, pre), weights)
    np.testing.assert_allclose(ui.weights.matrix, dense)


def test_isi_analysis_after_a_run_and_the_fi_curve_tool(window, tmp_path):
    from spikestudio.engine.analysis.spike_stats import fi_curve

    w = open_network(window, tmp_path)
    ui = w.simulation
    run_to_end(w)
    assert ui.analysis.results is None and ui.analysis.chooser.count() == 0  # behind its tab: not computed
    ui.docks["analysis"].raise_()
    assert wait_for(lambda: ui.analysis.results is ui.controller.sim.results, 5)  # computed once it is seen
    ui.analysis.chooser.setCurrentIndex(ui.analysis.chooser.findData("E"))
    times, ids = ui.controller.sim.results.spikes("E")
    isi = np.concatenate([np.diff(np.sort(times[ids == i])) for i in range(40)])
    np.testing.assert_array_equal(ui.analysis.counts.sum(), isi.size)
    click_node(w, "E")
    dialog = ui.show_fi_curve()
    assert dialog.population.currentText() == "E"
    dialog.run()
    assert wait_for(lambda: dialog.curve is not None, 30)
    expected = fi_curve(w.doc.network.populations["E"], dialog.currents(), dialog.curve.duration,
                        transient=dialog.curve.transient, dt=w.doc.network.dt)
    np.testing.assert_allclose(dialog.curve.rate_hz, expected.rate_hz)
    dialog.close()


def test_every_live_plot_exports_its_data_and_picture(window, tmp_path):
    w = open_network(window, tmp_path)
    ui = w.simulation
    ui.window_ms.setValue(10_000)
    ui.probe("E", 2)
    run_to_end(w)
    raster = np.load(ui.views.raster.export.export_data(str(tmp_path / "raster.npz")))
    ref = reference(small_network(), 200.0)
    np.testing.assert_allclose(raster["E_time_ms"], ref.spikes("E")[0])
    np.testing.assert_array_equal(raster["I_neuron"], ref.spikes("I")[1])
    traces = np.loadtxt(ui.views.traces.export.export_data(str(tmp_path / "traces.csv")), delimiter=",",
                        skiprows=1)
    np.testing.assert_allclose(traces[:, 1], ui.views.traces.curve_data(("E", 2, "v"))[1], rtol=1e-6)
    rates = np.load(ui.views.rates.export.export_data(str(tmp_path / "rates.npz")))
    np.testing.assert_allclose(rates["E_hz"], ui.views.rates.curve_data("E")[1])
    for view in (ui.views.raster, ui.views.traces, ui.views.rates):
        png = view.export.export_picture(str(tmp_path / f"{view.objectName()}.png"))
        svg = view.export.export_picture(str(tmp_path / f"{view.objectName()}.svg"))
        assert png.stat().st_size > 1000 and b"<svg" in svg.read_bytes()[:2000]


def test_a_learning_rule_plugin_that_raises_is_named_and_the_window_survives(window, tmp_path, monkeypatch):
    from spikestudio.plugins.builtin.rules import PAIR_STDP

    class Broken:
        info = PAIR_STDP.info

        def engine_part(self, params, dt):
            raise ZeroDivisionError("the plugin's own bug")

    w = open_network(window, tmp_path, plastic_network())
    c = w.simulation.controller
    assert wait_for(lambda: c.state in ("ready", "no run"), 30)
    monkeypatch.setattr(c, "_rules", {"stdp": Broken()})
    w.edits.add_template("pop:lif", QPointF(0, 300))  # a structural edit: the next Run builds again
    before = dumps(w)
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    w.actions["run"].trigger()
    assert wait_for(lambda: bool(seen), 30)
    assert 'learning rule plugin "stdp" failed: ZeroDivisionError' in seen[0][1] and "“P → E”" in seen[0][1]
    assert dumps(w) == before and c.sim is None


def test_opening_another_network_ends_the_run_and_resets_the_plots(window, tmp_path):
    w = open_network(window, tmp_path)
    c = w.simulation.controller
    w.simulation.duration.setValue(0)
    w.actions["run"].trigger()
    assert wait_for(lambda: c.state == "running" and c.tap.t > 20.0)
    other = Network(dt=0.1, duration=50.0)
    other.add_poisson("Q", 10, rate=50.0)
    other.add_population("Solo", 5, "lif")
    other.connect("Q", "Solo", "all_to_all", weight=300.0)
    fileformat.save(other, tmp_path / "other.snn")
    w.stack.setClean()
    assert w.files.open_path(tmp_path / "other.snn")
    assert c.runner is None or c.state != "running"
    run_to_end(w)
    assert [n.id for n in w.simulation.views.raster.rows._nodes] == ["Solo", "Q"]
    assert set(w.simulation.views.raster.drawn[1]) == {"Solo"} and c.tap.t == pytest.approx(50.0)


def test_an_empty_network_runs_to_its_end_without_an_error(window):
    """A new, empty document: Run simply runs (there is nothing to draw), as a newcomer will try first."""
    w = window()
    w.files.adopt(Network(duration=50.0))
    c = run_to_end(w)
    assert c.state == "done" and c.tap.t == pytest.approx(50.0)


def test_a_membrane_recorder_puts_its_neurons_in_the_traces_and_a_late_probe_shows_what_was_recorded(window, tmp_path):
    """Neuronify's "add a voltmeter, see a trace": CUBA opens with its recorder's neurons in the traces panel; a
    recorder added from the palette adds its neuron; a neuron typed in after a run shows the recorded samples."""
    from gui_helpers import click_node, double_click
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    w = window("cuba")
    c, traces = w.simulation.controller, w.simulation.views.traces
    recorded = [(r.target, i, r.variable) for r in w.doc.network.recorders.values() if r.kind == "state"
                for i in r.neurons]
    assert recorded and traces.probes == recorded[:8] and traces.entry.text()
    w = open_network(window, tmp_path)
    c, traces = w.simulation.controller, w.simulation.views.traces
    assert traces.probes == []
    click_node(w, "I")
    entry = w.palette.item_for("rec:state")
    double_click(w.palette.viewport(), w.palette.visualItemRect(entry).center())
    assert [r.target for r in w.doc.network.recorders.values() if r.kind == "state"] == ["I"]
    assert traces.probes == [("I", 0, "v")] and ("I", 0, "v") in traces.curves
    run_to_end(w)
    t, v = traces.curve_data(("I", 0, "v"))
    assert t.size > 1000
    # a neuron the recorder sampled, typed in after the run: the run's samples show at once, without running
    rec = next(r for r in c.sim.network.recorders.values() if r.kind == "state")
    rec_t, rec_v = c.sim.results.trace(rec.id)
    c.set_probes([])
    assert traces.curves == {}
    traces.entry.setFocus()
    QTest.keyClicks(traces.entry, "I:0")
    QTest.keyClick(traces.entry, Qt.Key_Return)
    assert c.state == "done"
    t, v = traces.curve_data(("I", 0, "v"))
    assert t.size and np.array_equal(v, rec_v[-v.size:, 0]) and t[-1] == pytest.approx(rec_t[-1])


def test_inputs_too_draws_a_fused_backgrounds_rate(window, tmp_path):
    """A 10,000-neuron Poisson background driving its population one_to_one is fused (it emits no spikes); ticking
    "inputs too" plots its rate all the same: 40 Hz, not 0."""
    net = Network(dt=0.1, seed=3, duration=50.0)
    net.add_poisson("bg", 10_000, rate=40.0)
    net.add_population("E", 10_000, "lif")
    net.connect("bg", "E", "one_to_one", weight=1.0, synapse="current", tau=2.0)
    w = open_network(window, tmp_path, net)
    rates = w.simulation.controller.views.rates
    rates.inputs.setChecked(True)
    c = run_to_end(w)
    assert c.sim.built.state.node_record[c.sim.built.nodes["bg"].index] == FUSED_NODE
    x, y = rates.curves["bg"].getData()
    assert y.size > 10 and abs(np.mean(y[-20:]) - 40.0) < 8.0  # Hz, smoothed over 10 ms of 10,000 trains
