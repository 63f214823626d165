"""The synapses of a projection exactly as the engine builds them, and as a dense matrix."""

from __future__ import annotations

import numpy as np

from ..model.network import Network, Projection
from ..simulation.build import draw_synapses

__all__ = ["projection_synapses", "signed_matrix"]


def projection_synapses(net: Network, proj: Projection) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(pre, post, weight magnitudes, delays in steps) of ``proj``: the synapses ``build`` wires."""
    pre, post, w, steps = draw_synapses(net, proj)
    return (np.asarray(pre, np.int64), np.asarray(post, np.int64), np.asarray(w, np.float64),
            steps.astype(np.int64))


def signed_matrix(n_target: int, n_source: int, pre, post, values, sign: float = 1.0) -> np.ndarray:
    """A dense (target x source) matrix of ``values``; repeated pairs (multapses) add up."""
    matrix = np.zeros((n_target, n_source))
    np.add.at(matrix, (post, pre), sign * np.asarray(values, np.float64))
    return matrix
