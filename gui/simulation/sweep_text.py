"""How the Experiment panel writes a sweep parameter as text, and reads it back.

Target: an address (``E.tau_m``) or a named tie of addresses with factors (``g: I->E.weight*0.2,
I->I.weight*0.2``). Values: ``10, 20, 30``, ``linear 10 30 5`` or ``log 1 100 5``.
"""

from __future__ import annotations

import math

import numpy as np

from ...engine.experiments.sweep_spec import Parameter, expand_values

__all__ = ["parse_values", "format_values", "parse_parameter", "format_parameter"]


def parse_values(text: str) -> list[float]:
    """``10, 20, 30``, ``linear 10 30 5`` or ``log 1 100 5``; ValueError saying what is expected."""
    words = text.replace(",", " ").split()
    try:
        if words and words[0] in ("linear", "log"):
            start, stop, num = float(words[1]), float(words[2]), int(words[3])
            if len(words) != 4 or num < 1 or (words[0] == "log" and min(start, stop) <= 0):
                raise ValueError
            return expand_values({words[0]: [start, stop], "num": num})
        values = [float(w) for w in words]
    except (ValueError, IndexError):
        raise ValueError(f"values {text!r}: write numbers (10, 20, 30), linear START STOP N or log START STOP N"
                         ) from None
    if not values or not all(math.isfinite(v) for v in values):
        raise ValueError(f"values {text!r}: give at least one finite number")
    return values


def format_values(values) -> str:
    """The shortest text ``parse_values`` reads back as exactly these values."""
    values = [float(v) for v in values]
    if len(values) >= 3:
        for kind in ("linear", "log"):
            text = f"{kind} {_number(values[0])} {_number(values[-1])} {len(values)}"
            try:
                if parse_values(text) == values:
                    return text
            except ValueError:  # a log range through zero
                continue
    return ", ".join(_number(v) for v in values)


def _number(value: float) -> str:
    """``%g`` when it reads back exactly, else every digit needed."""
    return f"{value:g}" if float(f"{value:g}") == value else repr(value)


def parse_parameter(target: str, values: str) -> Parameter:
    """A parameter from its two cells; ValueError naming what is wrong."""
    numbers = parse_values(values)
    target = target.strip()
    if ":" not in target:
        if not target:
            raise ValueError("a parameter needs an address such as E.tau_m")
        return Parameter.of(target, numbers)
    name, _, rest = target.partition(":")
    targets = []
    for part in rest.split(","):
        address, _, factor = part.strip().rpartition("*") if "*" in part else (part.strip(), "", "1")
        try:
            targets.append((address.strip(), float(factor)))
        except ValueError:
            raise ValueError(f"{part.strip()!r}: write ADDRESS*FACTOR, such as I->E.weight*0.2") from None
    if not name.strip() or not all(a for a, _ in targets) or not all(np.isfinite([f for _, f in targets])):
        raise ValueError(f"{target!r}: write NAME: ADDRESS*FACTOR, ADDRESS*FACTOR")
    return Parameter(name.strip(), tuple(targets), tuple(numbers))


def format_parameter(p: Parameter) -> tuple[str, str]:
    """The two cells of a parameter (target, values)."""
    if p.targets == ((p.name, 1.0),):
        target = p.name
    else:
        target = f"{p.name}: " + ", ".join(f"{a}*{f:g}" for a, f in p.targets)
    return target, format_values(p.values)
