"""The names a person reads for a network's items (ids stay in files and code).

A projection nobody named (its name is the id the editor made, ``source->target``) is called after its ends as
they are named now, so renaming a population renames the projections it takes part in wherever they are shown.
"""

from __future__ import annotations

import re

from ..errors import Problem
from .network import Network

__all__ = ["display_name", "readable_problem"]

_SECTIONS = {"populations": "population", "inputs": "input", "projections": "projection", "recorders": "recorder"}
_LOCATION = re.compile(r'(\w+)\["(.+?)"\](?:\.(.+))?')


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
