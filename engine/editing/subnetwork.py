"""Copy and paste of parts of a network: cut out a self-contained piece, and fit a piece into another network.

The clipboard carries an ordinary network file text (``fileformat.dumps``), so pasting goes through
the same strict, code-free reader as opening a file, also between windows and between programs.
"""

from __future__ import annotations

import copy
import re

from ..equations.data import to_data
from ..model.catalog import NEURON_MODELS
from ..model.network import CurrentInput, Network, NodeLayout, Note, Population, Projection, Recorder, RewardInput

__all__ = ["extract", "fit_into", "fit_notes_into", "fresh_name", "models_to_add"]


def extract(net: Network, ids, notes=()) -> Network:
    """The chosen items as a network of their own, plus the projections between chosen nodes and the chosen
    ``notes`` (note ids: notes have ids of their own, apart from the items').

    Items that would dangle without what they point at (a recorder or current input whose target is
    not chosen, a projection with an end not chosen) are left out.
    """
    chosen = set(ids) | _rewards_of(net, ids)
    sub = Network(dt=net.dt, duration=net.duration, seed=net.seed, threads=net.threads)
    nodes = {k for k in chosen if k in net.populations or k in net.inputs}
    for pop_id, pop in net.populations.items():
        if pop_id in nodes:
            sub.add(copy.deepcopy(pop))
    for item_id, item in net.inputs.items():
        if item_id in nodes and (not isinstance(item, CurrentInput) or item.target in nodes):
            sub.add(copy.deepcopy(item))
            if isinstance(item, RewardInput) and item.source not in nodes:
                sub.inputs[item_id].source = ""  # its spiking source stays behind
    kept = sub.all_ids()
    for proj in net.projections.values():
        if proj.source in kept and proj.target in kept:
            sub.add(copy.deepcopy(proj))
    for rec_id, rec in net.recorders.items():
        if rec_id in chosen and rec.target in kept:
            sub.add(copy.deepcopy(rec))
    sub.layout = {k: copy.deepcopy(v) for k, v in net.layout.items() if k in sub.all_ids()}
    chosen_notes = set(notes)
    sub.notes = {k: copy.deepcopy(v) for k, v in net.notes.items() if k in chosen_notes}
    sub.models = {m: d for m, d in net.models.items() if any(p.model == m for p in sub.populations.values())}
    return sub


def _model_renames(net: Network, piece: Network) -> dict[str, str]:
    """Model ids of ``piece`` that ``net`` uses for another description: the id ``net`` has for the same
    description, or a fresh one."""
    taken = set(net.models) | set(NEURON_MODELS)
    known = {repr(to_data(d)): m for m, d in net.models.items()}
    renames = {}
    for m, desc in piece.models.items():
        if m in net.models and to_data(net.models[m]) == to_data(desc):
            continue
        same = known.get(repr(to_data(desc)))
        if same is not None or m in net.models:
            renames[m] = same or fresh_name(m, taken)
    return renames


def models_to_add(net: Network, piece: Network) -> dict:
    """The descriptions ``net`` needs before ``fit_into(net, piece, ...)``'s items can be added (renamed as
    ``fit_into`` renames them when an id is taken by another description)."""
    renames = _model_renames(net, piece)
    return {renames.get(m, m): d for m, d in piece.models.items() if renames.get(m, m) not in net.models}


def _rewards_of(net: Network, ids) -> set[str]:
    """The reward nodes read by projections between chosen nodes (which cannot run without them)."""
    return {p.plasticity.params["reward"] for p in net.projections.values()
            if p.source in ids and p.target in ids and p.plasticity is not None
            and isinstance(p.plasticity.params.get("reward"), str) and p.plasticity.params["reward"] in net.inputs}


def fit_into(net: Network, piece: Network, offset: tuple[float, float]) -> tuple[list, dict[str, NodeLayout]]:
    """``piece``'s items renamed so nothing clashes with ``net``, in insertion order, and their shifted layouts.

    Ids and names get a suffix (``E`` becomes ``E_2``) where taken; references follow the renaming.
    """
    taken = set(net.all_ids()) | {n.name for s in (net.populations, net.inputs) for n in s.values()}
    renamed: dict[str, str] = {}
    model_ids = _model_renames(net, piece)
    items = []
    for section in (piece.populations, piece.inputs, piece.projections, piece.recorders):
        for item in section.values():
            item = copy.deepcopy(item)
            if isinstance(item, Population):
                item.model = model_ids.get(item.model, item.model)
            new_id = fresh_name(item.id, taken)
            renamed[item.id] = new_id
            if item.name == item.id:
                item.name = new_id
            elif item.name in taken:
                item.name = fresh_name(item.name, taken)
            taken.add(item.name)
            item.id = new_id
            items.append(item)
    for item in items:
        _follow_renaming(item, renamed)
    dx, dy = offset
    layouts = {renamed[k]: NodeLayout(v.x + dx, v.y + dy, v.color) for k, v in piece.layout.items() if k in renamed}
    return items, layouts


def fit_notes_into(net: Network, piece: Network, offset: tuple[float, float]) -> list[Note]:
    """``piece``'s notes with ids that do not clash with ``net``'s notes, shifted by ``offset``."""
    taken = set(net.notes)
    return [Note(fresh_name(n.id, taken), n.text, n.x + offset[0], n.y + offset[1], n.width, n.height, n.color)
            for n in piece.notes.values()]


def fresh_name(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3`` ... whichever is not in ``taken`` (which then holds it too).

    A base that already ends in ``_<n>`` counts on from its stem, so a copy of ``E_2`` is ``E_3``.
    """
    match = re.fullmatch(r"(.+)_(\d+)", base)
    if match and base in taken:
        base = match.group(1)
    candidate, k = base, 1
    while candidate in taken:
        k += 1
        candidate = f"{base}_{k}"
    taken.add(candidate)
    return candidate


def _follow_renaming(item, renamed: dict[str, str]) -> None:
    if isinstance(item, Projection):
        item.source, item.target = renamed[item.source], renamed[item.target]
    elif isinstance(item, (Recorder, CurrentInput)):
        item.target = renamed[item.target]
    elif isinstance(item, RewardInput) and item.source:
        item.source = renamed.get(item.source, item.source)
    if isinstance(item, Projection) and item.plasticity is not None and "reward" in item.plasticity.params:
        reward = item.plasticity.params["reward"]
        item.plasticity.params["reward"] = renamed.get(reward, reward)
