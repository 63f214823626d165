"""Analysis after a run: inter-spike intervals and their CV, F-I curves, weight matrices and receptive fields.

Pure numpy on top of the engine (no Qt), so scripts, the command line and the GUI's analysis docks share it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..interop.sparse import signed_matrix
from ..model.catalog import NEURON_MODELS
from ..model.custom import neuron_model
from ..model.network import Network, Population
from ..simulation.results import Results, by_neuron, cv_isi
from ..simulation.simulator import Simulator

__all__ = [
    "isi_values",
    "isi_histogram",
    "cv_by_population",
    "FICurve",
    "fi_curve",
    "lif_rate",
    "weight_matrix",
    "block_weight_matrix",
    "receptive_fields",
    "tile_fields",
]


# --- inter-spike intervals ---------------------------------------------------------------------
def isi_values(times: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Every inter-spike interval (ms) of every neuron, neuron after neuron; intervals never span two neurons."""
    times, ids = np.asarray(times, np.float64), np.asarray(ids, np.int64)
    if times.shape != ids.shape:
        raise ValueError(f"times and ids must have the same length, got {times.size} and {ids.size}")
    order = by_neuron(times, ids)
    times, ids = times[order], ids[order]
    same = ids[1:] == ids[:-1]
    return np.diff(times)[same]


def isi_histogram(times: np.ndarray, ids: np.ndarray, size: int, bins: int | np.ndarray = 50,
                  range: tuple[float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(counts, bin edges in ms) of the inter-spike intervals of a population of ``size`` neurons.

    ``bins`` and ``range`` are numpy's; a population without intervals gives zero counts over [0, 1] ms.
    """
    ids = np.asarray(ids, np.int64)
    if ids.size and (ids.min() < 0 or ids.max() >= size):
        raise ValueError(f"neuron ids must lie in [0, {size}), got {ids.min()} to {ids.max()}")
    isi = isi_values(times, ids)
    if isi.size == 0 and range is None:
        range = (0.0, 1.0)
    return np.histogram(isi, bins=bins, range=range)


def cv_by_population(results: Results) -> dict[str, float]:
    """Mean CV of the ISIs (``results.cv_isi``) of every node whose spikes were recorded; NaN when unknown."""
    out = {}
    for nid in results.spike_recorded:
        times, ids = results.spikes(nid)
        out[nid] = cv_isi(ids, times, results.spike_counts(nid).size)
    return out


# --- F-I curves ------------------------------------------------------------------------------
@dataclass(frozen=True)
class FICurve:
    """Firing rate against injected DC current for one neuron model.

    ``rate_hz`` counts the spikes after ``transient`` ms; ``steady_hz`` is 1000 / mean ISI over the same
    window (the adapted rate; 0 with fewer than two spikes).
    """

    currents: np.ndarray  # pA, added to the model's bias I_e
    rate_hz: np.ndarray
    steady_hz: np.ndarray
    model: str
    params: dict
    duration: float  # ms
    transient: float  # ms
    dt: float  # ms


def fi_curve(source: Network | Population | str, currents, duration: float = 1000.0, *,
             population: str | None = None, params: dict | None = None, transient: float = 0.0,
             dt: float | None = None, seed: int = 1, before_run=None) -> FICurve:
    """Sweep DC current (pA) through a neuron model and measure its firing rate, in one run.

    ``source`` is a network with one population (or ``population`` naming one), a ``Population``, or a
    model id from ``catalog.NEURON_MODELS``; ``params`` overrides its parameters. ``duration`` and
    ``transient`` are in ms; ``dt`` defaults to the network's (0.1 ms otherwise).

    Currents are per population in this engine, so the sweep is one network holding a one-neuron copy of
    the population per current, each with the current added to its bias ``I_e`` (exactly a DC input);
    they share no synapses and run together, one simulation for the whole curve. ``before_run(simulator)``,
    when given, is called once the sweep is built (the F–I tool uses it to say when the kernels compile).
    """
    pop, net_dt = _probe_population(source, population)
    models = source.models if isinstance(source, Network) else {}
    model = neuron_model(source if isinstance(source, Network) else None, pop.model)
    if model is None:  # a population alone does not carry the description of a model described by equations
        raise ValueError(f"unknown neuron model {pop.model!r}: sweep a model described by equations through the "
                         f"network that describes it")
    values = np.asarray(currents, np.float64)
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError("currents must be a non-empty list of finite numbers (pA)")
    if not (duration > 0 and 0 <= transient < duration):
        raise ValueError(f"need duration > 0 and 0 <= transient < duration (ms), got {duration} and {transient}")
    merged = {**pop.params, **(params or {})}
    unknown = sorted(set(merged) - set(model.params))
    if unknown:
        raise ValueError(f"unknown parameters for model {pop.model!r}: {', '.join(unknown)}")
    net = _sweep_network(pop, merged, values, duration, dt or net_dt, seed, models)
    sim = Simulator(net, record_all=True)
    if before_run is not None:
        before_run(sim)
    results = sim.run(duration / 1000.0)
    rate, steady = _window_rates(results, values.size, transient, duration)
    return FICurve(values, rate, steady, pop.model, merged, float(duration), float(transient), float(net.dt))


def _probe_population(source, population: str | None) -> tuple[Population, float]:
    """The population whose model is swept, and the time step to use."""
    if isinstance(source, str):
        if source not in NEURON_MODELS:
            raise ValueError(f"unknown neuron model {source!r} (known: {', '.join(NEURON_MODELS)})")
        return Population("probe", 1, source), 0.1
    if isinstance(source, Population):
        return source, 0.1
    if isinstance(source, Network):
        if population is not None:
            if population not in source.populations:
                raise ValueError(f"the network has no population {population!r}")
            return source.populations[population], source.dt
        if len(source.populations) != 1:
            raise ValueError(f"the network has {len(source.populations)} populations; name the one to sweep")
        return next(iter(source.populations.values())), source.dt
    raise TypeError(f"expected a Network, a Population or a model id, got {type(source).__name__}")


def _sweep_network(pop: Population, params: dict, currents: np.ndarray, duration: float, dt: float,
                   seed: int, models: dict | None = None) -> Network:
    net = Network(dt=dt, duration=duration, seed=seed)
    if pop.model not in NEURON_MODELS:  # described by equations: the current enters as a DC input (I_syn)
        net.models[pop.model] = models[pop.model]
        for k, current in enumerate(currents):
            net.add(Population(f"I{k}", 1, pop.model, dict(params), dict(pop.initial)))
            net.add_current(f"dc{k}", f"I{k}", "dc", amplitude=float(current))
        return net.check()
    spec = NEURON_MODELS[pop.model].params["I_e"]
    for k, current in enumerate(currents):
        bias = params["I_e"] + float(current)
        why = spec.problem(bias)
        if why:
            raise ValueError(f"current {current:g} pA: the total bias I_e {why}")
        net.add(Population(f"I{k}", 1, pop.model, {**params, "I_e": bias}, dict(pop.initial)))
    return net.check()


def _window_rates(results: Results, n: int, transient: float, duration: float) -> tuple[np.ndarray, np.ndarray]:
    rate, steady = np.zeros(n), np.zeros(n)
    for k in range(n):
        times = results.spikes(f"I{k}")[0]
        times = times[times >= transient]
        rate[k] = times.size / ((duration - transient) * 1e-3)
        if times.size >= 2:
            steady[k] = 1000.0 / np.mean(np.diff(times))
    return rate, steady


def lif_rate(currents, params: dict | None = None) -> np.ndarray:
    """Analytic firing rate (Hz) of a LIF neuron under DC current (pA, added to I_e); 0 below rheobase.

    T = t_ref + tau_m ln((R I + E_L - V_reset) / (R I + E_L - V_th)) with R = tau_m / C_m.
    """
    p = {name: spec.default for name, spec in NEURON_MODELS["lif"].params.items()}
    p.update(params or {})
    drive = p["tau_m"] / p["C_m"] * (np.asarray(currents, np.float64) + p["I_e"]) + p["E_L"]
    above = drive > p["V_th"]
    rate = np.zeros(drive.shape)
    climb = p["tau_m"] * np.log((drive[above] - p["V_reset"]) / (drive[above] - p["V_th"]))
    rate[above] = 1000.0 / (p["t_ref"] + climb)
    return rate


# --- weights ---------------------------------------------------------------------------------
def weight_matrix(pre, post, w, n_pre: int, n_post: int) -> np.ndarray:
    """Dense (target x source) weights: row i holds target i's incoming weights; multapses add up, absent is 0."""
    pre, post = _checked_indices(pre, post, w, n_pre, n_post)
    return signed_matrix(n_post, n_pre, pre, post, w)


def block_weight_matrix(pre, post, w, n_pre: int, n_post: int, max_shape: tuple[int, int] = (512, 512)
                        ) -> np.ndarray:
    """The dense (target x source) matrix averaged over blocks, so at most ``max_shape``; built from the
    synapses without ever making the full matrix (a huge projection would not fit in memory).

    Each block's value is the mean over its (target, source) cells, absent synapses counting as 0; when
    the matrix already fits, this is ``weight_matrix`` exactly.
    """
    pre, post = _checked_indices(pre, post, w, n_pre, n_post)
    rows, cols = min(n_post, int(max_shape[0])), min(n_pre, int(max_shape[1]))
    row_of, col_of = post * rows // n_post, pre * cols // n_pre
    sums = np.bincount(row_of * cols + col_of, np.asarray(w, np.float64), minlength=rows * cols)
    cells = np.outer(np.bincount(np.arange(n_post) * rows // n_post, minlength=rows),
                     np.bincount(np.arange(n_pre) * cols // n_pre, minlength=cols))
    return sums.reshape(rows, cols) / cells


def receptive_fields(pre, post, w, grid: tuple[int, int], n_post: int) -> np.ndarray:
    """Each target's incoming weights laid out on the source's grid: shape (n_post, rows, cols).

    Grids are row-major (neuron ``r * cols + c`` sits at row r, column c), as the gaussian rule and the
    dataset encoders lay them out.
    """
    rows, cols = int(grid[0]), int(grid[1])
    return weight_matrix(pre, post, w, rows * cols, n_post).reshape(n_post, rows, cols)


def tile_fields(fields: np.ndarray, columns: int | None = None, gap: int = 1) -> np.ndarray:
    """Receptive fields (n, rows, cols) as one mosaic image, left to right then top to bottom; gaps are NaN."""
    n, rows, cols = fields.shape
    columns = columns or max(1, math.ceil(math.sqrt(n)))
    lines = max(1, math.ceil(n / columns))
    mosaic = np.full((lines * (rows + gap) - gap, columns * (cols + gap) - gap), np.nan)
    for k in range(n):
        r, c = divmod(k, columns)
        mosaic[r * (rows + gap): r * (rows + gap) + rows, c * (cols + gap): c * (cols + gap) + cols] = fields[k]
    return mosaic


def _checked_indices(pre, post, w, n_pre: int, n_post: int) -> tuple[np.ndarray, np.ndarray]:
    pre, post = np.asarray(pre, np.int64), np.asarray(post, np.int64)
    if not (pre.shape == post.shape == np.shape(w)):
        raise ValueError(f"pre, post and w must have the same length, got {pre.size}, {post.size} and {np.size(w)}")
    if pre.size and (pre.min() < 0 or pre.max() >= n_pre or post.min() < 0 or post.max() >= n_post):
        raise ValueError(f"synapse indices out of range: sources must lie in [0, {n_pre}), targets in [0, {n_post})")
    return pre, post
