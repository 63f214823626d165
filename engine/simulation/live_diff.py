"""What an edit means for a running simulation: parameter changes it can take, or reasons to rebuild.

The live view compares the network it is running with the edited document after every edit;
parameter changes go to ``Simulator.set_param`` (the next chunk), anything else needs a rebuild.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass

import numpy as np

from ..equations.data import to_data
from ..model.names import display_name
from ..model.network import CurrentInput, Network, PoissonInput, Population, Projection

__all__ = ["live_changes", "LiveEdit"]

LiveEdit = tuple[str, str, float]  # (item id, parameter, new value)
COSMETIC = {"name"}  # changes the simulation never sees


def live_changes(running: Network, edited: Network) -> tuple[list[LiveEdit], list[str]]:
    """(parameter edits the running simulation can take, reasons the edit needs a rebuild instead)."""
    edits: list[LiveEdit] = []
    reasons: list[str] = []
    for setting in ("dt", "seed"):
        if getattr(running, setting) != getattr(edited, setting):
            reasons.append(f"the network's {setting} changed")
    for model_id in sorted({p.model for p in edited.populations.values()} & set(edited.models)):
        old, new = running.models.get(model_id), edited.models[model_id]
        if old is not new and (old is None or to_data(old) != to_data(new)):
            reasons.append(f"the equations of model {model_id!r} changed")
    for section, old_items in running.sections().items():
        new_items = edited.sections()[section]
        added = [i for i in new_items if i not in old_items]
        removed = [i for i in old_items if i not in new_items]
        reasons += [f"“{display_name(edited, i)}” was added" for i in added]
        reasons += [f"“{display_name(running, i)}” was removed" for i in removed]
        for item_id in old_items.keys() & new_items.keys():
            item_edits, item_reasons = _item_changes(old_items[item_id], new_items[item_id],
                                                     display_name(edited, item_id))
            edits += item_edits
            reasons += item_reasons
    return edits, reasons


def _item_changes(old, new, name: str) -> tuple[list[LiveEdit], list[str]]:
    if type(old) is not type(new):
        return [], [f"“{name}” changed kind"]
    changed = [f.name for f in fields(old) if f.name not in COSMETIC and not _same(getattr(old, f.name),
                                                                                   getattr(new, f.name))]
    live = {"params"} if isinstance(new, (Population, CurrentInput)) else set()
    if isinstance(new, PoissonInput) and old.rates is None and new.rates is None:
        live = {"rate"}
    if isinstance(new, Projection) and _constant_weight(old) and _constant_weight(new):
        live = {"weight"}
    structural = [name for name in changed if name not in live]
    if structural:
        return [], [f"“{name}”: {', '.join(structural)} changed"]
    edits = []
    for name in changed:
        if name == "params":
            edits += [(new.id, k, v) for k, v in new.params.items() if not _same(old.params.get(k), v)]
        elif name == "weight":
            edits.append((new.id, "weight", new.weight.value))
        else:
            edits.append((new.id, name, getattr(new, name)))
    return edits, []


def _constant_weight(proj: Projection) -> bool:
    return proj.weight.kind == "constant" and proj.weights is None and proj.weight.value != 0.0


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return a is not None and b is not None and np.array_equal(a, b)
    if is_dataclass(a) and is_dataclass(b):
        return type(a) is type(b) and all(_same(getattr(a, f.name), getattr(b, f.name)) for f in fields(a))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b
