"""Problems only a file can have (header, repeated keys, stray layout) and the validate() ones worth showing."""

from __future__ import annotations

from ..model.network import CurrentInput, Network
from ..model.notes import color_problems, notes_problems, position_problems
from ..model.params import Problem
from .file_schema import FORMAT, JSON_MEMBER, child, item_loc
from .strict_json import MISSING, describe

__all__ = ["header_problems", "duplicate_problems", "layout_problems", "without_follow_on"]


def header_problems(data) -> list[Problem]:
    """Why ``data`` is not a network file SpikeStudio can upgrade and read; empty when it is."""
    if not isinstance(data, dict):
        return [Problem(JSON_MEMBER, f'expected a JSON object with "format": "{FORMAT}", got {describe(data)}')]
    fmt, version = data.get("format", MISSING), data.get("version", MISSING)
    if fmt is MISSING:
        return [Problem("format", f'missing: not a SpikeStudio network file (expected "format": "{FORMAT}")')]
    if fmt != FORMAT:
        return [Problem("format", f'expected "{FORMAT}", got {describe(fmt)}: not a SpikeStudio network file')]
    if version is MISSING:
        return [Problem("version", "missing (expected a whole number, such as 1)")]
    if type(version) is not int:
        return [Problem("version", f"expected a whole number, got {describe(version)}")]
    if version < 1:
        return [Problem("version", f"{version} is not a file version (versions start at 1)")]
    return []


def duplicate_problems(data) -> list[Problem]:
    """Keys given twice anywhere in the document, in document order (iterative: depth cannot overflow)."""
    problems, stack = [], [(data, "")]
    while stack:
        value, loc = stack.pop()
        children = []
        if isinstance(value, dict):
            problems += [Problem(child(loc, k), "duplicate key (only the last would be kept)")
                         for k in getattr(value, "duplicates", ())]
            children = [(v, child(loc, k)) for k, v in value.items() if isinstance(v, (dict, list))]
        elif isinstance(value, list):
            children = [(v, f"{loc}[{i}]") for i, v in enumerate(value) if isinstance(v, (dict, list))]
        stack.extend(reversed(children))
    return problems


def layout_problems(net: Network) -> list[Problem]:
    """What a file needs beyond ``validate()``: layout entries only for real items, on the canvas (finite, bounded
    positions: a picture of ±1e308 cannot be drawn) with real colours, and well-formed notes."""
    ids, problems = net.all_ids(), []
    for key, layout in net.layout.items():
        loc = item_loc("layout", key)
        if key not in ids:
            problems.append(Problem(loc, f'refers to "{key}", which does not exist'))
        problems += position_problems(layout.x, layout.y, loc) + color_problems(layout.color, f"{loc}.color", True)
    return problems + notes_problems(net)


def without_follow_on(problems: list[Problem], net: Network, bad: set[tuple[str, str]],
                      replaced: list[str]) -> list[Problem]:
    """``validate()`` problems minus those that only follow from a replaced value (a bad size, a bad dt).

    A problem at or under a ``replaced`` location is a duplicate; a replaced size, model, rule or reference
    makes the whole item (in ``bad``), and items that refer to it, unreliable to check.
    """
    bad = _with_dependents(net, bad)
    bad_settings = ("settings", "") in bad
    prefixes = tuple(item_loc(section, key) for section, key in bad if section != "settings")
    prefixes += ("settings",) if bad_settings else ()
    replaced = tuple(replaced)

    def follows(loc: str) -> bool:
        return loc.startswith(prefixes) or any(loc == r or loc.startswith((r + ".", r + "[")) for r in replaced)

    return [p for p in map(_file_location, problems) if not follows(p.location)]


def _with_dependents(net: Network, bad: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """``bad`` plus the items that refer to a bad population or input (and recorders, when dt is bad)."""
    bad = set(bad)
    bad_nodes = {key for section, key in bad if section in ("populations", "inputs")}
    bad_settings = ("settings", "") in bad
    for key, proj in net.projections.items():
        reward = proj.plasticity.params.get("reward") if proj.plasticity is not None else None
        if proj.source in bad_nodes or proj.target in bad_nodes or reward in bad_nodes:
            bad.add(("projections", key))
    for key, rec in net.recorders.items():
        if rec.target in bad_nodes or bad_settings:
            bad.add(("recorders", key))
    for key, item in net.inputs.items():
        if isinstance(item, CurrentInput) and item.target in bad_nodes:
            bad.add(("inputs", key))
    return bad


def _file_location(problem: Problem) -> Problem:
    """validate() calls the settings ``network.dt``; the file calls them ``settings.dt``."""
    if problem.location.startswith("network."):
        return Problem("settings." + problem.location.removeprefix("network."), problem.message)
    return problem
