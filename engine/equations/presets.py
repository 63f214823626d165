"""Named parameter sets of a model (``preset RS a = 0.02 1/ms, b = 0.2, c = -65 mV, d = 8 mV/ms``).

A preset belongs to the description so that a copy of the model (``Duplicate as custom model``) keeps it and a
user model can declare its own. Each value carries its unit, is checked against the parameter's dimension and
range, and is kept in the parameter's declared unit (the unit the inspector and ``Population.params`` use).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .parser import ParseError
from .units import dim_text

__all__ = ["Preset", "PresetEntry", "read_preset", "check_preset", "PRESET_NAME"]

PRESET_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]{0,31}")
_ENTRY = re.compile(r"\s*(?P<name>[A-Za-z_][A-Za-z_0-9]*)\s*=\s*"
                    r"(?P<num>[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))(?P<unit>[^,]*)")


@dataclass(frozen=True)
class Preset:
    """A named set of parameter values, each in its parameter's declared unit."""

    name: str
    values: tuple[tuple[str, float], ...]
    line: int = 0

    def as_dict(self) -> dict[str, float]:
        return dict(self.values)


@dataclass(frozen=True)
class PresetEntry:
    """One ``name = value unit`` of a preset line as written, with its columns, before it is checked."""

    param: str
    value: float
    unit_text: str
    col: int
    value_col: int
    unit_col: int


def read_preset(rest: str, col: int) -> tuple[str, list[PresetEntry]]:
    """The preset's name and its entries as written (``ParseError`` at the column of what cannot be read)."""
    body = rest.lstrip()
    col += len(rest) - len(body)
    m = PRESET_NAME.match(body)
    if not m or (body[m.end():m.end() + 1] and not body[m.end()].isspace()):
        raise ParseError(col, "expected preset NAME p = VALUE UNIT, q = VALUE UNIT, ...")
    entries, at, text = [], col + m.end(), body[m.end():]
    if not text.strip():
        raise ParseError(at, "a preset sets at least one parameter (preset NAME p = VALUE UNIT, ...)")
    for part in text.split(","):
        e = _ENTRY.fullmatch(part)
        if not e:
            raise ParseError(at + len(part) - len(part.lstrip()), "expected p = VALUE UNIT (a number, then its unit)")
        unit = e.group("unit")
        entries.append(PresetEntry(e.group("name"), float(e.group("num")), unit.strip(), at + e.start("name"),
                                   at + e.start("num"), at + e.start("unit") + len(unit) - len(unit.lstrip())))
        at += len(part) + 1
    return m.group(), entries


def check_preset(name: str, entries: list[PresetEntry], params: dict, parse_unit, line: int) -> Preset:
    """The checked preset: known parameters, each once, in its dimension and range (``ParseError`` otherwise)."""
    values: dict[str, float] = {}
    for e in entries:
        p = params.get(e.param)
        if p is None:
            raise ParseError(e.col, f"preset {name}: {e.param!r} is not a parameter of this model")
        if e.param in values:
            raise ParseError(e.col, f"preset {name} sets {e.param!r} twice")
        unit = parse_unit(e.unit_text, e.unit_col)
        if unit.dim != p.unit.dim:
            hint = f" (such as {e.value:g} {p.unit.text})" if p.unit.text else ""
            raise ParseError(e.value_col, f"{e.param} is in {dim_text(p.unit.dim)}, this is in {dim_text(unit.dim)}"
                                          + hint)
        value = e.value if unit.factor == p.unit.factor else e.value * unit.factor / p.unit.factor
        if not math.isfinite(value) or _outside(p, value):
            raise ParseError(e.value_col, f"preset {name}: {e.param} = {value:g} lies outside its range")
        values[e.param] = value
    return Preset(name, tuple(values.items()), line)


def _outside(p, v: float) -> bool:
    return (v <= p.low if p.low_open else v < p.low) or (v >= p.high if p.high_open else v > p.high)
