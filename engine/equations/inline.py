"""Named expressions (``let``) substituted into the trees that use them, and units folded into numbers."""

from __future__ import annotations

from .description import ModelDescription
from .tree import Binary, Call, Name, Node, Num, Unary
from .units import UNITS

__all__ = ["inline", "inlined_equations", "alias_table"]


def inline(node: Node, aliases: dict[str, Node], reserved: set[str] = frozenset()) -> Node:
    """``node`` with every alias replaced by its (already inlined) tree and every unit by its factor."""
    if isinstance(node, Name):
        if node.id in aliases:
            return aliases[node.id]
        if node.id in UNITS and node.id not in reserved:
            return Num(node.col, UNITS[node.id].factor)
        return node
    if isinstance(node, Unary):
        return Unary(node.col, node.op, inline(node.operand, aliases, reserved))
    if isinstance(node, Binary):
        return Binary(node.col, node.op, inline(node.left, aliases, reserved), inline(node.right, aliases, reserved))
    if isinstance(node, Call):
        return Call(node.col, node.func, tuple(inline(a, aliases, reserved) for a in node.args))
    return node


def inlined_equations(desc: ModelDescription) -> dict[str, Node]:
    """Each state variable's right-hand side with aliases and units substituted (0 for one without)."""
    aliases: dict[str, Node] = {}
    for a in desc.aliases:
        aliases[a.name] = inline(a.expr, aliases)
    rhs = {s.name: Num(0, 0.0) for s in desc.state}
    for eq in desc.equations:
        rhs[eq.var] = inline(eq.expr, aliases)
    return rhs


def alias_table(desc: ModelDescription, reserved: set[str] = frozenset()) -> dict[str, Node]:
    """Every alias, inlined, by name (units named in ``reserved`` kept as names, as ``inline`` keeps them)."""
    aliases: dict[str, Node] = {}
    for a in desc.aliases:
        aliases[a.name] = inline(a.expr, aliases, reserved)
    return aliases
