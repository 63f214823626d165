"""An edge on the canvas: a projection (colour and head by receptor), or a current input's, recorder's or reward
node's link (a reward node links to the targets of the projections it modulates, and from the node it counts).
A projection with a learning rule is drawn thicker.

Edges meet node borders on the line to their control point; ``bend`` curves an edge to its left, so
two projections in opposite directions bulge apart; a projection onto its own source is a loop. A label sits at
``label_at`` along its edge (``label_layout`` picks a place clear of the others); a crowded one that found no
clear place shows only while its edge is hovered or selected.
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

from ...engine.model.names import display_name
from ...engine.model.network import Projection
from ...engine.model.receptors import acting_synapse
from ..base import style
from ..base.theme import current

__all__ = ["EdgeItem", "PROJECTION_EDGE", "CURRENT_EDGE", "RECORD_EDGE", "REWARD_EDGE", "projection_label"]

PROJECTION_EDGE, CURRENT_EDGE, RECORD_EDGE, REWARD_EDGE = "projection", "current", "record", "reward"
LINK_COLORS = {CURRENT_EDGE: style.CURRENT_LINK, RECORD_EDGE: style.RECORD_LINK, REWARD_EDGE: style.REWARD_LINK}
HEAD = 11.0
PLASTIC_WIDTH = 3.0  # a projection with a learning rule is drawn thicker (its tooltip names the rule)
LOOP = 46.0
LABEL_FONT = QFont()
LABEL_FONT.setPointSizeF(7.5)
NO_BRUSH = QBrush(Qt.NoBrush)
LABEL_ZOOM = 0.55  # labels are drawn only where they can be read
SMOOTH_ZOOM = 0.35  # below this zoom edges are drawn without antialiasing
GLOW_PEN = QPen(QColor(243, 156, 18, 130), 12.0, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin)  # a lesson's highlight


def projection_label(proj: Projection, short: bool = True) -> str:
    """Rule and weight in a few characters, e.g. ``p 0.02 · 20.25 pA``; ``short`` rounds long figures (``n 146k ·
    ~277.7 pA``, not ``n 146244 · ~277.675 pA``) so a dense network's labels fit beside each other."""
    from ...engine.model.catalog import WEIGHT_UNITS

    num = _short_number if short else (lambda x: f"{x:g}")
    rule = {"fixed_probability": lambda p: f"p {p['p']:g}", "fixed_indegree": lambda p: f"in {p['k']}",
            "fixed_outdegree": lambda p: f"out {p['k']}", "fixed_total": lambda p: f"n {num(p['n'])}",
            "all_to_all": lambda p: "all", "one_to_one": lambda p: "1:1",
            "gaussian": lambda p: f"gauss σ {p['sigma']:g}", "explicit": lambda p: "list"}
    text = rule.get(proj.rule, lambda p: proj.rule)(proj.rule_params)
    w = proj.weight
    weight = num(w.value) if w.kind == "constant" else f"~{num(w.expected())}"
    return f"{text} · {weight} {WEIGHT_UNITS.get(proj.synapse.kind, '')}"


def _learning_text(proj: Projection) -> str:
    """Whether the weights learn (the tooltip says which rule, so a plastic projection is told apart)."""
    if proj.plasticity is None:
        return "static weights (no learning rule)"
    return f"learning rule {proj.plasticity.rule}: the weights change while the network runs"


def _short_number(x: float) -> str:
    """Four significant figures, thousands from 10,000 on as ``k`` (the inspector shows the exact value)."""
    if abs(x) >= 10_000:
        return f"{x / 1000:.0f}k"
    return f"{float(f'{x:.4g}'):g}"


def _synapse_text(proj: Projection, acting) -> str:
    """What the edge's synapses are, for its tooltip."""
    if acting.kind == "gap":
        return "gap junctions (electrical: current flows either way)"
    return f"{proj.synapse.receptor} {acting.kind} synapses"


class EdgeItem(QGraphicsPathItem):
    def __init__(self, scene_ref, edge_id: str, source, target, kind: str):
        super().__init__()
        self.scene_ref, self.edge_id, self.source, self.target, self.kind = scene_ref, edge_id, source, target, kind
        self.bend = 0.0
        self.detour = 0.0  # extra bend (same side) that takes the edge around other nodes' cards (edge_routing)
        self.head = QPolygonF()
        self.head_circle: QRectF | None = None
        self.label_text, self.label_rect, self.label_width, self.label_height = "", QRectF(), 0.0, 0.0
        self._bounds = QRectF()
        self._built_at: tuple[QPointF, QPointF] | None = None  # node positions the path was built for
        self.path_version = 0  # counts changes of the path (in item coordinates)
        self.highlighted = False  # a lesson points at this projection
        self.label_at, self.label_shown, self.hovered = 0.5, True, False  # see label_layout.place_labels
        self._label_centre = lambda t: QPointF()  # the label's centre at a fraction t along the edge
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
        """Colour, head and label from the document (and sizes from the theme)."""
        self.label_font = current().canvas_font(LABEL_FONT)
        metrics = QFontMetricsF(self.label_font)
        self.label_height = metrics.height() + 2
        if self.kind == PROJECTION_EDGE:
            proj = self.scene_ref.doc.item(self.edge_id)
            net = self.scene_ref.doc.network
            acting = acting_synapse(net, proj)  # a named receptor counts by its sign or reversal potential
            self.gap = acting.kind == "gap"  # couples both cells: no sign and no direction to draw
            self.inhibitory = acting.receptor == "inhibitory" and not self.gap
            self.color = style.GAP_JUNCTION if self.gap else style.INHIBITORY if self.inhibitory else style.EXCITATORY
            self.plastic = proj.plasticity is not None
            self.label_text = projection_label(proj)
            self.label_width = metrics.horizontalAdvance(self.label_text) + 6
            self.setToolTip(style.plain_tip(f"{display_name(net, proj.id)}: {display_name(net, proj.source)} → "
                                            f"{display_name(net, proj.target)}\n{_synapse_text(proj, acting)}, "
                                            f"{projection_label(proj, False)}\n"
                                            f"{_learning_text(proj)}"))
        else:
            self.inhibitory = self.plastic = self.gap = False
            self.color = LINK_COLORS[self.kind]
            self.label_text = ""
        self._make_pens()
        self.update_path(force=True)

    # --- geometry ------------------------------------------------------------------------------------
    def update_path(self, force: bool = False) -> None:
        """Follow the nodes: when both ends moved by the same offset (a group drag) the edge just moves
        with them; otherwise (or with ``force``: new bend, label or card size) its path is rebuilt."""
        a, b = self.source.pos(), self.target.pos()
        if not force and self._built_at is not None:
            da, db = a - self._built_at[0], b - self._built_at[1]
            if da == db:
                if self.pos() != da:
                    self.setPos(da)
                return
        self._built_at = (a, b)
        if not self.pos().isNull():
            self.setPos(0.0, 0.0)
        if self.source is self.target:
            path, end, direction = self._loop_path()
        else:
            path, end, direction = self._curve_path()
        label = self.label_rect_at(self.label_at) if self.label_text else QRectF()
        self.prepareGeometryChange()  # before the bounds change, so the scene re-indexes the edge
        self.label_rect = label
        self._bounds = path.controlPointRect().adjusted(-HEAD, -HEAD, HEAD, HEAD).united(label)
        if path != self.path():  # not when only the label moved along it
            self.path_version += 1  # label_layout keeps what it measured along the path per version
        self.setPath(path)
        self._make_head(end, direction)

    def _curve_path(self):
        """A quadratic curve between the node borders (plain floats: this runs for every edge of a moving node)."""
        a, b = self.source.pos(), self.target.pos()
        ax, ay, bx, by = a.x(), a.y(), b.x(), b.y()
        record = self.kind == RECORD_EDGE
        if record:  # recorder links hang from the bottom of their node to the recorder's top
            ay += self.source.height / 2
            by -= self.target.height / 2
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy) or 1.0
        bend = self.bend + self.detour
        cx = (ax + bx) / 2 + dy / length * bend
        cy = (ay + by) / 2 - dx / length * bend
        sx, sy = (ax, ay) if record else _border_point(self.source, ax, ay, cx, cy)
        ex, ey = (bx, by) if record else _border_point(self.target, bx, by, cx, cy)
        ux, uy = (ex - cx, ey - cy) if bend else (ex - sx, ey - sy)
        n = math.hypot(ux, uy) or 1.0
        ux, uy = ux / n, uy / n
        if self.kind == PROJECTION_EDGE:
            ex, ey = ex - ux * HEAD * 0.35, ey - uy * HEAD * 0.35
        path = QPainterPath(QPointF(sx, sy))
        path.quadTo(cx, cy, ex, ey)
        px = py = 0.0
        if bend and self.label_text:  # the label sits outside its curve, clear of the opposite edge's
            nx, ny = dy / length, -dx / length
            push = math.copysign(abs(nx) * self.label_width / 2 + abs(ny) * self.label_height / 2 + 1, bend)
            px, py = nx * push, ny * push

        def centre(t: float) -> QPointF:  # the point of the quadratic at parameter t, pushed outside
            a, b, c = (1 - t) ** 2, 2 * t * (1 - t), t * t
            return QPointF(a * sx + b * cx + c * ex + px, a * sy + b * cy + c * ey + py)

        self._label_centre = centre
        return path, (ex, ey), (ux, uy)

    def _loop_path(self):
        """A loop above the node, or below it when its recorders sit above or more of its neighbours do (so neither
        edges nor recorder cards cross it)."""
        node = self.source
        c, w, h = node.pos(), node.width, node.height
        side = 1.0 if self._crowded_above() else -1.0  # -1: above (y grows downwards)
        start = c + QPointF(w * 0.18, side * h / 2)
        end = c + QPointF(-w * 0.18, side * (h / 2 + 2))
        far = c.y() + side * (h / 2 + LOOP + max(self.bend, 0.0) * 0.6)
        path = QPainterPath(start)
        path.cubicTo(QPointF(start.x() + 30, far), QPointF(end.x() - 30, far), end)
        n = math.hypot(0.15, 1.0)
        self._label_centre = lambda t: path.pointAtPercent(t) + QPointF(0, 8 * side)
        return path, (end.x(), end.y()), (0.15 / n, -side / n)

    def label_rect_at(self, t: float) -> QRectF:
        """The label's rectangle (item coordinates) centred at a fraction ``t`` along the edge."""
        mid = self._label_centre(t)
        return QRectF(mid.x() - self.label_width / 2, mid.y() - self.label_height / 2, self.label_width,
                      self.label_height)

    def set_label_place(self, at: float, shown: bool) -> None:
        """Move the label to ``at`` along the edge; ``shown`` False keeps it for hover and selection only."""
        if (at, shown) != (self.label_at, self.label_shown):
            self.label_at, self.label_shown = at, shown
            self.update_path(force=True)
            self._restack()
            self.update()

    def label_visible(self) -> bool:
        """Whether the label is drawn now (at a readable zoom): always, or while hovered or selected if crowded."""
        return bool(self.label_text) and (self.label_shown or self.hovered or self.isSelected())

    def _restack(self) -> None:
        """A crowded label shown on hover or selection is drawn over the cards and edges around it."""
        front = not self.label_shown and (self.hovered or self.isSelected())
        self.setZValue(2.0 if front else 0.0 if self.kind == PROJECTION_EDGE else -0.5)

    def _crowded_above(self) -> bool:
        node = self.source
        y, clear = node.pos().y(), 1.5 * node.height  # roughly level neighbours count for neither side
        others = {(e.target if e.source is node else e.source, e.kind == RECORD_EDGE) for e in node.edges
                  if e.source is not e.target}  # each neighbour once, however many projections join them
        # recorders hang right under (or over) their population, where a loop's label would cover them
        rec_above = any(rec and o.pos().y() < y for o, rec in others)
        rec_below = any(rec and o.pos().y() > y for o, rec in others)
        if rec_above != rec_below:
            return rec_above
        above = sum(1 for o, rec in others if not rec and o.pos().y() < y - clear)
        below = sum(1 for o, rec in others if not rec and o.pos().y() > y + clear)
        return above > below

    def _make_head(self, tip: tuple[float, float], direction: tuple[float, float]) -> None:
        self.head, self.head_circle = QPolygonF(), None
        if self.kind == RECORD_EDGE:
            return
        (tx, ty), (ux, uy) = tip, direction
        if self.gap:  # a bar across the tip, as for an electrical synapse: current flows either way
            w, t = HEAD * 0.5, 1.5
            self.head = QPolygonF([QPointF(tx - uy * w - ux * t, ty + ux * w - uy * t),
                                   QPointF(tx + uy * w - ux * t, ty - ux * w - uy * t),
                                   QPointF(tx + uy * w - ux * 3 * t, ty - ux * w - uy * 3 * t),
                                   QPointF(tx - uy * w - ux * 3 * t, ty + ux * w - uy * 3 * t)])
            return
        if self.inhibitory:  # a ball: the usual sign of an inhibitory synapse
            r = HEAD * 0.42
            x, y = tx - ux * r * 0.2, ty - uy * r * 0.2
            self.head_circle = QRectF(x - r, y - r, 2 * r, 2 * r)
            return
        bx, by, w = tx - ux * HEAD, ty - uy * HEAD, HEAD * 0.45
        self.head = QPolygonF([QPointF(tx + ux * 2, ty + uy * 2), QPointF(bx - uy * w, by + ux * w),
                               QPointF(bx + uy * w, by - ux * w)])

    def set_highlighted(self, on: bool) -> None:
        """A glow along the edge that draws the eye to it (a lesson step points at it)."""
        if on != self.highlighted:
            self.prepareGeometryChange()
            self.highlighted = on
            self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds.adjusted(-GLOW_PEN.widthF(), -GLOW_PEN.widthF(), GLOW_PEN.widthF(),
                                     GLOW_PEN.widthF()) if self.highlighted else self._bounds

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10.0)
        return stroker.createStroke(self.path())

    def _make_pens(self) -> None:
        """Pens and brushes for both looks (plain and selected), made once per refresh, not per paint."""
        theme = current()
        self._looks = {}
        self._label_background = QBrush(theme.canvas_colors().label_background)  # labels stay readable over edges
        for selected in (False, True):
            color = style.SELECTION if selected else self.color
            width = 3.4 if selected else PLASTIC_WIDTH if self.plastic else (
                2.0 if self.kind == PROJECTION_EDGE else 1.5)
            line = QPen(color, theme.canvas_pen_width(width))
            if self.kind in (RECORD_EDGE, REWARD_EDGE):
                line.setStyle(Qt.DashLine)
            text = QPen(color.lighter(150) if theme.dark else color.darker(125))
            self._looks[selected] = (line, QPen(color, 1.0), QBrush(color), text)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        line, outline, fill, text = self._looks[self.isSelected()]
        detail = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.Antialiasing, detail >= SMOOTH_ZOOM)  # thin far-away lines: speed first
        if self.highlighted:
            painter.setPen(GLOW_PEN)
            painter.setBrush(NO_BRUSH)
            painter.drawPath(self.path())
        painter.setPen(line)
        painter.setBrush(NO_BRUSH)
        painter.drawPath(self.path())
        painter.setPen(outline)
        painter.setBrush(fill)
        if self.head_circle is not None:
            painter.drawEllipse(self.head_circle)
        elif not self.head.isEmpty():
            painter.drawPolygon(self.head)
        focused = self.hovered or self.isSelected()  # its label is read even when zoomed out
        if self.label_text and (self.label_shown or focused) and (detail >= LABEL_ZOOM or focused):
            painter.setPen(Qt.NoPen)
            painter.setBrush(self._label_background)
            painter.drawRoundedRect(self.label_rect, 3, 3)
            painter.setPen(text)
            painter.setFont(self.label_font)
            painter.drawText(self.label_rect, Qt.AlignCenter, self.label_text)

    def mouseDoubleClickEvent(self, event) -> None:
        self.scene_ref.item_activated.emit(self.edge_id)
        super().mouseDoubleClickEvent(event)

    def hoverEnterEvent(self, event) -> None:
        self._set_hovered(True)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self._set_hovered(False)
        super().hoverLeaveEvent(event)

    def _set_hovered(self, on: bool) -> None:
        self.hovered = on
        self._restack()
        self.update()

    def itemChange(self, change, value):
        if change == QGraphicsItem.ItemSelectedHasChanged:
            self._restack()
        return super().itemChange(change, value)


def _border_point(node, x: float, y: float, tx: float, ty: float) -> tuple[float, float]:
    """Where the line from the node's centre (x, y) towards (tx, ty) leaves its card."""
    dx, dy = tx - x, ty - y
    hw, hh = node.width / 2 + 2, node.height / 2 + 2
    scale = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
    if not math.isfinite(scale):
        return x, y
    return x + dx * scale, y + dy * scale
