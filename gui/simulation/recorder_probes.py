"""Membrane recorders and the traces panel: a recorder's neurons are what a student wants to see, and what a run
already recorded need not wait for the next run."""

from __future__ import annotations

import numpy as np

__all__ = ["recorder_probes", "recorded_trace"]


def recorder_probes(net, recorder_ids=None) -> list:
    """(population, neuron, variable) of every neuron the network's state recorders (these, or all) sample."""
    probes = []
    for rid, rec in net.recorders.items():
        if rec.kind == "state" and (recorder_ids is None or rid in recorder_ids) and rec.target in net.populations:
            probes += [(rec.target, i, rec.variable) for i in rec.neurons]
    return list(dict.fromkeys(probes))


def recorded_trace(sim, probe) -> tuple[np.ndarray, np.ndarray] | None:
    """What a state recorder of ``sim`` recorded of ``probe`` so far: (t ms, values), or None."""
    node, neuron, variable = probe
    for rid, rec in sim.network.recorders.items():
        if rec.kind == "state" and rec.target == node and rec.variable == variable and neuron in rec.neurons \
                and rid in sim.results.trace_ids:
            t, values = sim.results.trace(rid)
            return t, values[:, rec.neurons.index(neuron)]
    return None
