"""A threshold condition turned into the test the vectorised pass counts with: its negation ("below"), built
with flipped comparisons, so that ``not below`` is one comparison for ``v >= V_th``, as the hand-written
``threshold`` reads it (``not (x < v_th)``), and also holds for a NaN membrane where that can be shown.

Pure tree work on checked trees; ``codegen`` turns the result into code.
"""

from __future__ import annotations

from .tree import Binary, Call, Name, Node, Num, Unary

__all__ = ["below", "nan_is_crossing"]

_FLIP = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
# functions whose value is NaN when their (first) argument is: min, max, clip and where are not among them
_NAN_FUNCS = {"exp", "log", "log10", "tanh", "sinh", "cosh", "sin", "cos", "tan", "expm1", "sqrt", "abs"}


def below(cond: Node) -> Node:
    """A tree that is False wherever ``cond`` is True (for any values, NaN included), and exactly ``not cond``
    wherever no comparison in it meets a NaN. So ``not below(cond)`` finds every crossing, and the exact test
    need only run where it holds."""
    if isinstance(cond, Binary) and cond.op in _FLIP:
        return Binary(cond.col, _FLIP[cond.op], cond.left, cond.right)
    if isinstance(cond, Binary) and cond.op in ("and", "or"):
        op = "or" if cond.op == "and" else "and"
        return Binary(cond.col, op, below(cond.left), below(cond.right))
    if isinstance(cond, Unary) and cond.op == "not":
        return _above(cond.operand)
    return Unary(cond.col, "not", cond)


def _above(cond: Node) -> Node:
    """A tree that is True only where ``cond`` is (the dual of ``below``, for conditions under ``not``)."""
    if isinstance(cond, Binary) and cond.op in ("and", "or"):
        return Binary(cond.col, cond.op, _above(cond.left), _above(cond.right))
    if isinstance(cond, Unary) and cond.op == "not":
        return below(cond.operand)
    return cond


def nan_is_crossing(low: Node, var: str) -> bool:
    """True when ``low`` (a ``below`` tree) is surely False while ``var`` is NaN, so ``not low`` also catches a
    membrane that became NaN and the pass needs no separate NaN test."""
    if isinstance(low, Binary) and low.op in _FLIP:
        return _is_nan(low.left, var) or _is_nan(low.right, var)
    if isinstance(low, Binary) and low.op == "and":
        return nan_is_crossing(low.left, var) or nan_is_crossing(low.right, var)
    if isinstance(low, Binary) and low.op == "or":
        return nan_is_crossing(low.left, var) and nan_is_crossing(low.right, var)
    return False


def _is_nan(expr: Node, var: str) -> bool:
    """True when ``expr`` is surely NaN while ``var`` is NaN (arithmetic and the NaN-keeping functions)."""
    if isinstance(expr, Name):
        return expr.id == var
    if isinstance(expr, Unary) and expr.op in ("+", "-"):
        return _is_nan(expr.operand, var)
    if isinstance(expr, Binary) and expr.op in ("+", "-", "*", "/"):
        return _is_nan(expr.left, var) or _is_nan(expr.right, var)
    if isinstance(expr, Binary) and expr.op == "**":  # NaN ** 0 is 1
        return isinstance(expr.right, Num) and expr.right.value != 0.0 and _is_nan(expr.left, var)
    if isinstance(expr, Call) and expr.func in _NAN_FUNCS and expr.args:
        return _is_nan(expr.args[0], var)
    return False
