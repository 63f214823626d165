"""Brian2 equations of models described by equations, emitted from their trees: parameters as quantities in
SpikeStudio's units (ms, mV, pA, um), named expressions inlined, ``I_syn`` as the synaptic and injected current."""

from __future__ import annotations

from ..equations.description import ModelDescription
from ..equations.inline import alias_table, inline
from ..equations.layout import layout_of
from ..equations.render import number_text
from ..equations.tree import Binary, Call, Name, Node, Num, Unary
from ..equations.units import UNITS, Dim
from ..model.network import CurrentInput, Population
from ._common import num
from .brian2_models import channel_var, current_terms, is_noise

__all__ = ["custom_group_args", "engine_unit", "si_unit"]

_ENGINE = (("s", "ms"), ("V", "mV"), ("A", "pA"), ("m", "um"))
_SI = (("s", "second"), ("V", "volt"), ("A", "amp"), ("m", "metre"))
_OPS = {"and": " and ", "or": " or ", "**": "**", "*": "*", "/": "/", "+": " + ", "-": " - ", "<": " < ",
        "<=": " <= ", ">": " > ", ">=": " >= ", "==": " == ", "!=": " != "}


def _units(dim: Dim, names) -> str:
    parts = [name + (f"**{_exp(e)}" if e != 1 else "") for (base, name), e in zip(names, dim.exps()) if e]
    return "*".join(parts) or "1"


def _exp(e: float) -> str:
    return str(int(e)) if float(e).is_integer() else f"({e!r})"


_NAMED = {Dim(A=1, V=-1): "nS", Dim(s=1, A=1, V=-1): "pF", Dim(V=1, A=-1): "Gohm", Dim(A=1, V=-1, m=-2): "nS/um**2",
          Dim(s=1, A=1, V=-1, m=-2): "pF/um**2", Dim(A=1, m=-2): "pA/um**2", Dim(s=-1): "kHz"}


def engine_unit(dim: Dim) -> str:
    """The Brian2 unit of a SpikeStudio value of this dimension (ms, mV, pA, um, nS, pF and their products)."""
    return _NAMED.get(dim) or _units(dim, _ENGINE)


def si_unit(dim: Dim) -> str:
    """The base unit Brian2 wants after ``:`` in an equation."""
    return _units(dim, _SI)


def _text(node: Node, names: dict[str, str]) -> str:
    """Brian2 text of a tree; Brian2's function names match ours except where(), which becomes arithmetic."""
    if isinstance(node, Num):
        return f"({number_text(node.value)})" if node.value < 0 else number_text(node.value)
    if isinstance(node, Name):
        return names.get(node.id, node.id)
    if isinstance(node, Unary):
        inner = _text(node.operand, names)
        return f"(not {inner})" if node.op == "not" else f"({node.op}{inner})"
    if isinstance(node, Binary):
        return f"({_text(node.left, names)}{_OPS[node.op]}{_text(node.right, names)})"
    assert isinstance(node, Call)
    args = [_text(a, names) for a in node.args]
    if node.func == "where":
        return f"({args[1]}*int({args[0]}) + {args[2]}*int(not {args[0]}))"
    if node.func in ("min", "max"):  # not among Brian2's functions: (a + b -+ |a - b|)/2
        sign = "-" if node.func == "min" else "+"
        return f"(({args[0]} + {args[1]}) {sign} abs({args[0]} - {args[1]}))/2"
    if node.func == "expm1":
        return f"(exp({args[0]}) - 1)"
    return f"{node.func}({', '.join(args)})"


def _quantity(value: float, dim: Dim, bare: bool = False) -> str:
    """A value in SpikeStudio's units as Brian2 text: ``0.08``, ``(20.0*pF)``, or ``mV`` for a unit itself."""
    if dim.dimensionless:
        return num(value) if value >= 0 else f"({num(value)})"
    unit = engine_unit(dim)
    if bare and value == 1.0 and unit.isidentifier():
        return unit
    return f"({num(value)}*{unit})"


def custom_group_args(pop: Population, desc: ModelDescription, channels: list[tuple],
                      inputs: list[CurrentInput]) -> dict:
    """What ``brian2_script`` needs for a population of a described model (as ``neuron_group_args``)."""
    plan = layout_of(desc).plan
    conductance = any(key[0] == "conductance" for key in channels)
    # Brian2's symbolic exact solver gives up (recursion) on three or more coupled variables: synaptic channels
    # then decay exactly once per step beside an exponential-Euler membrane, as for the Euler models
    exact = plan.method == "exact" and not conductance and (len(desc.state) == 1 or not channels)
    names = {p.name: _quantity(pop.params[p.name] * p.unit.factor, p.unit.dim) for p in desc.params}
    names.update({u: _quantity(unit.factor, unit.dim, bare=True) for u, unit in UNITS.items()})
    names.update({s.name: s.name for s in desc.state})
    terms, eqs, decay = [], [], []
    for k, key in enumerate(channels):
        kind, receptor, tau, e_rev = key
        var, unit = channel_var(k, key), "siemens" if kind == "conductance" else "amp"
        terms.append(f"{var}*({num(e_rev)}*mV - {desc.input_var})" if kind == "conductance"
                     else ("-" if receptor == "inhibitory" else "") + var)
        eqs.append(f"d{var}/dt = -{var}/({num(tau)}*ms) : {unit}" if exact else f"{var} : {unit}  # decays exactly")
        if not exact:
            decay.append((var, tau))
    cur_terms, ou_eqs, varying = current_terms(inputs)
    names["I_syn"] = "(" + (" + ".join(terms + cur_terms).replace("+ -", "- ") or "0*pA") + ")"
    aliases = alias_table(desc, set(names))  # units in named expressions stay Brian2 units
    clamp = set(desc.clamp)
    state_eqs = []
    for s in desc.state:
        eq = desc.equation_of(s.name)
        rhs = _text(inline(eq.expr, aliases, set(names)), names) if eq else "0"
        flag = " (unless refractory)" if s.name in clamp else ""
        state_eqs.append(f"d{s.name}/dt = {rhs} : {si_unit(s.unit.dim)}{flag}")
    threshold = _text(inline(desc.threshold, aliases, set(names)), names) if desc.threshold is not None else None
    reset = "\n".join(f"{r.var} {r.op} {_text(inline(r.expr, aliases, set(names)), names)}" for r in desc.resets)
    refractory = None
    if desc.refractory is not None:
        refractory = _text(inline(desc.refractory, aliases, set(names)), names)
    method = "exact" if exact and not varying else "exponential_euler" if plan.method == "exact" else plan.method
    init = {s.name: (engine_unit(s.unit.dim) if not s.unit.dim.dimensionless else "1",
                     f"{num(s.initial * s.unit.factor)}*{engine_unit(s.unit.dim)}") for s in desc.state}
    return {"equations": "\n".join(state_eqs + eqs + ou_eqs), "threshold": threshold, "reset": reset,
            "refractory": refractory, "method": method, "init": init, "decay": decay,
            "ou": [(k, cur.params["std"], cur.params["tau"]) for k, cur in enumerate(inputs) if is_noise(cur)]}
