"""The network description: plain dataclasses with stable string ids, shared by GUI, files and engine.

Nothing here allocates simulator arrays; ``engine.build`` turns a description into arrays.
Units: times in ms, potentials in mV, currents in pA, conductances in nS, rates in Hz.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .items import (
    CurrentInput,
    DatasetInput,
    Distribution,
    Metadata,
    NodeLayout,
    Note,
    Plasticity,
    PoissonInput,
    Population,
    Projection,
    Recorder,
    RewardInput,
    SpikeTimesInput,
    Synapse,
    _validation_error,
)
from .params import ValidationError

__all__ = [
    "Distribution",
    "Population",
    "PoissonInput",
    "SpikeTimesInput",
    "DatasetInput",
    "CurrentInput",
    "RewardInput",
    "Synapse",
    "Plasticity",
    "Projection",
    "Recorder",
    "Metadata",
    "NodeLayout",
    "Note",
    "Network",
]


@dataclass(eq=False)
class Network:
    """A whole network: nodes, projections, recorders, settings (dt, duration in ms, seed, threads), layout, notes."""

    populations: dict[str, Population] = field(default_factory=dict)
    inputs: dict[str, PoissonInput | SpikeTimesInput | DatasetInput | CurrentInput | RewardInput] = field(
        default_factory=dict)
    projections: dict[str, Projection] = field(default_factory=dict)
    recorders: dict[str, Recorder] = field(default_factory=dict)
    dt: float = 0.1
    duration: float = 1000.0
    seed: int = 1
    threads: int = 0  # threads the simulation runs on; 0: every core (results do not depend on it)
    metadata: Metadata = field(default_factory=Metadata)
    layout: dict[str, NodeLayout] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    models: dict = field(default_factory=dict)  # id -> ModelDescription of each custom (equation) model used
    rules: dict = field(default_factory=dict)  # id -> RuleDescription of each learning rule carried as equations

    # --- building networks from scripts -------------------------------------------------
    def add(self, item):
        """Add a population, input, projection or recorder under its id; returns it."""
        section = self._section_for(item)
        if item.id in self.all_ids():
            raise _validation_error(item.id, "an item with this id already exists")
        section[item.id] = item
        return item

    def add_population(self, id: str, size: int, model: str = "lif", **params) -> Population:
        initial = params.pop("initial", {})
        grid = params.pop("grid", None)
        if model in self.models:  # a custom model: its defaults fill what is not given
            params = {**{p.name: p.default for p in self.models[model].params}, **params}
        return self.add(Population(id, size, model, params, initial, grid))

    def add_model(self, id: str, model) -> object:
        """Add a neuron model described by equations (a ``ModelDescription`` or its text) under ``id``."""
        from .custom import as_description

        desc = as_description(model)
        self.models[id] = desc
        return desc

    def add_rule(self, id: str, rule) -> object:
        """Carry a learning rule described by equations (a ``RuleDescription`` or its text) under ``id``: the
        network's projections can then learn with it where no installed plugin provides ``id``, and its file
        holds the text."""
        from ..equations.rule_text import parse_rule

        desc = parse_rule(rule, id) if isinstance(rule, str) else rule
        self.rules[id] = desc
        return desc

    def add_poisson(self, id: str, size: int, rate: float = 10.0, **kw) -> PoissonInput:
        return self.add(PoissonInput(id, size, rate, **kw))

    def add_spike_times(self, id: str, size: int, neurons, times) -> SpikeTimesInput:
        return self.add(SpikeTimesInput(id, size, neurons, times))

    def add_dataset(self, id: str, size: int, dataset: str = "digits", encoder: str = "rate", *,
                    dataset_params: dict | None = None, grid=None, **kw) -> DatasetInput:
        """A dataset input; ``kw``: presentation, rest, samples, offset (see ``DatasetInput``) and the
        encoder's parameters (``max_rate=63.75``)."""
        own = {k: kw.pop(k) for k in ("presentation", "rest", "samples", "offset", "name") if k in kw}
        return self.add(DatasetInput(id, size, dataset, dataset_params or {}, encoder, kw, grid=grid, **own))

    def add_current(self, id: str, target: str, waveform: str = "dc", **params) -> CurrentInput:
        return self.add(CurrentInput(id, target, waveform, params))

    def add_reward(self, id: str, times=(), values=(), source: str = "", pulse: float = 1.0,
                   tau: float = 200.0) -> RewardInput:
        return self.add(RewardInput(id, times, values, source, pulse, tau))

    def add_note(self, id: str, text: str, x: float = 0.0, y: float = 0.0, **kw) -> Note:
        """A sticky note on the canvas at top-left ``x``, ``y``; ``kw``: width, height, color (see ``Note``)."""
        if id in self.notes:
            raise _validation_error(f'notes["{id}"]', "a note with this id already exists")
        self.notes[id] = Note(id, text, x, y, **kw)
        return self.notes[id]

    def connect(self, source: str, target: str, rule: str = "fixed_probability", *, id: str | None = None,
                weight=1.0, delay=1.0, synapse: str = "current", receptor: str = "excitatory",
                tau: float | None = None, E_rev: float | None = None, allow_autapses: bool = False,
                plasticity: Plasticity | None = None, V_half: float | None = None, V_slope: float | None = None,
                **rule_params) -> Projection:
        arrays = {k: rule_params.pop(k) for k in ("pre", "post", "weights", "delays") if k in rule_params}
        if "matrix" in rule_params:  # explicit connections as a (source x target) weight matrix: nonzeros connect
            matrix = np.asarray(rule_params.pop("matrix"), dtype=np.float64)
            pre, post = np.nonzero(matrix)
            arrays.update(pre=pre, post=post, weights=matrix[pre, post])
        from .receptors import with_model_kinetics  # a named receptor's kinetics are its model's

        syn = with_model_kinetics(self, target, Synapse(synapse, receptor, tau, E_rev))
        if V_half is not None:
            syn.V_half = V_half
        if V_slope is not None:
            syn.V_slope = V_slope
        proj = Projection(id or f"{source}->{target}", source, target, rule, rule_params, weight, delay, syn,
                          allow_autapses, plasticity, **arrays)
        return self.add(proj)

    def record_spikes(self, target: str, id: str | None = None) -> Recorder:
        return self.add(Recorder(id or f"spikes:{target}", "spikes", target))

    def record_state(self, target: str, variable: str = "v", neurons=(0,), interval: float | None = None,
                     id: str | None = None) -> Recorder:
        rec = Recorder(id or f"{variable}:{target}", "state", target, variable, list(neurons),
                       interval if interval is not None else self.dt)
        return self.add(rec)

    def record_rate(self, target: str, bin: float = 1.0, id: str | None = None) -> Recorder:
        return self.add(Recorder(id or f"rate:{target}", "rate", target, bin=bin))

    def remove(self, item_id: str) -> list:
        """Remove an item and everything attached to it; returns what was removed (for undo)."""
        removed = []
        for section in self.sections().values():
            if item_id in section:
                removed.append(section.pop(item_id))
        attached = [p.id for p in self.projections.values() if item_id in (p.source, p.target)]
        attached += [r.id for r in self.recorders.values() if r.target == item_id]
        attached += [i.id for i in self.inputs.values() if isinstance(i, CurrentInput) and i.target == item_id]
        for other in attached:
            removed += self.remove(other)
        self.layout.pop(item_id, None)
        return removed

    # --- queries -------------------------------------------------------------------------
    def sections(self) -> dict[str, dict]:
        return {"populations": self.populations, "inputs": self.inputs,
                "projections": self.projections, "recorders": self.recorders}

    def all_ids(self) -> set[str]:
        return {i for section in self.sections().values() for i in section}

    def spiking_nodes(self) -> dict[str, Population | PoissonInput | SpikeTimesInput | DatasetInput]:
        """Nodes with neurons that emit spikes (populations and spike sources), in file order."""
        nodes = dict(self.populations)
        nodes.update({k: v for k, v in self.inputs.items() if not isinstance(v, (CurrentInput, RewardInput))})
        return nodes

    def node(self, item_id: str):
        for section in self.sections().values():
            if item_id in section:
                return section[item_id]
        raise KeyError(f"no item with id {item_id!r}")

    def validate(self) -> list:
        """Every problem in the network (empty when it is valid)."""
        from .validate import network_problems

        return network_problems(self)

    def check(self) -> Network:
        """Raise ``ValidationError`` listing every problem; returns the network when valid."""
        problems = self.validate()
        if problems:
            raise ValidationError(problems)
        return self

    def _section_for(self, item) -> dict:
        if isinstance(item, Population):
            return self.populations
        if isinstance(item, (PoissonInput, SpikeTimesInput, DatasetInput, CurrentInput, RewardInput)):
            return self.inputs
        if isinstance(item, Projection):
            return self.projections
        if isinstance(item, Recorder):
            return self.recorders
        raise TypeError(f"cannot add a {type(item).__name__} to a network")
