"""The scripting API: load and save network files and simulate them with the installed plugins."""

from __future__ import annotations

from .engine.files import fileformat
from .engine.simulation.dataset_input import dataset_inputs
from .engine.simulation.simulator import Simulator as _EngineSimulator
from .plugins.dataset_source import default_datasets
from .plugins.registry import default_registry

__all__ = ["load", "save", "Simulator"]

load = fileformat.load
save = fileformat.save


class Simulator(_EngineSimulator):
    """An engine simulator whose learning rules and datasets come from the plugin registry (unless
    ``rules`` / ``datasets`` are given)."""

    def __init__(self, network, rules=None, datasets=None, **kwargs):
        if rules is None and any(p.plasticity is not None for p in network.projections.values()):
            rules = default_registry().learning_rules()
        if datasets is None and dataset_inputs(network):
            datasets = default_datasets()
        super().__init__(network, rules, datasets=datasets, **kwargs)
