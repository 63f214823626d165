"""Dataset inputs at build time: their samples become spike times, and what was shown when is kept.

The engine knows no dataset or encoder: the caller passes ``datasets``, a callable (the plugin side's
``plugins.dataset_source.RegistryDatasets``) that turns a ``DatasetInput`` and a seed into an object with
``neurons``, ``times`` (ms), ``labels``, ``onsets`` (ms) and ``size``, as ``plugins.encoders.present`` returns.
Whatever goes wrong there becomes a ``BuildError`` naming the node and its plugin.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import BuildError
from ..model.network import DatasetInput, Network
from .connectivity import projection_seed

__all__ = ["Shown", "resolve_datasets", "dataset_inputs"]


@dataclass
class Shown:
    """One dataset input's spikes (neuron within the node, time in ms) and each sample's label and onset (ms)."""

    neurons: np.ndarray
    times: np.ndarray
    labels: np.ndarray
    onsets: np.ndarray


def dataset_inputs(net: Network) -> list[DatasetInput]:
    return [item for item in net.inputs.values() if isinstance(item, DatasetInput)]


def resolve_datasets(net: Network, datasets: Callable | None) -> dict[str, Shown]:
    """Load and encode every dataset input's samples (seeded from the network's seed and the node's id)."""
    out = {}
    for item in dataset_inputs(net):
        where = f'inputs["{item.id}"] (dataset "{item.dataset}")'
        if datasets is None:
            raise BuildError(f"{where}: no dataset plugins were given to the simulator "
                             "(spikestudio.Simulator finds the installed ones)")
        try:
            shown = datasets(item, projection_seed(net.seed, "dataset:" + item.id))
        except Exception as exc:  # a plugin's failure is the user's problem to fix, never a crash
            raise BuildError(f"{where}: {exc}") from exc
        if shown.size != item.size:
            raise BuildError(f"{where}: the {item.encoder} encoder needs {shown.size} neurons for this dataset, "
                             f"but the input has {item.size}; set its size to {shown.size}")
        out[item.id] = _checked(shown, item, where)
    return out


def _checked(shown, item: DatasetInput, where: str) -> Shown:
    """Plain arrays of the right types, with spikes inside the node and at finite times >= 0."""
    neurons = np.asarray(shown.neurons, np.int64).ravel()
    times = np.asarray(shown.times, np.float64).ravel()
    if neurons.shape != times.shape or (neurons.size and (neurons.min() < 0 or neurons.max() >= item.size)):
        raise BuildError(f"{where}: the encoder returned spikes outside the input's {item.size} neurons")
    if times.size and (not np.all(np.isfinite(times)) or times.min() < 0):
        raise BuildError(f"{where}: the encoder returned spike times that are not finite and >= 0 ms")
    return Shown(neurons, times, np.asarray(shown.labels).ravel(), np.asarray(shown.onsets, np.float64).ravel())
