"""Live simulation benchmark: CUBA with the raster, trace and rate plots open, against the same run headless.

Run by hand (not part of the test suite):

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/live.py [--seconds 20] [--network cuba]
        [--theme dark] [--presentation] [--reps 3]

Headless, headless on one thread and the window run in turn ``--reps`` times (the machine's load changes: a best of
3 headless runs against one window run made the ratio lower the busier the machine), and the best of each is shown.

Prints, side by side:
- simulated seconds per wall second headless and in the window, and their ratio (goal >= 0.8); headless on one
  thread too, and the ratio against it: the window runs a network set to every core on all but one (one draws), so
  on 2 cores it runs one thread where headless runs the faster of two and one;
- frames drawn per second while running (goal >= 25);
- the GUI event loop's worst and 99th-percentile latency while running (goal < 50 ms), measured by a
  5 ms timer that records how late it fires;
- why, when the ratio is low: the simulating thread's CPU time over its wall time (below 1 it waited for a core: the
  machine's other work and the GUI thread's share it), the GUI thread's CPU time per frame, the chunks run, and the
  time from the last chunk's end to the window saying "done".
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def headless(name: str, seconds: float, threads: int | None = None) -> float:
    """Simulated seconds per wall second of one run of the plain simulator (compiled and warmed up first);
    ``threads``: the network's setting when None."""
    from spikestudio.engine.files import fileformat
    from spikestudio.engine.simulation.simulator import Simulator
    from spikestudio.resources.examples import example_path

    net = fileformat.load(example_path(name))
    sim = Simulator(net, record_all=True, threads=threads)
    sim.run(0.1)
    sim.reset()
    start = time.perf_counter()
    sim.run(seconds)
    return seconds / (time.perf_counter() - start)


class Window:
    """A main window on the example with three membrane traces open, built once and run again after a Reset."""

    def __init__(self, name: str, theme: str | None = None, presentation: bool = False):
        from PySide6.QtWidgets import QApplication
        from spikestudio.gui.base.theme import current
        from spikestudio.gui.shell.app import make_window

        self.app = QApplication.instance() or QApplication(sys.argv)
        if theme is not None or presentation:
            current().set_theme(theme or "light")
            current().set_presentation(presentation)
        w = self.w = make_window(name)
        w.keep_layout = False
        w.resize(1600, 1000)
        w.show()
        ui = self.ui = w.simulation
        pops = list(w.doc.network.populations)  # CUBA's E and I; any network's first two
        ui.probe(pops[0], 0)
        ui.probe(pops[0], 1)
        ui.probe(pops[min(1, len(pops) - 1)], 0)
        c = ui.controller
        c.prepare()
        while c.state != "ready":
            self.app.processEvents()
            time.sleep(0.005)

    def run(self, seconds: float) -> dict:
        from PySide6.QtCore import QEventLoop, QTimer

        ui, c = self.ui, self.ui.controller
        if c.tap.t > 0:
            c.reset()
        frames, lateness = [0], []
        counting = c.frame_drawn.connect(lambda: frames.__setitem__(0, frames[0] + 1))
        probe = QTimer()
        probe.setInterval(5)
        last = [time.perf_counter()]

        def tick():
            now = time.perf_counter()
            lateness.append(now - last[0] - 0.005)
            last[0] = now

        probe.timeout.connect(tick)
        chunks = []  # (wall, the simulating thread's CPU time) at the end of each chunk, taken on that thread
        c.sim.listeners.append(lambda *_: chunks.append((time.perf_counter(), time.thread_time())))
        ui.duration.setValue(seconds * 1000.0)
        start = time.perf_counter()
        last[0] = start
        probe.start()
        loop = QEventLoop()  # as in the app: Qt waits for events in C++, without holding Python's GIL
        ending = c.state_changed.connect(lambda state: loop.quit() if state == "done" else None)
        gui_cpu = time.thread_time()
        c.run()
        loop.exec()
        wall = time.perf_counter() - start
        gui_cpu = time.thread_time() - gui_cpu
        probe.stop()
        c.frame_drawn.disconnect(counting)
        c.state_changed.disconnect(ending)
        (first_wall, first_cpu), (last_wall, last_cpu) = chunks[0], chunks[-1]
        return {"throughput": seconds / wall, "fps": frames[0] / wall, "worst_ms": 1000 * max(lateness),
                "p99_ms": 1000 * float(np.percentile(lateness, 99)),
                "spikes_shown": int(ui.views.raster.drawn[0].size),
                "worker_share": (last_cpu - first_cpu) / max(last_wall - first_wall, 1e-9), "chunks": len(chunks),
                "gui_ms_per_frame": 1000 * gui_cpu / max(frames[0], 1), "end_ms": 1000 * (start + wall - last_wall)}

    def close(self) -> None:
        self.w.stack.setClean()
        self.w.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="simulated seconds per run")
    parser.add_argument("--network", default="cuba", help="bundled example to run")
    parser.add_argument("--theme", choices=["light", "dark"], help="the look of the window (default: as saved)")
    parser.add_argument("--presentation", action="store_true", help="in presentation mode (thicker lines)")
    parser.add_argument("--reps", type=int, default=3, help="runs of each (headless, one thread, window) in turn; "
                        "the best of each is shown")
    args = parser.parse_args()
    if args.theme or args.presentation:  # a look chosen here must not become the user's saved one
        os.environ.setdefault("SPIKESTUDIO_HOME", tempfile.mkdtemp(prefix="spikestudio-bench-"))
    window = Window(args.network, args.theme, args.presentation)
    refs, ones, lives = [], [], []
    for _ in range(args.reps):  # in turn, so that a change in the machine's load falls on all three alike
        refs.append(headless(args.network, args.seconds))
        ones.append(headless(args.network, args.seconds, threads=1))
        lives.append(window.run(args.seconds))
    window.close()
    ref, one = max(refs), max(ones)
    live = max(lives, key=lambda run: run["throughput"])
    ratio = live["throughput"] / ref
    look = f", {args.theme or ('light' if args.presentation else 'saved')} theme"
    look += ", presentation mode" if args.presentation else ""
    print(f"{args.network}, {args.seconds:g} s simulated, Qt platform {os.environ['QT_QPA_PLATFORM']}{look}, "
          f"best of {args.reps} in turn (the window's figures from its fastest run)")
    print("ratios run by run: " + ", ".join(f"{run['throughput'] / r:.2f}" for run, r in zip(lives, refs)))
    print(f"{'':28}{'measured':>12}{'goal':>12}")
    print(f"{'headless (sim s / wall s)':28}{ref:12.1f}")
    print(f"{'headless on one thread':28}{one:12.1f}")
    print(f"{'with plots (sim s / wall s)':28}{live['throughput']:12.1f}")
    print(f"{'ratio with plots / headless':28}{ratio:12.2f}{'>= 0.80':>12}")
    print(f"{'ratio against one thread':28}{live['throughput'] / one:12.2f}{'(same count)':>12}")
    print(f"{'frames per second':28}{live['fps']:12.1f}{'>= 25':>12}")
    print(f"{'worst event-loop latency':28}{live['worst_ms']:10.1f}ms{'< 50 ms':>12}")
    print(f"{'99th percentile latency':28}{live['p99_ms']:10.1f}ms")
    print(f"{'spikes in the last frame':28}{live['spikes_shown']:12,d}")
    print(f"{'simulating thread CPU/wall':28}{live['worker_share']:12.2f}{'(1: a core)':>12}")
    print(f"{'GUI thread CPU per frame':28}{live['gui_ms_per_frame']:10.1f}ms")
    print(f"{'chunks run':28}{live['chunks']:12d}")
    print(f"{'last chunk to done':28}{live['end_ms']:10.1f}ms")


if __name__ == "__main__":
    main()
