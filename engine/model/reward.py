"""Reward nodes: their checks, and the tables the compiled loop reads to compute each reward signal per step.

A reward node (``network.RewardInput``) is referred to by a learning rule's ``reward`` parameter; the
kernel keeps one scalar per reward node: the schedule's current value plus a spike-driven level that
decays with ``tau`` (``plasticity_kernels.reward_step``).
"""

from __future__ import annotations

import numpy as np

from .network import Network, RewardInput
from .params import ParamSpec, Problem, check_value

__all__ = ["REWARD_PARAMS", "reward_node_problems", "reward_reference_problems", "reward_tables",
           "empty_reward_tables", "reward_ids"]

REWARD_PARAMS = {
    "pulse": ParamSpec("pulse", 1.0, "", "Reward added by each spike of the source (then decays with tau)",
                       -1e6, 1e6),
    "tau": ParamSpec("tau", 200.0, "ms", "Decay time of the spike-driven reward (dopamine uptake)", 0.0, 1e6,
                     low_open=True),
}


def reward_ids(net: Network) -> list[str]:
    """The reward nodes in file order (the kernel's reward index)."""
    return [k for k, item in net.inputs.items() if isinstance(item, RewardInput)]


def reward_node_problems(item: RewardInput, net: Network, loc: str) -> list[Problem]:
    """A schedule of increasing times (ms, >= 0) with one finite value each, a source that spikes, pulse and tau."""
    problems = []
    if item.times.shape != item.values.shape:
        problems.append(Problem(loc, f"{item.times.size} times but {item.values.size} values"))
    if item.times.size and (not np.all(np.isfinite(item.times)) or item.times.min() < 0):
        problems.append(Problem(f"{loc}.times", "times must be finite and >= 0 ms"))
    elif np.any(np.diff(item.times) <= 0):
        problems.append(Problem(f"{loc}.times", "times must increase (each value holds until the next time)"))
    if not np.all(np.isfinite(item.values)):
        problems.append(Problem(f"{loc}.values", "values must be finite"))
    if not isinstance(item.source, str):
        problems.append(Problem(f"{loc}.source", "expected the id of a population or spike source, or \"\""))
    elif item.source and item.source not in net.spiking_nodes():
        why = "is not a population or spike source" if item.source in net.all_ids() else "does not exist"
        problems.append(Problem(f"{loc}.source", f'"{item.source}" {why}'))
    for name, spec in REWARD_PARAMS.items():
        problems += check_value(spec, getattr(item, name), f"{loc}.{name}")
    return problems


def reward_reference_problems(params: dict, net: Network, loc: str) -> list[Problem]:
    """A rule's ``reward`` parameter, when it has one, must name a reward node of this network."""
    if "reward" not in params:
        return []
    ref, where = params["reward"], f"{loc}.reward"
    if not isinstance(ref, str) or not ref:
        return [Problem(where, "no reward node chosen: expected the id of a reward input")]
    if ref not in net.all_ids():
        return [Problem(where, f'refers to reward node "{ref}", which does not exist')]
    if not isinstance(net.inputs.get(ref), RewardInput):
        return [Problem(where, f'"{ref}" is not a reward node')]
    return []


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
