"""The catalogue of what a network can contain: neuron models, inputs, synapses, connectivity rules.

Each entry lists its parameters as ``ParamSpec`` so the loader, the engine and the inspector agree
on defaults, units, ranges and descriptions. Integer codes are what the compiled kernel switches on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..kernels import codes
from .params import ParamSpec

__all__ = [
    "NeuronModel",
    "NEURON_MODELS",
    "IZHIKEVICH_PRESETS",
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


LIF = NeuronModel(
    "lif",
    codes.LIF,
    "Leaky integrate-and-fire",
    "C dv/dt = -(C/tau_m)(v - E_L) + I; spike and reset at V_th; integrated exactly.",
    _table(
        _positive("tau_m", 10.0, "ms", "Membrane time constant"),
        _positive("C_m", 250.0, "pF", "Membrane capacitance"),
        _p("E_L", -70.0, "mV", "Resting (leak reversal) potential", -200.0, 200.0),
        _p("V_th", -55.0, "mV", "Spike threshold", -200.0, 200.0),
        _p("V_reset", -70.0, "mV", "Reset potential after a spike", -200.0, 200.0),
        _p("t_ref", 2.0, "ms", "Absolute refractory period (v clamped at V_reset)", 0.0, 1e5),
        _p("I_e", 0.0, "pA", "Constant bias current", -1e6, 1e6),
    ),
    {"v": "mV"},
    equations=(
        r"C_m \frac{dv}{dt} = -\frac{C_m}{\tau_m}(v - E_L) + I_e + I_{syn}",
        r"v \geq V_{th}: \text{ spike, } v \leftarrow V_{reset} \text{ for } t_{ref}",
    ),
)

# Diehl & Cook (2015): each spike raises the neuron's own threshold, which relaxes slowly; neurons that win
# often get harder to excite, so every neuron of a competing layer ends up specialising on something.
LIF_ADAPTIVE = NeuronModel(
    "lif_adaptive",
    codes.LIF_ADAPTIVE,
    "LIF with adaptive threshold",
    "LIF whose threshold V_th + theta rises by theta_plus at each spike; tau_theta dtheta/dt = -theta.",
    {**LIF.params, **_table(
        _nonneg("theta_plus", 0.05, "mV", "Threshold increase at each spike"),
        _positive("tau_theta", 1e7, "ms", "Decay time constant of the threshold increase"),
    )},
    {"v": "mV", "theta": "mV"},
    learned=("theta",),
    equations=(
        LIF.equations[0],
        r"\tau_\theta \frac{d\theta}{dt} = -\theta",
        r"v \geq V_{th} + \theta: \text{ spike, } v \leftarrow V_{reset}, \; \theta \leftarrow \theta + \theta_{plus}",
    ),
)

IZHIKEVICH = NeuronModel(
    "izhikevich",
    codes.IZH,
    "Izhikevich",
    "dv/dt = 0.04v^2 + 5v + 140 - u + I, du/dt = a(bv - u); at v >= V_peak: v = c, u += d.",
    _table(
        _p("a", 0.02, "1/ms", "Recovery time scale", 0.0, 10.0),
        _p("b", 0.2, "", "Recovery sensitivity to v", -10.0, 10.0),
        _p("c", -65.0, "mV", "Reset potential", -200.0, 200.0),
        _p("d", 8.0, "mV/ms", "Recovery increment after a spike", -100.0, 100.0),
        _p("V_peak", 30.0, "mV", "Spike cut-off", -100.0, 200.0),
        _p("I_e", 0.0, "pA", "Constant bias current (1 pA raises dv/dt by 1 mV/ms)", -1e6, 1e6),
    ),
    {"v": "mV", "u": "mV/ms"},
    equations=(
        r"\frac{dv}{dt} = 0.04\,v^2 + 5\,v + 140 - u + I_e + I_{syn}",
        r"\frac{du}{dt} = a\,(b\,v - u)",
        r"v \geq V_{peak}: \text{ spike, } v \leftarrow c, \; u \leftarrow u + d",
    ),
)

# Izhikevich (2003), Fig. 2: regular spiking, intrinsically bursting, chattering, fast spiking,
# low-threshold spiking, thalamo-cortical and resonator cells.
IZHIKEVICH_PRESETS = {
    "RS": {"a": 0.02, "b": 0.2, "c": -65.0, "d": 8.0},
    "IB": {"a": 0.02, "b": 0.2, "c": -55.0, "d": 4.0},
    "CH": {"a": 0.02, "b": 0.2, "c": -50.0, "d": 2.0},
    "FS": {"a": 0.1, "b": 0.2, "c": -65.0, "d": 2.0},
    "LTS": {"a": 0.02, "b": 0.25, "c": -65.0, "d": 2.0},
    "TC": {"a": 0.02, "b": 0.25, "c": -65.0, "d": 0.05},
    "RZ": {"a": 0.1, "b": 0.26, "c": -65.0, "d": 2.0},
}
IZHIKEVICH = NeuronModel(**{**IZHIKEVICH.__dict__, "presets": IZHIKEVICH_PRESETS})

ADEX = NeuronModel(
    "adex",
    codes.ADEX,
    "Adaptive exponential IF (AdEx)",
    "C dv/dt = -g_L(v-E_L) + g_L Delta_T exp((v-V_T)/Delta_T) - w + I; tau_w dw/dt = a(v-E_L) - w.",
    _table(
        _positive("C_m", 281.0, "pF", "Membrane capacitance"),
        _positive("g_L", 30.0, "nS", "Leak conductance"),
        _p("E_L", -70.6, "mV", "Leak reversal potential", -200.0, 200.0),
        _p("V_T", -50.4, "mV", "Threshold slope factor midpoint", -200.0, 200.0),
        _positive("Delta_T", 2.0, "mV", "Slope factor of the exponential"),
        _positive("tau_w", 144.0, "ms", "Adaptation time constant"),
        _p("a", 4.0, "nS", "Subthreshold adaptation", -1e4, 1e4),
        _p("b", 80.5, "pA", "Spike-triggered adaptation increment", -1e5, 1e5),
        _p("V_reset", -70.6, "mV", "Reset potential", -200.0, 200.0),
        _p("V_peak", 0.0, "mV", "Spike detection and cut-off", -100.0, 200.0),
        _p("t_ref", 0.0, "ms", "Absolute refractory period", 0.0, 1e5),
        _p("I_e", 0.0, "pA", "Constant bias current", -1e6, 1e6),
    ),
    {"v": "mV", "w": "pA"},
    equations=(
        r"C_m \frac{dv}{dt} = -g_L (v - E_L) + I_{exp} - w + I_e + I_{syn}",
        r"I_{exp} = g_L \Delta_T \exp\left(\frac{v - V_T}{\Delta_T}\right)",
        r"\tau_w \frac{dw}{dt} = a\,(v - E_L) - w",
        r"v \geq V_{peak}: \text{ spike, } v \leftarrow V_{reset}, \; w \leftarrow w + b",
    ),
)

HODGKIN_HUXLEY = NeuronModel(
    "hh",
    codes.HH,
    "Hodgkin-Huxley (squid axon)",
    "Na, K and leak currents with m, h, n gates (Hodgkin & Huxley 1952); sub-stepped at 10 us.",
    _table(
        _positive("C_m", 100.0, "pF", "Membrane capacitance"),
        _nonneg("g_Na", 12000.0, "nS", "Sodium peak conductance"),
        _nonneg("g_K", 3600.0, "nS", "Potassium peak conductance"),
        _nonneg("g_L", 30.0, "nS", "Leak conductance"),
        _p("E_Na", 50.0, "mV", "Sodium reversal potential", -200.0, 200.0),
        _p("E_K", -77.0, "mV", "Potassium reversal potential", -200.0, 200.0),
        _p("E_L", -54.402, "mV", "Leak reversal potential", -200.0, 200.0),
        _p("V_spike", 0.0, "mV", "A spike is counted when v crosses this upwards", -100.0, 100.0),
        _p("I_e", 0.0, "pA", "Constant bias current", -1e6, 1e6),
    ),
    {"v": "mV", "m": "", "h": "", "n": ""},
    equations=(
        r"C_m \frac{dv}{dt} = I_{Na} + I_K + I_L + I_e + I_{syn}",
        r"I_{Na} = g_{Na}\, m^3 h\, (E_{Na} - v)",
        r"I_K = g_K\, n^4 (E_K - v), \quad I_L = g_L (E_L - v)",
        r"\frac{dx}{dt} = \alpha_x (1 - x) - \beta_x\, x, \quad x \in \{m, h, n\}",
        r"\alpha_m = \frac{0.1\,(v + 40)}{1 - \exp(-(v + 40)/10)}",
        r"\beta_m = 4 \exp(-(v + 65)/18)",
        r"\alpha_h = 0.07 \exp(-(v + 65)/20)",
        r"\beta_h = \frac{1}{1 + \exp(-(v + 35)/10)}",
        r"\alpha_n = \frac{0.01\,(v + 55)}{1 - \exp(-(v + 55)/10)}",
        r"\beta_n = 0.125 \exp(-(v + 65)/80)",
        r"v \text{ in mV, } \alpha, \beta \text{ in 1/ms}",
    ),
)

NEURON_MODELS: dict[str, NeuronModel] = {m.id: m for m in (LIF, IZHIKEVICH, ADEX, HODGKIN_HUXLEY, LIF_ADAPTIVE)}

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
    "fixed_total": _table(_p("n", 1000, "", "Total number of synapses", 0, 1e12, integer=True)),
    "gaussian": _table(
        _p("p_max", 1.0, "", "Connection probability at zero distance", 0.0, 1.0),
        _positive("sigma", 2.0, "grid units", "Width of the Gaussian in grid spacings"),
    ),
    "explicit": {},
}

SYNAPSE_KINDS = {
    "delta": "Each spike makes the target's membrane potential jump by the weight (mV)",
    "current": "Exponentially decaying current (weight in pA)",
    "conductance": "Exponentially decaying conductance driving towards the reversal potential (weight in nS)",
}
SYNAPSE_CODES = {name: i for i, name in enumerate(SYNAPSE_KINDS)}
WEIGHT_UNITS = {"delta": "mV", "current": "pA", "conductance": "nS"}
RECEPTORS = ("excitatory", "inhibitory")
SYNAPSE_PARAMS = _table(
    _positive("tau", 5.0, "ms", "Decay time constant of the synaptic current or conductance"),
    _p("E_rev", 0.0, "mV", "Reversal potential (conductance synapses)", -200.0, 200.0),
)
RECEPTOR_DEFAULTS = {"excitatory": {"tau": 5.0, "E_rev": 0.0}, "inhibitory": {"tau": 10.0, "E_rev": -80.0}}

DISTRIBUTION_KINDS = {
    "constant": ("value",),
    "uniform": ("low", "high"),
    "normal": ("mean", "std"),
    "lognormal": ("mean", "std"),
}

RECORDER_KINDS = ("spikes", "state", "rate")
SYNAPTIC_VARIABLES = {"syn_exc": "summed excitatory synaptic state", "syn_inh": "summed inhibitory synaptic state"}

MAX_DURATION = 1e9  # ms (11.6 simulated days): far beyond any run, and its step count stays a safe whole number
NETWORK_PARAMS = _table(
    _p("dt", 0.1, "ms", "Simulation time step", 0.001, 10.0),
    _p("duration", 1000.0, "ms", "Default duration of a run", 0.0, MAX_DURATION, low_open=True),
    _p("seed", 1, "", "Random seed (same seed, same spikes)", 0, 2**63 - 1, integer=True),
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
