"""Edges that would run across another node's card bend around it: a projection from layer 2/3 to layer 5 passes
beside layer 4, not through it. The detour grows in steps on the side the edge already bends to (the left when it
is straight) until the curve clears every card but its ends' and the recorders and inputs hanging from them.

Every detour of an edge is tried at once on a few points of its curve (numpy), so a canvas of hundreds of edges is
routed in milliseconds after each change."""

from __future__ import annotations

import numpy as np

from .edge_item import PROJECTION_EDGE

__all__ = ["route_edges"]

STEP, STEPS = 34.0, 10  # detours tried: STEP, 2 STEP, ... STEPS STEP
MARGIN = 8.0  # an edge passes at least this far from a card it goes around
SAMPLES = np.linspace(2 / 24, 22 / 24, 21)[None, :, None]  # fractions of the curve checked (its ends are on cards)


def route_edges(scene, moved: set[str] | None = None, dirty: np.ndarray | None = None) -> set:
    """Choose each projection's detour (none when its curve crosses no other card, or no detour clears one); returns
    the edges whose detour changed. With ``moved`` (node ids) and ``dirty`` (their cards' old and new boxes, rows
    left, top, right, bottom) only edges of those nodes and edges whose every possible detour reaches a dirty box
    are routed again: no other edge's route can change."""
    ids = list(scene.nodes)
    boxes = np.array([[r.left() - MARGIN, r.top() - MARGIN, r.right() + MARGIN, r.bottom() + MARGIN]
                      for r in (node.mapRectToScene(node.card_rect()) for node in scene.nodes.values())],
                     dtype=float).reshape(-1, 4)
    edges = [e for e in scene.edges.values() if e.kind == PROJECTION_EDGE and e.source is not e.target]
    if moved is not None:
        reach = _reaches(edges, dirty)
        edges = [e for e, hit in zip(edges, reach) if hit or e.source.item_id in moved or e.target.item_id in moved]
    changed = set()
    for edge in edges:
        detour = _first_clear_detour(edge, boxes, ids)
        if detour != edge.detour:
            edge.detour = detour
            edge.update_path(force=True)
            changed.add(edge)
    return changed


def _reaches(edges: list, dirty: np.ndarray) -> np.ndarray:
    """For each edge, whether the hull of every curve it may take (its ends and the control points of no detour and
    of the largest) meets one of the ``dirty`` boxes (grown by MARGIN, as the cards are)."""
    if not edges:
        return np.zeros(0, dtype=bool)
    ends = np.array([(e.source.scenePos().x(), e.source.scenePos().y(), e.target.scenePos().x(),
                      e.target.scenePos().y(), e.bend) for e in edges], dtype=float)
    ax, ay, bx, by, bend = ends.T
    length = np.hypot(bx - ax, by - ay)
    length[length == 0] = 1.0
    xs, ys = [ax, bx], [ay, by]
    for b in (bend, bend + np.where(bend < 0, -1.0, 1.0) * STEP * STEPS):
        xs.append((ax + bx) / 2 + (by - ay) / length * b)
        ys.append((ay + by) / 2 - (bx - ax) / length * b)
    xs, ys = np.array(xs), np.array(ys)
    low_x, high_x = xs.min(axis=0) - MARGIN, xs.max(axis=0) + MARGIN
    low_y, high_y = ys.min(axis=0) - MARGIN, ys.max(axis=0) + MARGIN
    return ((dirty[None, :, 0] < high_x[:, None]) & (dirty[None, :, 2] > low_x[:, None])
            & (dirty[None, :, 1] < high_y[:, None]) & (dirty[None, :, 3] > low_y[:, None])).any(axis=1)


def _first_clear_detour(edge, boxes: np.ndarray, ids: list[str]) -> float:
    side = -1.0 if edge.bend < 0 else 1.0
    detours = side * STEP * np.arange(STEPS + 1)
    points = _curves(edge, edge.bend + detours)  # (detours, samples, 2)
    low, high = points.min(axis=(0, 1)), points.max(axis=(0, 1))
    near = np.flatnonzero((boxes[:, 0] < high[0]) & (boxes[:, 2] > low[0]) & (boxes[:, 1] < high[1])
                          & (boxes[:, 3] > low[1]))
    ends = _hanging(edge.source) | _hanging(edge.target)
    near = [k for k in near if ids[k] not in ends]
    if not near:
        return 0.0
    b = boxes[near][None, None, :, :]
    x, y = points[:, :, None, 0], points[:, :, None, 1]
    crossing = ((x > b[..., 0]) & (x < b[..., 2]) & (y > b[..., 1]) & (y < b[..., 3])).any(axis=(1, 2))
    clear = np.flatnonzero(~crossing)
    return float(detours[clear[0]]) if len(clear) else 0.0


def _curves(edge, bends: np.ndarray) -> np.ndarray:
    """Points of the edge's curve (centre to centre, as ``EdgeItem`` bends it) for each of ``bends``."""
    a, b = edge.source.scenePos(), edge.target.scenePos()
    t = SAMPLES
    start, end = np.array([a.x(), a.y()]), np.array([b.x(), b.y()])
    return (1 - t) ** 2 * start + 2 * t * (1 - t) * _controls(edge, bends)[:, None, :] + t ** 2 * end


def _controls(edge, bends: np.ndarray) -> np.ndarray:
    """The control point of the edge's curve for each of ``bends`` (rows x, y)."""
    a, b = edge.source.scenePos(), edge.target.scenePos()
    ax, ay, bx, by = a.x(), a.y(), b.x(), b.y()
    length = float(np.hypot(bx - ax, by - ay)) or 1.0
    return np.stack([(ax + bx) / 2 + (by - ay) / length * bends, (ay + by) / 2 - (bx - ax) / length * bends], 1)


def _hanging(node) -> set[str]:
    """The node and what hangs from it (its recorders and inputs: nodes joined to it by links, not projections)."""
    return {node.item_id} | {n.item_id for e in node.edges if e.kind != PROJECTION_EDGE for n in (e.source, e.target)}
