"""The text of a built-in neuron model written as equations: where "Duplicate as custom model" starts.

``builtin_model_text`` is the one place that knows where that text comes from: the model's description file
(``builtin_models/<id>.model`` beside this module) when there is one, else text generated here from the
catalogue (names, units, defaults, ranges and descriptions of the parameters) and the equations below.
Nothing here is evaluated: the text is parsed like any other model's.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..equations.render import number_text
from .catalog import NEURON_MODELS, NeuronModel
from .params import ParamSpec

__all__ = ["builtin_model_text"]

DESCRIPTION_FOLDER = Path(__file__).with_name("builtin_models")

# What each built-in integrates, in the model language (lines after the parameters). The hand-written kernels
# are the reference: LIF and its adaptive variant are exact, Izhikevich and AdEx forward Euler at dt as they are;
# Hodgkin-Huxley is integrated at dt here (the kernel sub-steps at 10 us), so its spikes come close, not equal.
_EQUATIONS = {
    "lif": ("dv/dt = (E_L - v)/tau_m + (I_e + I_syn)/C_m", "threshold v >= V_th", "reset v = V_reset",
            "refractory t_ref clamp v"),
    "lif_adaptive": ("dv/dt = (E_L - v)/tau_m + (I_e + I_syn)/C_m", "dtheta/dt = -theta/tau_theta",
                     "threshold v >= V_th + theta", "reset v = V_reset", "reset theta += theta_plus",
                     "refractory t_ref clamp v"),
    "izhikevich": ("dv/dt = 0.04/ms/mV*v**2 + 5/ms*v + 140*mV/ms - u + (I_e + I_syn)*mV/(ms*pA)",
                   "du/dt = a*(b*v/ms - u)", "threshold v >= V_peak", "reset v = c", "reset u += d", "method euler"),
    "adex": ("let I_exp = g_L*Delta_T*exp(min((v - V_T)/Delta_T, (V_peak - V_T)/Delta_T))",
             "dv/dt = (-g_L*(v - E_L) + I_exp - w + I_e + I_syn)/C_m", "dw/dt = (a*(v - E_L) - w)/tau_w",
             "threshold v >= V_peak", "reset v = V_reset", "reset w += b", "refractory t_ref clamp v",
             "method euler"),
    "hh": ("let x_m = (v + 40*mV)/(10*mV)", "let x_n = (v + 55*mV)/(10*mV)",
           "let alpha_m = where(abs(x_m) < 1e-6, 1/ms, x_m/(1 - exp(-x_m))/ms)",
           "let beta_m = 4/ms*exp(-(v + 65*mV)/(18*mV))",
           "let alpha_h = 0.07/ms*exp(-(v + 65*mV)/(20*mV))",
           "let beta_h = 1/ms/(1 + exp(-(v + 35*mV)/(10*mV)))",
           "let alpha_n = where(abs(x_n) < 1e-6, 0.1/ms, 0.1*x_n/(1 - exp(-x_n))/ms)",
           "let beta_n = 0.125/ms*exp(-(v + 65*mV)/(80*mV))",
           "dv/dt = (g_Na*m**3*h*(E_Na - v) + g_K*n**4*(E_K - v) + g_L*(E_L - v) + I_e + I_syn)/C_m",
           "dm/dt = alpha_m*(1 - m) - beta_m*m", "dh/dt = alpha_h*(1 - h) - beta_h*h",
           "dn/dt = alpha_n*(1 - n) - beta_n*n", "threshold v >= V_spike", "refractory 2*ms",
           "method exponential_euler"),
}

# Initial values as the engine gives them to a built-in population with default parameters.
_INITIAL = {"lif": {"v": "E_L"}, "lif_adaptive": {"v": "E_L", "theta": 0.0}, "adex": {"v": "E_L", "w": 0.0},
            "izhikevich": {"v": -65.0, "u": -13.0},
            "hh": {"v": -65.0, "m": 0.05293248525724958, "h": 0.5961207535084603, "n": 0.3176769140606974}}


def builtin_model_text(model_id: str) -> str:
    """The model language text of built-in ``model_id`` (a ``KeyError`` for a model that is not built in)."""
    if model_id not in NEURON_MODELS:
        raise KeyError(f"{model_id!r} is not a built-in neuron model")
    described = DESCRIPTION_FOLDER / f"{model_id}.model"
    if described.is_file():
        return described.read_text(encoding="utf-8")
    return _from_catalogue(NEURON_MODELS[model_id])


def _from_catalogue(model: NeuronModel) -> str:
    lines = [f"# {model.display_name}, written as equations from SpikeStudio's built-in {model.id!r} model.",
             f"title {_plain(model.display_name)}", f"about {_plain(model.description)}"]
    initial = _INITIAL.get(model.id, {})
    for var, unit in model.state.items():
        value = initial.get(var, 0.0)
        value = model.params[value].default if isinstance(value, str) else value
        lines.append(f"state {var} = {number_text(value)} {unit}".rstrip())
    lines += [_param_line(spec) for spec in model.params.values()]
    lines += list(_EQUATIONS.get(model.id, ()))
    return "\n".join(lines) + "\n"


def _param_line(spec: ParamSpec) -> str:
    line = f"param {spec.name} = {number_text(spec.default)} {spec.unit}".rstrip()
    if math.isfinite(spec.low) or math.isfinite(spec.high):
        lo = "(" if spec.low_open or math.isinf(spec.low) else "["
        hi = ")" if spec.high_open or math.isinf(spec.high) else "]"
        line += f" {lo}{number_text(spec.low)}, {number_text(spec.high)}{hi}"
    return line + f' "{_plain(spec.description)}"'


def _plain(text: str) -> str:
    """Text the model language keeps as it is: no quotes, comments or line breaks."""
    return " ".join(text.replace('"', "'").replace("#", "no.").split())
