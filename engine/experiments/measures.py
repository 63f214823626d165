"""What a sweep measures in each run: a small registry of named measures, extended by plugins.

A measure is any object with an ``id``, a ``description``, ``needs_spikes`` and ``compute(results, simulator)``
returning ``{column: number}``; the built-ins give one column per population, named ``measure:population``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..analysis.population_stats import fano_factor, synchrony
from ..simulation.results import Results, cv_isi

__all__ = ["Measure", "BUILTIN_MEASURES", "builtin_measures"]


@dataclass(frozen=True)
class Measure:
    """A named measure; ``compute(results, simulator)`` returns its columns for one run."""

    id: str
    description: str
    compute: Callable[[Results, object], dict[str, float]]
    needs_spikes: bool = False


def _populations(sim) -> list[str]:
    return list(sim.network.populations)


def _per_population(name: str, value: Callable[[Results, str], float]) -> Callable:
    def compute(results: Results, sim) -> dict[str, float]:
        return {f"{name}:{pid}": float(value(results, pid)) for pid in _populations(sim)}

    compute.__qualname__ = f"per_population_{name}"
    return compute


def _spikes(results: Results, pid: str):
    times, ids = results.spikes(pid)
    return times, ids, results.spike_counts(pid).size


def _rate(results: Results, pid: str) -> float:
    return results.mean_rate(pid)


def _count(results: Results, pid: str) -> float:
    return float(results.spike_counts(pid).sum())


def _cv(results: Results, pid: str) -> float:
    times, ids, size = _spikes(results, pid)
    return cv_isi(ids, times, size)


def _fano(results: Results, pid: str) -> float:
    times, ids, size = _spikes(results, pid)
    return fano_factor(times, ids, size, results.t)


def _sync(results: Results, pid: str) -> float:
    times, ids, size = _spikes(results, pid)
    return synchrony(times, ids, size, results.t)


def _weights(results: Results, sim) -> dict[str, float]:
    """Mean and standard deviation of the final weights of every projection with plasticity."""
    out = {}
    for pid, proj in sim.network.projections.items():
        if proj.plasticity is not None:
            w = sim.connections(pid)[2]
            out[f"weight_mean:{pid}"] = float(w.mean()) if w.size else float("nan")
            out[f"weight_std:{pid}"] = float(w.std()) if w.size else float("nan")
    return out


BUILTIN_MEASURES = {m.id: m for m in (
    Measure("rate", "mean firing rate of each population (Hz)", _per_population("rate", _rate)),
    Measure("spikes", "spike count of each population", _per_population("spikes", _count)),
    Measure("cv_isi", "mean CV of the inter-spike intervals of each population", _per_population("cv_isi", _cv),
            needs_spikes=True),
    Measure("fano", "Fano factor of spike counts in 50 ms windows, mean over neurons",
            _per_population("fano", _fano), needs_spikes=True),
    Measure("synchrony", "Golomb's synchrony chi over 2 ms bins (1: lockstep, ~0: independent)",
            _per_population("synchrony", _sync), needs_spikes=True),
    Measure("weights", "mean and std of the final weights of each plastic projection", _weights),
)}


def builtin_measures() -> dict:
    """The built-in measures by id (what a sweep uses when no plugin registry is given)."""
    return dict(BUILTIN_MEASURES)
