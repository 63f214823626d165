"""Per-node neuron updates for the compiled time loop: LIF (fixed or adaptive threshold), Izhikevich, AdEx,
Hodgkin-Huxley and spike sources.

The neuron models' kernels here are the hand-written reference: the loop runs the updates generated from the
models' descriptions (``builtin_updates``), which give these kernels' results to the bit; the loop variant of
``build.hand_written_kernels`` runs these (through ``hand_written``) for the tests and benchmarks.

Each takes only the arrays it needs and returns (spike count, first non-finite neuron or -1); each
also decays the synaptic channels of its node. The per-neuron helpers are inlined into their callers.
"""

import numpy as np

from . import rng
from .codes import CH_DECAY, CH_EREV, CH_KIND, CH_P21, CH_SIGN, CONDUCTANCE, CURRENT, DELTA, LIF
from .jit import jit_inline, jit_part
from .lif_pass import SPIKE_BLOCK, lif_constants, lif_gain, lif_on_threads, lif_pass, threshold
from .parallel import lif_blocks, lif_nodes

__all__ = ["update_lif", "lif_prepass", "update_lif_adaptive",
           "update_izhikevich", "update_adex", "update_hh", "update_poisson", "update_spike_times",
           "threshold"]


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


@jit_inline
def update_lif(p, node, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext, currents, conductance, acc,
               spikes_now, n_spk, dt, par, block_above, block_spikes, threaded):
    """Exact integration of the linear membrane with exponential current synapses (Rotter & Diesmann 1999).

    One fused, vectorisable pass updates v and decays the first two synaptic channels; any further
    channels are first summed into ``acc`` (kept all-zero between calls). The pass runs in blocks of
    ``SPIKE_BLOCK`` neurons and counts threshold crossings; only blocks with some are read for spikes,
    while they are still in L1 cache (a scan of every neuron took half the CUBA step). Delta channels are
    channels with propagator 1 and decay 0. Conductance synapses take the general loop.
    ``currents``, ``conductance`` and ``threaded`` are gates (see ``kernel.run_chunk``): None when the network has
    none (``threaded``: when the run never uses more than one thread).
    With ``par[0]`` > 1 threads and at least ``par[1]`` neurons the pass and the threshold test run on threads
    (``lif_on_threads`` nodes in ``lif_prepass`` before the node loop, others in ``parallel.lif_blocks``), then each
    block's spikes are copied here, in order: the same spikes.
    Returns (spike count, first non-finite neuron or -1).
    """
    n = hi - lo
    zero = acc[:n]
    if par[0] > 1 and lif_on_threads(LIF, n, c0, c1, chan, par[1]):  # updated by lif_nodes before the node loop
        return gather_spikes(block_above[lo // SPIKE_BLOCK + node:], block_spikes[lo:hi], n, lo, zero, spikes_now,
                             n_spk)
    if conductance is not None:
        for c in range(c0, c1):
            if chan[c, CH_KIND] == CONDUCTANCE:
                return update_lif_conductance(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext,
                                              spikes_now, n_spk, dt)
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
    p22, v_reset, gain, v_th, ref_steps, base = lif_constants(p)
    v, ref, inj = state[0, lo:hi], refractory[lo:hi], i_ext[lo:hi]
    if threaded is not None:  # a gate: None compiles no parallel pass
        if par[0] > 1 and n >= par[1]:
            if currents is not None:
                lif_blocks(v, ref, inj, a1, k1, d1, a2, k2, d2, base, p22, gain, v_reset, v_th, ref_steps,
                           block_above, block_spikes)
            else:
                lif_blocks(v, ref, None, a1, k1, d1, a2, k2, d2, base, p22, gain, v_reset, v_th, ref_steps,
                           block_above, block_spikes)
            return gather_spikes(block_above, block_spikes, n, lo, zero, spikes_now, n_spk)
    for b0 in range(0, n, SPIKE_BLOCK):  # a block is still in L1 cache when its threshold crossings are read
        b1 = min(b0 + SPIKE_BLOCK, n)
        # Slices, so the passes loop from 0: numba then knows no index is negative, and LLVM vectorises.
        vb, rb, g1, g2 = v[b0:b1], ref[b0:b1], a1[b0:b1], a2[b0:b1]
        if currents is not None:
            above = lif_pass(vb, rb, inj[b0:b1], g1, k1, d1, g2, k2, d2, base, p22, gain, v_reset, v_th)
        else:
            above = lif_pass(vb, rb, None, g1, k1, d1, g2, k2, d2, base, p22, gain, v_reset, v_th)
        if above > 0:
            n_spk, bad = threshold(vb, rb, lo + b0, v_th, v_reset, ref_steps, spikes_now, n_spk)
            if bad >= 0:  # the run stops here; leave the shared scratch all-zero as the next call expects
                for i in range(n):
                    zero[i] = 0.0
                return n_spk, bad
    return n_spk, -1


@jit_part
def lif_prepass(s, currents, step):
    """Run ``parallel.lif_nodes`` when some node is for it (``update_lif`` then only gathers that node's spikes, and
    ``kernel.send`` skips the projections it sent the last step's spikes through). ``s`` is the loop's
    ``kernel.State``; ``currents`` is the loop's gate: i_ext or None is chosen here, at compile time (an optional
    array inside the parallel region was read as None)."""
    for node in range(s.node_code.shape[0]):
        lo, hi = s.node_start[node], s.node_start[node + 1]
        if lif_on_threads(s.node_code[node], hi - lo, s.node_chan[node], s.node_chan[node + 1], s.chan, s.par[1]):
            if currents is not None:
                lif_nodes(s.par[0], s.node_code, s.node_start, s.node_chan, s.node_params, s.chan, s.chan_off, s.syn,
                          s.state[0], s.refractory, s.i_ext, s.scratch, s.par[1], s.block_above, s.block_spikes,
                          s.proj_src, s.proj_chan, s.proj_row, s.proj_w, s.proj_d, s.rowptr, s.post, s.weight,
                          s.delay, s.node_spk_prev, s.spikes_prev, s.ring, s.proj_stp, s.stp_gain, step)
            else:
                lif_nodes(s.par[0], s.node_code, s.node_start, s.node_chan, s.node_params, s.chan, s.chan_off, s.syn,
                          s.state[0], s.refractory, None, s.scratch, s.par[1], s.block_above, s.block_spikes,
                          s.proj_src, s.proj_chan, s.proj_row, s.proj_w, s.proj_d, s.rowptr, s.post, s.weight,
                          s.delay, s.node_spk_prev, s.spikes_prev, s.ring, s.proj_stp, s.stp_gain, step)
            return


@jit_inline
def gather_spikes(block_above, block_spikes, n, lo, zero, spikes_now, n_spk):
    """Copy the spikes ``parallel.lif_blocks`` found, block by block, into ``spikes_now``: (count, bad neuron)."""
    for b in range((n + SPIKE_BLOCK - 1) // SPIKE_BLOCK):
        count = block_above[b]
        if count < 0:  # the run stops here; leave the shared scratch all-zero as the next call expects
            for i in range(n):
                zero[i] = 0.0
            return n_spk, lo - 1 - count
        b0 = b * SPIKE_BLOCK
        for j in range(count):
            spikes_now[n_spk + j] = lo + block_spikes[b0 + j]
        n_spk += count
    return n_spk, -1


@jit_part
def decay_channels(c0, c1, chan, chan_off, syn):
    """Exponential decay of one node's channels over a step (delta channels have decay 0)."""
    for c in range(c0, c1):
        f = chan[c, CH_DECAY]
        for j in range(chan_off[c], chan_off[c + 1]):
            syn[j] *= f


@jit_part
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


@jit_part
def update_lif_adaptive(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext, spikes_now, n_spk, dt):
    """LIF with an adaptive threshold (Diehl & Cook 2015): theta (state row 1) decays exactly by
    exp(-dt / tau_theta) each step and grows by theta_plus at each spike; a spike needs v >= V_th + theta.

    The membrane is integrated as in ``update_lif_conductance`` (exact without conductances), one neuron at a
    time: this model serves small learning layers, so it stays out of the vectorised LIF pass.
    """
    tau_m, c_m, e_l, v_th, v_reset = p[0], p[1], p[2], p[3], p[4]
    i_e, theta_plus, ref_steps, theta_decay = p[6], p[7], p[14], p[15]
    g_leak = c_m / tau_m
    for i in range(lo, hi):
        exact, jump, g_sum, g_e = lif_exact_input(c0, c1, chan, chan_off, syn, i - lo)
        theta = state[1, i] * theta_decay
        state[1, i] = theta
        if refractory[i] > 0:
            refractory[i] -= 1
            state[0, i] = v_reset
            continue
        g_tot = g_leak + g_sum
        v_inf = (g_leak * e_l + g_e + i_e + i_ext[i]) / g_tot
        v = v_inf + (state[0, i] - v_inf) * np.exp(-dt * g_tot / c_m) + exact + jump
        if is_bad(v):
            return n_spk, i
        if v >= v_th + theta:
            v = v_reset
            state[1, i] = theta + theta_plus
            refractory[i] = ref_steps
            spikes_now[n_spk] = i
            n_spk += 1
        state[0, i] = v
    decay_channels(c0, c1, chan, chan_off, syn)
    return n_spk, -1


@jit_part
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


@jit_part
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
def exprel(x):
    """(exp(x) - 1)/x, 1 at x = 0: the HH rates' x/(exp(x) - 1) without cancellation near 0 (the description's
    ``exprel``, in the same arithmetic as its generated code)."""
    return np.expm1(x) / x if x != 0.0 else 1.0


@jit_inline
def relax(x, alpha, beta, h):
    """Exact step of dx/dt = alpha (1 - x) - beta x for constant rates (Rush-Larsen)."""
    total = alpha + beta
    x_inf = alpha / total
    return x_inf + (x - x_inf) * np.exp(-h * total)


@jit_part
def update_hh(p, lo, hi, c0, c1, chan, chan_off, syn, state, i_ext, spikes_now, n_spk):
    """Hodgkin-Huxley squid axon: v by Euler, the gates by Rush-Larsen, in sub-steps of <= 10 us; delta synapses
    jump v after them, as in the other models.

    The arithmetic is that of the description's generated code (``hh.model``, method rush_larsen), term by term,
    so the two agree to the bit. A spike is counted when v crosses V_spike upwards during the step.
    """
    c_m, g_na, g_k, g_l, e_na, e_k, e_l, v_spike, i_e = p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]
    n_sub, h_sub = int(p[12]), p[13]
    for i in range(lo, hi):
        v0, m, h, n = state[0, i], state[1, i], state[2, i], state[3, i]
        jump, current, g_sum, g_e = synaptic_input(c0, c1, chan, chan_off, syn, i - lo)
        v = v0
        for _ in range(n_sub):
            a_m, b_m = 1.0 / exprel(-(v + 40.0) / 10.0), 4.0 * np.exp(-(v + 65.0) / 18.0)
            a_h, b_h = 0.07 * np.exp(-(v + 65.0) / 20.0), 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))
            a_n, b_n = 0.1 / exprel(-(v + 55.0) / 10.0), 0.125 * np.exp(-(v + 65.0) / 80.0)
            v_new = v + h_sub * (g_na * m**3 * h * (e_na - v) + g_k * n**4 * (e_k - v) + g_l * (e_l - v) + i_e
                                 + i_ext[i] + current + g_e - g_sum * v) / c_m
            m = relax(m, a_m, b_m, h_sub)
            h = relax(h, a_h, b_h, h_sub)
            n = relax(n, a_n, b_n, h_sub)
            v = v_new
        v += jump
        if is_bad(v):
            return n_spk, i
        if v0 < v_spike <= v:
            spikes_now[n_spk] = i
            n_spk += 1
        state[0, i], state[1, i], state[2, i], state[3, i] = v, m, h, n
    decay_channels(c0, c1, chan, chan_off, syn)
    return n_spk, -1


@jit_part
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


@jit_part
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
