"""Every check of a network description, each problem reported with its location."""

from __future__ import annotations

import math
from numbers import Real
from typing import TYPE_CHECKING

import numpy as np

from ..kernels.codes import CUSTOM
from .catalog import (
    CONNECTIVITY_RULES,
    CURRENT_WAVEFORMS,
    DATASET_INPUT_PARAMS,
    DISTRIBUTION_KINDS,
    GRADED_KINDS,
    GRADED_PARAMS,
    MAX_DELAY,
    NETWORK_PARAMS,
    NEURON_MODELS,
    NODE_PARAMS,
    POISSON_PARAMS,
    RECEPTORS,
    RECORDER_KINDS,
    RECORDER_PARAMS,
    SYNAPSE_KINDS,
    SYNAPSE_PARAMS,
    SYNAPTIC_VARIABLES,
)
from .custom import model_problems, neuron_model
from .items import (
    CurrentInput,
    DatasetInput,
    Distribution,
    PoissonInput,
    Population,
    Projection,
    Recorder,
    RewardInput,
    SpikeTimesInput,
)
from .params import Problem, check_params, check_value
from .plain_text import control_characters
from .receptors import target_description
from .reward import reward_node_problems, reward_reference_problems

if TYPE_CHECKING:  # the network class calls these checks, so they only name it
    from .network import Network

__all__ = ["network_problems"]



def network_problems(net: Network) -> list[Problem]:
    problems = check_params(NETWORK_PARAMS, {"dt": net.dt, "duration": net.duration, "seed": net.seed,
                                             "threads": net.threads}, "network")
    problems += _id_problems(net)
    problems += model_problems(net)
    for pop in net.populations.values():
        problems += population_problems(pop, f'populations["{pop.id}"]', net)
    for item in net.inputs.values():
        problems += input_problems(item, net, f'inputs["{item.id}"]')
    for proj in net.projections.values():
        problems += projection_problems(proj, net, f'projections["{proj.id}"]')
    for rec in net.recorders.values():
        problems += recorder_problems(rec, net, f'recorders["{rec.id}"]')
    return problems


def _id_problems(net: Network) -> list[Problem]:
    problems, names, seen = [], {}, {}
    for section_name, section in net.sections().items():
        for key, item in section.items():
            loc = f'{section_name}["{key}"]'
            if key in seen:
                problems.append(Problem(loc, f'duplicate id "{key}" (also {seen[key]})'))
            seen.setdefault(key, loc)
            if not isinstance(item.id, str) or not item.id:
                problems.append(Problem(loc, "id must be a non-empty string"))
            elif item.id != key:
                problems.append(Problem(loc, f'id "{item.id}" does not match its key'))
            for what, text in (("id", key), ("name", getattr(item, "name", ""))):
                bad = control_characters(text) if isinstance(text, str) else []
                if bad:
                    problems.append(Problem(loc if what == "id" else f"{loc}.name", f"the {what} {text[:40]!r} holds "
                                            f"control characters ({', '.join(bad)}); ids and names are plain text"))
            if section_name in ("populations", "inputs"):
                if item.name in names:
                    problems.append(Problem(f"{loc}.name", f'duplicate name "{item.name}" (also {names[item.name]})'))
                names.setdefault(item.name, loc)
    return problems


def _size_problems(size, loc: str) -> list[Problem]:
    if isinstance(size, np.integer):
        size = int(size)
    return check_value(NODE_PARAMS["size"], size, f"{loc}.size")


def _grid_problems(grid, size, loc: str) -> list[Problem]:
    if grid is None:
        return []
    if len(grid) != 2 or not all(isinstance(g, (int, np.integer)) and g > 0 for g in grid):
        return [Problem(f"{loc}.grid", f"expected [rows, columns] of positive whole numbers, got {list(grid)}")]
    if isinstance(size, (int, np.integer)) and grid[0] * grid[1] != size:
        return [Problem(f"{loc}.grid", f"{grid[0]} x {grid[1]} grid does not hold {size} neurons")]
    return []


def population_problems(pop: Population, loc: str, net: Network | None = None) -> list[Problem]:
    problems = _size_problems(pop.size, loc) + _grid_problems(pop.grid, pop.size, loc)
    model = neuron_model(net, pop.model)
    if model is None:
        known = list(NEURON_MODELS) + list(getattr(net, "models", {}))
        return problems + [Problem(f"{loc}.model", f'unknown neuron model "{pop.model}" (known: {", ".join(known)})')]
    problems += check_params(model.params, pop.params, f"{loc}.params")
    p = pop.params
    builtin = model.code != CUSTOM
    if not problems and builtin and "V_reset" in p and p["V_reset"] >= p.get("V_th", p.get("V_peak", math.inf)):
        problems.append(Problem(f"{loc}.params.V_reset", f"{p['V_reset']:g} mV must lie below the threshold"))
    for var, dist in pop.initial.items():
        if var not in model.state:
            problems.append(Problem(f"{loc}.initial.{var}",
                                    f"{model.id} has no state variable {var!r} (has: {', '.join(model.state)})"))
        elif isinstance(dist, np.ndarray):
            problems += _per_neuron_problems(dist, pop.size, f"{loc}.initial.{var}")
        else:
            problems += distribution_problems(dist, f"{loc}.initial.{var}")
    return problems


def _per_neuron_problems(values: np.ndarray, size, loc: str) -> list[Problem]:
    if values.shape != (size,):
        return [Problem(loc, f"expected {size} values (one per neuron), got {values.size}")]
    if not np.all(np.isfinite(values)):
        return [Problem(loc, "values must be finite")]
    return []


def input_problems(item, net: Network, loc: str) -> list[Problem]:
    if isinstance(item, PoissonInput):
        problems = _size_problems(item.size, loc) + _grid_problems(item.grid, item.size, loc)
        problems += check_value(POISSON_PARAMS["rate"], item.rate, f"{loc}.rate")
        if item.rates is not None:
            if item.rates.shape != (item.size,):
                problems.append(Problem(f"{loc}.rates",
                                        f"expected {item.size} rates (one per neuron), got {item.rates.size}"))
            elif not np.all(np.isfinite(item.rates)) or np.any(item.rates < 0):
                problems.append(Problem(f"{loc}.rates", "rates must be finite and >= 0 Hz"))
        return problems
    if isinstance(item, SpikeTimesInput):
        problems = _size_problems(item.size, loc)
        if item.neurons.shape != item.times.shape:
            problems.append(Problem(loc, f"{item.neurons.size} neuron indices but {item.times.size} times"))
        elif item.neurons.size and (item.neurons.min() < 0 or item.neurons.max() >= item.size):
            problems.append(Problem(f"{loc}.neurons", f"neuron indices must lie in [0, {item.size - 1}]"))
        if item.times.size and (not np.all(np.isfinite(item.times)) or item.times.min() < 0):
            problems.append(Problem(f"{loc}.times", "spike times must be finite and >= 0 ms"))
        return problems
    if isinstance(item, DatasetInput):
        return dataset_input_problems(item, loc)
    if isinstance(item, CurrentInput):
        problems = _target_problems(item.target, net, f"{loc}.target", populations_only=True)
        specs = CURRENT_WAVEFORMS.get(item.waveform)
        if specs is None:
            return problems + [Problem(f"{loc}.waveform",
                                       f'unknown waveform "{item.waveform}" (known: {", ".join(CURRENT_WAVEFORMS)})')]
        return problems + check_params(specs, item.params, f"{loc}.params")
    if isinstance(item, RewardInput):
        return reward_node_problems(item, net, loc)
    return [Problem(loc, f"unknown input type {type(item).__name__}")]


def dataset_input_problems(item: DatasetInput, loc: str) -> list[Problem]:
    """The recipe only: whether the plugin exists and likes its parameters is checked when building."""
    problems = _size_problems(item.size, loc) + _grid_problems(item.grid, item.size, loc)
    for name, what in (("dataset", "a dataset plugin"), ("encoder", "an encoder")):
        if not isinstance(getattr(item, name), str) or not getattr(item, name):
            problems.append(Problem(f"{loc}.{name}", f"expected the id of {what}"))
    for name in ("dataset_params", "encoder_params"):
        params = getattr(item, name)
        if not isinstance(params, dict):
            problems.append(Problem(f"{loc}.{name}", "expected a mapping of parameter names to values"))
            continue
        problems += [Problem(f"{loc}.{name}.{k}", f"expected a number, a string or true/false, got {v!r}")
                     for k, v in params.items() if not _plain(v)]
    own = {name: getattr(item, name) for name in DATASET_INPUT_PARAMS}
    return problems + check_params(DATASET_INPUT_PARAMS, own, loc)


def _plain(value) -> bool:
    """A plugin parameter a file can hold: text, true/false, a whole or a finite number."""
    return isinstance(value, (str, bool, int, np.integer)) or (isinstance(value, Real) and math.isfinite(value))


def _target_problems(target, net: Network, loc: str, populations_only: bool) -> list[Problem]:
    nodes = net.populations if populations_only else net.spiking_nodes()
    if target in nodes:
        return []
    if target in net.inputs:
        return [Problem(loc, f'"{target}" is an input; it cannot receive {"input" if populations_only else "this"}')]
    return [Problem(loc, f'refers to "{target}", which does not exist')]


def distribution_problems(dist: Distribution, loc: str, nonnegative: bool = False) -> list[Problem]:
    if not isinstance(dist, Distribution):
        return [Problem(loc, "expected a distribution")]
    fields = DISTRIBUTION_KINDS.get(dist.kind)
    if fields is None:
        return [Problem(f"{loc}.kind", f'unknown distribution "{dist.kind}" (known: {", ".join(DISTRIBUTION_KINDS)})')]
    problems = []
    for name in fields + ("min", "max"):
        value = getattr(dist, name)
        if name in ("min", "max") and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            problems.append(Problem(f"{loc}.{name}", f"expected a finite number, got {value!r}"))
    if problems:
        return problems
    if dist.kind == "uniform" and dist.low > dist.high:
        problems.append(Problem(f"{loc}.low", f"low ({dist.low:g}) is above high ({dist.high:g})"))
    if dist.kind in ("normal", "lognormal") and dist.std < 0:
        problems.append(Problem(f"{loc}.std", f"{dist.std:g} is negative"))
    if dist.kind == "lognormal" and dist.mean <= 0:
        problems.append(Problem(f"{loc}.mean", f"a lognormal mean must be > 0, got {dist.mean:g}"))
    if dist.min is not None and dist.max is not None and dist.min > dist.max:
        problems.append(Problem(f"{loc}.min", f"min ({dist.min:g}) is above max ({dist.max:g})"))
    if dist.redraw and dist.min is None and dist.max is None:
        problems.append(Problem(f"{loc}.redraw", "redraw needs a min or a max to draw into"))
    if nonnegative:
        problems += _nonnegative_problems(dist, loc)
    return problems


def _nonnegative_problems(dist: Distribution, loc: str) -> list[Problem]:
    if dist.kind == "constant" and dist.value < 0:
        return [Problem(f"{loc}.value",
                        f"{dist.value:g} is negative (use an inhibitory receptor for negative effects)")]
    if dist.kind == "uniform" and dist.low < 0:
        return [Problem(f"{loc}.low", f"{dist.low:g} is negative (use an inhibitory receptor for negative effects)")]
    if dist.min is not None and dist.min < 0:
        return [Problem(f"{loc}.min", f"{dist.min:g} is negative")]
    return []


def projection_problems(proj: Projection, net: Network, loc: str) -> list[Problem]:
    problems = _target_problems(proj.source, net, f"{loc}.source", populations_only=False)
    problems += _target_problems(proj.target, net, f"{loc}.target", populations_only=True)
    specs = CONNECTIVITY_RULES.get(proj.rule)
    if specs is None:
        problems.append(Problem(f"{loc}.rule",
                                f'unknown connectivity rule "{proj.rule}" (known: {", ".join(CONNECTIVITY_RULES)})'))
    else:
        problems += check_params(specs, proj.rule_params, f"{loc}.rule_params")
    problems += distribution_problems(proj.weight, f"{loc}.weight", nonnegative=True)
    problems += distribution_problems(proj.delay, f"{loc}.delay", nonnegative=True)
    problems += _delay_bound_problems(proj, f"{loc}.delay")
    problems += _synapse_problems(proj, f"{loc}.synapse")
    problems += _declared_receptor_problems(proj, net, f"{loc}.synapse.receptor")
    problems += _graded_problems(proj, net, loc)
    if not isinstance(proj.allow_autapses, bool):
        problems.append(Problem(f"{loc}.allow_autapses", f"expected true or false, got {proj.allow_autapses!r}"))
    if proj.rule != "explicit":
        problems += [Problem(f"{loc}.{name}", "per-synapse arrays need the explicit rule")
                     for name in ("pre", "post", "weights", "delays") if getattr(proj, name) is not None]
    if proj.plasticity is not None and (not isinstance(proj.plasticity.rule, str) or not proj.plasticity.rule):
        problems.append(Problem(f"{loc}.plasticity.rule", "expected the id of a learning-rule plugin"))
    if proj.plasticity is not None and isinstance(proj.plasticity.params, dict):
        problems += reward_reference_problems(proj.plasticity.params, net, f"{loc}.plasticity.params")
    if not problems:
        problems += _shape_problems(proj, net, loc)
    return problems


def _delay_bound_problems(proj: Projection, loc: str) -> list[Problem]:
    """Delays up to MAX_DELAY: constant values, uniform highs, means and clip maxima; drawn values are clipped."""
    dist = proj.delay
    if not isinstance(dist, Distribution) or distribution_problems(dist, loc):
        return []
    field = {"constant": "value", "uniform": "high"}.get(dist.kind, "mean")
    problems = [Problem(f"{loc}.{name}", f"{getattr(dist, name):g} ms is longer than the longest delay "
                                         f"({MAX_DELAY:g} ms)")
                for name in (field, "max") if getattr(dist, name) is not None and getattr(dist, name) > MAX_DELAY]
    if proj.delays is not None and proj.delays.size and np.nanmax(proj.delays) > MAX_DELAY:
        problems.append(Problem(f"{loc[:-len('.delay')]}.delays", f"delays must be at most {MAX_DELAY:g} ms"))
    return problems


def _synapse_problems(proj: Projection, loc: str) -> list[Problem]:
    syn, problems = proj.synapse, []
    if syn.kind not in SYNAPSE_KINDS:
        problems.append(Problem(f"{loc}.kind",
                                f'unknown synapse kind "{syn.kind}" (known: {", ".join(SYNAPSE_KINDS)})'))
    problems += check_params(SYNAPSE_PARAMS, {"tau": syn.tau, "E_rev": syn.E_rev}, loc)
    if syn.kind == "graded":
        problems += check_params(GRADED_PARAMS, {"V_half": syn.V_half, "V_slope": syn.V_slope}, loc)
    return problems


def _graded_problems(proj: Projection, net: Network, loc: str) -> list[Problem]:
    """A graded synapse or gap junction reads the membrane voltage ``v`` at both ends (a gap junction also
    drives its source): both must be populations whose model has one, and nothing learns on it."""
    if proj.synapse.kind not in GRADED_KINDS:
        return []
    kind = "a graded synapse" if proj.synapse.kind == "graded" else "a gap junction"
    problems = []
    for end in ("source", "target"):
        nid = getattr(proj, end)
        pop = net.populations.get(nid) if isinstance(nid, str) else None
        if pop is None:
            if isinstance(nid, str) and nid in net.inputs:
                problems.append(Problem(f"{loc}.{end}", f'"{nid}" is an input with no membrane voltage: {kind} '
                                                        "needs a population at both ends"))
            continue
        names = voltage_names(pop.model, net)
        if names is not None and "v" not in names:
            problems.append(Problem(f"{loc}.{end}", f'{kind} reads the membrane voltage v, but model "{pop.model}" '
                                                    f'of "{nid}" has none (its state: {", ".join(names)})'))
    if proj.plasticity is not None:
        problems.append(Problem(f"{loc}.plasticity", f"{kind} has no spikes to learn from: remove the rule"))
    return problems


def voltage_names(model, net: Network) -> tuple[str, ...] | None:
    """The state variables of a population's model (None for a model unknown here: reported elsewhere)."""
    desc = net.models.get(model) if isinstance(model, str) and isinstance(net.models, dict) else None
    if desc is not None and hasattr(desc, "state_names"):
        return tuple(desc.state_names())
    builtin = NEURON_MODELS.get(model) if isinstance(model, str) else None
    return tuple(builtin.state) if builtin is not None else None


def _declared_receptor_problems(proj: Projection, net: Network, loc: str) -> list[Problem]:
    """A projection names a receptor its target takes: excitatory or inhibitory, or, onto a model from
    equations, one its ``receptors`` line or ``receptor`` lines declare (a named receptor's kinetics then come
    from the model, see receptors.py)."""
    desc = target_description(net, proj.target)
    receptor = proj.synapse.receptor
    receptors = tuple(desc.receptors) if desc is not None else ()
    if desc is None or proj.synapse.kind in GRADED_KINDS:  # a graded synapse or gap junction uses no receptor:
        known = tuple(dict.fromkeys(RECEPTORS + receptors))  # any the target has, or the two unnamed ones
        if receptor in known:
            return []
        return [Problem(loc, f'unknown receptor "{receptor}" (known: {", ".join(known)})')]
    if receptor in receptors:
        return []
    model = net.populations[proj.target].model
    if receptor in RECEPTORS:
        return [Problem(loc, f'model "{model}" has no {receptor} receptor (its receptors: {", ".join(receptors)})')]
    return [Problem(loc, f'model "{model}" has no receptor "{receptor}" (its receptors: '
                         f'{", ".join(receptors) or "none"})')]


def _shape_problems(proj: Projection, net: Network, loc: str) -> list[Problem]:
    """Checks that need both ends: sizes for one-to-one, grids for gaussian, indices for explicit."""
    src, tgt = net.spiking_nodes()[proj.source], net.populations[proj.target]
    rule, k = proj.rule, proj.rule_params
    if rule == "one_to_one" and src.size != tgt.size:
        return [Problem(f"{loc}.rule", f"one_to_one needs equal sizes, got {src.size} and {tgt.size}")]
    if rule == "gaussian" and (getattr(src, "grid", None) is None or tgt.grid is None):
        return [Problem(f"{loc}.rule", "gaussian connectivity needs a grid on both source and target")]
    same = proj.source == proj.target and not proj.allow_autapses
    if rule == "fixed_indegree" and k["k"] > src.size - same:
        return [Problem(f"{loc}.rule_params.k",
                        f"{k['k']} inputs per neuron but only {src.size - same} possible sources")]
    if rule == "fixed_outdegree" and k["k"] > tgt.size - same:
        return [Problem(f"{loc}.rule_params.k",
                        f"{k['k']} outputs per neuron but only {tgt.size - same} possible targets")]
    if rule == "explicit":
        return _explicit_problems(proj, src.size, tgt.size, loc)
    return []


def _explicit_problems(proj: Projection, n_pre: int, n_post: int, loc: str) -> list[Problem]:
    if proj.pre is None or proj.post is None:
        return [Problem(f"{loc}.pre", "the explicit rule needs pre and post index arrays")]
    n = proj.pre.size
    problems = []
    if proj.post.size != n:
        problems.append(Problem(f"{loc}.post", f"{proj.post.size} post indices for {n} pre indices"))
    if n and (proj.pre.min() < 0 or proj.pre.max() >= n_pre):
        problems.append(Problem(f"{loc}.pre", f"indices must lie in [0, {n_pre - 1}]"))
    if proj.post.size and (proj.post.min() < 0 or proj.post.max() >= n_post):
        problems.append(Problem(f"{loc}.post", f"indices must lie in [0, {n_post - 1}]"))
    for name in ("weights", "delays"):
        arr = getattr(proj, name)
        if arr is None:
            continue
        if arr.size != n:
            problems.append(Problem(f"{loc}.{name}", f"{arr.size} values for {n} synapses"))
        elif not np.all(np.isfinite(arr)) or (arr.size and arr.min() < 0):
            problems.append(Problem(f"{loc}.{name}", "values must be finite and >= 0"))
    return problems


def _at_least_dt(spec, value, dt, loc: str) -> list[Problem]:
    """A time that must lie in its spec's range and also span at least one step."""
    problems = check_value(spec, value, loc)
    if not problems and isinstance(dt, Real) and value < dt:
        problems.append(Problem(loc, f"{value:g} ms is shorter than the time step dt ({dt:g} ms)"))
    return problems


def recorder_problems(rec: Recorder, net: Network, loc: str) -> list[Problem]:
    if rec.kind not in RECORDER_KINDS:
        return [Problem(f"{loc}.kind", f'unknown recorder kind "{rec.kind}" (known: {", ".join(RECORDER_KINDS)})')]
    problems = _target_problems(rec.target, net, f"{loc}.target", populations_only=rec.kind == "state")
    if problems:
        return problems
    if rec.kind == "rate":
        problems += _at_least_dt(RECORDER_PARAMS["bin"], rec.bin, net.dt, f"{loc}.bin")
    if rec.kind == "state":
        pop = net.populations[rec.target]
        model = neuron_model(net, pop.model)
        allowed = list(model.state if model else []) + list(SYNAPTIC_VARIABLES)
        if rec.variable not in allowed:
            problems.append(Problem(f"{loc}.variable",
                                    f"{pop.model} has no variable {rec.variable!r} (has: {', '.join(allowed)})"))
        bad = [i for i in rec.neurons if not 0 <= i < pop.size]
        if bad or not rec.neurons:
            problems.append(Problem(f"{loc}.neurons",
                                    f"neuron indices must lie in [0, {pop.size - 1}] (got {bad or 'none'})"))
        problems += _at_least_dt(RECORDER_PARAMS["interval"], rec.interval, net.dt, f"{loc}.interval")
    return problems
