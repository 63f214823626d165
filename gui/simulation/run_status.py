"""What the status bar says about a run: simulated time, speed against real time and spikes per second, measured
over the last frames (or the compile under way, with its seconds so far)."""

from __future__ import annotations

import time
from collections import deque

from ...engine.kernels.compile_status import compiling_text

__all__ = ["RunStatus", "WIRING_SHOWN", "wiring_text"]


WIRING_SHOWN = 1_000_000  # synapses: a build with more says in the status bar how far its wiring has got


def wiring_text(done: int, total: int) -> str:
    """The status bar while a large network's synapses are drawn."""
    return f"Building the network: {done:,} of {total:,} synapses ({done / max(total, 1):.0%})"


class RunStatus:
    """The status text of each frame; ``clear`` when a run starts afresh (the rates restart)."""

    def __init__(self, frames: int = 40):
        self._history = deque(maxlen=frames)  # (wall, t, spikes)

    def clear(self) -> None:
        self._history.clear()

    def text(self, frame, running: bool, prep=None) -> str:
        """``frame``'s line; ``prep``: a build under way, said instead while it compiles."""
        now = time.perf_counter()
        if prep is not None and prep.compiling_since is not None and not prep.done.is_set():
            return compiling_text(prep.parts, now - prep.compiling_since)
        if prep is not None and prep.wired is not None and not prep.done.is_set() and prep.wired[1] >= WIRING_SHOWN:
            return wiring_text(*prep.wired)
        self._history.append((now, frame.t, frame.total_spikes))
        wall0, t0, s0 = self._history[0]
        parts = [f"t = {frame.t:,.1f} ms"]
        if now - wall0 > 0.2 and running:
            parts.append(f"{(frame.t - t0) / 1000.0 / (now - wall0):.3g}× real time")
            parts.append(f"{(frame.total_spikes - s0) / (now - wall0):,.0f} spikes/s")
        return " · ".join(parts)
