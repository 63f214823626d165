"""Finds plugins through ``importlib.metadata`` entry points; a broken plugin is recorded and skipped.

Groups: ``spikestudio.learning_rules``, ``spikestudio.datasets``, ``spikestudio.measures`` (sweep
measures) and ``spikestudio.neuron_models`` (model descriptions, checked by ``neuron_models``). Built-ins
register through the same entry points as third-party packages, so both travel the same road; a third
party's plugin with a built-in's id is reported and left out (the built-in wins). Loading is lazy and happens
in a thread of its own (``plugin_load``), so a plugin that ends the interpreter or never finishes importing is
recorded and skipped, never the end or the freeze of the app.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from importlib.metadata import entry_points

from .plugin_load import LOAD_SECONDS, PluginLoadError, load_within

__all__ = ["GROUPS", "BUILTIN_SOURCE", "PluginRecord", "Registry", "default_registry", "preload_plugins"]

GROUPS = {"learning_rules": "spikestudio.learning_rules", "datasets": "spikestudio.datasets",
          "measures": "spikestudio.measures", "neuron_models": "spikestudio.neuron_models"}
BUILTIN_SOURCE = "spikestudio (spikestudio.plugins.builtin."  # how a built-in's source starts


@dataclass
class PluginRecord:
    """One discovered plugin: where it comes from, and either the loaded object or the load error."""

    id: str
    group: str
    source: str
    loader: object = field(repr=False, default=None)
    plugin: object = None
    error: str | None = None

    @property
    def builtin(self) -> bool:
        return self.source.startswith(BUILTIN_SOURCE)


class Registry:
    """Plugins by group and id; ``get`` loads a plugin on first use. ``shadowed``: third-party plugins left
    out because a built-in has their id (each with its error naming both)."""

    def __init__(self, records: list[PluginRecord] | None = None):
        self.records: dict[tuple[str, str], PluginRecord] = {}
        self.shadowed: list[PluginRecord] = []
        self.errors: list[str] = []
        for record in records or []:
            self.add(record)

    def add(self, record: PluginRecord) -> None:
        key = (record.group, record.id)
        first = self.records.get(key)
        if first is None:
            self.records[key] = record
        elif first.builtin != record.builtin:  # the built-in wins, whichever entry point came first
            builtin, other = (first, record) if first.builtin else (record, first)
            self.records[key] = builtin
            other.error = (f'plugin id "{record.id}" in {record.group} is taken by the built-in one '
                           f"({builtin.source}); this one from {other.source} is not used")
            self.errors.append(other.error)
            self.shadowed.append(other)
        else:
            self.errors.append(f'duplicate plugin id "{record.id}" in {record.group}: from {first.source} and '
                               f"{record.source}")
            first.error = self.errors[-1]

    def ids(self, group: str) -> list[str]:
        return [pid for g, pid in self.records if g == group]

    def get(self, group: str, plugin_id: str):
        """The loaded plugin, or None when it is missing or failed to load (see ``records`` for why)."""
        record = self.records.get((group, plugin_id))
        if record is None or record.error:
            return None
        if record.plugin is None:
            try:
                record.plugin = load_within(record.loader, LOAD_SECONDS, (group, plugin_id, record.source))
            except PluginLoadError as exc:  # a broken plugin must never take the app down
                record.error = str(exc)
                return None
        return record.plugin

    def learning_rules(self) -> dict:
        """Loaded learning rules by id (broken ones are left out and keep their error)."""
        return self.loaded("learning_rules")

    def measures(self) -> dict:
        """Loaded sweep measures by id (see ``plugins.api.MeasurePlugin``); broken ones keep their error."""
        return self.loaded("measures")

    def loaded(self, group: str) -> dict:
        """The loaded plugins of ``group`` by id, leaving out the broken ones."""
        out = {}
        for pid in self.ids(group):
            plugin = self.get(group, pid)
            if plugin is not None:
                out[pid] = plugin
        return out


def default_registry() -> Registry:
    """Every plugin installed in this environment (built-ins included) from the entry-point groups."""
    registry = Registry()
    for group, name in GROUPS.items():
        for ep in entry_points(group=name):
            source = f"{ep.dist.name if ep.dist else '?'} ({ep.value})"
            registry.add(PluginRecord(ep.name, group, source, loader=ep.load))
    return registry


def preload_plugins() -> threading.Thread:
    """Import every installed plugin in a background thread (at start-up), so the window later finds them
    loaded, or already known to hang, instead of waiting on them itself."""

    def load_all():
        registry = default_registry()
        for group, plugin_id in list(registry.records):
            registry.get(group, plugin_id)

    thread = threading.Thread(target=load_all, name="spikestudio-plugin-preload", daemon=True)
    thread.start()
    return thread
