"""Edit commands of a window: add from the palette, delete, cut/copy/paste/duplicate, select all, align.

The clipboard holds a network file's text (under our MIME type and as plain text), so pasting works
between windows and reads through the same strict loader as a file.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QMimeData, QObject, QPointF, QRectF, Signal
from PySide6.QtGui import QGuiApplication

from ...engine.editing.document import ModelChange
from ...engine.editing.layout import auto_layout
from ...engine.editing.model_edits import library_model_id
from ...engine.editing.subnetwork import extract, fit_into, fit_notes_into, models_to_add
from ...engine.editing.templates import TEMPLATES, make_item, needs_target
from ...engine.errors import FileFormatError
from ...engine.files import fileformat
from ...engine.files.model_library import SUFFIX, read_entry
from ...engine.model.names import display_name, readable_problem
from ...engine.model.network import Network, NodeLayout, Note, Population
from ..base.app_settings import model_library_dir
from ..editing.commands import AddItems, RemoveItems, SetModel, push
from ..editing.note_commands import AddNotes, RemoveNotes
from .node_item import NodeItem
from .note_item import NoteItem
from .palette import LIBRARY_PREFIX, NOTE_KEY, PLUGIN_MODEL_PREFIX

__all__ = ["EditController", "CLIPBOARD_MIME"]

CLIPBOARD_MIME = "application/x-spikestudio-network"
PASTE_OFFSET = 40.0
PLUGIN_POPULATION_SIZE = 10  # neurons in a population dropped from "Plugin models"
ATTACH_DISTANCE = 300.0  # scene units: a current input or recorder dropped this near a population attaches to it


class EditController(QObject):
    message = Signal(str)

    def __init__(self, window, doc, stack, scene, view):
        super().__init__(window)
        self.window, self.doc, self.stack, self.scene, self.view = window, doc, stack, scene, view
        self._paste_count = 0
        self.plugin_models: dict = {}  # plugin model id -> plugins.neuron_models.PluginModel (the palette's)

    # --- adding --------------------------------------------------------------------------------------
    def add_template(self, key: str, pos: QPointF | None = None) -> str | None:
        """Add a node (or a sticky note) from the palette at ``pos`` (default: the middle of the view); returns its
        id."""
        if key == NOTE_KEY:
            size = Note("").width, Note("").height  # dropped where its middle is, as nodes are
            return self.add_note(None if pos is None else pos - QPointF(size[0] / 2, size[1] / 2))
        if key.startswith(LIBRARY_PREFIX):
            return self.add_library_model(key.removeprefix(LIBRARY_PREFIX), pos)
        if key.startswith(PLUGIN_MODEL_PREFIX):
            return self.add_plugin_model(key.removeprefix(PLUGIN_MODEL_PREFIX), pos)
        template = TEMPLATES[key]
        target = None
        if needs_target(key):
            target = self._attach_target(key, pos)
            if target is None:
                self.message.emit(f"Add a population first: a {template.display_name.lower()} attaches to one")
                return None
        item_id = self.doc.unused_id(f"{template.base_id}:{target}" if key.startswith("rec:") else template.base_id)
        pop = self.doc.network.populations.get(target)
        item = make_item(key, item_id, target, pop.model if pop is not None else None)
        pos = pos if pos is not None else self._free_spot(self.view.visible_centre())
        layout = {item_id: NodeLayout(pos.x(), pos.y())}
        problems = push(self.stack, AddItems(self.doc, [item], layout, f"Add {template.display_name}"))
        if problems:
            self.message.emit("Cannot add: " + "; ".join(readable_problem(self.doc.network, p) for p in problems))
            return None
        self.scene.select_ids([item_id])
        net = self.doc.network
        self.message.emit(f"Added {item.name}" + (f" attached to {display_name(net, target)}" if target else ""))
        return item_id

    def add_library_model(self, model_id: str, pos: QPointF | None = None) -> str | None:
        """A population of a model from the user's library, its description copied into the network (one undo
        step with it); returns the population's id."""
        entry = read_entry(model_library_dir() / f"{model_id}{SUFFIX}")
        if not entry.ok:
            self.message.emit(f"Cannot add {model_id}: {'; '.join(entry.problems)}")
            return None
        used, needed = library_model_id(self.doc.network, model_id, entry.description)
        pop_id = self.doc.unused_id(used)
        pop = Population(pop_id, 100, used, {p.name: p.default for p in entry.description.params})
        pos = pos if pos is not None else self._free_spot(self.view.visible_centre())
        text = f"Add {entry.title} population"
        set_model = SetModel(self.doc, ModelChange(used, entry.description)) if needed else None
        problems = set_model.problems() if set_model is not None else []
        if not problems:
            self.stack.beginMacro(text)
            if set_model is not None:
                self.stack.push(set_model)
            problems = push(self.stack, AddItems(self.doc, [pop], {pop_id: NodeLayout(pos.x(), pos.y())}))
            self.stack.endMacro()
            if problems and set_model is not None:
                self.stack.undo()  # the description alone: not worth a step
        if problems:
            self.message.emit("Cannot add: " + "; ".join(readable_problem(self.doc.network, p) for p in problems))
            return None
        self.scene.select_ids([pop_id])
        self.message.emit(f"Added {pop_id}, a population of {entry.title}" + (f" (as model {used})"
                                                                              if used != model_id else ""))
        return pop_id

    def add_plugin_model(self, model_id: str, pos: QPointF | None = None) -> str | None:
        """A population of a plugin's neuron model; the network gets a copy of the description (under another id if
        it already describes another model with this one), so its file opens without the plugin."""
        model = self.plugin_models.get(model_id)
        if model is None:
            self.message.emit(f"No plugin describes the neuron model {model_id!r}")
            return None
        pos = pos if pos is not None else self._free_spot(self.view.visible_centre())
        piece = Network(models={model_id: model.desc})
        piece.add_population(model_id.upper()[:12], PLUGIN_POPULATION_SIZE, model_id)
        piece.layout[model_id.upper()[:12]] = NodeLayout(pos.x(), pos.y())
        self.doc.add_models(models_to_add(self.doc.network, piece))
        items, layouts = fit_into(self.doc.network, piece, (0.0, 0.0))
        problems = push(self.stack, AddItems(self.doc, items, layouts, f"Add {model.name} population"))
        if problems:
            self.message.emit("Cannot add: " + "; ".join(readable_problem(self.doc.network, p) for p in problems))
            return None
        self.scene.select_ids([items[0].id])
        self.message.emit(f"Added {items[0].name} ({model.name}, from a plugin; the network keeps its equations)")
        return items[0].id

    def add_note(self, pos: QPointF | None = None) -> str | None:
        """A sticky note at ``pos`` (default: near the middle of the view), selected; returns its id."""
        note_id = self.scene.notes.add(pos if pos is not None else self._free_note_spot())
        if note_id is not None:
            self.scene.select_ids([])
            self.scene.notes.select([note_id])
        return note_id

    def _free_note_spot(self) -> QPointF:
        """Near the middle of the view, moved down until the new card covers no node or note (it sits behind them)."""
        centre = self.view.visible_centre()
        x, y = round(centre.x() / 20) * 20 - 100, round(centre.y() / 20) * 20 - 60
        size = Note("").width, Note("").height
        while any(isinstance(i, (NodeItem, NoteItem)) for i in self.scene.items(QRectF(x, y, *size))):
            y += 40
        return QPointF(x, y)

    def _attach_target(self, key: str, pos: QPointF | None = None) -> str | None:
        """The node it was dropped next to (within ``ATTACH_DISTANCE``), else the selected population (or source,
        for spike recorders), else the first population."""
        net = self.doc.network
        allowed = net.spiking_nodes() if key == "rec:spikes" else net.populations
        if pos is not None:
            near = sorted((math.hypot(lay.x - pos.x(), lay.y - pos.y()), item_id)
                          for item_id in allowed if (lay := net.layout.get(item_id)) is not None)
            if near and near[0][0] <= ATTACH_DISTANCE:
                return near[0][1]
        for item_id in self.scene.selected_ids():
            if item_id in allowed:
                return item_id
        return next(iter(net.populations), None)

    def _free_spot(self, pos: QPointF) -> QPointF:
        """``pos``, moved down until no node sits there (double-clicking twice does not stack nodes)."""
        taken = [(lay.x, lay.y) for lay in self.doc.network.layout.values()]
        x, y = round(pos.x() / 20) * 20, round(pos.y() / 20) * 20
        while any(abs(x - tx) < 120 and abs(y - ty) < 60 for tx, ty in taken):
            y += 100
        return QPointF(x, y)

    # --- removing ------------------------------------------------------------------------------------
    def delete_selected(self) -> bool:
        ids, notes = self.scene.selected_ids(), self.scene.notes.selected()
        if not ids and not notes:
            return False
        if ids and notes:
            text = f"Delete {len(ids) + len(notes)} items"
        elif notes:
            text = "Delete note" if len(notes) == 1 else f"Delete {len(notes)} notes"
        else:
            text = f"Delete {self.doc.item(ids[0]).name}" if len(ids) == 1 else f"Delete {len(ids)} items"
        _push_all(self.stack, ([RemoveItems(self.doc, ids, text)] if ids else [])
                  + ([RemoveNotes(self.doc, notes, text)] if notes else []), text)
        self.message.emit(text)
        return True

    # --- clipboard -----------------------------------------------------------------------------------
    def copy(self) -> bool:
        piece = extract(self.doc.network, self.scene.selected_ids(), self.scene.notes.selected())
        if not piece.all_ids() and not piece.notes:
            self.message.emit("Nothing to copy: select nodes (projections come along between selected nodes)")
            return False
        text = fileformat.dumps(piece)
        mime = QMimeData()
        mime.setData(CLIPBOARD_MIME, text.encode("utf-8"))
        mime.setText(text)
        QGuiApplication.clipboard().setMimeData(mime)
        self._paste_count = 0
        self.plugin_models: dict = {}  # plugin model id -> plugins.neuron_models.PluginModel (the palette's)
        self.message.emit(f"Copied {len(piece.all_ids()) + len(piece.notes)} items")
        return True

    def cut(self) -> bool:
        return self.copy() and self.delete_selected()

    def paste(self) -> bool:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            return False
        text = bytes(mime.data(CLIPBOARD_MIME)).decode("utf-8") if mime.hasFormat(CLIPBOARD_MIME) else mime.text()
        try:
            piece = fileformat.loads(text)
        except FileFormatError:
            self.message.emit("Nothing to paste: the clipboard holds no SpikeStudio network")
            return False
        self._paste_count += 1
        return self._insert(piece, PASTE_OFFSET * self._paste_count, "Paste")

    def duplicate(self) -> bool:
        piece = extract(self.doc.network, self.scene.selected_ids(), self.scene.notes.selected())
        if not piece.all_ids() and not piece.notes:
            self.message.emit("Nothing to duplicate: select nodes first")
            return False
        return self._insert(piece, PASTE_OFFSET, "Duplicate")

    def _insert(self, piece, offset: float, verb: str) -> bool:
        piece.layout.update(auto_layout(piece))  # text pasted from elsewhere may have no positions
        self.doc.add_models(models_to_add(self.doc.network, piece))  # what the pasted populations' models need
        items, layouts = fit_into(self.doc.network, piece, (offset, offset))
        notes = fit_notes_into(self.doc.network, piece, (offset, offset))
        text = f"{verb} {len(items) + len(notes)} items"
        commands = ([AddItems(self.doc, items, layouts, text)] if items or not notes else []) + (
            [AddNotes(self.doc, notes, text)] if notes else [])
        problems = [p for command in commands for p in command.problems()]  # notes never depend on items
        if problems:
            self.message.emit(f"Cannot {verb.lower()}: " + "; ".join(readable_problem(self.doc.network, p)
                                                                     for p in problems))
            return False
        _push_all(self.stack, commands, text)
        self.scene.select_ids([item.id for item in items])
        self.scene.notes.select([note.id for note in notes])
        self.message.emit(f"{verb}: {len(items) + len(notes)} items")
        return True

    # --- selection and layout ------------------------------------------------------------------------
    def select_all(self) -> None:
        self.scene.select_ids(list(self.scene.nodes) + list(self.doc.network.projections))
        self.scene.notes.select(list(self.scene.notes.items))

    def align_selected(self) -> None:
        ids = [i for i in self.scene.selected_ids() if i in self.scene.nodes] or list(self.scene.nodes)
        self.scene.align_to_grid(ids)


def _push_all(stack, commands: list, text: str) -> None:
    """Commands the document has accepted, as one undo step (a macro only when there are several)."""
    if len(commands) == 1:
        stack.push(commands[0])
        return
    stack.beginMacro(text)
    for command in commands:
        stack.push(command)
    stack.endMacro()
