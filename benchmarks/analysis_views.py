"""What the analysis views cost (run by hand, not in the test suite).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/analysis_views.py [--repeat 5]

Prints, best of ``--repeat``: one ``WeightsView.refresh()`` (ask for the synapses, histogram, matrix image,
colour bar; painted) for projections from 1,000 to 1,000,000 synapses, in matrix and receptive-field mode,
against a 100 ms budget (a refresh at 4 Hz then takes under half the GUI thread); and one F-I sweep
(``engine.analysis.fi_curve``, 1 s per current) for 21 and 201 currents of each model, warm compile cache.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from spikestudio.engine.analysis.spike_stats import fi_curve  # noqa: E402
from spikestudio.engine.model.network import Network  # noqa: E402
from spikestudio.engine.simulation.simulator import Simulator  # noqa: E402
from spikestudio.gui.plots.analysis import DEFAULT_CURRENTS  # noqa: E402
from spikestudio.gui.plots.weights import FIELDS, WeightsView, projection_shapes  # noqa: E402

BUDGET_MS = 100.0
SIZES = [(40, 25, 1.0), (784, 100, 1.0), (784, 400, 1.0), (4000, 4000, 0.02), (10000, 10000, 0.01)]


def best_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        action()
        times.append((time.perf_counter() - t0) * 1000.0)
    return min(times)


def weights_rows(app: QApplication, repeat: int) -> None:
    print(f"{'projection':>22} {'synapses':>10} {'matrix ms':>10} {'fields ms':>10}  budget {BUDGET_MS:.0f} ms")
    for n_pre, n_post, p in SIZES:
        side = int(round(np.sqrt(n_pre)))
        net = Network()
        net.add_poisson("src", n_pre, 5.0, grid=(side, n_pre // side) if side * (n_pre // side) == n_pre else None)
        net.add_population("tgt", n_post)
        net.connect("src", "tgt", "fixed_probability", id="w", p=p, weight=1.0)
        sim = Simulator(net)
        view = WeightsView(sim.connections, projection_shapes(net))
        view.resize(600, 700)
        view.show()
        app.processEvents()

        def refresh(view=view):
            view.refresh()
            view.repaint()
            app.processEvents()

        matrix = best_ms(refresh, repeat)
        fields = float("nan")
        if view.mode.isEnabled():
            view.mode.setCurrentText(FIELDS)
            fields = best_ms(refresh, repeat)
        n_syn = sim.connections("w")[2].size
        print(f"{f'{n_pre} x {n_post}, p={p:g}':>22} {n_syn:>10,} {matrix:>10.1f} {fields:>10.1f}")
        view.close()


def fi_rows(repeat: int) -> None:
    print(f"\n{'model':>12} {'21 currents s':>14} {'201 currents s':>15}  (1 s simulated each)")
    for model, (low, high) in DEFAULT_CURRENTS.items():
        fi_curve(model, [low, high], 100.0)  # load or compile the kernel first
        currents = [np.linspace(low, high, n) for n in (21, 201)]
        cells = [best_ms(lambda m=model, c=c: fi_curve(m, c, 1000.0), repeat) / 1000.0 for c in currents]
        print(f"{model:>12} {cells[0]:>14.3f} {cells[1]:>15.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    weights_rows(app, args.repeat)
    fi_rows(max(1, args.repeat // 2))


if __name__ == "__main__":
    main()
