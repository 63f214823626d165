"""Brian2 text of the synapse kinds, emitted from their descriptions (``builtin_synapses/*.synapse``): a channel's
equation and its decay over one step, the current it gives its target and what a presynaptic spike runs; the
current of a graded synapse or gap junction.

A description's names become the script's: its state the channel's variable (``I_c0``, ``g_AMPA``), its
parameters quantities in the units they are written in (``(5.0*ms)``), the weight a number or ``w_syn`` times its
unit. Only the text is emitted; nothing is evaluated.
"""

from __future__ import annotations

from ..equations.inline import inline
from ..equations.render import to_source
from ..equations.tree import Binary, Name, Node, Num, Unary
from ..equations.units import UNITS, Dim
from ..model.synapse_kinds import SYNAPSE_DESCRIPTIONS
from ._common import num

__all__ = ["channel_unit", "channel_equation", "channel_decay_statement", "channel_current", "spike_statement",
           "graded_current"]


_SI_NAMES = {Dim(A=1): "amp", Dim(A=1, V=-1): "siemens"}  # what Brian2 writes after ':' for a channel's state


def channel_unit(kind: str) -> str:
    """The Brian2 unit of a kind's state variable: ``amp`` for a current, ``siemens`` for a conductance."""
    return _SI_NAMES[SYNAPSE_DESCRIPTIONS[kind].state.unit.dim]


def channel_equation(kind: str, var: str, values: dict[str, float]) -> str:
    """``dI_c0/dt = -I_c0/(5.0*ms)`` (without its unit): the kind's equation for the channel variable ``var``."""
    desc = SYNAPSE_DESCRIPTIONS[kind]
    return f"d{var}/dt = {_emit(desc.equation.expr, _names(kind, var, values))}"


def channel_decay_statement(kind: str, var: str, values: dict[str, float]) -> str:
    """``I_c0 = I_c0*exp(-dt/(5.0*ms))``: the exact solution of the kind's equation over one step, with A dt taken as
    (n dt)/d for A = n/d as the engine takes it (``linear.step_factors``)."""
    rate = SYNAPSE_DESCRIPTIONS[kind].rate
    dt = Name(0, "dt")
    if isinstance(rate, Binary) and rate.op == "/":
        scaled = Binary(0, "/", _times(rate.left, dt), rate.right)
    else:
        scaled = _times(rate, dt)
    return f"{var} = {var}*exp({_emit(scaled, _names(kind, var, values))})"


def channel_current(kind: str, var: str, values: dict[str, float], v: str, negative: bool = False) -> str:
    """The current the channel gives its target (``I_c0``, ``-I_c1``, ``g_c0*(0.0*mV - v)``); ``v`` names its
    potential, ``negative`` an inhibitory receptor (which flips a kind without a driving force, ``signed``)."""
    desc = SYNAPSE_DESCRIPTIONS[kind]
    names = _names(kind, var, values)
    names["v"] = Name(0, v)
    return ("-" if negative and desc.signed else "") + _emit(desc.input, names)


def spike_statement(kind: str, var: str, weight: str, negative: bool = False, gate: str = "") -> str:
    """What a presynaptic spike runs on its target (``I_c0_post += w_syn*pA``, ``v_post += -0.5*mV``); ``weight``
    is a number or ``w_syn``, ``negative`` flips a delta synapse's jump, ``gate`` multiplies it."""
    desc = SYNAPSE_DESCRIPTIONS[kind]
    target = var if desc.state is not None else desc.on_pre.var
    names = {"w": Binary(0, "*", Name(0, weight), Name(0, desc.weight.text))}
    sign = "-" if negative else ""
    return f"{target}_post {desc.on_pre.op} {sign}{_emit(desc.on_pre.expr, names)}{gate}"


def graded_current(kind: str, values: dict[str, float]) -> str:
    """The current a graded synapse or gap junction gives its target every step (``w*(v_pre - v_post)``): the
    kind's input, reading ``w``, ``v_pre`` and ``v_post`` as the script's ``Synapses`` do."""
    return _emit(SYNAPSE_DESCRIPTIONS[kind].input, _names(kind, "", values))


def _names(kind: str, var: str, values: dict[str, float]) -> dict[str, Node]:
    desc = SYNAPSE_DESCRIPTIONS[kind]
    names: dict[str, Node] = {p.name: Binary(0, "*", Name(0, num(values[p.name] / p.unit.factor)), Name(0, p.unit.text))
                              for p in desc.params if p.name in values}
    if desc.state is not None:
        names[desc.state.name] = Name(0, var)
    return names


def _times(factor: Node, dt: Node) -> Node:
    """``factor*dt``, written ``-dt`` and ``dt`` for the factors -1 and 1."""
    if isinstance(factor, Num) and factor.value in (1.0, -1.0):
        return dt if factor.value == 1.0 else Unary(0, "-", dt)
    return Binary(0, "*", factor, dt)


def _emit(tree: Node, names: dict[str, Node]) -> str:
    return to_source(inline(tree, names, set(UNITS)))
