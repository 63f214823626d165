"""Trees back to text: the canonical spelling of an expression, which parses to the same tree."""

from __future__ import annotations

from .tree import Binary, Call, Name, Node, Num, Unary

__all__ = ["to_source", "number_text"]

# Binding strength of each operator (higher binds tighter); unary minus sits between * and **.
_PREC = {"or": 1, "and": 2, "not": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "==": 4, "!=": 4, "+": 5, "-": 5,
         "*": 6, "/": 6, "neg": 7, "**": 8}


def number_text(value: float) -> str:
    """A number as the shortest text that reads back to the same float."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") and "e" not in text else text


def to_source(node: Node) -> str:
    """``node`` as text, with brackets only where the grammar needs them."""
    return _src(node)[0]


def _src(node: Node) -> tuple[str, int]:
    """(text, precedence of its outermost operator)."""
    if isinstance(node, Num):
        return number_text(node.value), (9 if node.value >= 0 else _PREC["neg"])
    if isinstance(node, Name):
        return node.id, 9
    if isinstance(node, Call):
        return f"{node.func}({', '.join(to_source(a) for a in node.args)})", 9
    if isinstance(node, Unary):
        prec = _PREC["not"] if node.op == "not" else _PREC["neg"]
        text, inner = _src(node.operand)
        text = text if inner >= prec else f"({text})"
        return (f"not {text}" if node.op == "not" else node.op + text), prec
    assert isinstance(node, Binary)
    prec = _PREC[node.op]
    left, lp = _src(node.left)
    right, rp = _src(node.right)
    if node.op == "**":  # right-associative, and its base binds tighter than a unary minus
        left = left if lp > prec else f"({left})"
        right = right if rp >= _PREC["neg"] else f"({right})"
    else:  # left-associative: a right operand of equal strength needs brackets (a - (b - c))
        left = left if lp >= prec and not (prec == 4 and lp == 4) else f"({left})"
        right = right if rp > prec else f"({right})"
    spaced = node.op not in ("*", "/", "**")
    return (f"{left} {node.op} {right}" if spaced else f"{left}{node.op}{right}"), prec
