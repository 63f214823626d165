"""The vectorised LIF membrane pass and its threshold test, shared by the one-thread loop and ``parallel``."""

from .codes import CH_KIND, CH_P21, CH_SIGN, CONDUCTANCE, CURRENT, LIF
from .jit import jit_inline

__all__ = ["SPIKE_BLOCK", "lif_pass", "threshold", "lif_gain", "lif_constants", "lif_on_threads"]

SPIKE_BLOCK = 256  # neurons per block of the LIF pass: its threshold crossings are counted, then read if any


@jit_inline
def lif_pass(v, ref, inj, a1, k1, d1, a2, k2, d2, base, p22, gain, v_reset, v_th):
    """The vectorised membrane step; refractory neurons stay at V_reset. ``inj`` is the injected current, or
    None for a network without current inputs (numba then compiles the pass without that array).

    Returns how many neurons reached V_th (or became NaN): ``threshold`` reads only blocks with some.
    """
    above = 0
    for i in range(v.shape[0]):
        r = ref[i]
        g1, g2 = a1[i], a2[i]
        vi = v[i]
        x = base + vi * p22
        if inj is not None:
            x += gain * inj[i]
        x = x + k1 * g1 + k2 * g2 + (vi - vi)  # vi - vi: an infinite v becomes NaN
        a1[i] = g1 * d1
        a2[i] = g2 * d2
        x = x if r <= 0 else v_reset
        v[i] = x
        ref[i] = r - 1 if r > 0 else 0
        above += 0 if x < v_th else 1
    return above


@jit_inline
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


@jit_inline
def lif_gain(chan, c):
    """mV added to v over one step per unit of channel state: the exact propagator, or 1 for delta."""
    return chan[c, CH_SIGN] * (chan[c, CH_P21] if chan[c, CH_KIND] == CURRENT else 1.0)


@jit_inline
def lif_constants(p):
    """(p22, V_reset, gain of injected current, V_th, refractory steps, constant part of v's update) of a node."""
    p22 = p[12]
    gain = p[13] * (1.0 - p22)
    return p22, p[4], gain, p[3], p[14], p[2] * (1.0 - p22) + gain * p[6]


@jit_inline
def lif_on_threads(code, n, c0, c1, chan, least):
    """True for a LIF node that ``parallel.lif_nodes`` updates: ``least`` neurons or more, at most two channels
    (their state is the pass's a1, a2), none of them conductance."""
    if code != LIF or n < least or c1 - c0 > 2:
        return False
    for c in range(c0, c1):
        if chan[c, CH_KIND] == CONDUCTANCE:
            return False
    return True
