"""Dataset inputs resolved through the plugin registry: load a dataset plugin's samples and encode them.

``RegistryDatasets`` is what ``spikestudio.Simulator`` hands the engine for a network with dataset inputs
(the engine itself knows no plugin). Loaded datasets are kept, so running or rebuilding a network does not
read MNIST again.
"""

from __future__ import annotations

import numpy as np

from .api import DatasetError, missing_requirements
from .encoders import ENCODERS, Presentation, present
from .registry import Registry, default_registry

__all__ = ["RegistryDatasets", "default_datasets"]

KEEP = 2  # loaded datasets kept for the next build


class RegistryDatasets:
    """Callable ``(DatasetInput, seed) -> Presentation``; ``problems(item)`` lists what would stop it."""

    def __init__(self, registry: Registry | None = None):
        self.registry = registry if registry is not None else default_registry()
        self._loaded: dict[tuple, object] = {}

    def __call__(self, item, seed: int) -> Presentation:
        dataset = self.load(item)
        end = item.offset + item.samples
        if end > len(dataset):
            raise DatasetError(f"samples {item.offset} to {end - 1} were asked for, but the dataset holds "
                               f"{len(dataset)} (indices 0 to {len(dataset) - 1}); lower samples or offset")
        return present(dataset, item.encoder, samples=np.arange(item.offset, end), presentation=item.presentation,
                       rest=item.rest, seed=seed, **item.encoder_params)

    def load(self, item):
        """The dataset the item names, loaded once per plugin and parameters."""
        key = (item.dataset, tuple(sorted(item.dataset_params.items())))
        if key not in self._loaded:
            if len(self._loaded) >= KEEP:  # MNIST takes ~380 MB as floats: keep only the latest few
                self._loaded.pop(next(iter(self._loaded)))
            self._loaded[key] = self._plugin(item).load(**item.dataset_params)
        return self._loaded[key]

    def problems(self, item) -> list[str]:
        """A missing or broken plugin, a package it needs and an unknown encoder, found without loading anything."""
        where = f'inputs["{item.id}"]'
        problems = []
        try:
            plugin = self._plugin(item)
        except DatasetError as exc:
            problems.append(f"{where}.dataset: {exc}")
        else:
            problems += [f"{where}.dataset: {text}" for text in missing_requirements(plugin.info)]
        if item.encoder not in ENCODERS:
            problems.append(f'{where}.encoder: unknown encoder "{item.encoder}" (known: {", ".join(ENCODERS)})')
        return problems

    def _plugin(self, item):
        plugin = self.registry.get("datasets", item.dataset)
        if plugin is not None:
            return plugin
        record = self.registry.records.get(("datasets", item.dataset))
        if record is not None:
            raise DatasetError(f'the dataset plugin "{item.dataset}" failed to load: {record.error}')
        known = ", ".join(sorted(self.registry.ids("datasets"))) or "none"
        raise DatasetError(f'no installed plugin provides the dataset "{item.dataset}" (installed: {known})')


_DEFAULT: RegistryDatasets | None = None


def default_datasets() -> RegistryDatasets:
    """One shared resolver over the installed plugins, so datasets load once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = RegistryDatasets()
    return _DEFAULT
