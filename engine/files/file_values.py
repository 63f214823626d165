"""Reading JSON values into Python values: each bad one is reported with its location and a default stands in."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping

import numpy as np

from ..model.catalog import DISTRIBUTION_KINDS
from ..model.network import Distribution
from ..model.params import ParamSpec, Problem, check_params
from .file_schema import child
from .safe_archive import as_array, parse_npy
from .strict_json import MISSING, NonFinite, as_float, describe, encodable

__all__ = ["Fields", "ValueReader", "npy_references"]

# Fields other checks depend on: when one is replaced, the item's (and its dependents') validate problems are moot.
_STRUCTURAL = {"", "size", "model", "grid", "type", "rule", "waveform", "kind", "source", "target", "dt"}


def _field(loc: str, item_loc: str) -> str:
    """The first field name of ``loc`` below ``item_loc`` ("" for the item itself)."""
    return re.match(r"[.]?([^.\[]*)", loc[len(item_loc):]).group(1)


def npy_references(data) -> Counter:
    """How often the document names each archive member (``{"npy": name}``), walked without recursion."""
    counts, stack = Counter(), [data]
    while stack:
        value = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if isinstance(value, dict) and isinstance(value.get("npy"), str):
            counts[value["npy"]] += 1
        stack.extend(v for v in children if isinstance(v, (dict, list)))
    return counts


class Fields(dict):
    """A JSON object's fields; an absent one reads as ``MISSING`` (``fields`` has already reported it)."""

    def __missing__(self, key):
        return MISSING


class ValueReader:
    """Reads JSON values, collecting every problem with its location instead of stopping at the first.

    A bad value is replaced by a harmless default; ``replaced`` and ``bad`` (items whose size, model, rule...
    were replaced) let the caller drop validate() problems that only follow from the replacement.
    """

    def __init__(self, arrays: Mapping | None, references: Mapping[str, int] | None = None):
        self.arrays = arrays
        self.references = references or {}  # member name -> how often the document names it
        self.problems: list[Problem] = []
        self.used: set[str] = set()
        self.shared: dict[tuple[str, bool], np.ndarray] = {}
        self.replaced: list[str] = []
        self.bad: set[tuple[str, str]] = set()
        self.item: tuple[str, str] | None = None
        self.item_loc = ""

    def report(self, loc: str, message: str, replaced: bool = True):
        """Record a problem; ``replaced`` means a default now stands in for the value at ``loc``."""
        self.problems.append(Problem(loc, message))
        if replaced:
            self.replaced.append(loc)
            if self.item is not None and _field(loc, self.item_loc) in _STRUCTURAL:
                self.bad.add(self.item)

    def expect(self, value, loc: str, what: str, default):
        """Report that ``value`` is not ``what`` and return ``default`` to stand in for it.

        A ``MISSING`` value is not reported again: ``fields`` has already reported the key as missing.
        """
        if value is not MISSING:
            self.report(loc, f"expected {what}, got {describe(value)}")
        return default

    # --- shapes ---
    def fields(self, value, loc: str, names, optional=()) -> Fields | None:
        """``value`` as an object with exactly ``names`` (and any of ``optional``); missing and unknown keys are
        problems."""
        if not isinstance(value, dict):
            return self.expect(value, loc, "an object", None)
        for name in names:
            if name not in value:
                self.report(child(loc, name), "missing")
        allowed = (*names, *optional)
        for key in value:
            if key not in allowed:
                self.report(child(loc, key), f"unknown field (expected: {', '.join(allowed)})", replaced=False)
        return Fields(value)

    def mapping(self, value, loc: str) -> dict:
        return value if isinstance(value, dict) else self.expect(value, loc, "an object", {})

    def read_all(self, d: Fields, loc: str, readers: dict) -> dict:
        return {name: read(d[name], child(loc, name)) for name, read in readers.items()}

    # --- values ---
    def text(self, value, loc: str) -> str:
        if isinstance(value, str):
            if encodable(value):
                return value
            self.report(loc, "not valid text (holds a lone surrogate, which cannot be saved again)")
            return ""
        return self.expect(value, loc, "a string", "")

    def number(self, value, loc: str) -> float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = as_float(value)
            if math.isfinite(number):
                return number
        finite = "a finite" if isinstance(value, (NonFinite, int, float)) else "a"
        return self.expect(value, loc, f"{finite} number", 1.0)

    def optional_number(self, value, loc: str) -> float | None:
        return None if value is None or value is MISSING else self.number(value, loc)

    def integer(self, value, loc: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return self.expect(value, loc, "a whole number", 1)

    def boolean(self, value, loc: str) -> bool:
        return value if isinstance(value, bool) else self.expect(value, loc, "true or false", False)

    def plain(self, value, loc: str):
        """A plugin parameter: a number, a string or true/false, kept as written (an int stays an int)."""
        if isinstance(value, str):
            return self.text(value, loc)
        if isinstance(value, (bool, int)) or (isinstance(value, float) and math.isfinite(value)):
            return value
        return self.expect(value, loc, "a finite number, a string or true/false", 0)

    def grid(self, value, loc: str):
        if value is None or value is MISSING:
            return None
        if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value):
            return tuple(value)
        return self.expect(value, loc, "[rows, columns] of whole numbers or null", None)

    def indices(self, value, loc: str) -> list[int]:
        if isinstance(value, list) and all(type(v) is int for v in value):
            return value
        return self.expect(value, loc, "a list of whole numbers", [0])

    def params(self, value, loc: str, specs: dict[str, ParamSpec] | None) -> dict:
        """Numbers by name; a known catalog also makes missing and unknown names problems."""
        given = self.mapping(value, loc)
        if specs is None:
            return {name: self.number(v, f"{loc}.{name}") for name, v in given.items()}
        out = {}
        for name in specs:
            if name not in given and isinstance(value, dict):
                self.report(f"{loc}.{name}", "missing")
        for name, v in given.items():
            if name in specs:
                out[name] = (self.integer if specs[name].integer else self.number)(v, f"{loc}.{name}")
            else:  # check_params words the unknown name as validate() does; ranges are validate()'s job
                for problem in check_params(specs, {name: v}, loc):
                    self.report(problem.location, problem.message, replaced=False)
        return out

    def distribution(self, value, loc: str) -> Distribution:
        if not isinstance(value, dict):
            return self.expect(value, loc, "a distribution object", Distribution())
        kind = value.get("kind", MISSING)
        names = DISTRIBUTION_KINDS.get(kind) if isinstance(kind, str) else None
        if names is None:
            known = ", ".join(DISTRIBUTION_KINDS)
            self.report(f"{loc}.kind", "missing" if kind is MISSING else
                        f"unknown distribution {describe(kind)} (known: {known})")
            return Distribution()
        d = self.fields(value, loc, ("kind", *names, "min", "max"), optional=("redraw",))
        args = {name: self.number(d[name], f"{loc}.{name}") for name in names}
        bounds = {name: self.optional_number(d[name], f"{loc}.{name}") for name in ("min", "max")}
        redraw = value.get("redraw", False)
        if not isinstance(redraw, bool):
            redraw = self.expect(redraw, f"{loc}.redraw", "true or false", False)
        return Distribution(kind, **args, **bounds, redraw=redraw)

    # --- arrays ---
    def array(self, value, loc: str, integer: bool, optional: bool = True) -> np.ndarray | None:
        """An inline list or an ``{"npy": member}`` reference, as int64 or float64."""
        if value is MISSING or (value is None and optional):
            return None
        if isinstance(value, list):
            return self.inline(value, loc, integer)
        if isinstance(value, dict):
            return self.member(value, loc, integer)
        return self.expect(value, loc, 'a list of numbers or {"npy": member}', None)

    def inline(self, values: list, loc: str, integer: bool) -> np.ndarray | None:
        types = (int,) if integer else (int, float)
        bad = next((i for i, v in enumerate(values) if type(v) not in types), None)
        if bad is not None:
            what = "a whole number" if integer else "a number"
            what = "a finite number" if isinstance(values[bad], NonFinite) else what
            self.report(f"{loc}[{bad}]", f"expected {what}, got {describe(values[bad])}")
            return None
        try:
            array = np.array(values, dtype=np.int64 if integer else np.float64)
        except OverflowError:
            array = None
        if array is None or not np.all(np.isfinite(array)):
            self.report(loc, "holds a value that is not a finite 64-bit number")
            return None
        return array

    def member(self, value: dict, loc: str, integer: bool) -> np.ndarray | None:
        d = self.fields(value, loc, ("npy",))
        name = self.text(d["npy"], f"{loc}.npy")
        if not name:
            return None
        if self.arrays is not None and name in self.arrays:
            self.used.add(name)
        message = self.member_problem(name)
        if message is None:
            try:
                return self.shared_array(name, integer)
            except ValueError as exc:
                message = f'archive member "{name}" {exc}'
        self.report(loc, message)
        return None

    def shared_array(self, name: str, integer: bool) -> np.ndarray:
        """The member's array, without a copy where possible. A member named once (as ``save`` writes them) gives
        a writable array of its own; one named more often gives one read-only array shared by all who name it:
        a small file naming one member a thousand times must not cost a thousand copies."""
        key = (name, integer)
        if key not in self.shared:
            raw = self.arrays[name]
            array = as_array(np.array(raw) if isinstance(raw, np.ndarray) else parse_npy(raw), integer)
            if self.references.get(name, 0) > 1:
                array.flags.writeable = False
            elif not array.flags.writeable:  # .npy bytes given by a caller: the array gets its own copy
                array = array.copy()
            self.shared[key] = array
        return self.shared[key]

    def member_problem(self, name: str) -> str | None:
        if self.arrays is None:
            return f'refers to archive member "{name}", but a .json file has no archive (write arrays as lists)'
        if not name.endswith(".npy"):
            return f'archive member "{name}" is not a .npy file'
        if name not in self.arrays:
            return f'archive member "{name}" does not exist'
        return None
