"""Names, functions and units of an expression: its type, or an ``ExprError`` at the offending column.

Every name must be declared (a state variable, parameter, named expression, input or unit); every
function comes from a fixed table; both sides of + - and comparisons share a dimension; functions such
as exp take dimensionless arguments; a power's exponent is a plain number unless its base is
dimensionless.
"""

from __future__ import annotations

from dataclasses import dataclass

from .parser import ParseError
from .tree import Binary, Call, Name, Node, Num, Unary
from .units import DIMENSIONLESS, UNITS, Dim, dim_text

__all__ = ["ExprError", "Kind", "FUNCTIONS", "check_expression", "constant_value"]

ExprError = ParseError  # one error type for every located problem in an expression


@dataclass(frozen=True)
class Kind:
    """What an expression yields: a quantity of dimension ``dim``, or a condition (``boolean``)."""

    dim: Dim = DIMENSIONLESS
    boolean: bool = False


# name -> (number of arguments, how the result's dimension follows from the arguments')
_SAME = "same"  # result has the first argument's dimension; all arguments share it
_PURE = "pure"  # dimensionless arguments and result
FUNCTIONS: dict[str, tuple[int, str]] = {
    "exp": (1, _PURE), "log": (1, _PURE), "log10": (1, _PURE), "tanh": (1, _PURE), "sinh": (1, _PURE),
    "cosh": (1, _PURE), "sin": (1, _PURE), "cos": (1, _PURE), "tan": (1, _PURE), "expm1": (1, _PURE),
    "exprel": (1, _PURE),
    "sqrt": (1, "sqrt"), "abs": (1, _SAME), "clip": (3, _SAME), "min": (2, _SAME), "max": (2, _SAME),
    "where": (3, "where"),
}


def check_expression(node: Node, names: dict[str, Dim]) -> Kind:
    """The kind of ``node`` given the dimensions of the declared ``names`` (units are known already)."""
    if isinstance(node, Num):
        return Kind()
    if isinstance(node, Name):
        if node.id in names:
            return Kind(names[node.id])
        if node.id in UNITS:
            return Kind(UNITS[node.id].dim)
        if node.id in FUNCTIONS:
            raise ExprError(node.col, f"function {node.id} must be called: {node.id}(...)")
        raise ExprError(node.col, f"unknown name {node.id!r}")
    if isinstance(node, Unary):
        kind = check_expression(node.operand, names)
        if node.op == "not":
            return _condition(kind, node.operand, "not")
        _quantity(kind, node.operand, node.op)
        return kind
    if isinstance(node, Binary):
        return _binary(node, names)
    if isinstance(node, Call):
        return _call(node, names)
    raise ExprError(node.col, "not an expression")  # unreachable for trees from the parser


def _binary(node: Binary, names: dict[str, Dim]) -> Kind:
    left, right = check_expression(node.left, names), check_expression(node.right, names)
    if node.op in ("and", "or"):
        _condition(left, node.left, node.op)
        _condition(right, node.right, node.op)
        return Kind(boolean=True)
    _quantity(left, node.left, node.op)
    _quantity(right, node.right, node.op)
    if node.op in ("+", "-", "<", "<=", ">", ">=", "==", "!="):
        _same(left.dim, right.dim, node)
        return Kind(left.dim, boolean=node.op not in ("+", "-"))
    if node.op == "*":
        return Kind(left.dim * right.dim)
    if node.op == "/":
        return Kind(left.dim / right.dim)
    # "**"
    if left.dim.dimensionless:
        if not right.dim.dimensionless:
            raise ExprError(node.right.col, f"an exponent must be dimensionless, not {dim_text(right.dim)}")
        return Kind()
    exponent = constant_value(node.right)
    if exponent is None:
        raise ExprError(node.right.col, "the exponent of a quantity with a unit must be a plain number")
    return Kind(left.dim ** exponent)


def _call(node: Call, names: dict[str, Dim]) -> Kind:
    if node.func not in FUNCTIONS:
        if node.func in names or node.func in UNITS:
            raise ExprError(node.col, f"{node.func!r} is not a function")
        raise ExprError(node.col, f"unknown function {node.func!r} (known: {', '.join(sorted(FUNCTIONS))})")
    n_args, rule = FUNCTIONS[node.func]
    if len(node.args) != n_args:
        raise ExprError(node.col, f"{node.func} takes {n_args} argument{'s' if n_args > 1 else ''}, "
                                  f"got {len(node.args)}")
    kinds = [check_expression(a, names) for a in node.args]
    if rule == "where":
        _condition(kinds[0], node.args[0], "where")
        for k, a in zip(kinds[1:], node.args[1:]):
            _quantity(k, a, "where")
        _same(kinds[1].dim, kinds[2].dim, node)
        return Kind(kinds[1].dim)
    for k, a in zip(kinds, node.args):
        _quantity(k, a, node.func)
    if rule == _PURE:
        if not kinds[0].dim.dimensionless:
            raise ExprError(node.args[0].col, f"{node.func} needs a dimensionless argument, "
                                              f"not {dim_text(kinds[0].dim)}")
        return Kind()
    if rule == "sqrt":
        return Kind(kinds[0].dim ** 0.5)
    for k, a in zip(kinds[1:], node.args[1:]):
        if k.dim != kinds[0].dim:
            raise ExprError(a.col, f"{node.func}: {dim_text(k.dim)} does not match {dim_text(kinds[0].dim)}")
    return Kind(kinds[0].dim)


def _same(a: Dim, b: Dim, node: Node) -> None:
    if a != b:
        raise ExprError(node.col, f"units do not match: {dim_text(a)} and {dim_text(b)}")


def _quantity(kind: Kind, node: Node, where: str) -> None:
    if kind.boolean:
        raise ExprError(node.col, f"a condition cannot be used with {where!r}")


def _condition(kind: Kind, node: Node, where: str) -> Kind:
    if not kind.boolean:
        raise ExprError(node.col, f"{where!r} needs a condition (a comparison), not a quantity")
    return Kind(boolean=True)


def constant_value(node: Node) -> float | None:
    """The value of a plain-number expression (digits, + - * /, brackets), or None; for exponents."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Unary) and node.op in "+-":
        v = constant_value(node.operand)
        return None if v is None else (-v if node.op == "-" else v)
    if isinstance(node, Binary) and node.op in ("+", "-", "*", "/"):
        a, b = constant_value(node.left), constant_value(node.right)
        if a is None or b is None or (node.op == "/" and b == 0):
            return None
        return {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else 0.0}[node.op]
    return None
