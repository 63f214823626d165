"""Analysis after a run: the ISI histogram and CV of each population, and an F-I curve tool for one neuron model.

Both widgets take engine objects (``Results``, ``Network``) and nothing from the main window, so any dock or
menu can host them. The F-I sweep runs on a worker thread; the dialog stays responsive while it runs.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...engine.analysis.spike_stats import FICurve, fi_curve, isi_values, lif_rate
from ...engine.kernels.compile_status import compile_now, compiled_parts, compiling_text, needs_compile
from ...engine.model.names import readable_error
from ...engine.model.network import Network, Population
from ...engine.model.params import ParamSpec
from ...engine.simulation.results import Results, cv_isi
from ..base.flow_layout import FlowLayout
from ..base.style import plain_html
from ..editing.fields import number_field
from .export import add_export_actions
from .plot_theme import follow_theme

__all__ = ["ISIView", "FICurveDialog", "DEFAULT_CURRENTS"]

# A current range (pA) that crosses each model's rheobase with catalogue defaults.
DEFAULT_CURRENTS = {"lif": (0.0, 1000.0), "izhikevich": (0.0, 20.0), "adex": (0.0, 1000.0), "hh": (0.0, 2000.0)}


# The sweep's settings, with units, meanings and ranges as every other field of the app shows them.
SWEEP_SPECS = {
    "low": ParamSpec("from", 0.0, "pA", "First injected current (added to the model's bias I_e)", -1e6, 1e6),
    "high": ParamSpec("to", 1000.0, "pA", "Last injected current (added to the model's bias I_e)", -1e6, 1e6),
    "points": ParamSpec("points", 21, "", "Number of currents, evenly spaced; one neuron each", 2, 2000, integer=True),
    "duration": ParamSpec("duration", 1000.0, "ms", "Simulated time per current", 0.0, 1e7, low_open=True),
    "transient": ParamSpec("transient", 100.0, "ms", "Spikes before this time are not counted (lets adapting "
                           "neurons settle)", 0.0, 1e7),
}


class ISIView(QWidget):
    """Inter-spike interval histogram and CV of each population whose spikes were recorded."""

    def __init__(self, results: Results | None = None, parent: QWidget | None = None, bins: int = 50):
        super().__init__(parent)
        self.results: Results | None = None
        self.edges, self.counts = np.linspace(0.0, 1.0, bins + 1), np.zeros(bins, np.int64)
        self.chooser = QComboBox(objectName="isi_population", toolTip="Populations whose spikes were recorded")
        self.bins = QSpinBox(objectName="isi_bins", minimum=5, maximum=500, value=bins, suffix=" bins")
        self.summary = QLabel(objectName="isi_summary", wordWrap=True)
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "inter-spike interval (ms)")
        self.plot.setLabel("left", "intervals")
        self.bars = pg.BarGraphItem(x0=[], x1=[], height=[], brush=(90, 140, 230, 200), pen=None)
        self.plot.addItem(self.bars)
        follow_theme(self.plot)
        self.export = add_export_actions(self.plot, self.histogram_data, "ISI histogram", self)
        self.chooser.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.setMinimumContentsLength(8)  # long names elide rather than widen the dock
        self.toolbar = QWidget(objectName="isi_toolbar")
        top = FlowLayout(self.toolbar)
        top.add(QLabel("Population"))
        top.add(self.chooser, grow=True)
        top.add(self.bins)
        top.add(self.export.menu_button())
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.summary)
        self.chooser.currentIndexChanged.connect(lambda _: self.refresh())
        self.bins.valueChanged.connect(lambda _: self.refresh())
        self.shown = True  # computed only while it can be seen: a run's end (or a Pause) must not wait for it
        self._owed: tuple | None = None  # while hidden: the (results, names) to show once it is seen
        self.set_results(results)

    def set_shown(self, shown: bool) -> None:
        """Whether the view can be seen (its dock open and in front). Hidden, ``set_results`` only keeps what it is
        given: every spike's interval and CV took 0.1-0.2 s after each 30 s CUBA run, holding the GUI (and the
        end of the run) for a tab nobody looked at. What is owed is computed when it is shown."""
        self.shown = bool(shown)
        if self.shown and self._owed is not None:
            owed, self._owed = self._owed, None
            self.set_results(*owed)

    def set_results(self, results: Results | None, names: dict[str, str] | None = None) -> None:
        """Show these results (after a run); keeps the chosen population when it is still there. ``names``: what
        to call each node id (its name now). Hidden (``set_shown``), it is done when the view is shown."""
        if not self.shown and results is not None:
            self._owed = (results, names)
            return
        self._owed = None
        self.results = results
        self._cv: dict[str, float] = {}  # per node, as the chooser shows it (the summary reuses it)
        names = names or {}
        current = self.chooser.currentData()
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for nid in results.spike_recorded if results is not None else []:
            times, ids = results.spikes(nid)
            cv = self._cv[nid] = cv_isi(ids, times, results.spike_counts(nid).size)
            name = names.get(nid, nid)
            self.chooser.addItem(f"{name}  (CV {cv:.2f})" if np.isfinite(cv) else f"{name}  (CV unknown)", nid)
        if current is not None and self.chooser.findData(current) >= 0:
            self.chooser.setCurrentIndex(self.chooser.findData(current))
        self.chooser.blockSignals(False)
        self.refresh()

    @property
    def population(self) -> str | None:
        return self.chooser.currentData()

    def refresh(self) -> None:
        nid = self.population
        if nid is None:
            self.counts, self.edges = np.zeros(self.bins.value(), np.int64), np.linspace(0, 1, self.bins.value() + 1)
            self.bars.setOpts(x0=[], x1=[], height=[])
            self.summary.setText("No recorded spikes: add a spike recorder and run the network")
            return
        times, ids = self.results.spikes(nid)
        size = self.results.spike_counts(nid).size
        isi = isi_values(times, ids)
        span = (0.0, float(isi.max()) if isi.size else 1.0)
        self.counts, self.edges = np.histogram(isi, bins=self.bins.value(), range=span)  # (isi_histogram's, once)
        self.bars.setOpts(x0=self.edges[:-1], x1=self.edges[1:], height=self.counts)
        self.plot.setTitle(plain_html(f"Inter-spike intervals of {nid}"))
        cv = self._cv[nid] if nid in self._cv else cv_isi(ids, times, size)
        self.summary.setText(_isi_summary(isi, cv, times.size, size))

    def histogram_data(self) -> dict[str, np.ndarray]:
        return {"edges_ms": self.edges, "counts": self.counts}


def _isi_summary(isi: np.ndarray, cv: float, spikes: int, size: int) -> str:
    if isi.size == 0:
        return f"{spikes:,} spikes from {size:,} neurons: no neuron fired twice, so there are no intervals"
    cv_text = f"CV {cv:.3f} (mean over neurons with 3 or more spikes)" if np.isfinite(cv) else "CV unknown"
    return (f"{isi.size:,} intervals from {spikes:,} spikes of {size:,} neurons; mean ISI {isi.mean():.4g} ms, "
            f"median {np.median(isi):.4g} ms; {cv_text}")


# --- F-I curve ---------------------------------------------------------------------------------
class _SweepSignals(QObject):
    finished = Signal(object)
    failed = Signal(str)
    compiling = Signal(str)  # the parts of the loop, compiling now (first time only)


class _Sweep(QRunnable):
    """fi_curve on a pool thread (the kernel releases the GIL, so the interface keeps drawing)."""

    def __init__(self, population: Population | Network, dt: float, currents: np.ndarray, duration: float,
                 transient: float):
        super().__init__()
        self.args = (population, currents, duration)
        self.kwargs = {"dt": dt, "transient": transient, "before_run": self._compile}
        self.signals = _SweepSignals()

    def _compile(self, sim) -> None:
        if needs_compile(sim.built):
            self.signals.compiling.emit(compiled_parts(sim.built))
            compile_now(sim.built)

    def run(self) -> None:
        try:
            curve = fi_curve(*self.args, **self.kwargs)
        except Exception as exc:  # any failure is reported in the dialog, never lost on a pool thread
            source = self.args[0]
            self.signals.failed.emit(readable_error(source, exc) if isinstance(source, Network) else str(exc))
            return
        self.signals.finished.emit(curve)


class FICurveDialog(QDialog):
    """Sweep a DC current through one population's model (a one-neuron network is the usual case) and plot
    its firing rate; the analytic curve is drawn over it for LIF neurons.

    ``network`` is a network, or a function returning the document's network now: a tool opened from a window
    follows its document (an edit made after opening it is what the next sweep uses); call ``refresh`` on edits.
    """

    def __init__(self, network: Network | Callable[[], Network], population: str | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("F–I curve")
        self.setObjectName("fi_curve_dialog")
        self._network = network
        self.curve: FICurve | None = None
        self._sweep: _Sweep | None = None
        self._compiling: tuple[str, float] | None = None  # (parts, since) while the sweep's kernels compile
        self._clock = QTimer(self, interval=500)
        self._clock.timeout.connect(self._show_compiling)
        self.population = QComboBox(objectName="fi_population")
        self._fill_populations()
        for key, spec in SWEEP_SPECS.items():
            field = number_field(spec, spec.default)
            field.setObjectName(f"fi_{key}")
            setattr(self, key, field)
        self.run_button = QPushButton("Run", objectName="fi_run", default=True)
        self.status = QLabel(objectName="fi_status", wordWrap=True)
        self._build_plot()
        self._lay_out()
        self.population.currentIndexChanged.connect(lambda _: self._population_changed(self.population_id()))
        self.run_button.clicked.connect(self.run)
        if population is not None and self.population.findData(population) >= 0:
            self.population.setCurrentIndex(self.population.findData(population))
        self._population_changed(self.population_id())

    @property
    def network(self) -> Network:
        return self._network() if callable(self._network) else self._network

    def population_id(self) -> str:
        return self.population.currentData() or ""

    def _fill_populations(self) -> None:
        """The populations by name (the id stays the item's data)."""
        for pid, pop in self.network.populations.items():
            self.population.addItem(pop.name or pid, pid)

    def refresh(self, *_) -> None:
        """The document changed: the same population when it is still there (its range kept, its bias shown)."""
        chosen = self.population_id()
        self.population.blockSignals(True)
        self.population.clear()
        self._fill_populations()
        index = self.population.findData(chosen)
        self.population.setCurrentIndex(max(index, 0))
        self.population.blockSignals(False)
        pop = self.network.populations.get(self.population_id())
        if index < 0 or pop is None:
            self._population_changed(self.population_id())
        elif self._sweep is None:
            self.status.setText(self._model_text(pop))

    def _build_plot(self) -> None:
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "injected current (pA)")
        self.plot.setLabel("left", "firing rate (Hz)")
        self.legend = self.plot.addLegend(offset=(10, 10))
        self.rate_curve = self.plot.plot([], [], pen=pg.mkPen((90, 140, 230), width=2), symbol="o", symbolSize=6,
                                         symbolBrush=(90, 140, 230), name="spike count / time")
        self.steady_curve = self.plot.plot([], [], pen=pg.mkPen((240, 160, 60), width=1, style=pg.QtCore.Qt.DashLine),
                                           name="1 / mean ISI")
        self.analytic_curve = self.plot.plot([], [], pen=pg.mkPen((128, 128, 128), width=2))  # legend: LIF only
        self.analytic_curve.setZValue(-1)  # under the measured points
        follow_theme(self.plot)
        self.export = add_export_actions(self.plot, self.curve_data, "F–I curve", self)

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Population", self.population)
        form.addRow("Current from", self.low)
        form.addRow("to", self.high)
        form.addRow("Points", self.points)
        form.addRow("Duration", self.duration)
        form.addRow("Transient", self.transient)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export.menu_button())
        buttons.addStretch(1)
        buttons.addWidget(self.run_button)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.status)
        side.addStretch(1)
        side.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addLayout(side)
        layout.addWidget(self.plot, 1)
        self.resize(860, 440)

    def _population_changed(self, pid: str) -> None:
        pop = self.network.populations.get(pid)
        if pop is None:
            self.run_button.setEnabled(False)
            self.status.setText("The network has no population to sweep")
            return
        low, high = DEFAULT_CURRENTS.get(pop.model, (0.0, 1000.0))
        self.low.setValue(low)
        self.high.setValue(high)
        self.run_button.setEnabled(True)
        self.status.setText(self._model_text(pop))

    def _model_text(self, pop: Population) -> str:
        if pop.model in self.network.models:  # described by equations: the sweep is a DC input, part of I_syn
            return f"Model: {pop.model} (equations); the current enters as a DC input (I_syn)"
        return f"Model: {pop.model}; the current is added to its bias I_e = {pop.params['I_e']:g} pA"

    def currents(self) -> np.ndarray:
        return np.linspace(self.low.value(), self.high.value(), self.points.value())

    def run(self) -> None:
        """Start the sweep on a worker thread; the plot updates when it finishes."""
        if self._sweep is not None:
            return
        problems = [f"{spec.name}: {why}" for key, spec in SWEEP_SPECS.items()
                    if (why := spec.problem(getattr(self, key).value()))]
        if not problems and self.transient.value() >= self.duration.value():
            problems.append("the transient must be shorter than the duration")
        if problems:
            self.status.setText("Cannot run: " + "; ".join(problems))
            return
        network = self.network
        pop = copy.deepcopy(network.populations[self.population_id()])  # edits may go on meanwhile
        if pop.model in network.models:  # a described model travels with its description
            source = Network(dt=network.dt, models={pop.model: network.models[pop.model]})
            source.add(pop)
            pop = source
        self._sweep = _Sweep(pop, self.network.dt, self.currents(), self.duration.value(), self.transient.value())
        self._sweep.signals.finished.connect(self._finished)
        self._sweep.signals.failed.connect(self._failed)
        self._sweep.signals.compiling.connect(self._started_compiling)
        self.run_button.setEnabled(False)
        self.status.setText(f"Running {self.points.value()} neurons for {self.duration.value():g} ms…")
        QThreadPool.globalInstance().start(self._sweep)

    @property
    def running(self) -> bool:
        return self._sweep is not None

    def _started_compiling(self, parts: str) -> None:
        self._compiling = (parts, time.perf_counter())
        self._clock.start()
        self._show_compiling()

    def _show_compiling(self) -> None:
        if self._compiling is not None:
            parts, since = self._compiling
            self.status.setText(compiling_text(parts, time.perf_counter() - since))

    def _done_compiling(self) -> None:
        self._compiling = None
        self._clock.stop()

    def _finished(self, curve: FICurve) -> None:
        self._done_compiling()
        self._sweep = None
        self.run_button.setEnabled(True)
        self.show_curve(curve)

    def _failed(self, message: str) -> None:
        self._done_compiling()
        self._sweep = None
        self.run_button.setEnabled(True)
        self.status.setText(f"The sweep failed: {message}")

    def show_curve(self, curve: FICurve) -> None:
        self.curve = curve
        self.rate_curve.setData(curve.currents, curve.rate_hz)
        self.steady_curve.setData(curve.currents, curve.steady_hz)
        self.legend.removeItem(self.analytic_curve)
        if curve.model == "lif":
            fine = np.linspace(curve.currents.min(), curve.currents.max(), 400)
            self.analytic_curve.setData(fine, lif_rate(fine, curve.params))
            self.legend.addItem(self.analytic_curve, "analytic LIF")
        else:
            self.analytic_curve.setData([], [])
        self.plot.setTitle(plain_html(f"F–I curve of {self.population.currentText()} ({curve.model})"))
        fires = curve.currents[curve.rate_hz > 0]
        first = f"fires from {fires.min():g} pA" if fires.size else "no spikes in this range"
        self.status.setText(f"{curve.currents.size} currents, {curve.duration:g} ms each (dt {curve.dt:g} ms): "
                            f"{first}; at most {curve.rate_hz.max():.4g} Hz")

    def curve_data(self) -> dict[str, np.ndarray]:
        if self.curve is None:
            return {}
        data = {"current_pA": self.curve.currents, "rate_hz": self.curve.rate_hz, "steady_hz": self.curve.steady_hz}
        if self.curve.model == "lif":
            data["analytic_lif_hz"] = lif_rate(self.curve.currents, self.curve.params)
        return data
