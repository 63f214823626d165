"""The Experiment panel: edit a sweep, start, pause and cancel it, and look at its results.

Results show in ``SweepPlots`` (a line plot, a heat map, small multiples of rasters); clicking a point or cell
opens that run's network (its parameters applied) as a new document, ready to Run.
"""

from __future__ import annotations

import copy
import math

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...engine.errors import FileFormatError, Problem, ValidationError
from ...engine.experiments import addresses, sweep_file
from ...engine.experiments.backends import default_workers
from ...engine.experiments.sweep_spec import Sweep
from ...engine.experiments.table import columns
from ..base.app_settings import dask_scheduler, set_dask_scheduler
from ..plots.export import add_export_actions
from ..plots.sweep_plots import SweepPlots, grid_means
from .experiment_runner import CANCELLED, DONE, FAILED, IDLE, PAUSED, RUNNING, SweepRunner
from .sweep_text import format_parameter, parse_parameter

__all__ = ["ExperimentPanel", "MEASURES"]

MEASURES = ["rate", "cv_isi", "synchrony", "fano", "spikes"]
SWEEP_FILTER = "Sweeps (*.sweep.json);;JSON (*.json)"
REDRAW_MS = 250  # rows may arrive hundreds a second; the plots redraw at most four times a second


class ExperimentPanel(QWidget):
    """A sweep over the open network; ``open_run`` carries the network of a clicked run."""

    open_run = Signal(object)
    message = Signal(str)

    def __init__(self, doc, parent=None):
        super().__init__(parent)
        self.doc = doc
        self.runner = SweepRunner(self)
        self.rows: list[dict] = []
        self.rasters: dict[int, dict] = {}
        self.sweep: Sweep | None = None
        self.measures = list(MEASURES)
        self.base = None  # the network the running sweep started from
        self._redraw_timer = QTimer(self, singleShot=True, interval=REDRAW_MS)
        self._redraw_timer.timeout.connect(self.redraw)
        self._build()
        self.runner.state_changed.connect(self._state_changed)
        self.runner.outcome.connect(self._outcome)
        self.runner.progress.connect(self._progress)
        self._state_changed(IDLE)

    # --- editing ---------------------------------------------------------------------------------------
    def add_parameter(self, address: str = "", values: str = "") -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(address))
        self.table.setItem(row, 1, QTableWidgetItem(values))

    def sweep_parameter(self, address: str, value: float) -> None:
        """What "Sweep this parameter…" does: a row from half to one and a half times the current value."""
        low, high = (value * 0.5, value * 1.5) if value else (0.0, 1.0)
        self.add_parameter(address, f"linear {low:g} {high:g} 5")
        self.status.setText(f"Added {address}; edit its values, then Start.")

    def load_sweep(self, sweep: Sweep) -> None:
        """Show a sweep (from a file) for editing: its parameters, combination, repeats and duration."""
        self.table.setRowCount(0)
        for p in sweep.parameters:
            self.add_parameter(*format_parameter(p))
        self.combine.setCurrentText(sweep.combine)
        self.repeats.setValue(sweep.repeats)
        if sweep.duration is not None:
            self.duration.setValue(sweep.duration)
        self.measures = list(dict.fromkeys([*sweep.measures, *MEASURES]))

    def open_sweep_file(self, path: str | None = None) -> bool:
        """Read a ``.sweep.json`` (asks which when ``path`` is None); problems go to the status line."""
        path = path or QFileDialog.getOpenFileName(self, "Open sweep", "", SWEEP_FILTER)[0]
        if not path:
            return False
        try:
            self.load_sweep(sweep_file.load(path))
        except (FileFormatError, OSError) as exc:
            self.status.setText(f"Cannot open {path}: " + "; ".join(map(str, getattr(exc, "problems", [exc]))))
            return False
        self.status.setText(f"Opened {path}")
        return True

    def save_sweep_file(self, path: str | None = None) -> bool:
        """Write the sweep as edited to a ``.sweep.json`` (asks where when ``path`` is None)."""
        try:
            sweep = self.current_sweep()
        except ValidationError as exc:
            self.status.setText("Cannot save: " + "; ".join(str(p) for p in exc.problems))
            return False
        path = path or QFileDialog.getSaveFileName(self, "Save sweep", "experiment.sweep.json", SWEEP_FILTER)[0]
        if not path:
            return False
        try:
            sweep_file.save(sweep, path)
        except OSError as exc:
            self.status.setText(f"Cannot save {path}: {exc.strerror or exc}")
            return False
        self.status.setText(f"Saved {path}")
        return True

    def remove_parameter(self) -> None:
        self.table.removeRow(self.table.currentRow() if self.table.currentRow() >= 0 else self.table.rowCount() - 1)

    def current_sweep(self) -> Sweep:
        """The sweep as edited; ValidationError naming every bad address or value."""
        params, problems = [], []
        for r in range(self.table.rowCount()):
            target, values = ((self.table.item(r, c) or QTableWidgetItem()).text() for c in (0, 1))
            try:
                params.append(parse_parameter(target, values))
            except ValueError as exc:
                problems.append(Problem(f"row {r + 1}", str(exc)))
        sweep = Sweep(params, self.combine.currentText(), self.repeats.value(), None, self.duration.value(),
                      list(self.measures))
        problems += sweep_file.network_problems(sweep, self.doc.network)
        if not params:
            problems.append(Problem("parameters", "add a parameter to sweep"))
        if sweep.combine == "zip" and len({len(p.values) for p in params}) > 1:
            problems.append(Problem("combine", "zip needs as many values for every parameter"))
        if problems:
            raise ValidationError(problems)
        return sweep

    # --- running ---------------------------------------------------------------------------------------
    def start(self) -> bool:
        try:
            sweep = self.current_sweep()
        except ValidationError as exc:
            self.status.setText("Cannot start: " + "; ".join(str(p) for p in exc.problems))
            return False
        self.sweep, self.base = sweep, copy.deepcopy(self.doc.network)
        self.rows, self.rasters = [], {}
        self.progress_bar.setRange(0, sweep.size())
        self.progress_bar.setValue(0)
        self._scheduler_edited()
        self.runner.start(self.base, sweep, self.workers.value(), self.scheduler_address())
        return True

    def scheduler_address(self) -> str | None:
        """The Dask scheduler the runs go to, or None for this computer."""
        return self.scheduler.text().strip() or None

    def _scheduler_edited(self) -> None:
        if self.scheduler.text().strip() != dask_scheduler():
            set_dask_scheduler(self.scheduler.text())

    def toggle_pause(self) -> None:
        (self.runner.resume if self.runner.state == PAUSED else self.runner.pause)()

    def _outcome(self, outcome) -> None:
        self.rows.append(outcome.row)
        if outcome.raster:
            self.rasters[outcome.row["run"]] = outcome.raster
        self._refresh_measures()
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    def _progress(self, p) -> None:
        self.progress_bar.setValue(p.done)
        left = "" if p.left is None else f", about {p.left:.0f} s left"
        failed = sum(bool(r.get("error")) for r in self.rows)
        self.status.setText(f"{p.done} of {p.total} runs in {p.elapsed:.1f} s{left}"
                            + (f"; {failed} failed" if failed else ""))

    def _state_changed(self, state: str) -> None:
        busy = self.runner.busy
        if not busy and self.sweep is not None:
            self.redraw()
        self.start_button.setEnabled(not busy)
        self.pause_button.setEnabled(state in (RUNNING, PAUSED))
        self.pause_button.setText("Resume" if state == PAUSED else "Pause")
        self.cancel_button.setEnabled(state in (RUNNING, PAUSED))
        text = {RUNNING: "Running…", PAUSED: "Paused: the runs in progress finish, no new ones start.",
                CANCELLED: "Cancelled: finishing the runs in progress; finished rows are kept.",
                FAILED: f"Failed: {self.runner.error}", DONE: f"Done: {len(self.rows)} runs."}.get(state)
        if state == CANCELLED and not busy:
            text = f"Cancelled: {len(self.rows)} runs kept."
        if text:
            self.status.setText(text)

    # --- results ---------------------------------------------------------------------------------------
    def measure_column(self) -> str | None:
        return self.measure.currentText() or None

    def grid(self) -> tuple[list[float], list[float], np.ndarray] | None:
        """(x values, y values, mean of the shown measure over repeats as a (len x, len y) array), for 2-D."""
        return grid_means(self.sweep, self.rows, self.measure_column())

    def redraw(self) -> None:
        self.plots.draw(self.sweep, self.rows, self.rasters, self.measure_column())

    @property
    def image(self):
        """The heat map's image item (None before the first 2-D sweep)."""
        return self.plots.image

    def run_at(self, x: float, y: float) -> dict | None:
        """The (first repeat's) row under a click at plot coordinates (x, y)."""
        if self.sweep is None or not self.rows:
            return None
        params = self.sweep.parameters
        if self.grid() is not None:
            i, j = int(math.floor(x)), int(math.floor(y))
            if not (0 <= i < len(params[0].values) and 0 <= j < len(params[1].values)):
                return None
            wanted = {params[0].name: params[0].values[i], params[1].name: params[1].values[j]}
        else:
            nearest = min(params[0].values, key=lambda v: abs(v - x))
            wanted = {params[0].name: nearest}
        found = [r for r in self.rows if all(r[k] == v for k, v in wanted.items())]
        return min(found, key=lambda r: r["run"]) if found else None

    def network_of(self, row: dict):
        """The sweep's network with this run's parameters and seed applied."""
        net = copy.deepcopy(self.base)
        net.seed = row["seed"]
        for p in self.sweep.parameters:
            for address, factor in p.targets:
                addresses.apply(net, address, row[p.name] * factor)
        net.metadata.title = ", ".join(f"{p.name} = {row[p.name]:g}" for p in self.sweep.parameters)
        return net

    def open_row(self, row: dict | None) -> None:
        if row is not None:
            self.open_run.emit(self.network_of(row))

    def table_data(self) -> dict[str, np.ndarray]:
        """The results as columns, for Export data (parameters, seed and every numeric measure)."""
        names = [p.name for p in self.sweep.parameters] if self.sweep else []
        cols = [c for c in columns(self.rows, names) if c != "error"]
        ordered = sorted(self.rows, key=lambda r: r["run"])
        return {c: np.array([float(r.get(c, math.nan)) for r in ordered]) for c in cols}

    # --- layout ----------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("sweep_parameters")
        self.table.setHorizontalHeaderLabels(["Parameter", "Values"])
        self.table.setToolTip("Parameter: an address such as E.tau_m, drive.rate or EE.weight (right-click a "
                              "parameter in the inspector to add it). Values: 10, 20, 30 or linear START STOP N "
                              "or log START STOP N.")
        self.table.setColumnWidth(0, 130)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setMaximumHeight(140)
        add, remove = QPushButton("Add"), QPushButton("Remove")
        add.clicked.connect(lambda: self.add_parameter())
        remove.clicked.connect(self.remove_parameter)
        open_button, save_button = QPushButton("Open…"), QPushButton("Save…")
        open_button.setToolTip("Open a sweep file (.sweep.json)")
        save_button.setToolTip("Save this sweep as a file (spikestudio sweep NETWORK --sweep FILE runs it)")
        open_button.clicked.connect(lambda: self.open_sweep_file())
        save_button.clicked.connect(lambda: self.save_sweep_file())
        self.combine = QComboBox()
        self.combine.addItems(["grid", "zip"])
        self.repeats = QSpinBox(minimum=1, maximum=1000)
        self.duration = QDoubleSpinBox(minimum=1.0, maximum=1e7, decimals=0, suffix=" ms", value=500.0)
        self.workers = QSpinBox(minimum=1, maximum=256, value=default_workers())
        self.workers.setToolTip("Worker processes on this computer (1 runs in one background thread)")
        self.scheduler = QLineEdit(dask_scheduler(), placeholderText="this computer; or tcp://host:8786")
        self.scheduler.setObjectName("sweep_scheduler")
        self.scheduler.setToolTip("A Dask scheduler's address: the runs go to that cluster instead of this "
                                  "computer (remembered; empty: this computer)")
        self.scheduler.editingFinished.connect(self._scheduler_edited)
        self.measure = QComboBox()
        self.measure.setObjectName("sweep_measure")
        self.measure.currentTextChanged.connect(lambda _: self.redraw())
        self.start_button, self.pause_button, self.cancel_button = (QPushButton(t) for t in
                                                                    ("Start", "Pause", "Cancel"))
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.progress_bar = QProgressBar()
        self.status = QLabel(wordWrap=True)
        self.status.setObjectName("sweep_status")
        form = QFormLayout()
        for label, widget in (("Combine", self.combine), ("Repeats", self.repeats), ("Duration", self.duration),
                              ("Workers", self.workers), ("Cluster", self.scheduler), ("Show", self.measure)):
            form.addRow(label, widget)
        left = QVBoxLayout()
        left.addWidget(self.table)
        left.addLayout(_row(add, remove, open_button, save_button))
        left.addLayout(form)
        left.addLayout(_row(self.start_button, self.pause_button, self.cancel_button))
        left.addWidget(self.progress_bar)
        left.addWidget(self.status)
        left.addStretch(1)
        self.plots = SweepPlots()
        self.plot, self.rasters_view = self.plots.plot, self.plots.rasters_view
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.plot, "Plot")
        self.tabs.addTab(self.rasters_view, "Rasters")
        self.export = add_export_actions(self.plot.getPlotItem(), self.table_data, "sweep results", self)
        right = QVBoxLayout()
        right.addWidget(self.tabs, 1)
        right.addLayout(_row(QLabel("Click a point or cell to open that run."), self.export.menu_button()))
        layout = QHBoxLayout(self)
        box = QWidget()
        box.setLayout(left)
        box.setMaximumWidth(420)
        layout.addWidget(box)
        layout.addLayout(right, 1)

    def _refresh_measures(self) -> None:
        names = [p.name for p in self.sweep.parameters]
        wanted = [c for c in columns(self.rows, names)[len(names) + 3:] if c not in ("run_time_s", "error")]
        if wanted != [self.measure.itemText(i) for i in range(self.measure.count())]:
            current = self.measure.currentText()
            self.measure.blockSignals(True)
            self.measure.clear()
            self.measure.addItems(wanted)
            if current in wanted:
                self.measure.setCurrentText(current)
            self.measure.blockSignals(False)

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return
        point = self.plot.getPlotItem().vb.mapSceneToView(event.scenePos())
        self.open_row(self.run_at(point.x(), point.y()))


def _row(*widgets) -> QHBoxLayout:
    layout = QHBoxLayout()
    for w in widgets:
        layout.addWidget(w)
    return layout
