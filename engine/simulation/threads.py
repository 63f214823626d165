"""How many threads each chunk of a run uses: the network's ``threads`` setting, or for 0 ("every core") the
faster of every core and one, measured as the run goes.

The spikes and the state do not depend on the count (``engine.kernels.parallel``), so it may change from one
chunk to the next. The time loop's threads meet at a barrier every step; on a machine whose cores are busy
with other work a barrier waits for a thread the system has not scheduled, and every core can be many times
slower than one. So a setting of 0 tries both and keeps the faster per step, trying the other again now and
then (the load changes); a setting above 0 is used as given.
"""

from __future__ import annotations

from ..kernels.parallel import threads_for

__all__ = ["ThreadChooser", "APP_SPARE_CORES"]

# cores a setting of 0 leaves free in the app (its editor draws on one); the warm-up compiles the app's loops with it
APP_SPARE_CORES = 1

PROBE_EVERY = 16  # chunks between tries of the slower count
SHORTEST = 500  # chunks of fewer steps (a live view's single steps) are not timed


class ThreadChooser:
    """``next()`` gives the count for the next chunk; ``took()`` reports how long that chunk ran."""

    def __init__(self, setting: int, spare: int = 0):
        self.setting = int(setting)
        most = threads_for(setting, spare)
        self.candidates = (most, 1) if setting <= 0 and most > 1 else (most,)
        self.per_step: dict[int, float] = {}
        self.chunks = 0

    def next(self) -> int:
        if len(self.candidates) == 1:
            return self.candidates[0]
        for t in self.candidates:
            if t not in self.per_step:
                return t
        ranked = sorted(self.candidates, key=self.per_step.__getitem__)
        return ranked[-1] if self.chunks % PROBE_EVERY == PROBE_EVERY - 1 else ranked[0]

    def took(self, threads: int, seconds: float, steps: int) -> None:
        if len(self.candidates) == 1 or steps < SHORTEST:
            return
        self.chunks += 1
        self.per_step[threads] = seconds / steps  # the latest: the machine's load changes
