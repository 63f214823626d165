"""CUBA on the hand-written LIF kernel against the LIF written as equations (generated code), in CPU time (by hand).

    python benchmarks/generated_lif_cpu.py [--n 4000] [--pairs 10] [--duration 2] [--builtin]

``cuba.hand_vs_generated`` in CPU seconds (the machine is shared: wall time then measures the other processes):
the scaled CUBA example built with ``build.hand_written_kernels`` and the same network with its populations on
``cuba.LIF_EQUATIONS`` (or, with ``--builtin``, on the built-in LIF as ``GENERATED_BUILTINS`` runs it), run in
turn ``--pairs`` times in one process. Prints the best of each, the best-of ratio and the median and spread of
the pair ratios (generated/hand), whether the spike trains are identical, and the load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cuba  # noqa: E402 - sets single-threaded numba before numba is imported
import numpy as np  # noqa: E402
import spikestudio  # noqa: E402
from spikestudio.engine.simulation.build import hand_written_kernels  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--duration", type=float, default=2.0, help="simulated seconds per timed run")
    parser.add_argument("--builtin", action="store_true", help="the built-in LIF (generated if switched on)")
    args = parser.parse_args()
    path = cuba.example_path()
    with hand_written_kernels():
        hand = spikestudio.Simulator(cuba.load_scaled(path, args.n))
    gen = spikestudio.Simulator(cuba.load_scaled(path, args.n) if args.builtin else cuba.load_generated(path, args.n))
    hand.run(0.01)
    gen.run(0.01)  # compile or load both, untimed
    best, ratios = {"hand": np.inf, "gen": np.inf}, []
    for _ in range(args.pairs):
        took = {}
        for name, sim in (("hand", hand), ("gen", gen)):
            sim.reset()
            t0 = time.process_time()
            sim.run(args.duration)
            took[name] = (time.process_time() - t0) / args.duration
            best[name] = min(best[name], took[name])
        ratios.append(took["gen"] / took["hand"])
    same = all(np.array_equal(a, b) for pid in hand.network.populations
               for a, b in zip(hand.results.spikes(pid), gen.results.spikes(pid), strict=True))
    print(f"N={args.n:,}: hand {best['hand']:.4f}, generated {best['gen']:.4f} CPU s per simulated s; best-of ratio "
          f"{best['gen'] / best['hand']:.3f}, pair ratios median {np.median(ratios):.3f} "
          f"[{min(ratios):.3f}-{max(ratios):.3f}]; identical spikes {same}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
