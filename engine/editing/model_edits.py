"""What the model editor asks of a network: a fresh model id, a population fitted to a new or changed
description, the change that saves a description, and the population a library model adds.

Plain functions over a ``Network``; the GUI turns their results into undo commands (``NetworkDocument.set_model``,
``add_items``).
"""

from __future__ import annotations

import copy

from ..equations.data import to_data
from ..equations.description import ModelDescription
from ..model.catalog import NEURON_MODELS
from ..model.custom import catalog_entry
from ..model.network import Network, Population
from .document import ModelChange
from .subnetwork import fresh_name

__all__ = ["unused_model_id", "fitted", "save_change", "library_model_id", "same_model"]


def unused_model_id(net: Network, base: str) -> str:
    """``base`` (made a valid id) if neither a built-in nor the network's models have it, else ``base_2``, ..."""
    clean = "".join(c if c.isalnum() or c == "_" else "_" for c in base)[:60] or "model"
    if not clean[0].isalpha():
        clean = "m_" + clean
    return fresh_name(clean, set(net.models) | set(NEURON_MODELS))


def same_model(a: ModelDescription | None, b: ModelDescription | None) -> bool:
    """Whether two descriptions say the same (their plain data agrees; comments and layout aside)."""
    return a is not None and b is not None and to_data(a) == to_data(b)


def fitted(pop: Population, model_id: str, desc: ModelDescription) -> Population:
    """A copy of ``pop`` using ``model_id`` described by ``desc``: parameters it shares keep their values when
    valid for the new one (so a duplicated model runs as the population did), the others take its defaults;
    initial values of state it no longer has are dropped."""
    specs = catalog_entry(model_id, desc).params
    new = copy.deepcopy(pop)
    new.model = model_id
    new.params = {name: pop.params[name] if name in pop.params and spec.problem(pop.params[name]) is None
                  else spec.default for name, spec in specs.items()}
    new.initial = {k: v for k, v in pop.initial.items() if k in desc.state_names()}
    return new


def save_change(net: Network, model_id: str, desc: ModelDescription, switch: tuple[str, ...] = ()) -> ModelChange:
    """The change that puts ``desc`` in the network as ``model_id``: the populations using it already, and those
    in ``switch``, fitted to it."""
    users = [pid for pid, p in net.populations.items() if p.model == model_id or pid in switch]
    return ModelChange(model_id, desc, {pid: fitted(net.populations[pid], model_id, desc) for pid in users})


def library_model_id(net: Network, model_id: str, desc: ModelDescription) -> tuple[str, bool]:
    """The id a library model takes in ``net`` and whether it must be added: its own id when the network has no
    model by that id (added) or has this very model (not added); a fresh id when another model has it."""
    if model_id not in net.models and model_id not in NEURON_MODELS:
        return model_id, True
    if same_model(net.models.get(model_id), desc):
        return model_id, False
    for other, existing in net.models.items():
        if same_model(existing, desc):
            return other, False
    return unused_model_id(net, model_id), True
