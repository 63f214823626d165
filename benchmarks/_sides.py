"""What the benchmarks that compare checkouts side by side share (``--side label=directory``, by hand).

Each side is a directory holding a ``spikestudio`` package, put first on ``PYTHONPATH`` of the side's processes,
with numba and model caches of its own under the system's temp dir (kept between runs, so a side stays warm):
the sides then never load each other's compiled code. ``Workers`` keeps one process per side and asks them in
turn, so a change of the machine's load hits every side alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

__all__ = ["add_sides", "sides_of", "side_env", "run_side", "Workers", "print_side_times"]


def add_sides(parser) -> None:
    """The ``--side label=directory`` argument (repeatable; the first side is the reference of the ratios)."""
    parser.add_argument("--side", action="append", required=True, help="label=directory holding spikestudio")


def sides_of(args) -> list[tuple[str, str]]:
    """(label, directory) of each ``--side``, in the order given."""
    return [tuple(s.split("=", 1)) for s in args.side]


def side_env(label: str, path: str, purpose: str, **extra: str) -> dict:
    """The environment of a side's process: its package first, its own numba and model caches (named by
    ``purpose`` and ``label``), and ``extra`` variables (``NUMBA_NUM_THREADS="2"``, say)."""
    root = os.path.join(tempfile.gettempdir(), f"{purpose}-cache-{label}")
    return dict(os.environ, PYTHONPATH=path, NUMBA_CACHE_DIR=os.path.join(root, "numba"),
                SPIKESTUDIO_MODEL_CACHE=os.path.join(root, "models"), **extra)


def run_side(env: dict, source: str, *argv: str) -> str:
    """The last line a fresh process running ``source`` (with ``argv``) prints, in a side's environment."""
    out = subprocess.run([sys.executable, "-c", source, *argv], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


class Workers:
    """One long-lived process per side running ``source``: each request is a line on its stdin, each answer
    a line on its stdout."""

    def __init__(self, sides: list[tuple[str, str]], source: str, purpose: str, *argv: str, **extra: str):
        self.procs = {label: subprocess.Popen([sys.executable, "-c", source, *argv], text=True,
                                              env=side_env(label, path, purpose, **extra),
                                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
                      for label, path in sides}

    def ask(self, label: str, request: str) -> list[str]:
        """The words of side ``label``'s answer to ``request``."""
        proc = self.procs[label]
        proc.stdin.write(request + "\n")
        proc.stdin.flush()
        return proc.stdout.readline().split()

    def close(self) -> None:
        for proc in self.procs.values():
            proc.stdin.close()
            proc.wait()


def print_side_times(times: dict[str, list[float]], results: dict[str, list], what: str) -> None:
    """Each side's best and median time, the median and range of its per-round ratios to the first side, and
    what its runs gave (``what``: the label of ``results``)."""
    first = next(iter(times))
    for label, took in times.items():
        ratios = [x / y for x, y in zip(took, times[first], strict=True)]
        print(f"  {label:>10}: best {min(took):.4f}  median {statistics.median(took):.4f}  "
              f"ratio to {first} median {statistics.median(ratios):.3f} "
              f"[{min(ratios):.3f}-{max(ratios):.3f}]  {what} {results[label]}", flush=True)
