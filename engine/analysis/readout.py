"""Reading out what an unsupervised network learned, as Diehl & Cook (2015) do: label each neuron with the class
it answers most, then classify a sample by which class's neurons answer it most.

Works on the results of a run with a dataset input (its labels and onsets) and a spike recorder on the layer.
"""

from __future__ import annotations

import copy

import numpy as np

from ..model.catalog import NEURON_MODELS
from ..model.network import DatasetInput, Network
from ..simulation.results import Results

__all__ = ["sample_responses", "assign_labels", "classify", "frozen_network"]


def sample_responses(results: Results, shown: DatasetInput, population_id: str) -> tuple[np.ndarray, np.ndarray]:
    """(spike counts of shape (samples, neurons) during each sample's presentation, labels of the samples).

    Spikes in the rest after a sample are not counted; samples the run did not reach count nothing.
    """
    onsets, labels = results.presented(shown.id)
    times, ids = results.spikes(population_id)
    size = results.spike_counts(population_id).size
    k = np.searchsorted(onsets, times, side="right") - 1  # the sample on show (or resting after) at each spike
    inside = (k >= 0) & (times < onsets[np.clip(k, 0, None)] + shown.presentation) if onsets.size else k < -1
    counts = np.zeros((onsets.size, size), np.int64)
    np.add.at(counts, (k[inside], ids[inside]), 1)
    return counts, labels


def assign_labels(responses: np.ndarray, labels: np.ndarray, n_classes: int | None = None) -> np.ndarray:
    """Each neuron's class: the one whose samples it answered with the most spikes on average (-1: never fired)."""
    n_classes = int(labels.max()) + 1 if n_classes is None else n_classes
    means = np.zeros((n_classes, responses.shape[1]))
    for c in range(n_classes):
        if np.any(labels == c):
            means[c] = responses[labels == c].mean(axis=0)
    assigned = means.argmax(axis=0)
    assigned[means.max(axis=0) == 0] = -1
    return assigned


def classify(responses: np.ndarray, assignments: np.ndarray, n_classes: int | None = None) -> np.ndarray:
    """Each sample's class: the one whose neurons fired most on average (-1 when the layer stayed silent)."""
    n_classes = int(assignments.max()) + 1 if n_classes is None else n_classes
    scores = np.zeros((responses.shape[0], n_classes))
    for c in range(n_classes):
        members = assignments == c
        if members.any():
            scores[:, c] = responses[:, members].mean(axis=1)
    predicted = scores.argmax(axis=1)
    predicted[scores.max(axis=1) == 0] = -1
    return predicted


def frozen_network(net: Network) -> Network:
    """A copy that no longer learns: no plasticity, adaptive thresholds held where they are (theta_plus = 0,
    tau_theta as long as allowed), as Diehl & Cook test their network."""
    out = copy.deepcopy(net)
    for proj in out.projections.values():
        proj.plasticity = None
    for pop in out.populations.values():
        if "theta_plus" in getattr(NEURON_MODELS.get(pop.model), "params", {}):
            pop.params["theta_plus"] = 0.0
            pop.params["tau_theta"] = 1e12
    return out
