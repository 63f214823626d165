"""The plugin API: what a dataset, learning-rule or measure plugin declares and provides.

A plugin is any object with an ``info`` (``PluginInfo``) registered under an entry point of the
group ``spikestudio.datasets``, ``spikestudio.learning_rules`` or ``spikestudio.measures``. Parameters are
``ParamSpec``s, so the inspector shows them like every other parameter, with unit, range and description.

A learning rule is best contributed as a description: text in the rule language of
``engine.equations.rule_text`` (parameters with units, per-synapse and per-neuron variables, trace equations,
``on_pre``/``on_post`` statements, ``every INTERVAL:`` statements at a fixed period, an optional modulator),
turned into a plugin by ``described_rule``::

    # my_package/rules.py, named in pyproject.toml:
    #   [project.entry-points."spikestudio.learning_rules"]
    #   my_rule = "my_package.rules:MY_RULE"
    from spikestudio.plugins.api import described_rule

    MY_RULE = described_rule("my_rule", "1.0", '''
    title My Hebbian rule
    param eta = 0.01 [0, 1] "Learning rate"
    param tau = 20 ms (0, inf) "Trace time constant"
    pre x = 0
    dx/dt = -x/tau
    on_pre x += 1
    on_post w = w + eta*x
    ''')

The text is parsed by a whitelist grammar (never evaluated) when the plugin is imported; a mistake raises
``RuleError`` naming its line and column, so the registry records the plugin as broken with that message.
The engine generates and compiles the rule's code into its time loop: none of the plugin's Python runs
while the network runs, and a network file that uses the rule carries its text, so it opens where the
plugin is not installed. A rule with a ``modulator`` gets the text parameter ``reward``: the id of the
reward node whose signal the modulator reads.

A neuron model is contributed the same way (entry-point group ``spikestudio.neuron_models``, the language of
``engine.equations.text``): ``described_model(id, version, text)``. A package best ships each text as a data file
and reads it with ``importlib.resources`` (``tests/example_plugin`` does both).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field

import numpy as np

from ..engine.equations.rule_description import RuleDescription, RuleError
from ..engine.equations.rule_text import parse_rule
from ..engine.model.params import ParamSpec, Problem, check_params, fill_params

__all__ = ["PluginInfo", "Dataset", "DatasetPlugin", "DatasetError", "MeasurePlugin", "EVENT_DTYPE",
           "missing_requirements", "DescribedRule", "described_rule", "RuleError", "DescribedModel",
           "described_model"]

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


@dataclass(frozen=True)
class DescribedRule:
    """A learning-rule plugin made of a description: ``info`` (its parameters come from the description's),
    the checked ``description`` and the ``text`` it was parsed from (what a network file carries)."""

    info: PluginInfo
    description: RuleDescription
    text: str

    def engine_part(self, params: dict, dt: float):
        """Described rules have no hand-written family: the engine generates their code from ``description``."""
        raise ValueError(f'"{self.info.id}" is a described rule: the engine runs its description, not a RuleSpec')


def described_rule(rule_id: str, version: str, text: str, display_name: str = "") -> DescribedRule:
    """A learning-rule plugin from a rule's text; ``RuleError`` (line and column of each problem) when it is
    not a valid rule. Parameter ranges, units and descriptions are the description's."""
    desc = parse_rule(text, rule_id)
    params = {p.name: ParamSpec(p.name, p.default, p.unit.text, p.description or p.name, p.low, p.high,
                                low_open=p.low_open, high_open=p.high_open) for p in desc.params}
    text_params = {"reward": f"The id of the reward node whose signal is the rule's {desc.modulator}"} \
        if desc.modulator else {}
    about = desc.description or desc.title or rule_id
    info = PluginInfo(rule_id, version, display_name or desc.title or rule_id, about, params, text_params)
    return DescribedRule(info, desc, text)


@dataclass(frozen=True)
class DescribedModel:
    """A neuron-model plugin made of a description: ``info`` and the model's ``text``. The registry's reader
    (``plugins.neuron_models``) parses and checks the text when it loads the plugin, and records a problem (with
    its line and column) on the plugin's record instead of raising."""

    info: PluginInfo
    text: str


def described_model(model_id: str, version: str, text: str, display_name: str = "",
                    description: str = "") -> DescribedModel:
    """A neuron-model plugin from a model's text; an empty ``display_name`` or ``description`` is taken from the
    text's ``title`` and ``about`` lines."""
    return DescribedModel(PluginInfo(model_id, version, display_name, description), text)
