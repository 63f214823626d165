"""Projection labels and routes on a crowded canvas: edges bend around cards in their way, labels move along their
edge to a clear place, and a label with no clear place shows only on hover or selection. Real windows, offscreen."""

import pytest
from gui_helpers import field, view_point
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network, NodeLayout
from spikestudio.gui.canvas.edge_item import projection_label
from spikestudio.gui.canvas.edge_routing import route_edges
from spikestudio.gui.canvas.label_layout import place_labels
from spikestudio.gui.editing.commands import MoveNodes

pytestmark = pytest.mark.timeout(60)


def opened(window, tmp_path, positions: dict, links: list, note=None):
    """A window on a network of LIF populations at ``positions`` joined by ``links`` (source, target)."""
    net = Network()
    for pop, (x, y) in positions.items():
        net.add_population(pop, 10)
        net.layout[pop] = NodeLayout(x, y, "#d62728")
    for source, target in links:
        net.connect(source, target, "fixed_probability", p=0.1, weight=2.5)
    if note is not None:
        net.add_note("note", "in the way", *note[:2], width=note[2], height=note[3])
    path = tmp_path / "net.json"
    fileformat.save(net, path)
    return window(path)


def scene_points(edge, count: int = 40) -> list[QPointF]:
    return [edge.mapToScene(edge.path().pointAtPercent(k / count)) for k in range(1, count)]


def hover(window, scene_pos: QPointF) -> None:
    """The mouse moving over the canvas with no button down (what hovering sends)."""
    viewport, point = window.view.viewport(), QPointF(view_point(window, scene_pos))
    QApplication.sendEvent(viewport, QMouseEvent(QEvent.MouseMove, point, viewport.mapToGlobal(point), Qt.NoButton,
                                                 Qt.NoButton, Qt.NoModifier))


def overlap(a, b) -> bool:
    both = a.intersected(b)
    return both.width() > 0.5 and both.height() > 0.5


def test_an_edge_bends_around_a_card_in_its_way_and_others_stay_straight(window, tmp_path):
    w = opened(window, tmp_path, {"A": (0, 0), "B": (400, 0), "C": (800, 0)}, [("A", "C"), ("A", "B")])
    middle = w.scene.nodes["B"].sceneBoundingRect()
    around = w.scene.edges["A->C"]
    assert not any(middle.contains(p) for p in scene_points(around)), "A->C runs across B's card"
    straight = w.scene.edges["A->B"]
    assert straight.detour == 0.0 and all(abs(p.y()) < 1e-6 for p in scene_points(straight))


def test_crossing_edges_keep_their_labels_apart_on_their_own_lines(window, tmp_path):
    w = opened(window, tmp_path, {"A": (0, 0), "D": (600, 0), "B": (300, -300), "C": (300, 300)},
               [("A", "D"), ("B", "C")])
    one, other = w.scene.edges["A->D"], w.scene.edges["B->C"]
    rects = [e.mapRectToScene(e.label_rect) for e in (one, other)]
    assert one.label_visible() and other.label_visible() and not overlap(*rects)
    for edge, rect in zip((one, other), rects):  # each label still sits on its edge
        assert any(rect.contains(p) for p in scene_points(edge)), edge.edge_id


def test_a_label_with_no_clear_place_shows_on_hover_and_selection_and_the_inspector_shows_the_weight(window,
                                                                                                     tmp_path):
    w = opened(window, tmp_path, {"A": (0, 0), "B": (700, 0)}, [("A", "B")], note=(150, -100, 400, 200))
    edge = w.scene.edges["A->B"]
    assert edge.label_text and not edge.label_visible()  # every place along the edge lies under the note
    w.view.fit_all()
    hover(w, QPointF(125, 0))  # on the edge, between A's card and the note
    assert edge.hovered and edge.label_visible() and edge.zValue() > w.scene.nodes["A"].zValue()
    hover(w, QPointF(100, 300))
    assert not edge.hovered and not edge.label_visible()
    w.scene.select_ids(["A->B"])
    assert edge.label_visible() and w.inspector.item_id == "A->B"
    assert field(w, "weight.value").text().startswith("2.5")  # the exact weight, whatever the label shows
    w.scene.stack.push(w.scene.notes.move_command({"note": (150.0, -100.0)}, {"note": (150.0, 400.0)}))
    assert edge.label_shown  # the note moved away: the label has its place back
    w.scene.stack.undo()
    assert not edge.label_shown


def test_long_figures_are_rounded_in_labels_and_exact_in_the_tooltip(window, tmp_path):
    w = opened(window, tmp_path, {"A": (0, 0), "B": (500, 0)}, [("A", "B")])
    proj = w.doc.network.projections["A->B"]
    assert projection_label(proj) == projection_label(proj, short=False)  # short figures stay as they are
    net = Network()
    net.add_population("A", 10)
    long = net.connect("A", "A", "fixed_total", n=146244, weight=277.675)
    short, exact = projection_label(long), projection_label(long, short=False)
    assert "146244" in exact and "277.675" in exact and len(short) < len(exact)
    assert "146k" in short and "277.7" in short


def test_a_small_example_keeps_every_label_in_the_middle_of_its_edge(window):
    w = window("cuba")
    labelled = [e for e in w.scene.edges.values() if e.label_text]
    assert labelled and all(e.label_at == 0.5 and e.label_shown and e.detour == 0.0 for e in labelled)


def placements(scene) -> dict:
    return {i: (e.detour, e.label_at, e.label_shown) for i, e in scene.edges.items()}


def test_moving_everything_by_one_offset_keeps_the_layout_without_laying_it_out_again(window, tmp_path):
    w = opened(window, tmp_path, {"A": (0, 0), "B": (400, 0), "C": (800, 0)}, [("A", "C"), ("A", "B"), ("C", "B")])
    scene = w.scene
    before, passes = placements(scene), scene.full_layouts
    assert before["A->C"][0] != 0.0  # A->C goes around B
    label = scene.edges["A->C"].mapRectToScene(scene.edges["A->C"].label_rect)
    old = {i: (w.doc.layout_of(i).x, w.doc.layout_of(i).y) for i in scene.nodes}
    scene.stack.push(MoveNodes(w.doc, old, {i: (x + 130, y - 70) for i, (x, y) in old.items()}, "Move"))
    assert scene.full_layouts == passes and placements(scene) == before
    moved = scene.edges["A->C"].mapRectToScene(scene.edges["A->C"].label_rect)
    assert moved.topLeft() - label.topLeft() == QPointF(130, -70)  # the label went along with its edge
    route_edges(scene)
    place_labels(scene)
    assert placements(scene) == before  # what a full layout of the moved canvas gives
    scene.stack.undo()
    assert scene.full_layouts == passes and placements(scene) == before
    scene.stack.push(MoveNodes(w.doc, {"B": old["B"]}, {"B": (400.0, 300.0)}, "Move"))  # B leaves A->C's way
    assert scene.edges["A->C"].detour == 0.0


def test_moving_one_node_lays_out_again_only_the_labels_near_what_moved(window, tmp_path):
    w = opened(window, tmp_path, {"A": (0, 0), "B": (400, 0), "C": (3000, 0), "D": (3400, 0), "E": (3000, 400)},
               [("A", "B"), ("B", "A"), ("C", "D"), ("D", "E"), ("C", "E")])
    scene = w.scene
    passes, placed = scene.full_layouts, scene.label_placements
    scene.stack.push(MoveNodes(w.doc, {"A": (0.0, 0.0)}, {"A": (0.0, 250.0)}, "Move"))
    assert scene.full_layouts == passes and scene.label_placements - placed == 2  # A's two edges, not C, D, E's
    local = placements(scene)
    route_edges(scene)
    place_labels(scene)
    assert placements(scene) == local  # what a full layout of the moved canvas gives
    scene.stack.push(MoveNodes(w.doc, {"D": (3400.0, 0.0)}, {"D": (3000.0, 200.0)}, "Move"))  # D onto C->E
    assert scene.edges["C->E"].detour != 0.0  # the edge it now blocks is routed again, though C and E stayed


def test_labels_placed_again_locally_never_overlap_the_labels_kept(window, tmp_path):
    grid = {f"N{r}{c}": (300.0 * c, 250.0 * r) for r in range(3) for c in range(3)}
    names = list(grid)
    links = [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if (a[1] == b[1]) != (a[2] == b[2])]
    w = opened(window, tmp_path, grid, links + [("N11", "N00"), ("N22", "N11"), ("N02", "N20")])
    scene, passes = w.scene, w.scene.full_layouts
    for node, (x, y) in [("N11", (120.0, 90.0)), ("N01", (460.0, 130.0)), ("N20", (180.0, 420.0))]:
        scene.stack.push(MoveNodes(w.doc, {node: grid[node]}, {node: (x, y)}, "Move"))
        shown = [e.mapRectToScene(e.label_rect) for e in scene.edges.values() if e.label_text and e.label_shown]
        assert not any(overlap(a, b) for i, a in enumerate(shown) for b in shown[:i]), node
    assert scene.full_layouts == passes  # every move was laid out locally
