"""Graded chemical synapses and gap junctions: currents between membrane voltages, every step, no spikes.

Wicks, Roehrig & Rankin (1996) and the liquid time-constant networks (Lechner et al. 2019, Hasani et al. 2021)
model C. elegans neurons as graded potentials coupled continuously; SpikeStudio's other synapses are spike
triggered. Each step, before any node updates, this pass reads every pair's two voltages (the state at the step's
start, so the order of nodes does not matter and one and two threads agree) and adds the currents (pA, from nS
times mV) into ``i_ext``, which the neurons hold constant over the step like a current input's.
"""

import numpy as np

from .jit import jit_part

__all__ = ["GR_PRE", "GR_POST", "GR_PRE_ROW", "GR_POST_ROW", "GR_KIND", "GR_W", "GR_HALF", "GR_SLOPE", "GR_EREV",
           "GRADED", "GAP", "graded_currents"]

# columns of gr_idx (int64): global neurons, their state rows holding v, and the kind
GR_PRE, GR_POST, GR_PRE_ROW, GR_POST_ROW, GR_KIND = range(5)
# columns of gr_val (float64): weight in nS, sigmoid midpoint and slope in mV, reversal potential in mV
GR_W, GR_HALF, GR_SLOPE, GR_EREV = range(4)
GRADED, GAP = 0, 1


@jit_part
def graded_currents(i_ext, state, gr_idx, gr_val, clear):
    """Add every graded synapse's and gap junction's current into ``i_ext`` (cleared first when ``clear``: no
    current input filled it this step).

    graded: I_post = w sigmoid((v_pre - V_half) / V_slope) (E_rev - v_post);
    gap:    I_post = w (v_pre - v_post) and I_pre = -I_post (one pair stands for both directions).
    """
    if gr_idx.shape[0] == 0:
        return
    if clear:
        i_ext[:] = 0.0
    for q in range(gr_idx.shape[0]):
        i, j = gr_idx[q, GR_PRE], gr_idx[q, GR_POST]
        v_pre, v_post = state[gr_idx[q, GR_PRE_ROW], i], state[gr_idx[q, GR_POST_ROW], j]
        w = gr_val[q, GR_W]
        if gr_idx[q, GR_KIND] == GAP:
            flow = w * (v_pre - v_post)
            i_ext[j] += flow
            i_ext[i] -= flow
        else:
            active = 1.0 / (1.0 + np.exp(-(v_pre - gr_val[q, GR_HALF]) / gr_val[q, GR_SLOPE]))
            i_ext[j] += w * active * (gr_val[q, GR_EREV] - v_post)
