"""The live simulation of a window: build off the GUI thread, run on a worker, draw at a steady frame rate.

The GUI thread never simulates: a worker builds the network (and compiles its time loop), a
``Runner`` steps it, and a 30 fps timer takes a copy of the recent output from the ``LiveTap``
and hands it to the plots. Edits to the document reach the run as parameter changes when they can
(``engine.live_diff``), else the run asks to be rebuilt and keeps its plots' history.
"""

from __future__ import annotations

import copy
import math
import sys

from PySide6.QtCore import QObject, QTimer, Signal

from ...engine.model.custom import neuron_model
from ...engine.model.names import display_name, readable_error
from ...engine.model.params import ValidationError
from ...engine.simulation.build import estimate_memory
from ...engine.simulation.live import LiveTap
from ...engine.simulation.live_diff import live_changes
from ...engine.simulation.runner import DONE, FAILED, IDLE, PAUSED, RUNNING, Runner
from ...engine.simulation.simulator import Simulator
from ...plugins.registry import default_registry
from ..base import dialogs
from ..plots.live_common import plot_color, spike_levels
from ..plots.traces import MAX_PROBES
from .auto_window import MEASURE_MS, suggested_window, window_for_rate
from .preparation import CHUNK_STEPS, RESULTS_MAX_SPIKES, Preparation
from .recorder_probes import recorded_trace, recorder_probes
from .run_status import RunStatus

__all__ = ["RunController", "SPEEDS", "STEP_MS", "FRAME_MS", "RESULTS_MAX_SPIKES"]

FRAME_MS = 33  # ~30 frames per second
SWITCH_INTERVAL = 0.001  # s; Python's default 5 ms lets drawing hold the GIL while a finished chunk waits
STEP_MS = 10.0  # what "Step" advances
PREBUILD_MAX_BYTES = 256 << 20  # a network estimated larger is built when Run is pressed, not on Open
SPEEDS = [("As fast as possible", None), ("10× real time", 10.0), ("5×", 5.0), ("2×", 2.0),
          ("1× (real time)", 1.0), ("0.5×", 0.5), ("0.2×", 0.2), ("0.1×", 0.1), ("0.05×", 0.05),
          ("0.02×", 0.02), ("0.01×", 0.01)]

# What the controller is doing, shown in the status bar and used to enable actions.
NO_RUN, PREPARING, READY = "no run", "preparing", "ready"


class RunController(QObject):
    """Run, Pause, Step, Reset and Rebuild of one window's network; feeds ``views`` every frame."""

    message = Signal(str)
    state_changed = Signal(str)
    status_changed = Signal(str)
    stale_changed = Signal(list)  # reasons the running network differs structurally from the document
    failed = Signal(str)  # a run or a build stopped with this message
    frame_drawn = Signal()
    built = Signal()  # a (re)built network is ready: ``sim`` is new
    window_suggested = Signal(float)  # a narrower plot window for a network that fires fast (see auto_window)

    def __init__(self, parent, doc, views):
        super().__init__(parent)
        self.doc, self.views = doc, views
        self.sim: Simulator | None = None
        self.runner: Runner | None = None
        self.tap = self._new_tap()
        views.rates.inputs.toggled.connect(self._count_inputs)
        self.window_ms = 1000.0
        self.window_chosen = False  # the user (or a lesson) set the window since this network opened
        self.restart_when_done = False  # a Run after a finished run starts again from time 0 (a lesson's @restart)
        self._suggesting = False
        self._window_before_suggestion: float | None = None  # restored when another network opens
        self.duration_ms: float | None = doc.network.duration
        self.speed: float | None = None
        self.end_ms: float | None = None  # simulated time the current run stops at
        self.run_start_ms = 0.0
        self.stale: list[str] = []
        self.probes: list = []  # the traces view's
        self.view_probes: dict[str, list] = {}  # other views' (the phase plane's), sampled alongside
        self.shown_inputs: list[str] = []  # inputs whose spikes the raster shows (recorded on request)
        self._prep: Preparation | None = None  # the build under way (its ``then``: what to do once ready)
        self._rules = None
        self._state = NO_RUN
        self._status = RunStatus()  # the status bar's line, with rates over the last frames
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._tick)
        for event in (doc.items_added, doc.items_removed, doc.item_changed, doc.settings_changed):
            event.connect(self._doc_changed)
        doc.network_replaced.connect(self._network_replaced)
        doc.items_added.connect(self._items_added)
        views.probes_requested.connect(self.set_probes)
        views.raster.shown_changed.connect(self.show_spikes_of)

    # --- state ------------------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    def _set_state(self, state: str) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def _rules_now(self) -> dict:
        if self._rules is None:
            self._rules = default_registry().learning_rules()
        return self._rules

    # --- commands -----------------------------------------------------------------------------------
    def prepare(self, then=None, measure: bool = False) -> None:
        """Build (and compile) the document's network on a worker thread; ``then()`` runs when it is ready;
        ``measure``: its first ms are run to choose the plots' window (see auto_window) if none was chosen.

        The frame timer runs for as long as a build exists, so a finished build is always taken.
        """
        self.timer.start()
        if self._prep is not None:  # a build is under way, or done and not yet taken: it will call ``then``
            if then is not None:  # a build ahead of time (then=None) never cancels a Run waiting for a build
                self._prep.then = then
            return
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._prep = Preparation(copy.deepcopy(self.doc.network), self._rules_now(), self.shown_inputs, then,
                                 measure=measure and not self.window_chosen)
        self._set_state(PREPARING)
        if self.doc.network.spiking_nodes():
            self.message.emit("Building the network…")
        else:
            self.message.emit("The network is empty: add a population from the palette to see something")

    def run(self) -> None:
        """Run (or continue) until the duration is simulated, or until paused when the duration is open."""
        if self._prep is not None:
            self._prep.then = self.run
            return
        if self.sim is None or self._state == FAILED:
            self._fresh_start(self.run)
            return
        if self.stale and not self._confirm_rebuild():
            return
        if self.stale:
            self.rebuild(then=self.run)
            return
        if self.restart_when_done and self._state == DONE and self.tap.t > 0.0:
            self.reset()
            self.message.emit("Back at time 0: each run of this step starts from the beginning")
        t = self.tap.t
        if self._state in (READY, DONE) or self.end_ms is None or t >= self.end_ms - 1e-9:  # (after Steps too)
            self.run_start_ms = t
            self.end_ms = None if self.duration_ms is None else t + self.duration_ms
        self.runner.run(None if self.end_ms is None else self.end_ms - t)
        self._started()

    def pause(self) -> None:
        self._drop_request()  # a Run pressed while building no longer starts when the build is done
        if self.runner is not None:
            self.runner.pause()
            self.runner.wait(10)
            self._tick()

    def step(self, steps: int | None = None) -> None:
        """Advance one chunk (``STEP_MS``) or ``steps`` time steps, then pause."""
        if self.sim is None or self._prep is not None or self._state == FAILED:
            self._fresh_start(lambda: self.step(steps))
            return
        if self.runner.busy:
            self.pause()
        n = steps if steps is not None else max(1, int(round(STEP_MS / self.sim.network.dt)))
        self.runner.step(n)
        self._started()

    def step_dt(self) -> None:
        self.step(1)

    def reset(self) -> None:
        """Back to time 0: the same network (or the edited one, when its structure changed) from its start.

        A build under way (a slow learning rule, a compile) is cancelled, and the Run or Step waiting for it with it;
        the next Run builds afresh.
        """
        self._cancel_prep()
        self._stop_runner()
        self.tap.clear()
        self.end_ms = None
        if self.sim is not None and not self.stale and self._state != FAILED:
            self.sim.reset()
            self._new_runner(self.sim)
            self._set_state(READY)
        else:
            self._drop_sim()
        self._status.clear()
        self.views.clear()
        self._tick()

    def rebuild(self, then=None) -> None:
        """Build the edited network and carry on: the plots keep their history, time keeps counting."""
        self._stop_runner()
        self.prepare(then=then)

    def set_speed(self, speed: float | None) -> None:
        self.speed = speed
        if self.runner is not None:
            self.runner.set_speed(speed)

    def set_duration(self, duration_ms: float | None) -> None:
        """Simulated ms a Run covers (None: until paused); a run in progress gets the new end at once."""
        self.duration_ms = duration_ms
        if self.runner is None or self._state not in (RUNNING, PAUSED):
            return
        self.end_ms = None if duration_ms is None else self.run_start_ms + duration_ms
        if self._state == RUNNING:
            left = None if self.end_ms is None else self.end_ms - self.tap.t
            if left is not None and left <= 0:
                self.pause()
            else:
                self.runner.run(left)

    def set_window(self, window_ms: float) -> None:
        self.window_ms = float(window_ms)
        self.window_chosen = self.window_chosen or not self._suggesting
        if not self._suggesting:  # the user's own window: kept from network to network
            self._window_before_suggestion = None
        self.tap.window = self.window_ms
        self._draw()

    def set_probes(self, probes: list) -> None:
        """Sample these (node id, neuron, variable) every step; refused probes are named in the trace view."""
        if self.sim is not None:
            try:
                self.sim.set_probes(self._merged_probes(probes))
            except ValueError as exc:
                self.views.traces.show_error(readable_error(self.doc.network, exc))
                return
        kept = set(self._merged_probes(probes))
        before = set(self._merged_probes(self.probes))
        for old in before:
            if old not in kept:
                self.tap.forget_probe(old)
        for probe in kept - before:
            self._seed_from_recorders(probe)
        self.probes = list(probes)
        levels = {pid: spike_levels(pop) for pid, pop in self.doc.network.populations.items()}
        self.views.traces.set_probes(self.probes, levels)
        self._draw()

    def _seed_from_recorders(self, probe) -> None:
        """A neuron a state recorder of the running network samples shows what the run recorded so far."""
        if self.sim is not None and self._state != RUNNING:
            recorded = recorded_trace(self.sim, probe)
            if recorded is not None:
                self.tap.seed_probe(probe, *recorded)

    def _items_added(self, ids) -> None:
        """A membrane recorder added to the document puts its neurons in the traces panel."""
        new = [p for p in recorder_probes(self.doc.network, set(ids)) if p not in self.probes]
        if new:
            self.set_probes((self.probes + new)[-MAX_PROBES:])

    def set_view_probes(self, view: str, probes: list) -> None:
        """Probes another view (``view`` names it) needs sampled besides the traces'; the traces never show them."""
        old = self.view_probes.get(view, [])
        self.view_probes[view] = list(probes)
        self.set_probes(self.probes)
        for probe in old:  # dropped here when the traces' own probes hide them from ``set_probes``
            if probe not in self._merged_probes(self.probes):
                self.tap.forget_probe(probe)

    def _merged_probes(self, probes: list) -> list:
        """The traces' probes, then every view's that the running network has, without repeats."""
        extra = [p for view in self.view_probes.values() for p in view]
        if self.sim is not None:
            pops = self.sim.network.populations
            extra = [p for p in extra if p[0] in pops and 0 <= p[1] < pops[p[0]].size
                     and p[2] in getattr(neuron_model(self.sim.network, pops[p[0]].model), "state", ())]
        return list(dict.fromkeys(list(probes) + extra))

    def show_spikes_of(self, node_ids: list[str]) -> None:
        """The raster shows these nodes: record the inputs among them from the next chunk."""
        self.shown_inputs = [n for n in node_ids if n in self.doc.network.inputs]
        if self.sim is not None:
            self.sim.record_spikes_of([n for n in self.shown_inputs if n in self.sim.built.nodes])

    def shutdown(self) -> None:
        """Stop the worker cleanly (the window is closing); a build in progress is abandoned."""
        self.timer.stop()
        self._stop_runner()
        self._cancel_prep()

    # --- internals ----------------------------------------------------------------------------------
    def _drop_request(self) -> None:
        if self._prep is not None:
            self._prep.then = None

    def _fresh_start(self, then) -> None:
        if self._state == FAILED:
            self.reset()
        self.prepare(then=then)

    def _started(self) -> None:
        self._set_state(READY if self.runner.state == IDLE else self.runner.state)
        self._status.clear()
        self.timer.start()

    def _cancel_prep(self) -> None:
        """Abandon the build under way: its thread stops at its next check, and Run waits for it no longer."""
        if self._prep is not None:
            self._prep.cancel()
            self._prep = None

    def _new_runner(self, sim: Simulator) -> None:
        self.runner = Runner(sim)
        self.runner.set_speed(self.speed)
        # Not wired to ``runner.on_settled``: taking the end of a run at once (a queued ``_tick``) lost a Run
        # pressed right after opening another network in the full test_gui_live file (the run stayed "ready");
        # the frame timer's poll takes the end within a frame instead.

    def _stop_runner(self) -> None:
        if self.runner is not None:
            self.runner.stop()
            self.runner = None

    def _new_tap(self, **options) -> LiveTap:
        tap = LiveTap(**options)
        tap.count_inputs = self.views.rates.inputs.isChecked()
        return tap

    def _count_inputs(self, shown: bool) -> None:
        """The rates show the inputs: a fused background's are drawn again for them (from the next chunk)."""
        self.tap.count_inputs = shown

    def _drop_sim(self) -> None:
        self.tap.detach()
        self.tap = self._new_tap(window=self.window_ms)
        self.sim = None
        self._set_state(NO_RUN)
        self._set_stale([])

    def _confirm_rebuild(self) -> bool:
        return dialogs.ask_yes_no(self.parent(), "Rebuild the network?",
                                  "The network's structure changed since this run was built:\n• "
                                  + "\n• ".join(self.stale) + "\n\nRebuild it and continue? The plots keep their "
                                  "history; the new network starts from its initial state.")

    def _prepared(self) -> None:
        prep, self._prep = self._prep, None
        if prep.error is not None:
            self._set_state(NO_RUN if self.sim is None else PAUSED)
            text = f"The network could not be built: {readable_error(self.doc.network, prep.error)}"
            if prep.then is None:  # built ahead of time, unasked: a note, not a dialog
                self.message.emit(text)
            else:
                self._report(text)
            return
        sim = prep.sim
        edits, reasons = live_changes(sim.network, self.doc.network)
        if reasons:  # the document changed structurally while it was building: build again
            self.prepare(then=prep.then)
            return
        self._apply_edits(sim, edits)
        self.tap.attach(sim)
        self.views.raster.rows.keep_only(sim.built.nodes)
        self.sim = sim
        self._new_runner(sim)
        self._set_stale([])
        known = [p for p in self.probes if p[0] in sim.network.populations
                 and p[1] < sim.network.populations[p[0]].size]
        self.set_probes(known)
        self._set_colors()
        self._set_state(READY)
        self.built.emit()
        compiled = f" (kernels compiled in {prep.compile_seconds:.0f} s)" if prep.compile_seconds else ""
        window = self._window_on_open(prep)
        if prep.then is None:  # built ahead of time; a Run or Step waiting for it starts now and says so itself
            self.message.emit(f"Network built{compiled}: press Run{window}")
        elif compiled or window:
            self.message.emit(f"Network built{compiled}{window}")
        if prep.then is not None:
            prep.then()

    def _set_colors(self) -> None:
        nodes = list(self.doc.network.spiking_nodes())
        colors = {nid: plot_color(self.doc.network, nid, k) for k, nid in enumerate(nodes)}
        self.views.set_colors(colors)
        self.views.traces.set_populations({pid: p.name for pid, p in self.doc.network.populations.items()})

    def _apply_edits(self, sim: Simulator, edits) -> list[str]:
        """Send parameter edits to the simulation; those it cannot take become reasons to rebuild."""
        refused = []
        for item_id, name, value in edits:
            try:
                sim.set_param(item_id, name, value)
            except (KeyError, ValidationError, ValueError) as exc:
                net = self.doc.network
                refused.append(f"“{display_name(net, item_id)}”, {name}: {readable_error(net, exc)}")
        return refused

    def _doc_changed(self, *_) -> None:
        self._set_colors()
        if self.sim is None:
            return
        edits, reasons = live_changes(self.sim.network, self.doc.network)
        if reasons and self._state == READY and self.tap.t == 0.0:  # never ran: nothing to keep or ask about
            self._stop_runner()
            self._drop_sim()
            return
        reasons += self._apply_edits(self.sim, edits)
        if edits and not reasons:
            when = "at the next chunk" if self._state == RUNNING else "now"
            shown = ", ".join(f"{display_name(self.doc.network, i)} {n} = {v:g}" for i, n, v in edits)
            self.message.emit(f"Changed {shown} {when}")
            self.set_probes(self.probes)  # threshold and reset marks follow the parameters
        self._set_stale(reasons)

    def _set_stale(self, reasons: list[str]) -> None:
        if reasons != self.stale:
            self.stale = reasons
            self.stale_changed.emit(reasons)

    def _network_replaced(self) -> None:
        """Another network was opened: the old run ends, and its plots go, with its build and what waited on it."""
        self._stop_runner()
        self._cancel_prep()
        self._drop_sim()
        self.probes = []
        self.views.clear()
        self.views.raster.rows.clear_nodes()
        self._set_colors()
        self.duration_ms = self.doc.network.duration
        if self._window_before_suggestion is not None:  # a window chosen for the last network, not by the user
            self._offer_window(self._window_before_suggestion)
            self._window_before_suggestion = None
        self.window_chosen = False
        self.views.traces.set_probes([], {})
        self.set_probes(recorder_probes(self.doc.network)[:MAX_PROBES])  # a membrane recorder shows its traces
        net = self.doc.network
        if net.spiking_nodes() and not net.validate() and estimate_memory(net, CHUNK_STEPS)[1] <= PREBUILD_MAX_BYTES:
            QTimer.singleShot(0, self._prebuild)

    def _prebuild(self) -> None:
        """Build and compile while the user looks (Run then starts at once), and choose the plots' window."""
        self.prepare(measure=True)

    def _report(self, text: str) -> None:
        self.message.emit(text)
        self.failed.emit(text)

    # --- every frame ----------------------------------------------------------------------------------
    def _tick(self) -> None:
        if self._prep is not None and self._prep.done.is_set():
            self._prepared()
        runner = self.runner
        if runner is not None:
            state = runner.state
            if state == FAILED and self._state != FAILED:
                self._set_state(FAILED)
                self._draw()
                self._report(f"The simulation stopped: {readable_error(self.doc.network, runner.error)}")
                return
            state = READY if state == IDLE else state
            if state != self._state and self._state not in (PREPARING,):
                self._set_state(state)
        self._suggest_window()
        self._draw()
        if self._state != RUNNING and self._prep is None:
            self.timer.stop()

    def _window_on_open(self, prep: Preparation) -> str:
        """The window for a network measured as it opened (once); what the status text adds about it."""
        if prep.rate is None or self.window_chosen:
            return ""
        self.window_chosen = True
        window = window_for_rate(prep.rate, self.window_ms)
        return "" if window is None else f". {self._offer_window(window)}"

    def _suggest_window(self) -> None:
        """Early in the first run of a network not measured on open: a narrower window if it fires too fast."""
        if self.window_chosen or self.sim is None or self.tap.t < MEASURE_MS:
            return
        self.window_chosen = True  # asked once; the user's choice from then on
        window = suggested_window(self.sim, self.window_ms)
        if window is not None:
            self.message.emit(self._offer_window(window))

    def _offer_window(self, window: float) -> str:
        """Show ``window`` ms (as the toolbar's Window, not as the user's choice); the sentence saying so."""
        if self._window_before_suggestion is None:
            self._window_before_suggestion = self.window_ms
        self._suggesting = True
        try:
            self.window_suggested.emit(window)
        finally:
            self._suggesting = False
        return f"The network fires fast: the plots show {window:g} ms so spikes stay apart (Window in the toolbar)"

    def shown_window(self) -> float:
        """The plots' time window: the chosen one, but no wider than the runs so far (whole durations), so a
        100 ms run fills the plot and each further run widens it by one duration, up to the chosen window."""
        if not self.duration_ms or self.duration_ms >= self.window_ms:
            return self.window_ms
        runs = max(1, math.ceil(self.tap.t / self.duration_ms - 1e-9))
        return min(self.window_ms, runs * self.duration_ms)

    def _draw(self) -> None:
        frame = self.tap.frame(self.window_ms)
        self.views.show_frame(frame, self.shown_window(), running=self._state == RUNNING)
        self._update_status(frame)
        self.frame_drawn.emit()

    def _update_status(self, frame) -> None:
        self.status_changed.emit(self._status.text(frame, self._state == RUNNING, self._prep))
