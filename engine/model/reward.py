"""Reward nodes: their checks, and the tables the compiled loop reads to compute each reward signal per step.

A reward node (``network.RewardInput``) is referred to by a learning rule's ``reward`` parameter; the
kernel keeps one scalar per reward node: the schedule's current value plus a spike-driven level that
decays with ``tau`` (``plasticity_kernels.reward_step``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .items import RewardInput
from .params import ParamSpec, Problem, check_value

if TYPE_CHECKING:  # the network class calls these checks, so they only name it
    from .network import Network

__all__ = ["REWARD_PARAMS", "reward_node_problems", "reward_reference_problems", "reward_ids"]

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
