"""Undo commands for sticky notes: each calls one ``NetworkDocument`` note operation and keeps what its undo needs.

Like ``commands``, they never touch canvas items; the note items redraw from the document's note events.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QUndoCommand

from ...engine.editing.document import NetworkDocument
from ...engine.model.network import Note
from ...engine.model.params import Problem

__all__ = ["AddNotes", "RemoveNotes", "EditNote", "MoveNotes"]


class AddNotes(QUndoCommand):
    """Put new notes on the canvas (Add Note, a paste)."""

    def __init__(self, doc: NetworkDocument, notes: list[Note], text: str = "Add note"):
        super().__init__(text)
        self.doc, self.notes = doc, [replace(n) for n in notes]

    def problems(self) -> list[Problem]:
        return self.doc.check_notes(self.notes)

    def redo(self):
        self.doc.add_notes([replace(n) for n in self.notes])  # copies: later edits never reach the stored ones

    def undo(self):
        self.doc.remove_notes([n.id for n in self.notes])


class RemoveNotes(QUndoCommand):
    def __init__(self, doc: NetworkDocument, ids: list[str], text: str = "Delete note"):
        super().__init__(text)
        self.doc, self.ids, self.removed = doc, list(ids), []

    def problems(self) -> list[Problem]:
        return []

    def redo(self):
        self.removed = self.doc.remove_notes(self.ids)

    def undo(self):
        self.doc.restore_notes(self.removed)


class EditNote(QUndoCommand):
    """Replace a note by an edited copy: new text (one whole editing session), colour or size."""

    def __init__(self, doc: NetworkDocument, note: Note, text: str):
        super().__init__(text)
        self.doc, self.new, self.old = doc, note, doc.note(note.id)

    def problems(self) -> list[Problem]:
        return self.doc.check_notes([self.new], new=False)

    def redo(self):
        self.doc.replace_note(self.new)

    def undo(self):
        self.doc.replace_note(self.old)


class MoveNotes(QUndoCommand):
    def __init__(self, doc: NetworkDocument, old: dict, new: dict, text: str = "Move note"):
        super().__init__(text)
        self.doc, self.old, self.new = doc, dict(old), dict(new)

    def problems(self) -> list[Problem]:
        notes = self.doc.network.notes
        return self.doc.check_notes([replace(notes[k], x=x, y=y) for k, (x, y) in self.new.items() if k in notes],
                                    new=False)

    def redo(self):
        self.doc.move_notes(self.new)

    def undo(self):
        self.doc.move_notes(self.old)
