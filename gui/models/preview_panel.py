"""The model editor's preview: one neuron of the model as typed under a step current, and its F–I curve.

``show_model(desc)`` asks for a preview; it runs on a pool thread (one at a time: a newer text waits for the
running one and replaces any other waiting), and a result for a text that has changed since is dropped. The
first run of a new model compiles its kernels for seconds: the panel says "Compiling…" with the time so far.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...engine.analysis.model_preview import Preview, PreviewSpec
from ...engine.equations.data import to_data
from ...engine.equations.description import ModelDescription
from ...engine.kernels.compile_status import compiling_text
from ..base.style import plain_html
from ..plots.plot_theme import follow_theme
from .preview_worker import PreviewJob

__all__ = ["PreviewPanel"]

STALE = "The text has problems: the plots show the last model that had none"
TRACE_PEN, FI_PEN, SPIKE_BRUSH = (90, 140, 230), (220, 120, 40), (200, 50, 50)


class PreviewPanel(QWidget):
    finished = Signal()  # a preview of the current text is shown (or failed)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.preview: Preview | None = None
        self._desc: ModelDescription | None = None
        self._generation = 0
        self._shown_key = None  # what the plots show: (model data, spec)
        self._job: PreviewJob | None = None
        self._waiting = False
        self._compiling: tuple[str, float] | None = None
        self._clock = QTimer(self, interval=500)
        self._clock.timeout.connect(self._show_compiling)
        self.amplitude = _spin("preview_amplitude", 500.0, "Step current (pA) from 50 to 250 ms of a 300 ms run")
        self.fi_high = _spin("preview_fi_high", 1000.0, "The F–I curve sweeps 11 currents from 0 to this (pA)")
        for spin in (self.amplitude, self.fi_high):
            spin.editingFinished.connect(self._spec_changed)
        self.status = QLabel("Type a model: its trace and F–I curve appear here", objectName="preview_status",
                             wordWrap=True)
        self._build_plots()
        controls = QHBoxLayout()
        for label, spin in (("Step", self.amplitude), ("F–I up to", self.fi_high)):
            controls.addWidget(QLabel(label))
            controls.addWidget(spin)
        controls.addStretch(1)
        plots = QHBoxLayout()
        plots.addWidget(self.trace_plot, 3)
        plots.addWidget(self.fi_plot, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addLayout(plots, 1)
        layout.addWidget(self.status)

    def _build_plots(self) -> None:
        self.trace_plot = pg.PlotWidget(objectName="preview_trace")
        self.trace_plot.setLabel("bottom", "time (ms)")
        self.trace_curve = self.trace_plot.plot([], [], pen=pg.mkPen(TRACE_PEN, width=1.5))
        self.spike_marks = pg.ScatterPlotItem([], [], symbol="t1", size=9, brush=SPIKE_BRUSH, pen=None)
        self.trace_plot.addItem(self.spike_marks)
        self.fi_plot = pg.PlotWidget(objectName="preview_fi")
        self.fi_plot.setLabel("bottom", "current (pA)")
        self.fi_plot.setLabel("left", "rate (Hz)")
        self.fi_curve = self.fi_plot.plot([], [], pen=pg.mkPen(FI_PEN, width=2), symbol="o", symbolSize=5,
                                          symbolBrush=FI_PEN)
        for plot in (self.trace_plot, self.fi_plot):
            plot.setMinimumHeight(150)
            follow_theme(plot)

    # --- asking ---------------------------------------------------------------------------------------
    def spec(self) -> PreviewSpec:
        return PreviewSpec(amplitude=self.amplitude.value(), high=self.fi_high.value())

    def show_model(self, desc: ModelDescription | None) -> None:
        """Preview ``desc`` (None: the text has problems, so the plots keep the last valid model, marked stale)."""
        self._desc = desc
        self._generation += 1
        if desc is None:
            if self.preview is not None or self._job is not None:
                self.status.setText(STALE)
            return
        if self._key(desc) == self._shown_key and self._job is None:
            return self._say_shown()
        self._start()

    def abandon(self) -> None:
        """Drop the running preview and any waiting one (the window closes): the job skips what is left and
        emits nothing, since its answer could find its signals deleted once the app has quit."""
        job, self._job, self._waiting, self._compiling = self._job, None, False, None
        self._clock.stop()
        if job is not None:
            job.abandon()
            for signal, slot in ((job.signals.finished, self._finished), (job.signals.failed, self._failed),
                                 (job.signals.compiling, self._started_compiling)):
                signal.disconnect(slot)

    @property
    def busy(self) -> bool:
        return self._job is not None or self._waiting

    def _spec_changed(self) -> None:
        if self._desc is not None and self._key(self._desc) != self._shown_key:
            self._generation += 1
            self._start()

    def _key(self, desc: ModelDescription):
        return repr(to_data(desc)), self.spec()

    def _start(self) -> None:
        if self._job is not None:  # one at a time: the newest text runs when this one is done
            self._waiting = True
            return
        self._waiting = False
        job = PreviewJob(self._generation, self._desc, self.spec())
        job.signals.finished.connect(self._finished)
        job.signals.failed.connect(self._failed)
        job.signals.compiling.connect(self._started_compiling)
        self._job = job
        self._job_key = self._key(self._desc)
        self.status.setText("Running the model…")
        QThreadPool.globalInstance().start(job)

    # --- answers --------------------------------------------------------------------------------------
    def _started_compiling(self, generation: int, parts: str) -> None:
        self._compiling = (parts, time.perf_counter())
        self._clock.start()
        self._show_compiling()

    def _show_compiling(self) -> None:
        if self._compiling is not None:
            parts, since = self._compiling
            self.status.setText(compiling_text(parts, time.perf_counter() - since))

    def _done(self) -> bool:
        """The job ended: start the waiting text, if any; True when the answer is for the text shown now."""
        self._compiling = None
        self._clock.stop()
        current = self._job is not None and self._job.generation == self._generation
        self._job = None
        if self._waiting and self._desc is not None:
            self._start()
        return current

    def _finished(self, generation: int, preview: Preview) -> None:
        key = self._job_key
        current = self._done()
        if self._job is not None:
            return  # a newer text is running already
        self.preview, self._shown_key = preview, key
        self._draw(preview)
        if current:
            self._say_shown()
        else:
            self.status.setText(STALE)
        self.finished.emit()

    def _failed(self, generation: int, message: str) -> None:
        current = self._done()
        if self._job is None:
            self.status.setText(f"The model could not run: {message}" if current else STALE)
            self.finished.emit()

    def _draw(self, p: Preview) -> None:
        self.trace_curve.setData(p.t, p.values)
        top = float(np.nanmax(p.values)) if p.values.size else 0.0
        self.spike_marks.setData(p.spikes, np.full(p.spikes.size, top))
        unit = f" ({p.unit})" if p.unit else ""
        self.trace_plot.setLabel("left", f"{p.variable}{unit}")
        self.trace_plot.setTitle(plain_html(f"{p.spec.amplitude:g} pA from {p.spec.start:g} to {p.spec.stop:g} ms: "
                                            f"{p.spikes.size} spikes"))
        self.fi_curve.setData(p.fi.currents, p.fi.rate_hz)
        self.fi_plot.setTitle("F–I curve")

    def _say_shown(self) -> None:
        p = self.preview
        fires = p.fi.currents[p.fi.rate_hz > 0]
        first = f"fires from {fires.min():g} pA, {p.fi.rate_hz.max():.4g} Hz at most" if fires.size else \
            f"no spikes up to {p.fi.currents.max():g} pA"
        self.status.setText(f"{p.spikes.size} spikes under the step; F–I: {first}")


def _spin(name: str, value: float, tip: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox(objectName=name, decimals=1, minimum=-1e5, maximum=1e5, singleStep=50.0, suffix=" pA")
    spin.setValue(value)
    spin.setToolTip(tip)
    spin.setKeyboardTracking(False)
    return spin
