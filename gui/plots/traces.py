"""Live membrane traces of probed neurons, with each population's threshold and reset marked.

Probes come from a click in the raster, from the canvas, or typed as ``E:0, E:12, I:3``; the
simulation samples them every step without a rebuild.
"""

from __future__ import annotations

import re

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ...engine.simulation.live import LiveFrame
from ..base.flow_layout import FlowLayout
from ..base.style import plain_html
from .export import add_export_actions
from .live_common import CATEGORICAL, kept_range, peak_decimated, since, time_plot, time_range
from .plot_theme import style_plot

__all__ = ["TraceView", "parse_probes", "MAX_PROBES"]

MAX_PROBES = 8
Probe = tuple[str, int, str]


def parse_probes(text: str, names: dict[str, str]) -> list[Probe]:
    """``"E:0, E:3-5, I:2"`` -> probes of v; ``names`` maps the names people type (and ids) to node ids.

    Raises ``ValueError`` naming the part it cannot read.
    """
    probes: list[Probe] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        m = re.fullmatch(r"(.+?)\s*:\s*(\d+)(?:\s*-\s*(\d+))?(?:\s*:\s*(\w+))?", part)
        if m is None:
            raise ValueError(f'cannot read "{part}": write population:neuron, e.g. E:0 or E:0-3')
        name, first, last, var = m.group(1).strip(), int(m.group(2)), m.group(3), m.group(4) or "v"
        if name not in names:
            raise ValueError(f'"{name}" is not a population in this network')
        for i in range(first, (int(last) if last else first) + 1):
            probes.append((names[name], i, var))
    return probes


def framed(lo: list[float], hi: list[float], levels: list[float], least: float) -> tuple:
    """The y range framing the data shown: a marked level (threshold, reset) joins it only when it lies within
    half the data's span of it, so sub-millivolt ringing is not squashed by a threshold 90 mV away. (None, None)
    with nothing to frame."""
    if not lo:
        lo, hi = list(levels), list(levels)
    if not lo or not all(np.isfinite(lo + hi)):
        return None, None
    low, high = min(lo), max(hi)
    near = [x for x in levels if low - 0.5 * (high - low) <= x <= high + 0.5 * (high - low)]
    low, high = min([low] + near), max([high] + near)
    span = max(high - low, least)
    middle = 0.5 * (low + high)
    low, high = min(low, middle - span / 2), max(high, middle + span / 2)
    return low - 0.05 * span, high + 0.05 * span  # (the legend sits above the data, not on it)


class TraceView(QWidget):
    """One curve per probe; ``probes_requested`` carries the list the user asked for."""

    probes_requested = Signal(list)

    def __init__(self):
        super().__init__()
        self.setObjectName("trace_view")
        self.plot, self.legend = time_plot("membrane", "mV", columns=3)
        self._has_membrane = True
        self.entry = QLineEdit()
        self.entry.setObjectName("probe_entry")
        self.entry.setPlaceholderText("neurons to probe, e.g. E:0, E:5, I:2")
        self.entry.returnPressed.connect(self._typed)
        clear = QPushButton("Clear")
        clear.clicked.connect(lambda: self.probes_requested.emit([]))
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b")
        self.toolbar = QWidget(objectName="traces_toolbar")
        top = FlowLayout(self.toolbar)
        top.add(QLabel("Probe:"))
        top.add(self.entry, grow=True)
        top.add(clear)
        self.export = add_export_actions(self.plot, self.data, "the membrane traces", self)
        top.add(self.export.menu_button())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.error)
        self.error.hide()
        layout.addWidget(self.plot, 1)
        self.probes: list[Probe] = []
        self.curves: dict[Probe, pg.PlotDataItem] = {}
        self.shown: dict[Probe, tuple[np.ndarray, np.ndarray]] = {}  # every sample in the window (curves: fewer)
        self.running = False  # a run is drawing: the y range changes only when the data leave it (kept_range)
        self.levels: list[pg.InfiniteLine] = []
        self.names: dict[str, str] = {}  # what people type -> node id
        self.node_names: dict[str, str] = {}

    def set_populations(self, names: dict[str, str]) -> None:
        """``names``: population id -> display name (both may be typed)."""
        self.node_names = dict(names)
        self.names = {**{v: k for k, v in names.items()}, **{k: k for k in names}}

    def _typed(self) -> None:
        try:
            probes = parse_probes(self.entry.text(), self.names)
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.probes_requested.emit(probes[:MAX_PROBES])

    def add_probe(self, probe: Probe) -> None:
        """A neuron clicked in the raster or on the canvas joins the probes (the oldest goes past MAX_PROBES)."""
        if probe not in self.probes:
            self.probes_requested.emit((self.probes + [probe])[-MAX_PROBES:])

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def set_probes(self, probes: list[Probe], levels: dict[str, tuple[float | None, float | None]]) -> None:
        """Curves for ``probes``; ``levels`` maps population id -> (threshold, reset) to mark."""
        self.show_error("")
        self.probes = list(probes)
        self.entry.setText(", ".join(f"{self.node_names.get(n, n)}:{i}" + ("" if v == "v" else f":{v}")
                                     for n, i, v in probes))
        for curve in self.curves.values():
            self.plot.removeItem(curve)
        self.legend.clear()
        self.curves, self.shown = {}, {}
        for k, probe in enumerate(probes):
            pen = pg.mkPen(QColor(CATEGORICAL[k % len(CATEGORICAL)]), width=1)
            name = f"{self.node_names.get(probe[0], probe[0])}:{probe[1]}" + ("" if probe[2] == "v" else
                                                                               f" {probe[2]}")
            # decimated to the plot's width here (``peak_decimated``), not by pyqtgraph, which would do it again
            # every time the x range moves (every frame)
            self.curves[probe] = self.plot.plot([], [], pen=pen, name=plain_html(name), skipFiniteCheck=True)
        for line in self.levels:
            self.plot.removeItem(line)
        self.levels = []
        marked: dict[str, list[float]] = {"threshold": [], "reset": []}
        styles = {"threshold": Qt.DashLine, "reset": Qt.DotLine}
        for node_id in dict.fromkeys(n for n, _, v in probes if v == "v"):
            for value, label in zip(levels.get(node_id, (None, None)), ("threshold", "reset")):
                if value is None or value in marked[label]:
                    continue
                marked[label].append(value)
                line = pg.InfiniteLine(value, angle=0, pen=pg.mkPen("#7f8c8d", style=styles[label]))
                self.plot.addItem(line)  # named in the legend: a label would be redrawn (as HTML) every frame
                self.levels.append(line)
        for label, values in marked.items():  # one entry per kind of line: a short legend leaves room for data
            if values:
                text = f"{label} {', '.join(f'{v:g}' for v in values)} mV"
                self.legend.addItem(pg.PlotDataItem(pen=pg.mkPen("#7f8c8d", style=styles[label])), text)
        self._has_membrane = any(v == "v" for _, _, v in probes)
        self._label_axis(probes)
        style_plot(self.plot)  # the new curves at the theme's width

    def _label_axis(self, probes: list[Probe]) -> None:
        """Membrane in mV while any probe is a membrane; else the variables shown (gates have no unit)."""
        variables = list(dict.fromkeys(v for _, _, v in probes))
        if not variables or "v" in variables:
            self.plot.setLabel("left", "membrane", units="mV")
        else:
            self.plot.setLabel("left", ", ".join(variables), units=None)

    def show_frame(self, frame: LiveFrame, window: float | None = None) -> None:
        t0, t1 = time_range(frame.t, window)
        lo, hi = [], []
        columns = int(np.clip(self.plot.getViewBox().width(), 50, 4000))
        for probe, curve in self.curves.items():
            t, v = frame.traces.get(probe, (np.zeros(0), np.zeros(0)))
            t, v = since(t, t0, v)
            self.shown[probe] = (t, v)
            x, y = peak_decimated(t, v, columns)
            curve.setData(x, y)
            if y.size and (probe[2] == "v" or not self._has_membrane):
                lo.append(float(y.min()))  # the decimated curve keeps every column's extremes
                hi.append(float(y.max()))
        self.plot.setXRange(t0, t1, padding=0)
        lo, hi = framed(lo, hi, [line.value() for line in self.levels], 1.0 if self._has_membrane else 1e-3)
        if lo is not None:
            wanted = kept_range(self.plot.getViewBox().viewRange()[1], (lo, hi), self.running)
            if wanted is not None:
                self.plot.setYRange(*wanted, padding=0)

    def data(self) -> dict[str, np.ndarray]:
        """Each probe's samples shown now: ``<node>:<neuron>_time_ms`` and ``..._<variable>``."""
        out = {}
        for (node, i, var) in self.probes:
            t, v = self.curve_data((node, i, var))
            out[f"{node}:{i}_time_ms"], out[f"{node}:{i}_{var}"] = t, v
        return out

    def curve_data(self, probe: Probe) -> tuple[np.ndarray, np.ndarray]:
        """The probe's samples in the window shown now (t, value): all of them, not the decimated curve."""
        return self.shown.get(probe, (np.zeros(0), np.zeros(0)))
