"""Turn a network description into the flat arrays the kernel runs on (nodes, channels, CSR synapses).

Describe -> build -> run: the description holds no arrays; this module validates it, refuses what
will not fit in memory before allocating, wires projections, draws weights, delays and initial
states from seeded streams, and records which slice of the arrays belongs to which node.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from ..equations.initial import initial_state
from ..equations.layout import ModelLayout, layout_of
from ..equations.loader import generated_entry
from ..equations.rule_loader import generated_rules_entry
from ..errors import BuildCancelledError, BuildError
from ..kernels import kernel as K
from ..kernels.aligned import aligned_copy, aligned_zeros
from ..kernels.parallel import PARALLEL_NEURONS, PARALLEL_SYNAPSES, SORTED_ROWS, SPIKE_BLOCK, region_least
from ..kernels.rng import counter_key, seed_state
from ..model.catalog import (
    CURRENT_CODES,
    GENERATED_BUILTINS,
    MAX_DELAY,
    NEURON_MODELS,
    SYNAPSE_CODES,
    builtin_description,
)
from ..model.network import CurrentInput, DatasetInput, Network, PoissonInput, Population, SpikeTimesInput
from ..model.params import check_params, fill_params
from ..model.receptors import acting_synapse
from ..model.reward import reward_ids
from ..model.synapse_kinds import channel_decays
from ..units import format_bytes
from .connectivity import connect_with_order, draw_values, expected_synapse_count, largest_value, projection_seed
from .dataset_input import dataset_inputs, resolve_datasets
from .described_rules import RuleSlots, described_problem, described_spec, description_of, with_carried_rules
from .fusion import fuse
from .graded import graded_table, is_graded
from .plasticity import RuleSpec, checked_spec, empty_tables, plastic_tables
from .reward_tables import empty_reward_tables, reward_tables

__all__ = ["Built", "build", "build_problems", "derive_params", "hand_written_kernels", "generated_builtins",
           "builtin_layout",
           "draw_synapses", "estimate_memory", "memory_parts",
           "trace_columns", "available_memory", "initial_values"]

SYNAPSE_BYTES = 4 + 8 + 4  # target index (int32), weight (float64), delay (int32)
# temporaries per synapse of the projection being wired: drawn pair indices (int64) and their source and target
# split, the weights' and delays' draws (float64) before the delays become int32 steps
WIRING_BYTES = 40
NEURON_BYTES = 2 * (8 + 8 + 4 + 8) + 8  # current, rate, refractory, counts, twice (reset copy); parallel spikes
STATE_ROW_BYTES = 2 * 8  # one state variable of one neuron, and its reset copy
# per given spike while the table is built: steps, sort keys and their sorted copy, the kept (step, neuron)
# pair and the concatenation of every input's pairs
SPIKE_TABLE_BYTES = 6 * 8
SPIKE_BUFFER = 262_144  # recorded spikes held (at least) before a chunk returns to Python
MAX_POISSON_MEAN = 700.0  # exp(-rate * dt) underflows beyond ~745 spikes per step


@dataclass
class NodeInfo:
    """Where a spiking node lives in the flat arrays."""

    id: str
    name: str
    index: int
    start: int
    size: int
    code: int
    kind: str  # model id, "poisson", "spike_times" or "dataset"
    item: object = field(repr=False, default=None)  # the description's Population or spiking input
    state_vars: tuple[str, ...] = ()  # a population's state variables, in the kernel's row order


@dataclass
class Built:
    """A built network: the kernel's arrays plus the maps from ids to slices."""

    state: K.State
    nodes: dict[str, NodeInfo]
    synapses: dict[str, slice]  # projection id -> its synapses in post/weight/delay
    traces: dict[str, list[int]]  # state recorder id -> its columns in the trace buffer
    rate_recorders: dict[str, tuple[int, float]]  # recorder id -> (node index, bin ms)
    spike_recorded: list[str]
    chunk_steps: int
    initial: K.State = field(repr=False, default=None)
    presented: dict = field(default_factory=dict)  # dataset input id -> (labels, onsets in ms) of its samples
    custom: dict[str, ModelLayout] = field(default_factory=dict)  # custom model id -> its layout, by slot order
    # the built-ins run by the hand-written kernels (``hand_written_kernels``): their parameter rows and loop variant
    hand_written: bool = False
    rules: list = field(default_factory=list)  # the layouts of the described learning rules, by slot order
    graded: dict[str, slice] = field(default_factory=dict)  # graded/gap projection id -> its rows in gr_idx, gr_val
    # the most threads a run may take (None: every core): sets the threads gate before the custom models' entry is
    # made, so a run that never goes parallel writes and imports only the entry without the parallel region
    most_threads: int | None = None
    gates: K.Gates = field(init=False)  # which parts of the time loop this network compiles

    def __post_init__(self):
        gates = K.Gates.of(self.state)
        if self.most_threads is not None:
            gates = gates._replace(threads=K.threads_gate(self.state, self.most_threads))
        if gates.custom:  # the loop calls the custom models' entry, compiled apart from it
            gates = gates._replace(custom=self._entry(gates))
        if gates.rules:  # and its learning rules' entry likewise: one loop serves every rule set
            gates = gates._replace(rules=generated_rules_entry(self.rules, K.rules_signature(self.state)))
        self.gates = gates

    def set_threads(self, threads: bool | None) -> K.Gates:
        """Set the loop's threads gate (``kernel.threads_gate``) and the custom models' entry to match: under None,
        their entry without the threads' parallel region (``loader.generated_entry``)."""
        if self.gates.threads is not threads:
            gates = self.gates._replace(threads=threads)
            self.gates = gates._replace(custom=self._entry(gates)) if gates.custom is not None else gates
        return self.gates

    def _entry(self, gates: K.Gates):
        """The custom models' entry the loop calls (compiled apart from it) for these gates."""
        return generated_entry(list(self.custom.values()), K.update_signature(self.state), bool(gates.currents),
                               self._conductance_slots(), gates.threads)

    @property
    def loop(self):
        """The compiled time loop for this network: the plain one, or the hand-written kernels' reference."""
        return K.run_chunk_with(self.hand_written)

    def _conductance_slots(self) -> set[int]:
        """The custom-model slots whose nodes receive conductance synapses (they need the per-neuron path)."""
        s = self.state
        return {int(code) - K.CUSTOM for node, code in enumerate(s.node_code) if code >= K.CUSTOM
                and (s.chan[s.node_chan[node]: s.node_chan[node + 1], K.CH_KIND] == K.CONDUCTANCE).any()}

    def layout_of_code(self, code: int) -> ModelLayout | None:
        """The layout of a node code's parameter row: a custom model's, a built-in's description's (the generated
        updates read those rows), or None for the hand-written kernels' rows (``derive_params``) and sources."""
        if code >= K.CUSTOM:
            return list(self.custom.values())[code - K.CUSTOM]
        return builtin_layout(code) if code in _BUILTIN_IDS and not self.hand_written else None


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable), or physical memory where that is unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def estimate_memory(net: Network, chunk_steps: int = 2000) -> tuple[int, int]:
    """(expected synapses, estimated peak bytes while building) computed without allocating (see ``memory_parts``)."""
    nodes = net.spiking_nodes()
    n_syn = sum(_expected_synapses(net, p, nodes) for p in net.projections.values())
    return n_syn, sum(memory_parts(net, chunk_steps).values())


def memory_parts(net: Network, chunk_steps: int = 2000) -> dict[str, int]:
    """Estimated bytes of each array group the build allocates, named for a user, computed without allocating.

    Covers the synapse arrays with the temporaries of wiring them (per projection), per-neuron state and its
    reset copy, the synaptic channels and the delay ring buffer (sized from the largest delay each delay
    distribution gives) with their reset copies, plasticity state (traces, short-term state, eligibilities,
    the weights' reset copy), the spike buffers (Poisson inputs may emit many spikes per step) and the
    recording buffers of one chunk (spikes, per-node counts, membrane traces).
    """
    nodes = net.spiking_nodes()
    counts = {p.id: _expected_synapses(net, p, nodes) for p in net.projections.values()}
    parts = {f'synapses of projections["{pid}"]': n * SYNAPSE_BYTES for pid, n in counts.items()}
    if counts:  # projections are wired one at a time, then joined piece by piece (``_wire``)
        largest = max(counts, key=counts.get)
        parts[f'wiring temporaries (the largest projection, projections["{largest}"])'] = (
            counts[largest] * (WIRING_BYTES + SYNAPSE_BYTES))
    n_neurons = sum(n.size for n in nodes.values())
    slots = sum(nodes[key[0]].size for key in {_channel_key(p, net) for p in net.projections.values()})
    rows = max([4] + [len(net.models[p.model].state_names()) for p in net.populations.values()
                      if p.model in net.models])  # as _initial_state (built-ins have at most 4)
    parts["neuron state"] = n_neurons * (NEURON_BYTES + rows * STATE_ROW_BYTES)
    parts["synaptic channels"] = slots * 8 * 2
    steps, longest = max(((_largest_delay_steps(p, net.dt), p.id) for p in net.projections.values()),
                         default=(1, ""))
    if steps > 1:
        parts[f'delay buffer ({steps + 1:,} steps for the delays of projections["{longest}"] x {slots:,} '
              'synaptic slots, and its reset copy)'] = (steps + 1) * slots * 8 * 2
    plastic = [p for p in net.projections.values() if p.plasticity is not None]
    if plastic:
        n_syn = sum(counts.values())
        parts["plasticity state"] = n_syn * (4 + 8) + sum(
            counts[p.id] * (8 + 16) + nodes[p.target].size * 8
            + (nodes[p.source].size + nodes[p.target].size) * 2 * 8 * 2 + nodes[p.source].size * 4 * 8 * 2
            for p in plastic)
    spikes_per_step = n_neurons + sum((_poisson_cap_of(i, net.dt) - 1) * i.size for i in net.inputs.values()
                                      if isinstance(i, PoissonInput))
    parts["spike buffers"] = 8 * spikes_per_step + 2 * 8 * recorder_capacity(spikes_per_step)
    n_traced = sum(len(r.neurons) for r in net.recorders.values() if r.kind == "state")
    parts["recording buffers (one chunk)"] = 8 * chunk_steps * (len(nodes) + n_traced)
    given = sum(int(np.size(i.times)) for i in net.inputs.values() if isinstance(i, SpikeTimesInput))
    if given:  # a file may name one array for many inputs: each input's spikes are still sorted and kept apart
        parts["spike tables of spike-time inputs"] = given * SPIKE_TABLE_BYTES
    return parts


def _expected_synapses(net: Network, proj, nodes: dict) -> int:
    src, tgt = nodes[proj.source], nodes[proj.target]
    return expected_synapse_count(proj, src.size, tgt.size, getattr(src, "grid", None), tgt.grid)


def _largest_delay_steps(proj, dt: float) -> int:
    """The longest delay of a projection in whole steps, as ``draw_synapses`` rounds and clips it."""
    if proj.delays is not None:
        top = float(np.max(proj.delays)) if np.size(proj.delays) else 0.0
    else:
        top = largest_value(proj.delay)
    return max(1, int(np.rint(min(top, MAX_DELAY) / dt)))


def _poisson_cap_of(item: PoissonInput, dt: float) -> int:
    rate = float(np.max(item.rates)) if item.rates is not None and item.rates.size else item.rate
    return poisson_cap(min(rate * dt * 1e-3, MAX_POISSON_MEAN))


def build(net: Network, rules=None, chunk_steps: int = 2000, memory_limit: int | None = None,
          record_all: bool = False, datasets=None, cancel=None, progress=None, threads: int | None = None) -> Built:
    """Validate and build ``net``; ``rules`` maps learning-rule ids to plugin implementations, ``datasets``
    turns dataset inputs into spikes (see ``dataset_input``). ``cancel`` (a ``threading.Event``) set by another
    thread stops the build with ``BuildCancelledError`` at the next plugin call or stage (a plugin may be slow),
    between projections too. ``progress(synapses drawn, synapses expected, projection id)`` is called before and
    after each projection is wired (on the building thread), so a large network can show how far it has got.
    ``threads``: the most threads a run will take (None: every core), so only the entries it needs are made."""
    net.check()
    rules = with_carried_rules(net, rules)
    problems = build_problems(net, rules, memory_limit, chunk_steps, datasets, cancel)
    if problems:
        raise BuildError("\n".join(problems))
    try:
        return _allocate(net, rules, chunk_steps, memory_limit, record_all, datasets, cancel, progress, threads)
    except MemoryError as exc:  # the estimate passed, but the memory was gone by the time it was needed
        raise BuildError(f"out of memory while building the network ({exc or 'MemoryError'}): it needs about "
                         f"{format_bytes(estimate_memory(net, chunk_steps)[1])} and "
                         f"{format_bytes(available_memory())} is available now; close other programs or "
                         "reduce sizes, connection density or the longest delay") from None


def _allocate(net: Network, rules, chunk_steps: int, memory_limit: int | None, record_all: bool,
              datasets, cancel, progress=None, threads: int | None = None) -> Built:
    """The arrays of a network ``build`` has checked."""
    _check_cancel(cancel)
    shown = resolve_datasets(net, datasets)
    custom = custom_layouts(net)
    hand_written = _HAND_WRITTEN[-1]
    nodes = _node_table(net, custom)
    chans = _channel_table(net, nodes)
    rng_init = _initial_rngs(net, nodes)
    n_total = sum(n.size for n in nodes.values())
    n_poisson = sum(n.size for n in nodes.values() if n.code == K.POISSON)
    rates = _rates(net, nodes, n_total)
    cap = poisson_cap(float(rates.max(initial=0.0)) * net.dt * 1e-3)
    syn_arrays, synapses = _wire(net, nodes, chans, _cancellable(progress, cancel))
    _check_cancel(cancel)
    plastic, rule_slots = _plastic_tables(net, nodes, syn_arrays, rules, cancel)
    sorted_rows = syn_arrays.pop("proj_sorted") & (plastic["proj_stp"] == -1)
    gr_idx, gr_val, graded = graded_table(net, nodes, syn_arrays.pop("graded"))
    sources = np.array([n.code for n in nodes.values()], np.int64)[syn_arrays["proj_src"]]
    plastic["proj_stp"][sorted_rows & ((sources == K.LIF) | (sources == K.POISSON))] = SORTED_ROWS
    _check_cancel(cancel)
    delay_depth = int(syn_arrays["delay"].max(initial=1)) + 1 if np.any(syn_arrays["delay"] > 1) else 0
    n_slots = int(chans["off"][-1])
    _check_ring(delay_depth, n_slots, memory_limit)
    traces, tr = _trace_table(net, nodes)
    spike_recorded = [r.target for r in net.recorders.values() if r.kind == "spikes"]
    if record_all:
        spike_recorded = list(nodes)
    st = _spike_time_table(net, nodes, shown)
    cur = _current_table(net, nodes)
    width = max([K.N_PARAM] + [layout.width for layout in custom.values()]
                + [builtin_layout(code).width for code in _BUILTIN_IDS])
    node_params = np.zeros((len(nodes), width))
    for info in nodes.values():
        item = info.item
        layout = custom.get(item.model) if isinstance(item, Population) else None
        if isinstance(item, Population) and layout is None and info.code in _BUILTIN_IDS and not hand_written:
            layout = builtin_layout(info.code)  # the generated updates read their description's rows
        if layout is not None:
            node_params[info.index, : layout.n_params] = layout.engine_params(item.params)
            layout.derive(node_params[info.index], net.dt)
        elif isinstance(item, Population):
            specs = NEURON_MODELS[item.model].params
            node_params[info.index, : len(specs)] = [item.params[name] for name in specs]
            derive_params(info.code, node_params[info.index], net.dt)
    state = K.State(
        dt=float(net.dt),
        poisson_cap=cap,
        node_code=np.array([n.code for n in nodes.values()], np.int64),
        node_start=np.array([n.start for n in nodes.values()] + [n_total], np.int64),
        node_params=node_params,
        node_chan=chans["node_chan"],
        node_record=np.array([int(n in spike_recorded) for n in nodes], np.int64),
        state=aligned_copy(_initial_state(net, nodes, rng_init, n_total)),
        refractory=aligned_zeros(n_total, np.int32),
        i_ext=aligned_zeros(n_total),
        scratch=aligned_zeros(max([n.size for n in nodes.values()] + [1])),
        poisson_l=poisson_limits(rates, net.dt),
        chan=_channel_array(chans, net.dt, syn_arrays, synapses, net),
        chan_off=chans["off"],
        syn=aligned_zeros(n_slots),
        ring=aligned_zeros((delay_depth, n_slots)),
        proj_src=syn_arrays["proj_src"],
        proj_chan=syn_arrays["proj_chan"],
        proj_row=syn_arrays["proj_row"],
        proj_w=syn_arrays["proj_w"],
        proj_d=syn_arrays["proj_d"],
        rowptr=syn_arrays["rowptr"],
        post=syn_arrays["post"],
        weight=syn_arrays["weight"],
        delay=syn_arrays["delay"],
        st_step=st[0], st_neuron=st[1], st_bounds=st[2], st_ptr=st[2][:-1].copy(),
        cur_node=cur[0], cur_code=cur[1], cur_params=cur[2], cur_off=cur[3], ou=_ou_start(net, nodes, cur[4]),
        rng_state=seed_state(net.seed),
        spikes_now=np.zeros(max(n_total + (cap - 1) * n_poisson, 1), np.int64),
        node_spk=np.zeros(len(nodes) + 1, np.int64),
        spikes_prev=np.zeros(max(n_total + (cap - 1) * n_poisson, 1), np.int64),
        node_spk_prev=np.zeros(len(nodes) + 1, np.int64),
        spike_count=np.zeros(n_total, np.int64),
        rec_step=np.zeros(recorder_capacity(n_total + (cap - 1) * n_poisson), np.int64),
        rec_id=np.zeros(recorder_capacity(n_total + (cap - 1) * n_poisson), np.int64),
        node_counts=np.zeros((chunk_steps, len(nodes)), np.int64),
        tr_var=tr[0], tr_neuron=tr[1], tr_node=tr[2], tr_every=tr[3],
        tr_buf=np.zeros((chunk_steps, len(tr[0]))),
        tr_count=np.zeros(len(tr[0]), np.int64),
        counters=np.array([0, -1, -1, -1], np.int64),
        par=np.array([1, region_least([n.size for n in nodes.values() if n.code == K.LIF]), PARALLEL_SYNAPSES,
                      counter_key(net.seed) if n_poisson >= PARALLEL_NEURONS else 0], np.int64),
        block_above=np.zeros(n_total // SPIKE_BLOCK + len(nodes) + 1, np.int64),  # see parallel.lif_nodes
        block_spikes=np.zeros(max(n_total, 1), np.int64),
        gr_idx=gr_idx,
        gr_val=gr_val,
        **plastic,
    )
    update_propagators(state, custom, hand_written)
    rates = {r.id: (nodes[r.target].index, float(r.bin)) for r in net.recorders.values() if r.kind == "rate"}
    fuse(state, {nodes[n].index for n in spike_recorded} | {node for node, _ in rates.values()})
    built = Built(state, nodes, synapses, traces, rates, spike_recorded, chunk_steps,
                  presented={nid: (s.labels, s.onsets) for nid, s in shown.items()}, custom=custom,
                  rules=list(rule_slots.layouts.values()), hand_written=hand_written, graded=graded,
                  most_threads=threads)
    built.initial = _copy_state(state)
    return built


# Kernel arrays that start all zeros: their reset copy is one zero that a reset broadcasts, not a second buffer
# (the delay ring can be the largest array of all, and the memory checks count it once).
_ZERO_AT_START = ("ring",)


def _copy_state(state: K.State) -> K.State:
    """A copy of what the kernel changes; the rest (synapses, tables) is shared, so a reset costs no extra memory."""
    return state._replace(**{name: np.zeros((), getattr(state, name).dtype) if name in _ZERO_AT_START
                             else getattr(state, name).copy() for name in K.mutable_fields(state)})


def build_problems(net: Network, rules=None, memory_limit: int | None = None, chunk_steps: int = 2000,
                   datasets=None, cancel=None) -> list[str]:
    """What would stop ``build`` on this machine, found without allocating (for ``spikestudio validate`` too).

    ``net`` must be valid (``net.validate()`` empty): missing learning rules, missing dataset plugins (when
    ``datasets`` can tell, through its ``problems(item)``), Poisson rates too high to sample, and a network too
    big for the memory available. ``cancel``: as for ``build`` (the rules' plugins are asked here too).
    """
    problems = _plasticity_problems(net, with_carried_rules(net, rules), cancel)
    if datasets is not None and hasattr(datasets, "problems"):
        problems += [p for item in dataset_inputs(net) for p in datasets.problems(item)]
    try:
        problems += _memory_problems(net, memory_limit, chunk_steps)
    except BuildError as exc:  # a Poisson rate too high to sample at this dt
        problems.append(str(exc))
    return problems


def _plasticity_problems(net: Network, rules, cancel=None) -> list[str]:
    """Rules nobody provides, parameters the rule's plugin refuses and what it makes of them, each named by
    projection."""
    problems = []
    for proj in net.projections.values():
        if proj.plasticity is None:
            continue
        _check_cancel(cancel)
        where = f'projections["{proj.id}"].plasticity'
        if rules is None or proj.plasticity.rule not in rules:
            problems.append(f'{where}.rule: no installed plugin provides the learning rule "{proj.plasticity.rule}"')
            continue
        try:
            info = rules[proj.plasticity.rule].info
            params = proj.plasticity.params
            numbers = {k: v for k, v in params.items() if k not in info.text_params}
            found = [str(p) for p in check_params(info.params, numbers, f"{where}.params")]
            found += [f"{where}.params.{name}: missing ({text[0].lower()}{text[1:]})"
                      for name, text in info.text_params.items() if name not in params]
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a third party's object: anything may go wrong reading it
            found = [f'{where}: the learning rule plugin "{proj.plasticity.rule}" has no usable info: '
                     f"{type(exc).__name__}: {exc}"]
        desc = description_of(rules[proj.plasticity.rule], params) if not found else None
        if desc is not None:  # a described rule: its equations must have a finite step with these parameters
            found += [p for p in [described_problem(where, proj.plasticity.rule, desc, proj.plasticity.params,
                                                    float(net.dt))] if p]
        elif not found:  # what the plugin makes of valid parameters: the kernel cannot check it
            try:
                _rule_spec(proj, rules[proj.plasticity.rule], float(net.dt))
            except BuildError as exc:
                found.append(str(exc))
        problems += found
    return problems


def _rule_spec(proj, plugin, dt: float) -> RuleSpec:
    """The plugin's rule for ``proj``, checked; a ``BuildError`` names the projection and the plugin."""
    where = f'projections["{proj.id}"].plasticity: the learning rule plugin "{proj.plasticity.rule}"'
    try:
        spec = plugin.engine_part(fill_params(plugin.info.params, proj.plasticity.params), dt)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a third-party plugin's bug (SystemExit too): name it, never crash the app
        raise BuildError(f"{where} failed: {type(exc).__name__}: {exc}") from exc
    try:
        return checked_spec(spec)
    except ValueError as exc:
        raise BuildError(f"{where} returned {exc}") from None


def _cancellable(progress, cancel):
    """``progress`` that also checks ``cancel`` at each call (None when neither is given)."""
    if cancel is None:
        return progress

    def report(done: int, total: int, projection: str) -> None:
        _check_cancel(cancel)
        if progress is not None:
            progress(done, total, projection)
    return report


def _check_cancel(cancel) -> None:
    if cancel is not None and cancel.is_set():
        raise BuildCancelledError("the build was cancelled")


def _plastic_tables(net: Network, nodes: dict[str, NodeInfo], syn_arrays: dict, rules,
                    cancel=None) -> tuple[dict, RuleSlots]:
    """Each plastic projection's rule (from its plugin's engine part, or its description) and the arrays the
    kernel needs for it, with the network's described rules.

    Plastic projections leave the shared-weight fast path: their weights change as the network runs.
    """
    projections = list(net.projections.values())
    specs, described, slots = {}, {}, RuleSlots()
    for p, proj in enumerate(projections):
        if proj.plasticity is not None:
            _check_cancel(cancel)
            desc = description_of(rules[proj.plasticity.rule], proj.plasticity.params)
            if desc is not None:
                slots.slot(proj.plasticity.rule, desc)
                described[p] = (proj.plasticity.rule, desc, proj.plasticity.params)
                specs[p] = described_spec(desc, proj.plasticity.params)
            else:
                specs[p] = _rule_spec(proj, rules[proj.plasticity.rule], float(net.dt))
            syn_arrays["proj_d"][p] = 0
    if not specs:
        return empty_tables(len(projections)) | empty_reward_tables(), slots
    node_start = np.array([n.start for n in nodes.values()] + [sum(n.size for n in nodes.values())], np.int64)
    proj_tgt = np.array([nodes[p.target].index for p in projections], np.int64)
    rewards = reward_tables(net, {k: n.index for k, n in nodes.items()}, float(net.dt))
    tables = plastic_tables(specs, syn_arrays["proj_src"], proj_tgt, node_start, syn_arrays["rowptr"],
                            syn_arrays["proj_row"], syn_arrays["post"], syn_arrays["weight"].size,
                            {k: r for r, k in enumerate(reward_ids(net))})
    rowptr, proj_row = syn_arrays["rowptr"], syn_arrays["proj_row"]
    sizes = {}
    for p in described:
        src, tgt = int(syn_arrays["proj_src"][p]), int(proj_tgt[p])
        n_src = int(node_start[src + 1] - node_start[src])
        sizes[p] = (n_src, int(node_start[tgt + 1] - node_start[tgt]),
                    int(rowptr[proj_row[p] + n_src] - rowptr[proj_row[p]]))
    slots.fill(tables, sorted(specs), described, sizes, float(net.dt))
    return tables | rewards, slots


def _memory_problems(net: Network, memory_limit: int | None, chunk_steps: int) -> list[str]:
    parts = memory_parts(net, chunk_steps)
    needed = sum(parts.values())
    limit = memory_limit if memory_limit is not None else int(0.8 * available_memory())
    if needed <= limit:
        return []
    biggest = max(parts, key=parts.get)
    n_syn = sum(_expected_synapses(net, p, net.spiking_nodes()) for p in net.projections.values())
    return [f"the network needs about {format_bytes(needed)} for {n_syn:,} synapses, but only "
            f"{format_bytes(limit)} of memory is available; the biggest part is the {biggest}: about "
            f"{format_bytes(parts[biggest])}. Reduce sizes, connection density or the longest delay"]


def _check_ring(depth: int, n_slots: int, memory_limit: int | None) -> None:
    needed = depth * n_slots * 8
    limit = memory_limit if memory_limit is not None else int(0.8 * available_memory())
    if needed > limit:
        raise BuildError(f"the delay buffer needs about {format_bytes(needed)} "
                         f"({depth} delay steps x {n_slots:,} targets); "
                         f"only {format_bytes(limit)} is available: shorten the longest delay or increase dt")


def custom_layouts(net: Network) -> dict[str, ModelLayout]:
    """The layout of each custom model of the network, in slot order (sorted ids): the models the loop calls
    through their generated entry. (The built-ins' generated updates are compiled into the loop itself:
    ``kernels.builtin_updates``.)"""
    used = sorted({p.model for p in net.populations.values() if p.model in net.models})
    return {model_id: layout_of(net.models[model_id], model_id) for model_id in used}


_BUILTIN_IDS = {NEURON_MODELS[m].code: m for m in GENERATED_BUILTINS}


@functools.cache
def builtin_layout(code: int) -> ModelLayout:
    """The layout of a built-in model's description (by kernel code): its parameter row in the generated updates."""
    model_id = _BUILTIN_IDS[code]
    return layout_of(builtin_description(model_id), model_id)


_HAND_WRITTEN = [False]  # a stack: hand_written_kernels pushes True


@contextmanager
def hand_written_kernels():
    """Networks built inside run every built-in model on its hand-written kernel (``neuron_kernels``, through a loop
    variant: ``kernel.run_chunk_with``): the reference the generated code of the descriptions is tested and timed
    against. Not thread-safe: for tests and benchmarks."""
    _HAND_WRITTEN.append(True)
    try:
        yield
    finally:
        _HAND_WRITTEN.pop()


@contextmanager
def generated_builtins(*model_ids: str):
    """Networks built inside run the built-ins from their descriptions' generated code, as every network does outside
    ``hand_written_kernels`` (the built-ins in ``GENERATED_BUILTINS``): kept for tests and benchmarks that name
    the side they compare. Not thread-safe."""
    assert set(model_ids) <= GENERATED_BUILTINS, model_ids
    _HAND_WRITTEN.append(False)
    try:
        yield
    finally:
        _HAND_WRITTEN.pop()


def _node_table(net: Network, custom: dict[str, ModelLayout]) -> dict[str, NodeInfo]:
    nodes, start = {}, 0
    slots = {model_id: slot for slot, model_id in enumerate(custom)}
    for index, (nid, item) in enumerate(net.spiking_nodes().items()):
        state_vars = ()
        if isinstance(item, Population) and item.model in slots:
            code, kind = K.CUSTOM + slots[item.model], item.model
            state_vars = tuple(custom[item.model].desc.state_names())
        elif isinstance(item, Population):
            code, kind = NEURON_MODELS[item.model].code, item.model
            state_vars = tuple(NEURON_MODELS[item.model].state)
        elif isinstance(item, PoissonInput):
            code, kind = K.POISSON, "poisson"
        else:
            code, kind = K.SPIKE_TIMES, "dataset" if isinstance(item, DatasetInput) else "spike_times"
        nodes[nid] = NodeInfo(nid, item.name, index, start, item.size, code, kind, item, state_vars)
        start += item.size
    return nodes


def _channel_key(proj, net: Network) -> tuple:
    """A graded or gap projection sends no spikes; it keeps an (always empty) current channel so that every
    projection has one, as the spike propagation's loops expect. A named receptor's kinetics come from the
    target's model."""
    if is_graded(proj):
        return proj.target, "current", "excitatory", 1.0, 0.0
    syn = acting_synapse(net, proj)
    tau = syn.tau if syn.kind != "delta" else 0.0
    erev = syn.E_rev if syn.kind == "conductance" else 0.0
    return proj.target, syn.kind, syn.receptor, tau, erev


def _channel_table(net: Network, nodes: dict[str, NodeInfo]) -> dict:
    """One channel per distinct (target, kind, receptor, tau, E_rev), grouped by target node."""
    keys = sorted({_channel_key(p, net) for p in net.projections.values()}, key=lambda k: (nodes[k[0]].index, k[1:]))
    index = {k: c for c, k in enumerate(keys)}
    sizes = [nodes[k[0]].size for k in keys]
    node_chan = np.searchsorted([nodes[k[0]].index for k in keys], np.arange(len(nodes) + 1)).astype(np.int64)

    return {
        "index": index,
        "node_chan": node_chan,
        "kind": np.array([SYNAPSE_CODES[k[1]] for k in keys], np.int64),
        "sign": np.array([1.0 if k[2] == "excitatory" else -1.0 for k in keys]),
        "exc": np.array([int(k[2] == "excitatory") for k in keys], np.int64),
        "tau": np.array([k[3] if k[3] > 0 else 1.0 for k in keys]),
        "erev": np.array([k[4] for k in keys]),
        "off": np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64),
    }


def _channel_array(chans: dict, dt: float, syn_arrays: dict, synapses: dict, net: Network) -> np.ndarray:
    """The kernel's channel table (columns K.CH_*); propagators are filled by ``update_propagators``."""
    table = np.zeros((len(chans["kind"]), 8))
    table[:, K.CH_TAU] = chans["tau"]
    table[:, K.CH_KIND] = chans["kind"]
    table[:, K.CH_SIGN] = chans["sign"]
    table[:, K.CH_DECAY] = channel_decays(chans["kind"], chans["tau"], dt)  # from each kind's description
    table[:, K.CH_EREV] = chans["erev"]
    table[:, K.CH_EXC] = chans["exc"]
    for pid, sl in synapses.items():  # channels fed by a synapse with a delay > 1 step use the ring
        if np.any(syn_arrays["delay"][sl] > 1):
            table[chans["index"][_channel_key(net.projections[pid], net)], K.CH_DELAYED] = 1
    return table


def _wire(net: Network, nodes: dict[str, NodeInfo], chans: dict, progress=None) -> tuple[dict, dict[str, slice]]:
    """Connect every projection and concatenate their CSR arrays; ``progress(synapses drawn, synapses expected,
    projection id)`` is called before and after each projection (see ``build``)."""
    rowptrs, posts, weights, delays, synapses = [], [], [], [], {}
    proj_src, proj_chan, proj_row, proj_w, proj_d, proj_sorted = [], [], [], [], [], []
    n_syn, n_rows = 0, 0
    graded = {}  # graded and gap projections: their pairs go to graded_table, their CSR rows stay empty
    spiking = net.spiking_nodes()
    expected = {p.id: _expected_synapses(net, p, spiking) for p in net.projections.values()} if progress else {}
    total, done = sum(expected.values()), 0
    for proj in net.projections.values():
        if progress is not None:
            progress(done, total, proj.id)
        src = nodes[proj.source]
        pre, post, w, d = draw_synapses(net, proj, spiking)
        if is_graded(proj):
            graded[proj.id] = (pre, post, w)
            pre, post, w, d = pre[:0], post[:0], w[:0], d[:0]
        n = pre.size
        counts = np.bincount(pre, minlength=src.size)
        del pre
        rowptrs.append(n_syn + np.concatenate([[0], np.cumsum(counts)]))
        posts.append(np.asarray(post, np.int32))
        proj_sorted.append(bool(np.all(posts[-1][1:] >= posts[-1][:-1])))  # one_to_one: see parallel.SORTED_ROWS
        weights.append(w)
        delays.append(d)
        proj_w.append(_shared(w))
        proj_d.append(_shared_delay(w, d))
        synapses[proj.id] = slice(n_syn, n_syn + n)
        proj_src.append(src.index)
        proj_chan.append(chans["index"][_channel_key(proj, net)])
        proj_row.append(n_rows)
        n_syn += n
        n_rows += src.size + 1
        done += expected.get(proj.id, 0)
        if progress is not None:
            progress(done, total, proj.id)
    arrays = {
        "rowptr": np.concatenate(rowptrs).astype(np.int64) if rowptrs else np.zeros(1, np.int64),
        "post": _concatenate_freeing(posts, np.int32),
        "weight": _concatenate_freeing(weights, np.float64),
        "delay": _concatenate_freeing(delays, np.int32),
        "proj_src": np.array(proj_src, np.int64),
        "proj_chan": np.array(proj_chan, np.int64),
        "proj_row": np.array(proj_row, np.int64),
        "proj_w": np.array(proj_w, np.float64),
        "proj_d": np.array(proj_d, np.int64),
        "proj_sorted": np.array(proj_sorted, bool),
        "graded": graded,
    }
    return arrays, synapses


def _concatenate_freeing(pieces: list, dtype) -> np.ndarray:
    """The pieces end to end, each freed once copied (``pieces`` is emptied): the peak is the whole array plus
    one piece, not twice the whole (``np.empty`` takes pages only as they are written, and the C library is
    asked to give the freed pieces' pages back as it goes: pieces under its mmap threshold would stay)."""
    out = np.empty(sum(p.size for p in pieces), dtype)
    at, freed = 0, 0
    while pieces:
        piece = pieces.pop(0)
        out[at: at + piece.size] = piece
        at += piece.size
        freed += piece.nbytes
        del piece
        if freed >= TRIM_EVERY:
            release_freed_memory()
            freed = 0
    release_freed_memory()
    return out


TRIM_EVERY = 64 * 2**20  # bytes freed between two calls of malloc_trim while the synapse arrays are joined


def release_freed_memory() -> None:
    """Give memory freed on the C heap back to the system (glibc's ``malloc_trim``; nothing elsewhere)."""
    global _malloc_trim
    if _malloc_trim is None:
        try:
            _malloc_trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        except (OSError, AttributeError):  # not glibc: its allocator returns memory its own way
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim = None


def draw_synapses(net: Network, proj, spiking: dict | None = None):
    """(pre, post, weight magnitudes, delays in steps) of one projection, drawn from the network's seed.

    The one place synapses are drawn: ``build`` wires with it and exporters (NIR) read the same synapses.
    """
    spiking = spiking if spiking is not None else net.spiking_nodes()
    src, tgt = spiking[proj.source], spiking[proj.target]
    seed = projection_seed(net.seed, proj.id)
    pre, post, order = connect_with_order(proj, src.size, tgt.size, getattr(src, "grid", None),
                                          getattr(tgt, "grid", None), seed)
    n = pre.size
    w = _values(proj.weights, order, proj.weight, n, np.random.default_rng([seed, 1]))
    d_ms = _values(proj.delays, order, proj.delay, n, np.random.default_rng([seed, 2]))
    if proj.delays is None:  # a fresh draw: round it in place (a large projection's temporaries add up)
        np.minimum(d_ms, MAX_DELAY, out=d_ms)
        d_ms /= net.dt
        d_steps = np.rint(d_ms, out=d_ms)
    else:
        d_steps = np.rint(np.minimum(d_ms, MAX_DELAY) / net.dt)
    d = np.clip(d_steps, 1, None, out=d_steps).astype(np.int32)  # <= 1e7 steps
    return pre, post, w, d


def _shared(values: np.ndarray) -> float:
    """The value every element shares, or 0 when they differ (or there are none)."""
    return float(values[0]) if values.size and values.min() == values.max() else 0.0


def _shared_delay(weights: np.ndarray, delays: np.ndarray) -> int:
    """The delay (steps) of a projection whose synapses share one weight and one delay, else 0.

    The kernel then reads only target indices for it. (A learning rule will have to clear this.)
    """
    same_weight = weights.size and weights.min() == weights.max()
    return int(_shared(delays)) if same_weight else 0


def _values(explicit, order, dist, n, rng) -> np.ndarray:
    """Explicit per-synapse values (reordered like the synapses) or draws, clipped at 0 (magnitudes)."""
    if explicit is not None:
        return np.asarray(explicit, np.float64)[order] if order is not None else np.asarray(explicit, np.float64)
    values = draw_values(dist, n, rng)
    return np.maximum(values, 0.0, out=values)


def _initial_rngs(net: Network, nodes: dict[str, NodeInfo]) -> dict:
    return {nid: np.random.default_rng(projection_seed(net.seed, "initial:" + nid)) for nid in nodes}


def initial_values(net: Network) -> dict[str, dict[str, np.ndarray]]:
    """Each population's state variables at time 0, drawn as ``build`` draws them (exports replay them)."""
    nodes = _node_table(net, custom_layouts(net))
    state = _initial_state(net, nodes, _initial_rngs(net, nodes), sum(n.size for n in nodes.values()))
    return {nid: {var: state[row, info.start: info.start + info.size].copy()
                  for row, var in enumerate(info.state_vars)}
            for nid, info in nodes.items() if isinstance(info.item, Population)}


def _initial_state(net: Network, nodes: dict[str, NodeInfo], rngs: dict, n_total: int) -> np.ndarray:
    """Each population's state at time 0: chosen values (distributions drawn, or one value per neuron), else its
    model's description (``init`` lines, or the value on each ``state`` line)."""
    rows = max([4] + [len(info.state_vars) for info in nodes.values()])  # 4 unless a described model has more
    state = np.zeros((rows, n_total))
    for nid, info in nodes.items():
        item = info.item
        if not isinstance(item, Population):
            continue
        desc = net.models.get(item.model) if item.model not in NEURON_MODELS else builtin_description(item.model)
        given = {}
        for var in desc.state_names():
            dist = item.initial.get(var)
            if dist is not None:
                given[var] = dist if isinstance(dist, np.ndarray) else draw_values(dist, info.size, rngs[nid])
        params = {p.name: item.params.get(p.name, p.default) for p in desc.params}
        values = initial_state(desc, params, given, info.size)
        for row, x in enumerate(values):
            state[row, info.start: info.start + info.size] = x
    return state


def _rates(net: Network, nodes: dict[str, NodeInfo], n_total: int) -> np.ndarray:
    rates = np.zeros(n_total)
    for info in nodes.values():
        item = info.item
        if isinstance(item, PoissonInput):
            rates[info.start: info.start + info.size] = item.rates if item.rates is not None else item.rate
    return rates


def poisson_cap(mean_per_step: float) -> int:
    """Most spikes a Poisson neuron may emit per step: ten standard deviations above the mean."""
    if mean_per_step > MAX_POISSON_MEAN:
        raise BuildError(f"a Poisson rate of {mean_per_step:g} spikes per time step is too high to sample; "
                         f"keep rate x dt below {MAX_POISSON_MEAN:g} (lower the rate or dt)")
    return int(mean_per_step + 10.0 * np.sqrt(mean_per_step) + 16)


def recorder_capacity(spikes_per_step: int) -> int:
    """Spikes the recorder holds in a chunk: room for several worst-case steps."""
    return max(SPIKE_BUFFER, 4 * spikes_per_step)


def poisson_limits(rates_hz: np.ndarray, dt: float) -> np.ndarray:
    """exp(-rate * dt) per neuron: the kernel's threshold for Knuth's Poisson sampler."""
    return np.exp(-np.asarray(rates_hz, np.float64) * dt * 1e-3)


def _spike_time_table(net: Network, nodes: dict[str, NodeInfo], shown: dict):
    """Spike-time inputs and dataset inputs (``shown``: their encoded samples) as sorted (step, neuron) lists."""
    steps, neurons, bounds = [], [], [0]
    for info in nodes.values():
        item = shown.get(info.id, info.item)
        has_times = isinstance(item, SpikeTimesInput) or info.id in shown
        if has_times:
            step, neuron = _sorted_spikes(np.rint(item.times / net.dt).astype(np.int64), item.neurons, info.size)
            steps.append(step)
            neurons.append(neuron + info.start)
        bounds.append(bounds[-1] + (steps[-1].size if has_times else 0))
    cat = (lambda xs: np.concatenate(xs).astype(np.int64) if xs else np.zeros(0, np.int64))
    return cat(steps), cat(neurons), np.array(bounds, np.int64)


def _sorted_spikes(steps: np.ndarray, neurons: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(step, neuron) pairs sorted by step then neuron, without duplicates.

    Sorted as one int64 key (step x size + neuron), by hand: ten times faster than ``np.unique(axis=1)``
    (and than ``np.unique`` of the keys in numpy 2.4), which matters for a dataset input's millions of spikes.
    """
    if steps.size and int(steps.max()) >= (2**62) // max(size, 1):  # the key would overflow: sort the pairs
        pairs = np.unique(np.stack([steps, neurons]), axis=1)
        return pairs[0], pairs[1]
    keys = np.sort(steps * size + neurons)
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if keys.size else keys
    return keys // size, keys % size


CURRENT_COLUMNS = {
    "dc": ("amplitude",),
    "step": ("amplitude", "start", "stop"),
    "ramp": ("amplitude_start", "amplitude_end", "start", "stop"),
    "sine": ("amplitude", "frequency", "phase", "offset"),
    "ou": ("mean", "std", "tau"),
}


def _current_table(net: Network, nodes: dict[str, NodeInfo]):
    currents = [i for i in net.inputs.values() if isinstance(i, CurrentInput)]
    params = np.zeros((len(currents), 4))
    offsets, ou_size = [], 0
    for k, cur in enumerate(currents):
        cols = CURRENT_COLUMNS[cur.waveform]
        params[k, : len(cols)] = [cur.params[c] for c in cols]
        offsets.append(ou_size)
        if cur.waveform == "ou":
            ou_size += nodes[cur.target].size
    return (np.array([nodes[c.target].index for c in currents], np.int64),
            np.array([CURRENT_CODES[c.waveform] for c in currents], np.int64),
            params, np.array(offsets, np.int64), ou_size)


def _ou_start(net: Network, nodes: dict[str, NodeInfo], size: int) -> np.ndarray:
    """OU noise starts in its stationary distribution (zero mean, the input's std), not at zero."""
    rng = np.random.default_rng(projection_seed(net.seed, "ou-start"))
    parts = [rng.normal(0.0, cur.params["std"], nodes[cur.target].size) for cur in net.inputs.values()
             if isinstance(cur, CurrentInput) and cur.waveform == "ou"]
    return np.concatenate(parts) if parts else np.zeros(size)


def current_params_row(cur: CurrentInput) -> list[float]:
    """The kernel's four parameter columns for one current input."""
    cols = CURRENT_COLUMNS[cur.waveform]
    return [cur.params[c] for c in cols] + [0.0] * (4 - len(cols))


def _trace_table(net: Network, nodes: dict[str, NodeInfo]):
    traces, columns = {}, []
    for rec in net.recorders.values():
        if rec.kind != "state":
            continue
        every = max(1, int(round(rec.interval / net.dt)))
        traces[rec.id] = list(range(len(columns), len(columns) + len(rec.neurons)))
        columns += [(rec.target, rec.variable, i, every) for i in rec.neurons]
    return traces, trace_columns(nodes, columns)


def trace_columns(nodes: dict[str, NodeInfo], columns: list[tuple[str, str, int, int]]):
    """The kernel's trace table (variable code, global neuron, node, interval in steps) for
    ``(node id, variable, neuron within the node, interval in steps)`` columns."""
    var, neuron, node, every = [], [], [], []
    for node_id, variable, i, steps in columns:
        info = nodes[node_id]
        state_vars = list(info.state_vars)
        var.append(state_vars.index(variable) if variable in state_vars else (
            K.SYN_EXC if variable == "syn_exc" else K.SYN_INH))
        neuron.append(info.start + i)
        node.append(info.index)
        every.append(steps)
    arr = (lambda xs: np.array(xs, np.int64))
    return arr(var), arr(neuron), arr(node), arr(every)


def derive_params(code: int, row: np.ndarray, dt: float) -> None:
    """Fill the derived columns (12+) of a node's parameter row: propagators, refractory steps, sub-steps."""
    if code in (K.LIF, K.LIF_ADAPTIVE):
        tau_m, c_m, t_ref = row[0], row[1], row[5]
        row[12] = np.exp(-dt / tau_m)
        row[13] = tau_m / c_m
        row[14] = int(round(t_ref / dt))
        if code == K.LIF_ADAPTIVE:
            row[15] = np.exp(-dt / row[8])  # theta's decay over one step
    elif code == K.ADEX:
        row[14] = int(round(row[10] / dt))
    elif code == K.HH:
        n_sub = max(1, int(np.ceil(dt / 0.01 - 1e-9)))
        row[12] = n_sub
        row[13] = dt / n_sub


def update_propagators(state: K.State, custom: dict[str, ModelLayout] | None = None,
                        hand_written: bool = False) -> None:
    """Exact LIF propagators from each current channel into v (they depend on the target's tau_m and C_m), and
    the same for custom models integrated exactly in one variable (their tau and R = tau_m / C_m columns).

    Written with expm1 so that nearly equal synaptic and membrane time constants stay accurate.
    """
    h = state.dt
    layouts = list((custom or {}).values())
    for c in range(state.chan.shape[0]):
        node = int(np.searchsorted(state.node_chan, c, side="right") - 1)
        code = state.node_code[node]
        if state.chan[c, K.CH_KIND] != K.CURRENT:
            continue
        layout = layouts[code - K.CUSTOM] if code >= K.CUSTOM else \
            builtin_layout(code) if code in _BUILTIN_IDS and not hand_written else None
        if code in (K.LIF, K.LIF_ADAPTIVE) and layout is None:
            tau_m, c_m = state.node_params[node, 0], state.node_params[node, 1]
            r = tau_m / c_m
        elif layout is not None and (layout.scalar_exact or layout.leak_step):
            col = layout.ref_col + 4
            tau_m, r = state.node_params[node, col], state.node_params[node, col + 1]
            c_m = tau_m / r
        else:
            continue
        tau_s = state.chan[c, K.CH_TAU]
        if tau_s == tau_m:
            p21 = (h / c_m) * np.exp(-h / tau_m)
        else:
            p21 = r * tau_s / (tau_s - tau_m) * np.exp(-h / tau_m) * np.expm1(-h * (1 / tau_s - 1 / tau_m))
        state.chan[c, K.CH_P21] = p21
