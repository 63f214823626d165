"""The canvas view: zoom (wheel, keys), pan (middle button or space-drag), rubber-band selection, drops from
the palette, and fit-to-view."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsTextItem, QGraphicsView

__all__ = ["CanvasView", "TEMPLATE_MIME"]

TEMPLATE_MIME = "application/x-spikestudio-template"
ZOOM_STEP = 1.2
MIN_ZOOM, MAX_ZOOM = 0.08, 4.0
NUDGES = {Qt.Key_Left: (-1, 0), Qt.Key_Right: (1, 0), Qt.Key_Up: (0, -1), Qt.Key_Down: (0, 1)}  # in grid steps


class CanvasView(QGraphicsView):
    template_dropped = Signal(str, QPointF)  # palette template key, scene position
    node_menu_requested = Signal(str, QPoint)  # right-click on a node: its id, global position for a menu

    def __init__(self, scene, parent=None):
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setDragMode(QGraphicsView.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.DontSavePainterState, True)
        self.setCacheMode(QGraphicsView.CacheBackground)  # the grid is drawn once per zoom or scroll, not per frame
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.StrongFocus)
        self._pan_start: QPointF | None = None
        self._space_held = False

    def contextMenuEvent(self, event) -> None:
        item = self.itemAt(event.pos())
        while item is not None and not hasattr(item, "item_id"):
            item = item.parentItem()
        if item is not None and item.item_id in getattr(self.scene(), "nodes", {}):
            self.node_menu_requested.emit(item.item_id, event.globalPos())
            event.accept()
            return
        super().contextMenuEvent(event)

    # --- zoom ----------------------------------------------------------------------------------------
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        target = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom() * factor))
        factor = target / self.zoom()
        if abs(factor - 1.0) > 1e-9:
            self.scale(factor, factor)

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def actual_size(self) -> None:
        self.zoom_by(1.0 / self.zoom())

    def fit_all(self) -> None:
        """Show every node and note, with a margin, never zooming in past 1:1 (a single node stays readable)."""
        scene = self.scene()
        items = [*getattr(scene, "nodes", {}).values(), *getattr(getattr(scene, "notes", None), "items", {}).values()]
        if not items:
            self.resetTransform()
            self.centerOn(0, 0)
            return
        rect = QRectF()
        for item in items:
            rect = rect.united(item.sceneBoundingRect())
        for edge in getattr(self.scene(), "edges", {}).values():
            rect = rect.united(edge.sceneBoundingRect())
        rect = rect.adjusted(-40, -40, 40, 40)
        self.fitInView(rect, Qt.KeepAspectRatio)
        if self.zoom() > 1.0:
            self.actual_size()
        elif self.zoom() < MIN_ZOOM:
            self.zoom_by(MIN_ZOOM / self.zoom())
        self.centerOn(rect.center())

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.ShiftModifier:  # shift-wheel scrolls sideways, as in most editors
            super().wheelEvent(event)
            return
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(ZOOM_STEP ** steps)
        event.accept()

    # --- pan -----------------------------------------------------------------------------------------
    def keyPressEvent(self, event) -> None:
        if isinstance(self.scene().focusItem(), QGraphicsTextItem):  # typing into a note: keys are text
            super().keyPressEvent(event)
            return
        step = NUDGES.get(event.key())
        scene = self.scene()
        if step is not None and (scene.selected_nodes() or scene.notes.selected()):  # arrows move the selection
            scale = 5 if event.modifiers() & Qt.ShiftModifier else 1
            scene.nudge(step[0] * scale, step[1] * scale)
            return
        if event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self._space_held = True
            self.viewport().setCursor(Qt.OpenHandCursor)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event) -> None:
        if event.key() == Qt.Key_Space and not event.isAutoRepeat():
            self._space_held = False
            self.viewport().unsetCursor()
            return
        super().keyReleaseEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MiddleButton or (event.button() == Qt.LeftButton and self._space_held):
            self._pan_start = event.position()
            self.viewport().setCursor(Qt.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._pan_start is not None:
            delta = event.position() - self._pan_start
            self._pan_start = event.position()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - int(delta.x()))
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - int(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._pan_start is not None:
            self._pan_start = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # --- drops from the palette ----------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasFormat(TEMPLATE_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:
        if event.mimeData().hasFormat(TEMPLATE_MIME):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:
        if event.mimeData().hasFormat(TEMPLATE_MIME):
            key = bytes(event.mimeData().data(TEMPLATE_MIME)).decode("utf-8")
            self.template_dropped.emit(key, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
        else:
            super().dropEvent(event)

    def visible_centre(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())
