"""The simulator: runs a built network chunk by chunk, continues across calls, stops on request.

``run`` may be called from a worker thread (the kernel releases the GIL); ``stop`` from any thread
takes effect at the next chunk boundary. Parameter changes between chunks touch arrays only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numba
import numpy as np

from ..errors import SimulationError
from ..kernels import kernel as K
from ..kernels.compile_status import remember_compiled
from ..kernels.graded_pass import GR_POST, GR_PRE, GR_W
from ..model.catalog import NEURON_MODELS, SYNAPTIC_VARIABLES
from ..model.network import Network
from . import results as budgets
from .build import Built, build, trace_columns
from .fusion import rate_edit, uncounted, unfuse
from .live_edits import prepare_edit
from .results import Results
from .threads import ThreadChooser

__all__ = ["Simulator"]

Progress = Callable[[float, float], None]
BuildProgress = Callable[[int, int, str], None]  # (synapses drawn, synapses expected, projection id)
BUDGET = object()  # a results budget as engine.results sets it now (read at each build, so changing it there works)
ChunkListener = Callable[[K.State, int, int], None]  # (state after the chunk, first step, steps run)


class Simulator:
    """Simulate ``network``; ``rules`` maps learning-rule ids to plugins (see ``spikestudio.plugins``) and
    ``datasets`` turns dataset inputs into spikes (see ``engine.dataset_input``); ``cancel`` (an Event) set by
    another thread stops the build early (``build``). ``max_spikes``, ``max_trace_values`` and ``max_rate_bins``
    bound what the results hold (see ``engine.results``; None: all). ``threads`` replaces the network's
    ``threads`` setting (0: every core but ``spare_cores``, or one when that runs faster, see
    ``engine.simulation.threads``); the spikes and the state are the same for any count.
    ``build_progress(synapses drawn, synapses expected, projection id)`` is called while the
    synapses are drawn (``build``).

    >>> sim = Simulator(net); res = sim.run(1.0)   # one simulated second
    """

    def __init__(self, network: Network, rules=None, chunk_steps: int = 2000, memory_limit: int | None = None,
                 record_all: bool = False, max_spikes: int | None = BUDGET, datasets=None,
                 max_trace_values: int | None = BUDGET, max_rate_bins: int | None = BUDGET, cancel=None,
                 threads: int | None = None, spare_cores: int = 0, build_progress: BuildProgress | None = None):
        self.network = network
        self.threads = threads  # None: the network's ``threads`` setting (0: every core); see ``kernels.parallel``
        self.spare_cores = spare_cores  # cores a setting of 0 leaves free (the editor keeps one for drawing)
        self._chooser: ThreadChooser | None = None
        # the build knows the most threads this run takes, so it makes only the custom models' entry for them
        self.built: Built = build(network, rules, chunk_steps, memory_limit, record_all, datasets, cancel,
                                  build_progress, threads=max(self._thread_chooser().candidates))
        self._narrow_gates(self._thread_chooser())  # unchanged here; a later change of the setting narrows again
        self.step = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._running = False
        self._pending: list = []  # live edits waiting for the next chunk boundary
        self._recorded_gates: K.Gates | None = None  # the gates whose compiled loop is recorded (``compile_record``)
        self.listeners: list[ChunkListener] = []  # called on the simulating thread after every chunk
        self.probes: list[tuple[str, int, str]] = []  # (node id, neuron, variable) sampled every step
        self.max_spikes = budgets.MAX_SPIKES if max_spikes is BUDGET else max_spikes
        self.max_trace_values = budgets.MAX_TRACE_VALUES if max_trace_values is BUDGET else max_trace_values
        self.max_rate_bins = budgets.MAX_RATE_BINS if max_rate_bins is BUDGET else max_rate_bins
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
        if duration is not None and not (0.0 <= duration < 1e9):
            raise ValueError(f"duration must be a number of seconds >= 0, got {duration!r}")
        total = int(round((duration * 1000.0 if duration is not None else self.network.duration) / dt))
        return self.advance(total, progress)

    def advance(self, steps: int, progress: Progress | None = None) -> Results:
        """Simulate exactly ``steps`` time steps more (the unit a live view steps by); see ``run``."""
        with self._lock:
            self._running = True
        try:
            return self._run_steps(int(steps), progress)
        finally:
            with self._lock:
                self._running = False
            self._stop.clear()  # a stop() ends the run in progress, or the next one if none is running
            self._apply_pending()

    def _run_steps(self, total: int, progress: Progress | None) -> Results:
        dt, done = self.network.dt, 0
        chooser = self._thread_chooser()
        while done < total and not self._stop.is_set():
            self._apply_pending()
            state = self.built.state  # re-read: a live edit may have grown its buffers
            n = min(self.built.chunk_steps, total - done)
            state.counters[0] = 0
            gates = self._narrow_gates(chooser)
            state.par[0] = threads = chooser.next()
            if threads > 1:  # one thread never enters numba's threading layer (par[0] = 1 keeps the loop sequential)
                # numba's count is per calling thread: set it in the one that runs the loop
                numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
            began = time.perf_counter()
            steps, status = self.built.loop(state, self.step, n, *gates)
            chooser.took(threads, time.perf_counter() - began, steps)
            stopped = status in (K.STATUS_NAN, K.STATUS_UNCOMPILED)  # inside step self.step + steps
            self.results.add_chunk(state, steps, uncounted(state, self.step + steps, stopped))
            if gates != self._recorded_gates:  # compiled or loaded just now: another process will load it
                self._recorded_gates = gates
                remember_compiled(self.built)
            for listener in self.listeners:
                listener(state, self.step, steps)
            self.step += steps
            done += steps
            if status == K.STATUS_NAN:
                raise self._nan_error()
            if status == K.STATUS_UNCOMPILED:
                raise self._uncompiled_error()
            if progress is not None:
                progress(done * dt, total * dt)
        return self.results

    def _narrow_gates(self, chooser: ThreadChooser) -> K.Gates:
        """The loop's gates with ``threads`` for this chooser's counts (``kernel.threads_gate``): a run that never
        takes a parallel pass compiles none (nor the parallel region of its models from equations)."""
        return self.built.set_threads(K.threads_gate(self.built.state, max(chooser.candidates)))

    def _thread_chooser(self) -> ThreadChooser:
        """The chooser for the current setting (kept across runs, with what it measured, while that stays)."""
        setting = self.network.threads if self.threads is None else self.threads
        if self._chooser is None or self._chooser.setting != setting:
            self._chooser = ThreadChooser(setting, self.spare_cores)
        return self._chooser

    def stop(self) -> None:
        """End the run in progress at the next chunk boundary (safe from any thread).

        Called between runs, it ends the next run before its first chunk, so a Stop pressed just
        before a worker thread starts its run is not lost.
        """
        self._stop.set()

    def reset(self) -> None:
        """Back to time 0 with the initial state and an empty results object (same seed, same run)."""
        for name in K.mutable_fields(self.built.state):  # live parameter edits survive a reset
            getattr(self.built.state, name)[...] = getattr(self.built.initial, name)
        self.step = 0
        self.results = self._new_results()

    # --- synapses (learned weights) ------------------------------------------------------------
    def connections(self, projection_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pre, post, weight) of a projection's synapses now: learned weights after a run with plasticity."""
        b = self.built
        proj = self.network.projections[projection_id]
        if projection_id in b.graded:  # graded synapses and gap junctions live in their own table, not the CSR
            rows, s = b.graded[projection_id], b.state
            return (s.gr_idx[rows, GR_PRE] - b.nodes[proj.source].start,
                    s.gr_idx[rows, GR_POST] - b.nodes[proj.target].start, s.gr_val[rows, GR_W].copy())
        n_src = b.nodes[proj.source].size
        p = list(self.network.projections).index(projection_id)
        rows = b.state.rowptr[b.state.proj_row[p]: b.state.proj_row[p] + n_src + 1]
        sl = b.synapses[projection_id]
        pre = np.repeat(np.arange(n_src), np.diff(rows))
        return pre, b.state.post[sl].astype(np.int64), b.state.weight[sl].copy()

    def learned_network(self):
        """A copy of the network whose plastic projections hold their current synapses as explicit lists,
        and whose populations start from the state they learned (adaptive thresholds), so saving it keeps
        what was learned (and the copy simulates on from there)."""
        import copy

        net = copy.deepcopy(self.network)
        for pid, pop in net.populations.items():
            info = self.built.nodes[pid]
            for var in getattr(NEURON_MODELS.get(pop.model), "learned", ()):
                row = list(NEURON_MODELS[pop.model].state).index(var)
                pop.initial[var] = self.built.state.state[row, info.start: info.start + info.size].copy()
        for pid, proj in net.projections.items():
            if proj.plasticity is None:
                continue
            pre, post, w = self.connections(pid)
            sl = self.built.synapses[pid]
            proj.rule, proj.rule_params = "explicit", {}
            proj.pre, proj.post, proj.weights = pre, post, w
            proj.delays = self.built.state.delay[sl].astype(np.float64) * self.network.dt
        return net

    # --- live parameter changes (no rebuild, no recompilation) --------------------------------
    def set_param(self, node_id: str, name: str, value: float) -> None:
        """Change a population's model parameter, an input's rate or a current input's parameter.

        Checked at once (``ValidationError`` naming node and parameter) and recorded in the network
        description; during a run it takes effect at the next chunk, otherwise immediately.
        """
        apply = prepare_edit(self.network, self.built, node_id, name, value)
        if name != "rate":
            self._schedule(apply)
            return

        def apply_rate() -> None:
            with rate_edit(self.built, self.step):  # a fused background's last step keeps its count
                apply()

        self._schedule(apply_rate)

    def set_probes(self, probes: list[tuple[str, int, str]]) -> None:
        """Sample ``(node id, neuron, variable)`` every step, beyond the recorders, for live traces.

        Checked at once (``ValueError`` naming the probe); takes effect at the next chunk. The samples
        are the trace columns after the recorders' (``probe_columns``); ``Results`` never sees them.
        """
        columns = [(node, var, i, 1) for node, i, var in self._checked_probes(probes)]
        recorder_columns = sum(len(c) for c in self.built.traces.values())
        self.probes = list(probes)

        def apply() -> None:
            st = self.built.state
            table = trace_columns(self.built.nodes, columns)
            merged = [np.concatenate([old[:recorder_columns], new]) for old, new in
                      zip((st.tr_var, st.tr_neuron, st.tr_node, st.tr_every), table)]
            n = merged[0].size
            self.built.state = st._replace(tr_var=merged[0], tr_neuron=merged[1], tr_node=merged[2],
                                           tr_every=merged[3], tr_buf=np.zeros((self.built.chunk_steps, n)),
                                           tr_count=np.zeros(n, np.int64))

        self._schedule(apply)

    def record_spikes_of(self, node_ids) -> None:
        """Record the spikes of these nodes too (a live raster showing an input); from the next chunk.

        Their spikes then appear in the results from that time on; nodes already recorded stay recorded.
        """
        nodes = self.built.nodes
        unknown = [n for n in node_ids if n not in nodes]
        if unknown:
            raise KeyError(f"no spiking node {unknown[0]!r} in this network")
        new = [n for n in node_ids if n not in self.built.spike_recorded]
        self.built.spike_recorded += new
        self.results.record(new)

        def apply() -> None:
            for node_id in new:
                unfuse(self.built.state, nodes[node_id].index, self.step)  # a fused background emits its spikes again
                self.built.state.node_record[nodes[node_id].index] = 1

        self._schedule(apply)

    def probe_columns(self) -> range:
        """Trace-buffer columns of the probes, in ``probes`` order."""
        first = sum(len(c) for c in self.built.traces.values())
        return range(first, first + len(self.probes))

    def _checked_probes(self, probes):
        checked = []
        for node_id, neuron, variable in probes:
            info = self.built.nodes.get(node_id)
            if info is None or not info.state_vars:
                raise ValueError(f"cannot probe {node_id!r}: only populations of neurons have a membrane")
            if not 0 <= int(neuron) < info.size:
                raise ValueError(f'cannot probe neuron {neuron} of "{info.name}": it has {info.size} neurons')
            if variable not in info.state_vars and variable not in SYNAPTIC_VARIABLES:
                raise ValueError(f'"{info.name}" has no state variable {variable!r}')
            checked.append((node_id, int(neuron), variable))
        return checked

    def _schedule(self, apply) -> None:
        """Apply a change now, or at the next chunk boundary when a run is in progress."""
        with self._lock:
            if self._running:
                self._pending.append(apply)
                return
        apply()

    def _apply_pending(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for apply in pending:
            apply()

    def _new_results(self) -> Results:
        md = self.network.metadata
        meta = {"title": md.title, "author": md.author, "description": md.description, "license": md.license,
                "seed": self.network.seed, "dt_ms": self.network.dt}
        b = self.built
        return Results(self.network.dt, b.nodes, b.spike_recorded, b.traces, b.rate_recorders, meta,
                       max_spikes=self.max_spikes, presented=b.presented, max_trace_values=self.max_trace_values,
                       max_rate_bins=self.max_rate_bins)

    def _uncompiled_error(self) -> SimulationError:
        """A node the compiled loop has no code for: the gates do not match the network (a bug, never user input)."""
        c, node = self.built.state.counters, self._failed_node()
        return SimulationError(f'internal error: the compiled time loop has no code for node "{node.name}" '
                               f"(gates {self.built.gates}); please report it", node.id, float(c[2] * self.network.dt))

    def _failed_node(self):
        """The node the kernel named in ``counters[1]`` when it stopped a run."""
        return next(n for n in self.built.nodes.values() if n.index == self.built.state.counters[1])

    def _nan_error(self) -> SimulationError:
        c, node = self.built.state.counters, self._failed_node()
        t = float(c[2] * self.network.dt)
        return SimulationError(f'population "{node.name}" neuron {int(c[3]) - node.start}: membrane state became '
                               f"NaN or infinite at t = {t:.1f} ms; reduce dt or check its parameters and weights",
                               node.id, t)
