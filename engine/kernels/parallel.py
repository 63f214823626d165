"""The time loop's passes that run on several threads (numba ``prange``), with results identical for any count.

The loop itself stays sequential (``kernel.run_chunk``); it calls these only when a network asks for more
than one thread and the pass is large (``State.par``), so small networks pay nothing. Each pass splits its
work so that every value is computed by exactly the arithmetic, in the order, of the one-thread pass:

* ``lif_blocks``: the vectorised LIF pass and the threshold test over blocks of ``SPIKE_BLOCK`` neurons (each
  neuron is independent); each block's spikes go to its own slice of a buffer, which the sequential loop then
  copies in neuron order: the spike list of one thread. ``lif_nodes`` does the same for every large LIF node of
  at most two channels in one parallel region (one fork/join a step instead of one per population).
* ``propagate_split``: spikes through CSR synapses, split by *target* range: the thread of a range walks every
  spike's row (rows are sorted by target, ``engine.simulation.connectivity``), from a binary search to the end
  of its range, so additions into one target happen in the same (projection, spike, synapse) order as in
  ``kernel.propagate`` and no two threads write one slot.
* ``lif_nodes`` also sends the last step's spikes through the current synapses into the nodes it updates, each
  task into the neurons whose pass it has just run (``sent_by_region``): they arrive there after that pass, as in
  the one-thread loop, and the step needs one fork/join, not two (``kernel.send`` skips those projections).
  (Only a run that stops at a non-finite state differs: its last step has sent them already.)
* ``touch_rows``: every propagation first reads its spikes' rows in a pass whose cache misses overlap (a row
  walked directly cost two misses in a row, and each task of a split paid them all).

* ``poisson_parts``: a large Poisson background's spike counts (counter-based draws, ``poisson_draws``), each
  task its share of each source's blocks; the loop then emits them in neuron order.
* ``fused_parts``: a fused background (``FUSED``, ``poisson_draws.fused_adds``) onto the nodes ``lif_nodes``
  updates, each task into the neurons of its own blocks, after the region (so after every projection it sent,
  as ``kernel.send_fused`` adds them after every projection in the one-thread loop).

Other random draws (small Poisson sources, OU currents) stay in the sequential loop's stream.
"""

import numba
from numba import prange

from .codes import CH_DECAY, CH_KIND, DELTA, POISSON
from .jit import JIT_FLAGS, engine_sources_digest, jit_inline, jit_part
from .lif_pass import SPIKE_BLOCK, lif_constants, lif_gain, lif_on_threads, lif_pass, threshold
from .poisson_draws import fused_adds, poisson_counts

__all__ = ["SORTED_ROWS", "FUSED", "FUSED_NODE", "fused_input", "fused_parts",
           "lif_blocks", "lif_nodes", "propagate_split", "poisson_parts", "region_least", "lower_bound",
           "sent_by_region", "touch_rows", "PARALLEL_NEURONS", "PARALLEL_SYNAPSES", "SPIKE_BLOCK", "cores",
           "threads_for"]

PARALLEL_NEURONS = 10_000  # a LIF population this large runs its pass on threads (below it, one thread is faster)
TOUCH_FROM = 4  # spikes of a projection whose rows are read ahead (one or two rows have no misses to overlap)
REGION_SMALLEST = 1_000  # ... and one this large too, when such LIF populations hold PARALLEL_NEURONS in all
SORTED_ROWS = -2  # proj_stp of a projection without short-term plasticity whose targets ascend through its rows
# (one_to_one; its source emits spikes in neuron order): a task binary-searches its first spike, not every row
FUSED = -3  # proj_stp of a fused background's projection (see engine.simulation.fusion): its source emits no spikes,
# ``fused_input`` adds weight x count where ``kernel.propagate`` would have added the spikes
FUSED_NODE = -1  # node_record of such a source (0 and 1: spikes not recorded, recorded)
PARALLEL_SYNAPSES = 2_000  # a step's spikes reaching this many synapses are propagated on threads (its serial
# scattered additions were a third of the CUBA step at N = 64,000: 35 spikes, 2,800 synapses a step)


def cores() -> int:
    """The threads numba may use in this process (every core unless ``NUMBA_NUM_THREADS`` says fewer)."""
    return numba.config.NUMBA_NUM_THREADS


def threads_for(setting: int, spare: int = 0) -> int:
    """Threads for a ``threads`` setting: 0 means every core but ``spare`` (at least one); more than there are
    is capped."""
    return max(1, cores() - spare) if setting <= 0 else min(int(setting), cores())


def region_least(lif_sizes) -> int:
    """``State.par[1]``: the fewest neurons of a LIF population the parallel region updates. PARALLEL_NEURONS, or
    REGION_SMALLEST when populations that large hold PARALLEL_NEURONS neurons in all: the microcircuit's five
    populations of 1,065 to 5,834 neurons (a quarter of its neurons) then join the region, instead of running
    their pass, and receiving their spikes, on one thread after it."""
    big = sum(n for n in lif_sizes if n >= REGION_SMALLEST)
    return REGION_SMALLEST if big >= PARALLEL_NEURONS else PARALLEL_NEURONS


def jit_parallel(func):
    """Compile with the project's flags and numba's parallel loops (numba's OpenMP/TBB threading layer)."""
    return numba.jit(parallel=True, **JIT_FLAGS)(func)


@jit_inline
def lower_bound(values, lo, hi, x):
    """The first index in ``[lo, hi)`` whose value is >= ``x`` (``values[lo:hi]`` sorted), or ``hi``."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@jit_inline
def touch_rows(row0, rowptr, post, a, b, spikes):
    """Read one target in each cache line of the rows of spikes ``a:b``, in one pass whose loads do not wait for
    each other: the rows are then in cache when they are walked. (Walked directly, each row cost two cache misses
    one after the other: two thirds of CUBA's propagation at N = 64,000, paid again by every thread of a split.)"""
    seen = 0
    if b - a < TOUCH_FROM:
        return seen
    for k in range(a, b):
        row = row0 + spikes[k]
        for q in range(rowptr[row], rowptr[row + 1], 16):  # 16 int32 targets a 64-byte line
            seen += post[q]
    return seen


@jit_inline
def add_rows_in_range(p, t_lo, t_hi, proj_src, proj_chan, proj_row, proj_w, proj_d, rowptr, post, weight, delay,
                      chan_off, node_start, node_spk, spikes, syn, ring, proj_stp, stp_gain, step):
    """Projection ``p``'s part of ``kernel.propagate`` that lands on its targets ``[t_lo, t_hi)``: each spike's row
    from a binary search for ``t_lo`` (rows are sorted by target) to the first target past the range."""
    src = proj_src[p]
    base = chan_off[proj_chan[p]]
    row0 = proj_row[p] - node_start[src]
    d_all, w_all, stp = proj_d[p], proj_w[p], proj_stp[p]
    depth = ring.shape[0]
    if stp == SORTED_ROWS:
        add_sorted_rows(p, t_lo, t_hi, src, base, row0, d_all, w_all, proj_row, rowptr, post, weight, delay,
                        node_start, node_spk, spikes, syn, ring, step)
        return
    if touch_rows(row0, rowptr, post, node_spk[src], node_spk[src + 1], spikes) < 0:
        return  # never (targets are not negative); the test keeps the reads
    for k in range(node_spk[src], node_spk[src + 1]):
        row = row0 + spikes[k]
        end = rowptr[row + 1]
        q = rowptr[row] if t_lo == 0 else lower_bound(post, rowptr[row], end, t_lo)
        if d_all > 0:
            if d_all == 1:
                while q < end and post[q] < t_hi:
                    syn[base + post[q]] += w_all
                    q += 1
            else:
                r = (step + d_all) % depth
                while q < end and post[q] < t_hi:
                    ring[r, base + post[q]] += w_all
                    q += 1
            continue
        gain = 1.0 if stp < 0 else stp_gain[stp + spikes[k] - node_start[src]]
        while q < end and post[q] < t_hi:
            d = delay[q]
            if d == 1:
                syn[base + post[q]] += weight[q] * gain
            else:
                ring[(step + d) % depth, base + post[q]] += weight[q] * gain
            q += 1


@jit_inline
def add_sorted_rows(p, t_lo, t_hi, src, base, row0, d_all, w_all, proj_row, rowptr, post, weight, delay, node_start,
                    node_spk, spikes, syn, ring, step):
    """``add_rows_in_range`` for a projection of ``SORTED_ROWS``: its synapses onto ``[t_lo, t_hi)`` are one run
    ``[qa, qb)``, reached by the spikes from the first whose row ends past ``qa`` (the spikes ascend) to the first
    whose row starts at ``qb``. (Walking every spike cost each task the whole one_to_one background: 130,000 spikes
    a step in the full microcircuit.) The same additions in the same order as the one-thread ``propagate``."""
    a, b = node_spk[src], node_spk[src + 1]
    first = proj_row[p]
    top = rowptr[first + node_start[src + 1] - node_start[src]]
    qa = lower_bound(post, rowptr[first], top, t_lo)
    qb = lower_bound(post, qa, top, t_hi)
    if qa == qb:
        return
    lo, hi = a, b
    while lo < hi:
        mid = (lo + hi) >> 1
        if rowptr[row0 + spikes[mid] + 1] <= qa:
            lo = mid + 1
        else:
            hi = mid
    depth = ring.shape[0]
    for k in range(lo, b):
        row = row0 + spikes[k]
        start = rowptr[row]
        if start >= qb:
            break
        q, end = max(start, qa), min(rowptr[row + 1], qb)
        if d_all == 1:
            for j in range(q, end):
                syn[base + post[j]] += w_all
        elif d_all > 0:
            r = (step + d_all) % depth
            for j in range(q, end):
                ring[r, base + post[j]] += w_all
        else:
            for j in range(q, end):
                d = delay[j]
                if d == 1:
                    syn[base + post[j]] += weight[j]
                else:
                    ring[(step + d) % depth, base + post[j]] += weight[j]


@jit_part
def task_neurons(size, part, parts):
    """The neurons [lo, hi) of a node of ``size`` whose blocks task ``part`` of ``parts`` owns: whole blocks of
    ``SPIKE_BLOCK``, the same split for the LIF pass, the sending and the background (see lif_nodes)."""
    blocks = (size + SPIKE_BLOCK - 1) // SPIKE_BLOCK
    return blocks * part // parts * SPIKE_BLOCK, min(size, blocks * (part + 1) // parts * SPIKE_BLOCK)


@jit_part
def send_into_blocks(part, parts, node_code, node_start, node_chan, chan, least, proj_src, proj_chan, proj_row, proj_w,
                     proj_d, rowptr, post, weight, delay, chan_off, node_spk, spikes, syn, ring, proj_stp, stp_gain,
                     step):
    """Task ``part`` of ``lif_nodes``: these spikes through every projection that ``sent_by_region``, into the
    neurons of the task's blocks. (A call, not inlined: numba's parallel passes are slow on a large loop body.)"""
    for p in range(proj_src.shape[0]):
        src, c = proj_src[p], proj_chan[p]
        if node_spk[src] == node_spk[src + 1] or not sent_by_region(c, node_code, node_start, node_chan, chan, least):
            continue
        target = channel_node(node_chan, c)
        t_lo, t_hi = task_neurons(node_start[target + 1] - node_start[target], part, parts)
        add_rows_in_range(p, t_lo, t_hi, proj_src, proj_chan, proj_row, proj_w, proj_d, rowptr, post, weight, delay,
                          chan_off, node_start, node_spk, spikes, syn, ring, proj_stp, stp_gain, step)


@jit_inline
def channel_node(node_chan, c):
    """The node that channel ``c`` targets (its channels are ``node_chan[k]:node_chan[k + 1]``)."""
    k = 0
    while node_chan[k + 1] <= c:
        k += 1
    return k


@jit_inline
def sent_by_region(c, node_code, node_start, node_chan, chan, least):
    """True for a current channel (not delta, so the last step's spikes reach it now) of a node ``lif_nodes``
    updates: ``lif_nodes`` sends those spikes through the projections onto it."""
    if chan[c, CH_KIND] == DELTA:
        return False
    k = channel_node(node_chan, c)
    return lif_on_threads(node_code[k], node_start[k + 1] - node_start[k], node_chan[k], node_chan[k + 1], chan, least)


@jit_inline
def counting_projection(p, proj_src, proj_stp):
    """True when ``p`` is its source's first fused projection: the one whose draws count the source's spikes."""
    for q in range(p):
        if proj_src[q] == proj_src[p] and proj_stp[q] == FUSED:
            return False
    return True


@jit_inline
def fused_input(p, t_lo, t_hi, proj_src, proj_chan, proj_w, proj_d, proj_stp, chan, chan_off, node_start, poisson_l,
                cap, key, syn, ring, spike_count, step):
    """Fused projection ``p`` into its targets ``[t_lo, t_hi)``, where and when ``kernel.propagate`` would add its
    source's spikes: into a current or conductance channel the last step's (they wait a step more, see
    ``kernel.synapse_lag``), into a delta channel this step's; delay 1 into ``syn``, longer into the ring. The
    source's first fused projection counts its spikes into ``spike_count`` (``engine.simulation.fusion``)."""
    c = proj_chan[p]
    drawn = step - 1 if chan[c, CH_KIND] != DELTA else step
    if drawn < 0:
        return
    base = chan_off[c]
    d = proj_d[p]
    target = syn[base:] if d == 1 else ring[(step + d) % ring.shape[0], base:]
    src = proj_src[p]
    fused_adds(t_lo, min(t_hi, node_start[src + 1] - node_start[src]), node_start[src], proj_w[p], target, poisson_l,
               cap, key, drawn, node_start[node_start.shape[0] - 1], spike_count,
               counting_projection(p, proj_src, proj_stp))


@jit_part
def fused_into_blocks(part, parts, node_code, node_start, node_chan, chan, chan_off, least, proj_src, proj_chan, proj_w,
                      proj_d, proj_stp, poisson_l, cap, key, syn, ring, spike_count, step):
    """Task ``part`` of ``fused_parts``: every fused projection onto a node ``lif_nodes`` updates, into the neurons
    of the task's blocks there."""
    for p in range(proj_src.shape[0]):
        c = proj_chan[p]
        if proj_stp[p] != FUSED or not sent_by_region(c, node_code, node_start, node_chan, chan, least):
            continue
        target = channel_node(node_chan, c)
        t_lo, t_hi = task_neurons(node_start[target + 1] - node_start[target], part, parts)
        fused_input(p, t_lo, t_hi, proj_src, proj_chan, proj_w, proj_d, proj_stp, chan, chan_off, node_start,
                    poisson_l, cap, key, syn, ring, spike_count, step)


def _compile(digest: str):
    """The parallel passes, cached by numba under a key that includes the engine's source digest (see
    ``kernel._compile_run_chunk``: ``lif_pass`` lives in another module)."""

    @jit_parallel
    def lif_blocks(v, ref, inj, a1, k1, d1, a2, k2, d2, base, p22, gain, v_reset, v_th, ref_steps, above, found):
        """``neuron_kernels.lif_pass`` and ``threshold`` on every block of ``SPIKE_BLOCK`` neurons, in one parallel
        region (the reading of crossings was a serial quarter of the step). Block b's spikes (local indices, in
        order) go to ``found[b * SPIKE_BLOCK:]``, their count to ``above[b]``; a non-finite neuron i: -1 - i."""
        digest  # noqa: B018 - a closure cell, so part of numba's cache key
        n = v.shape[0]
        for b in prange((n + SPIKE_BLOCK - 1) // SPIKE_BLOCK):
            b0 = b * SPIKE_BLOCK
            b1 = min(b0 + SPIKE_BLOCK, n)
            if inj is not None:
                crossed = lif_pass(v[b0:b1], ref[b0:b1], inj[b0:b1], a1[b0:b1], k1, d1, a2[b0:b1], k2, d2, base,
                                   p22, gain, v_reset, v_th)
            else:
                crossed = lif_pass(v[b0:b1], ref[b0:b1], None, a1[b0:b1], k1, d1, a2[b0:b1], k2, d2, base,
                                   p22, gain, v_reset, v_th)
            above[b] = 0
            if crossed > 0:
                end, bad = threshold(v[b0:b1], ref[b0:b1], b0, v_th, v_reset, ref_steps, found, b0)
                above[b] = end - b0 if bad < 0 else -1 - bad

    @jit_parallel
    def lif_nodes(parts, node_code, node_start, node_chan, node_params, chan, chan_off, syn, v_all, ref_all, inj_all,
                  zero, least, above, found, proj_src, proj_chan, proj_row, proj_w, proj_d, rowptr, post, weight, delay,
                  node_spk_prev, spikes_prev, ring, proj_stp, stp_gain, step):
        """``lif_blocks`` for every LIF node that ``lif_on_threads`` accepts, in one parallel region (a fork/join
        per step, not one per node): task ``part`` takes its share of each node's blocks. Node k's block b
        counts in ``above[node_start[k] // SPIKE_BLOCK + k + b]``, its spikes at ``found[node_start[k]:]``.
        Then the task sends the last step's spikes (``spikes_prev``) through every projection onto a current
        channel of these nodes (``sent_by_region``), into the neurons of its own blocks only."""
        digest  # noqa: B018
        for part in prange(parts):
            for node in range(node_code.shape[0]):
                lo, hi, c0, c1 = node_start[node], node_start[node + 1], node_chan[node], node_chan[node + 1]
                n = hi - lo
                if not lif_on_threads(node_code[node], n, c0, c1, chan, least):
                    continue
                a1, k1, d1 = zero[:n], 0.0, 1.0
                a2, k2, d2 = zero[:n], 0.0, 1.0
                if c1 > c0:
                    a1, k1, d1 = syn[chan_off[c0]: chan_off[c0] + n], lif_gain(chan, c0), chan[c0, CH_DECAY]
                if c1 == c0 + 2:
                    c = c0 + 1
                    a2, k2, d2 = syn[chan_off[c]: chan_off[c] + n], lif_gain(chan, c), chan[c, CH_DECAY]
                p22, v_reset, gain, v_th, ref_steps, base = lif_constants(node_params[node])
                v, ref, spikes = v_all[lo:hi], ref_all[lo:hi], found[lo:hi]
                nb = (n + SPIKE_BLOCK - 1) // SPIKE_BLOCK
                off = lo // SPIKE_BLOCK + node
                for b in range(nb * part // parts, nb * (part + 1) // parts):
                    b0 = b * SPIKE_BLOCK
                    b1 = min(b0 + SPIKE_BLOCK, n)
                    if inj_all is not None:
                        crossed = lif_pass(v[b0:b1], ref[b0:b1], inj_all[lo + b0:lo + b1], a1[b0:b1], k1, d1,
                                           a2[b0:b1], k2, d2, base, p22, gain, v_reset, v_th)
                    else:
                        crossed = lif_pass(v[b0:b1], ref[b0:b1], None, a1[b0:b1], k1, d1, a2[b0:b1], k2, d2, base,
                                           p22, gain, v_reset, v_th)
                    above[off + b] = 0
                    if crossed > 0:
                        end, bad = threshold(v[b0:b1], ref[b0:b1], b0, v_th, v_reset, ref_steps, spikes, b0)
                        above[off + b] = end - b0 if bad < 0 else -1 - bad
            send_into_blocks(part, parts, node_code, node_start, node_chan, chan, least, proj_src, proj_chan, proj_row,
                             proj_w, proj_d, rowptr, post, weight, delay, chan_off, node_spk_prev, spikes_prev, syn,
                             ring, proj_stp, stp_gain, step)

    @jit_parallel
    def propagate_split(parts, proj_src, proj_chan, proj_row, proj_w, proj_d, rowptr, post, weight, delay, chan,
                        chan_off, node_start, node_spk, spikes_now, syn, ring, proj_stp, stp_gain, step, lagged):
        """``kernel.propagate`` with each projection's targets split into ``parts`` ranges, one task each."""
        digest  # noqa: B018
        for part in prange(parts):
            for p in range(proj_src.shape[0]):
                src = proj_src[p]
                c = proj_chan[p]
                if node_spk[src] == node_spk[src + 1] or (chan[c, CH_KIND] != DELTA) != lagged:
                    continue
                n_t = chan_off[c + 1] - chan_off[c]
                add_rows_in_range(p, n_t * part // parts, n_t * (part + 1) // parts, proj_src, proj_chan, proj_row,
                                  proj_w, proj_d, rowptr, post, weight, delay, chan_off, node_start, node_spk,
                                  spikes_now, syn, ring, proj_stp, stp_gain, step)

    @jit_parallel
    def poisson_parts(parts, node_code, node_start, node_record, poisson_l, cap, key, step, counts):
        """``poisson_draws.poisson_counts`` of every Poisson node but the fused ones into ``counts``, task ``part``
        the neurons of its share of each node's blocks (the loop emits them in order: ``poisson_draws.emit_counts``)."""
        digest  # noqa: B018
        stride = node_start[node_start.shape[0] - 1]
        for part in prange(parts):
            for node in range(node_code.shape[0]):
                if node_code[node] != POISSON or node_record[node] == FUSED_NODE:
                    continue
                lo, hi = node_start[node], node_start[node + 1]
                a, b = task_neurons(hi - lo, part, parts)
                poisson_counts(lo + a, lo + b, poisson_l, cap, key, step, stride, counts)

    @jit_parallel
    def fused_parts(parts, node_code, node_start, node_chan, chan, chan_off, least, proj_src, proj_chan, proj_w,
                    proj_d, proj_stp, poisson_l, cap, key, syn, ring, spike_count, step):
        """The fused backgrounds onto the nodes of ``lif_nodes``, after it: ``fused_into_blocks`` on each task (the
        tasks' targets, and so the source neurons whose spikes they count, are disjoint)."""
        digest  # noqa: B018
        for part in prange(parts):
            fused_into_blocks(part, parts, node_code, node_start, node_chan, chan, chan_off, least, proj_src,
                              proj_chan, proj_w, proj_d, proj_stp, poisson_l, cap, key, syn, ring, spike_count, step)

    return lif_blocks, lif_nodes, propagate_split, poisson_parts, fused_parts


lif_blocks, lif_nodes, propagate_split, poisson_parts, fused_parts = _compile(engine_sources_digest())
# Load numba's threading layer now: a time loop loaded from the disk cache calls the parallel passes through
# pointers that only the layer's start sets (without it, the first call of a cached loop jumps to address 0).
# ``get_num_threads`` is the public call that starts it.
numba.get_num_threads()
