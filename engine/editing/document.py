"""A network being edited: every change is checked first and announced after (the model the GUI edits).

Edits never leave the network invalid: an edit that would add a problem is refused with
``ValidationError`` naming only the problems it would add, and the network stays as it was.
Events are named in the past tense and carry item ids; views redraw from them. Each mutating
method returns what an undo needs, so the GUI's ``QUndoCommand``s stay thin.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace

from ..files.file_schema import item_loc
from ..model.network import Metadata, Network, NodeLayout, Note
from ..model.notes import note_problems
from ..model.params import Problem, ValidationError
from .events import Event
from .subnetwork import fresh_name

__all__ = ["NetworkDocument", "Removal", "Settings", "ModelChange"]


@dataclass(frozen=True)
class Settings:
    """Network-wide settings and metadata as one value (so an undo can restore all of them at once)."""

    dt: float
    duration: float
    seed: int
    title: str
    author: str
    description: str
    license: str
    threads: int = 0

    @classmethod
    def of(cls, net: Network) -> Settings:
        m = net.metadata
        return cls(net.dt, net.duration, net.seed, m.title, m.author, m.description, m.license, net.threads)

    def apply(self, net: Network) -> None:
        net.dt, net.duration, net.seed, net.threads = self.dt, self.duration, self.seed, self.threads
        net.metadata = Metadata(self.title, self.author, self.description, self.license)


@dataclass
class Removal:
    """Items taken out of a network with their places (section, index) and layouts, so they can go back."""

    entries: list[tuple[str, int, object]] = field(default_factory=list)
    layouts: list[tuple[int, str, NodeLayout]] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [item.id for _, _, item in self.entries]


@dataclass(frozen=True)
class ModelChange:
    """A model description set, replaced or removed, with the populations that use it: what ``set_model`` was
    given (or, returned, what it replaced, so the same call undoes it)."""

    model_id: str
    description: object  # a ModelDescription, or None for no model by this id
    populations: dict = field(default_factory=dict)  # id -> Population (with the parameters that fit it)
    index: int = -1  # place among the network's models (-1: the end)


class NetworkDocument:
    """The open network plus change events: ``items_added``, ``items_removed``, ``item_changed``,
    ``nodes_moved``, ``settings_changed``, ``models_changed`` and ``network_replaced``; for notes ``notes_added``,
    ``notes_removed``, ``note_changed`` and ``notes_moved`` (apart, so the simulation never hears of them)."""

    def __init__(self, network: Network | None = None):
        self.network = network if network is not None else Network()
        self._problems: set[str] | None = None  # the network's problems now (edits change it only through here)
        self.items_added, self.items_removed, self.item_changed = Event(), Event(), Event()
        self.nodes_moved, self.settings_changed, self.network_replaced = Event(), Event(), Event()
        self.models_changed = Event()  # (model id): a description added, replaced or removed
        self.notes_added, self.notes_removed, self.note_changed, self.notes_moved = Event(), Event(), Event(), Event()

    # --- whole network -------------------------------------------------------------------------------
    def replace_network(self, network: Network) -> None:
        """Show another network (after New, Open, Revert)."""
        self.network = network
        self._problems = None
        self.network_replaced.emit()

    # --- adding and removing -------------------------------------------------------------------------
    def add_models(self, models: dict) -> None:
        """Make model descriptions available (before adding populations that use them). Ids already present
        are left alone. Not an undo step: a file holds only the models its populations use."""
        for model_id, desc in models.items():
            self.network.models.setdefault(model_id, desc)
        self._problems = None

    def add_items(self, items: list, layouts: dict[str, NodeLayout] | None = None) -> list[str]:
        """Add items (nodes first, then what refers to them) with their layouts; returns their ids."""
        problems = self.check_add(items, layouts)
        if problems:
            raise ValidationError(problems)
        self._insert(items, layouts or {})
        self._problems = None
        ids = [item.id for item in items]
        self.items_added.emit(ids)
        return ids

    def check_add(self, items: list, layouts: dict[str, NodeLayout] | None = None) -> list[Problem]:
        """What adding ``items`` would break (empty when it is fine); the network is left unchanged."""
        taken, ids = self.network.all_ids(), [item.id for item in items]
        clashes = [i for i in ids if i in taken or ids.count(i) > 1]
        if clashes:
            return [Problem(f'"{i}"', "an item with this id already exists") for i in dict.fromkeys(clashes)]
        return self._dry_run(lambda: self._insert(items, layouts or {}), lambda: self._take(ids))

    def remove_items(self, ids: list[str]) -> Removal:
        """Remove items and everything attached to them (projections, recorders, current inputs)."""
        removal = self._take(ids)
        self._problems = None
        self.items_removed.emit(removal.ids)
        return removal

    def restore(self, removal: Removal) -> None:
        """Put removed items back where they were (undo of ``remove_items``)."""
        for section_name, index, item in sorted(removal.entries, key=lambda e: e[1]):
            _insert_at(self.network.sections()[section_name], index, item.id, item)
        for index, item_id, layout in sorted(removal.layouts, key=lambda e: e[0]):
            _insert_at(self.network.layout, index, item_id, layout)
        self._problems = None
        self.items_added.emit(removal.ids)

    # --- editing -------------------------------------------------------------------------------------
    def item(self, item_id: str):
        return self.network.node(item_id)

    def edited_copy(self, item_id: str):
        """A deep copy of an item to change and hand back to ``replace_item``."""
        return copy.deepcopy(self.item(item_id))

    def replace_item(self, item_id: str, new_item) -> object:
        """Swap an item for an edited copy (same id); returns the old item for undo."""
        section = self._section_of(item_id)
        old = section[item_id]
        self._refuse_new_problems(lambda: section.__setitem__(item_id, new_item),
                                  lambda: section.__setitem__(item_id, old))
        self.item_changed.emit(item_id)
        return old

    def check_replace(self, item_id: str, new_item) -> list[Problem]:
        section = self._section_of(item_id)
        old = section[item_id]
        return self._dry_run(lambda: section.__setitem__(item_id, new_item), lambda: section.__setitem__(item_id, old))

    def settings(self) -> Settings:
        return Settings.of(self.network)

    def set_settings(self, settings: Settings) -> Settings:
        """Change dt, duration, seed and metadata at once; returns the old settings."""
        old = self.settings()
        self._refuse_new_problems(lambda: settings.apply(self.network), lambda: old.apply(self.network))
        self.settings_changed.emit()
        return old

    def check_settings(self, settings: Settings) -> list[Problem]:
        old = self.settings()
        return self._dry_run(lambda: settings.apply(self.network), lambda: old.apply(self.network))

    # --- models described by equations -----------------------------------------------------------------
    def set_model(self, change: ModelChange) -> ModelChange:
        """Add, replace or (description None) remove a model description, and at once put in the populations
        ``change`` brings (the ones that use it, their parameters fitted to it); returns the change that undoes
        it. Refused with ``ValidationError`` when it would add problems."""
        old = self._model_state(change)
        self._refuse_new_problems(lambda: self._apply_model(change), lambda: self._apply_model(old))
        self.models_changed.emit(change.model_id)
        for pop_id in change.populations:
            self.item_changed.emit(pop_id)
        return old

    def check_model(self, change: ModelChange) -> list[Problem]:
        """What ``set_model(change)`` would break (empty when it is fine); nothing changes."""
        old = self._model_state(change)
        return self._dry_run(lambda: self._apply_model(change), lambda: self._apply_model(old))

    def _model_state(self, change: ModelChange) -> ModelChange:
        models = self.network.models
        index = list(models).index(change.model_id) if change.model_id in models else -1
        pops = {pid: self.network.populations[pid] for pid in change.populations}
        return ModelChange(change.model_id, models.get(change.model_id), pops, index)

    def _apply_model(self, change: ModelChange) -> None:
        models = self.network.models
        models.pop(change.model_id, None)
        if change.description is not None:
            _insert_at(models, change.index if change.index >= 0 else len(models), change.model_id,
                       change.description)
        self.network.populations.update(change.populations)

    # --- layout (never affects the simulation, so never validated) -----------------------------------
    def layout_of(self, item_id: str) -> NodeLayout:
        return self.network.layout.get(item_id) or NodeLayout()

    def move_nodes(self, positions: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        """Place nodes at canvas positions; returns their previous positions."""
        old = {}
        for item_id, (x, y) in positions.items():
            layout = self.network.layout.setdefault(item_id, NodeLayout())
            old[item_id] = (layout.x, layout.y)
            layout.x, layout.y = float(x), float(y)
        self.nodes_moved.emit(list(positions))
        return old

    def set_color(self, item_id: str, color: str) -> str:
        """Give a node its own colour ("" for the automatic one by model or kind); returns the old one."""
        layout = self.network.layout.setdefault(item_id, NodeLayout())
        old, layout.color = layout.color, color
        self.item_changed.emit(item_id)
        return old

    def unused_id(self, base: str) -> str:
        """``base`` if no item has it, else ``base_2``, ``base_3`` ... (ids are never reused silently)."""
        net = self.network
        taken = net.all_ids() | {n.name for section in (net.populations, net.inputs) for n in section.values()}
        return fresh_name(base, taken)

    # --- sticky notes (presentation: checked on their own, never against the network) -----------------
    def note(self, note_id: str) -> Note:
        return self.network.notes[note_id]

    def unused_note_id(self, base: str = "note") -> str:
        return fresh_name(base, set(self.network.notes))

    def check_notes(self, notes: list[Note], new: bool = True) -> list[Problem]:
        """What is wrong with ``notes`` (empty when they may go in); ``new`` notes must not reuse an id."""
        problems = []
        for note in notes:
            loc = item_loc("notes", note.id)
            if new and note.id in self.network.notes:
                problems.append(Problem(loc, "a note with this id already exists"))
            elif not new and note.id not in self.network.notes:
                problems.append(Problem(loc, "no note has this id"))
            problems += note_problems(note, loc)
        return problems

    def add_notes(self, notes: list[Note]) -> list[str]:
        """Put notes on the canvas (after the others); returns their ids."""
        self._refuse(self.check_notes(notes))
        self.network.notes.update((note.id, note) for note in notes)
        ids = [note.id for note in notes]
        self.notes_added.emit(ids)
        return ids

    def remove_notes(self, ids: list[str]) -> list[tuple[int, Note]]:
        """Take notes off the canvas; returns them with their places, for ``restore_notes``."""
        places = {key: i for i, key in enumerate(self.network.notes)}
        removed = [(places[i], self.network.notes.pop(i)) for i in ids if i in places]
        self.notes_removed.emit([note.id for _, note in removed])
        return removed

    def restore_notes(self, removed: list[tuple[int, Note]]) -> None:
        """Put removed notes back where they were (undo of ``remove_notes``)."""
        for index, note in sorted(removed, key=lambda e: e[0]):
            _insert_at(self.network.notes, index, note.id, note)
        self.notes_added.emit([note.id for _, note in removed])

    def edited_note(self, note_id: str) -> Note:
        """A copy of a note to change and hand back to ``replace_note``."""
        return replace(self.note(note_id))

    def replace_note(self, note: Note) -> Note:
        """Swap a note for an edited copy with the same id (new text, colour or geometry); returns the old one."""
        self._refuse(self.check_notes([note], new=False))
        old, self.network.notes[note.id] = self.network.notes[note.id], note
        self.note_changed.emit(note.id)
        return old

    def move_notes(self, positions: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
        """Place notes' top-left corners; returns their previous positions."""
        notes = self.network.notes
        missing = [Problem(item_loc("notes", key), "no note has this id") for key in positions if key not in notes]
        self._refuse(missing or self.check_notes([replace(notes[key], x=float(x), y=float(y))
                                                  for key, (x, y) in positions.items()], new=False))
        old = {}
        for key, (x, y) in positions.items():
            old[key] = (notes[key].x, notes[key].y)
            notes[key].x, notes[key].y = float(x), float(y)
        self.notes_moved.emit(list(positions))
        return old

    # --- internals -----------------------------------------------------------------------------------
    @staticmethod
    def _refuse(problems: list[Problem]) -> None:
        if problems:
            raise ValidationError(problems)

    def _section_of(self, item_id: str) -> dict:
        for section in self.network.sections().values():
            if item_id in section:
                return section
        raise KeyError(f"no item with id {item_id!r}")

    def _insert(self, items: list, layouts: dict[str, NodeLayout]) -> None:
        for item in items:
            self.network.add(item)
        self.network.layout.update({k: v for k, v in layouts.items() if k in self.network.all_ids()})

    def _take(self, ids: list[str]) -> Removal:
        removal, net = Removal(), self.network
        positions = {(name, key): i for name, section in net.sections().items() for i, key in enumerate(section)}
        layout_index = {key: i for i, key in enumerate(net.layout)}
        layouts = dict(net.layout)  # Network.remove drops layout entries
        for item_id in ids:
            if item_id not in net.all_ids():
                continue
            for item in net.remove(item_id):
                name = _section_name(net, item)
                removal.entries.append((name, positions[(name, item.id)], item))
                if item.id in layout_index:
                    removal.layouts.append((layout_index[item.id], item.id, layouts[item.id]))
        return removal

    def _current_problems(self) -> set[str]:
        if self._problems is None:
            self._problems = {str(p) for p in self.network.validate()}
        return self._problems

    def _dry_run(self, do, undo) -> list[Problem]:
        before = self._current_problems()
        try:
            do()
            return [p for p in self.network.validate() if str(p) not in before]
        except ValidationError as exc:
            return exc.problems
        finally:
            undo()

    def _refuse_new_problems(self, do, undo) -> None:
        """Apply a change, or undo it and raise ``ValidationError`` with the problems it would add."""
        before = self._current_problems()
        try:
            do()
            after = self.network.validate()
        except ValidationError as exc:
            undo()
            raise ValidationError(exc.problems) from None
        new = [p for p in after if str(p) not in before]
        if new:
            undo()
            raise ValidationError(new)
        self._problems = {str(p) for p in after}


def _section_name(net: Network, item) -> str:
    section = net._section_for(item)
    return next(name for name, s in net.sections().items() if s is section)


def _insert_at(section: dict, index: int, key: str, value) -> None:
    """Insert ``key: value`` into a dict at position ``index`` (dicts keep file order, which saving preserves)."""
    entries = list(section.items())
    entries.insert(min(index, len(entries)), (key, value))
    section.clear()
    section.update(entries)
