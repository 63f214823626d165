"""The marks a two-variable description sets on its phase plane, read from its lines: where the first variable
is reset after a spike, its spike cut-off (``threshold v >= V_peak``), its initial value, and how far a spike
pushes the second variable (``reset u += d``); each in the variable's declared unit, from parameters given in
theirs. Numbers come from the trees (``evaluate``), never from evaluated text."""

from __future__ import annotations

from ..equations.description import ModelDescription
from ..equations.evaluate import evaluate
from ..equations.initial import initial_state
from ..equations.tree import Binary, Name, Node, names_in

__all__ = ["engine_values", "first_reset", "cut_off", "first_initial", "second_kicks", "reset_parameter"]


def engine_values(desc: ModelDescription, params: dict | None) -> dict[str, float]:
    """Every parameter in engine units: the description's defaults overridden by ``params`` (declared units)."""
    given = {p.name: p.default for p in desc.params} | dict(params or {})
    return {p.name: float(given[p.name]) * p.unit.factor for p in desc.params}


def _value(desc: ModelDescription, expr: Node, params: dict | None, var: int) -> float | None:
    """``expr`` (of parameters only) in state variable ``var``'s declared unit; None when it reads anything else
    or is undefined for these parameters."""
    changing = set(desc.state_names()) | {a.name for a in desc.aliases} | {"I_syn", "t"}
    if names_in(expr) & changing:
        return None
    try:
        return float(evaluate(expr, engine_values(desc, params))) / desc.state[var].unit.factor
    except (KeyError, ValueError, ZeroDivisionError, OverflowError):
        return None


def first_reset(desc: ModelDescription, params: dict | None) -> float | None:
    """Where the first variable goes after a spike (``reset v = c``), when a reset sets it from parameters."""
    first = desc.state[0].name
    reset = next((r for r in desc.resets if r.var == first and r.op == "="), None)
    return None if reset is None else _value(desc, reset.expr, params, 0)


def cut_off(desc: ModelDescription, params: dict | None) -> float | None:
    """The first variable's spike cut-off when the threshold compares it with parameters only (``v >= V_peak``):
    at and above it the neuron spikes and is reset, so no state there rests. None for any other threshold."""
    node = desc.threshold
    if not (isinstance(node, Binary) and node.op in (">=", ">") and isinstance(node.left, Name)
            and node.left.id == desc.state[0].name):
        return None
    return _value(desc, node.right, params, 0)


def first_initial(desc: ModelDescription, params: dict | None) -> float:
    """The first variable's initial value (its ``init`` line, or its ``state`` line)."""
    given = {p.name: p.default for p in desc.params} | dict(params or {})
    return float(initial_state(desc, given, {}, 1)[0][0]) / desc.state[0].unit.factor


def second_kicks(desc: ModelDescription, params: dict | None) -> list[float]:
    """How far each spike pushes the second variable (``reset u += d``), for the resets that add parameters."""
    second = desc.state[1].name
    kicks = (_value(desc, r.expr, params, 1) for r in desc.resets if r.var == second and r.op == "+=")
    return [k for k in kicks if k is not None]


def reset_parameter(desc: ModelDescription) -> str | None:
    """The parameter the first variable is reset to, when its reset line names one alone (``reset v = c``)."""
    first = desc.state[0].name
    reset = next((r for r in desc.resets if r.var == first and r.op == "="), None)
    return reset.expr.id if reset is not None and isinstance(reset.expr, Name) else None
