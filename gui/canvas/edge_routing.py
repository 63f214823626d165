"""Edges that would run across another node's card bend around it: a projection from layer 2/3 to layer 5 passes
beside layer 4, not through it. The detour grows in steps on the side the edge already bends to (the left when it
is straight) until the curve clears every card but its ends' and the recorders and inputs hanging from them."""

from __future__ import annotations

from PySide6.QtCore import QRectF

from .edge_item import PROJECTION_EDGE

__all__ = ["route_edges"]

STEP, STEPS = 34.0, 10  # detours tried: STEP, 2 STEP, ... STEPS STEP
MARGIN = 8.0  # an edge passes at least this far from a card it goes around
SAMPLES = [k / 24 for k in range(2, 23)]  # points of the curve checked (its ends lie on its own cards)


def route_edges(scene) -> None:
    """Choose each projection's detour (none when its curve crosses no other card, or no detour clears one)."""
    cards = {nid: node.mapRectToScene(node.card_rect()).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
             for nid, node in scene.nodes.items()}
    for edge in scene.edges.values():
        if edge.kind != PROJECTION_EDGE or edge.source is edge.target:
            continue
        ends = _hanging(edge.source) | _hanging(edge.target)
        obstacles = [box for nid, box in cards.items() if nid not in ends]
        side = -1.0 if edge.bend < 0 else 1.0
        for detour in [0.0] + [side * STEP * k for k in range(1, STEPS + 1)] + [0.0]:
            _set_detour(edge, detour)
            if not _crosses(edge, obstacles):
                break


def _hanging(node) -> set[str]:
    """The node and what hangs from it (its recorders and inputs: nodes joined to it by links, not projections)."""
    return {node.item_id} | {n.item_id for e in node.edges if e.kind != PROJECTION_EDGE for n in (e.source, e.target)}


def _set_detour(edge, detour: float) -> None:
    if detour != edge.detour:
        edge.detour = detour
        edge.update_path(force=True)


def _crosses(edge, boxes: list[QRectF]) -> bool:
    path = edge.path()
    points = [edge.mapToScene(path.pointAtPercent(t)) for t in SAMPLES]
    return any(box.contains(p) for box in boxes for p in points)
