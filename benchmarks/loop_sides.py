"""Scaled CUBA run time of two or more checkouts, alternated, in CPU seconds per simulated second (by hand).

    python benchmarks/loop_sides.py --side main=/dir --side branch=/tmp/p-x [--n 4000 64000] [--rounds 6]

Each ``--side`` is a directory holding a ``spikestudio`` package; it gets one worker process (single-threaded numba,
as ``cuba.py``; its own warm numba cache under the system's temp dir) that builds ``cuba.load_scaled(N)`` once per
N and then runs ``--duration`` simulated seconds each time it is asked. The sides run in turn (a, b, c, a, b, c,
...), so a change of the machine's load hits them alike; printed: each side's best and median, and the median of
the per-round ratios against the first side, with the load average.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from _sides import Workers, add_sides, print_side_times, sides_of

HERE = Path(__file__).resolve().parent

WORKER = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import cuba  # single-threaded numba, before numba is imported
import spikestudio
sims = {}
for line in sys.stdin:
    n, duration = int(line.split()[0]), float(line.split()[1])
    if n not in sims:
        sims[n] = spikestudio.Simulator(cuba.load_scaled(cuba.example_path(), n))
        sims[n].run(0.01)  # compile or load, untimed
    sim = sims[n]
    c0 = time.process_time()
    sim.run(duration)
    took = time.process_time() - c0
    print(took / duration, int(sim.built.state.spike_count.sum()), flush=True)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_sides(parser)
    parser.add_argument("--n", type=int, nargs="+", default=[4000, 64000])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--duration", type=float, nargs="+", default=None,
                        help="simulated seconds per timed run, one per N (default 2 s at 4,000, 0.5 s above)")
    args = parser.parse_args()
    durations = args.duration or [2.0 if n <= 4000 else 0.5 for n in args.n]
    sides = sides_of(args)
    workers = Workers(sides, WORKER, "loop-sides", str(HERE))
    for n, duration in zip(args.n, durations, strict=True):
        times: dict[str, list[float]] = {label: [] for label, _ in sides}
        spikes: dict[str, set[int]] = {label: set() for label, _ in sides}
        load0 = os.getloadavg()[0]
        for _ in range(args.rounds):
            for label, _ in sides:
                took, count = workers.ask(label, f"{n} {duration}")
                times[label].append(float(took))
                spikes[label].add(int(count))
        load1 = os.getloadavg()[0]
        print(f"N = {n:,}, {args.rounds} rounds of {duration} s, load {load0:.1f} -> {load1:.1f} "
              f"(CPU s per simulated s)")
        print_side_times(times, {label: sorted(v)[:3] for label, v in spikes.items()}, "spikes")
    workers.close()


if __name__ == "__main__":
    main()
