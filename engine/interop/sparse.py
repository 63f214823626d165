"""The synapses of a projection exactly as the engine builds them (same seed, same pre/post/weights/delays)."""

from __future__ import annotations

import numpy as np

from ..build import _values
from ..catalog import MAX_DELAY
from ..connectivity import connect_with_order, projection_seed
from ..network import Network, Projection

__all__ = ["projection_synapses", "signed_matrix"]


def projection_synapses(net: Network, proj: Projection) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pre, post, weight magnitudes, delays in steps) of ``proj``, drawn from the network's seed like ``build``."""
    nodes = net.spiking_nodes()
    src, tgt = nodes[proj.source], nodes[proj.target]
    seed = projection_seed(net.seed, proj.id)
    pre, post, order = connect_with_order(proj, src.size, tgt.size, getattr(src, "grid", None),
                                          getattr(tgt, "grid", None), seed)
    n = pre.size
    w = _values(proj.weights, order, proj.weight, n, np.random.default_rng([seed, 1]))
    d_ms = _values(proj.delays, order, proj.delay, n, np.random.default_rng([seed, 2]))
    steps = np.clip(np.rint(np.minimum(d_ms, MAX_DELAY) / net.dt), 1, None).astype(np.int64)
    return np.asarray(pre, np.int64), np.asarray(post, np.int64), np.asarray(w, np.float64), steps


def signed_matrix(n_target: int, n_source: int, pre, post, values, sign: float = 1.0) -> np.ndarray:
    """A dense (target x source) matrix of ``values``; repeated pairs (multapses) add up."""
    matrix = np.zeros((n_target, n_source))
    np.add.at(matrix, (post, pre), sign * np.asarray(values, np.float64))
    return matrix
