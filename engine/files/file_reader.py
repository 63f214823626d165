"""Parsed network.json data to a Network, with every problem of the file collected and located."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..equations.data import from_data
from ..equations.description import ModelError
from ..equations.rule_description import RuleError
from ..equations.rule_text import parse_rule
from ..equations.text import MAX_LINES
from ..errors import FileFormatError
from ..model.catalog import CONNECTIVITY_RULES, CURRENT_WAVEFORMS
from ..model.custom import neuron_model
from ..model.network import (
    CurrentInput,
    DatasetInput,
    Distribution,
    Metadata,
    Network,
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
)
from ..model.params import Problem
from . import migrations
from .file_checks import duplicate_problems, header_problems, layout_problems, without_follow_on
from .file_schema import GRADED_FIELDS, METADATA, NOTE_FIELDS, OPTIONAL_TOP_LEVEL, TOP_LEVEL, item_loc
from .file_values import Fields, ValueReader, npy_references
from .strict_json import MISSING, describe, encodable

__all__ = ["decode"]


def decode(data, arrays: Mapping | None, version: int) -> tuple[Network | None, list[Problem], set[str]]:
    """The network (None when the header is wrong), every problem, and the archive members used.

    ``data`` is upgraded to ``version`` first; ``arrays`` maps member names to .npy bytes (None: a bare .json).
    """
    problems = header_problems(data)
    if problems:
        return None, problems, set()
    problems = duplicate_problems(data)
    try:
        data = migrations.migrate(data, version)
    except FileFormatError as exc:
        return None, problems + exc.problems, set()
    reader = _NetworkReader(arrays, npy_references(data))
    net = reader.network(data)
    problems += reader.problems + layout_problems(net)
    problems += [p for p in without_follow_on(net.validate(), net, reader.bad, reader.replaced)
                 if not _unread_model(p, reader.bad_models)]
    return net, list(dict.fromkeys(problems)), reader.used


def _unread_model(problem: Problem, bad_models: set[str]) -> bool:
    """A follow-on of a model in the file that could not be read (its problems are reported already): its
    populations' "unknown model" and its state recorders' "no variable"."""
    return any((problem.location.endswith(".model") and f'model "{m}"' in problem.message)
               or problem.message.startswith(f"{m} has no variable") for m in bad_models)


class _NetworkReader(ValueReader):
    """Builds the network's dataclasses item by item; ``item`` names the one being read, for follow-ons."""

    def network(self, data: dict) -> Network:
        d = self.fields(data, "", TOP_LEVEL, OPTIONAL_TOP_LEVEL)
        meta = self.fields(d["metadata"], "metadata", METADATA) or Fields()
        self.item, self.item_loc = ("settings", ""), "settings"
        s = self.fields(d["settings"], "settings", ("dt", "duration", "seed"), ("threads",)) or Fields()
        settings = self.read_all(s, "settings", {"dt": self.number, "duration": self.number, "seed": self.integer})
        if "threads" in s:  # optional: a file without it runs on every core
            settings["threads"] = self.integer(s["threads"], "settings.threads")
        self.item = None
        net = Network(metadata=Metadata(**{name: self.text(meta[name], f"metadata.{name}") for name in METADATA}),
                      **settings)
        self.bad_models = set()
        self.models(net, d["models"])
        self.net = net
        for section, read in {"populations": self.population, "inputs": self.input,
                              "projections": self.projection, "recorders": self.recorder}.items():
            self.section(getattr(net, section), section, d[section], read)
        for key, raw in self.mapping(d["layout"], "layout").items():
            loc = item_loc("layout", key)
            node = self.fields(raw, loc, ("x", "y", "color"))
            if node is not None:
                net.layout[key] = NodeLayout(**self.read_all(node, loc, {"x": self.number, "y": self.number,
                                                                          "color": self.text}))
        self.notes(net, d["notes"])
        self.rules(net, d["rules"])
        return net

    def rules(self, net: Network, raw_rules) -> None:
        """Described learning rules (an optional section): each a list of lines, parsed by the rule language's
        strict reader; its problems are located by rule, line and column."""
        for key, raw in self.mapping(raw_rules, "rules").items():
            loc = item_loc("rules", key)
            if not isinstance(raw, list) or not all(isinstance(line, str) for line in raw) or len(raw) > MAX_LINES:
                self.report(loc, f"a rule is a list of at most {MAX_LINES} lines of text")
                continue
            try:
                net.rules[key] = parse_rule("\n".join(raw), key)
            except RuleError as exc:
                for p in exc.problems:
                    self.report(f"{loc}, line {p.line}, column {p.col}" if p.line else loc, p.message)

    bad_models: set[str]

    def models(self, net: Network, raw_models) -> None:
        """Custom model descriptions (an optional section): each read through the equations' own strict reader,
        its problems located by model, line and column of the model's canonical text."""
        for key, raw in self.mapping(raw_models, "models").items():
            loc = item_loc("models", key)
            try:
                net.models[key] = from_data(raw, key)
            except ModelError as exc:
                self.bad_models.add(key)
                for p in exc.problems:
                    self.report(f"{loc}, line {p.line}, column {p.col}" if p.line else loc, p.message)

    def notes(self, net: Network, raw_notes) -> None:
        """Sticky notes (an optional section); a note with a value of the wrong type is reported and left out."""
        for key, raw in self.mapping(raw_notes, "notes").items():
            loc, before = item_loc("notes", key), len(self.problems)
            d = self.fields(raw, loc, NOTE_FIELDS)
            if d is None:
                continue
            readers = {"text": self.text, "x": self.number, "y": self.number, "width": self.number,
                       "height": self.number, "color": self.text}
            values = self.read_all(d, loc, readers)
            if len(self.problems) == before:
                net.notes[key] = Note(key, **values)

    def section(self, items: dict, section: str, raw_items, read) -> None:
        for key, raw in self.mapping(raw_items, section).items():
            self.item, self.item_loc = (section, key), item_loc(section, key)
            if not encodable(key):
                self.report(self.item_loc, "the id holds a lone surrogate, which cannot be saved again")
                continue
            item = read(key, raw, self.item_loc)
            if item is not None:
                items[key] = item
        self.item = None

    def population(self, key: str, raw, loc: str) -> Population | None:
        d = self.fields(raw, loc, ("name", "size", "model", "params", "initial", "grid"))
        if d is None:
            return None
        model = neuron_model(getattr(self, "net", None), d["model"]) if isinstance(d["model"], str) else None
        specs = model.params if model else None
        return Population(key, **self.read_all(d, loc, {
            "name": self.text, "size": self.integer, "model": self.text,
            "params": lambda v, at: self.params(v, at, specs), "initial": self.initial, "grid": self.grid}))

    def initial(self, value, loc: str) -> dict:
        """A distribution per state variable, or one value per neuron (a list, or an .npy member in a .snn)."""
        return {var: self.initial_value(v, f"{loc}.{var}") for var, v in self.mapping(value, loc).items()}

    def initial_value(self, value, loc: str):
        if isinstance(value, list) or (isinstance(value, dict) and "npy" in value):
            values = self.array(value, loc, integer=False, optional=False)
            return values if values is not None else Distribution()  # reported; a placeholder keeps reading
        return self.distribution(value, loc)

    def input(self, key: str, raw, loc: str):
        kind = raw.get("type", MISSING) if isinstance(raw, dict) else MISSING
        readers = {"poisson": self.poisson, "spike_times": self.spike_times, "current": self.current,
                   "reward": self.reward, "dataset": self.dataset_input}
        read = readers.get(kind) if isinstance(kind, str) else None
        if read is not None:
            return read(key, raw, loc)
        if not isinstance(raw, dict):
            self.expect(raw, loc, "an object", None)
        elif kind is MISSING:
            self.report(f"{loc}.type", f"missing (one of: {', '.join(readers)})")
        else:
            self.report(f"{loc}.type", f"unknown input type {describe(kind)} (known: {', '.join(readers)})")
        return None

    def poisson(self, key: str, raw: dict, loc: str) -> PoissonInput:
        readers = {"name": self.text, "size": self.integer, "rate": self.number,
                   "rates": lambda v, at: self.array(v, at, integer=False), "grid": self.grid}
        return PoissonInput(key, **self.read_all(self.fields(raw, loc, ("type", *readers)), loc, readers))

    def spike_times(self, key: str, raw: dict, loc: str) -> SpikeTimesInput:
        readers = {"name": self.text, "size": self.integer,
                   "neurons": lambda v, at: self.array(v, at, integer=True, optional=False),
                   "times": lambda v, at: self.array(v, at, integer=False, optional=False)}
        args = self.read_all(self.fields(raw, loc, ("type", *readers)), loc, readers)
        args = {k: (np.zeros(0) if v is None else v) for k, v in args.items()}
        return SpikeTimesInput(key, **args)

    def dataset_input(self, key: str, raw: dict, loc: str) -> DatasetInput:
        plain = (lambda v, at: {k: self.plain(x, f"{at}.{k}") for k, x in self.mapping(v, at).items()})
        readers = {"name": self.text, "size": self.integer, "dataset": self.text, "dataset_params": plain,
                   "encoder": self.text, "encoder_params": plain, "presentation": self.number, "rest": self.number,
                   "samples": self.integer, "offset": self.integer, "grid": self.grid}
        return DatasetInput(key, **self.read_all(self.fields(raw, loc, ("type", *readers)), loc, readers))

    def current(self, key: str, raw: dict, loc: str) -> CurrentInput:
        waveform = raw.get("waveform")
        specs = CURRENT_WAVEFORMS.get(waveform) if isinstance(waveform, str) else None
        readers = {"name": self.text, "target": self.text, "waveform": self.text,
                   "params": lambda v, at: self.params(v, at, specs)}
        return CurrentInput(key, **self.read_all(self.fields(raw, loc, ("type", *readers)), loc, readers))

    def reward(self, key: str, raw: dict, loc: str) -> RewardInput:
        floats = (lambda v, at: self.array(v, at, integer=False, optional=False))
        readers = {"name": self.text, "times": floats, "values": floats, "source": self.text, "pulse": self.number,
                   "tau": self.number}
        args = self.read_all(self.fields(raw, loc, ("type", *readers)), loc, readers)
        return RewardInput(key, **{k: (np.zeros(0) if v is None and k in ("times", "values") else v)
                                   for k, v in args.items()})

    def projection(self, key: str, raw, loc: str) -> Projection | None:
        d = self.fields(raw, loc, ("name", "source", "target", "rule", "rule_params", "weight", "delay", "synapse",
                                   "allow_autapses", "plasticity", "pre", "post", "weights", "delays"))
        if d is None:
            return None
        specs = CONNECTIVITY_RULES.get(d["rule"]) if isinstance(d["rule"], str) else None
        ints, floats = (lambda v, at: self.array(v, at, integer=True)), (lambda v, at: self.array(v, at, integer=False))
        return Projection(key, **self.read_all(d, loc, {
            "name": self.text, "source": self.text, "target": self.text, "rule": self.text,
            "rule_params": lambda v, at: self.params(v, at, specs), "weight": self.distribution,
            "delay": self.distribution, "synapse": self.synapse, "allow_autapses": self.boolean,
            "plasticity": self.plasticity, "pre": ints, "post": ints, "weights": floats, "delays": floats}))

    def synapse(self, value, loc: str) -> Synapse:
        d = self.fields(value, loc, ("kind", "receptor", "tau", "E_rev"), GRADED_FIELDS) or Fields()
        syn = Synapse(self.text(d["kind"], f"{loc}.kind"), self.text(d["receptor"], f"{loc}.receptor"),
                      self.number(d["tau"], f"{loc}.tau"), self.number(d["E_rev"], f"{loc}.E_rev"))
        for name in GRADED_FIELDS:  # optional: only graded synapses carry them (older files never do)
            if name in d:
                setattr(syn, name, self.number(d[name], f"{loc}.{name}"))
        return syn

    def plasticity(self, value, loc: str) -> Plasticity | None:
        if value is None or value is MISSING:
            return None
        d = self.fields(value, loc, ("rule", "params"))
        if d is None:
            return None
        params = {k: self.plain(v, f"{loc}.params.{k}") for k, v in self.mapping(d["params"], f"{loc}.params").items()}
        return Plasticity(self.text(d["rule"], f"{loc}.rule"), params)

    def recorder(self, key: str, raw, loc: str) -> Recorder | None:
        d = self.fields(raw, loc, ("name", "kind", "target", "variable", "neurons", "interval", "bin"))
        if d is None:
            return None
        return Recorder(key, **self.read_all(d, loc, {
            "name": self.text, "kind": self.text, "target": self.text, "variable": self.text,
            "neurons": self.indices, "interval": self.number, "bin": self.number}))
