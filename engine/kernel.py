"""The compiled time loop: a chunk of many steps runs inside numba without returning to Python.

One generic loop serves every network: it switches on each node's model code once per step, so it
compiles once and is cached on disk. Each step: deliver delayed input, inject currents, update
neurons (emit spikes), decay synapses, propagate spikes through CSR synapses, record.
All arrays live in a ``State`` named tuple built by ``engine.build``; parameters live in arrays, so
changing a value between chunks needs no recompilation.
"""

from typing import NamedTuple

import numpy as np

from . import rng
from .jit import jit, jit_inline

__all__ = ["State", "run_chunk", "LIF", "IZH", "ADEX", "HH", "POISSON", "SPIKE_TIMES", "N_PARAM",
           "DELTA", "CURRENT", "CONDUCTANCE", "STATUS_DONE", "STATUS_FULL", "STATUS_NAN"]

LIF, IZH, ADEX, HH, POISSON, SPIKE_TIMES = 0, 1, 2, 3, 10, 11
DELTA, CURRENT, CONDUCTANCE = 0, 1, 2
DC, STEP, RAMP, SINE, OU = 0, 1, 2, 3, 4
N_PARAM = 16  # columns of node_params: model parameters first, derived constants from column 12
STATUS_DONE, STATUS_FULL, STATUS_NAN = 0, 1, 2
SYN_EXC, SYN_INH = 4, 5  # trace variable codes beyond the four state rows
CH_KIND, CH_SIGN, CH_DECAY, CH_EREV, CH_P21, CH_EXC, CH_DELAYED, CH_TAU = range(8)  # columns of the channel table


# What the kernel writes while it runs (besides scratch buffers); a reset restores these.
MUTABLE_FIELDS = ("state", "refractory", "i_ext", "syn", "ring", "st_ptr", "ou", "rng_state", "spike_count",
                  "counters", "scratch")


class State(NamedTuple):
    """Every array the kernel reads or writes (shapes in comments; N neurons, C channels, S synapses)."""

    dt: float
    poisson_cap: int  # most spikes one Poisson neuron may emit in a step (sized from the largest rate)
    node_code: np.ndarray  # (nodes,) model code
    node_start: np.ndarray  # (nodes + 1,) first global neuron of each node
    node_params: np.ndarray  # (nodes, N_PARAM)
    node_chan: np.ndarray  # (nodes + 1,) channels targeting each node are node_chan[k]:node_chan[k+1]
    node_record: np.ndarray  # (nodes,) 1 when the node's spikes are recorded
    state: np.ndarray  # (4, N): v, u|w|m, h, n
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


@jit
def run_chunk(s, step0, n_steps):
    """Run up to ``n_steps`` steps from global step ``step0``; returns (steps done, status).

    Stops early when the spike recorder is nearly full (STATUS_FULL) or a state became NaN or
    infinite (STATUS_NAN, with node, step and neuron in ``s.counters``). Helpers take only the
    arrays they need, which keeps them small and quick to compile.
    """
    n_nodes = s.node_code.shape[0]
    most = s.spikes_now.shape[0]
    cap = s.rec_step.shape[0]
    s.tr_count[:] = 0
    has_currents = s.cur_node.shape[0] > 0
    for k in range(n_steps):
        step = step0 + k
        record_traces(s.tr_var, s.tr_neuron, s.tr_node, s.tr_every, s.tr_buf, s.tr_count, s.state, s.syn,
                      s.chan, s.chan_off, s.node_chan, s.node_start, step)
        deliver(s.ring, s.syn, s.chan, s.chan_off, step)
        inject_currents(s.i_ext, s.cur_node, s.cur_code, s.cur_params, s.cur_off, s.ou, s.node_start,
                        s.rng_state, s.dt, step)
        n_spk = 0
        for node in range(n_nodes):
            s.node_spk[node] = n_spk
            lo, hi = s.node_start[node], s.node_start[node + 1]
            c0, c1 = s.node_chan[node], s.node_chan[node + 1]
            code = s.node_code[node]
            p = s.node_params[node]
            if code == LIF:
                n_spk, bad = update_lif(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.refractory,
                                        s.i_ext, has_currents, s.scratch, s.spikes_now, n_spk, s.dt)
            elif code == IZH:
                n_spk, bad = update_izhikevich(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.i_ext,
                                               s.spikes_now, n_spk, s.dt)
            elif code == ADEX:
                n_spk, bad = update_adex(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.refractory,
                                         s.i_ext, s.spikes_now, n_spk, s.dt)
            elif code == HH:
                n_spk, bad = update_hh(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.i_ext,
                                       s.spikes_now, n_spk)
            elif code == POISSON:
                n_spk, bad = update_poisson(lo, hi, s.poisson_l, s.poisson_cap, s.rng_state, s.spikes_now, n_spk)
            else:
                n_spk, bad = update_spike_times(node, step, s.st_step, s.st_neuron, s.st_bounds, s.st_ptr,
                                                s.spikes_now, n_spk)
            if bad >= 0:
                s.counters[1], s.counters[2], s.counters[3] = node, step, bad
                return k, STATUS_NAN
        s.node_spk[n_nodes] = n_spk
        propagate(s.proj_src, s.proj_chan, s.proj_row, s.proj_w, s.proj_d, s.rowptr, s.post, s.weight, s.delay,
                  s.chan_off, s.node_start, s.node_spk, s.spikes_now, s.syn, s.ring, step)
        record_spikes(s.node_spk, s.spikes_now, s.node_record, s.spike_count, s.rec_step, s.rec_id,
                      s.node_counts, s.counters, step, k)
        if s.counters[0] + most > cap:
            return k + 1, STATUS_FULL
    return n_steps, STATUS_DONE


@jit
def deliver(ring, syn, chan, chan_off, step):
    """Move this step's slice of the delay ring into the synaptic state of delayed channels."""
    depth = ring.shape[0]
    if depth == 0:
        return
    row = step % depth
    for c in range(chan.shape[0]):
        if chan[c, CH_DELAYED] != 0.0:
            for j in range(chan_off[c], chan_off[c + 1]):
                syn[j] += ring[row, j]
                ring[row, j] = 0.0


@jit
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
def synaptic_input(c0, c1, chan, chan_off, syn, j_local):
    """(delta jump in mV, current in pA, summed conductance in nS, summed g * E_rev) into one neuron."""
    jump, current, g_sum, g_e = 0.0, 0.0, 0.0, 0.0
    for c in range(c0, c1):
        j = chan_off[c] + j_local
        x = syn[j]
        kind = chan[c, CH_KIND]
        if kind == DELTA:
            jump += chan[c, CH_SIGN] * x
            syn[j] = 0.0
        elif kind == CURRENT:
            current += chan[c, CH_SIGN] * x
        else:
            g_sum += x
            g_e += x * chan[c, CH_EREV]
    return jump, current, g_sum, g_e


@jit_inline
def lif_exact_input(c0, c1, chan, chan_off, syn, j_local):
    """Like ``synaptic_input`` but current synapses enter through the exact propagator (mV over one step)."""
    exact, jump, g_sum, g_e = 0.0, 0.0, 0.0, 0.0
    for c in range(c0, c1):
        j = chan_off[c] + j_local
        kind = chan[c, CH_KIND]
        if kind == CURRENT:
            exact += chan[c, CH_SIGN] * chan[c, CH_P21] * syn[j]
        elif kind == DELTA:
            jump += chan[c, CH_SIGN] * syn[j]
            syn[j] = 0.0
        else:
            g_sum += syn[j]
            g_e += syn[j] * chan[c, CH_EREV]
    return exact, jump, g_sum, g_e


@jit_inline
def is_bad(v):
    """True for NaN or infinity."""
    return not (v - v == 0.0)


@jit
def update_lif(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext, has_currents, acc, spikes_now,
               n_spk, dt):
    """Exact integration of the linear membrane with exponential current synapses (Rotter & Diesmann 1999).

    One fused, vectorisable pass updates v and decays the first two synaptic channels; any further
    channels are first summed into ``acc`` (kept all-zero between calls). Delta channels are
    channels with propagator 1 and decay 0. Conductance synapses take the general loop.
    Returns (spike count, first non-finite neuron or -1).
    """
    n = hi - lo
    for c in range(c0, c1):
        if chan[c, CH_KIND] == CONDUCTANCE:
            return update_lif_conductance(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext,
                                          spikes_now, n_spk, dt)
    zero = acc[:n]
    a1, k1, d1 = zero, 0.0, 1.0
    a2, k2, d2 = zero, 0.0, 1.0
    if c1 > c0:
        a1, k1, d1 = syn[chan_off[c0]: chan_off[c0] + n], lif_gain(chan, c0), chan[c0, CH_DECAY]
    if c1 == c0 + 2:
        a2, k2, d2 = syn[chan_off[c0 + 1]: chan_off[c0 + 1] + n], lif_gain(chan, c0 + 1), chan[c0 + 1, CH_DECAY]
    elif c1 > c0 + 2:
        for c in range(c0 + 1, c1):
            k, f, g = lif_gain(chan, c), chan[c, CH_DECAY], syn[chan_off[c]: chan_off[c] + n]
            for i in range(n):
                zero[i] += k * g[i]
                g[i] *= f
        k2, d2 = 1.0, 0.0
    p22, v_reset = p[12], p[4]
    rest = p[2] * (1.0 - p22)
    gain = p[13] * (1.0 - p22)
    i_e = p[6]
    v, ref, inj = state[0, lo:hi], refractory[lo:hi], i_ext[lo:hi]
    if has_currents:
        lif_pass(v, ref, inj, a1, k1, d1, a2, k2, d2, rest + gain * i_e, p22, gain, v_reset)
    else:
        lif_pass_no_input(v, ref, a1, k1, d1, a2, k2, d2, rest + gain * i_e, p22, v_reset)
    return threshold(v, ref, lo, p[3], v_reset, p[14], spikes_now, n_spk)


@jit
def lif_pass(v, ref, inj, a1, k1, d1, a2, k2, d2, base, p22, gain, v_reset):
    """The vectorised membrane step with injected current; refractory neurons stay at V_reset."""
    for i in range(v.shape[0]):
        r = ref[i]
        g1, g2 = a1[i], a2[i]
        vi = v[i]
        x = base + vi * p22 + gain * inj[i] + k1 * g1 + k2 * g2 + (vi - vi)  # vi - vi: an infinite v becomes NaN
        a1[i] = g1 * d1
        a2[i] = g2 * d2
        v[i] = x if r <= 0 else v_reset
        ref[i] = r - 1 if r > 0 else 0


@jit
def lif_pass_no_input(v, ref, a1, k1, d1, a2, k2, d2, base, p22, v_reset):
    """``lif_pass`` without injected current: one array fewer to stream through memory."""
    for i in range(v.shape[0]):
        r = ref[i]
        g1, g2 = a1[i], a2[i]
        vi = v[i]
        x = base + vi * p22 + k1 * g1 + k2 * g2 + (vi - vi)  # vi - vi: an infinite v becomes NaN
        a1[i] = g1 * d1
        a2[i] = g2 * d2
        v[i] = x if r <= 0 else v_reset
        ref[i] = r - 1 if r > 0 else 0


@jit_inline
def lif_gain(chan, c):
    """mV added to v over one step per unit of channel state: the exact propagator, or 1 for delta."""
    return chan[c, CH_SIGN] * (chan[c, CH_P21] if chan[c, CH_KIND] == CURRENT else 1.0)


@jit
def decay_channels(c0, c1, chan, chan_off, syn):
    """Exponential decay of one node's channels over a step (delta channels have decay 0)."""
    for c in range(c0, c1):
        f = chan[c, CH_DECAY]
        for j in range(chan_off[c], chan_off[c + 1]):
            syn[j] *= f


@jit
def threshold(v, ref, lo, v_th, v_reset, ref_steps, spikes_now, n_spk):
    """Emit and reset neurons at or above threshold; (count, first non-finite neuron or -1).

    ``not (x < v_th)`` also holds for NaN and +inf; the LIF passes turn an infinite v into NaN.

    ``v`` and ``ref`` are the node's slices; ``lo`` turns their indices into global neuron ids.
    """
    for i in range(v.shape[0]):
        x = v[i]
        if not (x < v_th):
            if x - x != 0.0:
                return n_spk, lo + i
            v[i] = v_reset
            ref[i] = ref_steps
            spikes_now[n_spk] = lo + i
            n_spk += 1
    return n_spk, -1


@jit
def update_lif_conductance(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext, spikes_now, n_spk,
                           dt):
    """LIF with conductance synapses: exponential-Euler step of the conductance-augmented leak."""
    tau_m, c_m, e_l, v_th, v_reset = p[0], p[1], p[2], p[3], p[4]
    i_e, ref_steps = p[6], p[14]
    for i in range(lo, hi):
        exact, jump, g_sum, g_e = lif_exact_input(c0, c1, chan, chan_off, syn, i - lo)
        if refractory[i] > 0:
            refractory[i] -= 1
            state[0, i] = v_reset
            continue
        g_leak = c_m / tau_m
        g_tot = g_leak + g_sum
        v_inf = (g_leak * e_l + g_e + i_e + i_ext[i]) / g_tot
        state[0, i] = v_inf + (state[0, i] - v_inf) * np.exp(-dt * g_tot / c_m) + exact + jump
    decay_channels(c0, c1, chan, chan_off, syn)
    return threshold(state[0, lo:hi], refractory[lo:hi], lo, v_th, v_reset, ref_steps, spikes_now, n_spk)


@jit
def update_izhikevich(p, lo, hi, c0, c1, chan, chan_off, syn, state, i_ext, spikes_now, n_spk, dt):
    """Forward Euler at dt, as NEST's izhikevich model (1 pA raises dv/dt by 1 mV/ms)."""
    a, b, c, d, v_peak, i_e = p[0], p[1], p[2], p[3], p[4], p[5]
    for i in range(lo, hi):
        v, u = state[0, i], state[1, i]
        jump, current, g_sum, g_e = synaptic_input(c0, c1, chan, chan_off, syn, i - lo)
        i_tot = i_e + i_ext[i] + current + g_e - g_sum * v
        v_new = v + dt * (0.04 * v * v + 5.0 * v + 140.0 - u + i_tot) + jump
        u = u + dt * a * (b * v - u)
        if is_bad(v_new):
            return n_spk, i
        if v_new >= v_peak:
            v_new = c
            u += d
            spikes_now[n_spk] = i
            n_spk += 1
        state[0, i] = v_new
        state[1, i] = u
    decay_channels(c0, c1, chan, chan_off, syn)
    return n_spk, -1


@jit
def update_adex(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext, spikes_now, n_spk, dt):
    """Forward Euler with the exponential capped at the spike cut-off (Brette & Gerstner 2005)."""
    c_m, g_l, e_l, v_t, delta_t, tau_w = p[0], p[1], p[2], p[3], p[4], p[5]
    a, b, v_reset, v_peak, i_e, ref_steps = p[6], p[7], p[8], p[9], p[11], p[14]
    cap = (v_peak - v_t) / delta_t
    for i in range(lo, hi):
        v, w = state[0, i], state[1, i]
        jump, current, g_sum, g_e = synaptic_input(c0, c1, chan, chan_off, syn, i - lo)
        if refractory[i] > 0:
            refractory[i] -= 1
            state[0, i] = v_reset
            state[1, i] = w + dt * (a * (v_reset - e_l) - w) / tau_w
            continue
        spike_term = g_l * delta_t * np.exp(min((v - v_t) / delta_t, cap))
        i_tot = i_e + i_ext[i] + current + g_e - g_sum * v
        v_new = v + dt * (-g_l * (v - e_l) + spike_term - w + i_tot) / c_m + jump
        w = w + dt * (a * (v - e_l) - w) / tau_w
        if is_bad(v_new + w):
            return n_spk, i
        if v_new >= v_peak:
            v_new = v_reset
            w += b
            refractory[i] = ref_steps
            spikes_now[n_spk] = i
            n_spk += 1
        state[0, i] = v_new
        state[1, i] = w
    decay_channels(c0, c1, chan, chan_off, syn)
    return n_spk, -1


@jit_inline
def vtrap(x, y):
    """x / (exp(x / y) - 1), finite at x = 0."""
    if abs(x / y) < 1e-6:
        return y * (1.0 - x / y / 2.0)
    return x / (np.exp(x / y) - 1.0)


@jit_inline
def relax(x, alpha, beta, h):
    """Exact step of dx/dt = alpha (1 - x) - beta x for constant rates (Rush-Larsen)."""
    total = alpha + beta
    x_inf = alpha / total
    return x_inf + (x - x_inf) * np.exp(-h * total)


@jit
def update_hh(p, lo, hi, c0, c1, chan, chan_off, syn, state, i_ext, spikes_now, n_spk):
    """Hodgkin-Huxley squid axon: gates by exponential Euler, v by Euler, in sub-steps of <= 10 us.

    A spike is counted when v crosses V_spike upwards during the step.
    """
    c_m, g_na, g_k, g_l, e_na, e_k, e_l, v_spike, i_e = p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]
    n_sub, h_sub = int(p[12]), p[13]
    for i in range(lo, hi):
        v0, m, h, n = state[0, i], state[1, i], state[2, i], state[3, i]
        jump, current, g_sum, g_e = synaptic_input(c0, c1, chan, chan_off, syn, i - lo)
        v = v0 + jump
        i_in = i_e + i_ext[i] + current
        for _ in range(n_sub):
            a_m, b_m = 0.1 * vtrap(-(v + 40.0), 10.0), 4.0 * np.exp(-(v + 65.0) / 18.0)
            a_h, b_h = 0.07 * np.exp(-(v + 65.0) / 20.0), 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))
            a_n, b_n = 0.01 * vtrap(-(v + 55.0), 10.0), 0.125 * np.exp(-(v + 65.0) / 80.0)
            i_ion = g_na * m * m * m * h * (e_na - v) + g_k * n * n * n * n * (e_k - v) + g_l * (e_l - v)
            v = v + h_sub * (i_ion + i_in + g_e - g_sum * v) / c_m
            m = relax(m, a_m, b_m, h_sub)
            h = relax(h, a_h, b_h, h_sub)
            n = relax(n, a_n, b_n, h_sub)
        if is_bad(v):
            return n_spk, i
        if v0 < v_spike <= v:
            spikes_now[n_spk] = i
            n_spk += 1
        state[0, i], state[1, i], state[2, i], state[3, i] = v, m, h, n
    decay_channels(c0, c1, chan, chan_off, syn)
    return n_spk, -1


@jit
def update_poisson(lo, hi, poisson_l, cap, rng_state, spikes_now, n_spk):
    """Poisson spike counts per neuron and step (Knuth's method; ``poisson_l`` = exp(-rate * dt)).

    A neuron driven above one spike per step (a summed external drive) emits the same id several
    times, each carrying its weight. ``cap`` lies ~10 standard deviations above the largest mean.
    """
    for i in range(lo, hi):
        limit = poisson_l[i]
        prod = rng.uniform(rng_state)
        k = 0
        while prod > limit and k < cap:
            spikes_now[n_spk] = i
            n_spk += 1
            k += 1
            prod *= rng.uniform(rng_state)
    return n_spk, -1


@jit
def update_spike_times(node, step, st_step, st_neuron, st_bounds, st_ptr, spikes_now, n_spk):
    """Emit the spikes scheduled for this step (entries are sorted by step)."""
    k = st_ptr[node]
    end = st_bounds[node + 1]
    while k < end and st_step[k] < step:
        k += 1
    while k < end and st_step[k] == step:
        spikes_now[n_spk] = st_neuron[k]
        n_spk += 1
        k += 1
    st_ptr[node] = k
    return n_spk, -1


@jit
def propagate(proj_src, proj_chan, proj_row, proj_w, proj_d, rowptr, post, weight, delay, chan_off, node_start,
              node_spk, spikes_now, syn, ring, step):
    """Add each spike's weights to its targets: delay 1 straight into the state, longer into the ring.

    A projection whose synapses share one weight and delay (``proj_d[p] > 0``) reads only target
    indices, a quarter of the memory traffic of the general loop.
    """
    depth = ring.shape[0]
    for p in range(proj_src.shape[0]):
        src = proj_src[p]
        a, b = node_spk[src], node_spk[src + 1]
        if a == b:
            continue
        base = chan_off[proj_chan[p]]
        row0 = proj_row[p] - node_start[src]
        d_all = proj_d[p]
        if d_all > 0:
            target = syn[base:] if d_all == 1 else ring[(step + d_all) % depth, base:]
            add_uniform(target, proj_w[p], row0, rowptr, post, spikes_now, a, b)
            continue
        for k in range(a, b):
            row = row0 + spikes_now[k]
            for q in range(rowptr[row], rowptr[row + 1]):
                d = delay[q]
                if d == 1:
                    syn[base + post[q]] += weight[q]
                else:
                    ring[(step + d) % depth, base + post[q]] += weight[q]


@jit
def add_uniform(target, w, row0, rowptr, post, spikes_now, a, b):
    """``target[post] += w`` over the rows of this step's spikes ``spikes_now[a:b]``."""
    for k in range(a, b):
        row = row0 + spikes_now[k]
        for q in range(rowptr[row], rowptr[row + 1]):
            target[post[q]] += w


@jit
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


@jit
def record_traces(tr_var, tr_neuron, tr_node, tr_every, tr_buf, tr_count, state, syn, chan, chan_off, node_chan,
                  node_start, step):
    """Sample traced variables at the start of the step (the value at time step * dt)."""
    for col in range(tr_var.shape[0]):
        if step % tr_every[col] != 0:
            continue
        var, i = tr_var[col], tr_neuron[col]
        if var < 4:
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
