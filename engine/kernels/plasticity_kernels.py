"""The compiled part of plasticity: traces, weight changes and short-term gains, once per step.

Runs after the neurons have spiked and before the spikes are propagated, so a spike carries the weight
its own arrival has just changed (and the short-term gain of this spike).
"""

import numpy as np

from .jit import jit_part

__all__ = ["plasticity_step", "DESCRIBED"]

STDP, STP, RSTDP = 1, 2, 3  # engine.plasticity's families (kept equal by tests/test_plasticity.py)
# a rule described by equations runs in generated code (engine.equations.rule_codegen, whose DESCRIBED this equals:
# tests/test_described_rules.py), which the loop is given as its ``rules`` entry (``kernel.Gates``)
DESCRIBED = 4


@jit_part
def plasticity_step(pl_proj, pl_family, pl_coef, pl_target, pl_pre_off, pl_post_off, pl_col, pre_trace, post_trace,
                    col_ptr, col_syn, syn_pre, stp_u, stp_x, stp_gain, stp_last, proj_src, proj_row, node_start,
                    node_spk, spikes_now, rowptr, post, weight, dt, step, pl_reward, pl_scale, elig, rw_step,
                    rw_value, rw_bounds, rw_ptr, rw_src, rw_pulse, rw_fade, rw_sched, rw_level):
    reward_step(rw_step, rw_value, rw_bounds, rw_ptr, rw_src, rw_pulse, rw_fade, rw_sched, rw_level, node_spk, step)
    for q in range(pl_proj.shape[0]):
        p = pl_proj[q]
        src = proj_src[p]
        if pl_family[q] == RSTDP:
            r = pl_reward[q]
            rstdp_step(q, p, src, pl_coef, pl_target, pl_pre_off, pl_post_off, pl_col, pre_trace, post_trace,
                       col_ptr, col_syn, syn_pre, proj_row, node_start, node_spk, spikes_now, rowptr, post, weight,
                       pl_scale, elig, rw_sched[r] + rw_level[r])
        elif pl_family[q] == STDP:
            stdp_step(q, p, src, pl_coef, pl_target, pl_pre_off, pl_post_off, pl_col, pre_trace, post_trace,
                      col_ptr, col_syn, syn_pre, proj_row, node_start, node_spk, spikes_now, rowptr, post, weight)
            total, every = pl_coef[q, 11], np.int64(pl_coef[q, 12])
            if total > 0.0 and step % every == every - 1:
                normalise(pl_col[q], node_start[pl_target[q] + 1] - node_start[pl_target[q]], col_ptr, col_syn,
                          weight, total)
        elif pl_family[q] == STP:
            stp_step(pl_coef[q], pl_pre_off[q], src, stp_u, stp_x, stp_gain, stp_last, node_start, node_spk,
                     spikes_now, dt, step)


@jit_part
def stdp_step(q, p, src, pl_coef, pl_target, pl_pre_off, pl_post_off, pl_col, pre_trace, post_trace, col_ptr,
              col_syn, syn_pre, proj_row, node_start, node_spk, spikes_now, rowptr, post, weight):
    """Decay the traces; each presynaptic spike depresses by the postsynaptic fast trace (times the slow
    presynaptic one, for triplets), each postsynaptic spike potentiates by the presynaptic fast trace (times
    the slow postsynaptic one). A pre and a post spike in the same step count as causal."""
    c = pl_coef[q]
    a2_plus, a2_minus, w_max = c[2], c[3], c[4]
    multiplicative, nearest = c[5] != 0.0, c[6] != 0.0
    a3_plus, a3_minus = c[9], c[10]
    tgt = pl_target[q]
    src_lo, tgt_lo = node_start[src], node_start[tgt]
    n_pre, n_post = node_start[src + 1] - src_lo, node_start[tgt + 1] - tgt_lo
    r1, o1 = pl_pre_off[q], pl_post_off[q]  # fast traces; the slow ones follow them
    r2, o2 = r1 + n_pre, o1 + n_post
    decay_traces(pre_trace, r1, r2, n_pre, c[0], c[7])
    decay_traces(post_trace, o1, o2, n_post, c[1], c[8])
    for k in range(node_spk[src], node_spk[src + 1]):
        i = spikes_now[k] - src_lo
        row = proj_row[p] + i
        factor = a2_minus + a3_minus * pre_trace[r2 + i]
        for s in range(rowptr[row], rowptr[row + 1]):
            w = weight[s]
            dw = factor * post_trace[o1 + post[s]] * (w if multiplicative else w_max)
            weight[s] = w - dw if w - dw > 0.0 else 0.0
        bump(pre_trace, r1 + i, r2 + i, nearest)
    for k in range(node_spk[tgt], node_spk[tgt + 1]):
        j = spikes_now[k] - tgt_lo
        col = pl_col[q] + j
        factor = a2_plus + a3_plus * post_trace[o2 + j]
        for m in range(col_ptr[col], col_ptr[col + 1]):
            s = col_syn[m]
            w = weight[s]
            dw = factor * pre_trace[r1 + syn_pre[s]] * ((w_max - w) if multiplicative else w_max)
            weight[s] = w + dw if w + dw < w_max else w_max
        bump(post_trace, o1 + j, o2 + j, nearest)


@jit_part
def reward_step(rw_step, rw_value, rw_bounds, rw_ptr, rw_src, rw_pulse, rw_fade, rw_sched, rw_level, node_spk, step):
    """Each reward node's signal at this step: the schedule's latest value plus a level that decays each step
    and jumps by ``pulse`` for every spike of the source node in this step."""
    for r in range(rw_ptr.shape[0]):
        k = rw_ptr[r]
        while k < rw_bounds[r + 1] and rw_step[k] <= step:
            rw_sched[r] = rw_value[k]
            k += 1
        rw_ptr[r] = k
        level = rw_level[r] * rw_fade[r]
        src = rw_src[r]
        if src >= 0:
            level += rw_pulse[r] * (node_spk[src + 1] - node_spk[src])
        rw_level[r] = level


@jit_part
def rstdp_step(q, p, src, pl_coef, pl_target, pl_pre_off, pl_post_off, pl_col, pre_trace, post_trace, col_ptr,
               col_syn, syn_pre, proj_row, node_start, node_spk, spikes_now, rowptr, post, weight, pl_scale, elig,
               reward):
    """Reward-modulated STDP (Izhikevich 2007): decay the traces and eligibilities, let pairings move the
    eligibility c as pair STDP would move the weight, then change each weight by lr * reward * the integral
    of c over this step (skipped without reward, so a zero reward changes nothing).

    The eligibility of synapse s is ``elig[s] * pl_scale[q]``: decaying every synapse is one multiplication
    of the scale, so a step without reward costs what pair STDP costs, not a pass over every synapse (the
    stored values are folded back into the scale before it underflows)."""
    c = pl_coef[q]
    a_plus, a_minus, w_max, c_decay, gain = c[2], c[3], c[4], c[5], c[6]
    tgt = pl_target[q]
    src_lo, tgt_lo = node_start[src], node_start[tgt]
    n_pre, n_post = node_start[src + 1] - src_lo, node_start[tgt + 1] - tgt_lo
    r1, o1 = pl_pre_off[q], pl_post_off[q]
    decay_traces(pre_trace, r1, r1 + n_pre, n_pre, c[0], 0.0)
    decay_traces(post_trace, o1, o1 + n_post, n_post, c[1], 0.0)
    lo, hi = rowptr[proj_row[p]], rowptr[proj_row[p] + n_pre]
    scale = pl_scale[q] * c_decay
    if scale < 1e-150:
        for s in range(lo, hi):
            elig[s] *= scale
        scale = 1.0
    pl_scale[q] = scale
    a_plus, a_minus = a_plus / scale, a_minus / scale  # in the stored units
    for k in range(node_spk[src], node_spk[src + 1]):
        i = spikes_now[k] - src_lo
        row = proj_row[p] + i
        for s in range(rowptr[row], rowptr[row + 1]):
            elig[s] -= a_minus * post_trace[o1 + post[s]]
        pre_trace[r1 + i] += 1.0
    for k in range(node_spk[tgt], node_spk[tgt + 1]):
        j = spikes_now[k] - tgt_lo
        col = pl_col[q] + j
        for m in range(col_ptr[col], col_ptr[col + 1]):
            s = col_syn[m]
            elig[s] += a_plus * pre_trace[r1 + syn_pre[s]]
        post_trace[o1 + j] += 1.0
    if reward == 0.0:
        return
    step_gain = gain * reward * scale
    for s in range(lo, hi):
        w = weight[s] + step_gain * elig[s]
        weight[s] = 0.0 if w < 0.0 else (w_max if w > w_max else w)


@jit_part
def normalise(col0, n_post, col_ptr, col_syn, weight, total):
    """Scale the weights onto each target neuron so they sum to ``total`` (neurons with none are left alone)."""
    for j in range(n_post):
        col = col0 + j
        s = 0.0
        for m in range(col_ptr[col], col_ptr[col + 1]):
            s += weight[col_syn[m]]
        if s > 0.0:
            f = total / s
            for m in range(col_ptr[col], col_ptr[col + 1]):
                weight[col_syn[m]] *= f


@jit_part
def decay_traces(trace, fast, slow, n, decay_fast, decay_slow):
    for i in range(n):
        trace[fast + i] *= decay_fast
        trace[slow + i] *= decay_slow


@jit_part
def bump(trace, fast, slow, nearest):
    """A spike sets its neuron's traces to 1 (nearest-neighbour) or adds 1 to them (all-to-all)."""
    if nearest:
        trace[fast], trace[slow] = 1.0, 1.0
    else:
        trace[fast] += 1.0
        trace[slow] += 1.0


@jit_part
def stp_step(c, off, src, stp_u, stp_x, stp_gain, stp_last, node_start, node_spk, spikes_now, dt, step):
    """Tsodyks-Markram: at each presynaptic spike x recovers towards 1 (tau_rec) after the last use, u
    relaxes towards U (tau_facil) and jumps by U (1 - u); the spike transmits w u x (Tsodyks et al. 1998)."""
    big_u, tau_rec, tau_fac = c[0], c[1], c[2]
    src_lo = node_start[src]
    for k in range(node_spk[src], node_spk[src + 1]):
        i = off + spikes_now[k] - src_lo
        last = stp_last[i]
        if last < 0:
            x_decay, u_decay = 0.0, 0.0
        else:
            h = (step - last) * dt
            x_decay = np.exp(-h / tau_rec)
            u_decay = np.exp(-h / tau_fac) if tau_fac > 0.0 else 0.0
        x = 1.0 + (stp_x[i] - stp_x[i] * stp_u[i] - 1.0) * x_decay
        u = big_u + stp_u[i] * (1.0 - big_u) * u_decay
        stp_x[i], stp_u[i], stp_gain[i], stp_last[i] = x, u, u * x, step
