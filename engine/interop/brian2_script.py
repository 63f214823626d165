"""Export a network as a standalone, runnable Brian2 script: ``brian2_script`` and ``brian2_export``."""

from __future__ import annotations

import math

import numpy as np

from ..model.network import CurrentInput, DatasetInput, Network, PoissonInput, RewardInput, SpikeTimesInput
from ._common import (
    HELPERS,
    array_literal,
    constant_value,
    dataset_input_reason,
    delay_steps,
    dist_args,
    header,
    ident,
    initial_values,
    num,
    skips_autapses,
)
from .brian2_custom import custom_group_args, engine_unit, model_description
from .brian2_graded import graded_lines, graded_variables, is_graded_projection
from .brian2_models import channel_key, delta_gated, is_noise, on_pre, synapse_target
from .brian2_plasticity import plastic_lines
from .brian2_reward import reward_lines, reward_problem, reward_sources
from .brian2_rules import RulePlan, left_out, plastic_plan, rule_lines
from .dataset_replay import replay_datasets
from .realised import check_wiring, ou_samples, poisson_counts, realise
from .report import ExportError, ExportReport, location
from .script_arrays import ScriptArrays
from .script_text import comment, literal

__all__ = ["brian2_script", "brian2_export"]

POISSON_SPLIT_P = 0.01  # a one_to_one Poisson drive becomes binomial(N, p) draws with p at most this per step
INDEX_RULES = ("fixed_indegree", "fixed_outdegree", "fixed_total")


def brian2_script(net: Network, strict: bool = False, wiring: str = "rules", replay_inputs: bool = False) -> str:
    """The text of a standalone Python script building and running ``net`` in Brian2 (arrays inline).

    With ``strict``, raise ``ExportError`` naming every item that cannot be exported instead of leaving it out.
    """
    text, report = brian2_export(net, wiring=wiring, replay_inputs=replay_inputs)
    if strict and not report.ok:
        raise ExportError(report)
    return text


def brian2_export(net: Network, wiring: str = "rules", replay_inputs: bool = False,
                  arrays: ScriptArrays | None = None, rules=None, datasets=None) -> tuple[str, ExportReport]:
    """(script text, report of what was left out or approximated).

    ``wiring="rules"`` writes the connection rules (Brian2 draws its own synapses); ``"realised"`` writes the
    synapses and initial values SpikeStudio draws, and ``replay_inputs`` adds SpikeStudio's Poisson spikes, so
    the script reproduces the run. Large arrays go into ``arrays`` (saved beside the script) when given.
    ``rules`` (learning-rule plugins by id) lets STDP projections travel as synapse equations; ``datasets`` (the
    dataset source ``Simulator`` takes) lets dataset inputs travel as SpikeStudio's encoded spikes.
    """
    check_wiring(wiring, replay_inputs)
    report = ExportReport("Brian2")
    arrays = arrays if arrays is not None else ScriptArrays()
    net = replay_datasets(net, datasets, report)
    if wiring == "realised":
        net = realise(net, report, replay_inputs)
    pops = _exported_populations(net, report)
    plastic = {}
    projs = _exported_projections(net, pops, report, rules, plastic)
    graded = [p for p in projs if is_graded_projection(p)]  # currents between voltages, no spikes
    projs = [p for p in projs if not is_graded_projection(p)]
    graded_vars = graded_variables(graded)
    currents = {pid: [c for c in net.inputs.values() if isinstance(c, CurrentInput) and c.target == pid]
                for pid in pops}
    for cur in net.inputs.values():
        if isinstance(cur, CurrentInput) and cur.target not in pops:
            report.problem(location("inputs", cur.id), "its target population is not exported")
        if isinstance(cur, DatasetInput):
            report.problem(location("inputs", cur.id), dataset_input_reason(cur))
    readers = _reward_readers(net, projs, plastic)
    for item in net.inputs.values():
        if isinstance(item, RewardInput) and item.id not in readers:
            report.note(location("inputs", item.id), "a reward node no exported learning rule reads: not needed")
        elif isinstance(item, RewardInput) and reward_problem(net, item.id, _groups(net, pops)):
            report.problem(location("inputs", item.id), reward_problem(net, item.id, _groups(net, pops)))
    traced = _traced(net, pops, report)
    channels = {pid: [] for pid in pops}
    for proj in projs:
        key = channel_key(proj, net)
        if key[0] != "delta" and key not in channels[proj.target]:
            channels[proj.target].append(key)
    used: set[str] = set()
    names = {pid: ident(pid, "G_", used) for pid in list(net.populations) + list(net.inputs)}
    body = [f"b2.defaultclock.dt = {num(net.dt)}*ms", f"b2.seed({net.seed})",
            f"rng = np.random.default_rng({net.seed})", f"DURATION = {num(net.duration)}*ms", ""]
    noise = ou_samples(net, [c.id for pid in pops for c in currents[pid] if is_noise(c)]) if replay_inputs else {}
    for pid, pop in pops.items():
        body += _population(pop, names[pid], channels[pid], currents[pid], net.dt, arrays, noise,
                            model_description(net, pop.model), [v for (p, v) in graded_vars.values() if p == pid])
    poisson_inputs = _poisson_inputs(net, projs)
    replayed = _replayed(net, poisson_inputs, report) if replay_inputs else {}
    for item in net.inputs.values():
        if isinstance(item, (PoissonInput, SpikeTimesInput)) and item.id not in poisson_inputs.values():
            body += _source(net, item, names[item.id], report, arrays)
    synapses = {}  # projection id -> its Synapses' name
    for proj in projs:
        target = pops[proj.target]
        if proj.id in replayed:
            body += _replayed_input(net, proj, target, names[proj.target], channels[proj.target],
                                    arrays.literal(replayed[proj.id], "np.uint8"))
        elif proj.id in poisson_inputs:
            body += _poisson_input(net, proj, target, names[proj.target], channels[proj.target])
        else:
            synapses[proj.id] = ident(proj.id, "S_", used)
            body += _synapses(net, proj, names, target, channels[proj.target], synapses[proj.id], arrays,
                              plastic.get(proj.id), report)
    for proj in graded:
        body += graded_lines(net, proj, names, graded_vars, ident(proj.id, "S_", used), arrays)
    for rid, plans in readers.items():
        if not reward_problem(net, rid, _groups(net, pops)):
            source = net.inputs[rid].source
            body += reward_lines(net, rid, names[source] if source else None,
                                 [(synapses[pid], var) for pid, var in plans], used)
    spiking = {pid: pop for pid, pop in pops.items() if model_description(net, pop.model).threshold is not None}
    body += ["# Spikes of every population", *(f"M_{names[pid]} = b2.SpikeMonitor({names[pid]})" for pid in spiking),
             *_trace_monitors(net, traced, names),
             "", "network = b2.Network(b2.collect())", "network.run(DURATION)", ""]
    monitors = ", ".join(f"({literal(pid)}, M_{names[pid]}, {pop.size})" for pid, pop in spiking.items())
    body += [f"for pop_id, monitor, size in [{monitors}]:",
             '    print(f"RATE {pop_id} {monitor.num_spikes / size / float(DURATION / second):.6f}")',
             *_trace_lines(net, traced),
             *_weight_lines(plastic, synapses),
             "", SAVE_SPIKES.format(monitors=monitors)]
    run = "Run it with: python script.py (needs brian2 and numpy; numpy code generation, no compiler needed)."
    lines = header(net, report, run) + ["", "import sys", "", "import numpy as np", "", "import brian2 as b2",
                                        "from brian2 import Gohm, Hz, kHz, ms, mV, nS, pA, pF, second, um"
                                        "  # noqa: F401", "",
                                        'b2.prefs.codegen.target = "numpy"  # "cython" runs faster given a C compiler',
                                        HELPERS, *body]
    return "\n".join(lines) + "\n", report


SAVE_SPIKES = """if len(sys.argv) > 1:  # python script.py SPIKES.npz: each population's spike steps and neuron ids
    arrays = {{}}
    for pop_id, monitor, size in [{monitors}]:
        arrays[pop_id + ".steps"] = np.rint(monitor.t_ / float(b2.defaultclock.dt)).astype(np.int64)
        arrays[pop_id + ".ids"] = np.asarray(monitor.i[:], dtype=np.int64)
    np.savez(sys.argv[1], **arrays)"""


def _traced(net: Network, pops: dict, report: ExportReport) -> list:
    """The state recorders the script monitors: a state variable of an exported population (a non-spiking
    population's only readout)."""
    traced = []
    for rec in net.recorders.values():
        pop = pops.get(rec.target)
        if rec.kind == "state" and pop is not None and rec.variable in model_description(net, pop.model).state_names():
            traced.append(rec)
        elif rec.kind != "spikes":
            report.note(location("recorders", rec.id), f"{rec.kind} recorders of this kind are not exported (spikes "
                                                       "and state variables only)")
    return traced


def _trace_monitors(net: Network, traced: list, names: dict) -> list[str]:
    """StateMonitors sampling at the start of the step, as SpikeStudio's state recorders do."""
    return [f"T_{k} = b2.StateMonitor({names[rec.target]}, {literal(rec.variable)}, record={list(rec.neurons)!r}, "
            f"dt={num(rec.interval)}*ms)" for k, rec in enumerate(traced)]


def _trace_lines(net: Network, traced: list) -> list[str]:
    """A TRACE line per recorded neuron: recorder id, neuron, and its values in SpikeStudio's units (mV for v)."""
    lines = []
    for k, rec in enumerate(traced):
        desc = model_description(net, net.populations[rec.target].model)
        dim = next(s.unit.dim for s in desc.state if s.name == rec.variable)
        unit = "1" if dim.dimensionless else engine_unit(dim)
        lines += [f"for row, neuron in enumerate({list(rec.neurons)!r}):",
                  f"    values = np.asarray(T_{k}.{rec.variable}[row] / ({unit}), dtype=float)",
                  f'    print("TRACE", {literal(rec.id)}, neuron, ",".join(f"{{x:.10g}}" for x in values))']
    return lines


def _weight_lines(plastic: dict, synapses: dict) -> list[str]:
    """A WEIGHT line per plastic projection: the mean of its weights at the end of the run."""
    return [f'print("WEIGHT", {literal(pid)}, f"{{np.mean({name}.w_syn[:]) if len({name}) else 0.0:.6f}}")'
            for pid, name in synapses.items() if pid in plastic]


def _groups(net: Network, pops: dict) -> set[str]:
    """The nodes the script builds as groups: exported populations, Poisson and spike-time sources (a Poisson
    source that a reward node counts is never folded into ``PoissonInput``: ``_poisson_inputs``)."""
    return set(pops) | {k for k, item in net.inputs.items()
                        if isinstance(item, (PoissonInput, SpikeTimesInput))}


def _reward_readers(net: Network, projs: list, plastic: dict) -> dict[str, list[tuple[str, str]]]:
    """Reward node id -> (projection id, modulator variable) of each exported rule that reads it."""
    readers: dict[str, list[tuple[str, str]]] = {}
    for proj in projs:
        plan = plastic.get(proj.id)
        if isinstance(plan, RulePlan) and plan.desc.modulator:
            rid = str(proj.plasticity.params.get("reward", ""))
            readers.setdefault(rid, []).append((proj.id, plan.names[plan.desc.modulator]))
    return readers


def _exported_populations(net: Network, report: ExportReport) -> dict:
    pops = {}
    for pid, pop in net.populations.items():
        desc = model_description(net, pop.model)
        if desc is not None and desc.input_var != "v" and any(
                p.target == pid and p.synapse.kind == "delta" for p in net.projections.values()):
            report.problem(location("populations", pid), f"delta synapses onto {desc.input_var!r} (not v) are not "
                                                         "exported")
        else:
            pops[pid] = pop
    return pops


def _exported_projections(net: Network, pops: dict, report: ExportReport, rules, plastic: dict) -> list:
    """The projections the script builds; ``plastic`` gets how each plastic one travels: the STDP coefficients,
    or the plan of its rule's description (``brian2_rules``)."""
    projs = []
    for proj in net.projections.values():
        where = location("projections", proj.id)
        reasons = []
        if proj.plasticity is not None:
            how, reason = plastic_plan(proj, rules, net)
            if how is None:
                reasons.append(reason)
            else:
                plastic[proj.id] = how
                why = reward_problem(net, str(proj.plasticity.params.get("reward", "")), _groups(net, pops)) \
                    if isinstance(how, RulePlan) and how.desc.modulator else ""
                for part in left_out(how, why) if isinstance(how, RulePlan) else ():
                    report.problem(where, part)
        if proj.rule == "gaussian":
            reasons.append("the gaussian (grid distance) rule is not exported")
        if proj.target not in pops or (proj.source in net.populations and proj.source not in pops):
            reasons.append("its source or target population is not exported")
        if isinstance(net.inputs.get(proj.source), DatasetInput):
            reasons.append("its source, a dataset input, is not exported")
        for reason in reasons:
            report.problem(where, reason)
        if not reasons:
            projs.append(proj)
    return projs


def _population(pop, name: str, channels: list, inputs: list, dt: float, arrays: ScriptArrays,
                noise: dict | None = None, desc=None, graded: list[str] = ()) -> list[str]:
    a = custom_group_args(pop, desc, channels, inputs, dt, graded)
    refractory = f", refractory={a['refractory']}" if a["refractory"] else ""
    spikes = f'threshold="{a["threshold"]}",\n    reset="""{a["reset"]}"""{refractory}' \
        if a["threshold"] is not None else "threshold=None"  # a graded (non-spiking) model
    lines = [comment(f"Population {pop.id!r}: {pop.model}, {pop.size} neurons"),
             f'{name} = b2.NeuronGroup({pop.size}, """\n{a["equations"]}\n""", {spikes},',
             f'    method="{a["method"]}", name={literal(name)})']
    for var, (unit, default) in a["init"].items():
        dist = pop.initial.get(var)
        value = f"{initial_values(dist, pop.size, arrays)}*{unit}" if dist is not None else f'"{default}"'
        lines.append(f"{name}.{var} = {value}")
    for statement in a["decay"]:
        lines.append(f'{name}.run_regularly("{statement}", when="thresholds", order=-1)')
    for k, std, tau in a["ou"]:
        if inputs[k].id in (noise or {}):  # SpikeStudio's own samples, one row per step
            values = arrays.literal(noise[inputs[k].id], "float")
            lines += [f"ou_{name}_{k} = b2.TimedArray({values}.reshape({len(noise[inputs[k].id])}, {pop.size}), "
                      "dt=b2.defaultclock.dt)",
                      f'{name}.run_regularly("I_ou{k} = ou_{name}_{k}(t, i)*pA", when="start")  # replayed OU noise']
            continue
        fade = f"exp(-dt/({num(tau)}*ms))"
        lines += [f"{name}.I_ou{k} = rng.normal(0.0, {num(std)}, {pop.size})*pA  # stationary start",
                  f'{name}.run_regularly("I_ou{k} = I_ou{k}*{fade} + {num(std)}*pA*sqrt(1 - {fade}**2)*randn()",'
                  f' when="start")  # exact OU step']
    return lines + [""]


def _source(net: Network, item, name: str, report: ExportReport, arrays: ScriptArrays) -> list[str]:
    if isinstance(item, PoissonInput):
        rates = (f"{array_literal(item.rates, 'float')}*Hz" if item.rates is not None else f"{num(item.rate)}*Hz")
        top = float(np.max(item.rates)) if item.rates is not None and item.rates.size else item.rate
        if top * net.dt * 1e-3 > 0.05:
            report.note(location("inputs", item.id), "Brian2's PoissonGroup emits at most one spike per step; "
                        f"{top * net.dt * 1e-3:.2f} expected per step")
        return [comment(f"Poisson source {item.id!r}"),
                f"{name} = b2.PoissonGroup({item.size}, rates={rates}, name={literal(name)})", ""]
    steps = np.rint(item.times / net.dt).astype(np.int64)
    pairs = np.unique(np.stack([steps, item.neurons]), axis=1) if steps.size else np.zeros((2, 0), np.int64)
    return [comment(f"Spike times {item.id!r} (rounded to whole steps, as SpikeStudio does)"),
            f"{name} = b2.SpikeGeneratorGroup({item.size}, {arrays.literal(pairs[1], 'np.int64')},",
            f"    {arrays.literal(pairs[0] * net.dt, 'float')}*ms, name={literal(name)})", ""]


def _poisson_inputs(net: Network, projs: list) -> dict[str, str]:
    """Projections (id -> source id) from a Poisson source used once, one_to_one with a constant weight.

    Such a drive is independent per target neuron, so Brian2's ``PoissonInput`` (binomial counts per step,
    several spikes per step allowed) reproduces it exactly in distribution; its delay changes nothing.
    """
    uses = {}
    for proj in net.projections.values():
        uses[proj.source] = uses.get(proj.source, 0) + 1
    for source in reward_sources(net):  # a reward node counts its spikes: it stays a group
        uses[source] = uses.get(source, 0) + 1
    found = {}
    for proj in projs:
        src = net.inputs.get(proj.source)
        if (isinstance(src, PoissonInput) and src.rates is None and uses[src.id] == 1 and proj.rule == "one_to_one"
                and proj.plasticity is None
                and proj.weights is None and constant_value(proj.weight) is not None):
            found[proj.id] = src.id
    return found


def _poisson_input(net: Network, proj, target, target_name: str, channels: list) -> list[str]:
    src = net.inputs[proj.source]
    n = max(1, math.ceil(src.rate * net.dt * 1e-3 / POISSON_SPLIT_P))
    statement = on_pre(target, channels, channel_key(proj, net), num(constant_value(proj.weight)),
                       delta_gated(model_description(net, target.model)))
    var, weight = statement.split(" += ")
    var = var.removesuffix("_post")
    weight = weight.replace("_post", "")
    slot = ', when="thresholds", order=-1' if channel_key(proj, net)[0] == "delta" else ""  # see _synapses
    return [comment(f"Projection {proj.id!r}: Poisson source {src.id!r} one_to_one, as {n} binomial draws per step"),
            f"{ident(proj.id, 'P_', set())} = b2.PoissonInput({target_name}, \"{var}\", {n}, "
            f"{num(src.rate / n)}*Hz, weight=\"{weight}\"{slot})", ""]


def pathway_lag(kind: str) -> int:
    """Steps Brian2's delay is shorter than SpikeStudio's for this synapse kind.

    A delta pathway runs before the thresholds, so it reads the spikes of the step before (one step lag);
    current and conductance pathways run after them, and their jump at the end of step s + d is
    SpikeStudio's arrival exactly one delay after the spike.
    """
    return 1 if kind == "delta" else 0


def _replayed(net: Network, poisson_inputs: dict[str, str], report: ExportReport) -> dict[str, np.ndarray]:
    """SpikeStudio's spike counts (steps x neurons) of each one_to_one Poisson drive, by projection id; other
    Poisson sources are named in the report as drawn by Brian2."""
    counts = poisson_counts(net, sorted(set(poisson_inputs.values())))
    for item in net.inputs.values():
        if isinstance(item, PoissonInput) and item.id not in poisson_inputs.values():
            report.note(location("inputs", item.id), "not replayed (only a Poisson source driving one population "
                        "one_to_one with one weight is): its spikes are drawn by Brian2's generator")
    return {pid: counts[src] for pid, src in poisson_inputs.items()}


def _replayed_input(net: Network, proj, target, target_name: str, channels: list, counts: str) -> list[str]:
    """SpikeStudio's spikes of a one_to_one Poisson drive, added each step as its synapses would add them."""
    key = channel_key(proj, net)
    var = synapse_target(target, channels, key)
    w, unit = constant_value(proj.weight), {"delta": "mV", "current": "pA", "conductance": "nS"}[key[0]]
    sign = "-" if key[0] == "delta" and key[4] else ""
    gate = f" * {target_name}.not_refractory_[:]" if key[0] == "delta" and delta_gated(
        model_description(net, target.model)) else ""
    d = delay_steps(constant_value(proj.delay), net.dt)  # both act d steps after the spike's step (see _synapses)
    slot = '"thresholds", order=-1' if key[0] == "delta" else '"synapses"'
    name = ident(proj.id, "replay_", set())
    n_steps = int(round(net.duration / net.dt))
    return [comment(f"Projection {proj.id!r}: SpikeStudio's spikes of Poisson source {proj.source!r} (replayed), "
                    "one_to_one"),
            f"{name}_counts = {counts}.reshape({n_steps}, {target.size})  # spikes per step and neuron",
            "",
            "",
            f"@b2.network_operation(when={slot})",
            f"def {name}(t):",
            f"    k = int(round(float(t / b2.defaultclock.dt))) - {d}",
            f"    if 0 <= k < len({name}_counts):",
            f"        {target_name}.{var}_[:] += {sign}float({num(w)}*{unit}) * {name}_counts[k]{gate}",
            "", ""]


def _synapses(net: Network, proj, names: dict, target, channels: list, name: str,
              arrays: ScriptArrays, plastic: tuple | RulePlan | None = None,
              report: ExportReport | None = None) -> list[str]:
    key = channel_key(proj, net)
    w_const = constant_value(proj.weight) if proj.weights is None and plastic is None else None
    d_const = constant_value(proj.delay) if proj.delays is None else None
    model = '"w_syn : 1"' if w_const is None else '""'
    statement = on_pre(target, channels, key, "w_syn" if w_const is None else num(w_const),
                       delta_gated(model_description(net, target.model)))
    lag = pathway_lag(key[0])
    delay = f", delay={num(round((delay_steps(d_const, net.dt) - lag) * net.dt, 9))}*ms" if d_const is not None else ""
    src, tgt = names[proj.source], names[proj.target]
    lines = [comment(f"Projection {proj.id!r}: {proj.rule}, {key[0]} {key[1]} synapses")]
    after, d = [], _one_delay(proj, d_const, net.dt)
    if plastic is not None:
        if isinstance(plastic, RulePlan):
            made, exact = rule_lines(name, src, tgt, statement, plastic, d, lag, net.dt)
        else:
            made, after, exact = plastic_lines(name, src, tgt, statement, plastic, d, net.dt, target.size)
        lines += made
        if not exact:
            report.note(location("projections", proj.id), "a spike carries the weight it has when it arrives, not "
                        "one step after it was sent as in SpikeStudio (exact for one delay of one step, or of two on "
                        "current and conductance synapses)")
    else:
        lines.append(f'{name} = b2.Synapses({src}, {tgt}, model={model}, on_pre="{statement}"{delay}, '
                     f'name={literal(name)})')
    if lag:
        lines.append(f'{name}.pre.when, {name}.pre.order = "thresholds", -1  # v jumps before the threshold test')
    skip = skips_autapses(proj)
    n_pre, n_post = net.node(proj.source).size, target.size
    rule, params = proj.rule, proj.rule_params
    if rule == "fixed_probability":
        cond = 'condition="i != j", ' if skip else ""
        lines.append(f'{name}.connect({cond}p={num(params["p"])})')
    elif rule == "all_to_all":
        cond = 'condition="i != j"' if skip else ""
        lines.append(f"{name}.connect({cond})")
    elif rule == "one_to_one":
        lines.append(f"{name}.connect(j=\"i\")" if not skip else f"{name}.connect(i=[], j=[])  # no autapses")
    elif rule in INDEX_RULES:
        count = params["n"] if rule == "fixed_total" else params["k"]
        multapses = ", 1" if rule == "fixed_total" and params.get("multapses", 0) else ""
        lines += [f"pre, post = {rule}(rng, {n_pre}, {n_post}, {int(count)}, {int(skip)}{multapses})",
                  f"{name}.connect(i=pre, j=post)"]
    else:  # explicit
        pre, post = arrays.literal(proj.pre, "np.int64"), arrays.literal(proj.post, "np.int64")
        lines.append(f"{name}.connect(i={pre}, j={post})")
    if w_const is None:
        if proj.weights is not None:
            values = arrays.literal(proj.weights, "float")
        elif plastic is not None and proj.weight.kind == "constant":
            values = num(constant_value(proj.weight))
        else:
            values = f"draw(rng, len({name}), {dist_args(proj.weight)})"
        lines.append(f"{name}.w_syn = {values}")
    if d_const is None and (plastic is None or d is None):  # per synapse (a plastic projection: its sending pathway)
        values = (arrays.literal(proj.delays, "float") if proj.delays is not None
                  else f"draw(rng, len({name}), {dist_args(proj.delay)})")
        lines.append(f"{name}.{'pre.' if plastic is not None else ''}delay = "
                     f"(delay_steps({values}, {num(net.dt)}) - {lag})*{num(net.dt)}*ms")
    if isinstance(plastic, RulePlan):
        after = [*plastic.initial_lines(name), *plastic.reward_lines(name), *plastic.periodic_lines(name, net.dt),
                 *plastic.scaling_lines(name, net.dt, target.size)]
    return lines + after + [""]


def _one_delay(proj, d_const: float | None, dt: float) -> int | None:
    """The projection's delay in steps when all its synapses share one (None: they differ, or are drawn)."""
    if d_const is not None:
        return delay_steps(d_const, dt)
    if proj.delays is not None and proj.delays.size:
        steps = np.unique(np.maximum(np.rint(np.minimum(proj.delays, 1e4) / dt), 1))
        return int(steps[0]) if steps.size == 1 else None
    return None
