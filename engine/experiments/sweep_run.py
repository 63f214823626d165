"""Drive a sweep on a backend: keep the workers busy, report progress and time left, pause, resume, cancel.

Control is a few flags any thread may set (the GUI's buttons, the CLI's Ctrl-C); the loop checks them between
runs. Cancelling submits nothing more and drops the runs not started; runs in progress finish, and every
finished row is kept.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from ..files import fileformat
from ..model.network import Network
from .backends import Backend, SerialBackend
from .sweep_spec import Sweep
from .worker import Outcome, Setup

__all__ = ["Control", "Progress", "make_setup", "execute", "run_sweep"]

CHUNK_SECONDS = 0.25  # work per task once run times are known: pause and cancel still answer within about this


class Control:
    """Pause, resume and cancel a running sweep from any thread."""

    def __init__(self):
        self._resume = threading.Event()
        self._resume.set()
        self.cancelled = False
        self.idle_passes = 0  # times the loop found nothing in progress while paused: each proves nothing started

    @property
    def paused(self) -> bool:
        return not self._resume.is_set()

    def pause(self) -> None:
        self._resume.clear()

    def resume(self) -> None:
        self._resume.set()

    def cancel(self) -> None:
        self.cancelled = True
        self._resume.set()

    def wait_resumed(self, timeout: float) -> None:
        self._resume.wait(timeout)


@dataclass(frozen=True)
class Progress:
    """Runs done out of ``total``, seconds since the start, and the estimated seconds left (None at first)."""

    done: int
    total: int
    elapsed: float
    left: float | None


def make_setup(net: Network, sweep: Sweep, **options) -> Setup:
    """The worker setup of ``sweep`` on ``net``; ``options`` are ``Setup``'s (simulator, measures, rasters)."""
    duration = sweep.duration if sweep.duration is not None else net.duration
    return Setup(fileformat.dumps(net), tuple(sweep.parameters), tuple(sweep.measures), float(duration), **options)


def execute(points: list, setup: Setup, backend: Backend, control: Control | None = None,
            on_outcome: Callable[[Outcome], None] | None = None,
            progress: Callable[[Progress], None] | None = None) -> list[Outcome]:
    """Run ``points`` on ``backend``; returns the outcomes of the finished runs (all of them unless cancelled).

    A Ctrl-C (``KeyboardInterrupt``) in the calling thread cancels like ``control.cancel()``.
    """
    control = control or Control()
    key, todo, inflight, outcomes = uuid.uuid4().hex, deque(points), {}, []
    start = time.perf_counter()

    def finished(future, chunk) -> None:
        for outcome in _outcomes(future, chunk):
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
            if progress is not None:
                progress(_progress(len(outcomes), len(points), start))

    backend.start(key, setup)
    try:
        while (todo or inflight) and not control.cancelled:
            while todo and len(inflight) < backend.slots() and not control.paused and not control.cancelled:
                size = _chunk_size(outcomes, len(todo), backend.slots()) if backend.batches else 1
                chunk = [todo.popleft() for _ in range(size)]
                inflight[backend.submit(key, chunk)] = chunk
            if not inflight:
                if control.paused:
                    control.idle_passes += 1
                control.wait_resumed(0.2)
                continue
            for future in backend.wait(list(inflight), 0.2):
                finished(future, inflight.pop(future))
    except KeyboardInterrupt:
        control.cancel()
    finally:
        backend.cancel([f for f in inflight if not f.done()])  # runs not started yet are dropped
        try:
            backend.drain(list(inflight))  # runs in progress finish, and their rows are kept
        except KeyboardInterrupt:  # a second Ctrl-C does not wait for them
            pass
        backend.close()
        for future, chunk in inflight.items():
            if future.done() and not future.cancelled():
                finished(future, chunk)
    return outcomes


def run_sweep(net: Network, sweep: Sweep, backend: Backend | None = None, **kwargs) -> list[dict]:
    """Every row of ``sweep`` on ``net`` (serially unless a backend is given), in run order.

    ``kwargs``: ``control``, ``on_outcome``, ``progress`` (see ``execute``) and ``Setup`` options.
    """
    loop = {k: kwargs.pop(k) for k in ("control", "on_outcome", "progress") if k in kwargs}
    setup = make_setup(net, sweep, **kwargs)
    outcomes = execute(sweep.points(net.seed), setup, backend or SerialBackend(), **loop)
    return sorted((o.row for o in outcomes), key=lambda r: r["run"])


def _outcomes(future, chunk) -> list[Outcome]:
    try:
        return future.result()
    except Exception as exc:  # the worker itself died (killed, out of memory): still a row per run
        return [Outcome({"run": p.index, **p.values, "repeat": p.repeat, "seed": p.seed, "run_time_s": float("nan"),
                         "error": f"worker failed: {type(exc).__name__}: {exc}"}, {}) for p in chunk]


def _chunk_size(outcomes: list[Outcome], left: int, slots: int) -> int:
    """Runs per task: one until runs have been timed, then enough for about ``CHUNK_SECONDS`` of work (short
    runs would otherwise spend a good part of their time being sent), never so many that a worker idles."""
    times = [o.row["run_time_s"] for o in outcomes[-20:] if o.row["run_time_s"] == o.row["run_time_s"]]
    if not times:
        return 1
    wanted = int(CHUNK_SECONDS / max(sum(times) / len(times), 1e-6))
    return max(1, min(wanted, left // slots))


def _progress(done: int, total: int, start: float) -> Progress:
    elapsed = time.perf_counter() - start
    return Progress(done, total, elapsed, elapsed / done * (total - done) if done else None)
