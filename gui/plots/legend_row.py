"""Legends in a row above a plot's data, never on it: wrapped into as many columns as the row's width holds and,
when that is too tall for a small dock (a laptop screen, presentation mode's larger font), made compact (smaller
labels and samples) before giving up the row.
"""

from __future__ import annotations

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt

__all__ = ["legend_above", "LEGEND_SHARE", "COMPACT_SCALES"]

LEGEND_SHARE = 0.3  # the legend's row takes at most this share of a plot's height
COMPACT_SCALES = (1.0, 0.85, 0.72, 0.62)  # label sizes tried, largest first, until the row fits
SAMPLE = 20.0  # px: pyqtgraph's sample box at full size
TEXT_MARGIN = 1.0  # px around a label's text (Qt's 4 px doubles the gap between rows)
MARGINS = (2, 1, 2, 1)  # px around the legend's entries (Qt's default 9 px would cost a row's height)


class _Sample(pg.ItemSample):
    """pyqtgraph's legend sample, drawn centred in a box that shrinks with the labels (it is fixed at 20 px)."""

    def __init__(self, item):
        super().__init__(item)
        self.scale = 1.0

    def set_scale(self, scale: float) -> None:
        if scale != self.scale:
            self.scale = scale
            self.prepareGeometryChange()
            self.setFixedWidth(SAMPLE * scale)
            self.setFixedHeight(SAMPLE * scale)

    def boundingRect(self):
        return QRectF(0, 0, SAMPLE * self.scale, SAMPLE * self.scale)

    def paint(self, p, *args):
        p.scale(self.scale, self.scale)
        super().paint(p, *args)


class _LegendRow(pg.GraphicsWidget):
    """The row above a plot's data that its legend lives in: as tall as the legend, so it never covers data."""

    def __init__(self, legend: pg.LegendItem, columns: int):
        super().__init__()
        self.legend, self.columns = legend, columns
        self.scale = 1.0
        self._fitting = False
        legend.setParentItem(self)
        legend.anchor(itemPos=(0, 0), parentPos=(0, 0), offset=(4, 0))
        legend.layout.setVerticalSpacing(0)
        legend.layout.setHorizontalSpacing(4)
        legend.layout.setContentsMargins(*MARGINS)
        self.fit()

    def fit(self, *_) -> None:
        """The largest label size (of ``COMPACT_SCALES``) whose rows fit the plot's share, in as many columns as
        the row's width holds. In a dock too small even for the compact legend it sits over the data, as
        pyqtgraph's does, rather than leaving no data at all."""
        legend = self.legend
        if self._fitting or not shiboken6.isValid(self) or not shiboken6.isValid(legend):  # a late signal
            return
        self._fitting = True
        try:
            height = self._fitted_height()
        finally:
            self._fitting = False
        if height != self.maximumHeight():
            self.setMinimumHeight(height)
            self.setMaximumHeight(height)

    def _fitted_height(self) -> float:
        legend, plot = self.legend, self.parentItem()
        if not legend.items:
            return 0.0
        room = LEGEND_SHARE * plot.height() if plot is not None and plot.height() > 0 else float("inf")
        for scale in COMPACT_SCALES:
            self._set_scale(scale)
            size = self._arranged()
            if size.height() <= room:
                return size.height()
        return 0.0  # (compact, over the data)

    def _arranged(self) -> QSizeF:
        """Entries in as many columns (up to ``columns``) as the row's width holds; the legend's size so."""
        for columns in range(min(self.columns, len(self.legend.items)), 0, -1):
            size = self._arrange(columns)
            if self.width() <= 0 or size.width() <= self.width() - 4:
                break
        self.legend.setGeometry(QRectF(QPointF(0, 0), size))
        return size

    def _arrange(self, columns: int) -> QSizeF:
        """Entries row by row in ``columns`` columns (pyqtgraph's own re-layout loses entries when a grid that
        had more columns is reused); the size the legend's layout asks for."""
        legend, grid = self.legend, self.legend.layout
        for i in range(grid.count() - 1, -1, -1):
            grid.removeAt(i)
        for k, (sample, label) in enumerate(legend.items):
            row, col = divmod(k, columns)
            grid.addItem(sample, row, 2 * col, alignment=Qt.AlignmentFlag.AlignVCenter)
            grid.addItem(label, row, 2 * col + 1)
        legend.columnCount, legend.rowCount = columns, -(-len(legend.items) // columns)
        grid.invalidate()
        return grid.effectiveSizeHint(Qt.SizeHint.PreferredSize)

    def _set_scale(self, scale: float) -> None:
        """Labels at ``scale`` times the legend's label size (the theme's), samples to match."""
        legend = self.legend
        base = str(legend.opts.get("labelTextSize") or "9pt")
        size = f"{float(base.removesuffix('pt')) * scale:.3g}pt" if base.endswith("pt") else base
        for sample, label in legend.items:
            if label.item.document().documentMargin() != TEXT_MARGIN:
                label.item.document().setDocumentMargin(TEXT_MARGIN)
                label.opts.pop("size", None)  # measured again below
            if label.opts.get("size") != size:
                label.setText(label.text, size=size)
            if isinstance(sample, _Sample):
                sample.set_scale(scale)
        self.scale = scale

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def boundingRect(self):
        """(Asked by the legend's anchor even while the plot is being deleted.)"""
        return super().boundingRect() if shiboken6.isValid(self) else QRectF()


def legend_above(plot: pg.PlotWidget, columns: int = 8, **options) -> pg.LegendItem:
    """A legend laid out in a row above the plot's data (where a title would be, over the axis too), wrapping
    after ``columns`` entries; its row grows and shrinks with its entries (``legend.fit_row()`` after changing
    them), and its labels shrink (``legend.row.scale``) when a small dock has no room for them at full size."""
    item = plot.getPlotItem()
    legend = pg.LegendItem(colCount=columns, sampleType=_Sample, **options)
    row = _LegendRow(legend, columns)
    item.layout.removeItem(item.titleLabel)
    item.titleLabel.hide()
    item.layout.addItem(row, 0, 0, 1, 3)
    item.legend = legend  # curves made with a name join it, as with addLegend
    legend.fit_row = row.fit
    legend.row = row
    legend.geometryChanged.connect(row.fit)
    item.geometryChanged.connect(row.fit)  # a taller plot may now have room for the legend's row
    return legend
