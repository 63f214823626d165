"""Parameter specifications: default, unit, valid range and description, shared by engine, files and GUI."""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

from ..errors import Problem, ValidationError

__all__ = ["ParamSpec", "Problem", "ValidationError", "check_value", "fill_params", "check_params", "item_loc",
           "spec_of_param"]


@dataclass(frozen=True)
class ParamSpec:
    """One parameter: what it means, its unit, its default and its valid closed range.

    ``low_open``/``high_open`` make a bound exclusive (a time constant must be > 0, not >= 0).
    """

    name: str
    default: float
    unit: str
    description: str
    low: float = -math.inf
    high: float = math.inf
    integer: bool = False
    low_open: bool = False
    high_open: bool = False

    def range_text(self) -> str:
        """The valid range as a person reads it, e.g. ``(0, inf) ms``."""
        lo = "(" if self.low_open else "["
        hi = ")" if self.high_open or math.isinf(self.high) else "]"
        if math.isinf(self.low):
            lo = "("
        unit = f" {self.unit}" if self.unit else ""
        return f"{lo}{_fmt(self.low)}, {_fmt(self.high)}{hi}{unit}"

    def problem(self, value: object) -> str | None:
        """Why ``value`` is not valid for this parameter, or None when it is."""
        if isinstance(value, bool) or not isinstance(value, Real):
            return f"expected a number, got {_show(value)}"
        if self.integer and not isinstance(value, Integral):
            return f"expected a whole number, got {_show(value)}"
        v = int(value) if self.integer else float(value)
        if not self.integer and not math.isfinite(v):
            return f"expected a finite number, got {_fmt(v) if not math.isnan(v) else 'NaN'}"
        below = v <= self.low if self.low_open else v < self.low
        above = v >= self.high if self.high_open else v > self.high
        if below or above:
            return f"{_fmt(v)} is outside the valid range {self.range_text()}"
        return None


def item_loc(section: str, key: str) -> str:
    """Where an entry keyed by id is, spelled as every message spells it: ``populations["E"]``."""
    return f'{section}["{key}"]'


def check_value(spec: ParamSpec, value: object, location: str) -> list[Problem]:
    """Problems with one value (empty when valid)."""
    why = spec.problem(value)
    return [] if why is None else [Problem(location, why)]


def fill_params(specs: dict[str, ParamSpec], given: dict[str, float] | None) -> dict[str, float]:
    """All parameters in spec order (given values where present, defaults elsewhere), then unknown names.

    Unknown names and wrong types are kept as given, so validation can report them.
    """
    given = given or {}
    out = {}
    for name, spec in specs.items():
        value = given.get(name, spec.default)
        if isinstance(value, Real) and not isinstance(value, bool):
            if spec.integer and float(value).is_integer():
                value = int(value)
            elif not spec.integer:
                value = float(value)
        out[name] = value
    out.update({k: v for k, v in given.items() if k not in specs})
    return out


def check_params(specs: dict[str, ParamSpec], params: dict, location: str) -> list[Problem]:
    """Unknown names and invalid values in a parameter dictionary."""
    problems = []
    for name, value in params.items():
        spec = specs.get(name)
        if spec is None:
            known = ", ".join(specs) or "none"
            problems.append(Problem(f"{location}.{name}", f"unknown parameter (known: {known})"))
        else:
            problems += check_value(spec, value, f"{location}.{name}")
    return problems


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:g}"


def _show(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    return type(value).__name__ if not isinstance(value, (int, float)) else repr(value)


def spec_of_param(p) -> ParamSpec:
    """The spec of a description's ``param`` line (a model's or a synapse kind's): its default, unit, range and
    description, in the units it was written in."""
    return ParamSpec(p.name, p.default, p.unit.text, p.description or p.name, p.low, p.high,
                     low_open=p.low_open, high_open=p.high_open)
