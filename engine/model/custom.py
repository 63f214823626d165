"""Neuron models described by equations (``engine.equations``) seen through the catalogue's eyes: a
``NeuronModel`` with ``ParamSpec`` parameters, so validation, the inspector and files treat them like the
built-in models. A network carries the descriptions of the custom models it uses (``Network.models``).
"""

from __future__ import annotations

import re

from ..equations.description import ModelDescription, ModelError
from ..equations.layout import layout_of
from ..equations.text import parse_model
from ..errors import Problem
from ..kernels import codes
from .catalog import NEURON_MODELS, NeuronModel, described_model

__all__ = ["catalog_entry", "neuron_model", "model_problems", "as_description", "MODEL_ID"]

MODEL_ID = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


def as_description(model: ModelDescription | str) -> ModelDescription:
    """A description from itself or its text (a ``ModelError`` with every problem when the text is wrong)."""
    return model if isinstance(model, ModelDescription) else parse_model(model)


def catalog_entry(model_id: str, desc: ModelDescription) -> NeuronModel:
    """The catalogue's view of a description: parameters as specs, state with units, equations as text."""
    return described_model(model_id, desc, codes.CUSTOM)


def neuron_model(net, model_id: str) -> NeuronModel | None:
    """The built-in model ``model_id``, or the network's own description of it, or None."""
    if model_id in NEURON_MODELS:
        return NEURON_MODELS[model_id]
    desc = getattr(net, "models", {}).get(model_id) if net is not None else None
    return catalog_entry(model_id, desc) if desc is not None else None


def model_problems(net) -> list[Problem]:
    """Problems of the network's model descriptions (ids, integration), each located by model, line and column."""
    problems = []
    for model_id, desc in net.models.items():
        loc = f'models["{model_id}"]'
        if not isinstance(model_id, str) or not MODEL_ID.fullmatch(model_id):
            problems.append(Problem(loc, "a model id is a letter then letters, digits or '_' (at most 64)"))
            continue
        if model_id in NEURON_MODELS:
            problems.append(Problem(loc, f"{model_id!r} is a built-in model; give this one another id"))
            continue
        if not isinstance(desc, ModelDescription):
            problems.append(Problem(loc, "not a model description"))
            continue
        try:
            layout_of(desc, model_id)
        except ModelError as exc:
            problems += [Problem(f"{loc}, line {p.line}, column {p.col}", p.message) for p in exc.problems]
    return problems
