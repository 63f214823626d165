"""The canvas's sticky notes: one ``NoteItem`` per note, kept in step with the document's note events.

Kept apart from ``CanvasScene`` (which owns one of these) because notes are not nodes: no edges, no
inspector, and the simulation never hears of them.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QTimer

from ...engine.model.network import Note
from ...engine.model.notes import DEFAULT_NOTE_COLOR
from ..editing.commands import push
from ..editing.note_commands import AddNotes, MoveNotes
from .note_item import NoteItem

__all__ = ["CanvasNotes"]


class CanvasNotes:
    """The note items of ``scene`` (a ``CanvasScene``), keyed by note id."""

    def __init__(self, scene):
        self.scene, self.doc = scene, scene.doc
        self.items: dict[str, NoteItem] = {}
        self._gone: list[NoteItem] = []  # removed items live until control is back in the event loop, since a
        # note can be deleted from its own context menu, inside its own event handler
        self.doc.notes_added.connect(self._added)
        self.doc.notes_removed.connect(self._removed)
        self.doc.note_changed.connect(self._changed)
        self.doc.notes_moved.connect(self._moved)

    def rebuild(self) -> None:
        self._removed(list(self.items))
        self._added(list(self.doc.network.notes))

    def _added(self, ids: list[str]) -> None:
        for note_id in ids:
            item = NoteItem(self.scene, note_id)
            self.scene.addItem(item)
            self.items[note_id] = item

    def _removed(self, ids: list[str]) -> None:
        with self.scene.quiet_selection():
            for note_id in ids:
                item = self.items.pop(note_id, None)
                if item is not None:
                    item.editing = False  # the note is gone (or another network opened): nothing to hand back
                    self.scene.removeItem(item)
                    self._gone.append(item)
        if self._gone:
            QTimer.singleShot(0, self._gone.clear)

    def _changed(self, note_id: str) -> None:
        if note_id in self.items:
            self.items[note_id].refresh()

    def _moved(self, ids: list[str]) -> None:
        for note_id in ids:
            self._changed(note_id)

    # --- gestures --------------------------------------------------------------------------------------
    def selected(self) -> list[str]:
        return [note_id for note_id, item in self.items.items() if item.isSelected()]

    def select(self, ids) -> None:
        """Add these notes to the selection, announcing it once."""
        with self.scene.quiet_selection():
            for note_id in ids:
                if note_id in self.items:
                    self.items[note_id].setSelected(True)

    def moved(self) -> tuple[dict, dict]:
        """(old, new) top-left corners of the notes a drag has moved and the document does not know yet."""
        old, new = {}, {}
        for note_id, item in self.items.items():
            note = self.doc.note(note_id)
            pos = item.pos()
            if (pos.x(), pos.y()) != (note.x, note.y):
                old[note_id], new[note_id] = (note.x, note.y), (pos.x(), pos.y())
        return old, new

    def shifted(self, dx: float, dy: float) -> tuple[dict, dict]:
        """(old, new) top-left corners of the selected notes moved by ``dx``, ``dy``."""
        old = {note_id: (self.doc.note(note_id).x, self.doc.note(note_id).y) for note_id in self.selected()}
        return old, {note_id: (x + dx, y + dy) for note_id, (x, y) in old.items()}

    def finish_editing(self) -> None:
        """Hand the text of a note being written to the document now (before saving, exporting, closing)."""
        for item in self.items.values():
            item.finish_editing()

    def finish_editing_unless_at(self, pos: QPointF) -> None:
        """A press outside the note being edited ends its editing (Qt keeps the focus on a text item otherwise)."""
        for item in self.items.values():
            if item.editing and not item.sceneBoundingRect().contains(pos):
                item.editor.clearFocus()

    def move_command(self, old: dict, new: dict) -> MoveNotes:
        return MoveNotes(self.doc, old, new, "Move note" if len(new) == 1 else f"Move {len(new)} notes")

    def add(self, pos: QPointF, text: str = "") -> str | None:
        """A new note with its top-left corner at ``pos``, as one undo step; returns its id (None if refused)."""
        x, y = float(round(pos.x())), float(round(pos.y()))
        note = Note(self.doc.unused_note_id(), text, x, y, color=DEFAULT_NOTE_COLOR)
        problems = push(self.scene.stack, AddNotes(self.doc, [note]))
        if problems:
            self.scene.message.emit("Cannot add a note: " + "; ".join(map(str, problems)))
            return None
        self.scene.message.emit("Added a note: double-click it to write")
        return note.id
