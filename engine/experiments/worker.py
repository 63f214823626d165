"""One run of a sweep, as a worker process (or thread, or Dask worker) does it.

A worker parses the network once and warms its kernels once (``prepare``); each run (sent a few at a time when
runs are short) then copies the network, sets the point's parameters and seed, simulates and measures
(``run_task``). Runs that share sizes, connectivity rules and seed reuse the synapses the first one drew
(``connection_cache``). Any failure becomes a row with its error, never an exception, so one bad point cannot
stop a sweep.
"""

from __future__ import annotations

import copy
import ctypes
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import SimulationError, ValidationError
from ..files import fileformat
from ..model.names import readable_error
from ..model.network import Network
from ..simulation.connection_cache import ConnectionCache, reusing_connections
from ..simulation.simulator import Simulator
from .addresses import apply
from .measures import builtin_measures
from .sweep_spec import Parameter, Point

__all__ = ["Setup", "Outcome", "prepare", "pool_initializer", "worker_ready", "run_task", "run_network", "release",
           "keep_freed_memory"]


@dataclass(frozen=True)
class Setup:
    """Everything a worker needs, sent once per worker. ``make_simulator`` and ``measure_catalog`` must be
    importable module-level callables (they travel by name); ``raster_neurons`` > 0 sends back the spikes of
    that many neurons per population with each row; ``spikes_dir`` keeps each run's recordings as .npz."""

    network_text: str
    parameters: tuple[Parameter, ...]
    measures: tuple[str, ...]
    duration: float  # ms
    make_simulator: Callable[[Network], object] = Simulator
    measure_catalog: Callable[[], dict] = builtin_measures
    raster_neurons: int = 0
    spikes_dir: str | None = None


@dataclass
class Outcome:
    """What a run sends back: its table row and, when asked for, a few neurons' spikes per population."""

    row: dict
    raster: dict


_CONTEXT: dict[str, tuple[Setup, Network, dict, ConnectionCache]] = {}  # sweep key -> what its runs share


def prepare(key: str, setup: Setup) -> float:
    """Parse the network and compile (or load from numba's cache) its kernels in this process; seconds taken."""
    start = time.perf_counter()
    net = fileformat.loads(setup.network_text)
    _CONTEXT.clear()  # one sweep at a time per worker; a new sweep frees the last one's network
    cache = ConnectionCache()  # runs that change no connectivity rule, size or seed draw their synapses once
    _CONTEXT[key] = (setup, net, setup.measure_catalog(), cache)
    try:
        with reusing_connections(cache):
            setup.make_simulator(copy.deepcopy(net)).run(net.dt * 1e-3)  # one step compiles every part it uses
    except Exception:  # warming is an optimisation: each run reports its own failure as a row
        pass
    return time.perf_counter() - start


def pool_initializer(key: str, setup: Setup) -> None:
    """A process-pool worker: Ctrl-C goes to the parent only (it cancels cleanly), then ``prepare``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    prepare(key, setup)


def worker_ready(hold: float = 0.0) -> int:
    """This process's id once its initializer has run; ``hold`` s keep it busy, so each worker gets one call."""
    time.sleep(hold)
    return os.getpid()


def release(key: str) -> None:
    """Forget sweep ``key`` in this worker (its network and cached synapses), and give malloc back the settings
    ``keep_freed_memory`` changed: a Dask worker outlives the sweep."""
    _CONTEXT.pop(key, None)
    trim = _trim_threshold()
    if trim is not None:
        _mallopt(M_TRIM_THRESHOLD, trim)
        _mallopt(M_MMAP_THRESHOLD, DEFAULT_MMAP_THRESHOLD)


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt options
DEFAULT_MMAP_THRESHOLD = 128 * 1024
SWEEP_MMAP_THRESHOLD = 32 * 2**20  # glibc's largest
SWEEP_TRIM_THRESHOLD = 256 * 2**20


def keep_freed_memory() -> bool:
    """Let malloc keep freed memory for the next run while a sweep runs in a Dask worker; whether it did.

    Dask starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which also fixes glibc's mmap threshold at
    128 kB: every array a run allocates is then mapped afresh and zero-filled by the kernel, and a 1 s CUBA run
    took 1.3 to 1.6 times as long as in a plain process. ``release`` puts Dask's settings back. A process without that
    variable (a pool worker) keeps glibc's adaptive defaults and is left alone.
    """
    if _trim_threshold() is None:
        return False
    return _mallopt(M_MMAP_THRESHOLD, SWEEP_MMAP_THRESHOLD) and _mallopt(M_TRIM_THRESHOLD, SWEEP_TRIM_THRESHOLD)


def _trim_threshold() -> int | None:
    try:
        return int(os.environ["MALLOC_TRIM_THRESHOLD_"])
    except (KeyError, ValueError):
        return None


def _mallopt(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL(None).mallopt(option, value))
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False


def run_task(key: str, points: list[Point], setup: Setup | None = None) -> list[Outcome]:
    """Simulate and measure a few points; ``setup`` prepares a worker that has not seen this sweep yet."""
    if key not in _CONTEXT:
        if setup is None:
            raise RuntimeError("this worker was not prepared for the sweep")
        prepare(key, setup)
    setup, net, catalog, cache = _CONTEXT[key]
    with reusing_connections(cache):
        return [run_network(net, point, setup, catalog) for point in points]


def run_network(base: Network, point: Point, setup: Setup, catalog: dict) -> Outcome:
    """One run of ``base`` at ``point``: the row (parameters, seed, measures, run time, error) and raster."""
    start = time.perf_counter()
    row = {"run": point.index, **point.values, "repeat": point.repeat, "seed": point.seed}
    raster: dict = {}
    try:
        measures = [catalog[m] for m in setup.measures]
        sim = _simulator(base, point, setup, any(getattr(m, "needs_spikes", False) for m in measures))
        results = sim.run(setup.duration / 1000.0)
        for m in measures:
            row.update(m.compute(results, sim))
        raster = _raster(results, setup.raster_neurons, list(sim.network.populations))
        if setup.spikes_dir:
            results.save(Path(setup.spikes_dir) / f"run-{point.index:05d}.npz")
        error = ""
    except Exception as exc:  # a failed run is a row with its error; the sweep goes on
        error = _describe(base, exc)
    row["run_time_s"] = time.perf_counter() - start
    row["error"] = error
    return Outcome(row, raster)


def _simulator(base: Network, point: Point, setup: Setup, needs_spikes: bool):
    net = copy.deepcopy(base)
    net.seed = point.seed
    for address, value in point.settings(list(setup.parameters)):
        apply(net, address, value)
    if needs_spikes or setup.raster_neurons or setup.spikes_dir:
        recorded = {r.target for r in net.recorders.values() if r.kind == "spikes"}
        for pid in net.populations:
            if pid not in recorded:
                net.record_spikes(pid, id=_unused(net, f"spikes:{pid}"))
    return setup.make_simulator(net)


def _raster(results, neurons: int, populations: list[str]) -> dict:
    if neurons <= 0:
        return {}
    out = {}
    for pid in populations:
        times, ids = results.spikes(pid)
        keep = ids < neurons
        out[pid] = (times[keep].astype(np.float32), ids[keep].astype(np.int32))
    return out


def _describe(net: Network, exc: BaseException) -> str:
    """A failed run's error as the results table shows it, items named as people read them."""
    if isinstance(exc, ValidationError):
        return "invalid network: " + readable_error(net, exc).replace("\n", "; ")
    if isinstance(exc, MemoryError):
        return "out of memory" + (f": {exc}" if str(exc) else "")
    if isinstance(exc, SimulationError):
        return f"simulation failed: {readable_error(net, exc)}"
    return f"{type(exc).__name__}: {readable_error(net, exc)}"


def _unused(net: Network, wanted: str) -> str:
    ids, candidate, k = net.all_ids(), wanted, 2
    while candidate in ids:
        candidate, k = f"{wanted}#{k}", k + 1
    return candidate
