"""Results of a run: spike times and ids per node, sampled traces, binned rates; saved to .npz."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from ..files.archive_writer import atomic_write

__all__ = ["Results", "cv_isi", "by_neuron", "MAX_SPIKES", "MAX_TRACE_VALUES", "MAX_RATE_BINS"]

# What a run's results hold at most, each kind of data on its own budget (a long run keeps the latest of each;
# counts and mean rates always cover the whole run). ``spikestudio run --out FILE --stream`` keeps everything.
MAX_SPIKES = 10_000_000  # recorded spikes (160 MB: step and neuron, 8 bytes each)
MAX_TRACE_VALUES = 10_000_000  # sampled state values over all state recorders (80 MB)
MAX_RATE_BINS = 1_000_000  # bins per rate recorder (8 MB each)


class _RateBins:
    """Bins per-step spike counts into fixed-width bins, carrying the partial bin across chunks."""

    def __init__(self, bin_steps: int, max_bins: int | None = None):
        self.bin_steps, self.max_bins = bin_steps, max_bins
        self.pending = np.zeros(0, np.int64)
        self.bins: list[np.ndarray] = []
        self.first = 0  # index of the first bin still held (older ones were dropped to bound memory)
        self.held = 0

    def add(self, counts: np.ndarray) -> np.ndarray:
        """Take a chunk's per-step counts; returns the bins it completed."""
        data = np.concatenate([self.pending, counts])
        full = data.size // self.bin_steps * self.bin_steps
        done = data[:full].reshape(-1, self.bin_steps).sum(axis=1)
        if full:
            self.bins.append(done)
            self.held += done.size
        self.pending = data[full:]
        while self.max_bins is not None and self.held > self.max_bins and len(self.bins) > 1:
            dropped = self.bins.pop(0).size
            self.first += dropped
            self.held -= dropped
        return done

    def counts(self) -> np.ndarray:
        return np.concatenate(self.bins) if self.bins else np.zeros(0, np.int64)


class Results:
    """Everything recorded since the simulator was built or reset. Times are in ms, rates in Hz.

    Memory is bounded in runs of any length, each kind of data on its own budget: past ``max_spikes`` spikes,
    ``max_trace_values`` trace values or ``max_rate_bins`` bins of one rate recorder, the oldest of that kind
    are dropped (None: no bound). ``spikes_kept_from``, ``traces_kept_from`` and ``rates_kept_from`` say from
    when on each is whole, ``kept_from`` from when on all are; spike counts and mean rates cover the whole run.
    ``sink`` (such as ``ResultsStream``) is handed every chunk's new data, all of it, before anything is dropped.
    """

    def __init__(self, dt: float, nodes: dict, spike_recorded: list[str], traces: dict[str, list[int]],
                 rate_recorders: dict[str, tuple[int, float]], metadata: dict | None = None,
                 max_spikes: int | None = None, presented: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
                 max_trace_values: int | None = None, max_rate_bins: int | None = None):
        self.dt = dt
        self._presented = dict(presented or {})  # dataset input id -> (labels, onsets in ms)
        self.t = 0.0
        self._kept_step = 0  # spikes before this step were dropped to bound memory
        self._traces_kept_step = 0
        self.max_spikes, self.max_trace_values = max_spikes, max_trace_values
        self.sink = None
        self._n_kept = 0
        self._n_values = 0  # trace values held
        self._chunk_values: list[int] = []
        self._step = 0
        self._chunk_step: list[int] = []  # first step of each spike chunk still held
        self._trace_step: list[int] = []  # first step of each trace chunk still held
        self.metadata = dict(metadata or {})
        self._nodes = {nid: (info.start, info.size, info.name) for nid, info in nodes.items()}
        self._spike_recorded = list(spike_recorded)
        self._steps: list[np.ndarray] = []
        self._ids: list[np.ndarray] = []
        self._spike_count = np.zeros(sum(size for _, size, _ in self._nodes.values()), np.int64)
        self._trace_cols = dict(traces)
        self._trace_data = {rid: [] for rid in traces}
        self._trace_every: dict[str, int] = {}
        self._rates = {rid: (node, _RateBins(max(1, int(round(width / dt))), max_rate_bins))
                       for rid, (node, width) in rate_recorders.items()}
        self._cache: dict = {}

    @property
    def spikes_kept_from(self) -> float:
        """ms: recorded spikes before this were dropped to bound memory."""
        return self._kept_step * self.dt

    @property
    def traces_kept_from(self) -> float:
        """ms: trace samples before this were dropped to bound memory."""
        return self._traces_kept_step * self.dt

    @property
    def rates_kept_from(self) -> float:
        """ms: the latest time before which some rate recorder's bins were dropped."""
        return max([bins.first * bins.bin_steps * self.dt for _, bins in self._rates.values()], default=0.0)

    @property
    def kept_from(self) -> float:
        """ms: from here on every recording is whole."""
        return max(self.spikes_kept_from, self.traces_kept_from, self.rates_kept_from)

    # --- filling (called by the simulator after each chunk) ---------------------------------
    def add_chunk(self, state, n_steps: int, uncounted: np.ndarray | None = None) -> None:
        """Take a chunk's data from the loop's state. ``uncounted``: spikes per neuron the state's counts lack yet
        (a fused background's last step, ``engine.simulation.fusion.uncounted``)."""
        n_rec = int(state.counters[0])
        steps, ids = state.rec_step[:n_rec].copy(), state.rec_id[:n_rec].copy()
        self._steps.append(steps)
        self._ids.append(ids)
        self._chunk_step.append(self._step)
        self._n_kept += n_rec
        self._spike_count[:] = state.spike_count
        if uncounted is not None:
            self._spike_count += uncounted
        values, traces = 0, {}
        for rid, cols in self._trace_cols.items():
            if cols:
                n = int(state.tr_count[cols[0]])
                traces[rid] = state.tr_buf[:n, cols].copy()
                self._trace_data[rid].append(traces[rid])
                self._trace_every[rid] = int(state.tr_every[cols[0]])
                values += n * len(cols)
        self._chunk_values.append(values)
        self._trace_step.append(self._step)
        self._n_values += values
        rates = {rid: bins.add(state.node_counts[:n_steps, node]) for rid, (node, bins) in self._rates.items()}
        if self.sink is not None:
            self.sink.add(self, steps, ids, traces, rates)
        self.t += n_steps * self.dt
        self._step += n_steps
        self._drop_oldest()
        self._cache.clear()

    def _drop_oldest(self) -> None:
        """Drop whole chunks of each kind, oldest first, until it fits its budget (its last chunk stays)."""
        while self.max_spikes is not None and self._n_kept > self.max_spikes and len(self._steps) > 1:
            self._n_kept -= self._steps.pop(0).size
            self._ids.pop(0)
            self._chunk_step.pop(0)
        self._kept_step = self._chunk_step[0] if self._chunk_step else self._step
        budget = self.max_trace_values
        while budget is not None and self._n_values > budget and len(self._trace_step) > 1:
            self._n_values -= self._chunk_values.pop(0)
            self._trace_step.pop(0)
            for chunks in self._trace_data.values():
                if chunks:
                    chunks.pop(0)
        self._traces_kept_step = self._trace_step[0] if self._trace_step else self._step

    def record(self, node_ids) -> None:
        """Spikes of these nodes are recorded from now on (``spikes`` then returns them)."""
        self._spike_recorded += [n for n in node_ids if n not in self._spike_recorded]
        self._cache.clear()

    # --- reading ---------------------------------------------------------------------------
    @property
    def node_ids(self) -> list[str]:
        return list(self._nodes)

    @property
    def spike_recorded(self) -> list[str]:
        """Ids of the nodes whose spike times were recorded (the ones ``spikes`` answers for)."""
        return list(self._spike_recorded)

    def spikes(self, node_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(times in ms, neuron indices within the node) of a node whose spikes were recorded."""
        if node_id not in self._nodes:
            raise KeyError(f"no node {node_id!r} in these results")
        if node_id not in self._spike_recorded:
            raise KeyError(f"spikes of {node_id!r} were not recorded (add a spike recorder)")
        if node_id not in self._cache:
            start, size, _ = self._nodes[node_id]
            steps = np.concatenate(self._steps) if self._steps else np.zeros(0, np.int64)
            ids = np.concatenate(self._ids) if self._ids else np.zeros(0, np.int64)
            mask = (ids >= start) & (ids < start + size)
            self._cache[node_id] = (steps[mask] * self.dt, (ids[mask] - start).astype(np.int64))
        return self._cache[node_id]

    def node_range(self, node_id: str) -> tuple[int, int]:
        """(first global neuron index, size) of a node: how recorded spike ids map to it."""
        start, size, _ = self._nodes[node_id]
        return start, size

    @property
    def trace_ids(self) -> list[str]:
        return list(self._trace_cols)

    @property
    def rate_ids(self) -> list[str]:
        return list(self._rates)

    def trace_columns(self, recorder_id: str) -> int:
        """Neurons a state recorder samples (columns of its values)."""
        return len(self._trace_cols[recorder_id])

    def trace_interval(self, recorder_id: str) -> float:
        """ms between two samples of a state recorder (known once a chunk has run)."""
        return self._trace_every.get(recorder_id, 1) * self.dt

    def rate_bin(self, recorder_id: str) -> tuple[float, int]:
        """(bin width in ms, neurons counted) of a rate recorder: rate in Hz = spikes / neurons / width."""
        node, bins = self._rates[recorder_id]
        return bins.bin_steps * self.dt, list(self._nodes.values())[node][1]

    def spike_counts(self, node_id: str) -> np.ndarray:
        """Spikes per neuron of any node (counted whether or not spikes were recorded)."""
        start, size, _ = self._nodes[node_id]
        return self._spike_count[start: start + size].copy()

    def mean_rate(self, node_id: str) -> float:
        """Mean firing rate over the node's neurons, Hz."""
        counts = self.spike_counts(node_id)
        return float(counts.sum() / counts.size / (self.t * 1e-3)) if self.t > 0 else 0.0

    def trace(self, recorder_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(sample times in ms, values with one column per recorded neuron)."""
        chunks = self._trace_data[recorder_id]
        values = np.concatenate(chunks) if chunks else np.zeros((0, len(self._trace_cols[recorder_id])))
        every = self._trace_every.get(recorder_id, 1)
        first = -(-self._traces_kept_step // every)  # first sample still held
        return (first + np.arange(values.shape[0])) * every * self.dt, values

    def rate(self, recorder_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(bin start times in ms, population rate in Hz) of a rate recorder."""
        bins = self._rates[recorder_id][1]
        width, size = self.rate_bin(recorder_id)
        counts = bins.counts()
        return (bins.first + np.arange(counts.size)) * width, counts / size / (width * 1e-3)

    @property
    def dataset_ids(self) -> list[str]:
        """The dataset inputs whose samples these results saw."""
        return list(self._presented)

    def presented(self, node_id: str) -> tuple[np.ndarray, np.ndarray]:
        """(onset in ms, label) of every sample a dataset input shows, in order, including those still to come."""
        if node_id not in self._presented:
            raise KeyError(f"{node_id!r} is not a dataset input of this network")
        labels, onsets = self._presented[node_id]
        return onsets.copy(), labels.copy()

    def summary(self) -> list[dict]:
        """One row per node: neurons, spikes, mean rate (Hz) and mean CV of ISI (NaN when unknown)."""
        rows = []
        for nid, (_, size, name) in self._nodes.items():
            cv = cv_isi(*self.spikes(nid)[::-1], size) if nid in self._spike_recorded else float("nan")
            rows.append({"id": nid, "name": name, "neurons": size, "spikes": int(self.spike_counts(nid).sum()),
                         "rate_hz": self.mean_rate(nid), "cv_isi": cv})
        return rows

    # --- files -----------------------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        """Flat name -> array mapping (the .npz layout)."""
        out = {"t_ms": np.array(self.t), "dt_ms": np.array(self.dt), "kept_from_ms": np.array(self.kept_from),
               **{f"{kind}_kept_from_ms": np.array(getattr(self, f"{kind}_kept_from"))
                  for kind in ("spikes", "traces", "rates")},
               "metadata": np.array(json.dumps(self.metadata, sort_keys=True))}
        for nid in self._nodes:
            out[f"counts/{nid}"] = self.spike_counts(nid)
            if nid in self._spike_recorded:
                times, ids = self.spikes(nid)
                out[f"spikes/{nid}/times_ms"] = times
                out[f"spikes/{nid}/ids"] = ids
        for rid in self._trace_cols:
            out[f"traces/{rid}/t_ms"], out[f"traces/{rid}/values"] = self.trace(rid)
        for rid in self._rates:
            out[f"rates/{rid}/t_ms"], out[f"rates/{rid}/rate_hz"] = self.rate(rid)
        for nid in self._presented:
            out[f"presented/{nid}/onsets_ms"], out[f"presented/{nid}/labels"] = self.presented(nid)
        return out

    def save_csv(self, folder: str | os.PathLike) -> list[Path]:
        """Write every recording as CSV files in ``folder`` (made if needed); returns the paths written.

        ``spikes_<node>.csv`` (time_ms, neuron), ``trace_<recorder>.csv`` (time_ms, one column per
        neuron), ``rate_<recorder>.csv`` (time_ms, rate_hz), ``presented_<dataset input>.csv`` (onset_ms,
        label); ids are made safe for file names.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tables = {}
        for nid in self._spike_recorded:
            times, ids = self.spikes(nid)
            tables[f"spikes_{nid}"] = (["time_ms", "neuron"], np.column_stack([times, ids]), ("%.6g", "%d"))
        for rid, cols in self._trace_cols.items():
            t, values = self.trace(rid)
            tables[f"trace_{rid}"] = (["time_ms", *(f"neuron_{c}" for c in cols)], np.column_stack([t, values]),
                                      "%.9g")
        for rid in self._rates:
            t, rate = self.rate(rid)
            tables[f"rate_{rid}"] = (["time_ms", "rate_hz"], np.column_stack([t, rate]), "%.9g")
        for nid in self._presented:
            onsets, labels = self.presented(nid)
            tables[f"presented_{nid}"] = (["onset_ms", "label"], np.column_stack([onsets, labels]), ("%.9g", "%d"))
        written = []
        for name, (header, table, fmt) in tables.items():
            path = folder / f"{_safe_name(name)}.csv"
            atomic_write(path, lambda f, h=header, a=table, m=fmt: np.savetxt(
                f, a, fmt=m, delimiter=",", header=",".join(h), comments=""))
            written.append(path)
        return written

    def save(self, path: str | os.PathLike) -> Path:
        """Write an .npz (no pickled objects) atomically: a crash never leaves half a file."""
        path = Path(path)
        arrays = self.to_arrays()
        atomic_write(path, lambda f: np.savez_compressed(f, **arrays))
        return path


def _safe_name(name: str) -> str:
    """``v:E`` -> ``v_E``, ``E->I`` -> ``E-_I``: ids may hold characters file systems refuse."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def by_neuron(times: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The order that sorts spikes by neuron, and by time within each neuron.

    Spikes as a run records them are in time order already: then a stable sort by neuron is enough, and on ids
    that fit 16 bits numpy's stable sort is a radix sort, several times faster than sorting by both keys (the
    analysis after a run of a million spikes is what the window waits for when the run ends).
    """
    if times.size < 2 or not (times[1:] >= times[:-1]).all():
        return np.lexsort((times, ids))
    if ids.min() >= 0 and ids.max() < 1 << 15:
        ids = ids.astype(np.int16)
    return np.argsort(ids, kind="stable")


def cv_isi(ids: np.ndarray, times: np.ndarray, size: int) -> float:
    """Mean over neurons with at least 3 spikes of std(ISI) / mean(ISI); NaN when no neuron qualifies."""
    if times.size < 3:
        return float("nan")
    order = by_neuron(times, ids)
    ids, times = ids[order], times[order]
    isi = np.diff(times)
    same = ids[1:] == ids[:-1]
    isi, owner = isi[same], ids[1:][same]
    n = np.bincount(owner, minlength=size)
    s1 = np.bincount(owner, isi, minlength=size)
    s2 = np.bincount(owner, isi * isi, minlength=size)
    ok = n >= 2
    if not ok.any():
        return float("nan")
    mean = s1[ok] / n[ok]
    var = np.maximum(s2[ok] / n[ok] - mean**2, 0.0)
    return float(np.mean(np.sqrt(var) / mean))
