"""Where each projection's label sits: of a few places along its edge, one that covers no other label, node card or
note, and of those the one that hides the fewest other edges (the middle when it hides none), so a label never sits
on a crossing it could avoid. In a dense network a label with no clear place shows only while its edge is hovered or
selected (the edge stays drawn and selectable, the inspector shows its weight), so no label ever hides another."""

from __future__ import annotations

from itertools import chain

import numpy as np
from PySide6.QtCore import QRectF

__all__ = ["PLACES", "place_labels"]

PLACES = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78)  # fractions along an edge, the middle first
PAD = 2.0  # labels keep this much clear of each other, so two never touch
SPACING = 4.0  # scene units between the points that stand for an edge's line


def place_labels(scene) -> None:
    """Give every labelled edge of ``scene`` its place (edges in order: loops, then shorter edges first, since they
    have the least room)."""
    cards = {nid: node.mapRectToScene(node.card_rect()) for nid, node in scene.nodes.items()}
    notes = [note.mapRectToScene(note.boundingRect()) for note in scene.notes.items.values()]
    lines = _edge_points(scene)
    placed: list[QRectF] = []
    for edge in sorted((e for e in scene.edges.values() if e.label_text), key=_order):
        at, rect = _best_place(edge, cards, notes, placed, lines)
        edge.set_label_place(at, rect is not None)
        if rect is not None:
            placed.append(rect.adjusted(-PAD, -PAD, PAD, PAD))


def _best_place(edge, cards: dict[str, QRectF], notes: list[QRectF], placed: list[QRectF], lines):
    """(fraction, scene rectangle) of the clear place that hides the fewest other edges; (0.5, None) when no place
    is clear. The middle may lie on the edge's own end cards (a short edge has no other room); the other places
    keep clear of them too."""
    ends = {edge.source.item_id, edge.target.item_id}
    others = lines[0] != id(edge)
    best = None
    for k, at in enumerate(PLACES):
        rect = edge.mapRectToScene(edge.label_rect_at(at))
        boxes = (box for nid, box in cards.items() if k or nid not in ends)
        if any(_overlap(rect, box) for box in chain(placed, boxes, notes)):
            continue
        hidden = _edges_under(rect, lines[1][others], lines[0][others])
        if best is None or hidden < best[0]:
            best = (hidden, at, rect)
        if hidden == 0:
            break
    return (0.5, None) if best is None else best[1:]


def _edge_points(scene) -> tuple[np.ndarray, np.ndarray]:
    """(owner, xy): points every few units along every edge's line, each with its edge's ``id``."""
    owners, points = [], []
    for edge in scene.edges.values():
        for polygon in edge.mapToScene(edge.path()).toSubpathPolygons():
            xy = np.array([(p.x(), p.y()) for p in polygon], dtype=float).reshape(-1, 2)
            dense = _densify(xy)
            points.append(dense)
            owners.append(np.full(len(dense), id(edge), dtype=np.int64))
    if not points:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 2))
    return np.concatenate(owners), np.concatenate(points)


def _densify(xy: np.ndarray) -> np.ndarray:
    """The polyline's corners and points between them no more than SPACING apart."""
    if len(xy) < 2:
        return xy
    out = [xy[:1]]
    for a, b in zip(xy[:-1], xy[1:]):
        n = max(1, int(np.ceil(np.hypot(*(b - a)) / SPACING)))
        out.append(a + (b - a) * (np.arange(1, n + 1)[:, None] / n))
    return np.concatenate(out)


def _edges_under(rect: QRectF, xy: np.ndarray, owners: np.ndarray) -> int:
    inside = ((xy[:, 0] > rect.left()) & (xy[:, 0] < rect.right()) & (xy[:, 1] > rect.top())
              & (xy[:, 1] < rect.bottom()))
    return len(np.unique(owners[inside]))


def _overlap(a: QRectF, b: QRectF) -> bool:
    both = a.intersected(b)
    return both.width() > 0.5 and both.height() > 0.5


def _order(edge) -> tuple:
    a, b = edge.source.pos(), edge.target.pos()
    return edge.source is not edge.target, (a - b).manhattanLength(), edge.edge_id
