"""Sweep files (``*.sweep.json``): a versioned JSON description read strictly, every problem located.

Read in two passes, like network files: ``from_dict`` checks the file's own shape (keys, types, ranges), then
``network_problems`` checks its addresses and values against the network it sweeps. Nothing is evaluated.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from ..errors import FileFormatError, Problem
from ..files import safe_archive, strict_json
from ..files.archive_writer import atomic_write
from ..model.network import Network
from .addresses import AddressError, resolve
from .sweep_spec import COMBINE, Parameter, Sweep, expand_values

__all__ = ["FORMAT", "CURRENT_VERSION", "SUFFIX", "load", "save", "loads", "dumps", "from_dict", "to_dict",
           "network_problems", "beside"]

FORMAT = "spikestudio.sweep"
CURRENT_VERSION = 1  # a change to the format bumps this and adds an upgrade step from the version before
SUFFIX = ".sweep.json"
MAX_SIZE = 4 << 20
MAX_VALUES = 100_000
KEYS = ("format", "version", "network", "parameters", "combine", "repeats", "seed", "duration", "measures")
PARAM_KEYS = ("name", "path", "set", "values")


def load(path: str | os.PathLike) -> Sweep:
    """Read a sweep file; raises ``FileFormatError`` listing every problem with its location."""
    path = Path(path)
    return loads(strict_json.decode_text(safe_archive.read_file(path, MAX_SIZE), path.name), path.name)


def loads(text: str, where: str = "sweep") -> Sweep:
    return from_dict(strict_json.parse(text, where))


def save(sweep: Sweep, path: str | os.PathLike) -> None:
    """Write ``sweep`` atomically (the old file stays whole on any error)."""
    data = dumps(sweep).encode("utf-8")
    atomic_write(Path(path), lambda f: f.write(data))


def dumps(sweep: Sweep) -> str:
    return strict_json.to_text(to_dict(sweep))


def beside(network_path: str | os.PathLike) -> Path:
    """Where a network's own sweep lives: ``brunel.json`` -> ``brunel.sweep.json`` in the same folder."""
    path = Path(network_path)
    return path.with_name(path.name.split(".")[0] + SUFFIX)


def to_dict(sweep: Sweep) -> dict:
    data = {"format": FORMAT, "version": CURRENT_VERSION}
    if sweep.network is not None:
        data["network"] = sweep.network
    data["parameters"] = [_parameter_dict(p) for p in sweep.parameters]
    data.update(combine=sweep.combine, repeats=sweep.repeats, seed=sweep.seed, duration=sweep.duration,
                measures=list(sweep.measures))
    return data


def from_dict(data) -> Sweep:
    """A sweep from file data; raises ``FileFormatError`` with every problem in the file's own shape."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise FileFormatError([Problem("", f"expected a JSON object, got {strict_json.describe(data)}")])
    problems += _header_problems(data)
    if any(p.location in ("format", "version") for p in problems):
        raise FileFormatError(problems)  # not a sweep file this version can read: nothing else is meaningful
    parameters = _parameters(data.get("parameters", strict_json.MISSING), problems)
    sweep = Sweep(parameters,
                  combine=_choice(data, "combine", COMBINE, "grid", problems),
                  repeats=_integer(data, "repeats", 1, 1, 1_000_000, problems),
                  seed=_integer(data, "seed", None, 0, 2**63 - 1, problems),
                  duration=_number(data, "duration", None, problems),
                  measures=_measures(data.get("measures", ["rate"]), problems),
                  network=_text(data, "network", problems))
    if not problems:
        problems += _shape_problems(sweep)
    if problems:
        raise FileFormatError(problems)
    return sweep


def network_problems(sweep: Sweep, net: Network, known_measures=None) -> list[Problem]:
    """What in ``sweep`` does not fit ``net``: addresses naming nothing, values outside a parameter's range,
    unknown measures (when ``known_measures`` is given)."""
    problems = []
    for i, param in enumerate(sweep.parameters):
        for address, factor in param.targets:
            single = param.targets == ((param.name, 1.0),)
            loc = f"parameters[{i}].path" if single else f'parameters[{i}].set["{address}"]'
            try:
                target = resolve(net, address)
            except AddressError as exc:
                problems.append(Problem(loc, str(exc)))
                continue
            for k, value in enumerate(param.values):
                why = target.spec.problem(_as_spec_value(target.spec, value * factor)) if target.spec else None
                if why:
                    problems.append(Problem(f"parameters[{i}].values[{k}]", f"{address} = {value * factor:g}: {why}"))
    if known_measures is not None:
        for k, mid in enumerate(sweep.measures):
            if mid not in known_measures:
                known = ", ".join(known_measures)
                problems.append(Problem(f"measures[{k}]", f'unknown measure "{mid}" (known: {known})'))
    return problems


# --- reading helpers ----------------------------------------------------------------------------------


def _header_problems(data: dict) -> list[Problem]:
    problems = [Problem(k, "given twice") for k in getattr(data, "duplicates", ())]
    problems += [Problem(k, f"unknown key (expected one of: {', '.join(KEYS)})") for k in data if k not in KEYS]
    if data.get("format") != FORMAT:
        problems.append(Problem("format", f'expected "{FORMAT}", got {_show(data.get("format", strict_json.MISSING))}'))
    version = data.get("version", strict_json.MISSING)
    if isinstance(version, bool) or not isinstance(version, int):
        problems.append(Problem("version", f"expected a whole number, got {_show(version)}"))
    elif version > CURRENT_VERSION:
        problems.append(Problem("version", f"{version} was written by a newer SpikeStudio (this one reads up to "
                                           f"{CURRENT_VERSION})"))
    elif version < 1:
        problems.append(Problem("version", f"expected a version >= 1, got {version}"))
    return problems


def _parameters(items, problems: list[Problem]) -> list[Parameter]:
    if not isinstance(items, list) or not items:
        problems.append(Problem("parameters", f"expected a non-empty list of parameters, got {_show(items)}"))
        return []
    return [p for i, item in enumerate(items) if (p := _parameter(item, f"parameters[{i}]", problems))]


def _parameter(item, loc: str, problems: list[Problem]) -> Parameter | None:
    if not isinstance(item, dict):
        problems.append(Problem(loc, f"expected an object with path and values, got {_show(item)}"))
        return None
    before = len(problems)
    problems += [Problem(f"{loc}.{k}", "given twice") for k in getattr(item, "duplicates", ())]
    problems += [Problem(f"{loc}.{k}", f"unknown key (expected one of: {', '.join(PARAM_KEYS)})")
                 for k in item if k not in PARAM_KEYS]
    targets = _targets(item, loc, problems)
    name = item.get("name", targets[0][0] if len(targets) == 1 else strict_json.MISSING)
    if not isinstance(name, str) or not name:
        problems.append(Problem(f"{loc}.name", f"expected a column name, got {_show(name)}"))
    values = _values(item.get("values", strict_json.MISSING), f"{loc}.values", problems)
    if len(problems) > before:
        return None
    return Parameter(name, tuple(targets), tuple(values))


def _targets(item: dict, loc: str, problems: list[Problem]) -> list[tuple[str, float]]:
    if ("path" in item) == ("set" in item):
        problems.append(Problem(loc, "give either path (one address) or set (addresses and factors)"))
        return []
    if "path" in item:
        path = item["path"]
        if not isinstance(path, str) or "." not in path:
            problems.append(Problem(f"{loc}.path", f"expected an address like E.tau_m, got {_show(path)}"))
            return []
        return [(path, 1.0)]
    given = item["set"]
    if not isinstance(given, dict) or not given:
        problems.append(Problem(f"{loc}.set", f"expected an object of addresses and factors, got {_show(given)}"))
        return []
    out = []
    for address, factor in given.items():
        if _finite(factor):
            out.append((address, float(factor)))
        else:
            problems.append(Problem(f'{loc}.set["{address}"]', f"expected a finite factor, got {_show(factor)}"))
    return out


def _values(spec, loc: str, problems: list[Problem]) -> list[float]:
    if isinstance(spec, list):
        bad = [Problem(f"{loc}[{k}]", f"expected a finite number, got {_show(v)}") for k, v in enumerate(spec)
               if not _finite(v)]
        if not spec:
            bad.append(Problem(loc, "expected at least one value"))
        problems += bad
        return [] if bad else expand_values(spec)
    if isinstance(spec, dict):
        return _range(spec, loc, problems)
    problems.append(Problem(loc, f'expected a list of numbers or a range like {{"linear": [1, 10], "num": 5}}, '
                                 f"got {_show(spec)}"))
    return []


def _range(spec: dict, loc: str, problems: list[Problem]) -> list[float]:
    kinds = [k for k in ("linear", "log") if k in spec]
    extra = [k for k in spec if k not in ("linear", "log", "num")]
    before = len(problems)
    problems += [Problem(f"{loc}.{k}", 'unknown key (expected "linear" or "log", and "num")') for k in extra]
    if len(kinds) != 1:
        problems.append(Problem(loc, 'a range needs exactly one of "linear" or "log"'))
        return []
    bounds, num = spec[kinds[0]], spec.get("num", strict_json.MISSING)
    if not (isinstance(bounds, list) and len(bounds) == 2 and all(_finite(b) for b in bounds)):
        problems.append(Problem(f"{loc}.{kinds[0]}",
                                f"expected [start, stop] (two finite numbers), got {_show(bounds)}"))
    elif kinds[0] == "log" and min(bounds) <= 0:
        problems.append(Problem(f"{loc}.log",
                                f"a log range needs start and stop > 0, got {bounds[0]:g} and {bounds[1]:g}"))
    if isinstance(num, bool) or not isinstance(num, int) or not 1 <= num <= MAX_VALUES:
        problems.append(Problem(f"{loc}.num", f"expected a whole number from 1 to {MAX_VALUES}, got {_show(num)}"))
    return [] if len(problems) > before else expand_values(spec)


def _shape_problems(sweep: Sweep) -> list[Problem]:
    problems = []
    names = [p.name for p in sweep.parameters]
    problems += [Problem("parameters", f'two parameters are named "{n}"') for n in sorted({n for n in names
                                                                                        if names.count(n) > 1})]
    if sweep.combine == "zip" and len({len(p.values) for p in sweep.parameters}) > 1:
        lengths = ", ".join(f"{p.name}: {len(p.values)}" for p in sweep.parameters)
        problems.append(Problem("combine", f"zip needs as many values for every parameter ({lengths})"))
    if sweep.size() > MAX_VALUES:
        problems.append(Problem("parameters",
                                f"{sweep.size():,} runs is more than the {MAX_VALUES:,} a sweep may have"))
    return problems


def _choice(data: dict, key: str, choices, default, problems: list[Problem]):
    value = data.get(key, default)
    if value not in choices:
        problems.append(Problem(key, f"expected one of {', '.join(choices)}, got {_show(value)}"))
        return default
    return value


def _integer(data: dict, key: str, default, low: int, high: int, problems: list[Problem]):
    value = data.get(key, default)
    if value is None and default is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problems.append(Problem(key, f"expected a whole number from {low} to {high}, got {_show(value)}"))
        return default
    return value


def _number(data: dict, key: str, default, problems: list[Problem]):
    value = data.get(key, default)
    if value is None:
        return None
    if not _finite(value) or value <= 0:
        problems.append(Problem(key, f"expected a number of ms > 0 (or null for the network's), got {_show(value)}"))
        return default
    return float(value)


def _text(data: dict, key: str, problems: list[Problem]):
    value = data.get(key)
    if value is not None and not (isinstance(value, str) and value):
        problems.append(Problem(key, f"expected a file name, got {_show(value)}"))
        return None
    return value


def _measures(items, problems: list[Problem]) -> list[str]:
    if not isinstance(items, list) or not items or not all(isinstance(m, str) and m for m in items):
        problems.append(Problem("measures", f"expected a non-empty list of measure names, got {_show(items)}"))
        return ["rate"]
    return list(items)


def _finite(value) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value)


def _show(value) -> str:
    return "nothing (missing)" if value is strict_json.MISSING else strict_json.describe(value)


def _as_spec_value(spec, value: float):
    return int(value) if spec.integer and float(value).is_integer() else value


def _parameter_dict(p: Parameter) -> dict:
    if p.targets == ((p.name, 1.0),):
        return {"path": p.name, "values": list(p.values)}
    return {"name": p.name, "set": dict(p.targets), "values": list(p.values)}
