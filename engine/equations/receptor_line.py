"""A model's named receptor line, ``receptor AMPA conductance tau=2*ms E_rev=0*mV``, and its canonical text.

The values are constant quantities with units (parsed by the whitelist grammar, never evaluated as Python):
``tau`` (a time) for current and conductance receptors, ``E_rev`` (a voltage) for conductance ones only, and
``sign=+1`` or ``sign=-1`` for current and delta ones (default +1). Problems carry the column they concern.
"""

from __future__ import annotations

import math
import re

from .check import check_expression
from .description import RECEPTOR_KINDS, Receptor
from .evaluate import evaluate
from .parser import ParseError, parse_expression
from .render import number_text
from .units import DIMENSIONLESS, Dim, dim_text

__all__ = ["parse_receptor", "receptor_text", "clash_problems", "UNNAMED_RECEPTORS"]

UNNAMED_RECEPTORS = ("excitatory", "inhibitory")  # the receptors a projection brings its own kinetics to
_NAME = r"[A-Za-z_][A-Za-z_0-9]*"
_EXPORT_NAMES = re.compile(r"(c|gr)[0-9]+")  # the Brian2 export's unnamed channels (I_c0) and graded currents (I_gr0)
_KEY = re.compile(rf"(?P<key>{_NAME})\s*=")
_HEAD = re.compile(rf"\s*(?P<name>{_NAME})?\s*(?P<kind>{_NAME})?")
_DIMS = {"tau": Dim(s=1), "E_rev": Dim(V=1), "sign": DIMENSIONLESS}
_ALLOWED = {"current": ("tau", "sign"), "conductance": ("tau", "E_rev"), "delta": ("sign",)}
_NEEDED = {"current": ("tau",), "conductance": ("tau", "E_rev"), "delta": ()}


def parse_receptor(rest: str, col: int, line: int) -> Receptor:
    """The receptor on a line whose text after the keyword is ``rest`` (starting at column ``col``)."""
    head = _HEAD.match(rest)
    name, kind = head.group("name"), head.group("kind")
    if not name:
        raise ParseError(col + 1, "expected receptor NAME KIND tau=... (KIND: " + ", ".join(RECEPTOR_KINDS) + ")")
    if name in UNNAMED_RECEPTORS:
        raise ParseError(col + head.start("name"), f"{name!r} is the unnamed receptor (receptors {name}); "
                                                    "choose another name")
    if _EXPORT_NAMES.fullmatch(name):
        raise ParseError(col + head.start("name"), f"{name!r} is the name of an unnamed channel in exported scripts "
                                                    "(c0, gr0, ...); choose another name")
    if kind not in RECEPTOR_KINDS:
        at = col + (head.start("kind") if kind else head.end())
        raise ParseError(at, f"unknown receptor kind {kind!r} (known: {', '.join(RECEPTOR_KINDS)})")
    values = _values(rest[head.end():], col + head.end(), kind, col + head.start("name"))
    return Receptor(name, kind, values.get("tau", 0.0), values.get("E_rev", 0.0), values.get("sign", 1.0), line)


def _values(text: str, col: int, kind: str, name_col: int) -> dict[str, float]:
    keys = list(_KEY.finditer(text))
    if text[:keys[0].start() if keys else len(text)].strip():
        raise ParseError(col + len(text) - len(text.lstrip()), "expected KEY=VALUE pairs such as tau=2*ms")
    values: dict[str, float] = {}
    for k, m in enumerate(keys):
        key, at = m.group("key"), col + m.start()
        if key not in _DIMS:
            raise ParseError(at, f"unknown receptor value {key!r} (known: {', '.join(_ALLOWED[kind])})")
        if key not in _ALLOWED[kind]:
            raise ParseError(at, _not_allowed(key, kind))
        if key in values:
            raise ParseError(at, f"a second {key}")
        end = keys[k + 1].start() if k + 1 < len(keys) else len(text)
        values[key] = _quantity(text[m.end():end], col + m.end(), key)
    missing = [key for key in _NEEDED[kind] if key not in values]
    if missing:
        raise ParseError(name_col, f"a {kind} receptor needs {missing[0]}=... ({_example(missing[0])})")
    return values


def _not_allowed(key: str, kind: str) -> str:
    if key == "E_rev":
        return f"a {kind} receptor has no reversal potential (E_rev is for conductance receptors)"
    if key == "sign":
        return "a conductance receptor's sign follows from its E_rev"
    return "a delta receptor has no time constant (it jumps the input variable)"


def _example(key: str) -> str:
    return {"tau": "tau=5*ms", "E_rev": "E_rev=0*mV", "sign": "sign=-1"}[key]


def _quantity(text: str, col: int, key: str) -> float:
    """A constant of the key's dimension, in engine units (ms, mV); tau positive, sign +1 or -1."""
    expr = parse_expression(text, col)
    got = check_expression(expr, {})
    if got.boolean or got.dim != _DIMS[key]:
        raise ParseError(expr.col, f"{key} is in {dim_text(_DIMS[key])}, not "
                                   f"{'a condition' if got.boolean else dim_text(got.dim)} ({_example(key)})")
    try:
        value = float(evaluate(expr, {}))
    except (ArithmeticError, ValueError):  # 1/0, exp(1000), log(-1): no number
        value = math.nan
    if not math.isfinite(value):
        raise ParseError(expr.col, f"{key} must be a finite number")
    if key == "tau" and value <= 0:
        raise ParseError(expr.col, "tau must be positive")
    if key == "sign" and value not in (1.0, -1.0):
        raise ParseError(expr.col, "sign is +1 or -1")
    return value


def receptor_text(r: Receptor) -> str:
    """The canonical text after ``receptor`` (what ``parse_receptor`` reads back to an equal receptor)."""
    parts = [r.name, r.kind]
    if r.kind != "delta":
        parts.append(f"tau={number_text(r.tau)}*ms")
    if r.kind == "conductance":
        parts.append(f"E_rev={number_text(r.E_rev)}*mV")
    elif r.sign != 1.0:
        parts.append("sign=-1")
    return " ".join(parts)


def clash_problems(receptors, declared, lines) -> list[tuple[int, int, str]]:
    """(line, column, message) for each receptor whose exported variable (``g_NAME`` for a conductance, ``I_NAME``
    otherwise: the Brian2 script's) is a name the model declares."""
    found = []
    for r in receptors:
        var = f"{'g' if r.kind == 'conductance' else 'I'}_{r.name}"
        if var in declared:
            col = re.search(rf"\b{r.name}\b", lines[r.line - 1]).start() + 1
            found.append((r.line, col, f"receptor {r.name!r} is exported as the variable {var!r}, which line "
                                       f"{declared[var]} declares; choose another name"))
    return found
