"""How long each bundled lesson's networks take to run, step by step (run by hand, not in the test suite).

    .venv/bin/python benchmarks/lessons.py [--repeat 3]

Every step's network (the lesson's tasks applied, as tests/test_lessons_behaviour.py does) is built and run
for its duration; prints the best of ``--repeat`` wall times with a warm compile cache (one untimed run
first). The digits example a lesson opens is left out (benchmarks/digits.py times it).
"""

from __future__ import annotations

import argparse
import time

from spikestudio import Simulator  # the scripting API's, which finds the learning-rule plugins
from spikestudio.engine import fileformat
from spikestudio.engine.lesson import Open, Task, apply_task, bundled_lessons


def step_networks(lesson):
    """(step title, network) for the first step and every step that changes or opens a network, tasks carried
    over as in the app; bundled examples skipped."""
    net = fileformat.load(lesson.network_path())
    for number, step in enumerate(lesson.steps):
        changes = [a for a in step.actions if isinstance(a, (Open, Task))]
        for action in changes:
            if isinstance(action, Open):
                net = None if action.file.startswith("example:") else fileformat.load(lesson.network_path(action.file))
            elif net is not None:
                net = apply_task(net, action)
        if net is not None and (number == 0 or changes):
            yield step.title, net


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
        for title, net in step_networks(lesson):
            wall = best_seconds(net, args.repeat)
            print(f"{lesson.title[:22]:<22} {title[:42]:<42} {net.duration:>8g} ms {wall:>7.3f}s")


if __name__ == "__main__":
    main()
