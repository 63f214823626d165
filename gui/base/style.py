"""Colours, sizes and icons shared by the canvas and the panels (one place to change the look)."""

from __future__ import annotations

import html
from functools import cache

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QIcon, QImage, QPaintEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from ...engine.model.catalog import NEURON_MODELS
from ...engine.model.network import (
    CurrentInput,
    DatasetInput,
    PoissonInput,
    Population,
    Recorder,
    RewardInput,
    SpikeTimesInput,
)
from ...resources.icons import icon_path

__all__ = ["EXCITATORY", "INHIBITORY", "GAP_JUNCTION", "CURRENT_LINK", "RECORD_LINK", "REWARD_LINK", "SELECTION",
           "GRID", "node_color", "icon_name", "icon", "paint_icon", "template_icon_name", "plain_tip", "plain_html"]

EXCITATORY = QColor("#c0392b")
INHIBITORY = QColor("#2471a3")
GAP_JUNCTION = QColor("#7d6608")  # an electrical synapse: neither sign, both ways
CURRENT_LINK = QColor("#e67e22")
RECORD_LINK = QColor("#7f8c8d")
REWARD_LINK = QColor("#27ae60")
SELECTION = QColor("#f39c12")
CANVAS = QColor("#f7f8fa")  # the light theme's canvas; gui.theme gives the current one
GRID_MINOR, GRID_MAJOR = QColor("#eceef2"), QColor("#dde1e7")
GRID = 20.0  # canvas units between grid lines (align-to-grid snaps to this)

MODEL_COLORS = {"lif": "#c0392b", "izhikevich": "#8e44ad", "adex": "#16a085", "hh": "#d35400",
                "lif_adaptive": "#a93226"}
KIND_COLORS = {PoissonInput: "#5d6d7e", SpikeTimesInput: "#5d6d7e", DatasetInput: "#5d6d7e", CurrentInput: "#e67e22",
               Recorder: "#566573", RewardInput: "#27ae60"}


def node_color(item, layout_color: str = "") -> QColor:
    """The node's own colour from the file, else one by model or kind."""
    if layout_color and QColor(layout_color).isValid():
        return QColor(layout_color)
    if isinstance(item, Population):
        return QColor(MODEL_COLORS.get(item.model, "#34495e"))
    return QColor(KIND_COLORS.get(type(item), "#34495e"))


def icon_name(item) -> str:
    if isinstance(item, Population):  # a model described by equations has no icon of its own: a neuron's
        return item.model if item.model in NEURON_MODELS else "lif"
    if isinstance(item, PoissonInput):
        return "poisson"
    if isinstance(item, SpikeTimesInput):
        return "spikes"
    if isinstance(item, DatasetInput):
        return "dataset"
    if isinstance(item, CurrentInput):
        return "current"
    if isinstance(item, RewardInput):
        return "reward"
    return f"rec_{item.kind}"


def template_icon_name(key: str) -> str:
    kind, _, variant = key.partition(":")
    inputs = {"poisson": "poisson", "spikes": "spikes", "current": "current", "reward": "reward",
              "dataset": "dataset"}
    return {"pop": variant, "in": inputs.get(variant, ""), "rec": f"rec_{variant}"}[kind]


@cache
def _renderer(name: str) -> QSvgRenderer:
    return QSvgRenderer(str(icon_path(name)))


@cache
def icon(name: str) -> QIcon:
    return QIcon(str(icon_path(name)))


def paint_icon(painter: QPainter, name: str, rect: QRectF) -> None:
    """Draw an icon from a pixmap rendered once per size on screen (rendering SVG at every paint is slow);
    into an SVG picture, as vector shapes."""
    if painter.paintEngine().type() == QPaintEngine.SVG:
        _renderer(name).render(painter, rect)
        return
    scale = painter.worldTransform().m11() * painter.device().devicePixelRatioF()
    side = max(4, round(rect.width() * scale))
    painter.drawPixmap(rect, _pixmap(name, side), QRectF(0, 0, side, side))


@cache
def _pixmap(name: str, side: int) -> QPixmap:
    image = QImage(side, side, QImage.Format_ARGB32_Premultiplied)
    image.fill(0)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    _renderer(name).render(painter, QRectF(0, 0, side, side))
    painter.end()
    return QPixmap.fromImage(image)


def plain_tip(text: str) -> str:
    """A tooltip that shows ``text`` as written: Qt reads a tooltip starting with a tag as HTML, and text from
    a shared file (a note, a lesson) must never be markup (an ``<img>`` would read any file)."""
    return f"<p style='white-space: pre-wrap'>{html.escape(text)}</p>"


def plain_html(text: str) -> str:
    """``text`` for pyqtgraph's titles, legends and labels, which are HTML: a name such as ``E<->I`` shows as
    written."""
    return html.escape(str(text), quote=False)
