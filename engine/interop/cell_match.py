"""Whether a neuron model is a standard cell: its description compared, tree by tree, with a standard cell's.

Both descriptions are compared after their ``let`` lines are substituted, their units folded into numbers and
their constant arithmetic done, so a copy of a model with renamed parameters, other defaults, other units or
renamed aliases matches it, while a changed equation, threshold, reset, refractoriness or receptor list does not.
``+`` and ``*`` match in either order. The result says which parameter and state variable of the model plays
which part of the standard cell's, or what first differs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import permutations

from ..equations.description import RESERVED, ModelDescription
from ..equations.inline import inline
from ..equations.render import to_source
from ..equations.tree import Binary, Call, Name, Node, Num, Unary, walk

__all__ = ["CellMatch", "Mismatch", "match_cell", "hint"]


@dataclass(frozen=True)
class CellMatch:
    """The model's names for the standard cell's: ``params`` maps each of the cell's parameters to a model
    parameter's name or to a number (a constant the model wrote, in engine units); ``state`` maps state."""

    params: dict[str, str | float]
    state: dict[str, str]


@dataclass(frozen=True)
class Mismatch:
    """How far the comparison got (a higher ``stage`` is a closer cell) and what of the model differs."""

    stage: int
    what: str


def match_cell(model: ModelDescription, cell: ModelDescription) -> CellMatch | Mismatch:
    """The match of ``model`` with ``cell`` under the best pairing of their state variables, or the mismatch
    that got furthest."""
    if len(model.state) != len(cell.state):
        return Mismatch(-1, f"{len(model.state)} state variable{'s' * (len(model.state) != 1)} "
                            f"({', '.join(model.state_names())})")
    mine, theirs = _Trees(model), _Trees(cell)
    best = Mismatch(-1, "")
    for order in permutations(model.state_names()):
        env = {s: m for s, m in zip(cell.state_names(), order)}
        result = _compare(mine, theirs, env)
        if isinstance(result, CellMatch):
            return result
        best = max(best, result, key=lambda m: m.stage)
    return best


def hint(model: ModelDescription, var: str) -> str:
    """`` (quadratic in v)`` or `` (cubic in v)`` when a state variable's equation multiplies it by itself."""
    eq = model.equation_of(var)
    if eq is None:
        return ""
    state, powers = set(model.state_names()), []
    for n in walk(eq.expr):
        if isinstance(n, Binary) and n.op == "**" and isinstance(n.right, Num) and n.right.value in (2, 3):
            powers += [(int(n.right.value), s) for s in _names(n.left) & state]
        elif isinstance(n, Binary) and n.op == "*":
            powers += [(2, s) for s in _names(n.left) & _names(n.right) & state]
    if not powers:
        return ""
    power, name = max(powers)
    return f" ({'quadratic' if power == 2 else 'cubic'} in {name})"


def _names(node: Node) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, Name)}


class _Trees:
    """A description's expressions with aliases substituted, units folded and constants computed."""

    def __init__(self, desc: ModelDescription):
        self.desc = desc
        self.kinds = {**{s: "state" for s in desc.state_names()}, **{p: "param" for p in desc.param_names()},
                      **{r: "reserved" for r in RESERVED}}
        self.dims = desc.dims()
        keep = set(self.kinds)
        aliases: dict[str, Node] = {}
        for a in desc.aliases:
            aliases[a.name] = inline(a.expr, aliases, keep)
        self.tree = lambda node: _fold(inline(node, aliases, keep))
        self.rhs = {s: self.tree(desc.equation_of(s).expr) if desc.equation_of(s) else Num(0, 0.0)
                    for s in desc.state_names()}


def _compare(mine: _Trees, theirs: _Trees, env: dict) -> CellMatch | Mismatch:
    """Each part in turn under the state pairing ``env`` (cell name -> model name), extended as names meet."""
    model, cell = mine.desc, theirs.desc
    for stage, var in enumerate(cell.state_names()):
        if not _dims_agree(theirs, mine, var, env[var]) or not _unify(theirs.rhs[var], mine.rhs[env[var]],
                                                                      env, theirs, mine):
            eq = model.equation_of(env[var])
            return Mismatch(stage, f"d{env[var]}/dt = {to_source(eq.expr) if eq else '0'}"
                                   f"{hint(model, env[var])}")
    stage = len(cell.state)
    if not _same_optional(cell.threshold, model.threshold, env, theirs, mine):
        return Mismatch(stage, f"threshold {to_source(model.threshold) if model.threshold else '(none)'}")
    if not _same_resets(cell, model, env, theirs, mine):
        return Mismatch(stage + 1, "reset " + ("; ".join(f"{r.var} {r.op} {to_source(r.expr)}" for r in model.resets)
                                               or "(none)"))
    if not _same_optional(cell.refractory, model.refractory, env, theirs, mine) or \
            sorted(env.get(c, c) for c in cell.clamp) != sorted(model.clamp):
        period = to_source(model.refractory) if model.refractory is not None else "(none)"
        return Mismatch(stage + 2, f"refractory {period}" + (f" clamp {', '.join(model.clamp)}" if model.clamp else ""))
    if env.get(cell.input_var) != model.input_var:
        return Mismatch(stage + 3, f"delta synapses jumping {model.input_var}")
    if sorted(cell.receptors) != sorted(model.receptors):
        return Mismatch(stage + 4, f"receptors {', '.join(model.receptors)}")
    params = {p: env.get(p, None) for p in cell.param_names()}
    return CellMatch({k: v for k, v in params.items() if v is not None}, {s: env[s] for s in cell.state_names()})


def _dims_agree(theirs: _Trees, mine: _Trees, a: str, b: str) -> bool:
    return theirs.dims[a] == mine.dims[b]


def _same_optional(a: Node | None, b: Node | None, env, theirs, mine) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return _unify(theirs.tree(a), mine.tree(b), env, theirs, mine)


def _same_resets(cell, model, env, theirs, mine) -> bool:
    if len(cell.resets) != len(model.resets):
        return False
    by_var = {r.var: r for r in model.resets}
    for r in cell.resets:
        other = by_var.get(env.get(r.var, ""))
        if other is None or other.op != r.op or not _unify(theirs.tree(r.expr), mine.tree(other.expr), env,
                                                             theirs, mine):
            return False
    return True


def _unify(a: Node, b: Node, env: dict, theirs: _Trees, mine: _Trees) -> bool:
    """Whether cell tree ``a`` is model tree ``b`` with names paired as in ``env``, which grows on success."""
    trial = dict(env)
    if not _walk_unify(a, b, trial, theirs, mine):
        return False
    env.update(trial)
    return True


def _walk_unify(a, b, env, theirs, mine) -> bool:
    if isinstance(a, Name):
        return _bind(a.id, b, env, theirs, mine)
    if type(a) is not type(b):
        return False
    if isinstance(a, Num):
        return math.isclose(a.value, b.value, rel_tol=1e-12, abs_tol=0.0) or a.value == b.value
    if isinstance(a, Unary):
        return a.op == b.op and _walk_unify(a.operand, b.operand, env, theirs, mine)
    if isinstance(a, Call):
        return a.func == b.func and len(a.args) == len(b.args) and \
            _all_unify(list(zip(a.args, b.args)), env, theirs, mine)
    if a.op != b.op:
        return False
    if _all_unify([(a.left, b.left), (a.right, b.right)], env, theirs, mine):
        return True
    return a.op in ("+", "*") and _all_unify([(a.left, b.right), (a.right, b.left)], env, theirs, mine)


def _all_unify(pairs, env, theirs, mine) -> bool:
    trial = dict(env)
    for x, y in pairs:
        if not _walk_unify(x, y, trial, theirs, mine):
            return False
    env.clear()
    env.update(trial)
    return True


def _bind(name: str, b: Node, env: dict, theirs: _Trees, mine: _Trees) -> bool:
    """A cell's name meets model tree ``b``: the same kind of name (or, for a parameter, a constant)."""
    kind = theirs.kinds.get(name)
    if kind == "param" and isinstance(b, Num):
        target: str | float = b.value
    elif isinstance(b, Name) and mine.kinds.get(b.id) == kind and kind is not None:
        target = b.id
        if kind != "reserved" and theirs.dims[name] != mine.dims[b.id]:
            return False
    else:
        return False
    if kind == "reserved":
        return target == name
    if name in env:
        bound = env[name]
        return bound == target if isinstance(target, str) or isinstance(bound, str) else math.isclose(bound, target)
    if isinstance(target, str) and target in {v for v in env.values() if isinstance(v, str)}:
        return False  # two of the cell's names cannot be one of the model's
    env[name] = target
    return True


def _fold(node: Node) -> Node:
    """Constant arithmetic done (units are numbers by now), so ``2*ms`` and ``2 ms`` compare as one number."""
    if isinstance(node, Unary):
        inner = _fold(node.operand)
        if node.op == "-" and isinstance(inner, Num):
            return Num(node.col, -inner.value)
        return Unary(node.col, node.op, inner)
    if isinstance(node, Binary):
        left, right = _fold(node.left), _fold(node.right)
        if isinstance(left, Num) and isinstance(right, Num) and node.op in _ARITH:
            try:
                return Num(node.col, _ARITH[node.op](left.value, right.value))
            except (ZeroDivisionError, OverflowError):
                pass
        return Binary(node.col, node.op, left, right)
    if isinstance(node, Call):
        return Call(node.col, node.func, tuple(_fold(x) for x in node.args))
    return node


_ARITH = {"+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y, "/": lambda x, y: x / y,
          "**": lambda x, y: x ** y}
