"""Dataset inputs in exported scripts: SpikeStudio's encoded presentation, replayed as spike times.

A dataset input is a recipe that SpikeStudio encodes when it builds the network (seeded from the network's seed
and the node's id); the other simulator has neither the dataset plugin nor the encoder, so the script gets the
very spikes SpikeStudio's run sees, as a spike-time input of the same size.
"""

from __future__ import annotations

import copy

import numpy as np

from ..errors import BuildError
from ..model.network import DatasetInput, Network, SpikeTimesInput
from ..simulation.dataset_input import resolve_datasets
from .report import ExportReport, location

__all__ = ["replay_datasets"]


def replay_datasets(net: Network, datasets, report: ExportReport) -> Network:
    """``net`` with every dataset input replaced by its encoded spikes (a copy), when ``datasets`` (the plugin
    side's dataset source, as ``Simulator`` takes) is given and can encode them; else ``net`` unchanged, and the
    exporter leaves the dataset inputs out."""
    if datasets is None or not any(isinstance(item, DatasetInput) for item in net.inputs.values()):
        return net
    try:
        shown = resolve_datasets(net, datasets)
    except BuildError as exc:
        report.note("inputs", f"dataset inputs not replayed: {exc}")
        return net
    out = copy.copy(net)
    out.inputs = dict(net.inputs)
    n_steps = int(round(net.duration / net.dt))
    for item_id, spikes in shown.items():
        item = net.inputs[item_id]
        within = np.rint(spikes.times / net.dt) < n_steps  # the run's spikes only (a short run of a long dataset)
        out.inputs[item_id] = SpikeTimesInput(item_id, item.size, spikes.neurons[within], spikes.times[within],
                                              name=item.name)
        report.note(location("inputs", item_id),
                    f"SpikeStudio's encoded presentation of {len(spikes.labels)} {item.dataset} samples "
                    f"({int(within.sum())} spikes in the run, {item.encoder} encoding) is replayed as spike times; "
                    "the labels are not exported")
    return out
