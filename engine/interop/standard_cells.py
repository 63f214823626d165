"""Populations of described models seen as the standard cells PyNN and NIR have, when their descriptions match.

The standard cells are written once, as the built-in models' descriptions (``engine/model/builtin_models``):
``pynn_models`` and ``nir_export`` know which PyNN cell type or NIR node each built-in is. A population of a
model described by equations whose description matches one of them (``cell_match``) is exported as a population
of that built-in, its parameters renamed and converted from the description's units; one that matches none is
reported by name with what differs.
"""

from __future__ import annotations

import copy

import numpy as np

from ..equations.description import ModelDescription
from ..equations.initial import initial_state
from ..model.catalog import NEURON_MODELS, builtin_description
from ..model.items import Distribution, Population
from ..model.network import Network
from .cell_match import CellMatch, Mismatch, match_cell

__all__ = ["PYNN_CELLS", "NIR_CELLS", "standard_network", "standard_population"]

PYNN_CELLS = ("lif", "lif_adaptive", "izhikevich", "adex", "hh")  # the built-ins pynn_models maps
NIR_CELLS = ("lif", "lif_adaptive")  # the built-ins nir_export maps (LIF, CubaLIF)


def standard_network(net: Network, cells: tuple[str, ...], target: str) -> tuple[Network, dict[str, str]]:
    """A copy of ``net`` whose populations of described models are the built-in cells they match, and for each
    population that matches none, why (``model 'qif': no PyNN standard cell has dv/dt = ...``)."""
    out, reasons, changed = dict(net.populations), {}, False
    for pid, pop in net.populations.items():
        if pop.model in NEURON_MODELS or pop.model not in net.models:
            continue
        found = standard_population(pop, net.models[pop.model], cells)
        if isinstance(found, Population):
            out[pid], changed = found, True
        else:
            reasons[pid] = f"model {pop.model!r}: no {target} standard cell has {found.what}"
    if not changed:
        return net, reasons
    std = copy.copy(net)
    std.populations = out
    return std, reasons


def standard_population(pop: Population, desc: ModelDescription, cells: tuple[str, ...]) -> Population | Mismatch:
    """``pop`` as a population of the first built-in in ``cells`` its description matches, or the closest
    mismatch."""
    best = Mismatch(-2, f"{len(desc.state)} state variables ({', '.join(desc.state_names())})")
    for cell_id in cells:
        cell = builtin_description(cell_id)
        found = match_cell(desc, cell)
        if isinstance(found, CellMatch):
            return _as_cell(pop, desc, cell_id, cell, found)
        best = max(best, found, key=lambda m: m.stage)
    return best


def _as_cell(pop: Population, desc: ModelDescription, cell_id: str, cell: ModelDescription,
             match: CellMatch) -> Population:
    mine = {p.name: p for p in desc.params}
    given = {p.name: float(pop.params.get(p.name, p.default)) for p in desc.params}  # a file may leave defaults out
    params = {}
    for p in cell.params:
        bound = match.params.get(p.name)
        if isinstance(bound, str):
            params[p.name] = given[bound] * mine[bound].unit.factor / p.unit.factor
        elif bound is not None:  # a constant the model wrote, in engine units
            params[p.name] = float(bound) / p.unit.factor
        else:
            params[p.name] = p.default
    initial = _initial(pop, desc, cell, match, params, given)
    return Population(pop.id, pop.size, cell_id, params, initial, pop.grid, pop.name)


def _initial(pop, desc, cell, match, params, given) -> dict:
    """The population's chosen initial values under the cell's names and units, plus a constant for each other
    variable whose start (the model's ``init`` or ``state`` line) differs from the cell's own rule."""
    units = {s.name: s.unit.factor for s in desc.state}
    out = {}
    for s in cell.state:
        var = match.state[s.name]
        if var in pop.initial:
            out[s.name] = _scaled(pop.initial[var], units[var] / s.unit.factor)
    fixed = {s: np.full(1, d.value) for s, d in out.items() if isinstance(d, Distribution) and d.kind == "constant"}
    theirs = initial_state(cell, params, fixed, 1)
    own = initial_state(desc, given, {match.state[s]: np.full(1, pop.initial[match.state[s]].value)
                                           for s in fixed}, 1)
    order = desc.state_names()
    for k, s in enumerate(cell.state):
        x = float(own[order.index(match.state[s.name])][0])
        if s.name not in out and not np.isclose(x, float(theirs[k][0]), rtol=1e-12, atol=0.0):
            out[s.name] = Distribution("constant", value=x / s.unit.factor)
    return out


def _scaled(value, k: float):
    """A distribution or per-neuron array of initial values multiplied by ``k`` (a change of unit)."""
    if k == 1.0:
        return value
    if isinstance(value, np.ndarray):
        return value * k
    d = copy.copy(value)
    for name in ("value", "low", "high", "mean", "std", "min", "max"):
        if getattr(d, name) is not None:
            setattr(d, name, getattr(d, name) * k)
    return d
