"""How long the app stops answering while the phase plane of a model is computed (run by hand).

    QT_QPA_PLATFORM=offscreen PYTHONPATH=<dir holding spikestudio> .venv/bin/python benchmarks/phase_plane_latency.py \
        [--model lif_adaptive|izhikevich|adex] [--clicks 5]

The plane of an adaptive LIF population costs a one-neuron simulation (and, on a cold cache, a compile). For five
currents it opens the plane from behind its tab and prints: how long ``show_phase_plane`` held the GUI thread, the
longest gap between turns of the event loop until the plane was drawn, and when it was drawn. Run it with an older
checkout first on ``PYTHONPATH`` (the code before ``phase_worker``: the whole computation in the call) to compare;
the goal is no gap near the computation's length. ``--model`` picks the population's model (a built-in plane is
derived from its description); ``--clicks`` then starts that many trajectories by ``start_from`` (a click) and
prints how long each took to be drawn (the first may compile the one-neuron update).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SPIKESTUDIO_HOME", tempfile.mkdtemp(prefix="spikestudio-bench-"))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

CURRENTS = (500.0, 450.0, 400.0, 350.0, 300.0)  # pA: each a new plane (new ranges, a new simulation)


def network(amplitude: float, model: str):
    from spikestudio.engine.model.network import Network

    net = Network(dt=0.1, seed=5, duration=200.0)
    net.add_population("T", 2, model)
    net.add_current("dc", "T", "dc", amplitude=amplitude)
    return net


def measure(app: QApplication, window, amplitude: float, model: str) -> tuple[float, float, float]:
    """(ms the call took, longest ms between event-loop turns, ms until drawn) for one new plane."""
    ui, view = window.simulation, window.simulation.phase
    ui.docks["analysis"].raise_()
    view.set_shown(False)  # behind its tab: the new network's plane is owed, not computed
    window.files.adopt(network(amplitude, model))
    for _ in range(50):
        app.processEvents()
    turns = []
    timer = QTimer(interval=0)
    timer.timeout.connect(lambda: turns.append(time.perf_counter()))
    timer.start()
    start = time.perf_counter()
    ui.show_phase_plane("T")
    call = time.perf_counter() - start
    while getattr(view, "computing", False):  # older code has no such state: drawn when the call returns
        app.processEvents()
        time.sleep(0.002)
    drawn = time.perf_counter() - start
    timer.stop()
    gaps = [b - a for a, b in zip([start, *turns], turns, strict=False)] or [drawn]
    return 1000 * call, 1000 * max(max(gaps), call), 1000 * drawn


def click(app: QApplication, view, k: int) -> float:
    """ms until the trajectory from the k-th start point is drawn."""
    (v_lo, v_hi), (x_lo, x_hi) = view.plane.ranges
    start = time.perf_counter()
    view.start_from(v_lo + (0.2 + 0.1 * k) * (v_hi - v_lo), x_lo + (0.3 + 0.05 * k) * (x_hi - x_lo))
    while view.computing:
        app.processEvents()
        time.sleep(0.001)
    return 1000 * (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="lif_adaptive", help="the population's model (default lif_adaptive)")
    parser.add_argument("--clicks", type=int, default=0, help="trajectories started by a click after the last plane")
    args = parser.parse_args()
    app = QApplication([])
    import spikestudio
    from spikestudio.gui.shell.app import make_window

    window = make_window(None)
    window.show()
    print(f"code: {os.path.dirname(spikestudio.__file__)}; model {args.model}; load average {os.getloadavg()[0]:.2f}")
    for amplitude in CURRENTS:
        call, gap, drawn = measure(app, window, amplitude, args.model)
        print(f"I = {amplitude:g} pA: call {call:.0f} ms, longest event-loop gap {gap:.0f} ms, drawn after "
              f"{drawn:.0f} ms")
    for k in range(args.clicks):
        print(f"click {k + 1}: trajectory drawn after {click(app, window.simulation.phase, k):.0f} ms")
    window.stack.setClean()
    window.close()


if __name__ == "__main__":
    main()
