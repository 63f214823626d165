"""Readable default positions for nodes that have none (bundled examples, imported or scripted networks).

Sources sit in a column on the left, populations in a grid to their right, and recorders in a row
under the node they record. Positions are node centres in canvas units.
"""

from __future__ import annotations

import math

from ..model.network import CurrentInput, Network, NodeLayout, RewardInput

__all__ = ["auto_layout", "COLUMN", "ROW"]

COLUMN = 330.0  # horizontal distance between node centres
ROW = 170.0  # vertical distance between node centres
RECORDER_DROP = 95.0  # how far below its target a recorder row sits
RECORDER_STEP = 100.0
SOURCE_STEP = 90.0  # vertical shift between sources that would otherwise overlap


def auto_layout(net: Network) -> dict[str, NodeLayout]:
    """Positions for every node without a layout entry; existing entries are not changed."""
    placed = dict(net.layout)
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
    """Inputs go left of every other node, level with what they drive; many inputs fill several columns."""
    everything = {**placed, **out}
    todo = [(item_id, item) for item_id, item in net.inputs.items() if _free(placed, out, item_id)]
    if not todo:
        return
    left = min((lay.x for lay in everything.values()), default=0.0)
    ys = [lay.y for lay in everything.values()] or [0.0]
    capacity = max(1, int((max(ys) - min(ys)) // SOURCE_STEP) + 1)

    def wanted_y(entry) -> float:
        targets = [everything[t] for t in _driven(net, *entry) if t in everything]
        return sum(t.y for t in targets) / len(targets) if targets else 0.0

    if len(todo) > capacity:  # a block of columns, in the order of what they drive
        for k, (item_id, _) in enumerate(sorted(todo, key=wanted_y)):
            out[item_id] = NodeLayout(left - COLUMN * (1 + k // capacity), min(ys) + (k % capacity) * SOURCE_STEP)
        return
    column = [lay.y for lay in everything.values() if abs(lay.x - (left - COLUMN)) < COLUMN / 2]
    for entry in todo:
        y = wanted_y(entry)
        while any(abs(y - other) < SOURCE_STEP for other in column):
            y += SOURCE_STEP
        column.append(y)
        out[entry[0]] = NodeLayout(left - COLUMN, y)


def _driven(net: Network, item_id: str, item) -> list[str]:
    """The nodes an input drives (its target, or its projections' targets)."""
    if isinstance(item, CurrentInput):
        return [item.target]
    if isinstance(item, RewardInput):  # level with the targets of the projections it modulates
        return [p.target for p in net.projections.values()
                if p.plasticity is not None and p.plasticity.params.get("reward") == item_id]
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
