"""The items a network holds: populations, inputs, projections, recorders, notes and their parts, as plain dataclasses.

``network.Network`` gathers them; the checks (``validate``) read these classes without needing ``Network``.
Units: times in ms, potentials in mV, currents in pA, conductances in nS, rates in Hz.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .catalog import (
    CONNECTIVITY_RULES,
    CURRENT_WAVEFORMS,
    DATASET_INPUT_PARAMS,
    GRADED_PARAMS,
    NEURON_MODELS,
    RECEPTOR_DEFAULTS,
)
from .params import Problem, ValidationError, fill_params

__all__ = [
    "Distribution",
    "Population",
    "PoissonInput",
    "SpikeTimesInput",
    "DatasetInput",
    "CurrentInput",
    "RewardInput",
    "Synapse",
    "Plasticity",
    "Projection",
    "Recorder",
    "Metadata",
    "NodeLayout",
    "Note",
]


@dataclass(eq=False)
class Distribution:
    """A value drawn per neuron or per synapse: constant, uniform, normal or lognormal, clipped to [min, max].

    For ``lognormal``, ``mean`` and ``std`` are those of the drawn values themselves (not of their log).
    ``min``/``max`` of None mean unbounded. With ``redraw``, a draw outside [min, max] is drawn again instead of
    clipped (NEST's ``redraw``: a truncated distribution, with no pile of values at the bound).
    """

    kind: str = "constant"
    value: float = 0.0
    low: float = 0.0
    high: float = 1.0
    mean: float = 0.0
    std: float = 1.0
    min: float | None = None
    max: float | None = None
    redraw: bool = False

    @classmethod
    def of(cls, x: float | Distribution) -> Distribution:
        """A number becomes a constant; a distribution is returned as it is."""
        return x if isinstance(x, Distribution) else cls("constant", value=float(x))

    def expected(self) -> float:
        """Mean of the distribution before clipping (used for estimates and summaries)."""
        return {"constant": self.value, "uniform": 0.5 * (self.low + self.high)}.get(self.kind, self.mean)


@dataclass(eq=False)
class Population:
    """A group of neurons sharing a model and its parameters.

    ``initial`` maps state variables to a distribution, or to an array of one value per neuron (a learned
    state, such as the adaptive thresholds ``Simulator.learned_network`` keeps).
    """

    id: str
    size: int = 1
    model: str = "lif"
    params: dict = field(default_factory=dict)
    initial: dict = field(default_factory=dict)
    grid: tuple[int, int] | None = None
    name: str = ""

    def __post_init__(self):
        self.name = self.name or self.id
        model = NEURON_MODELS.get(self.model)
        if model is not None:
            self.params = fill_params(model.params, self.params)
        self.initial = {k: _initial_value(v) for k, v in self.initial.items()}
        if self.grid is not None:
            self.grid = tuple(self.grid)


@dataclass(eq=False)
class PoissonInput:
    """Independent Poisson spike trains, one per neuron; ``rates`` (Hz, one per neuron) overrides ``rate``."""

    id: str
    size: int = 1
    rate: float = 10.0
    rates: np.ndarray | None = None
    grid: tuple[int, int] | None = None
    name: str = ""

    def __post_init__(self):
        self.name = self.name or self.id
        if self.rates is not None:
            self.rates = np.asarray(self.rates, dtype=np.float64)
        if self.grid is not None:
            self.grid = tuple(self.grid)


@dataclass(eq=False)
class SpikeTimesInput:
    """Spikes at given (neuron, time in ms) pairs."""

    id: str
    size: int = 1
    neurons: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    times: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    name: str = ""

    def __post_init__(self):
        self.name = self.name or self.id
        self.neurons = np.asarray(self.neurons, dtype=np.int64).ravel()
        self.times = np.asarray(self.times, dtype=np.float64).ravel()


@dataclass(eq=False)
class DatasetInput:
    """Samples of a dataset plugin, encoded as spikes (one neuron per pixel) and shown one after another.

    Holds only the recipe: which plugin (``dataset``, with ``dataset_params``), which encoder (with
    ``encoder_params``, e.g. ``max_rate``), how long each sample is shown and the rest between samples (ms),
    and which samples (``samples`` of them from index ``offset``). The samples are loaded and encoded when
    the network is built, so a file stays small and a missing plugin is reported then, naming this node.
    """

    id: str
    size: int = 64
    dataset: str = "digits"
    dataset_params: dict = field(default_factory=dict)
    encoder: str = "rate"
    encoder_params: dict = field(default_factory=dict)
    presentation: float = DATASET_INPUT_PARAMS["presentation"].default
    rest: float = DATASET_INPUT_PARAMS["rest"].default
    samples: int = DATASET_INPUT_PARAMS["samples"].default
    offset: int = DATASET_INPUT_PARAMS["offset"].default
    grid: tuple[int, int] | None = None
    name: str = ""

    def __post_init__(self):
        self.name = self.name or self.id
        self.dataset_params = dict(self.dataset_params)
        self.encoder_params = dict(self.encoder_params)
        if self.grid is not None:
            self.grid = tuple(self.grid)

    @property
    def duration(self) -> float:
        """ms from the first onset to the end of the last sample's rest."""
        return self.samples * (self.presentation + self.rest)


@dataclass(eq=False)
class CurrentInput:
    """A current injected into every neuron of ``target``: dc, step, ramp, sine or Ornstein-Uhlenbeck noise."""

    id: str
    target: str
    waveform: str = "dc"
    params: dict = field(default_factory=dict)
    name: str = ""

    def __post_init__(self):
        self.name = self.name or self.id
        specs = CURRENT_WAVEFORMS.get(self.waveform)
        if specs is not None:
            self.params = fill_params(specs, self.params)


@dataclass(eq=False)
class RewardInput:
    """A scalar reward (dopamine) signal for reward-modulated learning rules; it emits no spikes.

    The signal is a piecewise-constant schedule (``values[k]`` from ``times[k]`` ms until the next time, 0
    before the first) plus, when ``source`` names a population or spike source, a pulse of ``pulse`` for each
    of its spikes that decays with ``tau`` ms (Izhikevich 2007's dopamine; NEST's volume transmitter).
    A learning rule names the node in its ``reward`` parameter.
    """

    id: str
    times: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    values: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float64))
    source: str = ""
    pulse: float = 1.0
    tau: float = 200.0
    name: str = ""

    def __post_init__(self):
        self.name = self.name or self.id
        self.times = np.asarray(self.times, dtype=np.float64).ravel()
        self.values = np.asarray(self.values, dtype=np.float64).ravel()


@dataclass(eq=False)
class Synapse:
    """How a spike acts on its target: ``delta``, ``current`` or ``conductance``; ``tau`` in ms, ``E_rev`` in mV.

    Or a continuous synapse between membrane voltages (``GRADED_KINDS``): ``graded`` (sigmoid of v_pre with
    ``V_half`` and ``V_slope`` in mV, driving towards ``E_rev``) or ``gap`` (a gap junction); these ignore
    ``tau`` and the delay, and only ``graded`` reads ``V_half`` and ``V_slope``.
    """

    kind: str = "current"
    receptor: str = "excitatory"
    tau: float | None = None
    E_rev: float | None = None
    V_half: float = GRADED_PARAMS["V_half"].default
    V_slope: float = GRADED_PARAMS["V_slope"].default

    def __post_init__(self):
        defaults = RECEPTOR_DEFAULTS.get(self.receptor, RECEPTOR_DEFAULTS["excitatory"])
        if self.tau is None:
            self.tau = defaults["tau"]
        if self.E_rev is None:
            self.E_rev = defaults["E_rev"]


@dataclass(eq=False)
class Plasticity:
    """A learning rule attached to a projection: a plugin id and its parameters (rules come from plugins).

    A parameter ``reward`` names the ``RewardInput`` that modulates the rule (reward-modulated STDP).
    """

    rule: str
    params: dict = field(default_factory=dict)


@dataclass(eq=False)
class Projection:
    """Synapses from ``source`` to ``target`` made by a connectivity rule.

    Weights are magnitudes (>= 0); the receptor gives the sign. The ``explicit`` rule takes
    ``pre``/``post`` index arrays and optional per-synapse ``weights``/``delays`` (these also hold
    learned weights).
    """

    id: str
    source: str
    target: str
    rule: str = "fixed_probability"
    rule_params: dict = field(default_factory=dict)
    weight: Distribution = field(default_factory=lambda: Distribution("constant", value=1.0))
    delay: Distribution = field(default_factory=lambda: Distribution("constant", value=1.0))
    synapse: Synapse = field(default_factory=Synapse)
    allow_autapses: bool = False
    plasticity: Plasticity | None = None
    pre: np.ndarray | None = None
    post: np.ndarray | None = None
    weights: np.ndarray | None = None
    delays: np.ndarray | None = None
    name: str = ""

    def __post_init__(self):
        self.name = self.name or self.id
        self.weight = Distribution.of(self.weight)
        self.delay = Distribution.of(self.delay)
        specs = CONNECTIVITY_RULES.get(self.rule)
        if specs is not None:
            self.rule_params = fill_params(specs, self.rule_params)
        for attr, dtype in (("pre", np.int64), ("post", np.int64), ("weights", np.float64), ("delays", np.float64)):
            value = getattr(self, attr)
            if value is not None:
                setattr(self, attr, np.asarray(value, dtype=dtype).ravel())


@dataclass(eq=False)
class Recorder:
    """What to record: ``spikes`` of a node, a ``state`` variable of chosen neurons, or a population ``rate``.

    ``interval`` (ms) is the sampling interval of state recorders; ``bin`` (ms) the rate bin width.
    """

    id: str
    kind: str
    target: str
    variable: str = "v"
    neurons: list[int] = field(default_factory=lambda: [0])
    interval: float = 0.1
    bin: float = 1.0
    name: str = ""

    def __post_init__(self):
        self.name = self.name or self.id
        self.neurons = [int(i) for i in self.neurons]


@dataclass(eq=False)
class Metadata:
    title: str = ""
    author: str = ""
    description: str = ""
    license: str = ""


@dataclass(eq=False)
class NodeLayout:
    """Where a node sits on the canvas and its colour; the simulation never reads this."""

    x: float = 0.0
    y: float = 0.0
    color: str = ""


@dataclass(eq=False)
class Note:
    """A sticky note on the canvas; ``x``, ``y`` is its top-left corner. Presentation only, like the layout:
    the simulator, the exporters and ``validate()`` never read notes (``engine.notes`` checks them)."""

    id: str
    text: str = ""
    x: float = 0.0
    y: float = 0.0
    width: float = 220.0
    height: float = 140.0
    color: str = "#fff59d"


def _initial_value(value) -> Distribution | np.ndarray:
    """Numbers and distributions as distributions; lists and arrays as one float per neuron."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return np.asarray(value, dtype=np.float64).ravel()
    return Distribution.of(value)


def _validation_error(location: str, message: str) -> ValidationError:
    return ValidationError([Problem(location, message)])
