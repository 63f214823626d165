"""A network as plain JSON data in file order, refusing values JSON cannot hold instead of writing them wrong."""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Integral, Real

import numpy as np

from ..equations.data import to_data
from ..model.catalog import CONNECTIVITY_RULES, CURRENT_WAVEFORMS, DISTRIBUTION_KINDS
from ..model.custom import neuron_model
from ..model.network import (
    CurrentInput,
    DatasetInput,
    Distribution,
    Network,
    NodeLayout,
    Note,
    PoissonInput,
    Population,
    Projection,
    Recorder,
    RewardInput,
    SpikeTimesInput,
)
from ..model.params import ParamSpec, Problem, ValidationError, fill_params
from .file_schema import FORMAT, GRADED_FIELDS, METADATA, MODELS_VERSION, item_loc
from .strict_json import as_float, encodable

__all__ = ["ArrayWriter", "inline", "network_dict"]

ArrayWriter = Callable[[np.ndarray, str], object]

_INPUT_TYPES = {PoissonInput: "poisson", SpikeTimesInput: "spike_times", CurrentInput: "current",
                RewardInput: "reward", DatasetInput: "dataset"}


def inline(array: np.ndarray, location: str) -> list:
    return array.tolist()


def network_dict(net: Network, array_writer: ArrayWriter, version: int) -> dict:
    """``net`` as file data of ``version``; raises ``ValidationError`` listing every value JSON cannot hold."""
    w = _Writer(array_writer, net)
    used = {m: d for m, d in net.models.items() if any(p.model == m for p in net.populations.values())}
    rules = {r: d for r, d in net.rules.items()
             if any(p.plasticity is not None and p.plasticity.rule == r for p in net.projections.values())}
    if version == MODELS_VERSION and not used and not rules:
        version = MODELS_VERSION - 1  # nothing of version 2 in it: the file stays exactly as it was
    data = {
        "format": FORMAT,
        "version": version,
        "metadata": {name: w.text(getattr(net.metadata, name), f"metadata.{name}") for name in METADATA},
        "settings": {"dt": w.number(net.dt, "settings.dt"), "duration": w.number(net.duration, "settings.duration"),
                     "seed": w.integer(net.seed, "settings.seed"),
                     **({"threads": w.integer(net.threads, "settings.threads")} if net.threads else {})},
        "populations": w.section(net.populations, "populations", w.population),
        "inputs": w.section(net.inputs, "inputs", w.input),
        "projections": w.section(net.projections, "projections", w.projection),
        "recorders": w.section(net.recorders, "recorders", w.recorder),
        "layout": w.section(net.layout, "layout", w.layout),
    }
    if net.notes:  # only then, so a file without notes is exactly what it was before notes existed
        data["notes"] = w.section(net.notes, "notes", w.note)
    if used:  # the descriptions of the models the populations use
        data["models"] = {model_id: to_data(desc) for model_id, desc in used.items()}
    if rules:  # the text of the described learning rules the projections use, a list of lines each
        data["rules"] = {rule_id: [w.text(line, f'rules["{rule_id}"]') for line in desc.lines]
                         for rule_id, desc in rules.items()}
    if w.problems:
        raise ValidationError(w.problems)
    return data


class _Writer:
    """Turns dataclasses into JSON values, collecting values JSON cannot hold instead of writing them wrong."""

    def __init__(self, array_writer: ArrayWriter, net: Network | None = None):
        self.array_writer = array_writer
        self.net = net
        self.problems: list[Problem] = []

    def fail(self, loc: str, message: str):
        self.problems.append(Problem(loc, message))

    def section(self, items: dict, name: str, write: Callable) -> dict:
        """Items keyed by id; ids become JSON keys, so they must be text."""
        out = {}
        for key, item in items.items():
            loc = item_loc(name, key)
            out[self.text(key, loc) or key] = write(item, loc)
        return out

    # --- values ---
    def text(self, value, loc: str) -> str:
        if not isinstance(value, str):
            self.fail(loc, f"expected a string, got {value!r}")
            return ""
        if not encodable(value):
            self.fail(loc, "text cannot be written as UTF-8 (it holds a lone surrogate)")
        return value

    def number(self, value, loc: str) -> float:
        if isinstance(value, bool) or not isinstance(value, Real):
            self.fail(loc, f"expected a number, got {value!r}")
            return 0.0
        value = as_float(value)
        if not math.isfinite(value):
            self.fail(loc, f"expected a finite number, got {value!r} (files hold finite numbers only)")
        return value

    def integer(self, value, loc: str) -> int:
        if isinstance(value, Integral) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        self.fail(loc, f"expected a whole number, got {value!r}")
        return 0

    def params(self, specs: dict[str, ParamSpec] | None, params: dict, loc: str) -> dict:
        """Catalog parameters in catalog order, integers as ints; unknown catalogs keep what they have."""
        if specs is None:
            return {k: self.integer(v, f"{loc}.{k}") if isinstance(v, Integral) and not isinstance(v, bool)
                    else self.number(v, f"{loc}.{k}") for k, v in params.items()}
        filled = fill_params(specs, params)
        return {k: (self.integer if specs[k].integer else self.number)(v, f"{loc}.{k}") for k, v in filled.items()}

    def distribution(self, dist, loc: str) -> dict | None:
        names = DISTRIBUTION_KINDS.get(getattr(dist, "kind", None))
        if not isinstance(dist, Distribution) or names is None:
            self.fail(loc, f"expected a distribution of a known kind, got {dist!r}")
            return None
        out = {"kind": dist.kind}
        out.update({name: self.number(getattr(dist, name), f"{loc}.{name}") for name in names})
        for bound in ("min", "max"):
            value = getattr(dist, bound)
            out[bound] = None if value is None else self.number(value, f"{loc}.{bound}")
        if dist.redraw:  # written only when set: files without it stay as they were
            out["redraw"] = True
        return out

    def array(self, value, loc: str, integer: bool):
        """Arrays go out as little-endian int64/float64 so the bytes do not depend on the machine."""
        if value is None:
            return None
        value = np.asarray(value)
        if value.dtype.kind not in ("iu" if integer else "iuf"):
            self.fail(loc, f"expected an array of {'whole numbers' if integer else 'numbers'}, got {value.dtype}")
            return None
        array = np.ascontiguousarray(value.ravel(), dtype="<i8" if integer else "<f8")
        if not integer and not np.all(np.isfinite(array)):
            self.fail(loc, "holds NaN or infinite values (files hold finite numbers only)")
            return None
        return self.array_writer(array, loc)

    def grid(self, grid, loc: str):
        return None if grid is None else [self.integer(g, f"{loc}[{i}]") for i, g in enumerate(grid)]

    def plain(self, value, loc: str):
        """A plugin parameter: a number (int or float kept as given), a string or true/false."""
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, Integral):
            return int(value)
        if isinstance(value, str):
            return self.text(value, loc)
        return self.number(value, loc)

    # --- items ---
    def population(self, pop: Population, loc: str) -> dict:
        model = neuron_model(self.net, pop.model)
        return {
            "name": self.text(pop.name, f"{loc}.name"),
            "size": self.integer(pop.size, f"{loc}.size"),
            "model": self.text(pop.model, f"{loc}.model"),
            "params": self.params(model.params if model else None, pop.params, f"{loc}.params"),
            "initial": {var: self.array(d, f"{loc}.initial.{var}", integer=False) if isinstance(d, np.ndarray)
                        else self.distribution(d, f"{loc}.initial.{var}") for var, d in pop.initial.items()},
            "grid": self.grid(pop.grid, f"{loc}.grid"),
        }

    def input(self, item, loc: str) -> dict | None:
        kind = _INPUT_TYPES.get(type(item))
        if kind is None:
            self.fail(loc, f"unknown input type {type(item).__name__}")
            return None
        out = {"type": kind, "name": self.text(item.name, f"{loc}.name")}
        if isinstance(item, CurrentInput):
            out["target"] = self.text(item.target, f"{loc}.target")
            out["waveform"] = self.text(item.waveform, f"{loc}.waveform")
            out["params"] = self.params(CURRENT_WAVEFORMS.get(item.waveform), item.params, f"{loc}.params")
            return out
        if isinstance(item, RewardInput):
            return out | self.reward(item, loc)
        if isinstance(item, DatasetInput):
            return out | self.dataset_input(item, loc)
        out["size"] = self.integer(item.size, f"{loc}.size")
        if isinstance(item, PoissonInput):
            out["rate"] = self.number(item.rate, f"{loc}.rate")
            out["rates"] = self.array(item.rates, f"{loc}.rates", integer=False)
            out["grid"] = self.grid(item.grid, f"{loc}.grid")
        else:
            out["neurons"] = self.array(item.neurons, f"{loc}.neurons", integer=True)
            out["times"] = self.array(item.times, f"{loc}.times", integer=False)
        return out

    def reward(self, item: RewardInput, loc: str) -> dict:
        return {"times": self.array(item.times, f"{loc}.times", integer=False),
                "values": self.array(item.values, f"{loc}.values", integer=False),
                "source": self.text(item.source, f"{loc}.source"), "pulse": self.number(item.pulse, f"{loc}.pulse"),
                "tau": self.number(item.tau, f"{loc}.tau")}
    def dataset_input(self, item: DatasetInput, loc: str) -> dict:
        """The recipe of a dataset input (plugin, encoder, schedule); never the samples themselves."""
        plain = (lambda params, at: {k: self.plain(v, f"{at}.{k}") for k, v in params.items()})
        return {"size": self.integer(item.size, f"{loc}.size"),
                "dataset": self.text(item.dataset, f"{loc}.dataset"),
                "dataset_params": plain(item.dataset_params, f"{loc}.dataset_params"),
                "encoder": self.text(item.encoder, f"{loc}.encoder"),
                "encoder_params": plain(item.encoder_params, f"{loc}.encoder_params"),
                "presentation": self.number(item.presentation, f"{loc}.presentation"),
                "rest": self.number(item.rest, f"{loc}.rest"),
                "samples": self.integer(item.samples, f"{loc}.samples"),
                "offset": self.integer(item.offset, f"{loc}.offset"),
                "grid": self.grid(item.grid, f"{loc}.grid")}

    def projection(self, proj: Projection, loc: str) -> dict:
        plast = proj.plasticity
        return {
            "name": self.text(proj.name, f"{loc}.name"),
            "source": self.text(proj.source, f"{loc}.source"),
            "target": self.text(proj.target, f"{loc}.target"),
            "rule": self.text(proj.rule, f"{loc}.rule"),
            "rule_params": self.params(CONNECTIVITY_RULES.get(proj.rule), proj.rule_params, f"{loc}.rule_params"),
            "weight": self.distribution(proj.weight, f"{loc}.weight"),
            "delay": self.distribution(proj.delay, f"{loc}.delay"),
            "synapse": self.synapse(proj.synapse, f"{loc}.synapse"),
            "allow_autapses": bool(proj.allow_autapses),
            "plasticity": None if plast is None else {
                "rule": self.text(plast.rule, f"{loc}.plasticity.rule"),
                "params": {k: self.plain(v, f"{loc}.plasticity.params.{k}") for k, v in plast.params.items()}},
            "pre": self.array(proj.pre, f"{loc}.pre", integer=True),
            "post": self.array(proj.post, f"{loc}.post", integer=True),
            "weights": self.array(proj.weights, f"{loc}.weights", integer=False),
            "delays": self.array(proj.delays, f"{loc}.delays", integer=False),
        }

    def synapse(self, syn, loc: str) -> dict:
        out = {"kind": self.text(syn.kind, f"{loc}.kind"), "receptor": self.text(syn.receptor, f"{loc}.receptor"),
               "tau": self.number(syn.tau, f"{loc}.tau"), "E_rev": self.number(syn.E_rev, f"{loc}.E_rev")}
        if syn.kind == "graded":  # the other kinds' files stay exactly as before
            out.update({name: self.number(getattr(syn, name), f"{loc}.{name}") for name in GRADED_FIELDS})
        return out

    def recorder(self, rec: Recorder, loc: str) -> dict:
        return {
            "name": self.text(rec.name, f"{loc}.name"),
            "kind": self.text(rec.kind, f"{loc}.kind"),
            "target": self.text(rec.target, f"{loc}.target"),
            "variable": self.text(rec.variable, f"{loc}.variable"),
            "neurons": [self.integer(i, f"{loc}.neurons[{n}]") for n, i in enumerate(rec.neurons)],
            "interval": self.number(rec.interval, f"{loc}.interval"),
            "bin": self.number(rec.bin, f"{loc}.bin"),
        }

    def layout(self, node: NodeLayout, loc: str) -> dict:
        return {"x": self.number(node.x, f"{loc}.x"), "y": self.number(node.y, f"{loc}.y"),
                "color": self.text(node.color, f"{loc}.color")}

    def note(self, note: Note, loc: str) -> dict:
        return {"text": self.text(note.text, f"{loc}.text"), "x": self.number(note.x, f"{loc}.x"),
                "y": self.number(note.y, f"{loc}.y"), "width": self.number(note.width, f"{loc}.width"),
                "height": self.number(note.height, f"{loc}.height"), "color": self.text(note.color, f"{loc}.color")}
