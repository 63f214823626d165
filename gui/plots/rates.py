"""Live population rates: spikes per neuron per second in 1 ms bins, smoothed by a trailing mean."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QLabel, QSpinBox, QVBoxLayout, QWidget

from ...engine.simulation.live import LiveFrame
from ..base.flow_layout import FlowLayout
from ..base.style import plain_html
from .export import add_export_actions
from .live_common import kept_range, peak_decimated, smooth, time_plot, time_range
from .plot_theme import style_plot

__all__ = ["RateView"]


class RateView(QWidget):
    """One curve per node (populations shown, inputs on request)."""

    def __init__(self):
        super().__init__()
        self.setObjectName("rate_view")
        self.plot, self.legend = time_plot("rate", "Hz")
        box = self.plot.getViewBox()
        box.setLimits(yMin=0.0)  # a rate is never negative: the axis does not go below zero
        # framed here from the rates drawn (``kept_range``), not by pyqtgraph's auto range on every frame; a zoom by
        # hand stays until the plot's "A" button asks for the framing again
        box.disableAutoRange(axis=box.YAxis)
        self.zoomed = False
        box.sigRangeChangedManually.connect(lambda *_: setattr(self, "zoomed", True))
        self.plot.getPlotItem().autoBtn.clicked.connect(lambda *_: setattr(self, "zoomed", False))
        self.running = False  # a run is drawing: the y range changes only when the rates leave it
        self.smoothing = QSpinBox()
        self.smoothing.setObjectName("rate_smoothing")
        self.smoothing.setRange(1, 1000)
        self.smoothing.setValue(10)
        self.smoothing.setSuffix(" ms")
        self.smoothing.setToolTip("Width of the trailing mean the rates are smoothed with")
        self.inputs = QCheckBox("inputs too")
        self.inputs.setToolTip("Also plot the rates of spike sources (Poisson, spike times, datasets)")
        self.toolbar = QWidget(objectName="rates_toolbar")
        top = FlowLayout(self.toolbar)
        top.add(QLabel("Smoothing:"))
        top.add(self.smoothing)
        top.add(self.inputs)
        self.export = add_export_actions(self.plot, self.data, "the population rates", self)
        top.add(self.export.menu_button())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.plot, 1)
        self.colors: dict[str, QColor] = {}
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.shown: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # every smoothed bin (the curves: fewer points)
        self.bin_ms = 1.0

    def set_colors(self, colors: dict[str, QColor]) -> None:
        self.colors = dict(colors)
        for node_id, curve in self.curves.items():
            curve.setPen(pg.mkPen(self.colors.get(node_id, QColor("#333")), width=1))
        style_plot(self.plot)  # the new pens at the theme's width

    def show_frame(self, frame: LiveFrame, window: float | None = None) -> None:
        wanted = [n for n in frame.nodes if n.is_population or self.inputs.isChecked()]
        if [n.id for n in wanted] != list(self.curves):
            for curve in self.curves.values():
                self.plot.removeItem(curve)
            self.legend.clear()
            # decimated to the plot's width here, not by pyqtgraph, which would do it again whenever the x range
            # moves (every frame)
            self.curves = {n.id: self.plot.plot([], [], name=plain_html(n.name), pen=pg.mkPen(
                self.colors.get(n.id, QColor("#333")), width=1)) for n in wanted}
            self.shown = {}
            style_plot(self.plot)
        width = max(1, int(round(self.smoothing.value() / self.bin_ms)))
        t = frame.rate_t + self.bin_ms  # a bin is plotted at its end: the rate up to that time
        columns = int(np.clip(self.plot.getViewBox().width(), 50, 4000))
        for node_id, curve in self.curves.items():
            values = frame.rates.get(node_id, np.full(t.size, np.nan))
            rate = smooth(values, width)
            self.shown[node_id] = (t, rate)
            gaps = bool(np.isnan(rate).any())  # only after a rebuild added a node
            x, y = (t, rate) if gaps else peak_decimated(t, rate, columns)
            curve.setData(x, y, connect="finite" if gaps else "all", skipFiniteCheck=not gaps)
        self.plot.setXRange(*time_range(frame.t, window), padding=0)
        self._frame_y()

    def _frame_y(self) -> None:
        """From the lowest to the highest rate shown, with a 5 % margin (as pyqtgraph's auto range has)."""
        values = [rate[np.isfinite(rate)] for _, rate in self.shown.values()]
        values = [v for v in values if v.size]
        if self.zoomed or not values:
            return
        lo, hi = min(float(v.min()) for v in values), max(float(v.max()) for v in values)
        margin = max(0.05 * (hi - lo), 0.5)
        wanted = kept_range(self.plot.getViewBox().viewRange()[1], (max(0.0, lo - margin), hi + margin), self.running)
        if wanted is not None:
            self.plot.setYRange(*wanted, padding=0)

    def data(self) -> dict[str, np.ndarray]:
        """The smoothed rates shown now: ``time_ms`` (bin ends) and one ``<node>_hz`` column per node."""
        out = {}
        for node_id in self.curves:
            t, rate = self.curve_data(node_id)
            out.setdefault("time_ms", t)
            out[f"{node_id}_hz"] = rate
        return out

    def curve_data(self, node_id: str) -> tuple[np.ndarray, np.ndarray]:
        """The node's smoothed rate in every bin shown now (bin ends, Hz): not the decimated curve."""
        return self.shown.get(node_id, (np.zeros(0), np.zeros(0)))
