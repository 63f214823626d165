"""The build/run machine has a way out of every state: what a newcomer did that once left Run dead for minutes,
started a run on a network nobody asked to run, or made the weights dock read a network it was not built for.

The sequences run here on whatever compile cache there is, and again in a fresh process on an empty numba cache
(``test_the_sequences_on_a_cold_compile_cache``), where the build really takes seconds of compiling.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from gui_helpers import answer_dialogs, click_node, field
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QMessageBox
from spikestudio.engine.model.network import Network
from spikestudio.resources.examples import example_path
from test_gui_inspector import type_into
from test_gui_live import open_network, plastic_network, run_to_end, wait_for

ROOT = Path(__file__).resolve().parents[1]
BUILD_S = 600.0  # a cold compile on a busy machine takes minutes
COLD = os.environ.get("SPIKESTUDIO_TEST_COLD_CACHE") == "1"  # set by the cold-cache run below, with an empty cache

pytestmark = pytest.mark.timeout(900)


def adaptive_and_izhikevich(window, models=("lif_adaptive", "izhikevich")):
    """New network, an Adaptive LIF and an Izhikevich population: a mix the install-time warm-up never compiled."""
    w = window()
    w.files.adopt(Network(duration=100.0))
    for k, model in enumerate(models):
        w.edits.add_template(f"pop:{model}", QPointF(200 * k, 0))
    return w, w.simulation.controller


@pytest.mark.skipif(not COLD, reason="needs an empty compile cache: test_the_sequences_on_a_cold_compile_cache runs it")
def test_while_the_kernels_compile_the_status_says_so_and_stop_works(window):
    w, c = adaptive_and_izhikevich(window, ("adex", "hh"))  # a mix no other test here compiles
    status, seen = w.simulation.status, set()

    def compiling():
        found = re.fullmatch(r"Compiling the kernels for AdEx \+ Hodgkin-Huxley \(first time only\)… (\d+) s",
                             status.text())
        if found:
            seen.add(int(found[1]))
        return found is not None

    w.actions["run"].trigger()  # the build's end stops the wait: a status never shown fails now, not in 600 s
    assert wait_for(lambda: compiling() or c.state != "preparing", BUILD_S) and compiling(), (c.state, status.text())
    assert w.actions["reset"].isEnabled() and w.actions["pause"].isEnabled()
    w.actions["reset"].trigger()  # Stop and Reset during the compile: the build is abandoned, its Run with it
    assert c.state == "no run" and status.text() == "t = 0.0 ms"
    w.actions["run"].trigger()  # builds again, and waits for the compile (numba finishes the one under way)
    assert wait_for(lambda: not compiling() and c.state == "done", BUILD_S), c.state
    assert len(seen) >= 2  # the elapsed time counted up (a cold compile takes seconds)
    assert "Network built (kernels compiled in " in w.messages.toPlainText()
    w.actions["reset"].trigger()
    w.actions["run"].trigger()
    assert wait_for(lambda: compiling() or c.state == "done", BUILD_S)
    assert not compiling()  # compiled once: nothing more to say


def sweep_texts(dialog) -> list[str]:
    """Run the F-I tool's sweep to its end; every status text shown meanwhile (read at each event-loop turn, as
    the user would see it), in order, repeats dropped. Ends with the sweep, whatever it said."""
    dialog.run()
    shown = [dialog.status.text()]  # set by run() itself, before any event-loop turn

    def ended():
        if dialog.status.text() != shown[-1]:
            shown.append(dialog.status.text())
        return not dialog.running

    assert wait_for(ended, BUILD_S), shown
    return shown


@pytest.mark.skipif(not COLD, reason="needs an empty compile cache: test_the_sequences_on_a_cold_compile_cache runs it")
def test_the_fi_tool_says_when_it_compiles(window):
    w, _ = adaptive_and_izhikevich(window, ("lif_adaptive",))  # the phase plane, behind its tab, runs nothing
    dialog = w.simulation.show_fi_curve()
    shown = sweep_texts(dialog)
    assert any(text.startswith("Compiling the kernels for adaptive LIF (first time only)…") for text in shown), shown
    assert shown[-1].startswith(f"{dialog.points.value()} currents"), shown  # the curve, once compiled
    shown = sweep_texts(dialog)  # compiled now: the second sweep says nothing of compiling
    assert shown[0].startswith("Running") and not any("Compiling" in text for text in shown), shown


def test_reset_during_a_build_leaves_run_working(window):
    w, c = adaptive_and_izhikevich(window)
    w.actions["run"].trigger()  # F5: builds (compiles), then runs
    assert c.state == "preparing"
    w.actions["reset"].trigger()  # Shift+F5 at once, the build still under way
    w.actions["run"].trigger()  # F5 again
    assert c.state == "preparing" and c.timer.isActive()  # the status says what it does, and polls the build
    assert wait_for(lambda: c.state == "done", BUILD_S), c.state
    assert c.tap.t == pytest.approx(100.0)


def test_reset_during_a_build_abandons_it_and_the_run_asked_for(window):
    w, c = adaptive_and_izhikevich(window)
    w.actions["run"].trigger()
    build = c._prep
    w.actions["reset"].trigger()
    assert c.state == "no run" and not w.actions["reset"].isEnabled() and w.actions["run"].isEnabled()
    assert build.done.wait(BUILD_S)  # the abandoned build ends on its thread; nothing takes it, nothing runs
    assert not wait_for(lambda: c.state != "no run" or c.sim is not None, 0.5)
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
    assert c.state == ("no run" if control == "reset" else "preparing")
    # a Step steps once built; Pause cancels the Run and lets the build finish; Reset abandons both
    expected = {"pause": "ready", "step": "paused", "step_dt": "paused", "reset": "no run"}[control]
    assert wait_for(lambda: c.state == expected and c._prep is None, BUILD_S), c.state
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
    assert wait_for(lambda: c.state == "ready", BUILD_S)  # this mix of parts may compile now (as in test_gui_live)
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
    assert wait_for(lambda: c.state == "done" and c.tap.t > 200.0, BUILD_S)
    assert ui.weights.projection.n_pre == 100
    pre, post, weights = c.sim.connections("P->E")
    assert pre.max() >= 60  # the rebuilt network has synapses from the new neurons, and the view shows them
    assert ui.weights.matrix.shape == (40, 100) and ui.weights.counts.sum() == weights.size


@pytest.mark.slow
def test_the_sequences_on_a_cold_compile_cache(tmp_path):
    """The same sequences in a fresh process whose numba cache is empty: each build compiles for real."""
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"), QT_QPA_PLATFORM="offscreen",
               SPIKESTUDIO_TEST_COLD_CACHE="1")
    tests = [f"{__file__}::{name}" for name in ("test_while_the_kernels_compile_the_status_says_so_and_stop_works",
                                                  "test_the_fi_tool_says_when_it_compiles",
                                                  "test_reset_during_a_build_leaves_run_working",
                                                  "test_a_run_asked_for_one_network_never_starts_on_the_next")]
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "4 passed" in out.stdout, out.stdout[-4000:]
