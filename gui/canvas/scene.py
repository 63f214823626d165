"""The canvas scene: one item per node and edge, kept in step with the document's events.

User gestures become undo commands here (a finished drag is one ``MoveNodes``; a port drag is a new
projection or a new target); the scene itself changes only when the document says something changed.
"""

from __future__ import annotations

import math
from contextlib import contextmanager

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsScene, QMenu

from ...engine.editing.templates import PROJECTION, connection_kind, default_projection
from ...engine.model.names import display_name, readable_problem
from ...engine.model.network import CurrentInput, Projection, Recorder, RewardInput
from ...engine.model.receptors import acting_synapse, fitted_synapse
from ..base import style
from ..base.theme import current
from ..editing.commands import AddItems, EditItem, MoveNodes, push
from .edge_item import CURRENT_EDGE, PROJECTION_EDGE, RECORD_EDGE, REWARD_EDGE, EdgeItem
from .edge_routing import route_edges
from .label_layout import place_labels
from .layout_memo import changed_region, layout_inputs, moved_cards, same_up_to_shift
from .node_item import NodeItem
from .notes import CanvasNotes

__all__ = ["CanvasScene"]

BEND = 34.0  # how far apart parallel and opposite edges between one pair bulge


class CanvasScene(QGraphicsScene):
    message = Signal(str)
    item_activated = Signal(str)

    def __init__(self, doc, stack, parent=None):
        super().__init__(parent)
        self.doc, self.stack = doc, stack
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[str, EdgeItem] = {}
        self._pairs: dict[frozenset, list[EdgeItem]] = {}  # projections between each pair of nodes, for bends
        self.connecting = False
        self.pending_edges: set | None = None  # while set, moved nodes queue their edges here (one update each)
        self._wire: QGraphicsLineItem | None = None
        self._wire_source: NodeItem | None = None
        self._laid_out = None  # what the last edge layout was computed for (layout_memo)
        self.full_layouts = 0  # how many times every edge was routed and every label placed
        self.label_placements = 0  # how many labels were placed (label_layout), to tell a local layout
        self.setSceneRect(QRectF(-5000, -5000, 10000, 10000))
        # Edges move whenever a node does; with a few hundred items a linear search beats keeping a BSP tree.
        self.setItemIndexMethod(QGraphicsScene.NoIndex)
        self.notes = CanvasNotes(self)  # sticky notes: items of their own, not nodes
        doc.items_added.connect(self._on_added)
        doc.items_removed.connect(self._on_removed)
        doc.item_changed.connect(self._on_changed)
        doc.nodes_moved.connect(self._on_moved)
        doc.network_replaced.connect(self.rebuild)
        for event in (doc.notes_added, doc.notes_removed, doc.note_changed, doc.notes_moved):
            event.connect(lambda _ids: self.lay_out_edges())  # labels keep clear of notes
        current().changed.connect(self.apply_theme)
        self.rebuild()

    # --- building from the document ------------------------------------------------------------------
    def rebuild(self) -> None:
        with self.quiet_selection():
            self.clearSelection()
            for item in list(self.nodes.values()) + list(self.edges.values()):
                self.removeItem(item)
            self.nodes.clear()
            self.edges.clear()
            self._pairs.clear()
        net = self.doc.network
        self._on_added([*net.populations, *net.inputs, *net.recorders, *net.projections], lay_out=False)
        self.notes.rebuild()
        self.lay_out_edges()

    @contextmanager
    def quiet_selection(self):
        """Change items without announcing each step; listeners hear about the final selection once.

        (Removing selected items one by one would announce selections that name items already gone.)
        """
        before = self.selected_ids()
        self.blockSignals(True)
        try:
            yield
        finally:
            self.blockSignals(False)
        if self.selected_ids() != before:
            self.selectionChanged.emit()

    def _on_added(self, ids: list[str], lay_out: bool = True) -> None:
        net = self.doc.network
        for item_id in ids:
            if item_id in net.populations or item_id in net.inputs or item_id in net.recorders:
                node = NodeItem(self, item_id)
                lay = self.doc.layout_of(item_id)
                node.setPos(lay.x, lay.y)
                self.addItem(node)
                self.nodes[item_id] = node
        pairs = set()
        for item_id in ids:
            pairs |= self._add_edges_of(item_id)
        for a, b in pairs:
            self._update_bends(a, b)
        if lay_out:
            self.lay_out_edges()

    def _add_edges_of(self, item_id: str) -> set[tuple[str, str]]:
        """Draw the edge an item stands for; returns the node pair whose projections need new bends."""
        item = self.doc.item(item_id)
        if isinstance(item, Projection):
            self._add_reward_edge(item)
            return self._add_edge(item_id, item.source, item.target, PROJECTION_EDGE)
        if isinstance(item, RewardInput):
            if item.source:
                self._add_edge(_link_id(item_id), item.source, item_id, REWARD_EDGE)
                link = self.edges.get(_link_id(item_id))
                if link is not None:  # curved, so it stays apart from a link back to the same population
                    link.bend = BEND
                    link.update_path(force=True)
            for proj in self.doc.network.projections.values():
                if _reward_of(proj) == item_id:
                    self._add_reward_edge(proj)
            return set()
        if isinstance(item, CurrentInput):
            return self._add_edge(_link_id(item_id), item_id, item.target, CURRENT_EDGE)
        if isinstance(item, Recorder):
            return self._add_edge(_link_id(item_id), item.target, item_id, RECORD_EDGE)
        return set()

    def _add_reward_edge(self, proj: Projection) -> None:
        """A dashed link from the reward node a projection's rule reads to the projection's target."""
        self._remove_edge(_reward_link_id(proj.id))
        reward = _reward_of(proj)
        if reward:
            self._add_edge(_reward_link_id(proj.id), reward, proj.target, REWARD_EDGE)

    def _add_edge(self, edge_id: str, source: str, target: str, kind: str) -> set[tuple[str, str]]:
        if source not in self.nodes or target not in self.nodes:
            return set()
        edge = EdgeItem(self, edge_id, self.nodes[source], self.nodes[target], kind)
        self.addItem(edge)
        self.edges[edge_id] = edge
        if kind != PROJECTION_EDGE:
            return set()
        self._pairs.setdefault(frozenset((source, target)), []).append(edge)
        return {(source, target)}

    def _remove_edge(self, edge_id: str) -> None:
        edge = self.edges.pop(edge_id, None)
        if edge is not None:
            edge.detach()
            self.removeItem(edge)
            pair = frozenset((edge.source.item_id, edge.target.item_id))
            if edge in self._pairs.get(pair, []):
                self._pairs[pair].remove(edge)
                self._update_bends(edge.source.item_id, edge.target.item_id)

    def _on_removed(self, ids: list[str]) -> None:
        with self.quiet_selection():
            for item_id in ids:
                self._remove_edge(item_id)
                self._remove_edge(_link_id(item_id))
                self._remove_edge(_reward_link_id(item_id))
            for item_id in ids:
                node = self.nodes.pop(item_id, None)
                if node is not None:
                    for edge in list(node.edges):
                        self._remove_edge(edge.edge_id)
                    self.removeItem(node)
        self.lay_out_edges()

    def _on_changed(self, item_id: str) -> None:
        if item_id in self.nodes:
            self.nodes[item_id].refresh()
            for edge in self.nodes[item_id].edges:
                if edge.edge_id in self.doc.network.projections:
                    edge.refresh()  # its name may be made of this node's name
                edge.update_path(force=True)  # the card may have changed size
        if item_id in self.edges:
            self.edges[item_id].refresh()
        item = self.doc.item(item_id)
        if isinstance(item, Projection):
            self._add_reward_edge(item)  # its rule's reward node may have changed
        if isinstance(item, (CurrentInput, Recorder, RewardInput)):  # its target (or source) may have changed
            was_selected = item_id in self.nodes and self.nodes[item_id].isSelected()
            self._remove_edge(_link_id(item_id))
            self._add_edges_of(item_id)  # links have no bends
            if was_selected:
                self.nodes[item_id].setSelected(True)
        self.lay_out_edges()

    def _on_moved(self, ids: list[str]) -> None:
        with self.batched_edges():
            for item_id in ids:
                node = self.nodes.get(item_id)
                if node is not None:
                    lay = self.doc.layout_of(item_id)
                    if node.pos() != QPointF(lay.x, lay.y):
                        node.setPos(lay.x, lay.y)
        self.lay_out_edges()  # once the move is done, not at each step of a drag

    @contextmanager
    def batched_edges(self):
        """Move many nodes, then redraw each affected edge once (an edge between two moved nodes, not twice)."""
        if self.pending_edges is not None:
            yield
            return
        self.pending_edges = set()
        try:
            yield
        finally:
            pending, self.pending_edges = self.pending_edges, None
            for edge in pending:
                edge.update_path()

    def mousePressEvent(self, event) -> None:
        self.notes.finish_editing_unless_at(event.scenePos())
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        with self.batched_edges():  # a drag moves every selected node inside this call
            super().mouseMoveEvent(event)

    def lay_out_edges(self) -> None:
        """Route projections around the cards in their way, then place every label clear of the others. Only what a
        change can affect is redone: nothing when it shifted everything (dragging all nodes, or undoing that: the
        layout moved along), the edges of moved nodes and what lies where those nodes and edges were or are when
        only some nodes moved, everything otherwise (open, add, remove, edit, notes, theme)."""
        inputs = layout_inputs(self)
        before, self._laid_out = self._laid_out, inputs
        if same_up_to_shift(before, inputs):
            return
        moved = moved_cards(before, inputs)
        if moved is None:
            route_edges(self)
            place_labels(self)
            self.full_layouts += 1
        else:
            touched = route_edges(self, moved, changed_region(before, inputs, moved, ())) \
                | {e for i in moved for e in self.nodes[i].edges}
            place_labels(self, touched, changed_region(before, inputs, moved, touched))
        self._laid_out = layout_inputs(self)  # routing and placing rebuilt paths, so measure after them

    def _update_bends(self, a: str, b: str) -> None:
        """Edges between one pair of nodes: a lone edge is straight, others fan out to their left."""
        between = self._pairs.get(frozenset((a, b)), [])
        both_ways = len({e.source.item_id for e in between}) > 1
        for k, edge in enumerate(sorted(between, key=lambda e: e.edge_id)):
            if a == b:
                edge.bend = k * BEND
            else:
                same_dir = [e for e in between if e.source is edge.source]
                rank = sorted(same_dir, key=lambda e: e.edge_id).index(edge)
                edge.bend = BEND * (rank + 1) if both_ways else BEND * _fan(rank)
            edge.update_path(force=True)

    # --- selection -----------------------------------------------------------------------------------
    def selected_ids(self) -> list[str]:
        """The selected nodes and edges (selected notes: ``notes.selected()``)."""
        return [i.item_id if isinstance(i, NodeItem) else i.edge_id for i in self.selectedItems()
                if isinstance(i, (NodeItem, EdgeItem))]

    def select_ids(self, ids) -> None:
        """Select exactly these items, announcing the new selection once (not once per item)."""
        with self.quiet_selection():
            self.clearSelection()
            for item_id in ids:
                item = self.nodes.get(item_id) or self.edges.get(item_id)
                if item is not None:
                    item.setSelected(True)

    # --- moving --------------------------------------------------------------------------------------
    def finish_move(self) -> None:
        """After a drag: every node and note that moved, in one undo step."""
        old, new = {}, {}
        for item_id, node in self.nodes.items():
            lay = self.doc.layout_of(item_id)
            pos = node.pos()
            if (pos.x(), pos.y()) != (lay.x, lay.y):
                old[item_id], new[item_id] = (lay.x, lay.y), (pos.x(), pos.y())
        self._push_moves(old, new, *self.notes.moved())

    def _push_moves(self, old: dict, new: dict, old_notes: dict, new_notes: dict) -> None:
        """Moved nodes and notes as one undo step."""
        if new and new_notes:
            self.stack.beginMacro(f"Move {len(new) + len(new_notes)} items")
        if new:
            self.stack.push(MoveNodes(self.doc, old, new, "Move" if len(new) == 1 else f"Move {len(new)} nodes"))
        if new_notes:
            self.stack.push(self.notes.move_command(old_notes, new_notes))
        if new and new_notes:
            self.stack.endMacro()

    def selected_nodes(self) -> list[str]:
        return [i for i in self.selected_ids() if i in self.nodes]

    def nudge(self, dx: float, dy: float) -> None:
        """Move the selected nodes and notes by whole grid steps (arrow keys), as one undo step."""
        old, new = {}, {}
        for item_id in self.selected_nodes():
            lay = self.doc.layout_of(item_id)
            old[item_id] = (lay.x, lay.y)
            new[item_id] = (lay.x + dx * style.GRID, lay.y + dy * style.GRID)
        self._push_moves(old, new, *self.notes.shifted(dx * style.GRID, dy * style.GRID))

    def align_to_grid(self, ids: list[str]) -> None:
        old, new = {}, {}
        for item_id in ids:
            if item_id in self.nodes:
                lay = self.doc.layout_of(item_id)
                snapped = (_snap(lay.x), _snap(lay.y))
                if snapped != (lay.x, lay.y):
                    old[item_id], new[item_id] = (lay.x, lay.y), snapped
        if new:
            self.stack.push(MoveNodes(self.doc, old, new, "Align to grid"))

    # --- connecting ----------------------------------------------------------------------------------
    def begin_connection(self, node: NodeItem, pos: QPointF) -> None:
        self.connecting, self._wire_source = True, node
        start = node.mapToScene(node.output_port())
        self._wire = QGraphicsLineItem(QLineF(start, pos))
        self._wire.setPen(QPen(style.SELECTION, 2.0))
        self._wire.setZValue(5)
        self.addItem(self._wire)

    def drag_connection(self, pos: QPointF) -> None:
        if self._wire is not None:
            line = self._wire.line()
            self._wire.setLine(QLineF(line.p1(), pos))

    def finish_connection(self, pos: QPointF) -> None:
        source = self._wire_source
        if self._wire is not None:
            self.removeItem(self._wire)
        self.connecting, self._wire, self._wire_source = False, None, None
        target = next((i for i in self.items(pos) if isinstance(i, NodeItem)), None)
        if source is not None and target is not None:
            self.connect_nodes(source.item_id, target.item_id)

    def connect_nodes(self, source: str, target: str) -> bool:
        """Make what a drag from ``source`` to ``target`` means, or say on the status bar why not."""
        kind, why = connection_kind(self.doc.network, source, target)
        if kind is None:
            self.message.emit(f"Cannot connect: {why}")
            return False
        if kind == PROJECTION:
            proj = default_projection(self.doc.network, self.doc.unused_id(f"{source}->{target}"), source, target)
            proj.synapse = self._usual_synapse(source, target, proj.synapse)
            net = self.doc.network
            command = AddItems(self.doc, [proj], text=f"Connect {display_name(net, source)} → "
                                                      f"{display_name(net, target)}")
        else:
            onto = isinstance(self.doc.item(target), (Recorder, RewardInput))  # the dragged-onto node changes
            item = self.doc.edited_copy(target if onto else source)
            field = "source" if isinstance(item, RewardInput) else "target"  # a reward node counts its source's spikes
            new_target = source if onto else target
            shown = display_name(self.doc.network, new_target)
            if getattr(item, field) == new_target:
                self.message.emit(f"{item.name} is already attached to {shown}")
                return False
            setattr(item, field, new_target)
            text = (f"Reward {item.name} counts the spikes of {shown}" if field == "source"
                    else f"Attach {item.name} to {shown}")
            command = EditItem(self.doc, item.id, item, text)
        problems = push(self.stack, command)
        if problems:
            self.message.emit("Cannot connect: " + "; ".join(readable_problem(self.doc.network, p) for p in problems))
            return False
        self.message.emit(command.text())
        return True

    def _usual_synapse(self, source: str, target: str, fallback):
        """A new projection from a node copies the synapse of that node's existing projections (Dale's law), onto
        a receptor of the same effect when the target's model names its own (``fitted_synapse``)."""
        import copy

        net = self.doc.network
        existing = [p for p in net.projections.values() if p.source == source]
        if not existing:
            return fitted_synapse(net, target, fallback)
        excitatory = acting_synapse(net, existing[0]).receptor == "excitatory"
        return fitted_synapse(net, target, copy.deepcopy(existing[0].synapse), excitatory)

    # --- the empty canvas's menu ---------------------------------------------------------------------
    def contextMenuEvent(self, event) -> None:
        super().contextMenuEvent(event)  # a note's own menu, if there is one under the mouse
        if not event.isAccepted():
            self.canvas_menu(event.scenePos()).exec(event.screenPos())
            event.accept()

    def canvas_menu(self, pos: QPointF) -> QMenu:
        """What a right-click on empty canvas offers (built apart from the event so it can be inspected)."""
        menu = QMenu()
        menu.addAction("Add Note Here", lambda: self.notes.add(pos))
        return menu

    # --- drawing -------------------------------------------------------------------------------------
    def apply_theme(self) -> None:
        """Redraw in the current theme: edges remake their pens and labels, cards and the cached grid repaint."""
        for edge in self.edges.values():
            edge.refresh()
        self.lay_out_edges()
        for node in self.nodes.values():
            node.update()
        for view in self.views():
            view.resetCachedContent()
        self.update()

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        if self.backgroundBrush().style() != Qt.NoBrush:  # a plain background, set while drawing a picture
            painter.fillRect(rect, self.backgroundBrush())
            return
        colors = current().canvas_colors()
        painter.fillRect(rect, colors.background)
        scale = painter.worldTransform().m11()
        step = style.GRID if scale > 0.45 else style.GRID * 5
        left, top = math.floor(rect.left() / step) * step, math.floor(rect.top() / step) * step
        lines_minor, lines_major = [], []
        x = left
        while x < rect.right():
            (lines_major if round(x / style.GRID) % 5 == 0 else lines_minor).append(
                QLineF(x, rect.top(), x, rect.bottom()))
            x += step
        y = top
        while y < rect.bottom():
            (lines_major if round(y / style.GRID) % 5 == 0 else lines_minor).append(
                QLineF(rect.left(), y, rect.right(), y))
            y += step
        painter.setPen(QPen(colors.grid_minor, 0))
        painter.drawLines(lines_minor)
        painter.setPen(QPen(colors.grid_major, 0))
        painter.drawLines(lines_major)


def _link_id(item_id: str) -> str:
    return f"link:{item_id}"


def _reward_link_id(proj_id: str) -> str:
    return f"reward:{proj_id}"


def _reward_of(proj: Projection) -> str:
    """The reward node a projection's learning rule reads ("" for none)."""
    reward = proj.plasticity.params.get("reward", "") if proj.plasticity is not None else ""
    return reward if isinstance(reward, str) else ""


def _snap(value: float) -> float:
    return round(value / style.GRID) * style.GRID


def _fan(rank: int) -> float:
    """0, +1, -1, +2, -2 ... : parallel edges in one direction spread on both sides of the straight line."""
    return 0.0 if rank == 0 else math.ceil(rank / 2) * (1 if rank % 2 else -1)
