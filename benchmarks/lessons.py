"""How long each bundled lesson's networks take to run, step by step (run by hand, not in the test suite).

    .venv/bin/python benchmarks/lessons.py [--repeat 3]

Every step's network (the lesson's tasks applied: ``resources.lessons.walkthrough``) is built and run
for its duration; prints the best of ``--repeat`` wall times with a warm compile cache (one untimed run
first). The digits example a lesson opens is left out (benchmarks/digits.py times it).
"""

from __future__ import annotations

import argparse
import time

from spikestudio import Simulator  # the scripting API's, which finds the learning-rule plugins
from spikestudio.engine.teaching.lesson import bundled_lessons
from spikestudio.resources.lessons.walkthrough import walk


def best_seconds(net, repeat: int) -> float:
    Simulator(net).run(net.duration / 1000.0)  # compile (or load the cached kernel) untimed
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        Simulator(net).run(net.duration / 1000.0)
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'lesson':<22} {'step':<42} {'simulated':>10} {'wall':>8}")
    for lesson in bundled_lessons():
        for number, state in enumerate(walk(lesson)):
            if (number and not state.changed) or state.source.startswith("example:"):
                continue  # the same network as the step before, or a bundled example timed elsewhere
            net = state.network
            wall = best_seconds(net, args.repeat)
            print(f"{lesson.title[:22]:<22} {state.step.title[:42]:<42} {net.duration:>8g} ms {wall:>7.3f}s")


if __name__ == "__main__":
    main()
