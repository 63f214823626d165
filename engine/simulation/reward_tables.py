"""The tables the compiled loop reads to compute each reward node's signal per step (built from the description)."""

from __future__ import annotations

import numpy as np

from ..model.network import Network
from ..model.reward import reward_ids

__all__ = ["reward_tables", "empty_reward_tables"]


def empty_reward_tables() -> dict[str, np.ndarray]:
    return reward_tables(Network(), {}, 0.1)


def reward_tables(net: Network, node_index: dict[str, int], dt: float) -> dict[str, np.ndarray]:
    """Per reward node: schedule (steps, values), source node index (-1: none), pulse, decay per step, and the
    state the kernel updates (next schedule entry, schedule value, spike-driven level)."""
    items = [net.inputs[k] for k in reward_ids(net)]
    steps = [np.rint(item.times / dt).astype(np.int64) for item in items]
    cat = (lambda xs, dtype: np.concatenate(xs).astype(dtype) if xs else np.zeros(0, dtype))
    bounds = np.concatenate([[0], np.cumsum([s.size for s in steps], dtype=np.int64)]).astype(np.int64)
    return {
        "rw_step": cat(steps, np.int64), "rw_value": cat([i.values for i in items], np.float64),
        "rw_bounds": bounds, "rw_ptr": bounds[:-1].copy(),
        "rw_src": np.array([node_index.get(i.source, -1) for i in items], np.int64),
        "rw_pulse": np.array([i.pulse for i in items], np.float64),
        "rw_fade": np.array([np.exp(-dt / i.tau) for i in items], np.float64),
        "rw_sched": np.zeros(len(items)), "rw_level": np.zeros(len(items)),
    }
