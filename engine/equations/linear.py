"""Which equations are linear, symbolically: right-hand sides as sums of monomials over names.

A ``Poly`` maps a monomial (names with integer powers) to its coefficient. Any subtree that reads no
state variable and no input is an opaque factor (a parameter expression such as ``tau_a + tau_b``), so
only the state variables and ``I_syn`` must appear polynomially. Exact cancellation (``tau * E_L/tau``
is ``E_L``) keeps the derived constants bit-identical to hand-written formulas.
"""

from __future__ import annotations

import math

from .evaluate import evaluate
from .render import to_source
from .tree import Binary, Name, Node, Num, Unary, names_in

__all__ = ["Poly", "to_poly", "affine_form", "evaluate_poly", "Atom", "step_factors", "step_exponent"]

Monomial = tuple[tuple[str, int], ...]


class Atom:
    """An opaque factor: a subtree free of the variables, named by its canonical text."""

    def __init__(self, tree: Node):
        self.tree = tree
        self.key = "{" + to_source(tree) + "}"


class Poly(dict):
    """Sum of coefficient * monomial; keys are sorted tuples of (name, power)."""

    atoms: dict[str, Atom]

    @staticmethod
    def const(c: float) -> Poly:
        return Poly({(): c}) if c != 0 else Poly()

    @staticmethod
    def name(n: str) -> Poly:
        return Poly({((n, 1),): 1.0})

    def add(self, other: Poly, sign: float = 1.0) -> Poly:
        out = Poly(self)
        for m, c in other.items():
            out[m] = out.get(m, 0.0) + sign * c
            if out[m] == 0.0:
                del out[m]
        return out

    def mul(self, other: Poly) -> Poly:
        out = Poly()
        for m1, c1 in self.items():
            for m2, c2 in other.items():
                m = _mono_mul(m1, m2, 1)
                out[m] = out.get(m, 0.0) + c1 * c2
        return Poly({m: c for m, c in out.items() if c != 0.0})

    def single(self) -> bool:
        return len(self) == 1

    def inverse(self) -> Poly | None:
        """1/self for a single monomial, else None."""
        if not self.single():
            return None
        (m, c), = self.items()
        return Poly({tuple((n, -e) for n, e in m): 1.0 / c})

    def degree_in(self, names: set[str]) -> int:
        return max((sum(e for n, e in m if n in names) for m in self), default=0)


def _mono_mul(a: Monomial, b: Monomial, sign: int) -> Monomial:
    powers = dict(a)
    for n, e in b:
        powers[n] = powers.get(n, 0) + sign * e
    return tuple(sorted((n, e) for n, e in powers.items() if e != 0))


def to_poly(node: Node, variables: set[str], atoms: dict[str, Atom]) -> Poly | None:
    """``node`` as a Poly, with subtrees free of ``variables`` as atoms; None when it is not polynomial."""
    if isinstance(node, Num):
        return Poly.const(node.value)
    if isinstance(node, Name):
        return Poly.name(node.id)
    if not (names_in(node) & variables):
        atom = Atom(node)
        atoms.setdefault(atom.key, atom)
        return Poly.name(atom.key)
    if isinstance(node, Unary) and node.op in "+-":
        inner = to_poly(node.operand, variables, atoms)
        return None if inner is None else (inner if node.op == "+" else Poly().add(inner, -1.0))
    if isinstance(node, Binary) and node.op in ("+", "-", "*", "/", "**"):
        left = to_poly(node.left, variables, atoms)
        if left is None:
            return None
        if node.op == "**":
            if isinstance(node.right, Num) and node.right.value.is_integer() and 0 <= node.right.value <= 8:
                out = Poly.const(1.0)
                for _ in range(int(node.right.value)):
                    out = out.mul(left)
                return out
            return None
        right = to_poly(node.right, variables, atoms)
        if right is None:
            return None
        if node.op == "+":
            return left.add(right)
        if node.op == "-":
            return left.add(right, -1.0)
        if node.op == "*":
            return left.mul(right)
        inv = right.inverse()
        if inv is None or inv.degree_in(variables) < 0 or any(e < 0 for m in inv for n, e in m if n in variables):
            return None
        return left.mul(inv)
    return None


def affine_form(node: Node, variables: list[str], inputs: set[str], atoms: dict[str, Atom]):
    """(coefficient per variable, coefficient per input, constant) as Polys free of both, or None."""
    poly = to_poly(node, set(variables) | inputs, atoms)
    if poly is None:
        return None
    watched = set(variables) | inputs
    coef = {v: Poly() for v in list(variables) + sorted(inputs)}
    const = Poly()
    for m, c in poly.items():
        hits = [(n, e) for n, e in m if n in watched]
        if not hits:
            const[m] = c
        elif len(hits) == 1 and hits[0][1] == 1:
            rest = tuple(x for x in m if x[0] != hits[0][0])
            coef[hits[0][0]][rest] = c
        else:
            return None
    return ({v: coef[v] for v in variables}, {i: coef[i] for i in sorted(inputs)}, const)


def evaluate_poly(poly: Poly, values: dict[str, float]) -> float:
    """The value of a Poly free of variables: each monomial as c * (numerator) / (denominator)."""
    total = 0.0
    first = True
    for m, c in poly.items():
        num = [values[n] for n, e in m for _ in range(e) if e > 0]
        den = [values[n] for n, e in m for _ in range(-e) if e < 0]
        x = None
        for f in num:
            x = f if x is None else x * f
        if x is None:
            x = c
        elif c != 1.0:
            x = c * x
        for f in den:
            x = x / f
        total = x if first else total + x
        first = False
    return total if not first else 0.0


def step_factors(a: Node | None, values: dict, dt: float) -> tuple[float, float]:
    """E = exp(A dt) and F = expm1(A dt)/A; A dt is taken as (n dt)/d for A = n/d (``step_exponent``). A time
    constant of 0 in a decay (A = -1/0) makes it instant: E = F = 0, the limit of both (Tsodyks-Markram's
    tau_facil = 0: no facilitation)."""
    if a is None:
        return 1.0, dt
    x = step_exponent(a, values, dt)
    if x is None:
        return 0.0, 0.0
    rate = float(evaluate(a, values))
    return math.exp(x), (math.expm1(x) / rate if rate != 0.0 else dt)


def step_exponent(a: Node, values: dict, dt: float) -> float | None:
    """A dt for the rate A (a tree) with parameter ``values``, taken as (n dt)/d for A = n/d, so -x/tau decays by
    exactly exp(-dt/tau), as the hand-written kernels compute it; None for an instant decay (A = -1/0)."""
    if isinstance(a, Binary) and a.op == "/" and float(evaluate(a.right, values)) == 0.0 \
            and float(evaluate(a.left, values)) < 0.0:
        return None
    dt_name = Name(0, "\0dt")
    scaled = Binary(0, "/", Binary(0, "*", a.left, dt_name), a.right) if isinstance(a, Binary) and a.op == "/" \
        else Binary(0, "*", a, dt_name)
    return float(evaluate(scaled, {**values, "\0dt": dt}))
