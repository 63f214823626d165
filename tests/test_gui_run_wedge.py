"""The build/run machine has a way out of every state: what a newcomer did that once left Run dead for minutes,
started a run on a network nobody asked to run, or made the weights dock read a network it was not built for.

The sequences run here on whatever compile cache there is, and again in a fresh process on an empty numba cache
(``test_the_sequences_on_a_cold_compile_cache``), where the build really takes seconds of compiling.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from gui_helpers import answer_dialogs, click_node, field
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QMessageBox
from spikestudio.engine.network import Network
from spikestudio.resources.examples import example_path
from test_gui_inspector import type_into
from test_gui_live import open_network, plastic_network, run_to_end, wait_for

ROOT = Path(__file__).resolve().parents[1]
BUILD_S = 600.0  # a cold compile on a busy machine takes minutes

pytestmark = pytest.mark.timeout(900)


def adaptive_and_izhikevich(window):
    """New network, an Adaptive LIF and an Izhikevich population: a mix the install-time warm-up never compiled."""
    w = window()
    w.files.adopt(Network(duration=100.0))
    w.edits.add_template("pop:lif_adaptive", QPointF(0, 0))
    w.edits.add_template("pop:izhikevich", QPointF(200, 0))
    return w, w.simulation.controller


def test_reset_during_a_build_leaves_run_working(window):
    w, c = adaptive_and_izhikevich(window)
    w.actions["run"].trigger()  # F5: builds (compiles), then runs
    assert c.state == "preparing"
    w.actions["reset"].trigger()  # Shift+F5 at once, the build still under way
    w.actions["run"].trigger()  # F5 again
    assert c.state == "preparing" and c.timer.isActive()  # the status says what it does, and polls the build
    assert wait_for(lambda: c.state == "done", BUILD_S), c.state
    assert c.tap.t == pytest.approx(100.0)


def test_reset_during_a_build_drops_the_run_asked_for(window):
    w, c = adaptive_and_izhikevich(window)
    w.actions["run"].trigger()
    w.actions["reset"].trigger()
    assert wait_for(lambda: c.state != "preparing", BUILD_S)
    assert c.state == "ready" and c.tap.t == 0.0  # built ahead, not run: Reset cancelled the Run
    run_to_end(w)


def test_a_run_asked_for_one_network_never_starts_on_the_next(window):
    w, c = adaptive_and_izhikevich(window)
    w.actions["run"].trigger()
    w.actions["reset"].trigger()
    w.actions["run"].trigger()
    w.stack.setClean()
    assert w.files.open_path(example_path("single_neuron"), example="single_neuron")  # without pressing Run
    assert wait_for(lambda: c.state != "no run" and c.state != "preparing", BUILD_S), c.state
    assert c.state == "ready" and c.tap.t == 0.0
    assert not wait_for(lambda: c.state != "ready" or c.tap.t > 0.0, 0.5)  # and it stays so
    run_to_end(w)  # Run runs the network that is open


@pytest.mark.parametrize("control", ["pause", "step", "step_dt", "reset"])
def test_every_control_pressed_during_a_build_ends_where_run_works(window, control):
    w, c = adaptive_and_izhikevich(window)
    w.actions["run"].trigger()
    w.actions[control].trigger()
    assert c.state == "preparing"
    assert wait_for(lambda: c.state not in ("preparing", "no run"), BUILD_S), c.state
    assert c.state == ("paused" if control.startswith("step") else "ready")  # a Step steps; Pause, Reset cancel
    w.actions["reset"].trigger()
    run_to_end(w)
    assert c.tap.t == pytest.approx(100.0)


def test_closing_the_window_during_a_build_abandons_it(window):
    w, c = adaptive_and_izhikevich(window)
    w.actions["run"].trigger()
    prep = c._prep
    w.stack.setClean()
    w.close()
    assert c._prep is None and not c.timer.isActive()
    assert prep.done.wait(BUILD_S)  # the daemon thread finishes on its own, and nothing starts
    assert c.runner is None


def test_the_weights_dock_never_reads_a_network_it_was_not_built_for(window, tmp_path):
    """A population resized while its projection's weights are shown, then rebuilt: no ValueError in a slot."""
    w = open_network(window, tmp_path, plastic_network())
    ui, c = w.simulation, w.simulation.controller
    assert wait_for(lambda: c.state == "ready", 30)
    ui.docks["weights"].show()
    ui.docks["weights"].raise_()
    ui.weights.select("P->E")
    run_to_end(w)
    click_node(w, "P")
    type_into(field(w, "size"), "100")
    assert w.doc.network.inputs["P"].size == 100 and c.stale
    seen = []
    answer_dialogs([QMessageBox.Yes], seen)
    w.actions["run"].trigger()  # asks, rebuilds and runs on
    assert wait_for(lambda: c.state == "done" and c.tap.t > 200.0, 60)
    assert ui.weights.projection.n_pre == 100
    pre, post, weights = c.sim.connections("P->E")
    assert pre.max() >= 60  # the rebuilt network has synapses from the new neurons, and the view shows them
    assert ui.weights.matrix.shape == (40, 100) and ui.weights.counts.sum() == weights.size


@pytest.mark.slow
def test_the_sequences_on_a_cold_compile_cache(tmp_path):
    """The same sequences in a fresh process whose numba cache is empty: each build compiles for real."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"), QT_QPA_PLATFORM="offscreen")
    tests = [f"{__file__}::{name}" for name in ("test_reset_during_a_build_leaves_run_working",
                                                  "test_a_run_asked_for_one_network_never_starts_on_the_next")]
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "2 passed" in out.stdout
