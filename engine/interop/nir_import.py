"""Import a NIR graph (from SpikeStudio, snnTorch, Norse, ...) as a network of LIF populations and projections.

Units as in ``nir_export``: times in s, potentials in mV, currents in pA, r in GOhm, spikes are unit Dirac deltas.
Imported values are rounded to 12 significant digits, which undoes the rounding error of the unit conversions.
Discrete-time frameworks (snnTorch, Norse) treat a spike as 1 during one step rather than a unit Dirac delta:
``spike_step`` (seconds, e.g. 1e-4 for snnTorch's export) scales imported weights by that step to match them.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np

from ..editing.layout import auto_layout
from ..errors import FileFormatError
from ..model.network import Metadata, Network, Population, SpikeTimesInput
from ..model.params import Problem
from .hdf5_guard import hdf5_problems
from .nir_export import METADATA_DT, METADATA_SEED, MS_PER_S, NODE_ENTRY, NODE_I_E, NODE_T_REF, NODE_V0
from .nir_infer import default_spike_step, infer_widths
from .nir_paths import graph_problems, neuron_types, node_paths

__all__ = ["nir_import", "read_nir"]

IF_TAU_MS = 1e12  # nir.IF has no leak: a membrane time constant far beyond any run
LI_THRESHOLD = 200.0  # mV; nir.LI and nir.CubaLI never spike: the highest threshold SpikeStudio allows


def read_nir(path, spike_step: float | None = None, notes: list[str] | None = None) -> Network:
    """The network in a NIR file; ``FileFormatError`` naming what is wrong when it is not a usable NIR graph.

    ``notes``, when given, receives a sentence for each thing inferred (neuron counts, the spike step)."""
    import h5py
    import nir

    path = Path(path)
    if not path.is_file():
        raise FileFormatError([Problem(str(path), "no such file")])
    if not h5py.is_hdf5(path):
        raise FileFormatError([Problem(str(path), "not a NIR file (NIR graphs are HDF5 files; this is not one)")])
    try:
        unsafe = hdf5_problems(path)
    except Exception as exc:  # h5py raises OSError, KeyError ... on damaged files
        raise FileFormatError([Problem(str(path), f"not a valid NIR graph: {_why(exc)}")]) from None
    if unsafe:
        raise FileFormatError(unsafe)
    try:
        graph = nir.read(path, type_check=False)  # shapes are checked here, with clearer messages
    except Exception as exc:  # nir and h5py raise KeyError, ValueError, AssertionError, OSError, TypeError ...
        raise FileFormatError([Problem(str(path), f"not a valid NIR graph: {_why(exc)}")]) from None
    return nir_import(graph, source=str(path), spike_step=spike_step, notes=notes)


def nir_import(graph_or_path, source: str = "", spike_step: float | None = None,
               notes: list[str] | None = None) -> Network:
    """A network built from a ``nir.NIRGraph`` (or the path of a NIR file), laid out for the editor.

    ``spike_step`` (s): read spikes as pulses of height 1 lasting that long (discrete-time frameworks), i.e.
    multiply every weight by it; 1 reads them as unit Dirac deltas. None chooses (``nir_infer``): Dirac deltas for
    SpikeStudio's graphs, else the step the graph's parameters give (snnTorch) or Norse's 1 ms. ``notes`` receives
    what was inferred.
    """
    import nir

    if isinstance(graph_or_path, (str, os.PathLike)):
        return read_nir(graph_or_path, spike_step, notes)
    if spike_step is not None and not (np.isfinite(spike_step) and spike_step > 0):
        raise ValueError(f"spike_step must be a positive number of seconds, got {spike_step!r}")
    graph = graph_or_path
    where = source or "NIR graph"
    if not isinstance(graph, nir.NIRGraph):
        raise FileFormatError([Problem(where, f"expected a nir.NIRGraph, got {type(graph).__name__}")])
    problems = graph_problems(graph)
    if problems:
        raise FileFormatError([Problem(f"{where}: {loc}", msg) for loc, msg in problems])
    meta = graph.metadata or {}
    widths, inferred = infer_widths(graph, neuron_types())
    if spike_step is None:
        spike_step, why = default_spike_step(graph, METADATA_DT in meta)
        inferred += [why] if why else []
    if notes is not None:
        notes += inferred
    net = Network(dt=_clean(meta.get(METADATA_DT, 0.1)), seed=int(meta.get(METADATA_SEED, 1)),
                  metadata=Metadata(*(str(_text(meta.get(k, ""))) for k in ("title", "author", "description",
                                                                                 "license"))))
    ids = _readable_ids(graph)
    errors: list[Problem] = []
    filters, entries = synapse_filters(nir, graph), _entries(nir, graph)
    for name, node in graph.nodes.items():
        if name in filters or name in entries:
            continue
        if isinstance(node, nir.Input):
            net.add(SpikeTimesInput(ids[name], _size(node.output_type["output"])))
        elif isinstance(node, neuron_types()):
            pop = _population(nir, ids[name], name, node, errors, widths[name])
            if pop is not None:
                net.add(pop)
    if errors:
        raise FileFormatError(errors)
    try:
        paths = node_paths(graph, widths)
    except ValueError as exc:
        raise FileFormatError([Problem(where, str(exc))]) from None
    paths = _through_filters(paths, filters, entries)
    _add_projections(nir, net, graph, ids, paths, errors, float(spike_step))
    if errors:
        raise FileFormatError(errors)
    for path in paths:
        if isinstance(graph.nodes[path.target], nir.Output) and path.matrix is None \
                and f"spikes:{ids[path.source]}" not in net.recorders:
            net.record_spikes(ids[path.source])
    net.layout.update(auto_layout(net))
    problems = net.validate()
    if problems:
        raise FileFormatError([Problem(f"{where}: {p.location}", p.message) for p in problems])
    return net


def synapse_filters(nir, graph) -> dict[str, list[str]]:
    """``LI`` nodes that are synaptic currents (v_leak 0, feeding only LIF or IF nodes of their width directly),
    as SpikeStudio writes a population with several synaptic time constants: name -> the neuron nodes fed."""
    succ: dict[str, list[str]] = {}
    for a, b in graph.edges:
        succ.setdefault(a, []).append(b)
    found = {}
    for name, node in graph.nodes.items():
        if type(node) is not nir.LI or not succ.get(name) or np.any(np.asarray(node.v_leak) != 0):
            continue
        fed = [graph.nodes.get(b) for b in succ[name]]
        if all(isinstance(f, (nir.LIF, nir.IF)) and np.size(f.r) == np.size(node.r) for f in fed):
            found[name] = succ[name]
    return found


def _entries(nir, graph) -> set[str]:
    """Input nodes SpikeStudio added only as entry points for type checks (see ``nir_export``)."""
    return {name for name, node in graph.nodes.items()
            if isinstance(node, nir.Input) and (getattr(node, "metadata", None) or {}).get(NODE_ENTRY)}


def _through_filters(paths: list, filters: dict[str, list[str]], entries: set[str]) -> list:
    """Paths into a synapse filter continue to the neurons it feeds (``filter`` set); paths out of filters and
    entry inputs are dropped."""
    out = []
    for path in paths:
        if path.source in filters or path.source in entries:
            continue
        if path.target not in filters:
            out.append(path)
            continue
        for target in filters[path.target]:
            out.append(replace(path, target=target, filter=path.target))
    return out


def _population(nir, pid: str, name: str, node, errors: list, size: int) -> Population | None:
    """A LIF population with the node's parameters, which must be the same for every neuron."""
    values = {}
    for attr in ("tau", "tau_mem", "r", "v_leak", "v_threshold", "v_reset"):
        if hasattr(node, attr) and getattr(node, attr) is not None:
            arr = np.asarray(getattr(node, attr), np.float64).ravel()
            if arr.size and not np.all(arr == arr[0]):
                errors.append(Problem(f'nodes["{name}"].{attr}', f"per-neuron values differ ({arr.min():g} to "
                                      f"{arr.max():g}); a SpikeStudio population shares one value"))
                return None
            values[attr] = float(arr[0]) if arr.size else 0.0
    if values.get("r", 1.0) <= 0 or not np.isfinite(list(values.values())).all():
        errors.append(Problem(f'nodes["{name}"]', "r must be positive and every parameter finite"))
        return None
    r = values["r"]
    if isinstance(node, nir.IF):
        tau_m, c_m, e_l = IF_TAU_MS, MS_PER_S / r, values["v_reset"]
    else:
        tau_m = values.get("tau", values.get("tau_mem", 0.0)) * MS_PER_S
        c_m, e_l = tau_m / r, values["v_leak"]
    v_th = values.get("v_threshold", LI_THRESHOLD)
    v_reset = values.get("v_reset", e_l)
    meta = getattr(node, "metadata", None) or {}
    params = {"tau_m": _clean(tau_m), "C_m": _clean(c_m), "E_L": _clean(e_l), "V_th": _clean(v_th),
              "V_reset": _clean(v_reset), "t_ref": _clean(meta.get(NODE_T_REF, 0.0)),
              "I_e": _clean(meta.get(NODE_I_E, 0.0))}
    pop = Population(pid, size, "lif", params)
    v0 = np.asarray(meta.get(NODE_V0, []), np.float64).ravel()
    if v0.size == size:
        pop.initial["v"] = v0
    return pop


def _add_projections(nir, net: Network, graph, ids, paths, errors: list, spike_area: float) -> None:
    for path in paths:
        target = graph.nodes[path.target]
        if not isinstance(target, neuron_types()):
            continue
        src_id, tgt_id = ids[path.source], ids[path.target]
        pop = net.populations[tgt_id]
        n_src = net.spiking_nodes()[src_id].size
        matrix = path.matrix if path.matrix is not None else np.eye(pop.size, n_src)
        kind, tau_syn, scale = _synapse_of(nir, graph.nodes[path.filter] if path.filter else target, pop.size)
        weights = matrix * scale[:, None] * spike_area  # (target x source), in the synapse's unit (mV or pA)
        if path.bias is not None:
            _add_bias(pop, path, target, errors)
        delays_ms = (path.delay_target[:, None] + path.delay_source[None, :]) * MS_PER_S
        base = ids[path.name] if path.name else f"{src_id}->{tgt_id}"
        for receptor, sign in (("excitatory", 1.0), ("inhibitory", -1.0)):
            post, pre = np.nonzero(weights * sign > 0)
            if pre.size == 0:
                continue
            pid = base if base not in net.all_ids() else f"{base}:{receptor[:3]}"
            net.connect(src_id, tgt_id, "explicit", id=pid, pre=pre, post=post,
                        weights=_clean_array(np.abs(weights[post, pre])),
                        delays=_clean_array(np.maximum(delays_ms[post, pre], net.dt)),
                        synapse=kind, receptor=receptor, tau=tau_syn, allow_autapses=True)


def _synapse_of(nir, node, size: int) -> tuple[str, float | None, np.ndarray]:
    """(synapse kind, tau ms, per-target factor turning a NIR weight into our weight) for a target node."""
    arr = (lambda name, default=1.0: np.broadcast_to(np.asarray(getattr(node, name, default), np.float64)
                                                     .ravel(), (size,)))
    if isinstance(node, (nir.CubaLIF, nir.CubaLI)):  # the current jumps by w_in * W / tau_syn (pA)
        tau_syn = arr("tau_syn")
        return "current", _clean(float(tau_syn[0]) * MS_PER_S), arr("w_in") / tau_syn
    if type(node) is nir.LI:  # a synapse filter: the current jumps by r * W / tau (pA)
        return "current", _clean(float(arr("tau")[0]) * MS_PER_S), arr("r") / arr("tau")
    if isinstance(node, nir.IF):  # v jumps by r * W (mV)
        return "delta", None, arr("r")
    return "delta", None, arr("r") / arr("tau")  # v jumps by r * W / tau (mV)


def _add_bias(pop: Population, path, node, errors: list) -> None:
    """An Affine bias is a constant input: a bias current I_e (for nir.CubaLIF, its steady state w_in * b)."""
    bias = np.asarray(path.bias, np.float64).ravel()
    w_in = np.broadcast_to(np.asarray(getattr(node, "w_in", 1.0), np.float64).ravel(), bias.shape)
    current = bias * w_in
    if np.all(current == 0):
        return
    if not np.all(current == current[0]):
        errors.append(Problem(f'nodes["{path.name}"].bias', "per-neuron biases differ; a SpikeStudio population "
                                                            "has one bias current"))
        return
    if hasattr(node, "tau_syn"):  # a steady bias b through the synapse gives the current w_in * b
        pop.params["I_e"] = _clean(pop.params["I_e"] + float(current[0]))
    else:  # tau dv/dt = ... + r (W s + b): b is a current
        pop.params["I_e"] = _clean(pop.params["I_e"] + float(bias[0]))


def _readable_ids(graph) -> dict[str, str]:
    """Node names as ids; a bare number (as nirtorch writes them) gets its type in front: "lif_3"."""
    ids, used = {}, set()
    for name, node in graph.nodes.items():
        wanted = name if any(c.isalpha() for c in name) else f"{type(node).__name__.lower()}_{name}"
        candidate, k = wanted, 2
        while candidate in used:
            candidate, k = f"{wanted}_{k}", k + 1
        ids[name] = candidate
        used.add(candidate)
    return ids


def _size(shape) -> int:
    return int(np.prod(np.asarray(shape, np.int64))) if np.size(shape) else 1


def _clean(x) -> float:
    return float(f"{float(x):.12g}")


def _clean_array(a: np.ndarray) -> np.ndarray:
    return np.array([float(f"{v:.12g}") for v in np.asarray(a, np.float64).ravel()])


def _text(value) -> str:
    return value.decode("utf8") if isinstance(value, bytes) else str(value)


def _why(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
