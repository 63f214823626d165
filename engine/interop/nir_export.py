"""Export a network to a NIR graph (neuromorphic intermediate representation), reporting what NIR cannot express.

NIR values carry no units; SpikeStudio writes and reads them in one convention (see ``nir_units``):
times in seconds, potentials in mV, currents in pA, resistances in GOhm (mV/pA), and a spike is a Dirac delta
of unit area (1/s), as the NIR specification defines it. So a weight W onto a ``nir.LIF`` makes v jump by
``r * W / tau`` mV and onto a ``nir.CubaLIF`` makes the synaptic current jump by ``w_in * W / tau_syn`` pA.
"""

from __future__ import annotations

import numpy as np

from ..files.atomic_file import atomic_write
from ..model.catalog import NEURON_MODELS
from ..model.network import CurrentInput, DatasetInput, Network, PoissonInput, Population, Projection, RewardInput
from ..simulation.build import initial_values
from ._common import dataset_input_reason
from .report import ExportError, ExportReport
from .sparse import projection_synapses, signed_matrix
from .standard_cells import NIR_CELLS, standard_network

__all__ = ["nir_export", "write_nir", "MS_PER_S", "METADATA_DT", "METADATA_SEED", "NODE_T_REF", "NODE_I_E",
           "NODE_V0", "NODE_ENTRY"]

MS_PER_S = 1000.0
METADATA_DT = "spikestudio_dt_ms"
METADATA_SEED = "spikestudio_seed"
# Node metadata only SpikeStudio reads (other tools ignore it): what NIR has no field for, so a round trip is exact
NODE_T_REF = "spikestudio_t_ref_ms"
NODE_I_E = "spikestudio_I_e_pA"
NODE_V0 = "spikestudio_v0_mV"
NODE_ENTRY = "spikestudio_entry"  # an Input added only so that type checks have an entry point


def write_nir(net: Network, path, strict: bool = False) -> ExportReport:
    """Write ``net`` to a NIR file (HDF5); returns the report of what was left out.

    With ``strict``, anything NIR cannot express raises ``ExportError`` listing all of it, and nothing is written.
    The file is replaced atomically.
    """
    import nir

    graph, report = nir_export(net)
    if strict and not report.ok:
        raise ExportError(report)
    atomic_write(path, lambda f: nir.write(f, graph))
    return report


def nir_export(net: Network):
    """(``nir.NIRGraph``, ``ExportReport``) for ``net``; what NIR cannot express is in the report, never dropped."""
    import nir

    report = ExportReport("NIR")
    names = _node_names(net)
    net, unmatched = standard_network(net, NIR_CELLS, "NIR")  # described models as the LIF they match
    nodes, edges, neurons = {}, [], {}
    for item in net.inputs.values():
        _export_input(nir, item, names, nodes, report)
    start = _start_values(net)
    for pop in net.populations.values():
        spec = _neuron_spec(net, pop, report, unmatched.get(pop.id))
        if spec is not None:
            neurons[pop.id] = spec
            nodes[names[pop.id]] = _neuron_node(nir, pop, spec, start.get(pop.id))
            edges += _synapse_filters(nir, pop, spec, names[pop.id], nodes)
    for proj in net.projections.values():
        _export_projection(nir, net, proj, names, neurons, nodes, edges, report)
    _export_recorders(nir, net, names, nodes, edges, report)
    _add_entry_inputs(nir, [names[pid] for pid in neurons], nodes, edges)
    metadata = {METADATA_DT: float(net.dt), METADATA_SEED: int(net.seed), **_text_metadata(net, report)}
    return nir.NIRGraph(nodes=nodes, edges=edges, metadata=metadata, type_check=False), report


def _text_metadata(net: Network, report: ExportReport) -> dict[str, str]:
    """Title, author, description and licence; HDF5 strings end at a NUL, so each NUL is written as ``\\x00``."""
    out = {}
    for key, value in vars(net.metadata).items():
        if value and "\x00" in value:
            report.note(f"metadata.{key}", "HDF5 strings cannot hold NUL characters; each is written as the text \\x00")
        if value:
            out[key] = value.replace("\x00", "\\x00")
    return out


def _node_names(net: Network) -> dict[str, str]:
    """NIR node names: the ids themselves, with '/' (not allowed in HDF5 names) replaced."""
    names, used = {}, set()
    for item_id in [*net.inputs, *net.populations, *net.projections, *net.recorders]:
        name, k = item_id.replace("/", "_") or "node", 2
        while name in used:
            name, k = f"{item_id.replace('/', '_')}_{k}", k + 1
        names[item_id] = name
        used.add(name)
    return names


def _export_input(nir, item, names, nodes, report) -> None:
    where = f'inputs["{item.id}"]'
    if isinstance(item, RewardInput):
        report.reward_node(item.id)
        return
    if isinstance(item, CurrentInput):
        report.problem(where, f"a current input ({item.waveform}) cannot be expressed in NIR")
        return
    if isinstance(item, PoissonInput):
        rate = "per-neuron rates" if item.rates is not None else f"rate {item.rate:g} Hz"
        report.problem(where, f"a Poisson source ({rate}) cannot be expressed in NIR; "
                          f"written as an nir.Input of {item.size} neurons")
    elif isinstance(item, DatasetInput):
        report.problem(where, f"{dataset_input_reason(item)}; written as an nir.Input of {item.size} neurons")
    elif item.times.size:
        report.problem(where, f"{item.times.size} spike times cannot be stored in a NIR graph; "
                          f"written as an nir.Input of {item.size} neurons")
    nodes[names[item.id]] = nir.Input(np.array([item.size]))


KEPT = "kept as SpikeStudio metadata on the node, which other tools ignore"


def _neuron_spec(net: Network, pop: Population, report: ExportReport, unmatched: str | None) -> dict | None:
    """How a population maps, or None (reported) when it cannot: {"kind": "delta"|"current"|"filtered",
    "taus": current synapses' taus (ms)}. One tau and no delta synapses: a ``CubaLIF``; several taus or both
    kinds: a ``LIF`` fed by one ``LI`` synapse filter per tau (NIR sums a node's inputs)."""
    where = f'populations["{pop.id}"]'
    if unmatched:
        report.problem(where, f"{unmatched}; the population and its projections are left out")
        return None
    if pop.model not in ("lif", "lif_adaptive"):
        name = NEURON_MODELS[pop.model].display_name if pop.model in NEURON_MODELS else repr(pop.model)
        report.problem(where, f"the {name} model cannot be expressed in NIR "
                          f"(only leaky integrate-and-fire neurons can); the population and its projections are "
                          f"left out")
        return None
    if pop.model == "lif_adaptive":
        report.problem(where, "the adaptive threshold (theta_plus, tau_theta) cannot be expressed in NIR; exported "
                              "as a LIF with the fixed threshold V_th")
    p = pop.params
    if p["t_ref"] > 0:
        report.problem(where, f"refractory period {p['t_ref']:g} ms cannot be expressed in NIR ({KEPT})")
    if p["I_e"] != 0:
        report.problem(where, f"bias current I_e = {p['I_e']:g} pA cannot be expressed in NIR ({KEPT})")
    for var, dist in pop.initial.items():
        if not (getattr(dist, "kind", None) == "constant" and var == "v" and dist.value == p["E_L"]):
            kept = f" ({KEPT})" if var == "v" else ""
            report.problem(f"{where}.initial.{var}", f"initial values cannot be expressed in NIR (neurons start at "
                                                     f"E_L){kept}")
    incoming = [q for q in net.projections.values() if q.target == pop.id and q.synapse.kind != "conductance"]
    taus = sorted({float(q.synapse.tau) for q in incoming if q.synapse.kind == "current"})
    delta = any(q.synapse.kind == "delta" for q in incoming)
    kind = "delta" if not taus else "current" if len(taus) == 1 and not delta else "filtered"
    return {"kind": kind, "taus": taus}


def _start_values(net: Network) -> dict[str, np.ndarray]:
    """Initial v of the LIF populations whose neurons do not all start at E_L (drawn as a run draws them)."""
    moved = [pid for pid, pop in net.populations.items() if pop.model in ("lif", "lif_adaptive") and "v" in pop.initial]
    if not moved:
        return {}
    drawn = initial_values(net)
    return {pid: drawn[pid]["v"] for pid in moved if np.any(drawn[pid]["v"] != net.populations[pid].params["E_L"])}


def _neuron_node(nir, pop: Population, spec: dict, v0: np.ndarray | None):
    p, n = pop.params, pop.size
    full = (lambda x: np.full(n, float(x)))
    common = {"r": full(p["tau_m"] / p["C_m"]), "v_leak": full(p["E_L"]), "v_threshold": full(p["V_th"]),
              "v_reset": full(p["V_reset"])}
    extra = {NODE_T_REF: float(p["t_ref"]), NODE_I_E: float(p["I_e"])}
    metadata = {k: v for k, v in extra.items() if v != 0}
    if v0 is not None:
        metadata[NODE_V0] = np.asarray(v0, np.float64)
    if spec["kind"] == "current":
        return nir.CubaLIF(tau_syn=full(spec["taus"][0] / MS_PER_S), tau_mem=full(p["tau_m"] / MS_PER_S),
                           w_in=np.ones(n), metadata=metadata, **common)
    return nir.LIF(tau=full(p["tau_m"] / MS_PER_S), metadata=metadata, **common)


def _filter_name(name: str, tau: float) -> str:
    return f"{name}.syn_tau_{tau:g}ms"


def _synapse_filters(nir, pop: Population, spec: dict, name: str, nodes: dict) -> list[tuple[str, str]]:
    """One ``LI`` node per current-synapse tau of a "filtered" population: tau dI/dt = -I + W s (r = 1,
    v_leak = 0), so a weight W = w tau raises I by w pA, and I drives the LIF as its input current."""
    if spec["kind"] != "filtered":
        return []
    n = pop.size
    for tau in spec["taus"]:
        nodes[_filter_name(name, tau)] = nir.LI(tau=np.full(n, tau / MS_PER_S), r=np.ones(n), v_leak=np.zeros(n))
    return [(_filter_name(name, tau), name) for tau in spec["taus"]]


def _add_entry_inputs(nir, neurons: list[str], nodes: dict, edges: list) -> None:
    """An ``Input`` (no spikes unless a simulator feeds it) into each neuron node no Input reaches, so that
    ``nir.read`` finds an entry point for its type checks (a recurrent network has none of its own)."""
    succ: dict[str, list[str]] = {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
    reached = set()

    def reach(start):
        stack = [start]
        while stack:
            node = stack.pop()
            if node not in reached:
                reached.add(node)
                stack += succ.get(node, [])

    for name, node in list(nodes.items()):
        if isinstance(node, nir.Input) and succ.get(name):
            reach(name)
    for name in neurons:
        if name in reached:
            continue
        entry, k = f"{name}.entry", 2
        while entry in nodes:
            entry, k = f"{name}.entry_{k}", k + 1
        nodes[entry] = nir.Input(np.array([np.size(nodes[name].v_leak)]), metadata={NODE_ENTRY: 1})
        edges.append((entry, name))
        reach(entry)


def _export_projection(nir, net, proj: Projection, names, neurons, nodes, edges, report) -> None:
    where = f'projections["{proj.id}"]'
    syn = proj.synapse
    if proj.plasticity is not None:
        report.problem(f"{where}.plasticity", f'the learning rule "{proj.plasticity.rule}" cannot be expressed in NIR '
                                          f"(the current weights are exported)")
    if names[proj.source] not in nodes or proj.target not in neurons:
        report.problem(where, "left out with its source or target, which NIR cannot express")
        return
    if syn.kind in ("conductance", "graded", "gap"):
        report.problem(where, f"{syn.kind} synapses cannot be expressed in NIR; the projection is left out")
        return
    spec = neurons[proj.target]
    pre, post, w, steps = projection_synapses(net, proj)
    src_size, tgt = net.spiking_nodes()[proj.source].size, net.populations[proj.target]
    sign = 1.0 if syn.receptor == "excitatory" else -1.0
    if syn.kind == "current":  # a jump of w pA = w_in * W / tau_syn
        scale = syn.tau / MS_PER_S
    else:  # a jump of w mV = r * W / tau_m
        scale = (tgt.params["tau_m"] / MS_PER_S) / (tgt.params["tau_m"] / tgt.params["C_m"])
    matrix = signed_matrix(tgt.size, src_size, pre, post, w * scale, sign)
    name = names[proj.id]
    nodes[name] = nir.Linear(weight=matrix)
    edges.append((names[proj.source], name))
    into = names[proj.target]
    if spec["kind"] == "filtered" and syn.kind == "current":
        into = _filter_name(into, float(syn.tau))
    delay = _target_delays(proj, post, steps, tgt.size, net.dt, report)
    if delay is None:
        edges.append((name, into))
        return
    nodes[f"{name}.delay"] = nir.Delay(delay)
    edges += [(name, f"{name}.delay"), (f"{name}.delay", into)]


def _target_delays(proj, post, steps, n_target, dt, report) -> np.ndarray | None:
    """Delays (s) per target neuron, or None when every synapse has the minimal delay of one step."""
    if steps.size == 0 or np.all(steps == 1):
        return None
    per_target = np.ones(n_target, np.int64)
    per_target[post] = steps  # the last synapse onto each target wins; checked below
    if np.any(per_target[post] != steps):
        report.problem(f'projections["{proj.id}"].delay', "delays that differ between synapses onto one neuron cannot "
                                                      "be expressed in NIR; the longest per target neuron is used")
        np.maximum.at(per_target, post, steps)
    return per_target * dt / MS_PER_S


def _export_recorders(nir, net, names, nodes, edges, report) -> None:
    for rec in net.recorders.values():
        if rec.kind == "state":
            report.problem(f'recorders["{rec.id}"]', f'recording "{rec.variable}" cannot be expressed in NIR '
                                                 f"(only spike outputs)")
            continue
        if rec.kind == "rate":
            report.problem(f'recorders["{rec.id}"]', f"the rate bin ({rec.bin:g} ms) cannot be expressed in NIR; "
                                                 f"written as a spike output")
        if names[rec.target] not in nodes:
            report.problem(f'recorders["{rec.id}"]', "left out with the node it records")
            continue
        size = net.spiking_nodes()[rec.target].size
        if any(e[0] == names[rec.target] and isinstance(nodes[e[1]], nir.Output) for e in edges):
            continue  # one output per node
        nodes[names[rec.id]] = nir.Output(np.array([size]))
        edges.append((names[rec.target], names[rec.id]))
