"""Poisson sources drawn from counter-based numbers (``rng.counter_uniform``): each neuron's draws depend only on
the key, the step and the neuron, so a large background (the microcircuit's 77,000 Poisson trains, half of its
one-thread step when drawn from the loop's single stream) is drawn on threads with the spikes of one thread.

A network uses them when its Poisson sources hold ``PARALLEL_NEURONS`` neurons or more (``State.par[3]``, the key,
is then non-zero; see ``engine.simulation.build``); smaller ones keep the loop's stream (``update_poisson``).

A *fused* background (``fused_adds``; the build decides, ``engine.simulation.fusion``) emits no spikes at all: as
Brian2's PoissonInput and NEST's poisson_generator, each target neuron's count is drawn where its input is added
and enters its synapse as weight x count (the serial emit and the propagation of 130,000 spikes a step were the
excess of two threads in the full microcircuit).
"""

from . import rng
from .jit import jit, jit_inline

__all__ = ["poisson_counts", "poisson_emit", "emit_counts", "fused_adds", "step_totals"]


@jit_inline
def draw_count(limit, cap, key, step, i, stride):
    """Knuth's method for neuron ``i`` (``limit`` = exp(-rate * dt)), at most ``cap`` spikes."""
    base = rng.counter_base(key, step, i, stride)
    prod = rng.counter_uniform(base, 0)
    k = 0
    while prod > limit and k < cap:
        k += 1
        prod *= rng.counter_uniform(base, k)
    return k


@jit_inline
def poisson_counts(lo, hi, poisson_l, cap, key, step, stride, counts):
    """Each neuron's spike count this step into ``counts[i]`` (a task's share of a node, on a thread)."""
    for i in range(lo, hi):
        counts[i] = draw_count(poisson_l[i], cap, key, step, i, stride)


@jit_inline
def emit_counts(lo, hi, counts, spikes_now, n_spk):
    """The spikes of ``poisson_counts`` in neuron order (a neuron's id once per spike), as ``poisson_emit``."""
    for i in range(lo, hi):
        for _ in range(counts[i]):
            spikes_now[n_spk] = i
            n_spk += 1
    return n_spk, -1


@jit_inline
def poisson_emit(lo, hi, poisson_l, cap, key, step, stride, spikes_now, n_spk):
    """``poisson_counts`` and ``emit_counts`` in one pass (one thread)."""
    for i in range(lo, hi):
        for _ in range(draw_count(poisson_l[i], cap, key, step, i, stride)):
            spikes_now[n_spk] = i
            n_spk += 1
    return n_spk, -1


@jit_inline
def fused_adds(t_lo, t_hi, lo, w, target, poisson_l, cap, key, step, stride, spike_count, counting):
    """A fused one_to_one background into targets ``[t_lo, t_hi)`` (local indices, source neuron ``lo + j`` onto
    target ``j``): ``target[j] += w * count`` with each source neuron's count of ``step`` (the spikes' own step,
    so any thread draws the count any other would). ``counting``: the count also goes into the source neuron's
    ``spike_count`` (the node's first fused projection does it, so a spike is counted once, as an emitted one)."""
    for j in range(t_lo, t_hi):
        k = draw_count(poisson_l[lo + j], cap, key, step, lo + j, stride)
        if k > 0:
            target[j] += w * k
            if counting:
                spike_count[lo + j] += k


@jit
def step_totals(lo, hi, poisson_l, cap, key, step0, stride, totals):
    """The spikes neurons ``[lo, hi)`` draw in step ``step0 + s`` into ``totals[s]``: a fused background's per-step
    counts, redrawn (exactly, counter-based) for a live rate plot that asks for them."""
    for s in range(totals.shape[0]):
        n = 0
        for i in range(lo, hi):
            n += draw_count(poisson_l[i], cap, key, step0 + s, i, stride)
        totals[s] = n
