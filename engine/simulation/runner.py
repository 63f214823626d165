"""Runs a simulator on a worker thread: run (or continue), pause, step and stop, flat out or paced (no Qt).

The kernel releases the GIL, so the thread that draws keeps running while a chunk simulates.
Chunks are sized to take about ``chunk_wall`` seconds flat out, so a pause, a live edit or a stop
takes effect within a frame or two; paced at ``speed`` x real time, a chunk covers one frame of
simulated time and the thread sleeps until the wall clock catches up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["Runner", "IDLE", "RUNNING", "PAUSED", "DONE", "FAILED"]

IDLE, RUNNING, PAUSED, DONE, FAILED = "idle", "running", "paused", "done", "failed"
FRAME = 1 / 30  # s of wall time a paced chunk covers
MAX_LAG = 0.5  # s behind the paced clock before it stops trying to catch up


class Runner:
    """Drives ``sim`` (an ``engine.simulator.Simulator``) from one worker thread, controlled from any thread.

    ``state`` is one of IDLE, RUNNING, PAUSED, DONE (the requested duration is simulated) or FAILED
    (``error`` holds the exception; the simulator keeps everything up to the failing chunk).
    """

    def __init__(self, sim, chunk_wall: float = 0.05):
        self.sim = sim
        self.chunk_wall = chunk_wall
        self.speed: float | None = None  # x real time; None = as fast as possible
        self.state = IDLE
        self.error: BaseException | None = None
        self._cond = threading.Condition()
        self._remaining: int | None = 0  # steps still to run; None = until stopped
        self._after = PAUSED  # state when the remaining steps are done
        self._quit = False
        self._in_chunk = False
        self._chunk = 100
        self._clock: tuple[float, int] | None = None  # (wall time, step) the paced clock started from
        # called on the worker thread when a run or step has ended by itself (DONE, PAUSED after a step, FAILED),
        # so a viewer need not poll to learn it (a frame timer's poll added up to a frame to every run)
        self.on_settled: Callable[[], None] | None = None
        self._thread = threading.Thread(target=self._loop, name="spikestudio-simulation", daemon=True)
        self._thread.start()

    # --- commands (any thread) ---------------------------------------------------------------------
    def run(self, duration_ms: float | None = None) -> None:
        """Run for ``duration_ms`` more simulated ms (None: until paused or stopped)."""
        steps = None if duration_ms is None else max(0, int(round(duration_ms / self.sim.network.dt)))
        self._command(steps, RUNNING, DONE)

    def step(self, steps: int) -> None:
        """Run exactly ``steps`` time steps, then pause."""
        self._command(max(0, int(steps)), RUNNING, PAUSED)

    def pause(self) -> None:
        with self._cond:
            if self.state == RUNNING:
                self._remaining, self.state = 0, PAUSED
                self._cond.notify_all()

    def set_speed(self, speed: float | None) -> None:
        """``speed`` x real time (0.01 to 10), or None for as fast as possible; applies from the next chunk."""
        if speed is not None and not (0.001 <= speed <= 1000):
            raise ValueError(f"speed must be between 0.001 and 1000 x real time, got {speed!r}")
        with self._cond:
            self.speed = speed
            self._clock = None
            self._cond.notify_all()

    def stop(self, timeout: float = 10.0) -> bool:
        """End the worker thread after the chunk in progress; True when it has ended within ``timeout`` s."""
        with self._cond:
            self._quit = True
            self._remaining = 0
            self._cond.notify_all()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def busy(self) -> bool:
        """True while a chunk is simulating or about to (the simulator's arrays are in use)."""
        return self.state == RUNNING or self._in_chunk

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until no chunk runs and none will (after a pause, at the end of a duration or a step).

        True when that happened within ``timeout`` s. Tests and scripts use it; so does a reset.
        """
        end = time.monotonic() + timeout
        with self._cond:
            while self.busy and time.monotonic() < end:
                self._cond.wait(0.05)
            return not self.busy

    # --- the worker thread -------------------------------------------------------------------------
    def _command(self, steps: int | None, state: str, after: str) -> None:
        with self._cond:
            if self._quit:
                raise RuntimeError("this runner has been stopped")
            if self.state == FAILED:
                return
            self._remaining, self._after = steps, after
            self.state = state if steps != 0 else after
            self._clock = None
            self._cond.notify_all()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._quit and not (self.state == RUNNING and self._remaining != 0):
                    self._cond.wait()
                if self._quit:
                    return
                n = self._chunk_steps()
                self._in_chunk = True
            started = time.perf_counter()
            try:
                self.sim.advance(n)
            except BaseException as exc:  # noqa: BLE001 - reported to the viewer, never lost with the thread
                with self._cond:
                    self.error, self.state, self._in_chunk = exc, FAILED, False
                    self._cond.notify_all()
                self._settled()
                continue
            with self._cond:
                self._in_chunk = False
                self._cond.notify_all()
            if self._after_chunk(n, time.perf_counter() - started):
                self._settled()

    def _settled(self) -> None:
        callback = self.on_settled
        if callback is not None:
            callback()

    def _chunk_steps(self) -> int:
        limit = self.sim.built.chunk_steps
        if self.speed is not None:  # one frame of simulated time
            n = max(1, int(round(self.speed * FRAME * 1000.0 / self.sim.network.dt)))
        else:
            n = self._chunk
        if self._remaining is not None:
            n = min(n, self._remaining)
        return max(1, min(n, limit))

    def _after_chunk(self, n: int, wall: float) -> bool:
        """Count the chunk, pace the next; True when it ended the command (the state left RUNNING by itself)."""
        if self.speed is None and wall > 0:  # aim the next chunk at chunk_wall seconds
            self._chunk = int(min(max(1, n * self.chunk_wall / wall), 2 * n + 1))
        with self._cond:
            if self._remaining is not None:
                self._remaining = max(0, self._remaining - n)
                if self._remaining == 0 and self.state == RUNNING:
                    self.state = self._after
                    self._cond.notify_all()
                    return True
            if self.speed is None or self.state != RUNNING:
                return False
            now = time.perf_counter()
            if self._clock is None:
                self._clock = (now - wall, self.sim.step - n)
            wall0, step0 = self._clock
            due = wall0 + (self.sim.step - step0) * self.sim.network.dt / 1000.0 / self.speed
            if due - now < -MAX_LAG:  # cannot keep up: restart the clock rather than race to catch up
                self._clock = (now, self.sim.step)
            elif due > now:
                self._cond.wait(due - now)  # a pause, a speed change or a stop wakes it early
            return False
