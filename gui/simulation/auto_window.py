"""A plot window that keeps single spikes apart: a network firing at 300 Hz fills a 1000 ms raster and trace with
solid blocks, so a narrower window is chosen for it (unless the user chose one).

The window is chosen when the network opens: the build made ahead of time on Open runs the network's first
``MEASURE_MS`` (``measured_rate``) and resets it, so the first Run (same seed, same run) is already framed. A
network too large to build on Open is measured early in its first run instead.
"""

from __future__ import annotations

__all__ = ["suggested_window", "window_for_rate", "mean_rate", "measured_rate", "SPIKES_SHOWN", "MEASURE_MS",
           "NICE_WINDOWS"]

SPIKES_SHOWN = 30  # at most about this many spikes per neuron across the window
MEASURE_MS = 200.0  # simulated time the rate is measured over before a window is suggested
NICE_WINDOWS = (50.0, 100.0, 200.0, 300.0, 500.0)


def mean_rate(sim) -> float | None:
    """Spikes per neuron per second of the populations over what ``sim`` has run; None before it ran."""
    t = sim.step * sim.network.dt
    pops = sim.network.populations
    neurons = sum(p.size for p in pops.values())
    if t <= 0 or not neurons:
        return None
    spikes = sum(int(sim.results.spike_counts(pid).sum()) for pid in pops)
    return spikes / neurons / (t / 1000.0)


def measured_rate(sim, ms: float = MEASURE_MS, cancel=None) -> float | None:
    """Run a fresh ``sim`` for ``ms``, take its mean rate, and reset it to time 0 (the run to come is the same).
    None when ``cancel`` (a ``threading.Event``) was set before the measure."""
    if cancel is not None and cancel.is_set():
        return None
    sim.run(ms / 1000.0)
    rate = mean_rate(sim)
    sim.reset()
    return rate


def window_for_rate(rate: float | None, window_ms: float) -> float | None:
    """A narrower window when ``rate`` (Hz) would put more than ``SPIKES_SHOWN`` spikes per neuron in
    ``window_ms``; None when the window is fine (or the rate is unknown)."""
    if rate is None or rate * window_ms / 1000.0 <= SPIKES_SHOWN:
        return None
    fits = [w for w in NICE_WINDOWS if rate * w / 1000.0 <= SPIKES_SHOWN and w < window_ms]
    return fits[-1] if fits else min(NICE_WINDOWS[0], window_ms)


def suggested_window(sim, window_ms: float) -> float | None:
    """``window_for_rate`` of what ``sim`` has run so far."""
    return window_for_rate(mean_rate(sim), window_ms)
