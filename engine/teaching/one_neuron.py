"""One neuron of any model stepped by the engine under a constant current, from a chosen state: the trajectory a
phase plane draws is then the one a network's neuron takes (same compiled update, cut-off, reset, refractory
clamp).

A built-in model is stepped by its generated update (``kernels.builtin_updates.general_<model>``) in a small
compiled loop of its own, with the parameter row the network's build gives it: the update the time loop runs,
without compiling a time loop for a one-neuron network (tens of seconds cold). A model described by equations
runs as a one-neuron network through the simulator (its entry is compiled on its own anyway).
"""

from __future__ import annotations

import types

import numpy as np

from ..equations.description import ModelDescription
from ..errors import SimulationError
from ..kernels import builtin_updates
from ..kernels.jit import engine_sources_digest, jit
from ..model.catalog import NEURON_MODELS
from ..model.network import Network
from ..simulation.simulator import Simulator
from .phase_plane import Trajectory

__all__ = ["run_one", "warm_stepping_loops"]


def run_one(model_id: str, desc: ModelDescription, params: dict, dc: float, start: tuple[float, float],
            duration: float, dt: float) -> Trajectory:
    """(v0, x0) = ``start`` (declared units) stepped for ``duration`` ms at ``dt`` with a DC input of ``dc`` pA
    besides the model's own parameters; sampled before every step (``t[k] = k dt``) and after the last. A state
    that becomes non-finite ends it early, keeping the samples before."""
    steps = int(round(duration / dt))
    sim = Simulator(_network(model_id, desc, params, dc, start, duration, dt))
    if model_id in NEURON_MODELS:
        t, v, x, spikes = _stepped(model_id, sim, dc, steps)
    else:
        t, v, x, spikes = _simulated(sim, desc, steps)
    scale = [s.unit.factor for s in desc.state]
    v, x = v / scale[0], x / scale[1]
    n = min(t.size, steps + 1, _finite_prefix(v, x))
    return Trajectory(t[:n], v[:n], x[:n], spikes)


def warm_stepping_loops() -> float:
    """Step each built-in model of two state variables once, so a first click on its phase plane does not wait for
    its compiled stepping loop (seconds on a cold cache); seconds taken (`spikestudio warmup`, the app's first
    launch)."""
    import time

    from ..model.catalog import builtin_description

    start = time.perf_counter()
    for model in NEURON_MODELS:
        desc = builtin_description(model)
        if len(desc.state) == 2:
            run_one(model, desc, {p.name: p.default for p in desc.params}, 0.0, (-65.0, 0.0), 1.0, 0.1)
    return time.perf_counter() - start


def _network(model_id, desc, params, dc, start, duration, dt) -> Network:
    first, second = desc.state_names()
    net = Network(dt=dt, duration=duration, seed=1, models={} if model_id in NEURON_MODELS else {model_id: desc})
    net.add_population("n", 1, model_id, initial={first: np.array([start[0]], float),
                                                  second: np.array([start[1]], float)}, **params)
    if dc:
        net.add_current("dc", "n", "dc", amplitude=float(dc))
    for var in (first, second):
        net.record_state("n", var, neurons=[0], interval=dt, id=f"rec:{var}")
    net.record_spikes("n")
    return net


def _simulated(sim: Simulator, desc: ModelDescription, steps: int):
    """(t, first, second, spike times) of the network's one neuron, run for ``steps`` + 1 steps."""
    try:
        res = sim.advance(steps + 1)
    except SimulationError:
        res = sim.results
    (t, v), (_, x) = (res.trace(f"rec:{name}") for name in desc.state_names())
    return np.asarray(t, float), np.ravel(v), np.ravel(x), np.asarray(res.spikes("n")[0], float)


def _stepped(model_id: str, sim: Simulator, dc: float, steps: int):
    """The same by the model's generated update alone, on the built network's arrays (no time loop)."""
    s = sim.built.state
    s.i_ext[0] = float(dc)  # what the loop's DC input puts there every step (0 + amplitude)
    out = np.empty((2, steps + 1))
    out[:, 0] = s.state[:2, 0]
    spiked = np.zeros(steps, np.bool_)
    c0, c1 = int(s.node_chan[0]), int(s.node_chan[1])
    filled = _driver(model_id)(s.node_params[0], c0, c1, s.chan, s.chan_off, s.syn, s.state, s.refractory, s.i_ext,
                               s.scratch, s.spikes_now, s.dt, out, spiked)
    return np.arange(filled) * s.dt, out[0, :filled], out[1, :filled], np.flatnonzero(spiked[:filled]) * s.dt


def _loop_of(key: str):
    """The stepping loop, with ``key`` in a closure cell: numba keys its disk cache on it (see ``_driver``)."""

    def steps_of(p, c0, c1, chan, chan_off, syn, state, refractory, i_ext, scratch, spikes_now, dt, out, spiked):
        """Step neuron 0 ``len(spiked)`` times; ``out[:, k + 1]`` its first two state rows after step k. Returns
        how many samples of ``out`` are filled (fewer when a state became non-finite)."""
        key  # noqa: B018 - a closure cell, part of numba's cache key
        for k in range(spiked.shape[0]):
            n_spk, bad = update(p, 0, 1, c0, c1, chan, chan_off, syn, state, refractory, i_ext,  # noqa: F821
                                scratch, spikes_now, np.int64(0), dt, k, i_ext)
            if bad >= 0:
                return k + 1
            out[0, k + 1] = state[0, 0]
            out[1, k + 1] = state[1, 0]
            spiked[k] = n_spk > 0
        return spiked.shape[0] + 1

    return steps_of


_DRIVERS: dict = {}


def _driver(model_id: str):
    """The compiled stepping loop of a built-in model: ``_loop_of`` with its generated update as ``update``."""
    if model_id not in _DRIVERS:
        base = _loop_of(f"{engine_sources_digest()}:{model_id}")
        namespace = dict(base.__globals__, update=getattr(builtin_updates, f"general_{model_id}"))
        func = types.FunctionType(base.__code__, namespace, base.__name__, None, base.__closure__)
        func.__qualname__ = base.__qualname__
        _DRIVERS[model_id] = jit(func)
    return _DRIVERS[model_id]


def _finite_prefix(v: np.ndarray, x: np.ndarray) -> int:
    """How many samples from the start are finite in both variables."""
    bad = np.flatnonzero(~(np.isfinite(v) & np.isfinite(x)))
    return int(bad[0]) if bad.size else v.size
