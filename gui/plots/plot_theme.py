"""Plots follow the theme: background, axes, legends, and in presentation mode thicker lines, bigger markers and
larger text.

A plot module calls ``follow_theme(widget)`` once it has made its plot; the widget is restyled now and whenever
the theme changes. Curves are made at their normal width; a module that adds or re-pens curves later calls
``style_plot(widget)`` again (cheap: it walks the plot's items once, never per frame).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont, QPen

from ..base.theme import current

__all__ = ["follow_theme", "style_plot"]


def follow_theme(view: pg.GraphicsView) -> None:
    """Style ``view`` (a PlotWidget or GraphicsLayoutWidget) now and after every theme change, while it lives."""
    if view.findChild(_Follower) is None:
        follower = _Follower(view)
        view.installEventFilter(follower)
        current().changed.connect(follower.restyle)
    style_plot(view)


class _Follower(QObject):
    """A child of the plot: Qt drops the connection when the plot is deleted. A plot whose window is not shown
    (closed and about to be deleted, or not shown yet) is restyled when it is shown: restyling a closing window's
    legends would queue layouts that run while its items are being deleted."""

    stale = False

    def restyle(self) -> None:
        view = self.parent()
        if not view.window().isVisible():
            self.stale = True
            return
        self.stale = False
        style_plot(view)

    def eventFilter(self, watched, event) -> bool:
        if self.stale and event.type() == QEvent.Show:
            self.restyle()
        return False


def style_plot(view: pg.GraphicsView) -> None:
    """Apply the current theme to ``view`` and everything in it."""
    theme = current()
    colors = theme.plot_colors()
    view.setBackground(colors.background)
    for item in view.scene().items():
        if isinstance(item, pg.AxisItem):
            _style_axis(item, colors.foreground, theme)
        elif isinstance(item, pg.LegendItem):
            _style_legend(item, colors, theme)
        elif isinstance(item, pg.PlotItem):
            _style_title(item.titleLabel, colors.foreground, theme)
        elif isinstance(item, pg.PlotDataItem):
            _style_curve(item, theme)
        elif isinstance(item, pg.InfiniteLine):
            item.setPen(_scaled(item, item.pen, theme))
        elif isinstance(item.parentItem(), pg.PlotDataItem):
            continue  # styled through its PlotDataItem
        elif isinstance(item, pg.PlotCurveItem) and item.opts.get("pen") is not None:
            item.setPen(_scaled(item, pg.mkPen(item.opts["pen"]), theme))
        elif isinstance(item, pg.ScatterPlotItem):
            base = _base(item, "symbol_size", item.opts["size"])
            item.setSize(theme.marker_size(base))
            item._theme_symbol_size = item.opts["size"]


def _style_axis(axis: pg.AxisItem, foreground, theme) -> None:
    axis.setPen(foreground)
    axis.setTextPen(foreground)
    font = None
    if theme.presentation:
        font = QFont()
        font.setPointSizeF(theme.plot_font_pt())
    axis.setTickFont(font)
    if theme.presentation:
        axis.labelStyle["font-size"] = f"{theme.plot_font_pt():g}pt"
    else:
        axis.labelStyle.pop("font-size", None)
    axis._updateLabel()  # pyqtgraph's only way to redraw a label


def _style_legend(legend: pg.LegendItem, colors, theme) -> None:
    legend.setBrush(colors.legend)
    legend.setLabelTextColor(colors.foreground)
    legend.setLabelTextSize(f"{theme.plot_font_pt():g}pt")
    for _, label in legend.items:  # the setters above only reach labels added from now on
        label.setText(label.text)
    fit_row = getattr(legend, "fit_row", None)  # a legend above the data: its row (and compactness) follow the font
    if fit_row is not None:
        fit_row()


def _style_title(label: pg.LabelItem, foreground, theme) -> None:
    """The title keeps its look when the plot sets another text (LabelItem keeps the options it was given)."""
    size = label.opts.get("size") or "11pt"
    base = _base(label, "title_size", size)
    scaled = f"{float(base.removesuffix('pt')) * theme.font_scale():g}pt" if base.endswith("pt") else base
    label.setText(label.text, color=foreground, size=scaled)
    label._theme_title_size = scaled


def _style_curve(item: pg.PlotDataItem, theme) -> None:
    pen = item.opts["pen"]
    if pen is not None:
        item.setPen(_scaled(item, pg.mkPen(pen), theme))
    if item.opts.get("symbol") is not None:
        base = _base(item, "symbol_size", item.opts["symbolSize"])
        item.setSymbolSize(theme.marker_size(base))
        item._theme_symbol_size = item.opts["symbolSize"]


def _scaled(item, pen: QPen, theme) -> QPen:
    """``pen`` at the theme's width for ``item``: its normal width is what it was made with, remembered the first
    time it is styled (and again whenever the module gave it a pen of its own since)."""
    if getattr(item, "_theme_pen", None) != pen:
        item._theme_pen_base = pen.widthF() or 1.0  # 0 is a cosmetic 1 px line
    scaled = QPen(pen)
    scaled.setWidthF(theme.pen_width(item._theme_pen_base))
    scaled.setCosmetic(True)
    item._theme_pen = scaled
    return scaled


def _base(item, name: str, value: float) -> float:
    if getattr(item, f"_theme_{name}", None) != value:
        setattr(item, f"_theme_{name}_base", value)
    return getattr(item, f"_theme_{name}_base")
