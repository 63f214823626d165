"""How long routing edges and placing labels take after each change (run by hand, not in the test suite).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/edge_layout.py [--repeat 5]

Times ``route_edges`` and ``place_labels`` (what the canvas runs after every document change: open, add, remove,
edit, the drop of a drag, undo) on the microcircuit example (63 labelled edges) and on the 200-node, 400-edge
random canvas of ``canvas.py``; best of ``--repeat``, CPU time of this process (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QUndoStack  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def scene_of(net):
    from spikestudio.engine.editing.document import NetworkDocument
    from spikestudio.engine.editing.layout import auto_layout
    from spikestudio.gui.canvas.scene import CanvasScene

    net.layout.update(auto_layout(net))
    doc = NetworkDocument()
    scene = CanvasScene(doc, QUndoStack())
    doc.replace_network(net)
    return scene


def best_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return min(times) * 1e3


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841  (the scene needs one)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from canvas import big_network
    from spikestudio.engine.files import fileformat
    from spikestudio.gui.canvas.edge_routing import route_edges
    from spikestudio.gui.canvas.label_layout import place_labels
    from spikestudio.resources.examples import example_path

    nets = {"microcircuit": fileformat.load(example_path("microcircuit")), "random 200/400": big_network(200, 400)}
    print(f"{'canvas':<18}{'edges':>7}{'route ms':>10}{'place ms':>10}{'hidden':>8}")
    for name, net in nets.items():
        scene = scene_of(net)
        route = best_ms(lambda s=scene: route_edges(s), args.repeat)
        place = best_ms(lambda s=scene: place_labels(s), args.repeat)
        labelled = [e for e in scene.edges.values() if e.label_text]
        hidden = sum(1 for e in labelled if not e.label_shown)
        print(f"{name:<18}{len(labelled):>7}{route:>10.1f}{place:>10.1f}{hidden:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
