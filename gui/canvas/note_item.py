"""A sticky note on the canvas: a coloured card with word-wrapped text, a resize grip and in-place editing.

The item draws what the document holds (``refresh`` reads it again). Moving goes through the scene's
``finish_move`` (one undo step with the nodes); a resize, a colour and a whole editing session each push
one ``EditNote``. Positions are the card's top-left corner, as in the file.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QAction, QActionGroup, QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsTextItem, QMenu

from ...engine.model.notes import MAX_NOTE_SIZE, MAX_NOTE_TEXT, MIN_NOTE_SIZE, NOTE_COLORS
from ..base import style
from ..editing.commands import push
from ..editing.note_commands import EditNote, RemoveNotes

__all__ = ["NoteItem", "NoteEditor"]

GRIP = 14.0  # side of the resize grip in the bottom-right corner
PADDING = 10.0
DETAIL_ZOOM = 0.3  # as for nodes: below this zoom the text is unreadable, so only the card is drawn
NOTE_FONT = QFont()
NOTE_FONT.setPointSizeF(10.0)
PLACEHOLDER = "Double-click to write a note"


class NoteEditor(QGraphicsTextItem):
    """The in-place text editor; leaving it (focus lost, Escape) hands the text back to its note once."""

    def __init__(self, note: NoteItem):
        super().__init__(note)
        self.note = note
        self.setFont(NOTE_FONT)
        self.setDefaultTextColor(QColor("#1b2631"))
        self.setPos(PADDING - 4, PADDING - 4)  # QTextDocument has a 4-unit margin of its own
        self.setTextInteractionFlags(Qt.TextEditorInteraction)
        self.document().contentsChanged.connect(note.fit_text)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.note.finish_editing()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape:
            self.clearFocus()  # ends editing through focusOutEvent
            return
        super().keyPressEvent(event)


class NoteItem(QGraphicsItem):
    """A note card; ``note_id`` ties it to the document's ``network.notes``."""

    def __init__(self, scene_ref, note_id: str):
        super().__init__()
        self.scene_ref, self.note_id = scene_ref, note_id
        self.editing = False
        self._editor: NoteEditor | None = None
        self._resize_from: tuple[float, float, QPointF] | None = None  # size and press point of a grip drag
        self.setFlags(QGraphicsItem.ItemIsMovable | QGraphicsItem.ItemIsSelectable)
        self.setAcceptHoverEvents(True)
        self.setZValue(-1.0)  # behind edges and nodes: a note annotates, it never hides the network
        self.refresh()

    @property
    def editor(self) -> NoteEditor:
        """The text editor, made on first use (most notes are never edited) and then kept, hidden between
        edits, so it is never deleted inside its own focus-out handler."""
        if self._editor is None:
            self._editor = NoteEditor(self)
            self._editor.hide()
            self._editor.setTextWidth(self.width - 2 * PADDING + 8)
        return self._editor

    # --- what it shows -------------------------------------------------------------------------------
    def note(self):
        return self.scene_ref.doc.note(self.note_id)

    def refresh(self) -> None:
        note = self.note()
        self.prepareGeometryChange()
        self.width, self.height, self.text = note.width, note.height, note.text
        self.color = QColor(note.color)
        self.setPos(note.x, note.y)
        self.setToolTip(style.plain_tip(note.text[:300]))
        if self._editor is not None:
            self._editor.setTextWidth(self.width - 2 * PADDING + 8)
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(-2, -2, self.width + 6, self.height + 6)  # room for the pen and the shadow

    def card_rect(self) -> QRectF:
        return QRectF(0, 0, self.width, self.height)

    def grip_rect(self) -> QRectF:
        return QRectF(self.width - GRIP, self.height - GRIP, GRIP, GRIP)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        rect = self.card_rect()
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(0, 0, 0, 28))
        painter.drawRoundedRect(rect.translated(2.5, 2.5), 4, 4)
        selected = self.isSelected()
        painter.setPen(QPen(style.SELECTION if selected else self.color.darker(125), 2.5 if selected else 1.0))
        painter.setBrush(QBrush(self.color))
        painter.drawRoundedRect(rect, 4, 4)
        if option.levelOfDetailFromTransform(painter.worldTransform()) < DETAIL_ZOOM:
            return
        self._paint_grip(painter)
        if not self.editing:
            self._paint_text(painter, rect.adjusted(PADDING, PADDING, -PADDING, -PADDING))

    def _paint_text(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.setClipRect(rect)
        painter.setFont(NOTE_FONT)
        painter.setPen(QColor("#1b2631") if self.text else QColor(0, 0, 0, 110))
        painter.drawText(rect, Qt.AlignLeft | Qt.AlignTop | Qt.TextWordWrap, self.text or PLACEHOLDER)
        painter.restore()

    def _paint_grip(self, painter: QPainter) -> None:
        g = self.grip_rect()
        painter.setPen(Qt.NoPen)
        painter.setBrush(self.color.darker(135))
        painter.drawPolygon(QPolygonF([g.topRight(), g.bottomRight(), g.bottomLeft()]))

    # --- editing the text ----------------------------------------------------------------------------
    def start_editing(self) -> NoteEditor:
        """Show the text editor over the card, with the cursor at the end of the text."""
        if not self.editing:
            self.editing = True
            self.editor.setPlainText(self.text)
            cursor = self.editor.textCursor()
            cursor.movePosition(cursor.MoveOperation.End)
            self.editor.setTextCursor(cursor)
            self.editor.show()
            self.update()
        self.editor.setFocus(Qt.MouseFocusReason)
        return self.editor

    def fit_text(self) -> None:
        """While typing, the card grows downwards so the text never runs out of it (never shrinks)."""
        if self.editing:
            needed = _size(self.editor.boundingRect().height() + 2 * PADDING - 8 + GRIP / 2)
            if needed > self.height:
                self.prepareGeometryChange()
                self.height = needed
                self.update()

    def finish_editing(self) -> None:
        """Hand the edited text to the document as one undo step (none if it did not change)."""
        if not self.editing or self.note_id not in self.scene_ref.doc.network.notes:
            return
        self.editing = False
        text = self.editor.toPlainText()
        if len(text) > MAX_NOTE_TEXT:  # keep what fits rather than lose the whole typing session
            text = text[:MAX_NOTE_TEXT]
            self.scene_ref.message.emit(f"The note was cut to its first {MAX_NOTE_TEXT:,} characters (a note's limit)")
        self.editor.hide()
        self.update()
        note = self.note()
        if text != note.text:  # the text and the height it grew to, as one step
            edited = replace(note, text=text, height=max(note.height, self.height))
            problems = push(self.scene_ref.stack, EditNote(self.scene_ref.doc, edited, "Edit note text"))
            if problems:
                self.scene_ref.message.emit("Cannot change the note: " + "; ".join(map(str, problems)))
        self.refresh()  # back to the document's size if nothing was committed

    # --- the menu ------------------------------------------------------------------------------------
    def menu(self, parent=None) -> QMenu:
        """Edit, colour and delete; built apart from ``contextMenuEvent`` so it can be inspected."""
        menu = QMenu(parent)
        menu.addAction("Edit Text", self.start_editing)
        colors = menu.addMenu("Colour")
        group = QActionGroup(colors)
        current = self.note().color.lower()
        for name, hex_color in NOTE_COLORS.items():
            action = QAction(name, colors, checkable=True, checked=hex_color == current)
            action.setObjectName(f"note_color:{name}")
            action.setIcon(_swatch(hex_color))
            action.triggered.connect(lambda _=False, c=hex_color: self.set_color(c))
            group.addAction(action)
            colors.addAction(action)
        menu.addSeparator()
        menu.addAction("Delete Note", lambda: push(self.scene_ref.stack, RemoveNotes(self.scene_ref.doc,
                                                                                     [self.note_id])))
        return menu

    def set_color(self, color: str) -> None:
        if color != self.note().color:
            push(self.scene_ref.stack, EditNote(self.scene_ref.doc, replace(self.note(), color=color),
                                                "Change note colour"))

    def contextMenuEvent(self, event) -> None:
        if not self.isSelected():
            self.scene_ref.clearSelection()
            self.setSelected(True)
        self.menu().exec(event.screenPos())
        event.accept()

    # --- mouse ---------------------------------------------------------------------------------------
    def hoverMoveEvent(self, event) -> None:
        self.setCursor(Qt.SizeFDiagCursor if self.grip_rect().contains(event.pos()) else Qt.ArrowCursor)
        super().hoverMoveEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton and not self.editing and self.grip_rect().contains(event.pos()):
            self._resize_from = (self.width, self.height, event.pos())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        if self._resize_from is not None:  # a preview only: the document changes when the drag ends
            width, height, start = self._resize_from
            self.prepareGeometryChange()
            moved = event.pos() - start
            self.width, self.height = _size(width + moved.x()), _size(height + moved.y())
            self.update()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._resize_from is not None:
            self._resize_from = None
            note = self.note()
            if (self.width, self.height) != (note.width, note.height):
                push(self.scene_ref.stack, EditNote(self.scene_ref.doc,
                                                    replace(note, width=self.width, height=self.height),
                                                    "Resize note"))
            return
        super().mouseReleaseEvent(event)
        self.scene_ref.finish_move()

    def mouseDoubleClickEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self.start_editing()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)


def _size(value: float) -> float:
    """A dragged width or height, whole and within the limits a file allows."""
    return float(min(max(round(value), MIN_NOTE_SIZE), MAX_NOTE_SIZE))


def _swatch(hex_color: str):
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(hex_color))
    return QIcon(pixmap)
