# Generated from engine/model/builtin_models by engine/equations/codegen.py (builtin_source); do not edit.
# Regenerate: python -m spikestudio.engine.model.builtin_module --write
# ruff: noqa
"""The built-in neuron models' updates, generated from their descriptions (``catalog.builtin_text``)."""

import numpy as np
from numba import prange

from .codes import ADEX, CH_DECAY, CH_KIND, CONDUCTANCE, HH, IZH, LIF, LIF_ADAPTIVE
from .jit import engine_sources_digest, jit_inline, jit_part
from .neuron_kernels import decay_channels, gather_spikes, lif_exact_input, lif_gain, synaptic_input
from .parallel import jit_parallel, send_into_blocks

__all__ = ["node_lif", "node_izhikevich", "node_adex", "node_hh", "node_lif_adaptive", "prepass_lif"]

@jit_part
def general_lif(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext, acc, spikes_now, n_spk, dt, step, currents):
    """Leaky integrate-and-fire: exact, one neuron at a time."""
    P_tau_m = p[0]
    P_C_m = p[1]
    P_E_L = p[2]
    P_V_th = p[3]
    P_V_reset = p[4]
    P_t_ref = p[5]
    P_I_e = p[6]
    ref_steps = p[7]
    t0 = step*dt
    g_leak = ((P_C_m/P_tau_m))
    i_cur = 0.0
    for i in range(lo, hi):
        exact, jump, g_sum, g_e = lif_exact_input(c0, c1, chan, chan_off, syn, i - lo)
        i_x = 0.0
        if currents is not None:
            i_x = i_ext[i]
        i_in = i_cur + g_e + i_x
        S_v = state[0, i]
        r = refractory[i]
        if r <= 0:
            g_tot = g_leak + g_sum
            v_inf = (g_leak*((P_E_L)) + g_e + ((P_I_e)) + i_ext[i])/g_tot
            N_v = v_inf + (S_v - v_inf)*np.exp(-dt*g_tot/((P_C_m))) + exact
        else:
            N_v = S_v
        if r > 0:
            refractory[i] = r - 1
            N_v = S_v
        else:
            N_v += jump
        if (N_v - N_v) != 0.0:
            return n_spk, i
        if r <= 0 and (N_v >= P_V_th):
            N_v = P_V_reset
            refractory[i] = ref_steps
            spikes_now[n_spk] = i
            n_spk += 1
        state[0, i] = N_v
    decay_channels(c0, c1, chan, chan_off, syn)
    return n_spk, -1

@jit_inline
def pass_lif(v, ref, inj, a1, k1, d1, a2, k2, d2, base, p22, gain, P_V_reset, P_V_th):
    """The fused membrane step of Leaky integrate-and-fire; returns how many neurons may have crossed threshold."""
    above = 0
    for i in range(v.shape[0]):
        r = ref[i]
        g1, g2 = a1[i], a2[i]
        vi = v[i]
        x = base + vi * p22
        if inj is not None:
            x += gain * inj[i]
        x = x + k1 * g1 + k2 * g2 + (vi - vi)
        a1[i] = g1 * d1
        a2[i] = g2 * d2
        x = x if r <= 0 else vi
        v[i] = x
        ref[i] = r - 1 if r > 0 else -1  # -1: free this step; 0: its last refractory step (no spike)
        above += 0 if ((x < P_V_th)) else 1  # & not and: no branch, so the loop vectorises
    return above


@jit_inline
def read_lif(vb, rb, offset, ref_steps, out, count, P_V_reset, P_V_th):
    """Emit and reset the neurons of a block past threshold (ids from ``offset``): (count, first non-finite
    neuron or -1). Only for blocks whose pass counted some."""
    for i in range(vb.shape[0]):
        V_v = vb[i]
        if not (((V_v < P_V_th))):
            if V_v - V_v != 0.0:
                return count, offset + i
            if rb[i] < 0 and (V_v >= P_V_th):
                V_v = P_V_reset
                vb[i] = V_v
                rb[i] = ref_steps
                out[count] = offset + i
                count += 1
    return count, -1


@jit_inline
def blocks_lif(p, v, ref, inj, a1, k1, d1, a2, k2, d2, first, last, above, off, found):
    """Blocks ``first``..``last`` of a node, pass and threshold (a task of ``region``): block b's count in
    ``above[off + b]``, its spikes at ``found[b * 256:]``."""
    P_V_th = p[3]
    P_V_reset = p[4]
    base, p22, gain = p[8], p[9], p[10]
    ref_steps = p[7]
    n = v.shape[0]
    for b in range(first, last):
        b0 = b * 256
        b1 = min(b0 + 256, n)
        if inj is not None:
            crossed = pass_lif(v[b0:b1], ref[b0:b1], inj[b0:b1], a1[b0:b1], k1, d1, a2[b0:b1], k2, d2, base, p22,
                                  gain, P_V_reset, P_V_th)
        else:
            crossed = pass_lif(v[b0:b1], ref[b0:b1], None, a1[b0:b1], k1, d1, a2[b0:b1], k2, d2, base, p22,
                                  gain, P_V_reset, P_V_th)
        above[off + b] = 0
        if crossed > 0:
            end, bad = read_lif(v[b0:b1], ref[b0:b1], b0, ref_steps, found, b0, P_V_reset, P_V_th)
            above[off + b] = end - b0 if bad < 0 else -1 - bad


@jit_inline
def update_lif(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext, acc, spikes_now, n_spk, dt, step, currents, node, node_code, node_start, node_chan, node_params, par, block_above, block_spikes, conductance, s, threaded):
    """Leaky integrate-and-fire: exact, vectorised in blocks of 256 neurons; conductances take the general path.
    With ``par[0]`` > 1 threads and at least ``par[1]`` neurons the blocks run on threads (``region``: in ``prepass``
    for a node of at most two channels, here for more), then their spikes are copied in order: the same spikes."""
    n = hi - lo
    for c in range(c0, c1):
        if chan[c, CH_KIND] == CONDUCTANCE:
            if conductance is not None:  # a gate: None compiles none of it
                return general_lif(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext, acc, spikes_now, n_spk, dt, step, currents)
            return n_spk, -2
    zero = acc[:n]
    threads = par[0] > 1 and n >= par[1]
    if threads and c1 <= c0 + 2:  # updated by the prepass's region
        return gather_spikes(block_above[lo // 256 + node:], block_spikes[lo:hi], n, lo, zero, spikes_now,
                             n_spk)
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
        if threaded is not None:  # a gate: None compiles none of the parallel region
            if threads:
                if currents is not None:
                    region(par[0], node, node + 1, True, node_code, node_start, node_chan, node_params, chan, chan_off, syn, state[0], refractory, i_ext, acc,
                           par[1], block_above, block_spikes,
                           False, s.proj_src, s.proj_chan, s.proj_row, s.proj_w, s.proj_d, s.rowptr, s.post, s.weight, s.delay,
                           s.node_spk_prev, s.spikes_prev, s.ring, s.proj_stp, s.stp_gain, step)
                else:
                    region(par[0], node, node + 1, True, node_code, node_start, node_chan, node_params, chan, chan_off, syn, state[0], refractory, None, acc,
                           par[1], block_above, block_spikes,
                           False, s.proj_src, s.proj_chan, s.proj_row, s.proj_w, s.proj_d, s.rowptr, s.post, s.weight, s.delay,
                           s.node_spk_prev, s.spikes_prev, s.ring, s.proj_stp, s.stp_gain, step)
                return gather_spikes(block_above[lo // 256 + node:], block_spikes[lo:hi], n, lo, zero,
                                     spikes_now, n_spk)
    P_V_th = p[3]
    P_V_reset = p[4]
    base, p22, gain = p[8], p[9], p[10]
    ref_steps = p[7]
    v, ref, inj = state[0, lo:hi], refractory[lo:hi], i_ext[lo:hi]
    for b0 in range(0, n, 256):
        b1 = min(b0 + 256, n)
        vb, rb, g1, g2 = v[b0:b1], ref[b0:b1], a1[b0:b1], a2[b0:b1]
        if currents is not None:
            above = pass_lif(vb, rb, inj[b0:b1], g1, k1, d1, g2, k2, d2, base, p22, gain, P_V_reset, P_V_th)
        else:
            above = pass_lif(vb, rb, None, g1, k1, d1, g2, k2, d2, base, p22, gain, P_V_reset, P_V_th)
        if above > 0:
            n_spk, bad = read_lif(vb, rb, lo + b0, ref_steps, spikes_now, n_spk, P_V_reset, P_V_th)
            if bad >= 0:  # the run stops here; leave the shared scratch all-zero as the next call expects
                for j in range(n):
                    zero[j] = 0.0
                return n_spk, bad
    return n_spk, -1

@jit_inline
def general_izhikevich(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext, acc, spikes_now, n_spk, dt, step, currents):
    """Izhikevich: euler, one neuron at a time."""
    P_a = p[0]
    P_b = p[1]
    P_c = p[2]
    P_d = p[3]
    P_V_peak = p[4]
    P_I_e = p[5]
    ref_steps = p[6]
    t0 = step*dt
    for i in range(lo, hi):
        jump, i_cur, g_sum, g_e = synaptic_input(c0, c1, chan, chan_off, syn, i - lo)
        i_x = 0.0
        if currents is not None:
            i_x = i_ext[i]
        i_in = i_cur + g_e + i_x
        S_v = state[0, i]
        S_u = state[1, i]
        r = 0
        K1_v = dt*((((((((0.04/1.0)*S_v)*S_v) + (5.0*S_v)) + (140.0*1.0))/1.0) - S_u) + ((((P_I_e + i_x + i_cur + g_e) - g_sum*S_v)*1.0)/(1.0*1.0)))
        K1_u = dt*P_a*(((P_b*S_v)/1.0) - S_u)
        N_v = S_v + K1_v
        N_u = S_u + K1_u
        if r > 0:
            refractory[i] = r - 1
        N_v += jump
        if (N_v - N_v) + (N_u - N_u) != 0.0:
            return n_spk, i
        if r <= 0 and (N_v >= P_V_peak):
            N_v = P_c
            N_u += P_d
            spikes_now[n_spk] = i
            n_spk += 1
        state[0, i] = N_v
        state[1, i] = N_u
    decay_channels(c0, c1, chan, chan_off, syn)
    return n_spk, -1

@jit_part
def general_adex(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext, acc, spikes_now, n_spk, dt, step, currents):
    """Adaptive exponential IF (AdEx): euler, one neuron at a time."""
    P_C_m = p[0]
    P_g_L = p[1]
    P_E_L = p[2]
    P_V_T = p[3]
    P_Delta_T = p[4]
    P_tau_w = p[5]
    P_a = p[6]
    P_b = p[7]
    P_V_reset = p[8]
    P_V_peak = p[9]
    P_t_ref = p[10]
    P_I_e = p[11]
    ref_steps = p[12]
    t0 = step*dt
    for i in range(lo, hi):
        jump, i_cur, g_sum, g_e = synaptic_input(c0, c1, chan, chan_off, syn, i - lo)
        i_x = 0.0
        if currents is not None:
            i_x = i_ext[i]
        i_in = i_cur + g_e + i_x
        S_v = state[0, i]
        S_w = state[1, i]
        r = refractory[i]
        if r <= 0:
            K1_v = dt*(((((-P_g_L)*(S_v - P_E_L)) + ((P_g_L*P_Delta_T)*np.exp(min(max(((S_v - P_V_T)/P_Delta_T), (-500.0)), ((P_V_peak - P_V_T)/P_Delta_T))))) - S_w) + ((P_I_e + i_x + i_cur + g_e) - g_sum*S_v))/P_C_m
            N_v = S_v + K1_v
            K1_w = dt*((P_a*(S_v - P_E_L)) - S_w)/P_tau_w
            N_w = S_w + K1_w
            N_v += jump
            if (N_v - N_v) + (N_w - N_w) != 0.0:
                return n_spk, i
            if (N_v >= P_V_peak):
                N_v = P_V_reset
                N_w += P_b
                refractory[i] = ref_steps
                spikes_now[n_spk] = i
                n_spk += 1
        else:
            refractory[i] = r - 1
            K1_w = dt*((P_a*(S_v - P_E_L)) - S_w)/P_tau_w
            N_w = S_w + K1_w
            N_v = S_v
            if (N_v - N_v) + (N_w - N_w) != 0.0:
                return n_spk, i
        state[0, i] = N_v
        state[1, i] = N_w
    decay_channels(c0, c1, chan, chan_off, syn)
    return n_spk, -1

@jit_part
def general_hh(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext, acc, spikes_now, n_spk, dt, step, currents):
    """Hodgkin-Huxley (squid axon): rush_larsen, one neuron at a time."""
    P_C_m = p[0]
    P_g_Na = p[1]
    P_g_K = p[2]
    P_g_L = p[3]
    P_E_Na = p[4]
    P_E_K = p[5]
    P_E_L = p[6]
    P_V_spike = p[7]
    P_I_e = p[8]
    ref_steps = p[9]
    t0 = step*dt
    for i in range(lo, hi):
        jump, i_cur, g_sum, g_e = synaptic_input(c0, c1, chan, chan_off, syn, i - lo)
        i_x = 0.0
        if currents is not None:
            i_x = i_ext[i]
        i_in = i_cur + g_e + i_x
        S_v = state[0, i]
        S_m = state[1, i]
        S_h = state[2, i]
        S_n = state[3, i]
        r = 1 if (S_v >= P_V_spike) else 0
        X_v = S_v
        X_m = S_m
        X_h = S_h
        X_n = S_n
        for k_sub in range(int(p[10])):
            h = p[11]
            RATE0 = ((1.0/1.0)/(np.expm1(((-(X_v + (40.0*1.0)))/(10.0*1.0)))/((-(X_v + (40.0*1.0)))/(10.0*1.0)) if ((-(X_v + (40.0*1.0)))/(10.0*1.0)) != 0.0 else 1.0))
            RATE1 = ((4.0/1.0)*np.exp(((-(X_v + (65.0*1.0)))/(18.0*1.0))))
            RATE2 = ((0.07/1.0)*np.exp(((-(X_v + (65.0*1.0)))/(20.0*1.0))))
            RATE3 = ((1.0/1.0)/(1.0 + np.exp(((-(X_v + (35.0*1.0)))/(10.0*1.0)))))
            RATE4 = ((0.1/1.0)/(np.expm1(((-(X_v + (55.0*1.0)))/(10.0*1.0)))/((-(X_v + (55.0*1.0)))/(10.0*1.0)) if ((-(X_v + (55.0*1.0)))/(10.0*1.0)) != 0.0 else 1.0))
            RATE5 = ((0.125/1.0)*np.exp(((-(X_v + (65.0*1.0)))/(80.0*1.0))))
            K1_v = h*((((((((P_g_Na*(X_m**3))*X_h)*(P_E_Na - X_v)) + ((P_g_K*(X_n**4))*(P_E_K - X_v))) + (P_g_L*(P_E_L - X_v))) + P_I_e) + i_x + i_cur + g_e) - g_sum*X_v)/P_C_m
            N_v = X_v + K1_v
            T_m = ((RATE0) + (RATE1))
            Y_m = ((RATE0))/T_m
            N_m = Y_m + (X_m - Y_m)*np.exp(-h*T_m)
            T_h = ((RATE2) + (RATE3))
            Y_h = ((RATE2))/T_h
            N_h = Y_h + (X_h - Y_h)*np.exp(-h*T_h)
            T_n = ((RATE4) + (RATE5))
            Y_n = ((RATE4))/T_n
            N_n = Y_n + (X_n - Y_n)*np.exp(-h*T_n)
            X_v = N_v
            X_m = N_m
            X_h = N_h
            X_n = N_n
        if r > 0:
            refractory[i] = r - 1
        N_v += jump
        if (N_v - N_v) + (N_m - N_m) + (N_h - N_h) + (N_n - N_n) != 0.0:
            return n_spk, i
        if r <= 0 and (N_v >= P_V_spike):
            refractory[i] = ref_steps
            spikes_now[n_spk] = i
            n_spk += 1
        state[0, i] = N_v
        state[1, i] = N_m
        state[2, i] = N_h
        state[3, i] = N_n
    decay_channels(c0, c1, chan, chan_off, syn)
    return n_spk, -1

@jit_part
def general_lif_adaptive(p, lo, hi, c0, c1, chan, chan_off, syn, state, refractory, i_ext, acc, spikes_now, n_spk, dt, step, currents):
    """LIF with adaptive threshold: exponential_leak, one neuron at a time."""
    P_tau_m = p[0]
    P_C_m = p[1]
    P_E_L = p[2]
    P_V_th = p[3]
    P_V_reset = p[4]
    P_t_ref = p[5]
    P_I_e = p[6]
    P_theta_plus = p[7]
    P_tau_theta = p[8]
    ref_steps = p[9]
    t0 = step*dt
    g_leak = ((P_C_m/P_tau_m))
    i_cur = 0.0
    DECAY_theta = p[15]
    for i in range(lo, hi):
        exact, jump, g_sum, g_e = lif_exact_input(c0, c1, chan, chan_off, syn, i - lo)
        i_x = 0.0
        if currents is not None:
            i_x = i_ext[i]
        i_in = i_cur + g_e + i_x
        S_v = state[0, i]
        S_theta = state[1, i]
        r = refractory[i]
        N_theta = S_theta*DECAY_theta
        if r <= 0:
            g_tot = g_leak + g_sum
            v_inf = (g_leak*((P_E_L)) + g_e + ((P_I_e)) + i_ext[i])/g_tot
            N_v = v_inf + (S_v - v_inf)*np.exp(-dt*g_tot/((P_C_m))) + exact
        else:
            N_v = S_v
        if r > 0:
            refractory[i] = r - 1
            N_v = S_v
        else:
            N_v += jump
        if (N_v - N_v) + (N_theta - N_theta) != 0.0:
            return n_spk, i
        if r <= 0 and (N_v >= (P_V_th + N_theta)):
            N_v = P_V_reset
            N_theta += P_theta_plus
            refractory[i] = ref_steps
            spikes_now[n_spk] = i
            n_spk += 1
        state[0, i] = N_v
        state[1, i] = N_theta
    decay_channels(c0, c1, chan, chan_off, syn)
    return n_spk, -1

@jit_inline
def on_threads(code, n, c0, c1, chan, least, wide):
    """True for a node the parallel region updates: a vectorised model, ``least`` neurons or more, no conductance
    channel, at most two channels (or more with ``wide``: the others summed into the scratch beforehand)."""
    slot = code
    if not (slot == LIF) or n < least or (c1 - c0 > 2 and not wide):
        return False
    for c in range(c0, c1):
        if chan[c, CH_KIND] == CONDUCTANCE:
            return False
    return True


def _compile(digest):
    """``region``, cached under the engine's digest (see ``kernel._compile_run_chunk``)."""

    @jit_parallel
    def region(parts, first_node, last_node, wide, node_code, node_start, node_chan, node_params, chan, chan_off, syn, v_all, ref_all, inj_all, zero, least, above, found, send, proj_src, proj_chan, proj_row, proj_w, proj_d, rowptr, post, weight, delay, node_spk_prev, spikes_prev, ring, proj_stp, stp_gain, step):
        """Every ``on_threads`` node of ``first_node``..``last_node`` in one parallel region: task ``part`` takes its
        share of each node's blocks. Node k's block b counts in ``above[node_start[k] // 256 + k + b]``
        (-1 - i for a non-finite neuron i), its spikes (local indices) at ``found[node_start[k] + b * 256:]``."""
        digest  # noqa: B018 - a closure cell, so part of numba's cache key
        for part in prange(parts):
            for node in range(first_node, last_node):
                lo, hi, c0, c1 = node_start[node], node_start[node + 1], node_chan[node], node_chan[node + 1]
                n = hi - lo
                code = node_code[node]
                if not on_threads(code, n, c0, c1, chan, least, wide):
                    continue
                a1, k1, d1 = zero[:n], 0.0, 1.0
                a2, k2, d2 = zero[:n], 0.0, 1.0
                if c1 > c0:
                    a1, k1, d1 = syn[chan_off[c0]: chan_off[c0] + n], lif_gain(chan, c0), chan[c0, CH_DECAY]
                if c1 == c0 + 2:
                    a2, k2, d2 = syn[chan_off[c0 + 1]: chan_off[c0 + 1] + n], lif_gain(chan, c0 + 1), chan[c0 + 1, CH_DECAY]
                elif c1 > c0 + 2:
                    k2, d2 = 1.0, 0.0
                nb = (n + 255) // 256
                first, last = nb * part // parts, nb * (part + 1) // parts
                off = lo // 256 + node
                p = node_params[node]
                v, ref, spikes = v_all[lo:hi], ref_all[lo:hi], found[lo:hi]
                slot = code
                if slot == LIF:
                    if inj_all is not None:
                        blocks_lif(p, v, ref, inj_all[lo:hi], a1, k1, d1, a2, k2, d2, first, last, above, off, spikes)
                    else:
                        blocks_lif(p, v, ref, None, a1, k1, d1, a2, k2, d2, first, last, above, off, spikes)
            if send:
                send_into_blocks(part, parts, node_code, node_start, node_chan, chan, least, proj_src, proj_chan, proj_row, proj_w, proj_d, rowptr, post, weight, delay, chan_off, node_spk_prev, spikes_prev, syn, ring, proj_stp, stp_gain, step)

    return region


region = _compile(engine_sources_digest())


@jit_part
def prepass_lif(s, currents, step):
    """``region`` over every node, when some node is for it (``update_lif`` then only gathers its spikes): the pass,
    the threshold and the last step's spikes into the nodes it ran, in one parallel region a step."""
    for node in range(s.node_code.shape[0]):
        lo, hi = s.node_start[node], s.node_start[node + 1]
        if on_threads(s.node_code[node], hi - lo, s.node_chan[node], s.node_chan[node + 1], s.chan, s.par[1], False):
            if currents is not None:
                region(s.par[0], 0, s.node_code.shape[0], False, s.node_code, s.node_start, s.node_chan, s.node_params, s.chan, s.chan_off, s.syn, s.state[0],
                       s.refractory, s.i_ext, s.scratch, s.par[1], s.block_above, s.block_spikes,
                       True, s.proj_src, s.proj_chan, s.proj_row, s.proj_w, s.proj_d, s.rowptr, s.post, s.weight, s.delay,
                       s.node_spk_prev, s.spikes_prev, s.ring, s.proj_stp, s.stp_gain, step)
            else:
                region(s.par[0], 0, s.node_code.shape[0], False, s.node_code, s.node_start, s.node_chan, s.node_params, s.chan, s.chan_off, s.syn, s.state[0],
                       s.refractory, None, s.scratch, s.par[1], s.block_above, s.block_spikes,
                       True, s.proj_src, s.proj_chan, s.proj_row, s.proj_w, s.proj_d, s.rowptr, s.post, s.weight, s.delay,
                       s.node_spk_prev, s.spikes_prev, s.ring, s.proj_stp, s.stp_gain, step)
            return


@jit_inline
def node_lif(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads):
    """The update of a lif node in the time loop (``s``: its ``kernel.State``)."""
    return update_lif(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.refractory, s.i_ext, s.scratch, s.spikes_now, n_spk, s.dt, step, currents, node, s.node_code, s.node_start, s.node_chan, s.node_params, s.par, s.block_above, s.block_spikes, conductance, s, threads)


@jit_inline
def node_izhikevich(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads):
    """The update of a izhikevich node in the time loop (``s``: its ``kernel.State``)."""
    return general_izhikevich(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.refractory, s.i_ext, s.scratch, s.spikes_now, n_spk, s.dt, step, currents)


@jit_inline
def node_adex(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads):
    """The update of a adex node in the time loop (``s``: its ``kernel.State``)."""
    return general_adex(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.refractory, s.i_ext, s.scratch, s.spikes_now, n_spk, s.dt, step, currents)


@jit_inline
def node_hh(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads):
    """The update of a hh node in the time loop (``s``: its ``kernel.State``)."""
    return general_hh(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.refractory, s.i_ext, s.scratch, s.spikes_now, n_spk, s.dt, step, currents)


@jit_inline
def node_lif_adaptive(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads):
    """The update of a lif_adaptive node in the time loop (``s``: its ``kernel.State``)."""
    return general_lif_adaptive(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.refractory, s.i_ext, s.scratch, s.spikes_now, n_spk, s.dt, step, currents)
