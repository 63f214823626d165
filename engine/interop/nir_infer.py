"""What a NIR graph from another framework leaves unsaid: neuron counts and how long a spike lasts.

snnTorch writes ``CubaLIF`` nodes without shapes and with scalar parameters (beta, threshold); the number of
neurons is then the width of the weights around the node. Discrete-time frameworks (snnTorch, Norse) treat a spike
as 1 for one time step, where NIR defines a unit Dirac delta: read as Diracs, their weights act 1/step times too
strongly. Each guess is returned as a sentence so the importer can say what it inferred.
"""

from __future__ import annotations

import numpy as np

__all__ = ["infer_widths", "default_spike_step", "NORSE_STEP"]

NORSE_STEP = 1e-3  # s: Norse's default time step, for graphs whose own step cannot be read off their parameters
PARAMS = ("tau", "tau_mem", "tau_syn", "r", "v_leak", "v_threshold", "v_reset", "w_in")


def infer_widths(graph, neuron_types: tuple) -> tuple[dict[str, int], list[str]]:
    """(neurons per neuron node, sentences saying which counts were inferred from the weights around a node)."""
    widths, notes = {}, []
    for name, node in graph.nodes.items():
        if not isinstance(node, neuron_types):
            continue
        sizes = {int(np.size(getattr(node, a))) for a in PARAMS if getattr(node, a, None) is not None}
        n = max(sizes, default=1)
        if n == 1:
            found = _from_neighbours(graph, name)
            if found is not None:
                n = found[0]
                notes.append(f'nodes["{name}"]: no shape and scalar parameters; {n} neurons inferred from {found[1]}')
        elif 1 in sizes:
            scalars = [a for a in PARAMS if getattr(node, a, None) is not None and np.size(getattr(node, a)) == 1]
            notes.append(f'nodes["{name}"]: scalar {", ".join(scalars)} applied to all {n} neurons')
        widths[name] = n
    return widths, notes


def _from_neighbours(graph, name: str) -> tuple[int, str] | None:
    """The width of the weight node feeding ``name`` (its rows) or fed by it (its columns), with where from."""
    for a, b in graph.edges:
        if b == name and np.ndim(getattr(graph.nodes.get(a), "weight", None)) == 2:
            return int(np.shape(graph.nodes[a].weight)[0]), f'the weights of "{a}"'
    for a, b in graph.edges:
        if a == name and np.ndim(getattr(graph.nodes.get(b), "weight", None)) == 2:
            return int(np.shape(graph.nodes[b].weight)[1]), f'the weights of "{b}"'
    return None


def default_spike_step(graph, from_spikestudio: bool) -> tuple[float, str | None]:
    """(the area of one spike, a sentence saying why, or None for SpikeStudio's own graphs: unit Dirac deltas).

    snnTorch writes r = tau_mem / dt and w_in = tau_syn / dt, so its step dt is read off every neuron node; other
    graphs from discrete-time frameworks (Norse writes r = 1) get Norse's default step of 1 ms.
    """
    if from_spikestudio:
        return 1.0, None
    steps = set()
    for node in graph.nodes.values():
        tau = getattr(node, "tau_mem", getattr(node, "tau", None))
        r = getattr(node, "r", None)
        if tau is None or r is None or not hasattr(node, "v_threshold") or np.all(np.asarray(r) == 1):
            continue  # r = 1 (Norse) says nothing about the step
        ratio = np.asarray(tau, np.float64).ravel() / np.asarray(r, np.float64).ravel()
        if hasattr(node, "w_in"):
            ratio = np.append(ratio, np.asarray(node.tau_syn, np.float64).ravel() / np.asarray(node.w_in).ravel())
        steps.update(float(f"{x:.6g}") for x in ratio)
    if len(steps) == 1 and 0 < next(iter(steps)) <= 0.01:
        step = next(iter(steps))
        return step, (f"spikes read as 1 for one step of {step:g} s (the step every neuron node's tau / r gives, as "
                      "snnTorch writes them); --spike-step 1 reads them as unit Dirac deltas")
    return NORSE_STEP, (f"spikes read as 1 for one step of {NORSE_STEP:g} s (Norse's default step; the graph does "
                        "not say its own); --spike-step sets it, 1 reads them as unit Dirac deltas")
