"""Undo commands: each calls one ``NetworkDocument`` operation and keeps what its undo needs.

Commands never touch widgets; the canvas and inspector redraw from the document's events.
``push`` checks a change before it reaches the stack, so a refused edit leaves no undo step.
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack

from ...engine.editing.document import ModelChange, NetworkDocument, Removal, Settings
from ...engine.model.params import Problem

__all__ = ["AddItems", "RemoveItems", "EditItem", "EditSettings", "MoveNodes", "SetColor", "SetModel", "push"]

MERGE_EDIT, MERGE_SETTINGS = 1, 2


def push(stack: QUndoStack, command) -> list[Problem]:
    """Push ``command`` if the document accepts the change; otherwise return the problems it would cause."""
    problems = command.problems()
    if not problems:
        stack.push(command)
    return problems


class AddItems(QUndoCommand):
    """Add nodes, projections or recorders (a palette drop, a new connection, a paste)."""

    def __init__(self, doc: NetworkDocument, items: list, layouts: dict | None = None, text: str = "Add"):
        super().__init__(text)
        self.doc, self.items, self.layouts = doc, items, dict(layouts or {})

    def problems(self) -> list[Problem]:
        return self.doc.check_add(self.items, self.layouts)

    def redo(self):
        self.doc.add_items(self.items, self.layouts)

    def undo(self):
        self.doc.remove_items([item.id for item in self.items])


class RemoveItems(QUndoCommand):
    """Delete items together with everything attached to them."""

    def __init__(self, doc: NetworkDocument, ids: list[str], text: str = "Delete"):
        super().__init__(text)
        self.doc, self.ids = doc, list(ids)
        self.removal: Removal | None = None

    def problems(self) -> list[Problem]:
        return []

    def redo(self):
        self.removal = self.doc.remove_items(self.ids)

    def undo(self):
        self.doc.restore(self.removal)


class EditItem(QUndoCommand):
    """Replace an item by an edited copy; successive edits of the same field merge into one step."""

    def __init__(self, doc: NetworkDocument, item_id: str, new_item, text: str, field: str = ""):
        super().__init__(text)
        self.doc, self.item_id, self.new_item, self.field = doc, item_id, new_item, field
        self.old_item = doc.item(item_id)

    def problems(self) -> list[Problem]:
        return self.doc.check_replace(self.item_id, self.new_item)

    def redo(self):
        self.doc.replace_item(self.item_id, self.new_item)

    def undo(self):
        self.doc.replace_item(self.item_id, self.old_item)

    def id(self) -> int:
        return MERGE_EDIT if self.field else -1

    def mergeWith(self, other) -> bool:
        if not isinstance(other, EditItem) or (other.item_id, other.field) != (self.item_id, self.field):
            return False
        self.new_item = other.new_item
        return True


class EditSettings(QUndoCommand):
    """Change dt, duration, seed or the metadata."""

    def __init__(self, doc: NetworkDocument, settings: Settings, text: str, field: str = ""):
        super().__init__(text)
        self.doc, self.new, self.field = doc, settings, field
        self.old = doc.settings()

    def problems(self) -> list[Problem]:
        return self.doc.check_settings(self.new)

    def redo(self):
        self.doc.set_settings(self.new)

    def undo(self):
        self.doc.set_settings(self.old)

    def id(self) -> int:
        return MERGE_SETTINGS if self.field else -1

    def mergeWith(self, other) -> bool:
        if not isinstance(other, EditSettings) or other.field != self.field:
            return False
        self.new = other.new
        return True


class MoveNodes(QUndoCommand):
    """Move one or many nodes: a whole drag (or an align-to-grid) is one step."""

    def __init__(self, doc: NetworkDocument, old: dict, new: dict, text: str = "Move"):
        super().__init__(text)
        self.doc, self.old, self.new = doc, dict(old), dict(new)

    def problems(self) -> list[Problem]:
        return []

    def redo(self):
        self.doc.move_nodes(self.new)

    def undo(self):
        self.doc.move_nodes(self.old)


class SetColor(QUndoCommand):
    def __init__(self, doc: NetworkDocument, item_id: str, color: str):
        super().__init__("Change colour")
        self.doc, self.item_id, self.color, self.old = doc, item_id, color, doc.layout_of(item_id).color

    def problems(self) -> list[Problem]:
        return []

    def redo(self):
        self.doc.set_color(self.item_id, self.color)

    def undo(self):
        self.doc.set_color(self.item_id, self.old)


class SetModel(QUndoCommand):
    """Save a model description into the network (or replace or remove one), with the populations that use it
    fitted to it: one step, whose undo puts back the old description and populations."""

    def __init__(self, doc: NetworkDocument, change: ModelChange, text: str = ""):
        super().__init__(text or f"Save model {change.model_id}")
        self.doc, self.change = doc, change
        self.undo_change: ModelChange | None = None

    def problems(self) -> list[Problem]:
        return self.doc.check_model(self.change)

    def redo(self):
        self.undo_change = self.doc.set_model(self.change)

    def undo(self):
        self.doc.set_model(self.undo_change)
