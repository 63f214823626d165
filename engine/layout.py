"""Readable default positions for nodes that have none (bundled examples, imported or scripted networks).

Sources sit in a column on the left, populations in a grid to their right, and recorders in a row
under the node they record. Positions are node centres in canvas units.
"""

from __future__ import annotations

import math

from .network import CurrentInput, Network, NodeLayout

__all__ = ["auto_layout", "COLUMN", "ROW"]

COLUMN = 330.0  # horizontal distance between node centres
ROW = 170.0  # vertical distance between node centres
RECORDER_DROP = 95.0  # how far below its target a recorder row sits
RECORDER_STEP = 100.0
SOURCE_STEP = 90.0  # vertical shift between sources that would otherwise overlap


def auto_layout(net: Network, only_missing: bool = True) -> dict[str, NodeLayout]:
    """Positions for every node without a layout entry (or for all nodes); existing entries are not changed."""
    placed = {} if not only_missing else dict(net.layout)
    out: dict[str, NodeLayout] = {}
    _place_populations(net, placed, out)
    _place_sources(net, placed, out)
    _place_recorders(net, placed, out)
    return out


def _free(placed: dict, out: dict, item_id: str) -> bool:
    return item_id not in placed and item_id not in out


def _place_populations(net: Network, placed: dict, out: dict) -> None:
    todo = [p for p in net.populations if _free(placed, out, p)]
    columns = max(1, math.ceil(math.sqrt(len(todo))))
    x0 = max((lay.x for lay in placed.values()), default=-COLUMN) + COLUMN if placed else 0.0
    for k, pop_id in enumerate(todo):
        out[pop_id] = NodeLayout(x0 + (k % columns) * COLUMN, (k // columns) * (ROW + RECORDER_DROP))


def _place_sources(net: Network, placed: dict, out: dict) -> None:
    """Inputs go one column left of the nodes they drive, level with them, shifted down where two would meet."""
    everything = {**placed, **out}
    left = min((lay.x for lay in everything.values()), default=0.0)
    taken = {(round(lay.x), round(lay.y)) for lay in everything.values()}
    for item_id, item in net.inputs.items():
        if not _free(placed, out, item_id):
            continue
        targets = [everything[t] for t in _driven(net, item_id, item) if t in everything]
        y = sum(t.y for t in targets) / len(targets) if targets else 0.0
        x = min(t.x for t in targets) - COLUMN if targets else left - COLUMN
        while (round(x), round(y)) in taken:
            y += SOURCE_STEP
        taken.add((round(x), round(y)))
        out[item_id] = everything[item_id] = NodeLayout(x, y)


def _driven(net: Network, item_id: str, item) -> list[str]:
    if isinstance(item, CurrentInput):
        return [item.target]
    return [p.target for p in net.projections.values() if p.source == item_id]


def _place_recorders(net: Network, placed: dict, out: dict) -> None:
    everything = {**placed, **out}
    per_target: dict[str, int] = {}
    for rec_id, rec in net.recorders.items():
        k = per_target.get(rec.target, 0)
        per_target[rec.target] = k + 1
        if not _free(placed, out, rec_id):
            continue
        anchor = everything.get(rec.target, NodeLayout())
        count = sum(1 for r in net.recorders.values() if r.target == rec.target)
        x = anchor.x + (k - (count - 1) / 2) * RECORDER_STEP
        out[rec_id] = NodeLayout(x, anchor.y + RECORDER_DROP)
