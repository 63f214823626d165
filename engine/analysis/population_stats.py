"""Population-level spike statistics for comparing runs: Fano factor of spike counts and Golomb's synchrony chi.

Both bin each neuron's spikes over the run; they are what tells Brunel's synchronous states from asynchronous ones.
"""

from __future__ import annotations

import numpy as np

__all__ = ["binned_counts", "fano_factor", "synchrony"]


def binned_counts(times: np.ndarray, ids: np.ndarray, size: int, duration: float, bin_ms: float) -> np.ndarray:
    """Spike counts per neuron and time bin, shape (size, bins); a last partial bin is dropped."""
    bins = int(duration // bin_ms)
    if size <= 0 or bins <= 0:
        return np.zeros((max(size, 0), max(bins, 0)))
    times, ids = np.asarray(times, np.float64), np.asarray(ids, np.int64)
    which = (times // bin_ms).astype(np.int64)
    keep = (which >= 0) & (which < bins)
    flat = np.bincount(ids[keep] * bins + which[keep], minlength=size * bins)
    return flat.reshape(size, bins).astype(np.float64)


def fano_factor(times, ids, size: int, duration: float, bin_ms: float = 50.0) -> float:
    """Mean over neurons that fired of var / mean of their spike counts in ``bin_ms`` windows; NaN when none fired.

    1 for Poisson firing, below 1 for regular firing, above 1 for bursty or slowly modulated firing.
    """
    counts = binned_counts(times, ids, size, duration, bin_ms)
    if counts.shape[1] < 2:
        return float("nan")
    mean = counts.mean(axis=1)
    fired = mean > 0
    if not fired.any():
        return float("nan")
    return float(np.mean(counts[fired].var(axis=1) / mean[fired]))


def synchrony(times, ids, size: int, duration: float, bin_ms: float = 2.0) -> float:
    """Golomb's chi: sqrt(variance of the population-mean count / mean variance of single counts), in [0, 1].

    Near 1 when neurons fire together (synchronous states), near 1/sqrt(size) when independent; NaN when silent.
    """
    counts = binned_counts(times, ids, size, duration, bin_ms)
    if counts.shape[1] < 2:
        return float("nan")
    single = counts.var(axis=1).mean()
    if single <= 0:
        return float("nan")
    return float(np.sqrt(counts.mean(axis=0).var() / single))
