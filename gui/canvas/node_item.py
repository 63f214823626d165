"""A node on the canvas: a card with colour band, icon, name and a one-line summary, plus its ports.

The item draws what the document holds (``refresh`` reads it again); dragging the output port starts
a new connection, which the scene completes. Positions are node centres, as in the file's layout.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from ...engine.model.network import (
    CurrentInput,
    DatasetInput,
    PoissonInput,
    Population,
    Recorder,
    RewardInput,
    SpikeTimesInput,
)
from ..base import style
from ..base.theme import current

__all__ = ["NodeItem", "summary_line"]

SHORT_MODEL_NAMES = {"lif": "LIF", "izhikevich": "Izhikevich", "adex": "AdEx", "hh": "HH",
                     "lif_adaptive": "ALIF"}  # fit on a card
SIZES = {"population": (206.0, 70.0), "input": (190.0, 60.0), "recorder": (96.0, 34.0)}
PORT_RADIUS = 6.0
GLOW = 9.0  # how far a lesson's highlight reaches beyond the card
GLOW_COLOR = QColor(243, 156, 18)
DETAIL_ZOOM = 0.3  # below this zoom text is unreadable, so only the cards are drawn (much faster)
TITLE_FONT = QFont()
TITLE_FONT.setBold(True)
TITLE_FONT.setPointSizeF(10.5)
SMALL_FONT = QFont()
SMALL_FONT.setPointSizeF(8.5)


def summary_line(item) -> str:
    """What a node is, in a few words: model and size, rate, waveform, or what is recorded."""
    if isinstance(item, Population):
        name = SHORT_MODEL_NAMES.get(item.model, item.model)
        return f"{name} · {item.size:,} neuron{'s' * (item.size != 1)}"
    if isinstance(item, PoissonInput):
        return f"{item.size:,} × {_rate(item.rate)}" if item.rates is None else f"{item.size:,} neurons, own rates"
    if isinstance(item, SpikeTimesInput):
        return f"spike times · {item.times.size:,} spike{'s' * (item.times.size != 1)}"
    if isinstance(item, DatasetInput):
        return f"{item.dataset} · {item.samples:,} sample{'s' * (item.samples != 1)}"
    if isinstance(item, CurrentInput):
        amp = item.params.get("amplitude", item.params.get("mean"))
        return f"{item.waveform} current" + (f" · {amp:g} pA" if isinstance(amp, (int, float)) else "")
    if isinstance(item, RewardInput):
        if item.source:
            return f"reward · {item.source} spikes"
        return f"reward · {item.times.size} value{'s' * (item.times.size != 1)}"
    if isinstance(item, Recorder):
        return {"spikes": "spikes", "state": item.variable, "rate": "rate"}.get(item.kind, item.kind)
    return ""


def _rate(hz: float) -> str:
    return f"{hz / 1000:.3g} kHz" if hz >= 1000 else f"{hz:.3g} Hz"


class NodeItem(QGraphicsItem):
    """A population, input or recorder card; ``item_id`` ties it to the document."""

    def __init__(self, scene_ref, item_id: str):
        super().__init__()
        self.scene_ref, self.item_id = scene_ref, item_id
        self.edges: list = []
        self.highlighted = False  # a lesson points at this node
        self.setFlags(QGraphicsItem.ItemIsMovable | QGraphicsItem.ItemIsSelectable
                      | QGraphicsItem.ItemSendsGeometryChanges)
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.setZValue(1.0)
        self.refresh()

    # --- what it shows -------------------------------------------------------------------------------
    def refresh(self) -> None:
        item = self.scene_ref.doc.item(self.item_id)
        self.prepareGeometryChange()
        self.kind = "population" if isinstance(item, Population) else (
            "recorder" if isinstance(item, Recorder) else "input")
        self.width, self.height = SIZES[self.kind]
        self.title, self.summary = item.name, summary_line(item)
        self.color = style.node_color(item, self.scene_ref.doc.layout_of(self.item_id).color)
        self.icon_name = style.icon_name(item)
        self.has_input = isinstance(item, (Population, Recorder, RewardInput))
        self.has_output = not isinstance(item, (Recorder, RewardInput))
        self.setToolTip(style.plain_tip(f"{item.name} ({self.item_id})\n{self.summary}"))
        self.update()

    def set_highlighted(self, on: bool) -> None:
        """A glowing outline that draws the eye to this node (a lesson step points at it)."""
        if on != self.highlighted:
            self.prepareGeometryChange()
            self.highlighted = on
            self.update()

    def boundingRect(self) -> QRectF:
        m = PORT_RADIUS + 3
        rect = QRectF(-self.width / 2 - m, -self.height / 2 - 3, self.width + 2 * m, self.height + 6)
        return rect.adjusted(-GLOW, -GLOW, GLOW, GLOW) if self.highlighted else rect

    def card_rect(self) -> QRectF:
        return QRectF(-self.width / 2, -self.height / 2, self.width, self.height)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(self.card_rect(), 8, 8)
        for port in self._ports():
            path.addEllipse(port, PORT_RADIUS + 2, PORT_RADIUS + 2)
        return path

    def output_port(self) -> QPointF:
        return QPointF(self.width / 2, 0.0)

    def input_port(self) -> QPointF:
        return QPointF(-self.width / 2, 0.0)

    def on_output_port(self, pos: QPointF) -> bool:
        if not self.has_output:
            return False
        d = pos - self.output_port()
        return d.x() * d.x() + d.y() * d.y() <= (PORT_RADIUS + 4) ** 2

    def _ports(self) -> list[QPointF]:
        return [p for p, on in ((self.input_port(), self.has_input), (self.output_port(), self.has_output)) if on]

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        rect = self.card_rect()
        selected = self.isSelected()
        radius = 8.0 if self.kind != "recorder" else self.height / 2
        if self.highlighted:
            self._paint_glow(painter, rect, radius)
        theme = current()
        colors = theme.canvas_colors()
        painter.setPen(QPen(style.SELECTION if selected else self.color.darker(115),
                            theme.canvas_pen_width(3.0 if selected else 1.5)))
        painter.setBrush(QBrush(colors.card))
        painter.drawRoundedRect(rect, radius, radius)
        if self.kind != "recorder":
            band = QRectF(rect.left(), rect.top(), 7.0, rect.height())
            clip = QPainterPath()
            clip.addRoundedRect(rect, radius, radius)
            painter.save()
            painter.setClipPath(clip)
            painter.fillRect(band, self.color)
            painter.restore()
        if option.levelOfDetailFromTransform(painter.worldTransform()) >= DETAIL_ZOOM:
            self._paint_text(painter, rect, theme)
            self._paint_ports(painter, colors)

    def _paint_glow(self, painter: QPainter, rect: QRectF, radius: float) -> None:
        painter.setBrush(Qt.NoBrush)
        for width, alpha in ((GLOW * 2, 60), (GLOW, 120), (3.0, 255)):
            color = QColor(GLOW_COLOR)
            color.setAlpha(alpha)
            painter.setPen(QPen(color, width))
            painter.drawRoundedRect(rect, radius, radius)

    def _paint_text(self, painter: QPainter, rect: QRectF, theme) -> None:
        colors = theme.canvas_colors()
        if self.kind == "recorder":
            style.paint_icon(painter, self.icon_name, QRectF(rect.left() + 6, rect.top() + 5, 24, 24))
            painter.setPen(colors.title)
            painter.setFont(theme.canvas_font(SMALL_FONT))
            text_rect = QRectF(rect.left() + 33, rect.top(), rect.width() - 38, rect.height())
            painter.drawText(text_rect, Qt.AlignVCenter | Qt.AlignLeft, self.summary)
            return
        icon_size = 30.0
        style.paint_icon(painter, self.icon_name, QRectF(rect.left() + 15, -icon_size / 2, icon_size, icon_size))
        left = rect.left() + 15 + icon_size + 9
        width = rect.right() - left - 8
        painter.setPen(colors.title)
        painter.setFont(theme.canvas_font(TITLE_FONT))
        title = painter.fontMetrics().elidedText(self.title, Qt.ElideRight, int(width))
        painter.drawText(QRectF(left, rect.top() + 8, width, rect.height() / 2 - 6), Qt.AlignLeft | Qt.AlignBottom,
                         title)
        painter.setPen(colors.text)
        painter.setFont(theme.canvas_font(SMALL_FONT))
        summary = painter.fontMetrics().elidedText(self.summary, Qt.ElideRight, int(width))
        painter.drawText(QRectF(left, 2, width, rect.height() / 2 - 8), Qt.AlignLeft | Qt.AlignTop, summary)

    def _paint_ports(self, painter: QPainter, colors) -> None:
        painter.setPen(QPen(colors.port, 1.2))
        if self.has_input:
            painter.setBrush(colors.card)
            painter.drawEllipse(self.input_port(), PORT_RADIUS - 1, PORT_RADIUS - 1)
        if self.has_output:
            painter.setBrush(self.color)
            painter.drawEllipse(self.output_port(), PORT_RADIUS, PORT_RADIUS)

    # --- interaction ---------------------------------------------------------------------------------
    def itemChange(self, change, value):
        if change == QGraphicsItem.ItemPositionHasChanged:
            pending = self.scene_ref.pending_edges
            if pending is not None:
                pending.update(self.edges)
            else:
                for edge in self.edges:
                    edge.update_path()
        return super().itemChange(change, value)

    def hoverMoveEvent(self, event) -> None:
        self.setCursor(Qt.CrossCursor if self.on_output_port(event.pos()) else Qt.ArrowCursor)
        super().hoverMoveEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton and self.on_output_port(event.pos()):
            self.scene_ref.begin_connection(self, event.scenePos())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self.scene_ref.connecting:
            self.scene_ref.drag_connection(event.scenePos())
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self.scene_ref.connecting:
            self.scene_ref.finish_connection(event.scenePos())
            return
        super().mouseReleaseEvent(event)
        self.scene_ref.finish_move()

    def mouseDoubleClickEvent(self, event) -> None:
        self.scene_ref.item_activated.emit(self.item_id)
        super().mouseDoubleClickEvent(event)
