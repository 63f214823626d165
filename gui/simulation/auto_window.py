"""A plot window that keeps single spikes apart: a network firing at 300 Hz fills a 1000 ms raster and trace with
solid blocks, so its first run narrows the window (unless the user chose one).
"""

from __future__ import annotations

__all__ = ["suggested_window", "SPIKES_SHOWN", "MEASURE_MS", "NICE_WINDOWS"]

SPIKES_SHOWN = 30  # at most about this many spikes per neuron across the window
MEASURE_MS = 200.0  # simulated time the rate is measured over before a window is suggested
NICE_WINDOWS = (50.0, 100.0, 200.0, 300.0, 500.0)


def suggested_window(sim, window_ms: float) -> float | None:
    """A narrower window when the populations' mean rate would put more than ``SPIKES_SHOWN`` spikes per neuron
    in ``window_ms``; None when the window is fine (or nothing is measured yet)."""
    t = sim.step * sim.network.dt
    pops = sim.network.populations
    neurons = sum(p.size for p in pops.values())
    if t <= 0 or not neurons:
        return None
    spikes = sum(int(sim.results.spike_counts(pid).sum()) for pid in pops)
    rate = spikes / neurons / (t / 1000.0)
    if rate * window_ms / 1000.0 <= SPIKES_SHOWN:
        return None
    fits = [w for w in NICE_WINDOWS if rate * w / 1000.0 <= SPIKES_SHOWN and w < window_ms]
    return fits[-1] if fits else min(NICE_WINDOWS[0], window_ms)
