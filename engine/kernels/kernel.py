"""The compiled time loop: a chunk of many steps runs inside numba without returning to Python.

One loop serves every network: it switches on each node's model code once per step. It is compiled
per set of parts the network uses (``gates``): numba drops the code of absent models before compiling,
and caches each variant on disk. Each step: deliver delayed input, record traces, inject currents,
update each node's neurons and decay its synapses (a built-in model's update is its description's generated code,
``builtin_updates``, called directly; ``hand_written`` has the hand-written kernels of the reference variant,
``run_chunk_with``), propagate spikes through CSR
synapses (the last step's through current and conductance synapses, this step's through delta ones: every kind
then acts exactly one delay after the spike), record spikes.
All arrays live in a ``State`` named tuple built by ``engine.build``; parameters live in arrays, so
changing a value between chunks needs no recompilation.
"""

import types
from typing import NamedTuple

import numba
import numpy as np

from . import hand_written, parallel, rng
from .borrow import borrow
from .builtin_updates import node_adex, node_hh, node_izhikevich, node_lif, node_lif_adaptive, prepass_lif
from .codes import *  # noqa: F403 - the codes are part of this module's interface (K.LIF, K.CH_DECAY, ...)
from .codes import (
    ADEX,
    CH_DELAYED,
    CH_EXC,
    CH_KIND,
    CONDUCTANCE,
    CUSTOM,
    DC,
    DELTA,
    HH,
    IZH,
    LIF,
    LIF_ADAPTIVE,
    OU,
    POISSON,
    RAMP,
    SINE,
    SPIKE_TIMES,
    STATUS_DONE,
    STATUS_FULL,
    STATUS_NAN,
    STATUS_UNCOMPILED,
    STEP,
    SYN_EXC,
)
from .codes import __all__ as _codes
from .graded_pass import graded_currents
from .jit import engine_sources_digest, jit_inline, jit_loop, jit_part
from .neuron_kernels import update_poisson, update_spike_times
from .parallel import (
    FUSED,
    FUSED_NODE,
    fused_input,
    fused_parts,
    poisson_parts,
    propagate_split,
    sent_by_region,
    touch_rows,
)
from .plasticity_kernels import DESCRIBED, plasticity_step
from .poisson_draws import emit_counts, poisson_emit
from .rule_entry import RuleState, rule_state, rule_state_of, rules_signature

__all__ = ["State", "MUTABLE_FIELDS", "PLASTIC_FIELDS", "Gates", "run_chunk", "run_chunk_with", "mutable_fields",
           "update_signature", "RuleState", "rule_state_of", "rules_signature", "threads_gate", *_codes]

# What the kernel writes while it runs (besides scratch buffers); a reset restores these.
MUTABLE_FIELDS = ("state", "refractory", "i_ext", "syn", "ring", "st_ptr", "ou", "rng_state", "spike_count",
                  "counters", "scratch", "node_spk_prev")
# ... and these too when the network has plastic projections (weights change only then).
PLASTIC_FIELDS = ("weight", "pre_trace", "post_trace", "stp_u", "stp_x", "stp_gain", "stp_last", "pl_scale", "elig",
                  "rw_ptr", "rw_sched", "rw_level", "syn_var")


def mutable_fields(state) -> tuple[str, ...]:
    """What a reset must restore for this network."""
    return MUTABLE_FIELDS + (PLASTIC_FIELDS if state.pl_proj.shape[0] else ())


class State(NamedTuple):
    """Every array the kernel reads or writes (shapes in comments; N neurons, C channels, S synapses)."""

    dt: float
    poisson_cap: int  # most spikes one Poisson neuron may emit in a step (sized from the largest rate)
    node_code: np.ndarray  # (nodes,) model code
    node_start: np.ndarray  # (nodes + 1,) first global neuron of each node
    node_params: np.ndarray  # (nodes, N_PARAM)
    node_chan: np.ndarray  # (nodes + 1,) channels targeting each node are node_chan[k]:node_chan[k+1]
    node_record: np.ndarray  # (nodes,) 1 when the node's spikes are recorded
    state: np.ndarray  # (rows, N): v, u|w|m|theta, h, n; rows = max(4, the largest described model's state)
    refractory: np.ndarray  # (N,) steps left
    i_ext: np.ndarray  # (N,) injected current this step, pA
    scratch: np.ndarray  # (largest node,) per-node work space
    poisson_l: np.ndarray  # (N,) exp(-rate * dt) of Poisson neurons (1 elsewhere)
    chan: np.ndarray  # (C, 8) channel table, columns CH_KIND ... CH_TAU
    chan_off: np.ndarray  # (C + 1,) slots of channel c are chan_off[c]:chan_off[c+1]
    syn: np.ndarray  # (slots,) synaptic state per channel and target neuron
    ring: np.ndarray  # (D, slots) delayed input
    proj_src: np.ndarray  # (P,) source node
    proj_chan: np.ndarray  # (P,) target channel
    proj_row: np.ndarray  # (P,) offset of the projection's rows in rowptr
    proj_w: np.ndarray  # (P,) the weight all synapses share (when proj_d > 0)
    proj_d: np.ndarray  # (P,) the delay in steps all synapses share, or 0 when they differ
    rowptr: np.ndarray  # (sum of source sizes + P,) CSR row pointers into the synapse arrays
    post: np.ndarray  # (S,) target neuron (local index)
    weight: np.ndarray  # (S,) magnitude
    delay: np.ndarray  # (S,) steps >= 1
    st_step: np.ndarray  # spike-time inputs: sorted steps
    st_neuron: np.ndarray  # global neuron of each
    st_bounds: np.ndarray  # (nodes + 1,) entries of node k are st_bounds[k]:st_bounds[k+1]
    st_ptr: np.ndarray  # (nodes,) next entry to emit
    cur_node: np.ndarray  # (K,) target node of each current input
    cur_code: np.ndarray  # (K,) waveform
    cur_params: np.ndarray  # (K, 4)
    cur_off: np.ndarray  # (K,) offset of OU state
    ou: np.ndarray  # OU noise per neuron of each OU input
    rng_state: np.ndarray  # (1,) uint64
    spikes_now: np.ndarray  # (N + (poisson_cap - 1) * Poisson neurons,) this step's spikes (Poisson ids may repeat)
    node_spk: np.ndarray  # (nodes + 1,) this step's spikes of node k: spikes_now[node_spk[k]:node_spk[k+1]]
    spikes_prev: np.ndarray  # the last step's spikes (as spikes_now): current and conductance synapses send them
    node_spk_prev: np.ndarray  # (nodes + 1,) as node_spk, for spikes_prev
    spike_count: np.ndarray  # (N,) total spikes per neuron
    rec_step: np.ndarray  # (cap,) recorded spike steps
    rec_id: np.ndarray  # (cap,) recorded spike global ids
    node_counts: np.ndarray  # (chunk, nodes) spikes per step and node
    tr_var: np.ndarray  # (T,) variable code per traced column
    tr_neuron: np.ndarray  # (T,) global neuron
    tr_node: np.ndarray  # (T,)
    tr_every: np.ndarray  # (T,) sampling interval in steps
    tr_buf: np.ndarray  # (chunk, T)
    tr_count: np.ndarray  # (T,) samples written in this chunk
    counters: np.ndarray  # [recorded spikes, error node, error step, error neuron]
    # threads (see engine.kernels.parallel): [threads, fewest neurons of a parallel LIF pass, fewest synapses
    # reached by a step's spikes for a parallel propagation, key of counter-based Poisson draws or 0 (see
    # poisson_draws)]; the simulator sets par[0] before each chunk
    par: np.ndarray  # (4,) int64
    block_above: np.ndarray  # (largest node / SPIKE_BLOCK + 1,) spikes per block of a parallel pass (see lif_blocks)
    block_spikes: np.ndarray  # (largest node,) each block's spikes in a parallel pass, at the block's offset
    # plasticity (see engine.plasticity; empty without plastic projections)
    proj_stp: np.ndarray  # (P,) offset of the projection's short-term state, or -1 (parallel.SORTED_ROWS: -1 and
    # the targets ascend through the projection's rows, as one_to_one's do)
    pl_proj: np.ndarray  # (Q,) plastic projection index
    pl_family: np.ndarray  # (Q,) rule family
    pl_coef: np.ndarray  # (Q, 8) rule coefficients
    pl_target: np.ndarray  # (Q,) target node
    pl_pre_off: np.ndarray  # (Q,) offset of presynaptic state (traces or u/x)
    pl_post_off: np.ndarray  # (Q,) offset of postsynaptic traces
    pl_col: np.ndarray  # (Q,) offset of the projection's target neurons in col_ptr
    pre_trace: np.ndarray
    post_trace: np.ndarray
    col_ptr: np.ndarray  # synapses onto each target neuron: col_syn[col_ptr[c]:col_ptr[c+1]]
    col_syn: np.ndarray
    syn_pre: np.ndarray  # (S,) presynaptic local index of each synapse (plastic projections only)
    stp_u: np.ndarray
    stp_x: np.ndarray
    stp_gain: np.ndarray  # u x of each source neuron's latest spike
    stp_last: np.ndarray  # step of each source neuron's latest spike (-1: none yet)
    pl_reward: np.ndarray  # (Q,) reward node of each plastic projection (-1: none)
    pl_scale: np.ndarray  # (Q,) factor of the stored eligibilities of each projection (see rstdp_step)
    elig: np.ndarray  # (S,) eligibility of each synapse / pl_scale (when some projection has reward-modulated STDP)
    # described rules (see engine.equations.rule_codegen): their parameters and per-synapse variables
    rule_par: np.ndarray  # (Q, width) slot, synapse-variable offset, parameters, step factors of each equation
    syn_var: np.ndarray  # synapse variables besides the weight, per described projection
    # reward nodes (see engine.reward): schedule entries of node r are rw_step/rw_value[rw_bounds[r]:rw_bounds[r+1]]
    rw_step: np.ndarray
    rw_value: np.ndarray
    rw_bounds: np.ndarray
    rw_ptr: np.ndarray  # (R,) next schedule entry
    rw_src: np.ndarray  # (R,) node whose spikes add pulses (-1: none)
    rw_pulse: np.ndarray  # (R,)
    rw_fade: np.ndarray  # (R,) decay of the spike-driven level per step
    rw_sched: np.ndarray  # (R,) the schedule's current value
    rw_level: np.ndarray  # (R,) the spike-driven level
    # graded synapses and gap junctions (see graded_pass): one row per pair
    gr_idx: np.ndarray  # (G, 5) int64: pre and post global neuron, their v rows, kind
    gr_val: np.ndarray  # (G, 4): weight (nS), V_half, V_slope, E_rev (mV)


def _compile_run_chunk(digest: str):
    """``run_chunk``, compiled lazily and cached by numba under a key that includes ``digest``.

    numba's disk cache notices changes to kernel.py only; the pieces compiled into the loop live in
    other modules (``neuron_kernels``, ``rng``, ...). The engine's source digest sits in a closure cell,
    which numba hashes into the cache key, so an edit compiles afresh instead of loading stale code.
    """

    @jit_loop
    def run_chunk(s, step0, n_steps, lif, conductance, izh, adex, hh, lif_adaptive, poisson, times, currents,
                  plastic, threads, custom, rules):
        """Run up to ``n_steps`` steps from global step ``step0``; returns (steps done, status).

        Stops early when the spike recorder is nearly full (STATUS_FULL) or a state became NaN or
        infinite (STATUS_NAN, with node, step and neuron in ``s.counters``).

        The arguments after ``n_steps`` are the network's ``Gates``: None for a part it does not use.
        numba drops a branch under ``if x is not None`` for a None argument before compiling, so each
        network compiles (and caches) only the parts it has: a few seconds of cold compile instead of ten.
        A node whose part was left out stops the run with STATUS_UNCOMPILED rather than being skipped.
        ``threads`` None leaves out every parallel pass (most of a cold compile): the loop then runs on one thread
        whatever ``s.par[0]`` says (it sets it to 1).
        ``custom`` is not a flag but the entry of the network's custom models described by equations (a first-class
        function of ``update_signature``, compiled and cached on its own): one loop serves every such model,
        which costs one indirect call per custom node and step. The built-ins' generated updates (``node_lif``,
        ...) are direct calls, inlined: no indirect call, and a CUBA network compiles only LIF's code.
        ``rules`` likewise is the entry of the network's learning rules described by equations (a function of
        ``rules_signature``, compiled on its own per rule set): one loop serves every rule set, for one indirect
        call per step.
        The loop allocates nothing (``tests/test_no_allocation.py``, see ``jit.jit_loop``) and counts no references
        (``borrow``); every
        helper it calls is ``jit_part`` or ``jit_inline``, so it is compiled into this loop and cached with it.
        """
        digest  # noqa: B018 - a closure cell, so part of numba's cache key (see _compile_run_chunk)
        s = borrow(s)  # the caller keeps the arrays alive: no atomic reference counts in the steps
        n_nodes = s.node_code.shape[0]
        most = s.spikes_now.shape[0]
        cap = s.rec_step.shape[0]
        if threads is None:
            s.par[0] = 1
        region = lif is not None and s.par[0] > 1  # see lif_prepass
        fused, emitting = backgrounds(s.node_code, s.node_record, s.proj_stp)
        lagged_any, prompt_any = synapse_lags(s.chan, s.proj_chan)
        s.tr_count[:] = 0
        for k in range(n_steps):
            step = step0 + k
            deliver(s.ring, s.syn, s.chan, s.chan_off, step)  # before sampling: input that arrived by step * dt
            record_traces(s.tr_var, s.tr_neuron, s.tr_node, s.tr_every, s.tr_buf, s.tr_count, s.state, s.syn,
                          s.chan, s.chan_off, s.node_chan, s.node_start, step)
            if currents is not None:
                inject_currents(s.i_ext, s.cur_node, s.cur_code, s.cur_params, s.cur_off, s.ou, s.node_start,
                                s.rng_state, s.dt, step)
                graded_currents(s.i_ext, s.state, s.gr_idx, s.gr_val, s.cur_node.shape[0] == 0)
            drawn = False
            if threads is not None:
                if region:  # large LIF nodes: one parallel region, which also sends the last step's spikes into them
                    prepass_lif(s, currents, step)
                    if poisson is not None and fused:  # ... and the fused backgrounds onto them, after it
                        fused_parts(s.par[0], s.node_code, s.node_start, s.node_chan, s.chan, s.chan_off, s.par[1],
                                    s.proj_src, s.proj_chan, s.proj_w, s.proj_d, s.proj_stp, s.poisson_l,
                                    s.poisson_cap, s.par[3], s.syn, s.ring, s.spike_count, step)
                drawn = poisson is not None and emitting and s.par[3] != 0 and s.par[0] > 1
                if drawn:  # a large Poisson background: each neuron's count on threads, emitted in the node loop
                    poisson_parts(s.par[0], s.node_code, s.node_start, s.node_record, s.poisson_l, s.poisson_cap,
                                  s.par[3], step, s.block_spikes)
            if custom is not None and s.par[0] > 1:  # the same for models from equations (slot -1: their prepass)
                custom(-1, 0, s.node_code, s.node_start, s.node_chan, s.node_params, s.chan, s.chan_off, s.syn,
                       s.state, s.refractory, s.i_ext, s.scratch, s.spikes_now, np.int64(0), s.dt, step, s.par,
                       s.block_above, s.block_spikes)
            n_spk = np.int64(0)  # typed: a literal 0 would make numba compile every update twice
            bad = -1
            for node in range(n_nodes):
                s.node_spk[node] = n_spk
                lo, hi = s.node_start[node], s.node_start[node + 1]
                c0, c1 = s.node_chan[node], s.node_chan[node + 1]
                code = s.node_code[node]
                p = s.node_params[node]
                if code == LIF:
                    if lif is None:
                        return k, uncompiled(s.counters, node, step)
                    n_spk, bad = node_lif(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads)
                elif code == IZH:
                    if izh is None:
                        return k, uncompiled(s.counters, node, step)
                    n_spk, bad = node_izhikevich(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance,
                                                 threads)
                elif code == ADEX:
                    if adex is None:
                        return k, uncompiled(s.counters, node, step)
                    n_spk, bad = node_adex(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads)
                elif code == HH:
                    if hh is None:
                        return k, uncompiled(s.counters, node, step)
                    n_spk, bad = node_hh(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads)
                elif code == LIF_ADAPTIVE:
                    if lif_adaptive is None:
                        return k, uncompiled(s.counters, node, step)
                    n_spk, bad = node_lif_adaptive(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance,
                                                   threads)
                elif code == POISSON:
                    if poisson is None:
                        return k, uncompiled(s.counters, node, step)
                    if s.node_record[node] == FUSED_NODE:
                        pass  # no spikes: its counts go straight into its targets (fused_parts, send_fused)
                    elif drawn:
                        n_spk, bad = emit_counts(lo, hi, s.block_spikes, s.spikes_now, n_spk)
                    elif s.par[3] != 0:
                        n_spk, bad = poisson_emit(lo, hi, s.poisson_l, s.poisson_cap, s.par[3], step,
                                                  s.node_start[n_nodes], s.spikes_now, n_spk)
                    else:
                        n_spk, bad = update_poisson(lo, hi, s.poisson_l, s.poisson_cap, s.rng_state, s.spikes_now,
                                                    n_spk)
                elif code == SPIKE_TIMES:
                    if times is None:
                        return k, uncompiled(s.counters, node, step)
                    n_spk, bad = update_spike_times(node, step, s.st_step, s.st_neuron, s.st_bounds, s.st_ptr,
                                                    s.spikes_now, n_spk)
                elif code >= CUSTOM:
                    if custom is None:
                        return k, uncompiled(s.counters, node, step)
                    n_spk, bad = custom(code - CUSTOM, node, s.node_code, s.node_start, s.node_chan, s.node_params,
                                        s.chan, s.chan_off, s.syn, s.state, s.refractory, s.i_ext, s.scratch,
                                        s.spikes_now, n_spk, s.dt, step, s.par, s.block_above, s.block_spikes)
                else:
                    return k, uncompiled(s.counters, node, step)
                if bad == -2:  # a part this node needs is not compiled in (a slot the entry lacks, say)
                    return k, uncompiled(s.counters, node, step)
                if bad >= 0:
                    s.counters[1], s.counters[2], s.counters[3] = node, step, bad
                    return k, STATUS_NAN
            s.node_spk[n_nodes] = n_spk
            # the last step's spikes reach current and conductance synapses now, at the end of this step's update
            if lagged_any:
                send(s, s.node_spk_prev, s.spikes_prev, step, True, region, threads)
            if poisson is not None and fused:
                send_fused(s, step, True, region)
            if plastic is not None:
                plasticity_step(s.pl_proj, s.pl_family, s.pl_coef, s.pl_target, s.pl_pre_off, s.pl_post_off,
                                s.pl_col, s.pre_trace, s.post_trace, s.col_ptr, s.col_syn, s.syn_pre, s.stp_u,
                                s.stp_x, s.stp_gain, s.stp_last, s.proj_src, s.proj_row, s.node_start, s.node_spk,
                                s.spikes_now, s.rowptr, s.post, s.weight, s.dt, step, s.pl_reward, s.pl_scale,
                                s.elig, s.rw_step, s.rw_value, s.rw_bounds, s.rw_ptr, s.rw_src, s.rw_pulse, s.rw_fade,
                                s.rw_sched, s.rw_level)
                if rules is not None:
                    rules(rule_state(s), step)
            if prompt_any:
                send(s, s.node_spk, s.spikes_now, step, False, False, threads)
            if poisson is not None and fused:
                send_fused(s, step, False, False)
            keep_spikes(s.spikes_now, s.node_spk, s.spikes_prev, s.node_spk_prev)
            record_spikes(s.node_spk, s.spikes_now, s.node_record, s.spike_count, s.rec_step, s.rec_id,
                          s.node_counts, s.counters, step, k)
            if s.counters[0] + most > cap:
                return k + 1, STATUS_FULL
        return n_steps, STATUS_DONE

    return run_chunk


run_chunk = _compile_run_chunk(engine_sources_digest())
_variants: dict[str, object] = {}


def update_signature(s: State):
    """The signature of a generated models' entry (``custom``, see ``run_chunk``) for this state's arrays:
    (slot, node, node_code, node_start, node_chan, node_params, chan, chan_off, syn, state, refractory, i_ext, acc,
    spikes_now, n_spk, dt, step, par, block_above, block_spikes) -> (spike count, first non-finite neuron or -1;
    -2 for a slot the entry lacks). Slot -1 runs the threads' pass of the large vectorised nodes (before the node
    loop, when ``par[0]`` > 1)."""
    i64 = numba.types.int64
    head = [numba.typeof(a) for a in (s.node_code, s.node_start, s.node_chan, s.node_params, s.chan, s.chan_off, s.syn,
                                      s.state, s.refractory, s.i_ext, s.scratch, s.spikes_now)]
    tail = [numba.typeof(a) for a in (s.par, s.block_above, s.block_spikes)]
    return numba.types.UniTuple(i64, 2)(i64, i64, *head, i64, numba.types.float64, i64, *tail)


# what a loop that runs the hand-written kernels swaps in (``run_chunk_with``): the tests' and benchmarks' reference
HAND_WRITTEN = {name: getattr(hand_written, name) for name in hand_written.__all__}


def run_chunk_with(hand_written_kernels: bool = True):
    """``run_chunk`` with the hand-written neuron kernels (``HAND_WRITTEN``) in place of the built-ins' generated
    updates: the reference the tests and benchmarks compare against. (Models and learning rules described by
    equations need no variant: the loop calls their entries.)

    The same function, given other globals and a key in its closure: numba keys its disk cache on the closure, so
    the variant is compiled once and cached beside the plain loop.
    """
    if not hand_written_kernels:
        return run_chunk
    key = "hand-written"
    if key not in _variants:
        base = run_chunk.py_func
        namespace = dict(base.__globals__, **HAND_WRITTEN)
        cell = types.CellType(base.__closure__[0].cell_contents + ":" + key)
        func = types.FunctionType(base.__code__, namespace, base.__name__, base.__defaults__, (cell,))
        func.__qualname__ = base.__qualname__
        _variants[key] = jit_loop(func)
    return _variants[key]


class Gates(NamedTuple):
    """Which parts of the time loop a network uses (``run_chunk``'s arguments after ``n_steps``, in order).

    True compiles a part; None leaves it out of the compiled loop.
    """

    lif: bool | None
    conductance: bool | None  # conductance synapses onto LIF neurons (the other models handle every kind)
    izh: bool | None
    adex: bool | None
    hh: bool | None
    lif_adaptive: bool | None  # LIF with an adaptive threshold
    poisson: bool | None
    times: bool | None
    currents: bool | None  # current inputs (dc, step, ramp, sine, OU), graded synapses and gap junctions
    plastic: bool | None  # learning rules or short-term plasticity on some projection
    # the parallel passes (numba ``prange``, most of a cold compile): ``threads_gate``; ``of`` assumes every core,
    # the simulator narrows it to its thread setting before each chunk
    threads: bool | None
    # models described by equations: True in ``of``; the loop is given their compiled entry in its place
    # (``engine.equations.loader.generated_entry``, typed as a function of ``update_signature``)
    custom: object
    # learning rules described by equations: True in ``of``; the loop is given their compiled entry in its place
    # (``engine.equations.rule_loader.generated_rules_entry``, a function of ``rules_signature``)
    rules: object

    @classmethod
    def of(cls, s: State) -> "Gates":
        """The parts this state's network uses."""
        models = set(np.unique(s.node_code).tolist())
        lif_nodes = np.flatnonzero(s.node_code == LIF)
        lif_chan = [c for node in lif_nodes for c in range(s.node_chan[node], s.node_chan[node + 1])]
        lif_conductance = bool(lif_chan) and bool((s.chan[lif_chan, CH_KIND] == CONDUCTANCE).any())
        used = (LIF in models, lif_conductance, IZH in models, ADEX in models, HH in models, LIF_ADAPTIVE in models,
                POISSON in models, SPIKE_TIMES in models, s.cur_node.shape[0] + s.gr_idx.shape[0] > 0,
                s.pl_proj.shape[0] > 0,
                threads_gate(s, parallel.cores()), any(m >= CUSTOM for m in models),
                bool((s.pl_family == DESCRIBED).any()))
        return cls(*(True if u else None for u in used))

    @classmethod
    def everything(cls) -> "Gates":
        """Every built-in part: a loop that runs any network without models or learning rules from equations
        (what ``warmup`` compiles for the all-models network); those need their entries in place of ``custom``
        and ``rules``."""
        return cls(*(True,) * (len(cls._fields) - 2), None, None)


def threads_gate(s: State, most: int) -> bool | None:
    """The ``threads`` gate for chunks of this state run on up to ``most`` threads: None (no parallel pass compiled
    in) unless some pass could take the parallel path: a LIF node of ``par[1]`` neurons or more, or ``par[2]``
    synapses or more that a step's spikes might reach. In the app on two cores (one kept for drawing) and for
    small networks (a model's preview, an F-I sweep) it is None, and the loop compiles in about half the time."""
    if most <= 1:
        return None
    sizes = np.diff(s.node_start)[s.node_code == LIF]
    wide = sizes.size > 0 and int(sizes.max()) >= s.par[1]
    return True if wide or s.post.shape[0] >= s.par[2] else None


@jit_inline
def uncompiled(counters, node, step):
    """Note the node the loop has no code for (its gate was None) and return STATUS_UNCOMPILED."""
    counters[1], counters[2], counters[3] = node, step, -1
    return STATUS_UNCOMPILED


@jit_inline
def deliver(ring, syn, chan, chan_off, step):
    """Move this step's slice of the delay ring into the synaptic state of delayed channels."""
    depth = ring.shape[0]
    if depth == 0:
        return
    row = ring[step % depth]
    for c in range(chan.shape[0]):
        if chan[c, CH_DELAYED] != 0.0:
            a, b = chan_off[c], chan_off[c + 1]
            add_and_clear(syn[a:b], row[a:b])


@jit_inline
def add_and_clear(into, src):
    """``into += src; src[:] = 0`` in one pass over slices (so LLVM vectorises it: it runs every step)."""
    for j in range(into.shape[0]):
        into[j] += src[j]
        src[j] = 0.0


@jit_part
def inject_currents(i_ext, cur_node, cur_code, cur_params, cur_off, ou, node_start, rng_state, dt, step):
    """Fill ``i_ext`` with every current input's value at this step (pA); it stays zero without inputs."""
    if cur_node.shape[0] == 0:
        return
    i_ext[:] = 0.0
    t = step * dt
    for k in range(cur_node.shape[0]):
        node = cur_node[k]
        a, b, c, d = cur_params[k, 0], cur_params[k, 1], cur_params[k, 2], cur_params[k, 3]
        code = cur_code[k]
        lo, hi = node_start[node], node_start[node + 1]
        if code == OU:
            fade = np.exp(-dt / c)
            kick = b * np.sqrt(1.0 - fade * fade)
            off = cur_off[k] - lo
            for i in range(lo, hi):
                x = ou[off + i] * fade + kick * rng.normal(rng_state)
                ou[off + i] = x
                i_ext[i] += a + x
            continue
        value = 0.0
        if code == DC:
            value = a
        elif code == STEP:
            value = a if b <= t < c else 0.0
        elif code == RAMP:
            if c <= t < d:
                value = a + (b - a) * (t - c) / (d - c)
        elif code == SINE:
            value = d + a * np.sin(2.0 * np.pi * b * t * 1e-3 + c * np.pi / 180.0)
        for i in range(lo, hi):
            i_ext[i] += value


@jit_inline
def send(s, node_spk, spikes, step, lagged, region, threads):
    """``propagate`` these spikes, except through the projections that the loop's parallel LIF region has sent
    them through (``region``: it ran this step; ``parallel.sent_by_region``), in runs of consecutive projections.
    ``threads`` is the loop's gate (None: no parallel propagation compiled)."""
    n_proj = s.proj_src.shape[0]
    p = 0
    while p < n_proj:
        q = p
        while q < n_proj and not (region and sent_by_region(s.proj_chan[q], s.node_code, s.node_start, s.node_chan,
                                                            s.chan, s.par[1])):
            q += 1
        if q > p:
            send_projections(s, p, q, node_spk, spikes, step, lagged, threads)
        p = q + 1  # projection q (if any) was sent by the region


@jit_part
def send_fused(s, step, lagged, region):
    """The fused backgrounds (``parallel.fused_input``) due now that the loop's parallel region has not added
    (``parallel.fused_parts``), after every projection of spikes: in that order on any number of threads."""
    for p in range(s.proj_src.shape[0]):
        c = s.proj_chan[p]
        if s.proj_stp[p] != FUSED or synapse_lag(s.chan, c) != lagged:
            continue
        if region and sent_by_region(c, s.node_code, s.node_start, s.node_chan, s.chan, s.par[1]):
            continue
        fused_input(p, 0, s.node_start[s.node_start.shape[0] - 1], s.proj_src, s.proj_chan, s.proj_w, s.proj_d,
                    s.proj_stp, s.chan, s.chan_off, s.node_start, s.poisson_l, s.poisson_cap, s.par[3], s.syn, s.ring,
                    s.spike_count, step)


@jit_inline
def backgrounds(node_code, node_record, proj_stp):
    """(Some projection is a fused background, some Poisson node emits spikes): which Poisson passes a chunk runs."""
    fused = False
    for p in range(proj_stp.shape[0]):
        fused = fused or proj_stp[p] == FUSED
    emitting = False
    for node in range(node_code.shape[0]):
        emitting = emitting or (node_code[node] == POISSON and node_record[node] != FUSED_NODE)
    return fused, emitting


@jit_inline
def synapse_lags(chan, proj_chan):
    """(Some projection waits a step more than its delay, some does not; ``synapse_lag``): which of the loop's two
    sends a chunk runs: an empty send is still a call and a pass over the projections every step (CUBA, whose
    projections are all current ones, spent some 4 % of a step at N = 4,000 on it)."""
    lagged, prompt = False, False
    for p in range(proj_chan.shape[0]):
        late = synapse_lag(chan, proj_chan[p])
        lagged, prompt = lagged or late, prompt or not late
    return lagged, prompt


@jit_part
def send_projections(s, p0, p1, node_spk, spikes, step, lagged, threads):
    """``propagate`` these spikes through projections ``p0:p1``, on ``s.par[0]`` threads when they reach at least
    ``s.par[2]`` synapses (and the ``threads`` gate compiled that in)."""
    src, ch, row, w, d, stp = (s.proj_src[p0:p1], s.proj_chan[p0:p1], s.proj_row[p0:p1], s.proj_w[p0:p1],
                               s.proj_d[p0:p1], s.proj_stp[p0:p1])
    if threads is not None:
        if s.par[0] > 1 and synapse_events(src, ch, row, s.rowptr, s.chan, s.node_start, node_spk, spikes, lagged,
                                           s.par[2]) >= s.par[2]:
            propagate_split(s.par[0], src, ch, row, w, d, s.rowptr, s.post, s.weight, s.delay, s.chan, s.chan_off,
                            s.node_start, node_spk, spikes, s.syn, s.ring, stp, s.stp_gain, step, lagged)
            return
    propagate(src, ch, row, w, d, s.rowptr, s.post, s.weight, s.delay, s.chan, s.chan_off, s.node_start,
              node_spk, spikes, s.syn, s.ring, stp, s.stp_gain, step, lagged)


@jit_part
def synapse_events(proj_src, proj_chan, proj_row, rowptr, chan, node_start, node_spk, spikes, lagged, enough):
    """How many synapses these spikes reach (counting stops at ``enough``)."""
    total = 0
    for p in range(proj_src.shape[0]):
        src = proj_src[p]
        if synapse_lag(chan, proj_chan[p]) != lagged:
            continue
        row0 = proj_row[p] - node_start[src]
        for k in range(node_spk[src], node_spk[src + 1]):
            row = row0 + spikes[k]
            total += rowptr[row + 1] - rowptr[row]
        if total >= enough:
            return total
    return total


@jit_part
def propagate(proj_src, proj_chan, proj_row, proj_w, proj_d, rowptr, post, weight, delay, chan, chan_off,
              node_start, node_spk, spikes_now, syn, ring, proj_stp, stp_gain, step, lagged):
    """Add each spike's weights to its targets: delay 1 straight into the state, longer into the ring.

    Spikes act exactly one delay after they are emitted, for every synapse kind (NEST's convention): a spike of
    step n through delay d moves v of a delta synapse in step n + d, before the threshold test, and makes a
    current or conductance synapse jump at the end of step n + d, so it enters the state in step n + d + 1.
    The loop therefore sends this step's spikes through delta projections (``lagged`` False) and, with
    ``lagged`` True and the last step's spikes, through the others (``synapse_lag``).
    A projection whose synapses share one weight and delay (``proj_d[p] > 0``) reads only target
    indices, a quarter of the memory traffic of the general loop. A projection with short-term
    plasticity (``proj_stp[p] >= 0``) scales each spike's weights by that spike's gain u x.
    """
    depth = ring.shape[0]
    for p in range(proj_src.shape[0]):
        src = proj_src[p]
        a, b = node_spk[src], node_spk[src + 1]
        if a == b or synapse_lag(chan, proj_chan[p]) != lagged:
            continue
        base = chan_off[proj_chan[p]]
        row0 = proj_row[p] - node_start[src]
        d_all = proj_d[p]
        if touch_rows(row0, rowptr, post, a, b, spikes_now) < 0:  # the rows into cache, their misses overlapped
            return  # never (targets are not negative); the test keeps the reads
        if d_all > 0:
            target = syn[base:] if d_all == 1 else ring[(step + d_all) % depth, base:]
            add_uniform(target, proj_w[p], row0, rowptr, post, spikes_now, a, b)
            continue
        stp = proj_stp[p]
        for k in range(a, b):
            row = row0 + spikes_now[k]
            gain = 1.0 if stp < 0 else stp_gain[stp + spikes_now[k] - node_start[src]]
            for q in range(rowptr[row], rowptr[row + 1]):
                d = delay[q]
                if d == 1:
                    syn[base + post[q]] += weight[q] * gain
                else:
                    ring[(step + d) % depth, base + post[q]] += weight[q] * gain


@jit_inline
def synapse_lag(chan, c):
    """True for channels whose input waits one step more than its delay: current and conductance ones.

    The neuron updates read these channels before adding a step's input, NEST's ``iaf_psc_exp`` after it;
    sending a spike one step later makes the two agree.
    """
    return chan[c, CH_KIND] != DELTA


@jit_inline
def keep_spikes(spikes_now, node_spk, spikes_prev, node_spk_prev):
    """Copy this step's spikes for the next step's lagged ``propagate``."""
    for k in range(node_spk[node_spk.shape[0] - 1]):
        spikes_prev[k] = spikes_now[k]
    for k in range(node_spk.shape[0]):
        node_spk_prev[k] = node_spk[k]


@jit_inline
def add_uniform(target, w, row0, rowptr, post, spikes_now, a, b):
    """``target[post] += w`` over the rows of this step's spikes ``spikes_now[a:b]``."""
    for k in range(a, b):
        row = row0 + spikes_now[k]
        for q in range(rowptr[row], rowptr[row + 1]):
            target[post[q]] += w


@jit_inline
def record_spikes(node_spk, spikes_now, node_record, spike_count, rec_step, rec_id, node_counts, counters, step, k):
    """Spike counts per neuron, per-step counts per node, and recorded (step, neuron) pairs."""
    for node in range(node_record.shape[0]):
        a, b = node_spk[node], node_spk[node + 1]
        node_counts[k, node] = b - a
        record = node_record[node]
        for q in range(a, b):
            i = spikes_now[q]
            spike_count[i] += 1
            if record:
                r = counters[0]
                rec_step[r] = step
                rec_id[r] = i
                counters[0] = r + 1


@jit_inline
def record_traces(tr_var, tr_neuron, tr_node, tr_every, tr_buf, tr_count, state, syn, chan, chan_off, node_chan,
                  node_start, step):
    """Sample traced variables at the start of the step (the value at time step * dt)."""
    for col in range(tr_var.shape[0]):
        if step % tr_every[col] != 0:
            continue
        var, i = tr_var[col], tr_neuron[col]
        if var < SYN_EXC:
            value = state[var, i]
        else:
            node = tr_node[col]
            want = 1.0 if var == SYN_EXC else 0.0
            value = 0.0
            for c in range(node_chan[node], node_chan[node + 1]):
                if chan[c, CH_EXC] == want:
                    value += syn[chan_off[c] + i - node_start[node]]
        tr_buf[tr_count[col], col] = value
        tr_count[col] += 1
