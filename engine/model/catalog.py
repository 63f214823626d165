"""The catalogue of what a network can contain: neuron models, inputs, synapses, connectivity rules.

Each entry lists its parameters as ``ParamSpec`` so the loader, the engine and the inspector agree
on defaults, units, ranges and descriptions. Integer codes are what the compiled kernel switches on.
The neuron models are derived from their descriptions (``builtin_models/*.model``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from importlib import resources

from ..equations.description import ModelDescription
from ..equations.tex import model_tex
from ..equations.text import parse_model
from ..kernels import codes
from .params import ParamSpec, spec_of_param
from .synapse_kinds import SYNAPSE_DESCRIPTIONS, kind_specs

__all__ = [
    "NeuronModel",
    "NEURON_MODELS",
    "BUILTIN_MODELS",
    "GENERATED_BUILTINS",
    "IZHIKEVICH_PRESETS",
    "builtin_description",
    "builtin_text",
    "described_model",
    "CURRENT_WAVEFORMS",
    "CONNECTIVITY_RULES",
    "SYNAPSE_KINDS",
    "RECEPTORS",
    "DISTRIBUTION_KINDS",
    "RECORDER_KINDS",
    "SYNAPTIC_VARIABLES",
    "POISSON_PARAMS",
    "DATASET_INPUT_PARAMS",
    "NETWORK_PARAMS",
    "SYNAPSE_PARAMS",
    "GRADED_KINDS",
    "GRADED_PARAMS",
    "NODE_PARAMS",
    "RECORDER_PARAMS",
    "DELAY_SPEC",
    "MAX_DELAY",
    "MAX_DURATION",
    "WEIGHT_SPECS",
]

INF = math.inf


def _p(name, default, unit, description, low=-INF, high=INF, **kw) -> ParamSpec:
    return ParamSpec(name, default, unit, description, low, high, **kw)


def _table(*specs: ParamSpec) -> dict[str, ParamSpec]:
    return {s.name: s for s in specs}


def _positive(name, default, unit, description) -> ParamSpec:
    return _p(name, default, unit, description, 0.0, INF, low_open=True)


def _nonneg(name, default, unit, description) -> ParamSpec:
    return _p(name, default, unit, description, 0.0, INF)


@dataclass(frozen=True)
class NeuronModel:
    """A neuron model: its parameters, its state variables (first is the membrane potential) and kernel code."""

    id: str
    code: int
    display_name: str
    description: str
    params: dict[str, ParamSpec]
    state: dict[str, str]  # state variable -> unit
    presets: dict[str, dict[str, float]] = field(default_factory=dict)
    learned: tuple[str, ...] = ()  # state that a run learns and ``Simulator.learned_network`` keeps
    # What the kernel integrates, one TeX-subset line each (gui/base/math_html.py renders them); data, never run.
    equations: tuple[str, ...] = ()


# The built-in neuron models are descriptions (``builtin_models/<id>.model``): parameters, state, equations and
# their TeX all come from them. What a description does not say is here: the code the compiled loop switches on
# (its hand-written kernel in ``kernels.neuron_kernels``, checked against the description by
# tests/test_builtin_descriptions.py) and the state a run learns. Presets are in the descriptions (``preset``).

BUILTIN_MODELS: dict[str, tuple[int, dict]] = {  # id -> (kernel code, what the description does not hold)
    "lif": (codes.LIF, {}),
    "izhikevich": (codes.IZH, {}),
    "adex": (codes.ADEX, {}),
    "hh": (codes.HH, {}),
    "lif_adaptive": (codes.LIF_ADAPTIVE, {"learned": ("theta",)}),
}


# Built-in models the simulator runs from their description's generated code (the description is their single
# source of truth): all of them. Their updates are compiled into the time loop as its own parts
# (``kernels/builtin_updates.py``, generated from the descriptions and checked in; tests/test_builtin_updates.py),
# called directly like any kernel, not through the custom models' entry. The hand-written kernels
# (``neuron_kernels.py``) stay as the reference they give to the bit (``build.hand_written_kernels``,
# tests/test_builtin_descriptions.py). AdEx joined last: its generated update cost 1.12x its kernel's CPU until the
# generator compiled updates that call a math function as functions of their own and took refractory neurons in a
# branch of their own (``codegen.calls_out``, ``codegen._split_lines``; benchmarks/README.md).
GENERATED_BUILTINS: frozenset[str] = frozenset({"lif", "izhikevich", "adex", "hh", "lif_adaptive"})


def builtin_text(model_id: str) -> str:
    """The text of a built-in model's description (package data, read through ``importlib.resources``)."""
    return resources.files(__package__).joinpath("builtin_models", f"{model_id}.model").read_text(encoding="utf-8")


def builtin_description(model_id: str) -> ModelDescription:
    """The checked description of a built-in model (parsed once)."""
    if model_id not in _DESCRIPTIONS:
        _DESCRIPTIONS[model_id] = parse_model(builtin_text(model_id))
    return _DESCRIPTIONS[model_id]


_DESCRIPTIONS: dict[str, ModelDescription] = {}


def described_model(model_id: str, desc: ModelDescription, code: int, **extra) -> NeuronModel:
    """The catalogue's view of a description: parameters as specs, state with units, equations as TeX, presets."""
    params = {p.name: spec_of_param(p) for p in desc.params}
    state = {s.name: s.unit.text for s in desc.state}
    return NeuronModel(model_id, code, desc.title or model_id, desc.description or desc.title or model_id,
                       params, state, presets=desc.preset_values(), equations=model_tex(desc), **extra)


NEURON_MODELS: dict[str, NeuronModel] = {
    model_id: described_model(model_id, builtin_description(model_id), code, **extra)
    for model_id, (code, extra) in BUILTIN_MODELS.items()}

# Izhikevich (2003), Fig. 2 (RS, IB, CH, FS, LTS, TC, RZ): read from its description's ``preset`` lines.
IZHIKEVICH_PRESETS = NEURON_MODELS["izhikevich"].presets

POISSON_PARAMS = _table(_nonneg("rate", 10.0, "Hz", "Firing rate of every neuron (unless per-neuron rates are given)"))

# How a dataset input shows its samples (the dataset's and encoder's own parameters come from their plugins).
DATASET_INPUT_PARAMS = _table(
    _p("presentation", 350.0, "ms", "How long each sample is shown", 0.0, 1e7, low_open=True),
    _p("rest", 150.0, "ms", "Silence between two samples", 0.0, 1e7),
    _p("samples", 100, "", "How many samples are shown, one after another", 1, 1e7, integer=True),
    _p("offset", 0, "", "Index of the first sample shown (a split: e.g. training from 0, testing from 1500)",
       0, 1e9, integer=True),
)

# Current waveforms injected into every neuron of a population.
CURRENT_WAVEFORMS: dict[str, dict[str, ParamSpec]] = {
    "dc": _table(_p("amplitude", 100.0, "pA", "Constant current", -1e6, 1e6)),
    "step": _table(
        _p("amplitude", 100.0, "pA", "Current while on", -1e6, 1e6),
        _nonneg("start", 100.0, "ms", "Switch-on time"),
        _nonneg("stop", 200.0, "ms", "Switch-off time"),
    ),
    "ramp": _table(
        _p("amplitude_start", 0.0, "pA", "Current at the start of the ramp", -1e6, 1e6),
        _p("amplitude_end", 500.0, "pA", "Current at the end of the ramp", -1e6, 1e6),
        _nonneg("start", 0.0, "ms", "Ramp start (zero current before)"),
        _nonneg("stop", 1000.0, "ms", "Ramp end (zero current after)"),
    ),
    "sine": _table(
        _p("amplitude", 100.0, "pA", "Peak deviation from the offset", -1e6, 1e6),
        _nonneg("frequency", 10.0, "Hz", "Frequency"),
        _p("phase", 0.0, "deg", "Phase at t = 0", -360.0, 360.0),
        _p("offset", 0.0, "pA", "Mean current", -1e6, 1e6),
    ),
    "ou": _table(
        _p("mean", 0.0, "pA", "Mean current", -1e6, 1e6),
        _nonneg("std", 50.0, "pA", "Stationary standard deviation (independent per neuron)"),
        _positive("tau", 10.0, "ms", "Correlation time"),
    ),
}
CURRENT_CODES = {name: i for i, name in enumerate(CURRENT_WAVEFORMS)}

CONNECTIVITY_RULES: dict[str, dict[str, ParamSpec]] = {
    "all_to_all": {},
    "one_to_one": {},
    "fixed_probability": _table(_p("p", 0.1, "", "Connection probability of each pair", 0.0, 1.0)),
    "fixed_indegree": _table(_p("k", 10, "", "Inputs per target neuron", 0, 1e9, integer=True)),
    "fixed_outdegree": _table(_p("k", 10, "", "Outputs per source neuron", 0, 1e9, integer=True)),
    "fixed_total": _table(_p("n", 1000, "", "Total number of synapses", 0, 1e12, integer=True),
                          _p("multapses", 0, "", "1: every synapse picks its pair anew, so a pair may get several "
                             "(NEST's fixed_total_number); 0: distinct pairs while n fits", 0, 1, integer=True)),
    "gaussian": _table(
        _p("p_max", 1.0, "", "Connection probability at zero distance", 0.0, 1.0),
        _positive("sigma", 2.0, "grid units", "Width of the Gaussian in grid spacings"),
    ),
    "explicit": {},
}

# The synapse kinds are descriptions (``builtin_synapses/<kind>.synapse``): their tooltips, weight units and parameter
# specs come from them (``synapse_kinds``); the kinds that act without spikes are the graded ones.
SYNAPSE_KINDS = {kind: desc.about for kind, desc in SYNAPSE_DESCRIPTIONS.items()}
SYNAPSE_CODES = {name: i for i, name in enumerate(SYNAPSE_KINDS)}
GRADED_KINDS = tuple(kind for kind, desc in SYNAPSE_DESCRIPTIONS.items() if not desc.spiking)  # no spikes, no tau
WEIGHT_UNITS = {kind: desc.weight.text for kind, desc in SYNAPSE_DESCRIPTIONS.items()}
RECEPTORS = ("excitatory", "inhibitory")
# A projection's tau and E_rev (the spiking kinds' parameters; the first kind to name one gives its spec) and the
# graded synapses' own (V_half, V_slope).


def _first_specs(kinds, taken=()) -> dict[str, ParamSpec]:
    """Every parameter the kinds name (but those ``taken``), each with the spec of the first kind naming it."""
    specs: dict[str, ParamSpec] = {}
    for kind in kinds:
        for name, spec in kind_specs(kind).items():
            if name not in taken:
                specs.setdefault(name, spec)
    return specs


SYNAPSE_PARAMS = _first_specs(kind for kind in SYNAPSE_KINDS if kind not in GRADED_KINDS)
GRADED_PARAMS = _first_specs(GRADED_KINDS, SYNAPSE_PARAMS)
RECEPTOR_DEFAULTS = {"excitatory": {"tau": 5.0, "E_rev": 0.0}, "inhibitory": {"tau": 10.0, "E_rev": -80.0}}

DISTRIBUTION_KINDS = {
    "constant": ("value",),
    "uniform": ("low", "high"),
    "normal": ("mean", "std"),
    "lognormal": ("mean", "std"),
}

RECORDER_KINDS = ("spikes", "state", "rate")
SYNAPTIC_VARIABLES = {"syn_exc": "summed excitatory synaptic state", "syn_inh": "summed inhibitory synaptic state"}

MAX_THREADS = 1024
MAX_DURATION = 1e9  # ms (11.6 simulated days): far beyond any run, and its step count stays a safe whole number
NETWORK_PARAMS = _table(
    _p("dt", 0.1, "ms", "Simulation time step", 0.001, 10.0),
    _p("duration", 1000.0, "ms", "Default duration of a run", 0.0, MAX_DURATION, low_open=True),
    _p("seed", 1, "", "Random seed (same seed, same spikes)", 0, 2**63 - 1, integer=True),
    _p("threads", 0, "", "Threads the simulation runs on (0: every core; any count gives the same spikes)", 0,
       MAX_THREADS, integer=True),
)

# Specs of the structural values, so the inspector can show units, ranges and descriptions for them too.
NODE_PARAMS = _table(_p("size", 100, "", "Number of neurons", 1, 100_000_000, integer=True))
RECORDER_PARAMS = _table(
    _p("interval", 0.1, "ms", "Sampling interval of a state recorder (at least dt)", 0.001, 1e6),
    _p("bin", 1.0, "ms", "Bin width of a rate recorder (at least dt)", 0.001, 1e6),
)
MAX_DELAY = 10_000.0  # ms; the delay ring holds (longest delay / dt) rows per target neuron
DELAY_SPEC = _p("delay", 1.0, "ms", "Synaptic delay (rounded to whole steps, at least one step)", 0.0, MAX_DELAY)
WEIGHT_SPECS = {kind: _nonneg("weight", 1.0, unit, f"Synaptic weight magnitude ({SYNAPSE_KINDS[kind].lower()})")
                for kind, unit in WEIGHT_UNITS.items()}
