"""An edge on the canvas: a projection (colour and head by receptor), or a current input's or recorder's link.

Edges meet node borders on the line to their control point; ``bend`` curves an edge to its left, so
two projections in opposite directions bulge apart; a projection onto its own source is a loop.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from ..engine.network import Projection
from . import style

__all__ = ["EdgeItem", "PROJECTION_EDGE", "CURRENT_EDGE", "RECORD_EDGE", "projection_label"]

PROJECTION_EDGE, CURRENT_EDGE, RECORD_EDGE = "projection", "current", "record"
HEAD = 11.0
LOOP = 46.0
LABEL_FONT = QFont()
LABEL_FONT.setPointSizeF(7.5)
LABEL_METRICS = QFontMetricsF(LABEL_FONT)
LABEL_BACKGROUND = QColor(247, 248, 250, 225)  # the canvas colour, so labels stay readable over edges


def projection_label(proj: Projection) -> str:
    """Rule and weight in a few characters, e.g. ``p 0.02 · 20.25 pA``."""
    from ..engine.catalog import WEIGHT_UNITS

    rule = {"fixed_probability": lambda p: f"p {p['p']:g}", "fixed_indegree": lambda p: f"in {p['k']}",
            "fixed_outdegree": lambda p: f"out {p['k']}", "fixed_total": lambda p: f"n {p['n']}",
            "all_to_all": lambda p: "all", "one_to_one": lambda p: "1:1",
            "gaussian": lambda p: f"gauss σ {p['sigma']:g}", "explicit": lambda p: "list"}
    text = rule.get(proj.rule, lambda p: proj.rule)(proj.rule_params)
    w = proj.weight
    weight = f"{w.value:g}" if w.kind == "constant" else f"~{w.expected():g}"
    return f"{text} · {weight} {WEIGHT_UNITS.get(proj.synapse.kind, '')}"


class EdgeItem(QGraphicsPathItem):
    def __init__(self, scene_ref, edge_id: str, source, target, kind: str):
        super().__init__()
        self.scene_ref, self.edge_id, self.source, self.target, self.kind = scene_ref, edge_id, source, target, kind
        self.bend = 0.0
        self.head = QPolygonF()
        self.head_circle: QRectF | None = None
        self.label_text, self.label_rect = "", QRectF()
        self.setZValue(0.0 if kind == PROJECTION_EDGE else -0.5)
        selectable = kind == PROJECTION_EDGE
        self.setFlag(QGraphicsItem.ItemIsSelectable, selectable)
        self.setAcceptHoverEvents(selectable)
        source.edges.append(self)
        if target is not source:
            target.edges.append(self)
        self.refresh()

    def detach(self) -> None:
        for node in {self.source, self.target}:
            if self in node.edges:
                node.edges.remove(self)

    def refresh(self) -> None:
        """Colour, head and label from the document."""
        if self.kind == PROJECTION_EDGE:
            proj = self.scene_ref.doc.item(self.edge_id)
            self.inhibitory = proj.synapse.receptor == "inhibitory"
            self.color = style.INHIBITORY if self.inhibitory else style.EXCITATORY
            self.label_text = projection_label(proj)
            self.setToolTip(f"{proj.name}: {proj.source} → {proj.target}\n{proj.synapse.receptor} "
                            f"{proj.synapse.kind} synapses, {projection_label(proj)}")
        else:
            self.inhibitory = False
            self.color = style.CURRENT_LINK if self.kind == CURRENT_EDGE else style.RECORD_LINK
            self.label_text = ""
        self.update_path()

    # --- geometry ------------------------------------------------------------------------------------
    def update_path(self) -> None:
        if self.source is self.target:
            path, end, direction, mid = self._loop_path()
        else:
            path, end, direction, mid = self._curve_path()
        self.prepareGeometryChange()
        self.setPath(path)
        self._make_head(end, direction)
        if self.label_text:
            width = LABEL_METRICS.horizontalAdvance(self.label_text) + 6
            height = LABEL_METRICS.height() + 2
            self.label_rect = QRectF(mid.x() - width / 2, mid.y() - height / 2, width, height)
        else:
            self.label_rect = QRectF()
        self.update()

    def _curve_path(self):
        a, b = self.source.scenePos(), self.target.scenePos()
        if self.kind == RECORD_EDGE:  # recorder links hang from the bottom of their node to the recorder's top
            a = a + QPointF(0, self.source.height / 2)
            b = b - QPointF(0, self.target.height / 2)
        d = b - a
        length = math.hypot(d.x(), d.y()) or 1.0
        normal = QPointF(d.y() / length, -d.x() / length)
        control = (a + b) / 2 + normal * self.bend
        start = a if self.kind == RECORD_EDGE else _border_point(self.source, control)
        end = b if self.kind == RECORD_EDGE else _border_point(self.target, control)
        end_dir = end - control if self.bend else end - start
        end = end - _unit(end_dir) * (HEAD * 0.35 if self.kind == PROJECTION_EDGE else 0)
        path = QPainterPath(start)
        path.quadTo(control, end)
        return path, end, _unit(end_dir), path.pointAtPercent(0.5)

    def _loop_path(self):
        node = self.source
        c, w, h = node.scenePos(), node.width, node.height
        start = c + QPointF(w * 0.18, -h / 2)
        end = c + QPointF(-w * 0.18, -h / 2 - 2)
        top = c.y() - h / 2 - LOOP - max(self.bend, 0.0) * 0.6
        path = QPainterPath(start)
        path.cubicTo(QPointF(start.x() + 30, top), QPointF(end.x() - 30, top), end)
        return path, end, _unit(QPointF(0.0, 1.0) * 1.0 + QPointF(0.15, 0)), path.pointAtPercent(0.5) - QPointF(0, 8)

    def _make_head(self, tip: QPointF, direction: QPointF) -> None:
        self.head, self.head_circle = QPolygonF(), None
        if self.kind == RECORD_EDGE:
            return
        if self.inhibitory:  # a ball: the usual sign of an inhibitory synapse
            r = HEAD * 0.42
            centre = tip - direction * r * 0.2
            self.head_circle = QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r)
            return
        normal = QPointF(-direction.y(), direction.x())
        base = tip - direction * HEAD
        self.head = QPolygonF([tip + direction * 2, base + normal * HEAD * 0.45, base - normal * HEAD * 0.45])

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(-HEAD, -HEAD, HEAD, HEAD).united(self.label_rect)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10.0)
        return stroker.createStroke(self.path())

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        selected = self.isSelected()
        color = style.SELECTION if selected else self.color
        width = 3.4 if selected else (2.0 if self.kind == PROJECTION_EDGE else 1.5)
        pen = QPen(color, width)
        if self.kind == RECORD_EDGE:
            pen.setStyle(Qt.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.NoBrush)
        painter.drawPath(self.path())
        painter.setPen(QPen(color, 1.0))
        painter.setBrush(QBrush(color))
        if self.head_circle is not None:
            painter.drawEllipse(self.head_circle)
        elif not self.head.isEmpty():
            painter.drawPolygon(self.head)
        if self.label_text:
            painter.setPen(Qt.NoPen)
            painter.setBrush(LABEL_BACKGROUND)
            painter.drawRoundedRect(self.label_rect, 3, 3)
            painter.setPen(color.darker(125))
            painter.setFont(LABEL_FONT)
            painter.drawText(self.label_rect, Qt.AlignCenter, self.label_text)

    def mouseDoubleClickEvent(self, event) -> None:
        self.scene_ref.item_activated.emit(self.edge_id)
        super().mouseDoubleClickEvent(event)


def _unit(p: QPointF) -> QPointF:
    n = math.hypot(p.x(), p.y()) or 1.0
    return QPointF(p.x() / n, p.y() / n)


def _border_point(node, toward: QPointF) -> QPointF:
    """Where the line from the node's centre towards ``toward`` leaves its card."""
    c = node.scenePos()
    d = toward - c
    hw, hh = node.width / 2 + 2, node.height / 2 + 2
    scale = min(hw / abs(d.x()) if d.x() else math.inf, hh / abs(d.y()) if d.y() else math.inf)
    if not math.isfinite(scale):
        return c
    return c + d * scale
