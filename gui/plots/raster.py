"""The live spike raster: every chosen population in its colour over a scrolling time window.

Spikes are binned straight into an image at the plot's pixel size, so drawing costs the same for
400 spikes or 400,000, and the window never stutters with thousands of neurons. Which nodes and
which neuron ranges are shown is chosen in a table beside the plot; a click on a row probes that
neuron.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...engine.simulation.live import LiveFrame, NodeRow
from ..base.theme import current
from .export import add_export_actions
from .live_common import TimeAxis, time_range
from .plot_theme import follow_theme

__all__ = ["RasterView", "raster_image"]

MAX_TICK_PX = 24  # a lone neuron's row gets a tick you can see, not a bar across the plot


def raster_image(x: np.ndarray, rows: np.ndarray, colors: np.ndarray, n_rows: int, width: int,
                 height: int, tick_width: int = 1) -> np.ndarray:
    """An RGBA image (height x width, row 0 at the bottom) with a tick per spike.

    ``x`` is each spike's horizontal position in [0, 1), ``rows`` its row in [0, n_rows), ``colors``
    its RGBA colour (uint8, one row per spike). A neuron row taller than a pixel gets a tick that
    fills most of its height (at most MAX_TICK_PX), centred on the row; ticks are ``tick_width`` pixels
    wide (wider for a projector).
    """
    img = np.zeros((height, width, 4), np.uint8)
    if x.size == 0 or n_rows == 0:
        return img
    px = np.clip((x * width).astype(np.int64), 0, width - 1)
    per_row = height / n_rows
    span = max(1, min(MAX_TICK_PX, int(per_row * 0.8)))
    y0 = np.clip((rows * per_row + (per_row - span) / 2).astype(np.int64), 0, height - 1)  # centred on its row
    columns = [px] + [np.minimum(px + dx, width - 1) for dx in range(1, tick_width)]
    for k in range(span):
        y = np.minimum(y0 + k, height - 1)
        for x_px in columns:
            img[y, x_px] = colors
    return img


class RowChooser(QTableWidget):
    """One row per node: shown or not, and the first and last neuron shown."""

    changed = Signal()
    LEAST_WIDTH, MOST_WIDTH = 120, 220  # px: what a narrow raster dock still gives it, and what a wide one does

    def __init__(self):
        super().__init__(0, 3)
        self.setObjectName("raster_rows")
        self.setHorizontalHeaderLabels(["Show", "from", "to"])
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.Fixed)
            header.resizeSection(col, 52)
        self.verticalHeader().hide()
        self.setMaximumWidth(self.MOST_WIDTH)
        self._nodes: list[NodeRow] = []
        self._gone: set[str] = set()  # nodes a rebuild removed: the run's history still holds them
        self.itemChanged.connect(lambda _: self.changed.emit())

    def set_nodes(self, nodes: list[NodeRow]) -> None:
        """Add rows for nodes not seen before (populations shown, inputs hidden); keep the user's choices."""
        known = {n.id: r for r, n in enumerate(self._nodes)}
        for node in nodes:  # a rebuild may have resized a node
            r = known.get(node.id)
            if r is not None and self._nodes[r].size != node.size:
                self._nodes[r] = node
                for col in (1, 2):
                    self.cellWidget(r, col).setMaximum(node.size - 1)
        new = [node for node in nodes if node.id not in known and node.id not in self._gone]
        for node in new:
            r = self.rowCount()
            self.blockSignals(True)
            self.insertRow(r)
            item = QTableWidgetItem(node.name)
            item.setFlags(Qt.ItemIsUserCheckable | Qt.ItemIsEnabled)
            item.setCheckState(Qt.Checked if node.is_population else Qt.Unchecked)
            item.setData(Qt.UserRole, node.id)
            self.setItem(r, 0, item)
            for col, value in ((1, 0), (2, node.size - 1)):
                spin = QSpinBox()
                spin.setButtonSymbols(QSpinBox.NoButtons)  # narrow: the table sits beside the raster
                spin.setRange(0, node.size - 1)
                spin.setValue(value)
                spin.valueChanged.connect(lambda _: self.changed.emit())
                self.setCellWidget(r, col, spin)
            self.blockSignals(False)
            self._nodes.append(node)
        if new:
            self.changed.emit()

    def keep_only(self, node_ids) -> None:
        """Drop the rows of nodes the rebuilt network no longer has (a deleted population)."""
        ids = set(node_ids)
        self._gone = (self._gone - ids) | {n.id for n in self._nodes if n.id not in ids}
        for r in reversed(range(len(self._nodes))):
            if self._nodes[r].id not in ids:
                self.removeRow(r)
                del self._nodes[r]
        self.changed.emit()

    def clear_nodes(self) -> None:
        """Forget every row (another network was opened)."""
        self._nodes, self._gone = [], set()
        self.setRowCount(0)
        self.changed.emit()

    def set_shown(self, node_id: str, shown: bool, first: int | None = None, last: int | None = None) -> None:
        r = [n.id for n in self._nodes].index(node_id)
        self.item(r, 0).setCheckState(Qt.Checked if shown else Qt.Unchecked)
        if first is not None:
            self.cellWidget(r, 1).setValue(first)
        if last is not None:
            self.cellWidget(r, 2).setValue(last)

    def choice(self) -> list[tuple[str, int, int]]:
        """(node id, first neuron, last neuron + 1) of every shown node, in table order."""
        out = []
        for r, node in enumerate(self._nodes):
            if self.item(r, 0).checkState() == Qt.Checked:
                lo, hi = self.cellWidget(r, 1).value(), self.cellWidget(r, 2).value()
                if hi >= lo:
                    out.append((node.id, lo, hi + 1))
        return out


class RasterView(QWidget):
    """Scrolling raster of the live frame; emits ``neuron_clicked(node id, neuron)``."""

    neuron_clicked = Signal(str, int)
    shown_changed = Signal(list)  # ids of the nodes shown

    def __init__(self, colors=None):
        super().__init__()
        self.setObjectName("raster_view")
        self.plot = pg.PlotWidget(axisItems={"bottom": TimeAxis("bottom")})
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.setLabel("bottom", "time", units="ms")
        self.plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        follow_theme(self.plot)
        self.rows = RowChooser()
        self.rows.changed.connect(self._rows_changed)
        self.export = add_export_actions(self.plot, self.data, "the raster", self)
        side = QVBoxLayout()
        side.addWidget(self.rows, 1)
        side.addWidget(self.export.menu_button())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addLayout(side)
        self.colors: dict[str, QColor] = dict(colors or {})
        self._blocks: list[tuple[str, int, int, int]] = []  # (node id, first, stop, first row)
        self.n_rows = 0
        self.drawn = (np.zeros(0), [], np.zeros(0, np.int64))  # (times, node ids, neurons) in the last frame
        self.last: LiveFrame | None = None
        self.plot.scene().sigMouseClicked.connect(self._clicked)

    # --- what is shown -------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        """The table takes at most a third of a narrow dock (a laptop in presentation mode): the spikes come first."""
        super().resizeEvent(event)
        self.rows.setMaximumWidth(max(RowChooser.LEAST_WIDTH, min(RowChooser.MOST_WIDTH, self.width() // 3)))

    def set_colors(self, colors: dict[str, QColor]) -> None:
        self.colors = dict(colors)

    def _rows_changed(self) -> None:
        self._blocks, row = [], 0
        for node_id, lo, hi in self.rows.choice():
            self._blocks.append((node_id, lo, hi, row))
            row += hi - lo
        self.n_rows = row
        self.shown_changed.emit([b[0] for b in self._blocks])
        ticks = [((r0 + (hi - lo) / 2), self._name(nid)) for nid, lo, hi, r0 in self._blocks]
        self.plot.getAxis("left").setTicks([ticks, []])
        if self.last is not None:
            self.show_frame(self.last)

    def _name(self, node_id: str) -> str:
        return next((n.name for n in self.rows._nodes if n.id == node_id), node_id)

    # --- drawing -------------------------------------------------------------------------------
    def show_frame(self, frame: LiveFrame, window: float | None = None) -> None:
        """Draw the spikes of ``frame`` in [t - window, t] (the whole frame when window is None)."""
        self.last = frame
        self.rows.set_nodes(frame.nodes)  # rows for nodes a rebuild added
        t0, t1 = time_range(frame.t, window, frame.spikes_t.min() if frame.spikes_t.size else 0.0)
        slots = {n.id: k for k, n in enumerate(frame.nodes)}
        times, nodes, neurons, rows, colors = [], [], [], [], []
        for node_id, lo, hi, r0 in self._blocks:
            if node_id not in slots:  # not in this run (yet)
                continue
            sel = (frame.spikes_node == slots[node_id]) & (frame.spikes_neuron >= lo) & (frame.spikes_neuron < hi)
            sel &= frame.spikes_t >= t0
            n = int(sel.sum())
            times.append(frame.spikes_t[sel])
            neurons.append(frame.spikes_neuron[sel])
            nodes += [node_id] * n
            rows.append(r0 + frame.spikes_neuron[sel] - lo)
            c = self.colors.get(node_id, QColor("#333333"))
            colors.append(np.tile(np.array([c.red(), c.green(), c.blue(), 255], np.uint8), (n, 1)))
        t = np.concatenate(times) if times else np.zeros(0)
        self.drawn = (t, nodes, np.concatenate(neurons) if neurons else np.zeros(0, np.int64))
        vb = self.plot.getViewBox()
        width = int(np.clip(vb.width(), 50, 4000))
        height = int(np.clip(vb.height(), 50, 4000))
        img = raster_image((t - t0) / (t1 - t0), np.concatenate(rows) if rows else np.zeros(0, np.int64),
                           np.concatenate(colors) if colors else np.zeros((0, 4), np.uint8), self.n_rows, width,
                           height, tick_width=round(current().marker_size(1)))
        self.image.setImage(img, autoLevels=False)
        self.image.setRect(t0, 0, t1 - t0, max(self.n_rows, 1))
        self.plot.setXRange(t0, t1, padding=0)
        self.plot.setYRange(0, max(self.n_rows, 1), padding=0)

    def data(self) -> dict[str, np.ndarray]:
        """The spikes drawn now, per node: ``<node>_time_ms`` and ``<node>_neuron``."""
        times, nodes, neurons = self.drawn
        nodes = np.array(nodes)
        out = {}
        for node_id in dict.fromkeys(nodes.tolist()):
            mine = nodes == node_id
            out[f"{node_id}_time_ms"], out[f"{node_id}_neuron"] = times[mine], neurons[mine]
        return out

    # --- probing ---------------------------------------------------------------------------------
    def neuron_at(self, y: float) -> tuple[str, int] | None:
        """The (node id, neuron) drawn at height ``y`` (view coordinates)."""
        row = int(np.floor(y))
        for node_id, lo, hi, r0 in self._blocks:
            if r0 <= row < r0 + hi - lo:
                return node_id, lo + row - r0
        return None

    def _clicked(self, event) -> None:
        if event.button() != Qt.LeftButton:  # the right button opens the plot's menu (export)
            return
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        hit = self.neuron_at(vb.mapSceneToView(event.scenePos()).y())
        if hit is not None:
            self.neuron_clicked.emit(*hit)
