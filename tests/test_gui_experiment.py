"""The Experiment panel in a real window: sweep from the inspector, start, pause, resume, cancel, fail, open a run."""


import dask
import numpy as np
from distributed.diagnostics.plugin import SchedulerPlugin
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget
from spikestudio.gui.simulation.experiment_runner import CANCELLED, DONE, FAILED, PAUSED, RUNNING
from spikestudio.gui.simulation.sweep_text import format_parameter, parse_parameter, parse_values
from sweep_helpers import sweep_network


def _window(window):
    w = window()
    w.files.adopt(sweep_network())
    return w, w.experiments.panel


def _sweep_from_the_inspector(w, qtbot):
    w.inspector.show_item("E")
    label = w.inspector.findChild(type(w.inspector.title), "label:params.tau_m")
    label.customContextMenuRequested.emit(QPoint(2, 2))
    action = next(a for a in w.inspector._sweep_menu_shown.actions() if a.objectName() == "sweep_parameter")
    action.trigger()
    w.inspector._sweep_menu_shown.close()


def test_a_projections_weight_is_swept_by_its_short_address(window, qtbot):
    w, panel = _window(window)
    w.inspector.show_item("IE")
    label = w.inspector.findChild(type(w.inspector.title), "label:weight.value")
    label.customContextMenuRequested.emit(QPoint(2, 2))
    next(a for a in w.inspector._sweep_menu_shown.actions() if a.objectName() == "sweep_parameter").trigger()
    w.inspector._sweep_menu_shown.close()
    assert (panel.table.item(0, 0).text(), panel.table.item(0, 1).text()) == ("IE.weight", "linear 20 60 5")
    assert panel.current_sweep().parameters[0].values == (20.0, 30.0, 40.0, 50.0, 60.0)


def test_the_fields_own_menu_offers_sweep_this_parameter_beside_copy_and_paste(window, qtbot):
    w, panel = _window(window)
    w.inspector.show_item("E")
    field = w.inspector.findChild(QWidget, "field:params.tau_m")
    field.customContextMenuRequested.emit(QPoint(4, 4))
    menu = w.inspector._sweep_menu_shown
    texts = [a.text().replace("&", "") for a in menu.actions()]
    assert any(t.startswith("Copy") for t in texts) and any(t.startswith("Paste") for t in texts)
    assert "Step up" in texts and texts[-1] == "Sweep this parameter…"
    next(a for a in menu.actions() if a.objectName() == "sweep_parameter").trigger()
    menu.close()
    assert w.experiments.dock.isVisible()
    assert (panel.table.item(0, 0).text(), panel.table.item(0, 1).text()) == ("E.tau_m", "linear 10 30 5")
    step_up = next(a for a in menu.actions() if a.text().replace("&", "") == "Step up")
    step_up.trigger()  # the field's own actions still edit the document, as one undo step
    assert w.doc.network.populations["E"].params["tau_m"] > 20.0
    w.stack.undo()
    assert w.doc.network.populations["E"].params["tau_m"] == 20.0
    w.inspector.show_item("drive")  # a Poisson input's rate, in its line edit or spin box, too
    field = w.inspector.findChild(QWidget, "field:rate")
    field.customContextMenuRequested.emit(QPoint(4, 4))
    next(a for a in w.inspector._sweep_menu_shown.actions() if a.objectName() == "sweep_parameter").trigger()
    w.inspector._sweep_menu_shown.close()
    assert panel.table.item(1, 0).text() == "drive.rate"


def _finish(panel, qtbot, timeout=60_000):
    qtbot.waitUntil(lambda: not panel.runner.busy, timeout=timeout)


def test_values_are_read_as_lists_and_ranges_with_clear_errors():
    assert parse_values("10, 20 30") == [10.0, 20.0, 30.0]
    assert parse_values("linear 0 1 3") == [0.0, 0.5, 1.0]
    assert parse_values("log 1 100 3") == [1.0, 10.0, 100.0]
    for bad in ["", "abc", "log 0 10 3", "linear 1 2"]:
        try:
            parse_values(bad)
        except ValueError as exc:
            assert "write numbers" in str(exc) or "at least one" in str(exc)
        else:
            raise AssertionError(bad)


def test_sweep_this_parameter_runs_a_heat_map_and_a_click_opens_that_run(window, qtbot, tmp_path):
    w, panel = _window(window)
    _sweep_from_the_inspector(w, qtbot)
    assert w.experiments.dock.isVisible()
    assert panel.table.item(0, 0).text() == "E.tau_m" and panel.table.item(0, 1).text() == "linear 10 30 5"
    panel.add_parameter("drive.rate", "600, 900, 1200")
    panel.duration.setValue(200.0)
    panel.workers.setValue(2)  # a real process pool
    panel.start_button.click()
    assert panel.runner.state == RUNNING and not panel.start_button.isEnabled()
    _finish(panel, qtbot)
    assert panel.runner.state == DONE and panel.start_button.isEnabled() and not panel.pause_button.isEnabled()
    assert len(panel.rows) == 15 and all(r["error"] == "" for r in panel.rows)
    panel.measure.setCurrentText("rate:E")
    xs, ys, values = panel.grid()
    assert xs == [10.0, 15.0, 20.0, 25.0, 30.0] and ys == [600.0, 900.0, 1200.0]
    assert np.all(np.isfinite(values)) and values[0, 2] > values[0, 0]  # more drive, more spikes
    assert panel.image is not None and panel.image.image.shape == (3, 5)  # row-major: y rows, x columns
    assert len(panel.rasters) == 15 and panel.rasters_view.ci.layout.count() == 12
    w.resize(1500, 950)
    w.experiments.show()
    qtbot.waitUntil(w.experiments.dock.isVisible)
    QApplication.processEvents()  # laid out at the new size before the picture
    w.grab().save(str(tmp_path / "experiment.png"))
    row = panel.run_at(2.5, 1.5)  # the cell tau_m = 20, rate = 900
    assert (row["E.tau_m"], row["drive.rate"]) == (20.0, 900.0)
    panel.open_row(row)
    net = w.doc.network
    assert net.populations["E"].params["tau_m"] == 20.0 and net.inputs["drive"].rate == 900.0
    assert net.seed == row["seed"] and w.files.path is None  # a new document, ready to Run
    picture = panel.export.export_picture(str(tmp_path / "heat.png"))
    assert picture.stat().st_size > 1000
    exported = panel.export.export_data(str(tmp_path / "sweep.csv"))
    assert exported.read_text().splitlines()[0].startswith("run,E.tau_m,drive.rate,repeat,seed")


def test_pause_resume_and_cancel_keep_the_finished_rows(window, qtbot):
    w, panel = _window(window)
    assert panel.start_button.isEnabled() and not panel.pause_button.isEnabled()  # idle
    assert not panel.cancel_button.isEnabled()
    panel.add_parameter("drive.rate", "linear 600 1200 4")
    panel.repeats.setValue(200)
    panel.duration.setValue(200.0)
    panel.workers.setValue(1)
    panel.start_button.click()
    qtbot.waitUntil(lambda: len(panel.rows) >= 2, timeout=30_000)
    panel.pause_button.click()
    assert panel.runner.state == PAUSED and panel.pause_button.text() == "Resume"
    qtbot.waitUntil(lambda: panel.runner.idle_passes > 0, timeout=60_000)  # the runs in progress have finished
    QApplication.processEvents()  # and their rows (sent before) have arrived
    paused_at, passes = len(panel.rows), panel.runner.idle_passes
    qtbot.waitUntil(lambda: panel.runner.idle_passes >= passes + 2, timeout=30_000)  # the loop looked twice more
    QApplication.processEvents()
    assert len(panel.rows) == paused_at  # nothing new starts while paused
    panel.pause_button.click()
    assert panel.runner.state == RUNNING and panel.pause_button.text() == "Pause"
    qtbot.waitUntil(lambda: len(panel.rows) >= paused_at + 3, timeout=30_000)
    panel.pause_button.click()
    assert panel.runner.state == PAUSED and panel.cancel_button.isEnabled()
    panel.cancel_button.click()  # cancelled while paused
    assert panel.runner.state == CANCELLED and not panel.cancel_button.isEnabled()
    _finish(panel, qtbot)
    assert 0 < len(panel.rows) < 800 and "runs kept" in panel.status.text()
    assert panel.start_button.isEnabled() and all(r["error"] == "" for r in panel.rows)
    assert sorted(r["run"] for r in panel.rows) == list(range(len(panel.rows)))  # serial: a prefix, no gaps
    w.experiments.show()
    panel.measure.setCurrentText("rate:E")  # redrawn at once
    points, means = panel.plot.getPlotItem().listDataItems()  # 1-D: every run, and the mean per value
    assert len(points.getData()[0]) == len(panel.rows) and set(means.getData()[0]) <= {600.0, 800.0, 1000.0, 1200.0}
    box = panel.plot.getPlotItem().vb  # its auto range follows the data when it is next drawn

    def shows_every_value():
        (x0, x1), _ = box.viewRange()
        return x0 <= 600.0 and x1 >= max(means.getData()[0])

    qtbot.waitUntil(shows_every_value, timeout=10_000)


def test_bad_values_are_named_and_an_unreachable_cluster_fails_with_its_reason(window, qtbot):
    w, panel = _window(window)
    panel.add_parameter("E.tau", "1, 2")
    panel.add_parameter("drive.rate", "abc")
    assert panel.start() is False
    text = panel.status.text()
    assert 'no sweepable parameter "tau"' in text and "values 'abc'" in text
    assert not panel.runner.busy
    panel.table.removeRow(0)
    panel.table.item(0, 1).setText("900")
    sweep = panel.current_sweep()
    assert sweep.size() == 1
    panel.scheduler.setText("tcp://127.0.0.1:9")  # nobody listens there
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        panel.start_button.click()
        _finish(panel, qtbot)
    assert panel.runner.state == FAILED and panel.status.text().startswith("Failed: ")
    assert panel.start_button.isEnabled() and not panel.cancel_button.isEnabled()


def test_parameters_and_values_round_trip_through_the_panels_text():
    tied = parse_parameter("g: I->E.weight*0.2, I->I.weight*0.2", "linear 2 8 7")
    assert tied.name == "g" and tied.targets == (("I->E.weight", 0.2), ("I->I.weight", 0.2))
    assert format_parameter(tied) == ("g: I->E.weight*0.2, I->I.weight*0.2", "linear 2 8 7")
    for values in ([0.8, 1.0, 2.0, 3.0, 4.0], [1.0, 10.0, 100.0], [0.1, 0.2, 0.30000000000000004]):
        p = parse_parameter("E.tau_m", format_parameter(parse_parameter("E.tau_m", ", ".join(map(repr, values))))[1])
        assert list(p.values) == values
    for bad in ["g: I->E.weight*x", ": E.tau_m*2", ""]:
        try:
            parse_parameter(bad, "1")
        except ValueError:
            continue
        raise AssertionError(bad)


def test_the_brunel_sweep_file_opens_in_the_panel_and_saves_back(window, qtbot, tmp_path):
    from spikestudio.engine.experiments import sweep_file
    from spikestudio.resources.examples import example_path

    w = window()
    w.files.open_example("brunel")
    panel = w.experiments.panel
    assert panel.open_sweep_file(str(sweep_file.beside(example_path("brunel"))))
    assert panel.table.rowCount() == 2 and panel.table.item(1, 1).text() == "0.8, 1, 2, 3, 4"
    out = tmp_path / "again.sweep.json"
    assert panel.save_sweep_file(str(out))
    again, original = sweep_file.load(out), sweep_file.load(sweep_file.beside(example_path("brunel")))
    assert again.parameters == original.parameters and again.duration == original.duration
    assert panel.open_sweep_file(str(tmp_path / "missing.sweep.json")) is False
    assert "Cannot open" in panel.status.text()


def test_the_balance_lessons_last_step_opens_its_phase_diagram_sweep(window, qtbot):
    from spikestudio.engine.teaching.lesson import bundled_lessons

    lesson = next(lesson for lesson in bundled_lessons() if lesson.folder.name.startswith("05"))
    w = window()
    assert w.open_lesson(lesson.folder)
    w.lessons.show_step(len(lesson.steps) - 1)
    panel = w.experiments.panel
    assert w.experiments.dock.isVisible()
    assert [panel.table.item(r, 0).text() for r in range(2)] == ["g: inh_E.weight*0.4, inh_I.weight*0.4",
                                                                 "eta: ext_E.rate*2500, ext_I.rate*2500"]
    assert panel.current_sweep().size() == 35


def test_the_hidden_experiment_dock_leaves_population_rates_in_front(window):
    """Tabbing the Experiment dock in and hiding it must not bring another plot (the phase plane) forward."""
    from PySide6.QtWidgets import QTabBar

    w = window("cuba")
    bars = [bar for bar in w.findChildren(QTabBar)
            if "Population rates" in [bar.tabText(i) for i in range(bar.count())]]
    assert bars and all(bar.tabText(bar.currentIndex()) == "Population rates" for bar in bars)


class _FinishedTasks(SchedulerPlugin):
    """The keys of the tasks a (local) Dask scheduler saw finish."""

    def __init__(self):
        self.keys = []

    def transition(self, key, start, finish, *args, **kwargs):
        if finish == "memory":
            self.keys.append(key)


def test_the_cluster_address_is_remembered_and_the_runs_go_to_that_cluster(window, qtbot, monkeypatch):
    import distributed
    from spikestudio.gui.base.app_settings import dask_scheduler

    monkeypatch.delenv("SPIKESTUDIO_SCHEDULER", raising=False)
    w, panel = _window(window)
    assert panel.scheduler.text() == "" and panel.scheduler_address() is None  # this computer by default
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        finished = _FinishedTasks()
        cluster.scheduler.add_plugin(finished)
        qtbot.keyClicks(panel.scheduler, cluster.scheduler_address)
        panel.scheduler.editingFinished.emit()
        assert dask_scheduler() == cluster.scheduler_address
        _, again = _window(window)  # a new window (as after a restart) shows the saved address
        assert again.scheduler.text() == cluster.scheduler_address
        again.add_parameter("drive.rate", "600, 900, 1200")
        again.duration.setValue(200.0)
        again.start_button.click()
        _finish(again, qtbot)
    assert again.runner.state == DONE and len(again.rows) == 3 and all(r["error"] == "" for r in again.rows)
    assert any(str(key).startswith("run_task-") for key in finished.keys)  # the runs were the cluster's tasks
    panel.scheduler.clear()
    panel.scheduler.editingFinished.emit()
    assert dask_scheduler() == "" and window().experiments.panel.scheduler_address() is None


def test_the_cluster_address_defaults_to_the_environment_like_the_command_line(window, monkeypatch):
    monkeypatch.setenv("SPIKESTUDIO_SCHEDULER", "tcp://cluster.example:8786")
    w, panel = _window(window)
    assert panel.scheduler_address() == "tcp://cluster.example:8786"
