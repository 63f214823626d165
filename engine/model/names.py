"""The names a person reads for a network's items (ids stay in files and code).

A projection nobody named (its name is the id the editor made, ``source->target``) is called after its ends as
they are named now, so renaming a population renames the projections it takes part in wherever they are shown.
"""

from __future__ import annotations

import re

from ..errors import Problem
from .network import Network

__all__ = ["display_name", "readable_problem", "readable_text", "readable_error"]

_SECTIONS = {"populations": "population", "inputs": "input", "projections": "projection", "recorders": "recorder"}
_LOCATION = re.compile(r'(\w+)\["(.+?)"\](?:\.(.+))?')
# An id inside free text: ``projections["E->I"].plasticity.rule`` or ``population "E"``
_IN_TEXT = re.compile(r'\b(populations|inputs|projections|recorders)\["([^"\n]+?)"\]((?:\.[\w.]+)?)'
                      r'|\b(population|input|projection|recorder|node) "([^"\n]+?)"')
_BUILT_NAME = re.compile(r'\b(population|node) "[^"\n]*"')  # how a SimulationError names its population


def display_name(net: Network, item_id: str) -> str:
    """The item's name; for an unnamed projection, "source name → target name"."""
    proj = net.projections.get(item_id)
    if proj is not None and (not proj.name or proj.name == proj.id) and proj.id.startswith(
            f"{proj.source}->{proj.target}"):
        return f"{display_name(net, proj.source)} → {display_name(net, proj.target)}"
    for section in (net.populations, net.inputs, net.projections, net.recorders):
        item = section.get(item_id)
        if item is not None:
            return getattr(item, "name", "") or item_id
    return item_id


def readable_problem(net: Network, problem: Problem) -> str:
    """A problem as a person reads it: ``recorder “Voltmeter”, interval: …`` rather than
    ``recorders["v:LIF"].interval: …`` (the location with ids is what files and the command line report)."""
    match = _LOCATION.fullmatch(getattr(problem, "location", "") or "")
    if match is None or match.group(1) not in _SECTIONS:
        return str(problem)
    section, item_id, rest = match.groups()
    where = f"{_SECTIONS[section]} “{display_name(net, item_id)}”" + (f", {rest}" if rest else "")
    return f"{where}: {problem.message}"


def _has(net: Network, item_id: str) -> bool:
    return any(item_id in section for section in (net.populations, net.inputs, net.projections, net.recorders))


def readable_text(net: Network, text: str) -> str:
    """``text`` (an engine message) with the ids of ``net``'s items replaced by their names:
    ``projections["E->I"].plasticity.rule`` becomes ``projection “Exc → Inh”, plasticity.rule`` and
    ``population "E"`` becomes ``population “Exc”``. What is not an id of ``net`` is left as it was."""
    def name_of(match: re.Match) -> str:
        if match.group(1):
            section, item_id, rest = match.group(1), match.group(2), match.group(3)
            if not _has(net, item_id):
                return match.group(0)
            return f"{_SECTIONS[section]} “{display_name(net, item_id)}”" + (f", {rest[1:]}" if rest else "")
        kind, item_id = match.group(4), match.group(5)
        if not _has(net, item_id):
            return match.group(0)
        return f"{kind} “{display_name(net, item_id)}”"
    return _IN_TEXT.sub(name_of, text)


def readable_error(net: Network, exc: BaseException) -> str:
    """An exception from validating, building or running ``net`` as a person reads it: every problem of a
    ``ValidationError`` located by names, ids in any other message replaced by names (see ``readable_text``)."""
    problems = getattr(exc, "problems", None)
    if problems:
        return "\n".join(readable_text(net, readable_problem(net, p)) for p in problems)
    failed = getattr(exc, "population", None)  # a SimulationError: named as the network was built, renamed since?
    if isinstance(failed, str) and _has(net, failed):
        shown = f"“{display_name(net, failed)}”"
        return _BUILT_NAME.sub(lambda m: f"{m.group(1)} {shown}", str(exc), count=1)
    return readable_text(net, str(exc))
