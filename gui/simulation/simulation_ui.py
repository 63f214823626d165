"""The window's simulation controls: Simulation menu and toolbar, plot docks, status and the rebuild prompt.

It only wires widgets to the ``RunController``; the controller does the work.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QMenu,
    QStyle,
    QToolBar,
)

from ...engine.model.custom import neuron_model
from ...engine.model.names import display_name
from ...engine.simulation.runner import DONE, FAILED, PAUSED, RUNNING
from ...engine.teaching.described_phase import plane_description
from ..base import dialogs, style
from ..base.docks import tabify
from ..editing.commands import EditSettings, push
from ..plots.analysis import FICurveDialog, ISIView
from ..plots.live_views import LiveViews
from ..plots.phase_plane import PhasePlaneView
from ..plots.weights import WeightsView, projection_shapes
from .run_controller import NO_RUN, PREPARING, READY, SPEEDS, STEP_MS, RunController

__all__ = ["SimulationUI", "install_simulation"]

RESULTS_FILTER = "Results (*.npz)"


class SimulationUI:
    """Everything the user touches to run a network, for one main window."""

    def __init__(self, window):
        self.window = window
        self.views = LiveViews(window)
        self.controller = RunController(window, window.doc, self.views)
        self._weights_sim = None  # the simulator whose projections the weights view was told about
        self.weights = WeightsView(self._connections)
        self.analysis = ISIView()
        self.phase = PhasePlaneView(window.doc)
        self.docks = {
            "raster": self._dock("raster", "Raster", self.views.raster),
            "traces": self._dock("traces", "Membrane traces", self.views.traces),
            "rates": self._dock("rates", "Population rates", self.views.rates),
            "weights": self._dock("weights", "Weights", self.weights),
            "analysis": self._dock("analysis", "ISI analysis", self.analysis),
            "phase_plane": self._dock("phase_plane", "Phase plane", self.phase),
        }
        window.setCorner(Qt.BottomLeftCorner, Qt.BottomDockWidgetArea)
        window.setCorner(Qt.BottomRightCorner, Qt.BottomDockWidgetArea)
        window.splitDockWidget(self.docks["raster"], self.docks["traces"], Qt.Horizontal)
        window.splitDockWidget(self.docks["traces"], self.docks["rates"], Qt.Horizontal)
        tabify(window, self.docks["rates"], self.docks["weights"])
        tabify(window, self.docks["weights"], self.docks["analysis"])
        tabify(window, self.docks["analysis"], self.docks["phase_plane"])
        tabify(window, self.docks["phase_plane"], window.messages_dock)  # one row of docks under the canvas
        self.docks["rates"].raise_()
        for dock in self.docks.values():  # long projection ids must not widen the window's minimum
            for combo in dock.findChildren(QComboBox):
                combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
                combo.setMinimumContentsLength(5)
                combo.setMinimumWidth(60)
        window.resizeDocks([self.docks[k] for k in ("raster", "traces", "rates")], [620, 390, 390], Qt.Horizontal)
        window.resizeDocks([self.docks["raster"]], [300], Qt.Vertical)
        self.actions = self._actions()
        self._menu()
        self._toolbar()
        self.status = QLabel(textFormat=Qt.PlainText)  # messages may quote names from the file
        self.status.setObjectName("simulation_status")
        self.status.setToolTip("Simulated time, how many times faster than real time it runs, and spikes per "
                               "second of wall-clock time")
        self.status.setMinimumWidth(self.status.fontMetrics().horizontalAdvance(
            "t = 1,000,000.0 ms · 99.9× real time · 9,999,999 spikes/s"))  # never squeezed to "t"
        window.statusBar().addPermanentWidget(self.status)
        c = self.controller
        c.status_changed.connect(self.status.setText)
        c.state_changed.connect(self._state_changed)
        c.stale_changed.connect(self._stale_changed)
        c.message.connect(window.show_message)
        c.failed.connect(lambda text: dialogs.show_error(window, "Simulation stopped", text))
        window.doc.network_replaced.connect(self._network_replaced)
        window.doc.settings_changed.connect(self._settings_changed)
        window.view.node_menu_requested.connect(self._node_menu)
        c.built.connect(self._built)
        self.phase.probes_changed.connect(lambda probes: c.set_view_probes("phase_plane", probes))
        c.frame_drawn.connect(lambda: self.phase.show_frame(self.views.last))
        self.docks["phase_plane"].toggleViewAction().toggled.connect(self.phase.set_active)
        self.phase.set_shown(False)  # behind another tab until the dock says otherwise
        self.docks["phase_plane"].visibilityChanged.connect(self.phase.set_shown)
        for name, view in (("analysis", self.analysis), ("weights", self.weights)):  # these too compute when seen
            view.set_shown(False)
            self.docks[name].visibilityChanged.connect(view.set_shown)
        c.set_view_probes("phase_plane", self.phase.probes)
        self._state_changed(c.state)
        self._stale_changed([])
        self._network_replaced()

    # --- widgets -------------------------------------------------------------------------------------
    def _dock(self, name: str, title: str, widget) -> QDockWidget:
        dock = QDockWidget(title, self.window)
        dock.setObjectName(f"{name}_dock")
        dock.setWidget(widget)
        self.window.addDockWidget(Qt.BottomDockWidgetArea, dock)
        self.window.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def _actions(self) -> dict[str, QAction]:
        c, style = self.controller, self.window.style()
        specs = [
            ("run", "&Run", c.run, ["F5", "Ctrl+R"], QStyle.SP_MediaPlay, "Run the network (continue when paused)"),
            ("pause", "&Pause", c.pause, ["F6", "Ctrl+."], QStyle.SP_MediaPause, "Pause at the next chunk"),
            ("step", f"&Step {STEP_MS:g} ms", c.step, ["F10"], QStyle.SP_MediaSeekForward,
             f"Simulate {STEP_MS:g} ms, then pause"),
            ("step_dt", "Step One &dt", c.step_dt, ["Shift+F10"], QStyle.SP_MediaSkipForward,
             "Simulate a single time step, then pause"),
            ("reset", "Stop and R&eset", c.reset, ["Shift+F5"], QStyle.SP_MediaStop,
             "Stop and go back to time 0 (the plots are cleared)"),
            ("rebuild", "Re&build", lambda: c.rebuild(then=c.run if c.state == RUNNING else None), None,
             QStyle.SP_BrowserReload, "Build the edited network and continue; the plots keep their history"),
            ("fi_curve", "F–I Curve…", self.show_fi_curve, None, None,
             "Sweep a constant current through a population's neuron model and plot its firing rate"),
            ("phase_plane", "&Phase Plane", self.show_phase_plane, None, None,
             "Nullclines, vector field, fixed points and the live trajectory of an Izhikevich or AdEx neuron"),
            ("save_results", "Save Results…", self.save_results, None, None, "Save the run's recordings to .npz"),
            ("export_csv", "Export Results as CSV…", self.export_csv, None, None,
             "Write every recording of the run as CSV files into a folder"),
        ]
        actions = {}
        for name, text, slot, keys, icon, tip in specs:
            action = QAction(text, self.window)
            action.setObjectName(name)
            if icon is not None:
                action.setIcon(style.standardIcon(icon))
            if keys:
                action.setShortcuts([QKeySequence(k) for k in keys])
            action.setStatusTip(tip)
            action.setToolTip(f"{text.replace('&', '')} ({keys[0]})" if keys else text.replace("&", ""))
            action.triggered.connect(lambda _=False, s=slot: s())
            self.window.addAction(action)
            self.window.actions[name] = action
            actions[name] = action
        return actions

    def _menu(self) -> None:
        bar = self.window.menuBar()
        help_action = next(a for a in bar.actions() if a.text().replace("&", "") == "Help")
        menu = bar.addMenu("&Simulation")
        bar.insertMenu(help_action, menu)
        a = self.actions
        menu.addActions([a["run"], a["pause"], a["step"], a["step_dt"], a["reset"], a["rebuild"]])
        menu.addSeparator()
        menu.addActions([a["fi_curve"], a["phase_plane"]])
        menu.addSeparator()
        menu.addActions([a["save_results"], a["export_csv"]])

    def _toolbar(self) -> None:
        bar = QToolBar("Simulation", self.window)
        bar.setObjectName("simulation_toolbar")
        self.window.addToolBarBreak()
        self.window.addToolBar(bar)
        a = self.actions
        bar.addActions([a["run"], a["pause"], a["step"], a["step_dt"], a["reset"]])
        bar.addSeparator()
        bar.addWidget(QLabel(" Duration "))
        self.duration = QDoubleSpinBox()
        self.duration.setObjectName("run_duration")
        self.duration.setRange(0.0, 1e9)
        self.duration.setDecimals(1)
        self.duration.setSuffix(" ms")
        self.duration.setSpecialValueText("until stopped")
        self.duration.setToolTip("Simulated time a Run covers: the network's duration (Network Settings); 0 runs "
                                 "until you pause or stop")
        self.duration.setKeyboardTracking(False)  # one edit when the value is entered, not one per key
        self.duration.valueChanged.connect(self._duration_changed)
        bar.addWidget(self.duration)
        bar.addWidget(QLabel(" Speed "))
        self.speed = QComboBox()
        self.speed.setObjectName("run_speed")
        for text, value in SPEEDS:
            self.speed.addItem(text, value)
        self.speed.setToolTip("Run flat out, or paced at a multiple of real time to watch single spikes")
        self.speed.currentIndexChanged.connect(lambda _: self.controller.set_speed(self.speed.currentData()))
        bar.addWidget(self.speed)
        bar.addWidget(QLabel(" Window "))
        self.window_ms = QDoubleSpinBox()
        self.window_ms.setObjectName("plot_window")
        self.window_ms.setRange(1.0, 60_000.0)
        self.window_ms.setValue(self.controller.window_ms)
        self.window_ms.setDecimals(0)
        self.window_ms.setSuffix(" ms")
        self.window_ms.setToolTip("How much simulated time the plots show")
        self.window_ms.valueChanged.connect(self.controller.set_window)
        self.controller.window_suggested.connect(self.window_ms.setValue)
        bar.addWidget(self.window_ms)
        self.stale_label = QLabel()
        self.stale_label.setObjectName("stale_label")
        self.stale_label.setStyleSheet("color: #b9770e; padding-left: 8px;")
        self.stale_action = bar.addWidget(self.stale_label)
        bar.addAction(a["rebuild"])

    # --- reacting ------------------------------------------------------------------------------------
    def _duration_changed(self, value: float) -> None:
        """The toolbar's Duration is the network's (an undoable edit); 0, "until stopped", is the run's alone."""
        self.controller.set_duration(value or None)
        doc = self.window.doc
        if value and value != doc.network.duration:
            settings = dataclasses.replace(doc.settings(), duration=value)
            push(self.window.stack, EditSettings(doc, settings, "Set duration", field="duration"))

    def _settings_changed(self, *_) -> None:
        """Network Settings (or Undo) changed the duration: the toolbar shows it, unless it runs until stopped."""
        duration = self.window.doc.network.duration
        if self.duration.value() and self.duration.value() != duration:
            self.duration.blockSignals(True)
            self.duration.setValue(duration)
            self.duration.blockSignals(False)
            self.controller.set_duration(duration)

    def _network_replaced(self) -> None:
        self._weights_sim = None  # the old network's projections and intervals are not this one's
        self.weights.set_projections([])
        self.analysis.set_results(None)
        duration = self.window.doc.network.duration
        self.duration.blockSignals(True)
        self.duration.setValue(duration)
        self.duration.blockSignals(False)
        self.controller.set_duration(duration or None)

    def _state_changed(self, state: str) -> None:
        a = self.actions
        a["run"].setEnabled(state != RUNNING)
        a["pause"].setEnabled(state in (RUNNING, PREPARING))
        a["step"].setEnabled(state != RUNNING)
        a["step_dt"].setEnabled(state != RUNNING)
        a["reset"].setEnabled(state not in (NO_RUN,))
        has_results = self.controller.sim is not None and state in (RUNNING, PAUSED, DONE, FAILED, READY)
        a["save_results"].setEnabled(has_results)
        a["export_csv"].setEnabled(has_results)
        if state == FAILED:
            self.window.show_message("Simulation stopped by an error")
        elif state == DONE:
            self.window.show_message(f"Simulation finished at t = {self.controller.tap.t:,.1f} ms")
        elif state == PAUSED:
            self.window.show_message(f"Paused at t = {self.controller.tap.t:,.1f} ms")
        elif state == RUNNING:
            self.window.show_message("Running…")
        plastic = self.controller.sim is not None and any(
            p.plasticity is not None for p in self.controller.sim.network.projections.values())
        if state == RUNNING and plastic:
            self.weights.start_live()
        else:
            self.weights.stop_live()
            self.weights.refresh_when_shown()
        if state in (PAUSED, DONE, FAILED):  # analysis after a run (or a pause)
            net = self.window.doc.network
            names = {i: display_name(net, i) for i in net.spiking_nodes()}
            self.analysis.set_results(self.controller.sim.results, names)

    def _stale_changed(self, reasons: list[str]) -> None:
        self.actions["rebuild"].setVisible(bool(reasons))
        self.stale_action.setVisible(bool(reasons))
        self.stale_label.setText("Structure changed: rebuild to apply" if reasons else "")
        self.stale_label.setToolTip(style.plain_tip("\n".join(reasons)) if reasons else "")

    def _node_menu(self, node_id: str, where) -> None:
        """A population's right-click menu: probe its neurons' membranes; the phase plane of a two-variable model."""
        net = self.window.doc.network
        pop = net.populations.get(node_id)
        if pop is None:
            return
        menu = QMenu(self.window)
        for i in range(min(pop.size, 3)):
            menu.addAction(f"Probe membrane of neuron {i}", lambda i=i: self.probe(node_id, i))
        if plane_description(net, pop.model) is not None:
            menu.addAction("Show in the phase plane", lambda: self.show_phase_plane(node_id))
        for extend in getattr(self.window, "node_menu_hooks", ()):  # entries other features add (model editor)
            extend(menu, node_id)
        menu.popup(where)
        self.node_menu = menu  # kept so tests can find it

    def probe(self, node_id: str, neuron: int) -> None:
        """Trace the membrane of one neuron: its model's first state variable (v for every built-in)."""
        net = self.window.doc.network
        model = neuron_model(net, net.populations[node_id].model) if node_id in net.populations else None
        variable = next(iter(model.state)) if model is not None and model.state else "v"
        self.docks["traces"].show()
        self.docks["traces"].raise_()
        self.views.traces.add_probe((node_id, neuron, variable))

    def show_phase_plane(self, population: str | None = None) -> PhasePlaneView:
        """Bring the phase plane forward, on ``population`` or the selected one when it has two variables."""
        if population is None:
            net = self.window.doc.network
            chosen = [i for i in self.window.scene.selected_ids()
                      if i in net.populations and plane_description(net, net.populations[i].model) is not None]
            population = chosen[0] if chosen else None
        if population is not None:
            self.phase.set_population(population)
        dock = self.docks["phase_plane"]
        dock.show()
        dock.raise_()
        self.phase.set_shown(True)  # in front now (the dock's own signal may come later)
        return self.phase

    def _connections(self, projection_id: str):
        """The running network's synapses (learned weights included); none before a run is built, and none
        from a simulator the view was not given the sizes of (a rebuild it has not been told about yet)."""
        sim = self.controller.sim
        if sim is None or sim is not self._weights_sim or projection_id not in sim.network.projections:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        return sim.connections(projection_id)

    def _built(self) -> None:
        self._weights_sim = self.controller.sim
        self.weights.set_projections(projection_shapes(self._weights_sim.network, self.window.doc.network))

    def show_fi_curve(self) -> FICurveDialog | None:
        """The F–I tool for the selected population (or the first)."""
        net = self.window.doc.network
        if not net.populations:
            self.window.show_message("The F–I curve needs a population")
            return None
        selected = [i for i in self.window.scene.selected_ids() if i in net.populations]
        dialog = FICurveDialog(lambda: self.window.doc.network, selected[0] if selected else None, self.window)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        doc = self.window.doc  # the tool follows the document: an edit made after opening it is what it sweeps
        events = (doc.items_added, doc.items_removed, doc.item_changed, doc.network_replaced)
        for event in events:
            event.connect(dialog.refresh)
        dialog.destroyed.connect(lambda *_: [self._disconnect(event, dialog.refresh) for event in events])
        dialog.show()
        self.fi_dialog = dialog
        return dialog

    @staticmethod
    def _disconnect(event, slot) -> None:
        try:
            event.disconnect(slot)
        except (RuntimeError, TypeError):
            pass

    # --- results -------------------------------------------------------------------------------------
    def save_results(self, path: str | None = None) -> Path | None:
        """Write the run's recordings (.npz); ``path`` skips the dialog."""
        sim = self.controller.sim
        if sim is None:
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self.window, "Save results", "results.npz", RESULTS_FILTER)
            if not path:
                return None
            if not path.lower().endswith(".npz"):
                path += ".npz"
        self.controller.pause()
        try:
            written = sim.results.save(path)
        except OSError as exc:
            dialogs.show_error(self.window, "Results not saved", f"Could not write {path}: {exc}")
            return None
        self.window.show_message(f"Saved results to {written}")
        return written

    def export_csv(self, folder: str | None = None) -> list[Path]:
        """Write every recording as CSV into ``folder`` (asked for when None)."""
        sim = self.controller.sim
        if sim is None:
            return []
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self.window, "Export results as CSV into")
            if not folder:
                return []
        self.controller.pause()
        try:
            written = sim.results.save_csv(folder)
        except OSError as exc:
            dialogs.show_error(self.window, "Results not exported", f"Could not write into {folder}: {exc}")
            return []
        self.window.show_message(f"Wrote {len(written)} CSV files into {folder}")
        return written

    def shutdown(self) -> None:
        self.controller.shutdown()


def install_simulation(window) -> SimulationUI:
    return SimulationUI(window)
