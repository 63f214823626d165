"""How the canvas responds with a large network: 200 nodes and 400 edges (run by hand, not in the test suite).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/canvas.py [--nodes 200 --edges 400 --notes 0 --repeat 3]

Prints, each against its budget: time to load the network into a window and paint it, to fit to view, to
drag one node (per mouse-move step, painted) and drop it (painted), to select all, to drag everything (per
step), to drop it and to undo that drag, and to zoom one wheel step (painted). Budgets: 100 ms for a one-off
action (feels instant) and 16.7 ms for each step of a continuous gesture (60 frames per second); 33 ms is the
least that still looks smooth (30 fps).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QPoint, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QWheelEvent  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from spikestudio.engine.editing.layout import auto_layout  # noqa: E402
from spikestudio.engine.model.network import Network  # noqa: E402

INSTANT_MS, FRAME_MS, SMOOTH_MS = 100.0, 1000.0 / 60, 1000.0 / 30


def big_network(n_nodes: int, n_edges: int, seed: int = 1, n_notes: int = 0) -> Network:
    """Populations (a third of them Poisson sources) joined by random projections, some recurrent, and
    ``n_notes`` sticky notes of a few lines each scattered among them."""
    rng = np.random.default_rng(seed)
    net = Network()
    sources = n_nodes // 3
    for k in range(n_nodes - sources):
        net.add_population(f"P{k}", 100, ["lif", "izhikevich", "adex"][k % 3])
    for k in range(sources):
        net.add_poisson(f"S{k}", 50, 5.0)
    pops, nodes = list(net.populations), list(net.populations) + list(net.inputs)
    made = 0
    while made < n_edges:
        src, dst = nodes[rng.integers(len(nodes))], pops[rng.integers(len(pops))]
        pid = f"{src}->{dst}#{made}"
        net.connect(src, dst, p=0.1, weight=10.0, id=pid, receptor="inhibitory" if made % 4 == 0 else "excitatory")
        made += 1
    net.layout.update(auto_layout(net))
    spots = list(net.layout.values())
    for k in range(n_notes):
        spot = spots[rng.integers(len(spots))]
        net.add_note(f"note{k}", f"Note {k}: " + "a remark about this part of the network " * 4, spot.x + 120,
                     spot.y + 40)
    return net


def paint(window) -> None:
    """Let Qt deliver what the last action queued, the repaint included (one frame, as the event loop would)."""
    QApplication.processEvents()


def timed(action) -> float:
    t0 = time.perf_counter()
    action()
    return (time.perf_counter() - t0) * 1000.0


def run_once(app, net: Network) -> dict[str, float]:
    from spikestudio.gui.shell.main_window import MainWindow

    window = MainWindow()
    window.keep_layout = False
    window.resize(1400, 860)
    window.show()
    QTest.qWaitForWindowExposed(window)
    figures = {}
    figures["load + first paint"] = timed(lambda: (window.doc.replace_network(net), paint(window)))
    figures["fit to view (painted)"] = timed(lambda: (window.view.fit_all(), paint(window)))
    viewport = window.view.viewport()
    figures["drag one node, per step (median)"], figures["drop one node"] = drag_steps(window, viewport, one=True)
    window.stack.undo()
    figures["select all"] = timed(lambda: (window.edits.select_all(), paint(window)))
    node = next(iter(window.scene.nodes.values()))
    start = window.view.mapFromScene(node.scenePos())
    QTest.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, start)
    steps = []
    for k in range(1, 31):
        point = start + QPoint(2 * k, k)
        steps.append(timed(lambda p=point: (QTest.mouseMove(viewport, p), paint(window))))
    figures["drag all, per step (median)"] = statistics.median(steps)
    figures["drag all, per step (worst)"] = max(steps)
    figures["drop (one undo step)"] = timed(lambda: QTest.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier,
                                                                      start + QPoint(60, 30)))
    figures["undo the drag (painted)"] = timed(lambda: (window.stack.undo(), paint(window)))
    centre = QPointF(viewport.rect().center())
    zooms = []
    for direction in (1, 1, -1, -1, 1, -1):
        wheel = QWheelEvent(centre, window.view.mapToGlobal(centre), QPoint(), QPoint(0, 120 * direction),
                            Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
        zooms.append(timed(lambda w=wheel: (QApplication.sendEvent(viewport, w), paint(window))))
    figures["zoom one wheel step (median)"] = statistics.median(zooms)
    figures["zoom one wheel step (worst)"] = max(zooms)
    window.stack.setClean()
    window.close()
    window.deleteLater()
    QApplication.processEvents()
    return figures


def drag_steps(window, viewport, one: bool) -> tuple[float, float]:
    """Median time of one painted mouse-move step while dragging a node (with nothing else selected), and the time
    of its drop (painted: the labels the move disturbed are placed again)."""
    window.scene.clearSelection()
    node = list(window.scene.nodes.values())[len(window.scene.nodes) // 2]
    start = window.view.mapFromScene(node.scenePos())
    QTest.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, start)
    steps = [timed(lambda k=k: (QTest.mouseMove(viewport, start + QPoint(2 * k, k)), paint(window)))
             for k in range(1, 31)]
    drop = timed(lambda: (QTest.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, start + QPoint(60, 30)),
                          paint(window)))
    return statistics.median(steps), drop


def budget(name: str) -> float:
    return FRAME_MS if "per step" in name or "wheel" in name else INSTANT_MS


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=200)
    parser.add_argument("--edges", type=int, default=400)
    parser.add_argument("--notes", type=int, default=0, help="sticky notes on the canvas too")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("SPIKESTUDIO_HOME", os.path.join(os.environ.get("TMPDIR", "/tmp"), "spikestudio-bench"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    net = big_network(args.nodes, args.edges, n_notes=args.notes)
    runs = [run_once(app, net) for _ in range(args.repeat)]
    print(f"Canvas with {args.nodes} nodes, {args.edges} edges and {args.notes} notes, {app.platformName()} platform, "
          f"best of {args.repeat} (ms)")
    print(f"{'action':<32}{'SpikeStudio':>12}{'budget':>10}{'ratio':>8}  verdict")
    for name in runs[0]:
        best = min(r[name] for r in runs)
        limit = budget(name)
        verdict = "met" if best <= limit else ("smooth (30 fps)" if limit == FRAME_MS and best <= SMOOTH_MS
                                               else "MISSED")
        print(f"{name:<32}{best:>12.1f}{limit:>10.1f}{best / limit:>8.2f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
