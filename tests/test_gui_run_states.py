"""Every control pressed in every state of a run ends somewhere a user can act.

The build state has its own sequences (``test_gui_run_wedge``); here a run is running, paused, done, failed (a
NaN stopped it) or stale (the document changed its structure after the build), and each of Run, Pause, Step,
Step dt, Reset, Rebuild and opening another network is pressed. Whatever the control did, the controller must then
settle (no build or run left hanging), and Reset followed by Run must run the network that is open to its end.
Message boxes are answered as a person would: Yes to "Rebuild?", OK to a failure.
"""

import pytest
from PySide6.QtCore import QPointF, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network
from test_gui_live import open_network, run_to_end, small_network, wait_for

pytestmark = pytest.mark.timeout(180)

STATES = ["running", "paused", "done", "failed", "stale", "stale while running"]
CONTROLS = ["run", "pause", "step", "step_dt", "reset", "rebuild", "open"]
SETTLED = {"ready", "paused", "done", "failed", "no run"}  # states in which nothing happens until the user acts


@pytest.fixture
def dialogs_answered():
    """Answers every message box while the test runs (Yes, else OK); the boxes seen, as (title, text)."""
    seen = []

    def answer():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append((box.windowTitle(), box.text()))
            button = box.button(QMessageBox.Yes) or box.button(QMessageBox.Ok) or box.defaultButton()
            button.click()

    timer = QTimer()
    timer.timeout.connect(answer)
    timer.start(20)
    yield seen
    timer.stop()


def blow_up_network() -> Network:
    """A network whose Izhikevich neurons reach infinity at 25 ms: the run fails there."""
    net = Network(dt=0.1, duration=100.0)
    net.add_spike_times("S", 2, [0, 1], [25.0, 25.0])
    net.add_population("Victims", 3, "izhikevich")
    net.connect("S", "Victims", "all_to_all", weight=1e308, synapse="delta")
    return net


def other_network() -> Network:
    net = Network(dt=0.1, duration=50.0)
    net.add_poisson("Q", 10, rate=50.0)
    net.add_population("Solo", 5, "lif")
    net.connect("Q", "Solo", "all_to_all", weight=300.0)
    return net


def reach(state, window, tmp_path):
    """A window whose run is in ``state``."""
    w = open_network(window, tmp_path, blow_up_network() if state == "failed" else small_network())
    c = w.simulation.controller
    if state == "failed":
        w.actions["run"].trigger()
        assert wait_for(lambda: c.state == "failed", 120), c.state
        return w
    if state in ("running", "paused"):
        w.simulation.duration.setValue(0)  # no end: it runs until paused
        w.actions["run"].trigger()
        assert wait_for(lambda: c.state == "running" and c.tap.t > 5.0, 120), c.state
        if state == "paused":
            w.actions["pause"].trigger()
            assert c.state == "paused"
        return w
    if state == "stale while running":
        w.simulation.duration.setValue(0)
        w.actions["run"].trigger()
        assert wait_for(lambda: c.state == "running" and c.tap.t > 5.0, 120), c.state
    else:
        run_to_end(w)
    w.edits.add_template("pop:lif", QPointF(0, 300))  # a new population: the run no longer matches the document
    assert c.stale and c.state == ("running" if state == "stale while running" else "done")
    return w


def press(control, w, tmp_path):
    if control == "open":
        fileformat.save(other_network(), tmp_path / "other.snn")
        w.stack.setClean()  # nothing to save: opening asks no question
        assert w.files.open_path(tmp_path / "other.snn")
    else:
        w.actions[control].trigger()


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("state", STATES)
def test_every_control_in_every_state_ends_where_a_user_can_act(window, tmp_path, dialogs_answered, state,
                                                                  control):
    w = reach(state, window, tmp_path)
    c = w.simulation.controller
    press(control, w, tmp_path)
    # a build ends (in a run when Run or Rebuild asked for one); a run goes on, endless here, as it should: the
    # user pauses it
    assert wait_for(lambda: c._prep is None and c.state in SETTLED | {"running"}, 120), (c.state, dialogs_answered)
    if c.state == "running":
        w.actions["pause"].trigger()
    assert wait_for(lambda: c.state in SETTLED, 10), c.state
    assert w.actions["run"].isEnabled(), c.state
    opened = control == "open"
    w.actions["reset"].trigger()
    assert c.state in ("no run", "ready") and c.tap.t == 0.0
    w.simulation.duration.setValue(50)
    if state == "failed" and not opened:  # the same network fails again, at the same time: a user can act there
        w.actions["run"].trigger()
        assert wait_for(lambda: c.state == "failed", 120), c.state
        assert 25.0 <= c.tap.t < 50.0
        return
    run_to_end(w)
    assert c.tap.t == pytest.approx(50.0)
    shown = {n.id for n in w.simulation.views.raster.rows._nodes}
    assert shown == {"Solo", "Q"} if opened else shown and shown <= set(w.doc.network.spiking_nodes())
