"""Where a cold Run's compile time goes (CUBA, or another example): per compiled function, CPU s, sides alternated.

Each sample is a fresh process with empty ``NUMBA_CACHE_DIR`` and ``SPIKESTUDIO_MODEL_CACHE`` and
``NUMBA_NUM_THREADS=2`` (a 2-core machine): import, load the bundled CUBA example, build, run 10 ms, with the
Simulator's ``spare_cores`` given (0: a script's default, both cores; 1: the app's, so one thread on 2 cores).
numba's ``numba:compile`` events (``numba.core.event``) give each function's compile span, inclusive of what it
compiles inside (a loop compiles the dispatchers it calls); "self" subtracts those nested spans. CPU is the
process's (``time.process_time``), so other processes on a shared machine count less than in wall time.

    python benchmarks/cold_compile.py --side main=/path/with/spikestudio --side branch=/tmp/p-x [--pairs 2]
                                      [--spare-cores 1] [--example song_stdp]

Each ``--side`` names a directory that holds a ``spikestudio`` package (it goes first on ``PYTHONPATH``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

WORKER = r"""
import json, os, sys, time
c0, w0 = time.process_time(), time.perf_counter()
from numba.core import event

spans, stack = [], []

class Spans(event.Listener):
    def on_start(self, ev):
        stack.append((time.process_time(), ev.data["dispatcher"], 0.0))
    def on_end(self, ev):
        start, disp, inner = stack.pop()
        took = time.process_time() - start
        if stack:
            s, d, i = stack[-1]
            stack[-1] = (s, d, i + took)
        name = getattr(disp, "__qualname__", None) or getattr(getattr(disp, "py_func", None), "__qualname__", str(disp))
        spans.append((name, took, took - inner, len(stack)))

event.register("numba:compile", Spans())
import spikestudio
from spikestudio.resources.examples import example_path
sim = spikestudio.Simulator(spikestudio.load(example_path(sys.argv[2])), spare_cores=int(sys.argv[1]))
sim.run(0.01)
print(json.dumps({"cpu": time.process_time() - c0, "wall": time.perf_counter() - w0, "spans": spans,
                  "file": spikestudio.__file__}))
"""


def sample(path: str, spare: int, example: str = "cuba") -> dict:
    """One cold run with ``path`` first on PYTHONPATH, in a fresh process and fresh caches."""
    with tempfile.TemporaryDirectory() as nc, tempfile.TemporaryDirectory() as mc:
        env = dict(os.environ, PYTHONPATH=path, NUMBA_CACHE_DIR=nc, SPIKESTUDIO_MODEL_CACHE=mc,
                   NUMBA_NUM_THREADS="2", QT_QPA_PLATFORM="offscreen")
        out = subprocess.run([sys.executable, "-c", WORKER, str(spare), example], env=env, capture_output=True,
                             text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def summary(label: str, result: dict, top: int, example: str = "cuba") -> None:
    """Total CPU and the functions whose own compile cost most."""
    compile_cpu = sum(t for _, t, _, depth in result["spans"] if depth == 0)
    load = os.getloadavg()[0]
    print(f"{label}: cold {example} Run CPU {result['cpu']:.1f} s (wall {result['wall']:.1f}), of which numba compile "
          f"{compile_cpu:.1f} s; load {load:.1f}  [{result['file']}]")
    by_name: dict[str, list[float]] = {}
    for name, took, own, _ in result["spans"]:
        entry = by_name.setdefault(name, [0.0, 0.0, 0])
        entry[0] += took
        entry[1] += own
        entry[2] += 1
    for name, (took, own, count) in sorted(by_name.items(), key=lambda kv: -kv[1][1])[:top]:
        print(f"    self {own:6.2f} s  incl {took:6.2f} s  x{count}  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", action="append", required=True, help="label=directory holding spikestudio")
    parser.add_argument("--pairs", type=int, default=1)
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--example", default="cuba", help="a bundled example (song_stdp, vogels_istdp: plastic)")
    parser.add_argument("--spare-cores", type=int, default=0,
                        help="the Simulator's spare_cores: 1 as the app runs a network (2 cores: one thread)")
    args = parser.parse_args()
    sides = [s.split("=", 1) for s in args.side]
    totals: dict[str, list[float]] = {label: [] for label, _ in sides}
    for _ in range(args.pairs):
        for label, path in sides:
            result = sample(path, args.spare_cores, args.example)
            totals[label].append(result["cpu"])
            summary(label, result, args.top, args.example)
    print("CPU s per side:", {label: [round(x, 1) for x in xs] for label, xs in totals.items()})


if __name__ == "__main__":
    main()
