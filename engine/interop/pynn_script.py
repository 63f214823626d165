"""Export a network as a runnable PyNN 0.13 script: ``pynn_script`` and ``pynn_export``."""

from __future__ import annotations

import numpy as np

from ..model.network import DatasetInput, Distribution, Network, PoissonInput, RewardInput, SpikeTimesInput
from ._common import (
    HELPERS,
    array_literal,
    constant_value,
    dataset_input_reason,
    delay_steps,
    header,
    ident,
    initial_values,
    num,
    skips_autapses,
)
from .dataset_replay import replay_datasets
from .pynn_models import cell_type
from .realised import check_wiring, poisson_counts, realise
from .report import ExportError, ExportReport, location
from .script_arrays import ScriptArrays
from .script_text import comment, literal
from .standard_cells import PYNN_CELLS, standard_network

__all__ = ["pynn_script", "pynn_export", "CONNECTORS"]

CONNECTORS = {"fixed_probability": "FixedProbabilityConnector", "all_to_all": "AllToAllConnector",
              "one_to_one": "OneToOneConnector", "fixed_indegree": "FixedNumberPreConnector",
              "fixed_outdegree": "FixedNumberPostConnector", "fixed_total": "FixedTotalNumberConnector",
              "explicit": "FromListConnector"}


def pynn_script(net: Network, simulator: str = "nest", strict: bool = False) -> str:
    """The text of a PyNN script running ``net`` on ``simulator`` (``nest``, ``neuron``, ``brian2``, ``mock``).

    With ``strict``, raise ``ExportError`` naming every item that cannot be exported instead of leaving it out.
    """
    text, report = pynn_export(net, simulator)
    if strict and not report.ok:
        raise ExportError(report)
    return text


def pynn_export(net: Network, simulator: str = "nest", wiring: str = "rules", replay_inputs: bool = False,
                arrays: ScriptArrays | None = None, datasets=None) -> tuple[str, ExportReport]:
    """(script text, report of what was left out or approximated).

    ``wiring="realised"`` writes SpikeStudio's synapses and initial values (see ``realised``); large arrays go
    into ``arrays`` (saved beside the script) when given. Replaying Poisson inputs is Brian2's only. With
    ``datasets`` (the dataset source ``Simulator`` takes) dataset inputs travel as SpikeStudio's encoded spikes.
    """
    check_wiring(wiring, replay_inputs)
    report = ExportReport("PyNN")
    arrays = arrays if arrays is not None else ScriptArrays()
    net = replay_datasets(net, datasets, report)
    if wiring == "realised":
        net = realise(net, report, replay_inputs)
    replayed = poisson_counts(net, [i for i, x in net.inputs.items() if isinstance(x, PoissonInput)]) \
        if replay_inputs else {}
    used: set[str] = set()
    names = {nid: ident(nid, "P_", used) for nid in list(net.populations) + list(net.inputs)}
    body = [f"DT = {num(net.dt)}", f"DURATION = {num(net.duration)}", f"SEED = {net.seed}",
            "rng = np.random.default_rng(SEED)", "prng = NumpyRNG(seed=SEED)",
            'on_grid = {"spike_precision": "on_grid"} if SIMULATOR == "nest" else {}  # NEST: spikes on steps, as here',
            "sim.setup(timestep=DT, min_delay=DT, **on_grid)", ""]
    left_out: set[str] = set()
    net, described = standard_network(net, PYNN_CELLS, "PyNN")  # described models as the cells they match
    for pid, reason in described.items():
        report.problem(location("populations", pid), f"{reason}; left out")
        for proj in net.projections.values():
            if pid in (proj.source, proj.target):
                report.problem(location("projections", proj.id), "its source or target population is not exported")
                left_out.add(proj.id)
    cells = {pid: cell_type(net, pop, report) for pid, pop in net.populations.items() if pid not in described}
    if any(cell == "IF_curr_delta" for cell, _, _ in cells.values()):
        body[-1:-1] = [DELTA_V_MAP]
    for pid, pop in net.populations.items():
        if pid in described:
            continue
        cell, params, skipped = cells[pid]
        left_out |= skipped
        args = ", ".join(f"{k}={num(v)}" for k, v in params.items())
        body += [comment(f"Population {pid!r}: {pop.model}, {pop.size} neurons"),
                 f"{names[pid]} = sim.Population({pop.size}, sim.{cell}({args}), label={literal(pid)})",
                 *_initial(pop, names[pid], arrays), f'{names[pid]}.record("spikes")', ""]
    for item in net.inputs.values():
        if isinstance(item, DatasetInput):
            report.problem(location("inputs", item.id), dataset_input_reason(item))
            for proj in net.projections.values():
                if proj.source == item.id:
                    report.problem(location("projections", proj.id), "its source, a dataset input, is not exported")
                    left_out.add(proj.id)
            continue
        if item.id in replayed:
            body += _replayed_source(item, names[item.id], replayed[item.id], arrays, net, report)
        else:
            body += _input(net, item, names, report, arrays)
    for proj in net.projections.values():
        if proj.id not in left_out:
            body += _projection(net, proj, names, report, ident(proj.id, "J_", used), arrays)
    for rec in net.recorders.values():
        if rec.kind != "spikes":
            report.note(location("recorders", rec.id), f"{rec.kind} recorders are not exported (spikes only)")
    pops = ", ".join(f"({literal(pid)}, {names[pid]})" for pid in net.populations if pid not in described)
    if replayed:
        body += ['if SIMULATOR == "nest":  # exact: the first step\'s spikes too (see replay_directly)',
                 *(f"    replay_directly({names[i]}, counts_{names[i]}, DT)" for i in replayed), ""]
    body += ["sim.run(DURATION)", f"for pop_id, pop in [{pops}]:",
             "    spikes = sum(pop.get_spike_counts().values())",
             '    print(f"RATE {pop_id} {spikes / pop.size / (DURATION / 1000.0):.6f}")', "",
             SAVE_SPIKES.format(pops=pops), "sim.end()"]
    run = (f"Run it with: python script.py (needs PyNN 0.13 and the {simulator} backend; change SIMULATOR to "
           "run it on another). Units: nF, nA, uS, ms, mV (SpikeStudio's pF, pA, nS divided by 1000).")
    lines = header(net, report, run) + ["", "import importlib", "import sys", "", "import numpy as np",
                                        "from pyNN.random import NumpyRNG, RandomDistribution", "",
                                        f"SIMULATOR = {literal(simulator)}  # nest, neuron, brian2 or mock",
                                        'sim = importlib.import_module("pyNN." + SIMULATOR)', HELPERS,
                                        *([REPLAY_HELPER] if replayed else []),
                                        *([STEP_TRAINS] if any(isinstance(x, SpikeTimesInput)
                                                               for x in net.inputs.values()) else []), *body]
    return "\n".join(lines) + "\n", report


# PyNN 0.13's IF_curr_delta on NEST lacks the map from v to NEST's V_m, so initialize(v=...) is dropped with a
# warning and every neuron starts at iaf_psc_delta's default, -70 mV (Brunel then ran 2 % slow over a second).
DELTA_V_MAP = """if SIMULATOR == "nest" and not hasattr(sim.IF_curr_delta, "variable_map"):  # else v is dropped
    sim.IF_curr_delta.variable_map = {"v": "V_m"}"""


STEP_TRAINS = '''
def step_trains(steps, neurons, size, dt):
    """Each neuron's spike times from (step, neuron) pairs. NEST stamps a spike of step s at (s + 1) dt; a hair
    before it, as PyNN subtracts its parrots' delay and NEST moves a time a rounding error above a grid point to
    the next step (a spike of step 0 cannot be sent there). Other simulators get s dt."""
    from pyNN.parameters import Sequence

    if SIMULATOR == "nest":
        keep = steps > 0
        steps, neurons, stamp = steps[keep], neurons[keep], dt - 1e-6
    else:
        stamp = 0.0
    return [Sequence(np.sort(steps[neurons == j]) * dt + stamp) for j in range(size)]
'''


REPLAY_HELPER = '''
def replayed_times(counts, dt):
    """Each neuron's spike times from spikes per step: step s at (s + 1) dt, repeated once per spike.

    A hair before the grid point: PyNN subtracts its parrots' delay, and NEST moves a time that lands a rounding
    error above a grid point to the next step."""
    from pyNN.parameters import Sequence

    steps = np.arange(1, counts.shape[0])  # the first step's spikes cannot pass PyNN's parrots (see replay_directly)
    return [Sequence(np.round(np.repeat(steps + 1, counts[1:, j]) * dt, 9) - 1e-6) for j in range(counts.shape[1])]


def replay_directly(pop, counts, dt):
    """NEST: a replayed source's spike generators drive its targets themselves, each spike of step s stamped
    (s + 1) dt (a hair before, as NEST moves a time a rounding error above a grid point to the next step), through
    the synapses PyNN made from its parrot neurons, which stay silent."""
    import nest

    pop._deferred_parrot_connections = False  # PyNN would connect the generators to the parrots at run time
    gens = pop.node_collection_source
    steps = np.arange(1, counts.shape[0] + 1)
    nest.SetStatus(gens, [{"spike_times": np.round(np.repeat(steps, counts[:, j]) * dt, 9) - 1e-6}
                          for j in range(counts.shape[1])])
    conns = nest.GetConnections(source=pop.node_collection)
    if len(conns) == 0:
        return
    parrots, sources = np.array(pop.node_collection.tolist()), np.array(gens.tolist())
    got = conns.get(["source", "target", "weight", "delay", "receptor", "synapse_model"])
    for model in set(got["synapse_model"]):
        mine = np.array(got["synapse_model"]) == model
        pick = lambda key: np.asarray(got[key])[mine]  # noqa: E731
        nest.Connect(sources[np.searchsorted(parrots, pick("source"))], pick("target"), "one_to_one",
                     {"synapse_model": model, "weight": pick("weight"), "delay": pick("delay"),
                      "receptor_type": int(pick("receptor")[0])})
'''


SAVE_SPIKES = """if len(sys.argv) > 1:  # python script.py SPIKES.npz: each population's spike steps and neuron ids
    stamp = 1 if SIMULATOR == "nest" else 0  # NEST stamps a spike at the end of its step, SpikeStudio at the start
    arrays = {{}}
    for pop_id, pop in [{pops}]:
        trains = pop.get_data("spikes", clear=False).segments[0].spiketrains
        steps = [np.rint(np.asarray(st.magnitude) / DT).astype(np.int64) - stamp for st in trains]
        arrays[pop_id + ".steps"] = np.concatenate(steps) if steps else np.zeros(0, np.int64)
        arrays[pop_id + ".ids"] = np.repeat(np.arange(len(steps)), [len(x) for x in steps]).astype(np.int64)
    np.savez(sys.argv[1], **arrays)
"""


def _initial(pop, name: str, arrays: ScriptArrays) -> list[str]:
    """Initial state drawn with numpy as SpikeStudio's defaults (Izhikevich u = b v)."""
    draws = {var: initial_values(d, pop.size, arrays) for var, d in pop.initial.items()}
    if pop.model in ("lif", "lif_adaptive", "adex"):
        draws.setdefault("v", num(pop.params["E_L"]))  # SpikeStudio starts at rest (PyNN's default is -65 mV)
    if pop.model == "izhikevich":
        v = draws.get("v", f"np.full({pop.size}, -65.0)")
        return [f"v0 = {v}", f"{name}.initialize(v=v0, u={draws.get('u', num(pop.params['b']) + ' * v0')})"]
    if pop.model == "hh":
        draws.setdefault("v", "-65.0")
        draws = {"v": draws["v"]}
    state = {"v": "v", "w": "w"}
    scale = {"w": " / 1000"}  # pA -> nA
    args = ", ".join(f"{state[var]}={value}{scale.get(var, '')}" for var, value in draws.items() if var in state)
    return [f"{name}.initialize({args})"] if args else []


def _replayed_source(item, name: str, counts: np.ndarray, arrays: ScriptArrays, net: Network,
                     report: ExportReport) -> list[str]:
    """SpikeStudio's spikes of a Poisson source as a ``SpikeSourceArray``: a spike of step s is stamped
    (s + 1) dt, as NEST stamps a neuron's spike at the end of its step, once per spike of that step.

    PyNN sends such spikes through parrot neurons one step later, so a spike of the first step would have to leave
    its generator at time 0: on NEST the script connects the generators straight to the targets instead
    (``replay_directly``); on other backends those spikes are dropped, and the report says how many."""
    n_steps = int(round(net.duration / net.dt))
    first = int(counts[0].sum()) if counts.size else 0
    if first:
        report.note(location("inputs", item.id), f"replayed exactly on NEST; on other backends except its {first} "
                    "spikes of the first step (PyNN's spike sources would have to emit them at time 0)")
    return [comment(f"Poisson source {item.id!r}: SpikeStudio's spikes (replayed)"),
            f"counts_{name} = {arrays.literal(counts, 'np.uint8')}.reshape({n_steps}, {item.size})  # spikes per "
            "step and neuron",
            f"{name} = sim.Population({item.size}, sim.SpikeSourceArray(spike_times=replayed_times(counts_{name}, "
            f"DT)), label={literal(item.id)})", ""]


def _input(net: Network, item, names: dict, report: ExportReport, arrays: ScriptArrays) -> list[str]:
    name = names[item.id]
    if isinstance(item, RewardInput):
        report.reward_node(item.id)
        return []
    if isinstance(item, PoissonInput):
        rate = array_literal(item.rates, "float") if item.rates is not None else num(item.rate)
        return [f"{name} = sim.Population({item.size}, sim.SpikeSourcePoisson(rate={rate}),"
                f" label={literal(item.id)})",
                'if SIMULATOR == "nest":  # PyNN starts NEST\'s generators at 1 ms (origin 1.0); SpikeStudio\'s at 0',
                f"    {name}.node_collection_source.origin = 0.0", ""]
    if isinstance(item, SpikeTimesInput):
        steps = np.rint(item.times / net.dt).astype(np.int64)
        pairs = np.unique(np.stack([steps, item.neurons]), axis=1) if steps.size else np.zeros((2, 0), np.int64)
        first = int(np.sum(pairs[0] == 0))
        if first:
            report.note(location("inputs", item.id), f"its {first} spikes at time 0 are not sent on NEST (PyNN's "
                        "spike sources would have to emit them before time 0)")
        return [comment(f"Spike times {item.id!r} (rounded to whole steps, as SpikeStudio does)"),
                f"{name} = sim.Population({item.size}, sim.SpikeSourceArray(spike_times=step_trains("
                f"{arrays.literal(pairs[0], 'np.int64')}, {arrays.literal(pairs[1], 'np.int64')}, {item.size}, DT)),"
                f" label={literal(item.id)})", ""]
    p, target, where = item.params, names[item.target], location("inputs", item.id)
    if item.waveform == "dc":
        source = f"sim.DCSource(amplitude={num(p['amplitude'] / 1000)})"
    elif item.waveform == "step":
        source = (f"sim.DCSource(amplitude={num(p['amplitude'] / 1000)}, start={num(p['start'])}, "
                  f"stop={num(p['stop'])})")
    elif item.waveform == "ramp":
        a0, a1, t0, t1 = (num(p[k]) for k in ("amplitude_start", "amplitude_end", "start", "stop"))
        source = (f"sim.StepCurrentSource(times=np.append(np.arange({t0}, {t1}, DT), {t1}) + 1e-9,"
                  f" amplitudes=np.append(({a0} + ({a1} - {a0}) * (np.arange({t0}, {t1}, DT) - {t0})"
                  f" / ({t1} - {t0})) / 1000, 0.0))")
        report.note(where, "the ramp is a staircase of one step per dt (StepCurrentSource)")
    elif item.waveform == "sine":
        source = (f"sim.ACSource(amplitude={num(p['amplitude'] / 1000)}, offset={num(p['offset'] / 1000)}, "
                  f"frequency={num(p['frequency'])}, phase={num(p['phase'])}, start=0.0, stop=DURATION)")
    else:
        source = (f"sim.NoisyCurrentSource(mean={num(p['mean'] / 1000)}, "
                  f"stdev={num(white_noise_std(p['std'], p['tau'], net.dt) / 1000)}, dt=DT)")
        report.note(where, "OU noise becomes NoisyCurrentSource: a new value every step whose diffusion "
                           "(std^2 dt = 2 sigma^2 tau) is the OU process's; its correlation over tau is lost")
    return [comment(f"Current input {item.id!r} into {item.target!r} (nA)"), f"{source}.inject_into({target})", ""]


def white_noise_std(sigma: float, tau: float, dt: float) -> float:
    """The std of a current resampled every ``dt`` that diffuses as an OU current (std sigma, time constant tau).

    Over times long against tau an OU current's integral has variance 2 sigma^2 tau per ms; values held for dt
    give std^2 dt. Holding sigma itself for tau, as before, gave sigma^2 tau: half the diffusion.
    """
    return sigma * float(np.sqrt(2.0 * tau / dt))


def _value(dist: Distribution, scale: float, where: str, report: ExportReport) -> str | None:
    """A constant or a ``RandomDistribution`` for weights or delays, times ``scale`` (negative: inhibitory
    current weights, which PyNN wants negative); None when PyNN cannot express it."""
    value = constant_value(dist)
    if value is not None:
        return num(value * scale)
    lo, hi = dist.min, dist.max
    bounds = sorted(((lo if lo is not None else -np.inf) * scale, (hi if hi is not None else np.inf) * scale))
    if dist.kind == "normal" and (lo is not None or hi is not None):
        return (f"RandomDistribution(\"normal_clipped\", mu={num(dist.mean * scale)}, "
                f"sigma={num(dist.std * abs(scale))}, low={num(bounds[0])}, high={num(bounds[1])}, rng=prng)")
    if lo is not None or hi is not None:
        report.note(where, f"the clipping of the {dist.kind} distribution to [{lo}, {hi}] is not exported")
    if dist.kind == "lognormal":
        if scale < 0:
            report.problem(where, "inhibitory current weights must be negative in PyNN; a negated lognormal "
                           "is not a PyNN distribution")
            return None
        s2 = np.log1p((dist.std / dist.mean) ** 2)
        mu = np.log(dist.mean * scale) - 0.5 * s2
        return f"RandomDistribution(\"lognormal\", mu={num(mu)}, sigma={num(np.sqrt(s2))}, rng=prng)"
    if dist.kind == "uniform":
        low, high = sorted((dist.low * scale, dist.high * scale))
        return f"RandomDistribution(\"uniform\", low={num(low)}, high={num(high)}, rng=prng)"
    return f"RandomDistribution(\"normal\", mu={num(dist.mean * scale)}, sigma={num(dist.std * abs(scale))}, rng=prng)"


def _projection(net: Network, proj, names: dict, report: ExportReport, name: str, arrays: ScriptArrays) -> list[str]:
    where, syn = location("projections", proj.id), proj.synapse
    if proj.plasticity is not None:
        report.problem(where, f"plasticity ({proj.plasticity.rule}) is not exported")
        return []
    if proj.rule not in CONNECTORS:
        report.problem(where, f"the {proj.rule} rule has no PyNN connector here")
        return []
    if syn.kind in ("graded", "gap"):
        report.problem(where, f"{syn.kind} synapses (currents between membrane voltages, no spikes) have no PyNN "
                              "synapse type; left out")
        return []
    scale = 1e-3  # pA -> nA, nS -> uS; delta onto Izhikevich: mV / 1000 (NEST reads its nA x 1000 as mV)
    if syn.kind == "delta" and net.populations[proj.target].model != "izhikevich":
        scale = 1.0  # IF_curr_delta: mV (PyNN undoes its nA scaling for iaf_psc_delta)
    if syn.kind != "conductance" and syn.receptor == "inhibitory":
        scale = -scale  # PyNN wants negative weights for current-based inhibitory synapses
    allow = "" if proj.rule == "one_to_one" else f"allow_self_connections={not skips_autapses(proj)}, "
    params = proj.rule_params
    if proj.rule == "explicit":
        cols = ["weight"] * (proj.weights is not None) + ["delay"] * (proj.delays is not None)
        rows = [proj.pre, proj.post] + ([proj.weights * scale] if proj.weights is not None else [])
        rows += [np.maximum(np.rint(proj.delays / net.dt), 1) * net.dt] if proj.delays is not None else []
        data = ", ".join(arrays.literal(np.asarray(r, float), "float") for r in rows)
        connector = f"sim.FromListConnector(np.column_stack([{data}]), column_names={cols!r})"
    elif proj.rule == "fixed_probability":
        connector = f"sim.FixedProbabilityConnector({num(params['p'])}, {allow}rng=prng)"
    elif proj.rule in ("fixed_indegree", "fixed_outdegree"):
        connector = f"sim.{CONNECTORS[proj.rule]}({int(params['k'])}, {allow}rng=prng)"
    elif proj.rule == "fixed_total":
        pairs = net.node(proj.source).size * (net.node(proj.target).size - skips_autapses(proj))
        connector = (f"sim.FixedTotalNumberConnector({int(params['n'])}, {allow}"
                     f"with_replacement={int(params['n']) > pairs or bool(params.get('multapses', 0))}, rng=prng)")
    else:
        connector = f"sim.{CONNECTORS[proj.rule]}({allow.rstrip(', ')})"
    weight = _value(proj.weight, scale, where, report)
    if weight is None:
        return []
    d_const = constant_value(proj.delay)
    delay = num(round(delay_steps(d_const, net.dt) * net.dt, 9)) if d_const is not None else \
        _value(proj.delay, 1.0, where, report)
    if d_const is None:
        report.note(where, "random delays are rounded to steps by the backend, not clipped below one step")
    synapse = f"sim.StaticSynapse(weight={weight}, delay={delay})"
    return [comment(f"Projection {proj.id!r}: {proj.rule}, {syn.kind} {syn.receptor} synapses"),
            f"{name} = sim.Projection({names[proj.source]}, {names[proj.target]}, {connector},",
            f"    {synapse}, receptor_type={literal(syn.receptor)}, label={literal(proj.id)})", ""]
