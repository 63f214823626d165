"""More lesson steps whose text describes a trace, a raster, a phase plane or weights, done as a student does
them (Next, the step's own changes through "Show me", a click on Run), with the described feature found inside
the plotted range: lesson 2's phase plane, lesson 3's threshold, lesson 6's chain and half-centre, lesson 7's
STDP window and the digits."""

import re

import numpy as np
import pytest
from gui_helpers import answer_dialogs, click_node, field
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QToolBar
from test_gui_inspector import type_into
from test_gui_lesson_steps import go_to, run_step, visible_raster_spikes, visible_spikes, visible_trace
from test_gui_lessons import bundled
from test_gui_live import wait_for

pytestmark = pytest.mark.timeout(300)


def click_run(w) -> None:
    button = w.findChild(QToolBar, "simulation_toolbar").widgetForAction(w.actions["run"])
    QTest.mouseClick(button, Qt.LeftButton)


def run_without_the_task(w):
    """Run as the step opens, before its task (the text's first part): the toolbar's Run, to the end."""
    c = w.simulation.controller
    click_run(w)
    assert wait_for(lambda: c.state == "done", 120.0), c.state
    return c


def in_range(values, lo_hi) -> bool:
    values = np.asarray(values, float)
    return values.size > 0 and lo_hi[0] <= values.min() and values.max() <= lo_hi[1]


# --- lesson 2: the phase plane ------------------------------------------------------------------------------
def test_lesson_two_phase_plane_the_trajectory_spirals_in_then_out_into_spikes(window):
    w = window()
    assert w.open_lesson(bundled("02").folder)
    go_to(w, "The phase plane")
    ui = w.simulation
    plane = ui.phase
    assert ui.docks["phase_plane"].isVisible() and plane.population_id == "RZ"
    run_without_the_task(w)  # at 0.1 pA: the stable focus at about -62.1 mV, the trajectory spirals into it
    assert wait_for(lambda: not plane.computing, 60)  # the plane is computed on a pool thread
    focus = [f for f in plane.points if f.stable]
    assert len(focus) == 1 and focus[0].v == pytest.approx(-62.1, abs=0.3)
    v, u = plane.live_data()
    (x0, x1), (y0, y1) = plane.plot.viewRange()
    assert in_range(v, (x0, x1)) and in_range(u, (y0, y1))  # the whole trajectory is inside the plot
    assert in_range([focus[0].v], (x0, x1)) and in_range([focus[0].x], (y0, y1))  # and the crossing too
    assert abs(v[-1] - focus[0].v) < 1.0  # it ends up less than a millivolt from the focus

    run_step(w)  # 0.3 pA: the focus is unstable, the spiral winds out into spikes about every 36 ms
    assert wait_for(lambda: not plane.computing, 60)
    assert not any(f.stable for f in plane.points)
    spikes = visible_spikes(w, "RZ")
    assert spikes.size >= 5 and np.mean(np.diff(spikes[1:])) == pytest.approx(36.0, abs=4.0)
    v, u = plane.live_data()
    (x0, x1), _ = plane.plot.viewRange()
    assert np.nanmax(v) > -40.0 and x0 <= np.nanmin(v)  # the spikes leave the focus, inside the plot
    t, v_trace, _, (y0, y1) = visible_trace(w, ("RZ", 0, "v"))
    assert v_trace.max() > 0.0 and in_range([v_trace.max(), v_trace.min()], (y0, y1))


# --- lesson 3: the threshold current -------------------------------------------------------------------------
def test_lesson_three_the_threshold_lies_near_694_pA_and_the_spike_is_brief(window):
    w = window()
    assert w.open_lesson(bundled("03").folder)
    go_to(w, "The threshold current")
    run_step(w)  # 1000 pA: up to about +40 mV and back within 2 ms
    t, v, _, y = visible_trace(w, ("axon", 0, "v"))
    peak = int(np.argmax(v))
    assert v[peak] == pytest.approx(40.0, abs=6.0) and in_range([v[peak]], y)
    rise = t[peak:][v[peak:] > v[peak] - 0.5 * (v[peak] - v[0])]  # above half height after the peak
    assert rise[-1] - t[peak] < 2.0
    for amplitude, fires in ((650.0, False), (740.0, True)):  # the student tries either side of 694 pA
        click_node(w, "pulse")
        type_into(field(w, "params.amplitude"), f"{amplitude:g}")
        run_without_the_task(w)
        _, v, _, y = visible_trace(w, ("axon", 0, "v"))
        assert (v.max() > 0.0) == fires, (amplitude, v.max())
        assert in_range([v.max(), v.min()], y)


# --- lesson 6: the chain, then the half-centre ----------------------------------------------------------------
def first_spikes(w, groups) -> list[float]:
    return [float(visible_raster_spikes(w, g)[0].min()) for g in groups]


def test_lesson_six_delays_set_the_pace_every_group_inside_the_raster(window):
    w = window()
    assert w.open_lesson(bundled("06").folder)
    go_to(w, "The volley")
    run_step(w)
    before = first_spikes(w, [f"g{k}" for k in range(1, 7)])
    go_to(w, "Delays set the pace")
    run_step(w)
    after = first_spikes(w, [f"g{k}" for k in range(1, 7)])  # (each found inside the raster's x range)
    assert after[:3] == pytest.approx(before[:3], abs=0.06)  # g1 to g3 as before
    assert np.subtract(after[3:], before[3:]) == pytest.approx([3.0] * 3, abs=0.11)  # g4 to g6 3 ms later
    assert after[5] == pytest.approx(33.1, abs=0.06)


def half_centre(w):
    seen = []
    answer_dialogs([QMessageBox.Discard], seen)  # the chain's edits are not kept when the step opens its network
    go_to(w, "The half-centre oscillator")
    assert w.lessons.on_lesson_network


def turns(w, side: str, gap: float = 100.0) -> np.ndarray:
    """Start times of one side's bursts inside the raster's x range."""
    times = np.sort(visible_raster_spikes(w, side)[0])
    return times[np.concatenate([[True], np.diff(times) > gap])] if times.size else times


def test_lesson_six_adaptation_sets_the_rhythm_and_no_inhibition_no_rhythm(window):
    w = window()
    assert w.open_lesson(bundled("06").folder)
    half_centre(w)
    go_to(w, "Adaptation sets the rhythm")
    run_step(w)
    x0, x1 = w.simulation.views.raster.plot.viewRange()[0]
    left = turns(w, "left")
    assert left.size >= 3 and x1 - x0 >= 3 * 220.0  # several periods inside the raster
    assert np.median(np.diff(left)) == pytest.approx(220.0, rel=0.15)  # the period, about 220 ms
    right = turns(w, "right")
    assert right.size >= 3 and all(np.any((r > left[:-1]) & (r < left[1:])) for r in right[1:-1])  # alternating

    go_to(w, "No inhibition, no rhythm")
    run_step(w)
    (x0, x1) = w.simulation.views.raster.plot.viewRange()[0]
    for side in ("left", "right"):
        times, ids = visible_raster_spikes(w, side)
        late = times[times > x0 + 0.5 * (x1 - x0)]
        n = int(ids.max()) + 1
        rate = late.size / n / ((x1 - max(x0 + 0.5 * (x1 - x0), 0.0)) / 1000.0)
        assert 5.0 < rate < 20.0, (side, rate)  # firing all the time, settled near 10 Hz
        edges = np.arange(x0, x1, 150.0)  # longer than a 10 Hz interval
        assert (np.histogram(times, edges)[0] > 0).all()  # no pauses on either side: nothing alternates


# --- lesson 7: STDP ------------------------------------------------------------------------------------------
def weight_shown(w) -> float:
    """The weight of ``syn`` (one synapse) as the Weights panel's summary states it."""
    weights = w.simulation.weights
    weights.select("syn")
    weights.refresh()
    match = re.search(r"weight mean ([-0-9.e]+)", weights.summary.text())
    assert match, weights.summary.text()
    return float(match.group(1))


def test_lesson_seven_post_before_pre_depresses_and_the_window_fades(window):
    w = window()
    assert w.open_lesson(bundled("07").folder)
    go_to(w, "Post before pre")
    run_step(w)
    pre, post = visible_raster_spikes(w, "pre")[0], visible_raster_spikes(w, "post")[0]
    assert pre.size >= 5 and post.size == pre.size and np.allclose(pre - post, 4.0, atol=0.11)  # post 4 ms first
    assert weight_shown(w) == pytest.approx(0.33, abs=0.02)  # depression
    go_to(w, "The window")
    run_step(w)
    pre, post = visible_raster_spikes(w, "pre")[0], visible_raster_spikes(w, "post")[0]
    assert pre.size >= 5 and np.allclose(post - pre, 40.0, atol=0.11)  # post 40 ms after pre, inside the raster
    assert weight_shown(w) == pytest.approx(0.52, abs=0.02)  # a little growth


def test_lesson_seven_digits_the_receptive_fields_take_shape(window):
    w = window()
    assert w.open_lesson(bundled("07").folder)
    seen = []
    answer_dialogs([QMessageBox.Discard], seen)
    go_to(w, "A network that learns digits")
    ui = w.simulation
    c = ui.controller
    assert ui.docks["weights"].isVisible()
    click_run(w)
    assert wait_for(lambda: c.tap.t >= 1_000.0, 120.0), c.tap.t
    c.pause()
    chooser = ui.weights.chooser  # the student picks learn and receptive fields, as the text says
    chooser.setCurrentIndex(chooser.findData("learn"))
    assert ui.weights.projection.id == "learn" and ui.weights.mode.isEnabled()
    ui.weights.mode.setCurrentText("Receptive fields")
    assert ui.weights.showing_fields()
    early = ui.weights.matrix_data()["fields"].copy()
    assert early.shape == (100, 64) and tuple(ui.weights.matrix_data()["grid"]) == (8, 8)  # 100 fields of 8 x 8
    click_run(w)
    assert wait_for(lambda: c.tap.t >= 20_000.0, 240.0), c.tap.t  # 40 digits later
    c.pause()
    late = ui.weights.matrix_data()["fields"]
    changed = np.abs(late - early).max(axis=1) > 1e-3
    assert changed.sum() >= 10  # the winners' fields have moved away from their start
    times, ids = visible_raster_spikes(w, "E")
    x0, x1 = ui.views.raster.plot.viewRange()[0]
    assert times.size and x1 >= c.tap.t - 1.0  # the raster shows the latest digits' winners
