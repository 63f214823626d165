"""What one frame of the live view costs the GUI thread, in CPU time (so a busy machine blurs it less than wall time).

Run by hand (not part of the test suite):

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/live_frame.py [--frames 80] [--steps 12000]

Opens the example in a real main window with the raster, three membrane traces and the rates, then, on this one
thread, simulates ``--steps`` time steps (12,000 = 1.2 s of CUBA: a frame's worth at 36 simulated s per wall s,
30 frames a second) and draws a frame, ``--frames`` times. Prints the thread's CPU time per frame for the
simulation, for handing the frame to the plots (``draw``: the tap's copy and the plots' data) and for Qt painting
them (``paint``); the last two are what the GUI thread spends per frame while a run goes on the other core.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=80, help="frames drawn")
    parser.add_argument("--steps", type=int, default=12_000, help="time steps simulated between frames")
    parser.add_argument("--network", default="cuba", help="bundled example to run")
    parser.add_argument("--png", help="save the window after the last frame to this file")
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication
    from spikestudio.gui.shell.app import make_window

    app = QApplication.instance() or QApplication(sys.argv)
    w = make_window(args.network)
    w.keep_layout = False
    w.resize(1600, 1000)
    w.show()
    ui, c = w.simulation, w.simulation.controller
    for node, neuron in (("E", 0), ("E", 1), ("I", 0)):
        ui.probe(node, neuron)
    c.prepare()
    while c.state != "ready":
        app.processEvents()
        time.sleep(0.005)
    c.timer.stop()  # frames are drawn here, one after each chunk
    c._state = "running"  # drawn as while a run goes on (y ranges held while the data fit)
    c.sim.advance(20_000)  # a full window of spikes from the first frame
    for _ in range(5):
        app.processEvents()
    cpu = {"simulate": 0.0, "draw": 0.0, "paint": 0.0}
    for _ in range(args.frames):
        t0 = time.thread_time()
        c.sim.advance(args.steps)
        t1 = time.thread_time()
        c._draw()
        t2 = time.thread_time()
        app.processEvents()
        t3 = time.thread_time()
        cpu["simulate"] += t1 - t0
        cpu["draw"] += t2 - t1
        cpu["paint"] += t3 - t2
    print(f"{args.network}, {args.frames} frames of {args.steps:,d} steps, window 1600 x 1000, offscreen")
    for phase, seconds in cpu.items():
        print(f"{phase:10}{1000 * seconds / args.frames:8.2f} ms CPU per frame")
    gui = cpu["draw"] + cpu["paint"]
    print(f"{'GUI':10}{1000 * gui / args.frames:8.2f} ms CPU per frame ({100 * gui / args.frames * 30:.0f} % of a core "
          f"at 30 frames a second)")
    if args.png:
        w.grab().save(args.png)
    w.stack.setClean()
    w.close()


if __name__ == "__main__":
    main()
