"""Finds plugins through ``importlib.metadata`` entry points; a broken plugin is recorded and skipped.

Groups: ``spikestudio.learning_rules``, ``spikestudio.datasets`` and ``spikestudio.measures`` (sweep measures).
Built-ins register through the same entry points as third-party packages, so both travel the same road.
Loading is lazy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points

__all__ = ["GROUPS", "PluginRecord", "Registry", "default_registry"]

GROUPS = {"learning_rules": "spikestudio.learning_rules", "datasets": "spikestudio.datasets",
          "measures": "spikestudio.measures"}


@dataclass
class PluginRecord:
    """One discovered plugin: where it comes from, and either the loaded object or the load error."""

    id: str
    group: str
    source: str
    loader: object = field(repr=False, default=None)
    plugin: object = None
    error: str | None = None


class Registry:
    """Plugins by group and id; ``get`` loads a plugin on first use."""

    def __init__(self, records: list[PluginRecord] | None = None):
        self.records: dict[tuple[str, str], PluginRecord] = {}
        self.errors: list[str] = []
        for record in records or []:
            self.add(record)

    def add(self, record: PluginRecord) -> None:
        key = (record.group, record.id)
        if key in self.records:
            first = self.records[key].source
            self.errors.append(f'duplicate plugin id "{record.id}" in {record.group}: from {first} and {record.source}')
            self.records[key].error = self.errors[-1]
            return
        self.records[key] = record

    def ids(self, group: str) -> list[str]:
        return [pid for g, pid in self.records if g == group]

    def get(self, group: str, plugin_id: str):
        """The loaded plugin, or None when it is missing or failed to load (see ``records`` for why)."""
        record = self.records.get((group, plugin_id))
        if record is None or record.error:
            return None
        if record.plugin is None:
            try:
                record.plugin = record.loader()
            except Exception as exc:  # a broken plugin must never take the app down
                record.error = f"{type(exc).__name__}: {exc}"
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
