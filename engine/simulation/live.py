"""Bounded buffers between a running simulation and a live view (no Qt).

The simulating thread copies each chunk's spikes, probe samples and per-population spike counts
into a short queue and goes back to simulating; the viewer, at its own frame rate, sorts them into
fixed-size rings (per node, rate bins) and takes copies of the recent part. So the sorting costs the
viewer's core, not the run's; a queue nobody drains (no viewer) is sorted by the simulating thread
once it holds ``MAX_QUEUED`` chunks. Memory stays bounded however long the run, and the rings survive
a rebuild of the network (items are keyed by id and time keeps counting), so plots keep their history.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from .fusion import fused_nodes, step_counts

__all__ = ["Ring", "LiveTap", "LiveFrame", "NodeRow", "MAX_QUEUED"]

MAX_QUEUED = 8  # chunks waiting for a viewer before the simulating thread sorts them itself


class Ring:
    """A fixed-capacity ring of rows with one column per named field; oldest rows are overwritten."""

    def __init__(self, capacity: int, **dtypes):
        self.capacity = int(capacity)
        self.columns = {name: np.zeros(self.capacity, dtype) for name, dtype in dtypes.items()}
        self.written = 0  # rows ever pushed

    def push(self, **values: np.ndarray) -> None:
        n = len(next(iter(values.values())))
        if n > self.capacity:  # only the newest rows can be kept
            values = {k: v[n - self.capacity:] for k, v in values.items()}
            self.written += n - self.capacity
            n = self.capacity
        start = self.written % self.capacity
        first = min(n, self.capacity - start)
        for name, v in values.items():
            col = self.columns[name]
            col[start: start + first] = v[:first]
            col[: n - first] = v[first:]
        self.written += n

    def __len__(self) -> int:
        return min(self.written, self.capacity)

    def _segments(self) -> list[slice]:
        """The filled part of the storage in time order: one slice, or two once the ring has wrapped."""
        if self.written <= self.capacity:
            return [slice(0, self.written)]
        start = self.written % self.capacity
        return [slice(start, self.capacity), slice(0, start)]

    def last(self, n: int) -> dict[str, np.ndarray]:
        """Copies of the newest ``n`` rows, oldest first."""
        skip = max(0, len(self) - n)
        return self._rows_from(skip)

    def recent(self, key: str, since: float) -> dict[str, np.ndarray]:
        """Copies of the rows (oldest first) whose ``key`` is >= ``since``; ``key`` must never decrease."""
        skip = 0
        for seg in self._segments():
            values = self.columns[key][seg]
            i = int(np.searchsorted(values, since))
            skip += i
            if i < values.size:
                break
        return self._rows_from(skip)

    def _rows_from(self, skip: int) -> dict[str, np.ndarray]:
        parts = []
        for seg in self._segments():
            length = seg.stop - seg.start
            if skip < length:
                parts.append(slice(seg.start + skip, seg.stop))
            skip = max(0, skip - length)
        return {name: np.concatenate([col[p] for p in parts]) if parts else col[:0].copy()
                for name, col in self.columns.items()}


@dataclass(frozen=True)
class NodeRow:
    """Where a spiking node's neurons sit in the tap's combined neuron axis."""

    id: str
    name: str
    size: int
    is_population: bool


@dataclass
class _Chunk:
    """What one chunk produced, copied off the simulator's buffers: spikes as (global neuron id, step)."""

    step0: int
    steps: int
    gid: np.ndarray
    step: np.ndarray
    counts: np.ndarray  # spikes per step and node, steps x nodes
    traces: dict[tuple[str, int, str], np.ndarray]  # probe -> a value per step


@dataclass
class LiveFrame:
    """What a viewer draws: copies of the recent spikes, rates and probe traces, plus counters."""

    t: float  # simulated ms so far (across rebuilds)
    spikes_t: np.ndarray
    spikes_node: np.ndarray  # index into ``nodes``
    spikes_neuron: np.ndarray
    rate_t: np.ndarray  # bin start times, ms
    rates: dict[str, np.ndarray]  # node id -> Hz per bin
    traces: dict[tuple[str, int, str], tuple[np.ndarray, np.ndarray]]  # probe -> (t ms, values)
    nodes: list[NodeRow]
    total_spikes: int
    rebuilds: list[float]  # simulated times at which the network was rebuilt


class LiveTap:
    """Collects a simulation's output into bounded rings; ``frame`` returns the last ``window`` ms.

    ``attach`` connects it to a simulator (again after a rebuild: time carries on from where it was).
    """

    def __init__(self, window: float = 1000.0, max_spikes: int = 3_000_000, rate_bin: float = 1.0,
                 max_samples: int = 200_000, history: float = 60_000.0):
        self.window = float(window)
        self.rate_bin = float(rate_bin)
        self._lock = threading.Lock()
        self._max_spikes = int(max_spikes)
        self._spikes: dict[str, Ring] = {}  # per node, so a flood from one source never evicts the others
        self._max_samples = int(max_samples)
        self._rate_bins = max(1, int(history / rate_bin))
        self._rate_t = Ring(self._rate_bins, t=np.float64)
        self._rates: dict[str, Ring] = {}
        self._traces: dict[tuple[str, int, str], Ring] = {}
        self.nodes: list[NodeRow] = []
        self._slot: dict[str, int] = {}
        self.total_spikes = 0
        self.rebuilds: list[float] = []
        self._offset = 0.0  # ms of earlier simulations (before a rebuild)
        self._t = 0.0
        self._sim = None
        self._queue: list[_Chunk] = []  # copied by the simulating thread, not yet in the rings
        # a fused background's per-step counts are drawn again for the rates (a rate plot showing the inputs)
        self.count_inputs = False

    # --- the simulating side -------------------------------------------------------------------
    def attach(self, sim) -> None:
        """Listen to ``sim``'s chunks; a second attach (after a rebuild) continues the time axis."""
        with self._lock:
            if self._sim is not None:
                self._sim.listeners.remove(self._on_chunk)
                self._drain()  # with the old network's layout
                self._offset = self._t
                self.rebuilds.append(self._t)
            self._sim = sim
            self._dt = sim.network.dt
            self._bin_steps = max(1, int(round(self.rate_bin / self._dt)))
            self._pending = np.zeros((0, len(sim.built.nodes)), np.int64)
            self._infos = list(sim.built.nodes.values())
            self._starts = np.array([i.start for i in self._infos] + [sum(i.size for i in self._infos)], np.int64)
            for info in self._infos:
                self._slot_of(info)
            self._node_slot_ids = [i.id for i in self._infos]
            self._t = self._offset + sim.step * self._dt
        sim.listeners.append(self._on_chunk)

    def detach(self) -> None:
        with self._lock:
            if self._sim is not None and self._on_chunk in self._sim.listeners:
                self._sim.listeners.remove(self._on_chunk)

    def _slot_of(self, info) -> int:
        row = NodeRow(info.id, info.name, info.size, bool(info.state_vars))
        if info.id in self._slot:
            self.nodes[self._slot[info.id]] = row
        else:
            self._slot[info.id] = len(self.nodes)
            self.nodes.append(row)
        return self._slot[info.id]

    def _on_chunk(self, state, step0: int, steps: int) -> None:
        """Copy what the chunk produced (its buffers are overwritten by the next one); sorted later by ``_drain``."""
        n_rec = int(state.counters[0])
        traces = {}
        for probe, col in zip(self._sim.probes, self._sim.probe_columns()):
            traces[probe] = state.tr_buf[: int(state.tr_count[col]), col].copy()
        counts = state.node_counts[:steps].copy()
        if self.count_inputs:  # fused backgrounds emit no spikes, so their columns hold none
            for node in fused_nodes(state):
                counts[:, node] = step_counts(state, node, step0, steps)
        chunk = _Chunk(step0, steps, state.rec_id[:n_rec].copy(), state.rec_step[:n_rec].copy(), counts, traces)
        with self._lock:
            self._queue.append(chunk)
            self.total_spikes += int(chunk.counts.sum())
            self._t = self._offset + (step0 + steps) * self._dt
            if len(self._queue) >= MAX_QUEUED:  # no viewer is taking frames: keep the queue short
                self._drain()

    def _drain(self) -> None:
        """Sort the queued chunks into the rings (the caller holds the lock)."""
        queue, self._queue = self._queue, []
        for chunk in queue:
            self._sort(chunk)

    def _sort(self, chunk: _Chunk) -> None:
        node = np.searchsorted(self._starts, chunk.gid, side="right") - 1
        times = self._offset + chunk.step * self._dt  # as Results times them, whatever the chunking
        neurons = (chunk.gid - self._starts[node]).astype(np.int32)
        present = np.flatnonzero(np.bincount(node, minlength=len(self._node_slot_ids)))
        for k in present:
            mine = node == k if present.size > 1 else slice(None)
            node_id = self._node_slot_ids[k]
            ring = self._spikes.get(node_id)
            if ring is None:
                share = max(1, self._max_spikes // len(self._node_slot_ids))
                ring = self._spikes[node_id] = Ring(share, t=np.float64, neuron=np.int32)
            ring.push(t=times[mine], neuron=neurons[mine])
        counts = np.concatenate([self._pending, chunk.counts]) if self._pending.shape[0] else chunk.counts
        full = counts.shape[0] // self._bin_steps * self._bin_steps
        shape = (full // self._bin_steps, self._bin_steps, counts.shape[1])  # explicit: a network may have no nodes
        bins = counts[:full].reshape(shape).sum(axis=1)
        first_bin_step = chunk.step0 - self._pending.shape[0]
        if bins.shape[0]:
            width = self._bin_steps * self._dt
            for nid in self._node_slot_ids:  # a node new since a rebuild had no rate before
                if nid not in self._rates:
                    self._rates[nid] = Ring(self._rate_bins, v=np.float64)
                    self._rates[nid].push(v=np.full(len(self._rate_t), np.nan))
            starts = first_bin_step + self._bin_steps * np.arange(bins.shape[0])
            self._rate_t.push(t=self._offset + starts * self._dt)
            sizes = {nid: info.size for nid, info in zip(self._node_slot_ids, self._infos)}
            for k, nid in enumerate(self._node_slot_ids):
                self._rates[nid].push(v=bins[:, k] / sizes[nid] / (width * 1e-3))
            for nid, ring in self._rates.items():  # nodes a rebuild removed: gaps, not stale values
                if nid not in sizes:
                    ring.push(v=np.full(bins.shape[0], np.nan))
        self._pending = counts[full:].copy()
        for probe, v in chunk.traces.items():
            ring = self._traces.get(probe)
            if ring is None:
                ring = self._traces[probe] = Ring(self._max_samples, t=np.float64, v=np.float64)
            ring.push(t=self._offset + (chunk.step0 + np.arange(v.size)) * self._dt, v=v)

    # --- the viewing side ----------------------------------------------------------------------
    def seed_probe(self, probe: tuple[str, int, str], t: np.ndarray, v: np.ndarray) -> None:
        """Samples a recorder already took (``t`` in the simulator's ms) for a probe the tap has none of yet, so
        a neuron probed after a run shows what the run recorded."""
        with self._lock:
            self._drain()
            if probe in self._traces or not len(t):
                return
            ring = self._traces[probe] = Ring(self._max_samples, t=np.float64, v=np.float64)
            ring.push(t=self._offset + np.asarray(t[-self._max_samples:], np.float64),
                      v=np.asarray(v[-self._max_samples:], np.float64))

    def forget_probe(self, probe: tuple[str, int, str]) -> None:
        with self._lock:
            self._drain()  # (queued chunks may still hold its samples)
            self._traces.pop(probe, None)

    def clear(self) -> None:
        """Forget everything (a reset): time starts again at 0."""
        with self._lock:
            self._queue.clear()
            self._spikes.clear()
            self._rate_t.written = 0
            self._rates.clear()
            self._traces.clear()
            self.total_spikes = 0
            self.rebuilds.clear()
            self._offset = self._t = 0.0
            if self._sim is not None:
                self._pending = np.zeros((0, len(self._infos)), np.int64)

    @property
    def t(self) -> float:
        return self._t

    def frame(self, window: float | None = None) -> LiveFrame:
        """Copies of the last ``window`` ms (the tap's own window when None)."""
        window = self.window if window is None else window
        with self._lock:
            self._drain()
            since = self._t - window
            parts = [(self._slot[nid], ring.recent("t", since)) for nid, ring in self._spikes.items()]
            spikes = {"t": np.concatenate([p["t"] for _, p in parts]) if parts else np.zeros(0),
                      "neuron": np.concatenate([p["neuron"] for _, p in parts]) if parts else np.zeros(0, np.int32),
                      "node": np.concatenate([np.full(p["t"].size, k, np.int32) for k, p in parts]) if parts
                      else np.zeros(0, np.int32)}
            rate_t = self._rate_t.recent("t", since)["t"]
            rates = {nid: ring.last(rate_t.size)["v"] for nid, ring in self._rates.items()}
            traces = {}
            for probe, ring in self._traces.items():
                rows = ring.recent("t", since)
                traces[probe] = (rows["t"], rows["v"])
            return LiveFrame(self._t, spikes["t"], spikes["node"], spikes["neuron"], rate_t, rates, traces,
                             list(self.nodes), self.total_spikes, list(self.rebuilds))
