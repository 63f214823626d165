"""Each lesson step whose text describes a trace or a raster, done as a student does it (Next, the step's own
changes through "Show me", a click on Run), and the feature the text describes found inside the plotted range."""

import numpy as np
import pytest
from gui_helpers import answer_dialogs
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QToolBar
from test_gui_lessons import bundled
from test_gui_live import wait_for

pytestmark = pytest.mark.timeout(240)


def go_to(w, title: str) -> None:
    """Next until the step called ``title``, doing every earlier step's changes with Show me."""
    panel = w.lessons.panel
    titles = [step.title for step in w.lessons.lesson.steps]
    while w.lessons.index < titles.index(title):
        show_me(w)
        panel.next.click()


def show_me(w) -> None:
    for row in w.lessons.panel.rows():
        if row.button is not None and not row.done:
            row.button.click()


def run_step(w):
    """The step's own changes, then a click on the toolbar's Run button; waits for the run's end."""
    show_me(w)
    c = w.simulation.controller
    button = w.findChild(QToolBar, "simulation_toolbar").widgetForAction(w.actions["run"])
    QTest.mouseClick(button, Qt.LeftButton)
    assert wait_for(lambda: c.state == "done", 120.0), c.state
    return c


def visible_trace(w, probe):
    """(t, v) of a probe's curve inside the plot's x range, and the plot's y range."""
    traces = w.simulation.views.traces
    (x0, x1), (y0, y1) = traces.plot.viewRange()
    t, v = traces.curve_data(probe)
    keep = (t >= x0) & (t <= x1)
    return t[keep], v[keep], (x0, x1), (y0, y1)


def visible_spikes(w, node: str, neuron: int = 0) -> np.ndarray:
    """Spike times the run recorded for the neuron, inside the trace plot's x range."""
    (x0, x1), _ = w.simulation.views.traces.plot.viewRange()
    times, ids = w.simulation.controller.sim.results.spikes(node)
    times = times[ids == neuron]
    return times[(times >= x0) & (times <= x1)]


def inside(values, y_range) -> bool:
    return y_range[0] <= float(np.min(values)) and float(np.max(values)) <= y_range[1]


def bursts(times: np.ndarray, gap: float) -> list[np.ndarray]:
    return np.split(times, np.nonzero(np.diff(times) > gap)[0] + 1) if times.size else []


def flat_runs(t: np.ndarray, v: np.ndarray, level: float) -> list[float]:
    """Durations (ms) of the runs of samples sitting exactly at ``level``."""
    at = np.isclose(v, level, atol=1e-6).astype(np.int8)
    edges = np.diff(np.concatenate([[0], at, [0]]))
    starts, stops = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    return [float(t[b - 1] - t[a]) for a, b in zip(starts, stops) if b - a > 1]


# --- lesson 1 ---------------------------------------------------------------------------------------------
def test_lesson_one_each_trace_shows_what_its_step_describes(window):
    w = window()
    assert w.open_lesson(bundled("01").folder)
    go_to(w, "The membrane potential")
    run_step(w)
    t, v, _, y = visible_trace(w, ("neuron", 0, "v"))
    assert t[0] < 10.0 and v[0] == pytest.approx(-70.0, abs=0.5)  # the climb from E_L is on screen
    assert v[-1] == pytest.approx(-58.0, abs=0.01) and inside([-70.0, -58.0, -55.0], y)  # and 3 mV below threshold

    go_to(w, "Threshold and rheobase")
    run_step(w)
    t, v, _, y = visible_trace(w, ("neuron", 0, "v"))
    spikes = visible_spikes(w, "neuron")
    assert spikes.size >= 5 and np.diff(spikes)[-1] == pytest.approx(29.7, abs=0.2)  # one spike every 29.7 ms
    assert inside([-70.0, -55.0], y) and v.max() > -55.5

    go_to(w, "Reset and a strong drive")
    assert w.simulation.window_ms.value() == 50.0  # the step's window
    run_step(w)
    t, v, (x0, x1), y = visible_trace(w, ("neuron", 0, "v"))
    assert x1 - x0 == pytest.approx(50.0)
    runs = flat_runs(t, v, -70.0)
    assert len(runs) >= 10 and all(r == pytest.approx(2.0, abs=0.11) for r in runs[1:-1])  # 2 ms flat at V_reset
    assert inside([-70.0], y)

    go_to(w, "The refractory period caps the rate")
    run_step(w)
    t, v, _, _ = visible_trace(w, ("neuron", 0, "v"))
    assert w.simulation.window_ms.value() == 1000.0  # the student's window is back
    assert any(r == pytest.approx(10.0, abs=0.11) for r in flat_runs(t, v, -70.0))


# --- lesson 2 ---------------------------------------------------------------------------------------------
def test_lesson_two_each_pattern_is_inside_the_plotted_range(window):
    w = window()
    assert w.open_lesson(bundled("02").folder)
    go_to(w, "Regular spiking (RS)")
    run_step(w)
    t, v, (x0, x1), y = visible_trace(w, ("RS", 0, "v"))
    rs = visible_spikes(w, "RS")
    assert x0 <= 50.0 and x1 >= 450.0  # the whole current step is in view
    isi = np.diff(rs)
    assert rs.size >= 8 and isi[0] == pytest.approx(20.0, abs=4.0) and isi[-1] == pytest.approx(45.0, abs=6.0)
    assert inside([v.min(), v.max()], y)

    go_to(w, "Bursting (IB) and chattering (CH)")
    run_step(w)
    ib = visible_spikes(w, "IB")
    first = bursts(ib, 10.0)[0]
    assert first.size == 3 and 50.0 <= first[0] and np.diff(first).max() <= 5.0  # a burst of three, on screen
    ch = bursts(visible_spikes(w, "CH"), 10.0)
    assert len(ch) >= 4 and all(b.size >= 3 for b in ch[:-1])  # repeated bursts
    for probe in (("IB", 0, "v"), ("CH", 0, "v")):
        t, v, _, y = visible_trace(w, probe)
        assert v.max() - v.min() > 40.0 and inside([v.min()], y)

    go_to(w, "Fast spiking (FS) and low-threshold spiking (LTS)")
    run_step(w)
    fs, lts = visible_spikes(w, "FS"), visible_spikes(w, "LTS")
    assert 1000.0 / np.mean(np.diff(fs)) == pytest.approx(130.0, rel=0.15)
    assert np.diff(lts)[0] < 4.5 and np.diff(lts)[-1] > 10.0  # strong adaptation

    go_to(w, "Thalamo-cortical rebound (TC)")
    run_step(w)
    t, v, _, y = visible_trace(w, ("TC", 0, "v"))
    tc = visible_spikes(w, "TC")
    assert tc.size >= 2 and 200.0 < tc[0] < 230.0  # the rebound burst, on screen
    assert v[t < 200.0].min() < -75.0 and inside([v.min()], y)

    go_to(w, "The resonator (RZ)")
    run_step(w)
    t, v, _, (y0, y1) = visible_trace(w, ("RZ", 0, "v"))
    assert visible_spikes(w, "RZ").size == 0
    assert y1 - y0 < 3.0 and inside([v.min(), v.max()], (y0, y1))  # framed on the ringing, not on 30 mV
    d = np.diff(v)
    peaks = t[1:-1][(d[:-1] > 0) & (d[1:] <= 0)]
    assert peaks.size >= 2 and np.diff(peaks)[0] == pytest.approx(43.0, abs=5.0)  # it rings, period ~43 ms

    go_to(w, "What makes a burst?")
    run_step(w)
    ch = visible_spikes(w, "CH")
    assert np.diff(ch)[-1] == pytest.approx(19.0, abs=2.0) and ch[0] < 60.0  # the start and the single spikes


# --- lessons 3 and 4 --------------------------------------------------------------------------------------
def test_lesson_three_the_pulse_and_the_spikes_are_on_screen_and_framed(window):
    w = window()
    assert w.open_lesson(bundled("03").folder)
    go_to(w, "Below threshold")
    run_step(w)
    t, v, _, (y0, y1) = visible_trace(w, ("axon", 0, "v"))
    bump = v[(t > 20.0) & (t < 30.0)]
    assert bump.max() - v[0] == pytest.approx(4.0, abs=1.0) and y1 - y0 < 15.0  # a 4 mV bump, framed
    go_to(w, "The threshold current")
    run_step(w)
    t, v, _, y = visible_trace(w, ("axon", 0, "v"))
    assert v.max() > 30.0 and 20.0 < t[np.argmax(v)] < 25.0 and inside([v.max()], y)
    go_to(w, "Repetitive firing")
    run_step(w)
    spikes = visible_spikes(w, "axon")
    assert spikes.size >= 5 and np.mean(np.diff(spikes)) == pytest.approx(10.0, abs=2.0)


def test_lesson_four_psps_are_on_screen_and_not_squashed_by_the_threshold_line(window):
    w = window()
    assert w.open_lesson(bundled("04").folder)
    go_to(w, "The EPSP")
    run_step(w)
    t, v, _, (y0, y1) = visible_trace(w, ("cell", 0, "v"))
    epsp = v[(t > 50.0) & (t < 100.0)].max() - v[t < 50.0].mean()
    assert epsp == pytest.approx(2.0, abs=0.5) and y1 - y0 < 4 * epsp + 3.0  # not squashed by the -55 mV line
    go_to(w, "The IPSP")
    run_step(w)
    t, v, _, y = visible_trace(w, ("cell", 0, "v"))
    ipsp = v[t < 150.0][-1] - v[(t > 150.0) & (t < 200.0)].min()
    assert ipsp == pytest.approx(3.0, abs=0.7) and inside([v.min()], y)


# --- lesson 6 ---------------------------------------------------------------------------------------------
def test_lesson_six_the_volley_is_inside_the_raster(window):
    w = window()
    assert w.open_lesson(bundled("06").folder)
    go_to(w, "The volley")
    run_step(w)
    x0, x1 = w.simulation.views.raster.plot.viewRange()[0]
    results = w.simulation.controller.sim.results
    firsts = [results.spikes(f"g{k}")[0].min() for k in range(1, 7)]
    assert firsts == pytest.approx([20.1 + 2 * k for k in range(6)], abs=0.06)
    assert x0 <= firsts[0] and firsts[-1] <= x1
    go_to(w, "Delays set the pace")
    run_step(w)  # from time 0 again: the volley is inside the window, 3 ms later from g4 on
    x0, x1 = w.simulation.views.raster.plot.viewRange()[0]
    results = w.simulation.controller.sim.results
    g6 = results.spikes("g6")[0]
    assert g6.min() == pytest.approx(33.1, abs=0.06) and x0 <= g6.min() <= x1


def visible_raster_spikes(w, node: str):
    """(times, neurons) the run recorded for ``node`` inside the raster's x range."""
    x0, x1 = w.simulation.views.raster.plot.viewRange()[0]
    times, ids = w.simulation.controller.sim.results.spikes(node)
    keep = (times >= x0) & (times <= x1)
    return times[keep], ids[keep]


def test_lesson_three_all_or_none_and_the_minimum_rate(window):
    w = window()
    assert w.open_lesson(bundled("03").folder)
    go_to(w, "All or none")
    run_step(w)
    t, v, _, y = visible_trace(w, ("axon", 0, "v"))
    assert v.max() > 30.0 and inside([v.max(), v.min()], y) and 20.0 < t[np.argmax(v)] < 23.0  # same height, earlier
    go_to(w, "A minimum rate")
    run_step(w)
    spikes = visible_spikes(w, "axon")
    assert spikes.size == 1 and spikes[0] < 30.0  # one spike at the onset, then quiet though the current stays on


def test_lesson_four_summation_and_delays(window):
    w = window()
    assert w.open_lesson(bundled("04").folder)
    go_to(w, "Summation")
    run_step(w)  # the step's weight of 1000 pA: the pair crosses threshold once, at about 257 ms
    spikes = visible_spikes(w, "cell")
    assert spikes.size == 1 and spikes[0] == pytest.approx(257.0, abs=2.0)
    go_to(w, "Delays")
    run_step(w)
    later = visible_spikes(w, "cell")
    assert later.size == 1 and later[0] - spikes[0] == pytest.approx(4.0, abs=0.11)


def test_lesson_five_the_raster_shows_asynchronous_then_synchronous_firing(window):
    w = window()
    assert w.open_lesson(bundled("05").folder)
    go_to(w, "Asynchronous irregular")
    run_step(w)
    times, ids = visible_raster_spikes(w, "E")
    assert times.size and ids.max() > 1000  # the whole population, inside the plotted range
    counts = np.histogram(times, bins=np.arange(times.min(), times.max(), 1.0))[0]
    assert counts.std() / counts.mean() < 1.0  # no volleys: spikes spread over time
    go_to(w, "Weaken inhibition: synchronous regular")
    run_step(w)
    times, _ = visible_raster_spikes(w, "E")
    counts = np.histogram(times, bins=np.arange(times.min(), times.max(), 0.25))[0]
    assert counts.std() / counts.mean() > 1.0  # synchronous volleys: fine vertical stripes


def test_lesson_six_a_weak_link_stops_the_volley_and_the_half_centre_alternates(window):
    w = window()
    assert w.open_lesson(bundled("06").folder)
    go_to(w, "Too weak to pass on")
    run_step(w)
    assert visible_raster_spikes(w, "g3")[0].size == 20 and visible_raster_spikes(w, "g4")[0].size == 0
    seen = []
    answer_dialogs([QMessageBox.Discard], seen)  # the chain's edits are not kept when the step opens its network
    go_to(w, "The half-centre oscillator")
    assert seen and w.lessons.on_lesson_network
    run_step(w)
    left, right = visible_raster_spikes(w, "left")[0], visible_raster_spikes(w, "right")[0]
    assert left.size and right.size
    x0, x1 = w.simulation.views.raster.plot.viewRange()[0]
    edges = np.arange(x0, x1, 25.0)
    l_on, r_on = np.histogram(left, edges)[0] > 0, np.histogram(right, edges)[0] > 0
    assert (l_on != r_on).mean() > 0.6  # one side at a time, turn by turn


def test_lesson_seven_post_fires_ten_ms_after_pre_inside_the_raster(window):
    w = window()
    assert w.open_lesson(bundled("07").folder)
    go_to(w, "Pre before post")
    run_step(w)
    pre, post = visible_raster_spikes(w, "pre")[0], visible_raster_spikes(w, "post")[0]
    assert pre.size >= 5 and post.size == pre.size
    assert np.allclose(post - pre, 10.0, atol=0.11)
