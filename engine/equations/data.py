"""The plain-data (JSON) form of a model and the canonical text both forms share.

The data form is structured (state, parameters, equations, ...) with each expression as a string. It is
read by rendering it to the canonical text and parsing that, so a problem in a file is located by the
same (line, column) the model editor shows.
"""

from __future__ import annotations

import math

from .description import ModelDescription, ModelError, ModelProblem, Parameter
from .receptor_line import receptor_text
from .render import number_text, to_source
from .text import parse_model

__all__ = ["to_text", "to_data", "from_data", "DATA_KEYS"]

DATA_KEYS = ("title", "about", "state", "init", "parameters", "presets", "let", "equations", "threshold", "reset",
             "refractory", "method", "substep", "input", "receptors", "receptor")


def to_text(desc: ModelDescription) -> str:
    """The canonical text of a description (what ``to_data`` becomes when read back)."""
    return "\n".join(_lines(to_data(desc)))


def to_data(desc: ModelDescription) -> dict:
    """A JSON-able dict; ``from_data`` reads it back to an equal description."""
    data: dict = {"title": desc.title}
    if desc.description:
        data["about"] = desc.description
    data["state"] = {s.name: {"initial": s.initial, "unit": s.unit.text} for s in desc.state}
    if desc.inits:
        data["init"] = {i.var: to_source(i.expr) for i in desc.inits}
    data["parameters"] = {p.name: _param_data(p) for p in desc.params}
    if desc.presets:  # only then, so a model without presets is written as before presets existed
        data["presets"] = desc.preset_values()
    if desc.aliases:
        data["let"] = {a.name: to_source(a.expr) for a in desc.aliases}
    data["equations"] = {e.var: to_source(e.expr) for e in desc.equations}
    if desc.threshold is not None:
        data["threshold"] = to_source(desc.threshold)
    data["reset"] = [f"{r.var} {r.op} {to_source(r.expr)}" for r in desc.resets]
    if desc.refractory is not None:
        data["refractory"] = {"period": to_source(desc.refractory), "clamp": list(desc.clamp)}
    data["method"] = desc.method
    if desc.substep is not None:
        data["substep"] = to_source(desc.substep)
    data["input"] = desc.input_var
    named = [r.name for r in desc.named_receptors]
    data["receptors"] = [r for r in desc.receptors if r not in named]
    if desc.named_receptors:
        data["receptor"] = [receptor_text(r) for r in desc.named_receptors]
    return data


def _param_data(p: Parameter) -> dict:
    d = {"default": p.default, "unit": p.unit.text}
    if math.isfinite(p.low) or math.isfinite(p.high):  # JSON holds no infinity: an open end is left out
        if math.isfinite(p.low):
            d.update(low=p.low, low_open=p.low_open)
        if math.isfinite(p.high):
            d.update(high=p.high, high_open=p.high_open)
    if p.description:
        d["description"] = p.description
    return d


def from_data(data: object, name: str = "") -> ModelDescription:
    """The description held by ``data``, or a ``ModelError`` (shape problems first, then located ones)."""
    shape = _shape_problems(data)
    if shape:
        raise ModelError([ModelProblem(0, 0, m) for m in shape], name)
    try:
        return parse_model("\n".join(_lines(data)))
    except ModelError as exc:
        raise ModelError(exc.problems, name) from None


def _lines(data: dict) -> list[str]:
    lines = [f"title {data.get('title', '')}".rstrip()]
    if data.get("about"):
        lines.append(f"about {data['about']}")
    for var, s in data.get("state", {}).items():
        lines.append(f"state {var} = {number_text(s['initial'])} {s.get('unit', '')}".rstrip())
    lines += [f"init {k} = {v}" for k, v in data.get("init", {}).items()]
    for pname, p in data.get("parameters", {}).items():
        line = f"param {pname} = {number_text(p['default'])} {p.get('unit', '')}".rstrip()
        if "low" in p or "high" in p:
            lo, hi = p.get("low", -math.inf), p.get("high", math.inf)
            line += f" {'(' if p.get('low_open') or math.isinf(lo) else '['}{number_text(lo)}, {number_text(hi)}" \
                    f"{')' if p.get('high_open') or math.isinf(hi) else ']'}"
        if p.get("description"):
            line += f' "{p["description"]}"'
        lines.append(line)
    params = data.get("parameters", {})
    for name, values in data.get("presets", {}).items():
        lines.append(f"preset {name} " + ", ".join(
            f"{k} = {number_text(v)} {params.get(k, {}).get('unit', '')}".rstrip() for k, v in values.items()))
    lines += [f"let {k} = {v}" for k, v in data.get("let", {}).items()]
    lines += [f"d{k}/dt = {v}" for k, v in data.get("equations", {}).items()]
    if data.get("threshold"):
        lines.append(f"threshold {data['threshold']}")
    lines += [f"reset {r}" for r in data.get("reset", [])]
    if data.get("refractory"):
        r = data["refractory"]
        lines.append(f"refractory {r['period']}" + (f" clamp {', '.join(r['clamp'])}" if r.get("clamp") else ""))
    for key in ("method", "substep", "input"):
        if data.get(key):
            lines.append(f"{key} {data[key]}")
    if data.get("receptors"):
        lines.append("receptors " + ", ".join(data["receptors"]))
    lines += [f"receptor {r}" for r in data.get("receptor", [])]
    return lines


_TEXT = (str,)
_NUMBER = (int, float)


def _shape_problems(data: object) -> list[str]:
    """Wrong keys and types: what must hold before the data can be rendered as text."""
    if not isinstance(data, dict):
        return ["a model is an object"]
    problems = [f"unknown key {k!r} (known: {', '.join(DATA_KEYS)})" for k in data if k not in DATA_KEYS]
    problems += [f"missing key {k!r}" for k in ("state", "equations") if k not in data]
    problems += _typed(data, "title", _TEXT) + _typed(data, "about", _TEXT) + _typed(data, "threshold", _TEXT)
    problems += _typed(data, "method", _TEXT) + _typed(data, "substep", _TEXT) + _typed(data, "input", _TEXT)
    problems += _mapping(data, "state", {"initial": _NUMBER, "unit": _TEXT}, {"initial"})
    problems += _mapping(data, "parameters", {"default": _NUMBER, "unit": _TEXT, "low": _NUMBER, "high": _NUMBER,
                                              "low_open": (bool,), "high_open": (bool,), "description": _TEXT},
                         {"default"})
    presets = data.get("presets", {})
    if not isinstance(presets, dict) or not all(
            isinstance(k, str) and isinstance(v, dict) and all(
                isinstance(q, str) and isinstance(x, _NUMBER) and not isinstance(x, bool) for q, x in v.items())
            for k, v in presets.items()):
        problems.append("presets maps names to objects of parameter values (numbers)")
    for key in ("init", "let", "equations"):
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            problems.append(f"{key} maps names to expressions (text)")
    for key in ("reset", "receptors", "receptor"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{key} is a list of text")
    ref = data.get("refractory")
    if ref is not None and not (isinstance(ref, dict) and set(ref) <= {"period", "clamp"}
                                and isinstance(ref.get("period"), str)
                                and isinstance(ref.get("clamp", []), list)
                                and all(isinstance(c, str) for c in ref.get("clamp", []))):
        problems.append("refractory is {\"period\": text, \"clamp\": [variables]}")
    problems += [f"{k} may not hold a '#'" for k in ("title", "about") if "#" in str(data.get(k, ""))]
    if not problems:
        problems += [f"text in a model may not hold a line break or a '\"': {s[:40]!r}" for s in _strings(data)
                     if "\n" in s or "\r" in s or ('"' in s)]
    return problems


def _typed(data: dict, key: str, types: tuple) -> list[str]:
    if key in data and (not isinstance(data[key], types) or isinstance(data[key], bool)):
        return [f"{key} must be {'text' if types is _TEXT else 'a number'}"]
    return []


def _mapping(data: dict, key: str, fields: dict, required: set) -> list[str]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        return [f"{key} maps names to objects"]
    problems = []
    for name, entry in value.items():
        if not isinstance(entry, dict):
            problems.append(f"{key}.{name} must be an object")
            continue
        problems += [f"{key}.{name}: unknown key {k!r}" for k in entry if k not in fields]
        problems += [f"{key}.{name}: missing {k!r}" for k in required if k not in entry]
        for k, types in fields.items():
            v = entry.get(k)
            if k in entry and (not isinstance(v, types) or (isinstance(v, bool) and bool not in types)):
                problems.append(f"{key}.{name}.{k} has the wrong type")
    return problems


def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
