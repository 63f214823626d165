"""What the last edge layout was computed for, so a change that cannot alter it costs nothing: routing and label
placement depend only on where cards, notes and edges lie relative to each other, so when every node and note moved
by one offset (a drag of everything, or its undo) or nothing moved, the layout moved with them and is kept."""

from __future__ import annotations

import numpy as np

__all__ = ["layout_inputs", "changed_region", "moved_cards", "same_up_to_shift"]


def layout_inputs(scene) -> tuple[dict, dict, dict, dict]:
    """(cards, notes, edges, bounds): each node's and note's scene rectangle, each edge's ends, bend and label size
    (the edge item itself too, since a remade edge starts unplaced), and where each label lies."""
    cards = {i: _rect(n.mapRectToScene(n.card_rect())) for i, n in scene.nodes.items()}
    notes = {i: _rect(n.mapRectToScene(n.boundingRect())) for i, n in scene.notes.items.items()}
    edges = {i: (e, e.source.item_id, e.target.item_id, e.bend, e.label_text, e.label_width, e.label_height)
             for i, e in scene.edges.items()}
    bounds = {e: _rect(e.mapRectToScene(e.label_rect)) for e in scene.edges.values() if e.label_text}
    return cards, notes, edges, bounds


def same_up_to_shift(before, after) -> bool:
    """Whether ``after`` is ``before`` with every card and note moved by one offset (or none)."""
    if before is None or before[2] != after[2] or before[0].keys() != after[0].keys() \
            or before[1].keys() != after[1].keys():
        return False
    pairs = [(before[k][i], after[k][i]) for k in (0, 1) for i in after[k]]
    if not pairs:
        return True
    (a0, b0) = pairs[0]
    dx, dy = b0[0] - a0[0], b0[1] - a0[1]
    return all(abs(b[0] - a[0] - dx) < 1e-6 and abs(b[1] - a[1] - dy) < 1e-6 and abs((b[2] - b[0]) - (a[2] - a[0]))
               < 1e-6 and abs((b[3] - b[1]) - (a[3] - a[1])) < 1e-6 for a, b in pairs)


def moved_cards(before, after) -> set[str] | None:
    """The nodes whose cards moved or changed size when nothing else changed (None when something else did: an
    edge, a label, a note, a node added or removed)."""
    if before is None or before[2] != after[2] or before[1] != after[1] or before[0].keys() != after[0].keys():
        return None
    return {i for i, box in after[0].items() if box != before[0][i]}


def changed_region(before, after, moved: set[str], edges) -> np.ndarray:
    """Boxes (rows left, top, right, bottom) of the moved cards, where they were and are now, and of the labels of
    ``edges`` where they were (a place they may have left free)."""
    rows = [before[0][i] for i in moved] + [after[0][i] for i in moved]
    rows += [before[3][e] for e in edges if e in before[3]]
    return np.array(rows, dtype=float).reshape(-1, 4)


def _rect(r) -> tuple[float, float, float, float]:
    return r.left(), r.top(), r.right(), r.bottom()
