"""Fused Poisson backgrounds: a Poisson input whose only use is to drive a population one_to_one is drawn where its
input lands (``kernels.poisson_draws.fused_adds``) and adds weight x count to each target, as Brian2's PoissonInput
and NEST's poisson_generator do, instead of emitting spikes that are then gathered in order and propagated (the
microcircuit's 77,000 background trains: the excess of its two-thread step).

Decided at build (``fuse``): the spikes of such a node are never seen, so nothing may want them. ``blocker`` names
what keeps a node unfused; ``unfuse`` undoes it for a node whose spikes are asked for during a run.

Its spikes are still counted, per neuron, as an emitted node's are (``Results.spike_counts`` and mean rates): the
node's first fused projection adds each count it draws into ``spike_count``. Into a current or conductance synapse
that draw is the last step's, so after a chunk the chunk's last step is not counted yet: ``uncounted`` draws it.
Its spikes per step (a live rate plot's) are drawn again only when asked: ``step_counts``.
"""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from ..kernels import kernel as K
from ..kernels.parallel import FUSED, FUSED_NODE, SORTED_ROWS, sent_by_region
from ..kernels.poisson_draws import poisson_counts, step_totals

__all__ = ["blocker", "fuse", "unfuse", "uncounted", "rate_edit", "step_counts", "fused_nodes"]


def blocker(state: K.State, node: int, watched: set[int]) -> str | None:
    """Why Poisson node ``node`` cannot be fused, or None when it can. ``watched``: the nodes the run records or
    bins (spike and rate recorders)."""
    if state.node_code[node] != K.POISSON:
        return "not a Poisson input"
    if state.par[3] == 0:
        return "small background (drawn from the loop's stream, not counter-based)"
    if node in watched or state.node_record[node] > 0:
        return "its spikes are recorded"
    if np.any(state.rw_src == node):
        return "its spikes drive a reward signal"
    out = np.flatnonzero(state.proj_src == node)
    if out.size == 0:
        return "no projection"
    n = int(state.node_start[node + 1] - state.node_start[node])
    for p in out.tolist():
        if state.proj_stp[p] >= 0:
            return "a projection with short-term plasticity"
        if np.any(state.pl_proj == p):
            return "a plastic projection"
        if state.proj_d[p] <= 0:
            return "a projection whose weights or delays differ"
        rows = state.rowptr[state.proj_row[p]: state.proj_row[p] + n + 1]
        if not (np.all(np.diff(rows) == 1) and np.array_equal(state.post[rows[0]: rows[-1]], np.arange(n))):
            return "a projection that is not one_to_one"
        if state.proj_stp[p] not in (SORTED_ROWS, FUSED):
            return "a projection the loop does not walk in target order"  # (one_to_one from a Poisson node is)
    return None


def fuse(state: K.State, watched: set[int]) -> list[int]:
    """Fuse every Poisson node ``blocker`` lets through (in place: ``node_record`` FUSED_NODE, its projections'
    ``proj_stp`` FUSED); returns their indices."""
    fused = [k for k in range(state.node_code.shape[0]) if blocker(state, k, watched) is None]
    for k in fused:
        state.node_record[k] = FUSED_NODE
        state.proj_stp[state.proj_src == k] = FUSED
    return fused


def unfuse(state: K.State, node: int, step: int) -> None:
    """Let fused node ``node`` emit its spikes again (and its projections carry them) from ``step``, the next
    chunk's first. Its spikes of the step before, which current synapses receive only now, are put among the last
    step's spikes: its targets miss no step's input and get the spikes the node would have emitted."""
    if state.node_record[node] != FUSED_NODE:
        return
    counted_late = _counted_late(state, node)
    state.node_record[node] = 0
    state.proj_stp[state.proj_src == node] = SORTED_ROWS
    if step > 0:
        counts = _insert_last_spikes(state, node, step - 1)
        if counted_late:  # its draw would have counted them during this step; emitted now, nothing will
            state.spike_count[:] += counts


def uncounted(state: K.State, step: int, stopped: bool = False) -> np.ndarray | None:
    """Per neuron, the spikes of step ``step - 1`` (the last one run) that fused nodes counted late have not
    counted yet (the next chunk's first step does), or None when there are none: ``spike_count`` plus these is
    every spike so far. ``stopped``: the loop stopped inside step ``step`` (a NaN), after its parallel region had
    counted step ``step - 1`` for the nodes it sends (``parallel.fused_parts``)."""
    late = [k for k in _late_nodes(state) if not (stopped and _counted_early(state, k))]
    if step <= 0 or not late:
        return None
    counts = np.zeros(state.spike_count.shape[0], np.int64)
    for node in late:
        _draw(state, node, step - 1, counts)
    return counts


@contextmanager
def rate_edit(built, step: int):
    """Around a live edit of Poisson rates at step ``step`` (a chunk boundary): a fused node counted late draws the
    step before again in the next chunk, now at the new rate, so its count is corrected to the old rate's draw
    (the one an emitted node made and counted, and ``uncounted`` reported)."""
    state = built.state
    late = _late_nodes(state) if step > 0 else []
    before = np.zeros(state.spike_count.shape[0], np.int64)
    for node in late:
        _draw(state, node, step - 1, before)
    yield
    after = np.zeros_like(before)
    for node in late:
        _draw(built.state, node, step - 1, after)
    built.state.spike_count[:] += before - after


def _draw(state: K.State, node: int, step: int, counts: np.ndarray) -> None:
    """Node ``node``'s counts of ``step`` into ``counts`` (its neurons' places)."""
    lo, hi = int(state.node_start[node]), int(state.node_start[node + 1])
    poisson_counts(lo, hi, state.poisson_l, state.poisson_cap, state.par[3], step, counts.shape[0], counts)


def fused_nodes(state: K.State) -> list[int]:
    """The indices of the nodes fused now."""
    return np.flatnonzero(state.node_record == FUSED_NODE).tolist()


def step_counts(state: K.State, node: int, step0: int, steps: int) -> np.ndarray:
    """Fused node ``node``'s spikes in each of the steps ``[step0, step0 + steps)``: the counts an emitted node
    would have had (its draws are counter-based), for a live rate plot of the inputs. Costs the node's draws again."""
    totals = np.zeros(steps, np.int64)
    lo, hi = int(state.node_start[node]), int(state.node_start[node + 1])
    step_totals(lo, hi, state.poisson_l, state.poisson_cap, state.par[3], step0, int(state.node_start[-1]), totals)
    return totals


def _counting(state: K.State, node: int) -> int | None:
    """Fused node ``node``'s counting projection (its first fused one, ``parallel.counting_projection``)."""
    first = np.flatnonzero((state.proj_src == node) & (state.proj_stp == FUSED))
    return int(first[0]) if first.size else None


def _late_nodes(state: K.State) -> list[int]:
    """The fused nodes counted a step late (``_counted_late``)."""
    return [k for k in fused_nodes(state) if _counted_late(state, k)]


def _counted_late(state: K.State, node: int) -> bool:
    """Whether fused node ``node``'s counting projection draws a step's spikes a step later (a current or
    conductance synapse, ``kernel.synapse_lag``)."""
    p = _counting(state, node)
    return p is not None and bool(K.synapse_lag(state.chan, state.proj_chan[p]))


def _counted_early(state: K.State, node: int) -> bool:
    """Whether the loop's parallel region (several threads) sends node ``node``'s counting projection: before the
    step's node updates, not after them (``kernel.send_fused``)."""
    p = _counting(state, node)
    return p is not None and state.par[0] > 1 and bool(sent_by_region(
        state.proj_chan[p], state.node_code, state.node_start, state.node_chan, state.chan, state.par[1]))


def _insert_last_spikes(state: K.State, node: int, step: int) -> np.ndarray:
    """Node ``node``'s spikes of ``step`` (counter-based, so redrawn exactly) into ``spikes_prev`` at its place;
    returns their counts per neuron."""
    lo, hi = int(state.node_start[node]), int(state.node_start[node + 1])
    counts = np.zeros(int(state.node_start[-1]), np.int64)
    _draw(state, node, step, counts)
    ids = np.repeat(np.arange(lo, hi), counts[lo:hi])
    at, end = int(state.node_spk_prev[node + 1]), int(state.node_spk_prev[-1])
    prev = state.spikes_prev
    prev[at + ids.size: end + ids.size] = prev[at:end].copy()
    prev[at: at + ids.size] = ids
    state.node_spk_prev[node + 1:] += ids.size
    return counts
