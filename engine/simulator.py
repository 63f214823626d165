"""The simulator: runs a built network chunk by chunk, continues across calls, stops on request.

``run`` may be called from a worker thread (the kernel releases the GIL); ``stop`` from any thread
takes effect at the next chunk boundary. Parameter changes between chunks touch arrays only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from . import kernel as K
from .build import (
    Built,
    build,
    current_params_row,
    derive_params,
    poisson_cap,
    poisson_limits,
    recorder_capacity,
    update_propagators,
)
from .catalog import NEURON_MODELS, POISSON_PARAMS
from .errors import SimulationError
from .network import CurrentInput, Network, PoissonInput, Population
from .params import ValidationError, check_params, check_value
from .results import Results
from .validate import population_problems

__all__ = ["Simulator"]

Progress = Callable[[float, float], None]
LIVE_PARAMETERS = ("node_params", "chan", "poisson_l", "cur_params", "poisson_cap")
SCRATCH = ("spikes_now", "rec_step", "rec_id", "node_counts", "tr_buf", "tr_count", "scratch", "node_spk")


class Simulator:
    """Simulate ``network``; ``rules`` maps learning-rule ids to plugins (see ``spikestudio.plugins``).

    >>> sim = Simulator(net); res = sim.run(1.0)   # one simulated second
    """

    def __init__(self, network: Network, rules=None, chunk_steps: int = 2000, memory_limit: int | None = None,
                 record_all: bool = False):
        self.network = network
        self.built: Built = build(network, rules, chunk_steps, memory_limit, record_all)
        self.step = 0
        self._stop = threading.Event()
        self.results = self._new_results()

    @property
    def t(self) -> float:
        """Simulated time so far, ms."""
        return self.step * self.network.dt

    def run(self, duration: float | None = None, progress: Progress | None = None) -> Results:
        """Simulate ``duration`` seconds more (the network's default duration when None); returns all results.

        Raises ``SimulationError`` naming the population and time when a state becomes NaN or infinite;
        the results up to that step are kept.
        """
        dt = self.network.dt
        total = int(round((duration * 1000.0 if duration is not None else self.network.duration) / dt))
        if total < 0:
            raise ValueError(f"duration must be >= 0 s, got {duration}")
        self._stop.clear()
        done = 0
        while done < total and not self._stop.is_set():
            state = self.built.state  # re-read: a live edit may have grown its buffers between chunks
            n = min(self.built.chunk_steps, total - done)
            state.counters[0] = 0
            steps, status = K.run_chunk(state, self.step, n)
            self.results.add_chunk(state, steps)
            self.step += steps
            done += steps
            if status == K.STATUS_NAN:
                raise self._nan_error()
            if progress is not None:
                progress(done * dt, total * dt)
        return self.results

    def stop(self) -> None:
        """Ask a running ``run`` to return at the next chunk boundary (safe from any thread)."""
        self._stop.set()

    def reset(self) -> None:
        """Back to time 0 with the initial state and an empty results object (same seed, same run)."""
        for name, initial in zip(K.State._fields, self.built.initial, strict=True):
            if isinstance(initial, np.ndarray):
                current = getattr(self.built.state, name)
                if name in LIVE_PARAMETERS or name in SCRATCH:
                    continue  # parameters edited while running survive a reset; scratch is rewritten anyway
                current[...] = initial
        self.step = 0
        self.results = self._new_results()

    # --- live parameter changes (no rebuild, no recompilation) --------------------------------
    def set_param(self, node_id: str, name: str, value: float) -> None:
        """Change a population's model parameter, an input's rate or a current input's parameter.

        Takes effect at the next chunk; the network description is updated too, so saving keeps the edit.
        """
        item = self.network.node(node_id)
        if isinstance(item, Population):
            self._set_population_param(item, name, value)
        elif isinstance(item, PoissonInput) and name == "rate":
            _raise(check_value(POISSON_PARAMS["rate"], value, f'inputs["{node_id}"].rate'))
            self._set_poisson_rate(item, float(value))
        elif isinstance(item, CurrentInput):
            from .catalog import CURRENT_WAVEFORMS

            loc = f'inputs["{node_id}"].params'
            _raise(check_params(CURRENT_WAVEFORMS[item.waveform], {name: value}, loc))
            item.params[name] = float(value)
            k = [i for i in self.network.inputs.values() if isinstance(i, CurrentInput)].index(item)
            self.built.state.cur_params[k] = current_params_row(item)
        else:
            raise KeyError(f'{node_id!r} has no live parameter "{name}"')

    def _set_poisson_rate(self, item: PoissonInput, rate: float) -> None:
        """New rate for every neuron of a Poisson input; buffers grow when more spikes per step are possible."""
        state, info = self.built.state, self.built.nodes[item.id]
        cap = poisson_cap(rate * self.network.dt * 1e-3)
        if cap > state.poisson_cap:
            n_poisson = sum(n.size for n in self.built.nodes.values() if n.code == K.POISSON)
            most = state.state.shape[1] + (cap - 1) * n_poisson
            state = state._replace(poisson_cap=cap, spikes_now=np.zeros(most, np.int64),
                                   rec_step=np.zeros(recorder_capacity(most), np.int64),
                                   rec_id=np.zeros(recorder_capacity(most), np.int64))
            self.built.state = state
        state.poisson_l[info.start: info.start + info.size] = poisson_limits(rate, self.network.dt)
        item.rate, item.rates = rate, None

    def _set_population_param(self, pop: Population, name: str, value: float) -> None:
        specs = NEURON_MODELS[pop.model].params
        loc = f'populations["{pop.id}"]'
        _raise(check_params(specs, {name: value}, f"{loc}.params"))
        trial = Population(pop.id, pop.size, pop.model, {**pop.params, name: value}, pop.initial, pop.grid, pop.name)
        _raise(population_problems(trial, loc))
        pop.params[name] = float(value)
        info = self.built.nodes[pop.id]
        row = self.built.state.node_params[info.index]
        row[list(specs).index(name)] = float(value)
        derive_params(info.code, row, self.network.dt)
        update_propagators(self.built.state)

    def _new_results(self) -> Results:
        md = self.network.metadata
        meta = {"title": md.title, "author": md.author, "description": md.description, "license": md.license,
                "seed": self.network.seed, "dt_ms": self.network.dt}
        b = self.built
        return Results(self.network.dt, b.nodes, b.spike_recorded, b.traces, b.rate_recorders, meta)

    def _nan_error(self) -> SimulationError:
        c = self.built.state.counters
        node = next(n for n in self.built.nodes.values() if n.index == c[1])
        t = float(c[2] * self.network.dt)
        return SimulationError(f'population "{node.name}" neuron {int(c[3]) - node.start}: membrane state became '
                               f"NaN or infinite at t = {t:.1f} ms; reduce dt or check its parameters and weights",
                               node.id, t)


def _raise(problems) -> None:
    if problems:
        raise ValidationError(problems)
