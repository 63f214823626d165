"""Where each projection's label sits: of a few places along its edge, one that covers no other label, node card or
note, and of those the one that hides the fewest other edges (the middle when it hides none), so a label never sits
on a crossing it could avoid. In a dense network a label with no clear place shows only while its edge is hovered or
selected (the edge stays drawn and selectable, the inspector shows its weight), so no label ever hides another."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF

__all__ = ["PLACES", "place_labels"]

PLACES = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78)  # fractions along an edge, the middle first
PAD = 2.0  # labels keep this much clear of each other, so two never touch
SPACING = 4.0  # scene units between the points that stand for an edge's line


def place_labels(scene, only: set | None = None, near: np.ndarray | None = None) -> None:
    """Give every labelled edge of ``scene`` its place (edges in order: loops, then shorter edges first, since they
    have the least room). Each edge looks only at what lies near its own places, so hundreds of edges take
    milliseconds. With ``only`` (edges) and ``near`` (boxes of what changed, rows left, top, right, bottom) just those
    edges' labels, the labels that could reach one of the boxes and the labels that now lie on one of those edges'
    lines are placed again; every other shown label keeps its place and is kept clear of."""
    ids = list(scene.nodes)
    cards = _boxes(node.mapRectToScene(node.card_rect()) for node in scene.nodes.values())
    notes = _boxes(note.mapRectToScene(note.boundingRect()) for note in scene.notes.items.values())
    labelled = sorted((e for e in scene.edges.values() if e.label_text), key=_order)
    if only is not None:
        x, y, _ = _edge_points(scene, edges=only)
        reached = _meets(np.concatenate([_places(e) for e in labelled]).reshape(-1, 4), near)
        reached = reached.reshape(len(labelled), len(PLACES)).any(axis=1)
        redo = [e for e, hit in zip(labelled, reached) if hit or e in only or _any_inside(_shown(e), x, y)]
        kept = set(labelled) - set(redo)
        fixed, labelled = [e for e in labelled if e in kept and e.label_shown], redo
    else:
        fixed = []
    scene.label_placements += len(labelled)  # how much work changes cost (tests, benchmarks)
    lines = _edge_points(scene, _boxes(_reach_rect(e) for e in labelled) if only is not None else None)
    placed = np.zeros((len(labelled) + len(fixed), 4))
    placed[:len(fixed)] = _boxes(e.mapRectToScene(e.label_rect) for e in fixed) + (-PAD, -PAD, PAD, PAD)
    count = len(fixed)
    for edge in labelled:
        places = _places(edge)
        low, high = places[:, :2].min(axis=0), places[:, 2:].max(axis=0)
        near_cards = _near(cards, low, high)
        not_ends = [k for k in near_cards if ids[k] not in (edge.source.item_id, edge.target.item_id)]
        others = np.concatenate([cards[not_ends] if not_ends else cards[:0],
                                 notes[_near(notes, low, high)], placed[:count][_near(placed[:count], low, high)]])
        around = np.concatenate([others, cards[near_cards]])
        k = _best_place(edge, places, others, around, lines)
        edge.set_label_place(PLACES[k] if k is not None else 0.5, k is not None)
        if k is not None:
            placed[count] = places[k] + (-PAD, -PAD, PAD, PAD)
            count += 1


def _places(edge) -> np.ndarray:
    """The rectangles (scene, rows left, top, right, bottom) of the label at each of PLACES, kept until the edge's
    path is rebuilt (a drag only shifts them)."""
    key = (edge.path_version, edge.label_width, edge.label_height)
    cached = getattr(edge, "_places", None)
    if cached is None or cached[0] != key:
        cached = edge._places = (key, _boxes(edge.label_rect_at(at) for at in PLACES))
    x, y = edge.pos().x(), edge.pos().y()
    return cached[1] + (x, y, x, y)


def _reach_rect(edge) -> QRectF:
    """A rectangle (scene) holding every place the edge's label may take."""
    box = _places(edge)
    return QRectF(QPointF(*box[:, :2].min(axis=0)), QPointF(*box[:, 2:].max(axis=0)))


def _reach(edge) -> tuple[np.ndarray, np.ndarray]:
    r = _reach_rect(edge)
    return np.array([r.left(), r.top()]), np.array([r.right(), r.bottom()])


def _shown(edge) -> tuple[np.ndarray, np.ndarray]:
    """Where the edge's label lies now (low, high); a hidden label's whole reach, since it may find room."""
    if not edge.label_shown:
        return _reach(edge)
    r = edge.mapRectToScene(edge.label_rect)
    return np.array([r.left(), r.top()]), np.array([r.right(), r.bottom()])


def _any_inside(box: tuple[np.ndarray, np.ndarray], x: np.ndarray, y: np.ndarray) -> bool:
    """Whether any point (``x`` sorted) lies in the box (low, high)."""
    i, j = np.searchsorted(x, [box[0][0], box[1][0]], side="right")
    return bool(((y[i:j] > box[0][1]) & (y[i:j] < box[1][1])).any())


def _meets(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For each of ``boxes``, whether it reaches into any of ``others`` (rows left, top, right, bottom)."""
    return ((boxes[:, None, 0] < others[None, :, 2]) & (boxes[:, None, 2] > others[None, :, 0])
            & (boxes[:, None, 1] < others[None, :, 3]) & (boxes[:, None, 3] > others[None, :, 1])).any(axis=1)


def _near(boxes: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Indices of the boxes that reach into the rectangle from ``low`` to ``high``."""
    return np.flatnonzero((boxes[:, 0] < high[0]) & (boxes[:, 2] > low[0]) & (boxes[:, 1] < high[1])
                          & (boxes[:, 3] > low[1]))


def _best_place(edge, places: np.ndarray, beside: np.ndarray, everything: np.ndarray, lines) -> int | None:
    """Index of the clear place that hides the fewest other edges, the earliest of equals (None when no place is
    clear). The middle may lie on the edge's own end cards (``beside``: all boxes but those; a short edge has no
    other room); the other places keep clear of ``everything``."""
    clear = np.concatenate([_clear(places[:1], beside), _clear(places[1:], everything)])
    if not clear.any():
        return None
    best, fewest = None, None
    for k in np.flatnonzero(clear):
        hidden = _edges_under(places[k], id(edge), *lines)
        if fewest is None or hidden < fewest:
            best, fewest = int(k), hidden
        if hidden == 0:
            break
    return best


def _boxes(rects) -> np.ndarray:
    """Rectangles as rows (left, top, right, bottom)."""
    return np.array([(r.left(), r.top(), r.right(), r.bottom()) for r in rects], dtype=float).reshape(-1, 4)


def _clear(rects: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """For each of ``rects``, whether it overlaps none of ``boxes`` by more than half a unit each way (touching is
    no overlap)."""
    width = np.minimum(rects[:, None, 2], boxes[None, :, 2]) - np.maximum(rects[:, None, 0], boxes[None, :, 0])
    height = np.minimum(rects[:, None, 3], boxes[None, :, 3]) - np.maximum(rects[:, None, 1], boxes[None, :, 1])
    return ~((width > 0.5) & (height > 0.5)).any(axis=1)


def _edge_points(scene, within: np.ndarray | None = None, edges=None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, owner): points every few units along every edge's line (only ``edges``, and only edges reaching one of
    the ``within`` boxes, when given), each with its edge's ``id``, sorted by x (so the points under a label are
    found by bisection). Each edge's points are kept until its path is rebuilt (a drag only shifts them)."""
    owners, points = [], []
    edges = list(scene.edges.values() if edges is None else edges)
    if within is not None:
        edges = [e for e, hit in zip(edges, _meets(_boxes(e.sceneBoundingRect() for e in edges), within)) if hit]
    for edge in edges:
        cached = getattr(edge, "_line_points", None)
        if cached is None or cached[0] != edge.path_version:
            dense = [_densify(np.array([(p.x(), p.y()) for p in polygon], dtype=float).reshape(-1, 2))
                     for polygon in edge.path().toSubpathPolygons()]
            cached = edge._line_points = (edge.path_version, np.concatenate(dense) if dense else np.zeros((0, 2)))
        dense = cached[1] + (edge.pos().x(), edge.pos().y())  # item to scene: edges are only ever shifted
        points.append(dense)
        owners.append(np.full(len(dense), id(edge), dtype=np.int64))
    if not points:
        return np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64)
    xy, owner = np.concatenate(points), np.concatenate(owners)
    order = np.argsort(xy[:, 0], kind="stable")
    return xy[order, 0], xy[order, 1], owner[order]


def _densify(xy: np.ndarray) -> np.ndarray:
    """Points along the polyline no more than SPACING apart."""
    if len(xy) < 2:
        return xy
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
    at = np.linspace(0.0, along[-1], max(2, int(np.ceil(along[-1] / SPACING)) + 1))
    return np.stack([np.interp(at, along, xy[:, 0]), np.interp(at, along, xy[:, 1])], axis=1)


def _edges_under(rect: np.ndarray, own: int, x: np.ndarray, y: np.ndarray, owner: np.ndarray) -> int:
    """How many edges other than ``own`` pass under ``rect`` (left, top, right, bottom)."""
    i, j = np.searchsorted(x, rect[[0, 2]], side="right")
    inside = (y[i:j] > rect[1]) & (y[i:j] < rect[3]) & (owner[i:j] != own)
    return len(set(owner[i:j][inside].tolist()))


def _order(edge) -> tuple:
    a, b = edge.source.pos(), edge.target.pos()
    return edge.source is not edge.target, (a - b).manhattanLength(), edge.edge_id
