"""The flat table of a network's graded synapses and gap junctions (``kernels.graded_pass`` runs it).

Their pairs are drawn by the projection's connectivity rule like any synapse's (``build.draw_synapses``), but
they live apart from the CSR spike synapses: the spike propagation sees such a projection with no synapses at all,
and this table holds one row per pair with its voltages' rows and parameters.
"""

from __future__ import annotations

import numpy as np

from ..kernels import graded_pass as G
from ..model.catalog import GRADED_KINDS

__all__ = ["is_graded", "graded_table"]


def is_graded(proj) -> bool:
    """True for a projection whose synapses act between voltages every step instead of on spikes."""
    return proj.synapse.kind in GRADED_KINDS


def graded_table(net, nodes: dict, pairs: dict) -> tuple[np.ndarray, np.ndarray, dict[str, slice]]:
    """(gr_idx, gr_val, projection id -> its rows) from each graded projection's drawn (pre, post, weights)."""
    idx, val, rows, at = [], [], {}, 0
    for pid, (pre, post, w) in pairs.items():
        proj = net.projections[pid]
        src, tgt = nodes[proj.source], nodes[proj.target]
        n = pre.size
        block = np.empty((n, 5), np.int64)
        block[:, G.GR_PRE] = src.start + pre
        block[:, G.GR_POST] = tgt.start + post
        block[:, G.GR_PRE_ROW] = src.state_vars.index("v")
        block[:, G.GR_POST_ROW] = tgt.state_vars.index("v")
        block[:, G.GR_KIND] = G.GAP if proj.synapse.kind == "gap" else G.GRADED
        values = np.empty((n, 4))
        values[:, G.GR_W] = w
        values[:, G.GR_HALF] = proj.synapse.V_half
        values[:, G.GR_SLOPE] = proj.synapse.V_slope
        values[:, G.GR_EREV] = proj.synapse.E_rev
        idx.append(block)
        val.append(values)
        rows[pid] = slice(at, at + n)
        at += n
    if not idx:
        return np.zeros((0, 5), np.int64), np.zeros((0, 4)), rows
    return np.concatenate(idx), np.concatenate(val), rows
