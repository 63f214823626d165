"""Spike trains of every bundled example and lesson step, for comparing two checkouts (run by hand).

    .venv/bin/python benchmarks/spike_trains.py save out.npz [--seconds 1] [--only digits,cuba]
    .venv/bin/python benchmarks/spike_trains.py compare old.npz new.npz

``save`` runs each network for ``--seconds`` (or its own duration if shorter) and stores every population's
spike times and ids; run it once with the old code on ``PYTHONPATH`` and once with the new, then ``compare``
prints each train that differs and how many are identical. A lesson step is run only when its tasks changed
the network. ``--only`` keeps the examples and lessons whose names contain one of the words.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import spikestudio
from spikestudio.engine.teaching.lesson import bundled_lessons
from spikestudio.resources.examples import example_path, list_examples
from spikestudio.resources.lessons.walkthrough import walk


def networks(only: list[str]):
    """(name, network) of every example, then every lesson step that changes the network."""
    for name in list_examples():
        yield f"example:{name}", spikestudio.load(example_path(name))
    for lesson in bundled_lessons():
        for number, state in enumerate(walk(lesson)):
            if (number and not state.changed) or state.source.startswith("example:"):
                continue
            yield f"lesson:{lesson.folder.name}:{number}", state.network


def save(path: str, seconds: float, only: list[str]) -> None:
    trains = {}
    for name, net in networks(only):
        if only and not any(word in name for word in only):
            continue
        duration = min(seconds, net.duration / 1000.0)
        res = spikestudio.Simulator(net).run(duration)
        for pid in net.populations:
            times, ids = res.spikes(pid)
            trains[f"{name}/{pid}/t"], trains[f"{name}/{pid}/i"] = times, ids
        print(name, sum(len(res.spikes(p)[0]) for p in net.populations), "spikes", flush=True)
    np.savez_compressed(path, **trains)


def compare(old: str, new: str) -> int:
    a, b = np.load(old), np.load(new)
    keys = sorted({k[:-2] for k in a.files} | {k[:-2] for k in b.files})
    same = [k for k in keys if all(f"{k}/{x}" in a.files and f"{k}/{x}" in b.files and
                                   np.array_equal(a[f"{k}/{x}"], b[f"{k}/{x}"]) for x in "ti")]
    for k in keys:
        if k not in same:
            print("differs:", k)
    spikes = sum(len(a[f"{k}/t"]) for k in same)
    print(f"{len(same)} of {len(keys)} spike trains identical ({spikes} spikes)")
    return 0 if len(same) == len(keys) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("save")
    s.add_argument("path")
    s.add_argument("--seconds", type=float, default=1.0)
    s.add_argument("--only", default="")
    c = sub.add_parser("compare")
    c.add_argument("old")
    c.add_argument("new")
    args = parser.parse_args()
    if args.command == "save":
        save(args.path, args.seconds, [w for w in args.only.split(",") if w])
        return 0
    return compare(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
