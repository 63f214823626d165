"""The Experiment dock in the window: the inspector's "Sweep this parameter…" fills it, a clicked run opens."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from ...engine.experiments import sweep_file
from ..base.docks import tabify
from .experiment_panel import ExperimentPanel

__all__ = ["ExperimentUI", "install_experiments"]


class ExperimentUI:
    """Owns the Experiment dock of one main window."""

    def __init__(self, window):
        self.window = window
        self.panel = ExperimentPanel(window.doc)
        self.dock = QDockWidget("Experiment", window)
        self.dock.setObjectName("experiment_dock")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.BottomDockWidgetArea, self.dock)
        tabify(window, window.messages_dock, self.dock)
        window.panels_menu.addAction(self.dock.toggleViewAction())
        self.dock.hide()
        window.simulation.docks["rates"].raise_()  # tabifying made the hidden dock's neighbour current
        window.inspector.sweep_requested.connect(self.sweep_parameter)
        self.panel.open_run.connect(self.open_run)
        self.panel.message.connect(window.show_message)

    def sweep_parameter(self, address: str, value: float) -> None:
        self.panel.sweep_parameter(address, value)
        self.show()

    def show(self, network_path=None) -> None:
        """Bring the dock forward; with ``network_path``, open the sweep beside that network (``x.sweep.json``)."""
        if network_path is not None and sweep_file.beside(network_path).is_file():
            self.panel.open_sweep_file(str(sweep_file.beside(network_path)))
        self.dock.show()
        self.dock.raise_()

    def open_run(self, net) -> None:
        """A run's network as a new, unsaved document (after Save/Discard/Cancel), ready to Run."""
        if self.window.files.maybe_save("opening a run of the sweep"):
            self.window.files.adopt(net)
            self.window.show_message(f"Opened the run {net.metadata.title}: press Run to watch it")

    def shutdown(self) -> None:
        self.panel.runner.cancel()
        self.panel.runner.wait()


def install_experiments(window) -> ExperimentUI:
    return ExperimentUI(window)
