"""Train a network on a dataset input without labels, then test it as Diehl & Cook (2015) do.

Training shows the first ``n_train`` samples to the learning network. The learned network is then frozen
(``engine.readout.frozen_network``) and shown the next ``n_label`` samples, whose labels name each neuron's
class, and the ``n_test`` samples after those, which it classifies: no sample is seen twice.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import numpy as np

from ..engine.analysis.readout import assign_labels, classify, frozen_network, sample_responses
from ..engine.model.network import DatasetInput, Network
from ..engine.simulation.simulator import Simulator
from .dataset_source import default_datasets
from .registry import default_registry

__all__ = ["Evaluation", "train", "evaluate", "train_and_test"]


@dataclass
class Evaluation:
    """Accuracy on the test samples, with what it was computed from."""

    accuracy: float
    assignments: np.ndarray  # class of each neuron (-1: silent while labelling)
    predicted: np.ndarray  # class given to each test sample (-1: the layer stayed silent)
    labels: np.ndarray  # true class of each test sample
    seconds: dict = field(default_factory=dict)  # wall time of each phase

    def __str__(self) -> str:
        return (f"accuracy {self.accuracy:.1%} on {self.labels.size} test samples "
                f"({np.mean(self.predicted == -1):.0%} unanswered); classes of the neurons: "
                f"{np.bincount(self.assignments[self.assignments >= 0], minlength=10).tolist()}")


def _input(net: Network, input_id: str) -> DatasetInput:
    item = net.inputs.get(input_id)
    if not isinstance(item, DatasetInput):
        raise KeyError(f"{input_id!r} is not a dataset input of this network")
    return item


def _showing(net: Network, input_id: str, offset: int, samples: int) -> Network:
    """``net`` showing ``samples`` samples from ``offset``, for exactly as long as that takes."""
    item = _input(net, input_id)
    item.offset, item.samples = offset, samples
    net.duration = item.duration
    return net


def train(net: Network, n_train: int, input_id: str = "digits", progress=None) -> Simulator:
    """Simulate ``net`` (a copy) through the first ``n_train`` samples; the simulator holds what was learned."""
    net = _showing(copy.deepcopy(net), input_id, 0, n_train)
    sim = Simulator(net, default_registry().learning_rules(), datasets=default_datasets())
    sim.run(progress=progress)
    return sim


def evaluate(learned: Network, offset: int, n_label: int, n_test: int, population: str = "E",
             input_id: str = "digits") -> Evaluation:
    """Freeze ``learned``, label its neurons on ``n_label`` samples from ``offset``, classify the next ``n_test``."""
    net = _showing(frozen_network(learned), input_id, offset, n_label + n_test)
    if not any(r.kind == "spikes" and r.target == population for r in net.recorders.values()):
        net.record_spikes(population, id="readout:spikes")
    start = time.perf_counter()
    res = Simulator(net, datasets=default_datasets()).run()
    counts, labels = sample_responses(res, _input(net, input_id), population)
    n_classes = int(labels.max()) + 1
    assignments = assign_labels(counts[:n_label], labels[:n_label], n_classes)
    predicted = classify(counts[n_label:], assignments, n_classes)
    accuracy = float(np.mean(predicted == labels[n_label:]))
    return Evaluation(accuracy, assignments, predicted, labels[n_label:], {"test": time.perf_counter() - start})


def train_and_test(net: Network, n_train: int, n_label: int, n_test: int, population: str = "E",
                   input_id: str = "digits", progress=None) -> tuple[Evaluation, Simulator]:
    """Train on samples [0, n_train), label on the next ``n_label``, test on the ``n_test`` after those."""
    start = time.perf_counter()
    sim = train(net, n_train, input_id, progress)
    seconds = time.perf_counter() - start
    result = evaluate(sim.learned_network(), n_train, n_label, n_test, population, input_id)
    result.seconds["train"] = seconds
    return result, sim

