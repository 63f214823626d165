"""Neuron models contributed by plugins as descriptions (entry-point group ``spikestudio.neuron_models``).

An entry point gives either the text of a model, in the language of ``engine.equations.text`` (``state v = ...``,
``dv/dt = ...``), or an object with ``text`` and an ``info`` (``PluginInfo``: name, version, description). The
text is data: the whitelist parser reads it and nothing of it is evaluated, and the engine only ever sees the
description that a network carries (a dropped population copies it into its network, so the file opens where the
plugin is not installed). A plugin whose text does not parse, whose id is taken by a built-in model, or whose
import fails is recorded on its registry record with the reason (the Plugins dialog shows it) and skipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.equations.description import ModelDescription, ModelError
from ..engine.equations.text import parse_model
from ..engine.model.custom import model_problems
from ..engine.model.network import Network
from .registry import Registry

__all__ = ["GROUP", "PluginModel", "neuron_models", "add_plugin_models"]

GROUP = "neuron_models"
MAX_TEXT = 200_000  # characters: a model has at most 500 lines of at most 2000 characters (and is much shorter)


@dataclass(frozen=True)
class PluginModel:
    """One plugin's neuron model: its id (the entry point's name), what the palette and dialog show, its text and
    the checked description."""

    id: str
    name: str
    version: str
    description: str
    text: str
    desc: ModelDescription
    source: str


class _RefusedError(Exception):
    """The plugin's object is not a usable model; the message says why."""


def neuron_models(registry: Registry) -> dict[str, PluginModel]:
    """The usable neuron models of ``registry`` by id; each broken one gets its record's ``error`` (and an entry in
    ``registry.errors``) and is left out."""
    out = {}
    for plugin_id in registry.ids(GROUP):
        record = registry.records[(GROUP, plugin_id)]
        loaded = registry.get(GROUP, plugin_id)
        if loaded is None:  # failed to import, or already refused (the record says why)
            continue
        try:
            out[plugin_id] = _model(plugin_id, loaded, record.source)
        except _RefusedError as exc:
            record.error = f"model {plugin_id!r}: {exc}"
            registry.errors.append(record.error)
    return out


def _model(plugin_id: str, loaded, source: str) -> PluginModel:
    text, info = _text_and_info(loaded)
    if len(text) > MAX_TEXT:
        raise _RefusedError(f"its text is longer than {MAX_TEXT:,} characters")
    try:
        desc = parse_model(text, title=plugin_id)
    except ModelError as exc:
        raise _RefusedError("its equations do not read: " + "; ".join(
            f"line {p.line}, column {p.col}: {p.message}" for p in exc.problems[:5])) from None
    problems = model_problems(Network(models={plugin_id: desc}))
    if problems:
        raise _RefusedError("; ".join(p.message for p in problems[:5]))
    name = _plain(getattr(info, "display_name", "")) or desc.title or plugin_id
    about = _plain(getattr(info, "description", "")) or desc.description or desc.title
    return PluginModel(plugin_id, name, _plain(getattr(info, "version", "")), about, text, desc, source)


def _text_and_info(loaded) -> tuple[str, object]:
    """(text, info or None) from what the entry point gave; reading a stranger's attributes may raise anything."""
    if isinstance(loaded, str):
        return loaded, None
    if not hasattr(type(loaded), "text") and not hasattr(loaded, "__dict__"):
        raise _RefusedError(f"it is a {type(loaded).__name__}, not a model (its text, or an object with info and text)")
    try:
        text, info = loaded.text, getattr(loaded, "info", None)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        raise _RefusedError(f"not a model (a text, or an object with info and text): {type(exc).__name__}: {exc}") \
            from None
    if not isinstance(text, str):
        raise _RefusedError(f"its text is a {type(text).__name__}, not a str")
    return text, info


def _plain(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def add_plugin_models(net: Network, registry: Registry | None = None) -> list[str]:
    """Copy into ``net`` the plugin description of each model its populations use that it neither has built in
    nor carries (a script that names a plugin's model), and fill those populations' unset parameters with the
    model's defaults (as ``Network.add_population`` does for a model it knows); returns the ids copied. The
    installed plugins are looked up (``registry`` None: ``default_registry()``) only when a model is missing."""
    from ..engine.model.catalog import NEURON_MODELS

    missing = {p.model for p in net.populations.values()} - set(NEURON_MODELS) - set(net.models)
    if not missing:
        return []
    if registry is None:
        from .registry import default_registry

        registry = default_registry()
    found = neuron_models(registry)
    copied = sorted(m for m in missing if m in found)
    for model_id in copied:
        desc = net.models[model_id] = found[model_id].desc
        for pop in net.populations.values():
            if pop.model == model_id:
                pop.params = {**{p.name: p.default for p in desc.params}, **pop.params}
    return copied
