"""The built-in synapse kinds, read once from their descriptions (``builtin_synapses/<kind>.synapse``).

The descriptions are the single source of the kinds' names, tooltips, weight units and parameter specs (what
validation and the inspector use), of each channel's decay per step (the exact solution of its equation, which
the kernels' channel passes apply) and of the equations the inspector and the Brian2 export show.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from ..equations.linear import step_exponent
from ..equations.synapse_text import SynapseDescription, parse_synapse
from .params import ParamSpec, spec_of_param

__all__ = ["KIND_ORDER", "SYNAPSE_DESCRIPTIONS", "synapse_text", "kind_specs", "channel_decay", "channel_decays"]

# The order is the kernels' kind codes (codes.DELTA, CURRENT, CONDUCTANCE; graded_pass.GRADED, GAP after them).
KIND_ORDER = ("delta", "current", "conductance", "graded", "gap")


def synapse_text(kind: str) -> str:
    """The text of a built-in synapse kind's description (package data, read through ``importlib.resources``)."""
    folder = resources.files(__package__).joinpath("builtin_synapses")
    return folder.joinpath(f"{kind}.synapse").read_text(encoding="utf-8")


SYNAPSE_DESCRIPTIONS: dict[str, SynapseDescription] = {kind: parse_synapse(synapse_text(kind), kind)
                                                       for kind in KIND_ORDER}


def kind_specs(kind: str) -> dict[str, ParamSpec]:
    """The parameter specs of one kind, in the order its description lists them."""
    return {p.name: spec_of_param(p) for p in SYNAPSE_DESCRIPTIONS[kind].params}


def channel_decay(kind: str, values: dict[str, float], dt: float) -> float:
    """The factor a channel of ``kind`` keeps over one step of ``dt`` (ms): exp(A dt) for its equation
    dX/dt = A X with the parameter ``values`` (engine units), taken as exp(-dt/tau) to the bit
    (``linear.step_exponent``); 0 without a state (a delta synapse keeps nothing)."""
    desc = SYNAPSE_DESCRIPTIONS[kind]
    x = None if desc.equation is None else step_exponent(desc.rate, values, dt)
    return 0.0 if x is None else float(np.exp(x))  # numpy's exp, as the build always took it


def channel_decays(codes: np.ndarray, taus: np.ndarray, dt: float) -> np.ndarray:
    """``channel_decay`` of each channel of the kernel's table (kind codes and time constants)."""
    return np.array([channel_decay(KIND_ORDER[int(c)], {"tau": float(t)}, dt) for c, t in zip(codes, taus)],
                    dtype=float)
