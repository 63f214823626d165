"""The expression tree: what the parser produces and everything else (checks, analysis, code) reads."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Node", "Num", "Name", "Unary", "Binary", "Call", "walk", "names_in"]


@dataclass(frozen=True)
class Node:
    """A node of an expression; ``col`` is its 1-based column in the line it came from."""

    col: int


@dataclass(frozen=True)
class Num(Node):
    value: float


@dataclass(frozen=True)
class Name(Node):
    id: str


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "-", "+", "not"
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str  # + - * / ** < <= > >= == != and or
    left: Node
    right: Node


@dataclass(frozen=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]


def walk(node: Node):
    """Every node of the tree, parents before children."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, Unary):
            stack.append(n.operand)
        elif isinstance(n, Binary):
            stack += [n.right, n.left]
        elif isinstance(n, Call):
            stack += reversed(n.args)


def names_in(node: Node) -> set[str]:
    """The names an expression reads."""
    return {n.id for n in walk(node) if isinstance(n, Name)}
