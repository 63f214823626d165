"""Numbers from trees at build time (parameter expressions, refractory periods): a walk over the tree with a
fixed table of math functions. Text never reaches Python's evaluator."""

from __future__ import annotations

import math

import numpy as np

from .tree import Binary, Call, Name, Node, Num, Unary
from .units import UNITS

__all__ = ["evaluate", "evaluate_array"]

_FUNCS = {"exp": math.exp, "log": math.log, "log10": math.log10, "tanh": math.tanh, "sinh": math.sinh,
          "cosh": math.cosh, "sin": math.sin, "cos": math.cos, "tan": math.tan, "expm1": math.expm1,
          "exprel": lambda x: math.expm1(x) / x if x != 0 else 1.0,
          "sqrt": math.sqrt, "abs": abs, "min": min, "max": max, "clip": lambda x, lo, hi: min(max(x, lo), hi)}


def evaluate(node: Node, values: dict[str, float]):
    """The value of ``node`` with names from ``values`` (engine units) and unit names as their factors.

    Raises ``ValueError`` (domain errors, overflow) or ``ZeroDivisionError`` for values where it is undefined.
    """
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Name):
        return values[node.id] if node.id in values else UNITS[node.id].factor
    if isinstance(node, Unary):
        x = evaluate(node.operand, values)
        return (not x) if node.op == "not" else (-x if node.op == "-" else x)
    if isinstance(node, Binary):
        if node.op == "and":
            return evaluate(node.left, values) and evaluate(node.right, values)
        if node.op == "or":
            return evaluate(node.left, values) or evaluate(node.right, values)
        a, b = evaluate(node.left, values), evaluate(node.right, values)
        return _binary(node.op, a, b)
    assert isinstance(node, Call)
    if node.func == "where":
        return evaluate(node.args[1] if evaluate(node.args[0], values) else node.args[2], values)
    return _FUNCS[node.func](*(evaluate(a, values) for a in node.args))


def _binary(op: str, a, b):
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    if op == "**":
        try:
            return math.pow(a, b)
        except OverflowError:
            raise ValueError("overflow") from None
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op]


_ARRAY_FUNCS = {"exp": np.exp, "log": np.log, "log10": np.log10, "tanh": np.tanh, "sinh": np.sinh,
                "cosh": np.cosh, "sin": np.sin, "cos": np.cos, "tan": np.tan, "expm1": np.expm1, "sqrt": np.sqrt,
                "exprel": lambda x: np.where(x == 0, 1.0, np.expm1(x) / np.where(x == 0, 1.0, x)),
                "abs": np.abs, "min": np.minimum, "max": np.maximum, "clip": np.clip}


def evaluate_array(node: Node, values: dict):
    """``evaluate`` over numpy arrays (element-wise; conditions as boolean arrays): for grids and plots."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Name):
        return values[node.id] if node.id in values else UNITS[node.id].factor
    if isinstance(node, Unary):
        x = evaluate_array(node.operand, values)
        return np.logical_not(x) if node.op == "not" else (-x if node.op == "-" else x)
    if isinstance(node, Binary):
        a, b = evaluate_array(node.left, values), evaluate_array(node.right, values)
        if node.op == "and":
            return np.logical_and(a, b)
        if node.op == "or":
            return np.logical_or(a, b)
        if node.op == "**":
            return np.power(a, b)
        return _binary(node.op, a, b)
    assert isinstance(node, Call)
    args = [evaluate_array(a, values) for a in node.args]
    if node.func == "where":
        return np.where(*args)
    return _ARRAY_FUNCS[node.func](*args)
