"""A reward node as Brian2 code: the signal that reward-modulated (three-factor) rules read, set each step.

The kernel (``plasticity_kernels.reward_step``, run after the step's spikes and before the learning rules) keeps
per reward node the schedule's latest value (``values[k]`` from step ``rint(times[k] / dt)`` on, 0 before) plus a
level that decays by ``exp(-dt / tau)`` each step and jumps by ``pulse`` for each spike of the source in that step.
The script does the same in a ``network_operation`` in the ``synapses`` slot before every pathway (the source's
spikes of the step are counted by then: a ``SpikeMonitor`` without recording keeps the counts), and writes the
value into the shared modulator variable of each Synapses whose rule reads the node. Python runs once a step, so
the script runs with the numpy or cython target (not C++ standalone). Numbers come from the node's arrays; nothing
from the file is evaluated.
"""

from __future__ import annotations

import math

import numpy as np

from ..model.network import Network, PoissonInput, RewardInput
from ._common import array_literal, ident, num
from .script_text import comment, literal

__all__ = ["reward_sources", "reward_problem", "reward_lines"]


def reward_sources(net: Network) -> set[str]:
    """The spiking nodes whose spikes drive a reward node (the script must build them as groups)."""
    return {item.source for item in net.inputs.values() if isinstance(item, RewardInput) and item.source}


def reward_problem(net: Network, reward_id: str, groups: set[str]) -> str:
    """Why the node's signal cannot be carried ("" when it can): its source is not a group of the script."""
    item = net.inputs.get(reward_id)
    if not isinstance(item, RewardInput):
        return f"the signal of {reward_id!r}, which is not a reward node"
    if item.source and item.source not in groups:
        return (f"the signal of reward node {reward_id!r}, whose source {item.source!r} is not exported as a group "
                "of neurons or spikes")
    return ""


def reward_lines(net: Network, reward_id: str, source_group: str | None, readers: list[tuple[str, str]],
                 used: set[str]) -> list[str]:
    """The node's monitor, schedule and network operation; ``readers``: (Synapses name, modulator variable)."""
    item: RewardInput = net.inputs[reward_id]
    name = ident(reward_id, "reward_", used)
    steps = np.rint(item.times / net.dt).astype(np.int64)
    fade = math.exp(-net.dt / item.tau)
    lines = [comment(f"Reward node {reward_id!r}: schedule {item.times.size} value(s)"
                     + (f", plus {num(item.pulse)} per spike of {item.source!r} decaying with {num(item.tau)} ms"
                        if item.source else "")),
             f"{name}_steps = {array_literal(steps, 'np.int64')}  # from these steps on",
             f"{name}_values = {array_literal(item.values, 'float')}  # ... these values (0 before the first)",
             f"{name}_state = {{'level': 0.0, 'seen': 0}}"]
    if source_group is not None:
        lines.append(f"{name}_count = b2.SpikeMonitor({source_group}, record=False, name={literal(name + '_count')})")
    body = ["    n = int(round(float(t / b2.defaultclock.dt)))",
            f"    k = int(np.searchsorted({name}_steps, n, side='right'))",
            f"    value = float({name}_values[k - 1]) if k else 0.0"]
    if source_group is not None:
        body += [f"    seen = int(np.sum({name}_count.count[:]))",
                 f"    {name}_state['level'] = {name}_state['level']*{num(fade)} + {num(item.pulse)}*(seen - "
                 f"{name}_state['seen'])",
                 f"    {name}_state['seen'] = seen",
                 f"    value = value + {name}_state['level']"]
    body += [f"    {syn}.{var} = value" for syn, var in readers]
    return lines + ["", "", '@b2.network_operation(when="synapses", order=-5)', f"def {name}(t):",
                    '    """The reward signal of this step, after its spikes and before any pathway or rule."""',
                    *body, "", ""]


def is_group(net: Network, node_id: str, poisson_inputs: dict[str, str]) -> bool:
    """Whether the script builds ``node_id`` as a group (a Poisson source folded into ``PoissonInput`` is not)."""
    if node_id in net.populations:
        return True
    return node_id in net.inputs and not (isinstance(net.inputs[node_id], PoissonInput)
                                          and node_id in poisson_inputs.values())
