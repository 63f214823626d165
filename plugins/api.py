"""The plugin API: what a dataset (and, later, a learning rule) plugin declares and provides.

A plugin is any object with an ``info`` (``PluginInfo``) registered under an entry point of the
group ``spikestudio.datasets`` (or ``spikestudio.learning_rules``). Parameters are ``ParamSpec``s, so
the inspector shows them like every other parameter, with unit, range and description.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field

import numpy as np

from ..engine.model.params import ParamSpec, Problem, check_params, fill_params

__all__ = ["PluginInfo", "Dataset", "DatasetPlugin", "DatasetError", "MeasurePlugin", "EVENT_DTYPE",
           "missing_requirements"]

# One address event: pixel column and row, polarity (1 = brighter) and time in microseconds.
EVENT_DTYPE = np.dtype([("x", np.int32), ("y", np.int32), ("p", np.int8), ("t", np.int64)])


class DatasetError(ValueError):
    """A dataset could not be read: names the file and what is wrong with it."""


@dataclass(frozen=True)
class PluginInfo:
    id: str
    version: str
    display_name: str
    description: str
    params: dict[str, ParamSpec] = field(default_factory=dict)
    text_params: dict[str, str] = field(default_factory=dict)  # name -> description (file paths and the like)
    # optional packages the plugin imports only when used: module name -> what to install ("scikit-learn (pip ...)")
    requires: dict[str, str] = field(default_factory=dict)


def missing_requirements(info: PluginInfo) -> list[str]:
    """What ``info.requires`` names that cannot be imported here, found without importing it (so a check stays
    cheap, and ``validate`` reports what a run would hit)."""
    return [f'the plugin "{info.id}" needs {what}, which is not installed here'
            for module, what in info.requires.items() if importlib.util.find_spec(module) is None]


@dataclass
class Dataset:
    """Samples with labels. ``frames``: an array (n, rows, columns) of intensities in [0, 1]; ``events``: one
    ``EVENT_DTYPE`` array per sample (event-camera recordings) on a ``shape`` = (rows, columns) sensor."""

    name: str
    labels: np.ndarray
    shape: tuple[int, int]
    frames: np.ndarray | None = None
    events: list[np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def kind(self) -> str:
        return "frames" if self.frames is not None else "events"


class DatasetPlugin:
    """Base class: subclasses set ``info`` and implement ``_load(numbers, texts)``."""

    info: PluginInfo

    def load(self, **params) -> Dataset:
        """The dataset for these parameters; raises ``DatasetError`` naming what is wrong."""
        numbers = {k: v for k, v in params.items() if k in self.info.params}
        texts = {k: v for k, v in params.items() if k in self.info.text_params}
        unknown = sorted(set(params) - set(numbers) - set(texts))
        problems = [Problem(f"{self.info.id}.{k}", "unknown parameter") for k in unknown]
        problems += check_params(self.info.params, numbers, self.info.id)
        if problems:
            raise DatasetError("; ".join(map(str, problems)))
        return self._load(fill_params(self.info.params, numbers), texts)

    def _load(self, numbers: dict, texts: dict) -> Dataset:
        raise NotImplementedError


class MeasurePlugin:
    """Base class of a sweep measure (entry-point group ``spikestudio.measures``): subclasses set ``info`` and
    implement ``compute(results, simulator)`` returning ``{column: number}`` for one run. ``needs_spikes``
    asks for every population's spikes to be recorded. Workers load it by name, so define it at module level."""

    info: PluginInfo
    needs_spikes: bool = False

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def description(self) -> str:
        return self.info.description

    def compute(self, results, simulator) -> dict[str, float]:
        raise NotImplementedError
