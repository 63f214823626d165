"""The phase plane computes on a pool thread: the app keeps turning meanwhile and says "Computing…", the answer is
the engine's, an answer to an older question (parameters edited, another network opened) is never drawn, a
failure is shown in the view, and closing the window mid-way is clean."""

import time

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QEvent, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QToolButton
from spikestudio.engine.model.network import Network
from spikestudio.engine.teaching import phase_plane as pp
from spikestudio.engine.teaching.described_phase import DescribedPlane, plane_description
from spikestudio.gui.editing.commands import EditItem, push
from test_gui_live import open_network, wait_for

pytestmark = pytest.mark.timeout(180)


def adaptive(amplitude=500.0) -> Network:
    """An adaptive LIF population (described by equations: its plane's ranges cost a one-neuron simulation)."""
    net = Network(dt=0.1, seed=5, duration=200.0)
    net.add_population("T", 2, "lif_adaptive")
    net.add_current("dc", "T", "dc", amplitude=amplitude)
    net.record_spikes("T")
    return net


def izhikevich(I_e=-4.0) -> Network:
    net = Network(dt=0.1, seed=5, duration=200.0)
    net.add_population("N", 3, "izhikevich", I_e=I_e)
    net.add_current("dc", "N", "dc", amplitude=6.0)
    net.record_spikes("N")
    return net


class Answers:
    """What the view drew (the request of each answer shown), and how the event loop turned meanwhile."""

    def __init__(self, view):
        self.view, self.drawn, self.ticks_while_computing = view, [], 0
        self.gaps, self._last = [], time.perf_counter()
        view.finished.connect(lambda: self.drawn.append(view.plane.request if view.plane else None))
        self.timer = QTimer(view, interval=0)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.view.computing:
            self.ticks_while_computing += 1
            self.gaps.append(now - self._last)
        self._last = now

    def settle(self):
        assert wait_for(lambda: not self.view.computing, 120), self.view.note.text()
        return self.view


def set_params(w, pop_id: str, **params) -> None:
    """Edit a population as the inspector does (one undo step), without turning the event loop."""
    edited = w.doc.edited_copy(pop_id)
    edited.params.update(params)
    assert not push(w.stack, EditItem(w.doc, pop_id, edited, "Set", field="params"))


def test_the_app_turns_while_a_described_plane_computes_and_the_answer_is_the_engines(window, tmp_path):
    w = open_network(window, tmp_path, adaptive())
    ui = w.simulation
    ui.docks["analysis"].raise_()  # behind its tab: nothing computed yet
    view = ui.phase
    answers = Answers(view)
    started = time.perf_counter()
    ui.show_phase_plane("T")
    assert view.computing and view.note.text().startswith("Computing the phase plane")
    answers.settle()
    took = time.perf_counter() - started
    # The event loop ran while the plane was computed (how often depends on the machine: a warm cache computes in a
    # few event-loop turns; CI once saw two).
    assert answers.ticks_while_computing >= 1
    print(f"computed in {took:.3f} s; the event loop turned {answers.ticks_while_computing} times meanwhile, "
          f"at most {1000 * max(answers.gaps):.0f} ms apart")
    net = w.doc.network
    plane = DescribedPlane("lif_adaptive", plane_description(net, "lif_adaptive"))
    params = net.populations["T"].params
    ranges = plane.default_ranges(None, params, 500.0)
    assert view.plane.ranges == ranges and view.reset_line.value() == -70.0
    v_null, x_null = plane.nullclines(None, params, 500.0, view.v_null.xData)
    np.testing.assert_array_equal(view.v_null.yData, v_null)
    np.testing.assert_array_equal(view.x_null.yData, x_null)
    assert view.note.text().startswith("T: DC input 500 pA") and view.error == ""
    assert len(answers.drawn) == 1


def test_a_change_mid_way_shows_only_the_newest_plane(window, tmp_path):
    """Izhikevich: fixed points where 0.04 v^2 + (5 - b) v + 140 + I = 0 (u = b v on the u-nullcline)."""
    w = open_network(window, tmp_path, izhikevich())
    view = w.simulation.show_phase_plane()
    answers = Answers(view)
    answers.settle()
    answers.drawn.clear()
    set_params(w, "N", I_e=-5.0)  # asked ...
    assert view.computing
    set_params(w, "N", I_e=-6.0, b=0.25)  # ... and asked again before the first answer could be drawn
    answers.settle()
    assert [r.params["I_e"] for r in answers.drawn] == [-6.0]  # the older answer was dropped
    b, current = 0.25, 6.0 - 6.0
    roots = np.sort(np.roots([0.04, 5.0 - b, 140.0 + current]).real)
    np.testing.assert_allclose(sorted(f.v for f in view.points), roots, rtol=1e-9)
    np.testing.assert_allclose([f.x for f in sorted(view.points, key=lambda f: f.v)], b * roots, rtol=1e-9)
    np.testing.assert_allclose(view.x_null.yData, 0.25 * view.x_null.xData)
    assert "I = 0 pA" in view.note.text()


def test_opening_another_network_mid_way_draws_that_network(window, tmp_path):
    w = open_network(window, tmp_path, adaptive())
    view = w.simulation.show_phase_plane("T")
    answers = Answers(view)
    assert view.computing
    w.files.adopt(izhikevich(I_e=-4.0))  # File > Open while the adaptive LIF's plane is computed
    answers.settle()
    assert [r.model for r in answers.drawn] == ["izhikevich"]
    assert view.population_id == "N" and view.plot.getPlotItem().getAxis("left").labelText == "u"
    expected = pp.fixed_points("izhikevich", w.doc.network.populations["N"].params, 2.0)
    assert [(f.v, f.x) for f in view.points] == [(f.v, f.x) for f in expected]


def test_a_failure_is_said_in_the_view_and_the_next_question_is_answered(window, tmp_path):
    w = open_network(window, tmp_path, adaptive())
    view = w.simulation.show_phase_plane("T")
    answers = Answers(view)
    answers.settle()
    view.start_from(-60.0, 0.0, 0.0)  # a trajectory of no time: the engine refuses the one-neuron network
    answers.settle()
    assert view.note.text().startswith("The phase plane could not be computed: ValidationError")
    assert "duration" in view.error and view.click_trajectory is None
    assert view.v_null.xData.size > 0  # the plane itself still stands
    view.start_from(-60.0, 0.0, 50.0)
    answers.settle()
    assert view.error == "" and view.click_trajectory is not None
    again = DescribedPlane("lif_adaptive", plane_description(None, "lif_adaptive")).trajectory(
        None, w.doc.network.populations["T"].params, 500.0, -60.0, 0.0, 50.0, 0.1)
    np.testing.assert_array_equal(view.click_trajectory.v, again.v)
    np.testing.assert_array_equal(view.clicked.yData, again.x)
    assert view.note.text().startswith("T: DC input 500 pA")


def test_every_control_while_computing_hidden_and_running(window, tmp_path):
    net = adaptive()
    net.duration = 1e6  # long enough to pause it
    net.add_population("A", 1, "adex")
    w = open_network(window, tmp_path, net)
    ui, c = w.simulation, w.simulation.controller
    view = ui.show_phase_plane("T")
    answers = Answers(view)
    buttons = {b.objectName(): b for b in view.findChildren(QToolButton)}
    buttons["phase_fit"].click()  # computing: the fit waits for the answer
    view.neuron.setValue(1)  # probes follow at once
    assert view.probes == [("T", 1, "v"), ("T", 1, "theta")]
    view.start_from(-65.0, 0.1, 40.0)  # a click before the plane is drawn: asked with the plane
    buttons["phase_clear"].click()  # ... and taken back
    assert "v_nullcline_v" not in view.data()  # nothing drawn yet: nothing to export
    answers.settle()
    assert view.click_trajectory is None and "from_click_v" not in view.data()
    (x0, x1), _ = view.plot.viewRange()
    assert (x0, x1) == pytest.approx(view.plane.ranges[0], rel=1e-6)  # the deferred fit
    view.population.setCurrentIndex(view.population.findData("A"))  # another population mid-run
    w.actions["run"].trigger()
    assert wait_for(lambda: c.state == "running", 60)
    set_params(w, "A", b=100.0)
    w.actions["pause"].trigger()
    answers.settle()
    assert view.model == "adex" and view.plane.request.params["b"] == 100.0
    ui.docks["analysis"].raise_()  # hidden: an edit is owed, not computed
    set_params(w, "A", a=3.0)
    assert not view.computing and view.plane.request.params["a"] != 3.0
    ui.docks["phase_plane"].raise_()
    view.set_shown(True)
    answers.settle()
    assert view.plane.request.params["a"] == 3.0
    assert view.live_data()[0].size > 0  # the run drew the probed neuron meanwhile
    assert all(r is not None for r in answers.drawn) and not view.computing


def test_closing_the_window_mid_way_is_clean(window, tmp_path):
    w = open_network(window, tmp_path, adaptive(amplitude=400.0))
    view = w.simulation.show_phase_plane("T")
    assert view.computing
    w.stack.setClean()
    w.close()  # the window deletes itself; its plane's job is still running
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    assert not shiboken6.isValid(view)
    assert QThreadPool.globalInstance().waitForDone(120_000)
    QApplication.processEvents()  # the job's answer (queued) goes to nobody: no exception, no crash
