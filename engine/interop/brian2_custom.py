"""Brian2 equations of every neuron model, emitted from its description's trees (the built-ins' own descriptions
included): parameters as quantities in SpikeStudio's units (ms, mV, pA, um), named expressions inlined, ``I_syn``
as the synaptic and injected current, initial values from ``init`` lines, refractoriness in SpikeStudio's steps."""

from __future__ import annotations

import numpy as np

from ..equations.description import ModelDescription
from ..equations.evaluate import evaluate
from ..equations.inline import inline
from ..equations.layout import ModelLayout, layout_of
from ..equations.render import number_text
from ..equations.tree import Binary, Call, Name, Node, Num, Unary
from ..equations.units import UNITS, Dim
from ..model.catalog import NEURON_MODELS, builtin_description
from ..model.network import CurrentInput, Network, Population
from ._common import num
from .brian2_models import channel_var, current_terms, is_noise, refractory_period
from .brian2_synapses import channel_current, channel_decay_statement, channel_equation, channel_unit

# exponential_leak is exact without conductance synapses (its other variables decay on their own)
_EXACT = ("exact", "exponential_leak")
# Brian2 has no Rush-Larsen: its exponential Euler takes the gates the same way (and v too, where ours takes Euler)
_STEPPED = _EXACT + ("rush_larsen",)


def model_description(net: Network, model_id: str) -> ModelDescription | None:
    """The description of a population's model: a built-in's own, or the network's; None for an unknown id."""
    return builtin_description(model_id) if model_id in NEURON_MODELS else net.models.get(model_id)

__all__ = ["custom_group_args", "model_description", "engine_unit", "si_unit"]

COINCIDENT = 1e-6  # relative difference of two rates below which Brian2's exact formula loses its digits
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


def coincident_rates(layout: ModelLayout, pop: Population, taus: list[float]) -> bool:
    """Whether a synaptic channel decays at the rate of one of the model's linear modes (tau_syn = tau_m for a
    LIF). Brian2's exact solution then divides 0 by 0 (a NaN at the first spike), so the channels decay once per
    step instead, as beside every non-exact membrane."""
    if layout.plan.method != "exact" or not taus:
        return False
    n = len(layout.desc.state)
    values = {p.name: float(pop.params.get(p.name, p.default)) * p.unit.factor for p in layout.desc.params}
    modes = np.linalg.eigvals(layout.system(values)[:n, :n])
    return any(abs(mode + 1.0 / tau) <= COINCIDENT * max(abs(mode), 1.0 / tau) for mode in modes for tau in taus)


def custom_group_args(pop: Population, desc: ModelDescription, channels: list[tuple],
                      inputs: list[CurrentInput], dt: float | None = None, graded: list[str] = ()) -> dict:
    """What ``brian2_script`` needs for a population: equations, threshold, reset, refractory, method, initial
    values, channels decayed once per step and OU inputs. With ``dt``, a refractory time is SpikeStudio's clamp of
    round(period / dt) steps after the spike step (``refractory_period``). ``graded`` names the summed currents
    of graded synapses and gap junctions into it (``brian2_graded``), added to its input like a current input."""
    layout = layout_of(desc)
    plan = layout.plan
    conductance = any(key[0] == "conductance" for key in channels)
    # Brian2's symbolic exact solver gives up (recursion) on three or more coupled variables: synaptic channels
    # then decay exactly once per step beside an exponential-Euler membrane, as for the Euler models. A built-in
    # model integrated exactly (LIF, adaptive LIF) runs current synapses through their exact propagators in its
    # hand-written kernel, so Brian2 integrates them exactly too (its theta is not coupled to v).
    kernel_exact = pop.model in NEURON_MODELS
    exact = plan.method in _EXACT and not conductance and (len(desc.state) == 1 or not channels or kernel_exact)
    exact = exact and not coincident_rates(layout, pop, [key[2] for key in channels])
    names = {p.name: _quantity(pop.params.get(p.name, p.default) * p.unit.factor, p.unit.dim) for p in desc.params}
    names.update({u: _quantity(unit.factor, unit.dim, bare=True) for u, unit in UNITS.items()})
    names.update({s.name: s.name for s in desc.state})
    terms, eqs, decay = [], [], []
    for k, key in enumerate(channels):
        kind, _, tau, e_rev, negative = key
        var, values = channel_var(k, key), {"tau": tau, "E_rev": e_rev}
        unit = channel_unit(kind)
        terms.append(channel_current(kind, var, values, desc.input_var, negative))
        eqs.append(f"{channel_equation(kind, var, values)} : {unit}" if exact else f"{var} : {unit}  # decays exactly")
        if not exact:
            decay.append(channel_decay_statement(kind, var, values))
    cur_terms, ou_eqs, varying = current_terms(inputs)
    cur_terms += list(graded)
    ou_eqs += [f"{var} : amp  # graded synapses or gap junctions (summed)" for var in graded]
    names["I_syn"] = "(" + (" + ".join(terms + cur_terms).replace("+ -", "- ") or "0*pA") + ")"
    aliases: dict[str, Node] = {}  # named expressions inlined with their unit names kept (Brian2 checks them)
    for alias in desc.aliases:
        aliases[alias.name] = inline(alias.expr, aliases, set(names))
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
    if desc.refractory is not None and (desc.refractory_condition or dt is None):
        refractory = _text(inline(desc.refractory, aliases, set(names)), names)
        refractory = f"'{refractory}'" if desc.refractory_condition else refractory
    elif desc.refractory is not None:
        values = {p.name: pop.params.get(p.name, p.default) * p.unit.factor for p in desc.params}
        period = float(evaluate(inline(desc.refractory, aliases), values))
        refractory = refractory_period(period, dt)
    method = "exact" if exact and not varying else "exponential_euler" if plan.method in _STEPPED else plan.method
    init = {}
    for s in desc.state:
        unit = engine_unit(s.unit.dim) if not s.unit.dim.dimensionless else "1"
        rule = desc.init_of(s.name)
        init[s.name] = (unit, _text(inline(rule.expr, aliases, set(names)), names) if rule is not None
                        else f"{num(s.initial * s.unit.factor)}*{unit}")
    return {"equations": "\n".join(state_eqs + eqs + ou_eqs), "threshold": threshold, "reset": reset,
            "refractory": refractory, "method": method, "init": init, "decay": decay,
            "ou": [(k, cur.params["std"], cur.params["tau"]) for k, cur in enumerate(inputs) if is_noise(cur)]}
