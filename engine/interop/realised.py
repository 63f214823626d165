"""Realised wiring for script exports: the synapses and initial state SpikeStudio draws, written out.

A script that draws its own wiring builds a network of the same statistics; one that reads the realised
synapses and initial values builds the same network, so it can reproduce SpikeStudio's spike trains.
What stays random in the other simulator (Poisson sources, OU noise) is named in the report; Poisson
sources can be replayed from SpikeStudio's own run (``poisson_counts``).
"""

from __future__ import annotations

import copy

import numpy as np

from ..model.network import CurrentInput, Network, PoissonInput
from ..simulation.build import draw_synapses, initial_values
from .report import ExportReport, location

__all__ = ["WIRINGS", "realise", "poisson_counts", "ou_samples", "check_wiring"]

WIRINGS = ("rules", "realised")
MAX_REPLAY_BYTES = 2**30  # per-step spike counts of replayed Poisson sources (one byte per neuron and step)
MAX_OU_BYTES = 2**30  # replayed OU noise (eight bytes per neuron and step)


def check_wiring(wiring: str, replay_inputs: bool) -> None:
    """Refuse an unknown wiring, or replayed inputs without realised wiring, naming the choices."""
    if wiring not in WIRINGS:
        raise ValueError(f"wiring must be one of {', '.join(WIRINGS)}, got {wiring!r}")
    if replay_inputs and wiring != "realised":
        raise ValueError("replaying Poisson inputs needs wiring='realised' (the exact mode)")


def realise(net: Network, report: ExportReport, replay_inputs: bool = False) -> Network:
    """A copy of ``net`` whose drawn projections are explicit synapse lists (delays in whole steps) and whose
    populations start from the values SpikeStudio draws; what stays random elsewhere goes into ``report``."""
    out = copy.deepcopy(net)
    for pid, values in initial_values(net).items():
        out.populations[pid].initial = values
    spiking = net.spiking_nodes()
    for proj in out.projections.values():
        if _drawn(proj) and proj.source in spiking and proj.target in spiking:
            pre, post, w, d = draw_synapses(net, net.projections[proj.id], spiking)
            proj.rule, proj.rule_params = "explicit", {}
            proj.pre, proj.post, proj.weights, proj.delays = pre, post, w, d * net.dt
    for item in net.inputs.values():
        where = location("inputs", item.id)
        if isinstance(item, PoissonInput) and not replay_inputs:
            report.note(where, f"its spikes are drawn by {report.target}'s generator: the same rates, other spikes "
                               "(replay_inputs / --replay-inputs replays SpikeStudio's)")
        if isinstance(item, CurrentInput) and item.waveform == "ou" and not replay_inputs:
            report.note(where, f"OU noise is drawn by {report.target}'s generator: the same statistics, other samples "
                               "(replay_inputs / --replay-inputs replays SpikeStudio's in Brian2)")
    return out


def _drawn(proj) -> bool:
    """Whether building the projection draws anything (which synapses exist, their weights or delays)."""
    fixed = proj.rule in ("one_to_one", "all_to_all", "explicit")
    return not (fixed and (proj.weights is not None or proj.weight.kind == "constant")
                and (proj.delays is not None or proj.delay.kind == "constant"))


def poisson_counts(net: Network, ids: list[str]) -> dict[str, np.ndarray]:
    """Spikes per step and neuron, (steps, size) uint8, of the Poisson sources ``ids`` in SpikeStudio's run of
    ``net`` (its seed and duration): what a script replays to see the same input."""
    from ..simulation.simulator import Simulator

    if not ids:
        return {}
    n_steps = int(round(net.duration / net.dt))
    need = n_steps * sum(net.inputs[i].size for i in ids)
    if need > MAX_REPLAY_BYTES:
        raise ValueError(f"replaying the Poisson inputs {', '.join(map(repr, ids))} needs {need / 2**20:.0f} MiB of "
                         f"spike counts (at most {MAX_REPLAY_BYTES / 2**20:.0f}); shorten the run or leave them out")
    sim = Simulator(net, record_all=True, max_spikes=1)
    counts = {i: np.zeros((n_steps, net.inputs[i].size), np.uint8) for i in ids}
    spans = {i: (sim.built.nodes[i].start, sim.built.nodes[i].size) for i in ids}

    def collect(state, step0, steps):
        n = state.counters[0]
        at, who = state.rec_step[:n], state.rec_id[:n]
        for i, (start, size) in spans.items():
            mine = (who >= start) & (who < start + size)
            flat = (at[mine] - step0) * size + who[mine] - start
            chunk = np.bincount(flat, minlength=steps * size).reshape(steps, size)
            if chunk.max(initial=0) > 255:
                raise ValueError(f"inputs[{i!r}] emits more than 255 spikes in one step: too fast to replay")
            counts[i][step0: step0 + steps] = chunk

    sim.listeners.append(collect)
    sim.advance(n_steps)
    return counts


def ou_samples(net: Network, ids: list[str]) -> dict[str, np.ndarray]:
    """The values, (steps, size) float64, that the OU current inputs ``ids`` take at each step of SpikeStudio's run
    of ``net``: what a script replays to see the same noise. The run goes one step at a time to read them."""
    from ..simulation.simulator import Simulator

    if not ids:
        return {}
    n_steps = int(round(net.duration / net.dt))
    sizes = {i: net.populations[net.inputs[i].target].size for i in ids}
    if n_steps * sum(sizes.values()) * 8 > MAX_OU_BYTES:
        raise ValueError(f"replaying the OU noise of {', '.join(map(repr, ids))} needs "
                         f"{n_steps * sum(sizes.values()) * 8 / 2**20:.0f} MiB (at most {MAX_OU_BYTES / 2**20:.0f}); "
                         "shorten the run or export without replayed inputs")
    offsets, off = {}, 0
    for item in net.inputs.values():  # the kernel's OU state: one block per OU input, in file order
        if isinstance(item, CurrentInput) and item.waveform == "ou":
            offsets[item.id] = off
            off += net.populations[item.target].size
    sim = Simulator(net, chunk_steps=1, max_spikes=1)
    values = {i: np.zeros((n_steps, sizes[i])) for i in ids}

    def collect(state, step0, steps):
        for i, a in values.items():
            a[step0] = state.ou[offsets[i]: offsets[i] + sizes[i]]

    sim.listeners.append(collect)
    sim.advance(n_steps)
    return values
