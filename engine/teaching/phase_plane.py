"""Phase planes of the two-variable neuron models (Izhikevich: v, u; AdEx: v, w) under a constant current.

Nullclines, the vector field, fixed points with their stability, and trajectories that step exactly as the
compiled kernel does (``engine.neuron_kernels``: forward Euler, spike cut-off and reset), so a trajectory
drawn here is the one a one-neuron simulation takes. Pure numpy: the GUI's phase-plane dock and scripts
share it. ``current`` is the total constant current in pA (I_e plus DC inputs, see ``constant_current``);
None means the parameters' own I_e.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model.catalog import NEURON_MODELS
from ..model.network import Network

__all__ = [
    "PHASE_MODELS",
    "FixedPoint",
    "Trajectory",
    "phase_axes",
    "check_phase_model",
    "derivatives",
    "nullclines",
    "vector_field",
    "jacobian",
    "fixed_points",
    "trajectory",
    "constant_current",
    "default_ranges",
    "reset_potential",
]

# model id -> its second state variable (the first is always v)
PHASE_MODELS = {"izhikevich": "u", "adex": "w"}


@dataclass(frozen=True)
class FixedPoint:
    """A resting state: where both derivatives vanish; ``eigenvalues`` are the Jacobian's there."""

    v: float
    x: float  # the second variable (u or w)
    eigenvalues: tuple[complex, complex]

    @property
    def stable(self) -> bool:
        """Both eigenvalues have negative real parts: small perturbations die out."""
        return all(e.real < 0 for e in self.eigenvalues)

    @property
    def kind(self) -> str:
        """stable/unstable node or focus, or saddle (the names textbooks use)."""
        re = sorted(e.real for e in self.eigenvalues)
        if re[0] < 0 < re[1]:
            return "saddle"
        shape = "focus" if any(abs(e.imag) > 0 for e in self.eigenvalues) else "node"
        return f"{'stable' if self.stable else 'unstable'} {shape}"


@dataclass(frozen=True)
class Trajectory:
    """Samples every step from the initial state (``t[k] = k dt``: the state before step k, as probes sample)."""

    t: np.ndarray  # ms
    v: np.ndarray  # mV
    x: np.ndarray  # the second variable
    spikes: np.ndarray  # ms: the steps at which v reached the cut-off and was reset


def check_phase_model(model: str) -> str:
    """The second variable of ``model``; ValueError naming the model when it has no two-variable phase plane."""
    if model not in PHASE_MODELS:
        known = NEURON_MODELS.get(model)
        what = f"{known.display_name} ({model!r})" if known else repr(model)
        raise ValueError(f"{what} is not a two-variable model: a phase plane needs one of "
                         f"{', '.join(sorted(PHASE_MODELS))}")
    return PHASE_MODELS[model]


def phase_axes(model: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """((name, unit) of v, (name, unit) of the second variable), for axis labels."""
    second = check_phase_model(model)
    units = NEURON_MODELS[model].state
    return ("v", units["v"]), (second, units[second])


def _params(model: str, params: dict | None) -> dict:
    """The model's parameters with catalogue defaults filled in; unknown names are an error."""
    check_phase_model(model)
    specs = NEURON_MODELS[model].params
    unknown = sorted(set(params or {}) - set(specs))
    if unknown:
        raise ValueError(f"unknown parameters for model {model!r}: {', '.join(unknown)}")
    return {**{k: s.default for k, s in specs.items()}, **(params or {})}


def _current(p: dict, current: float | None) -> float:
    """The constant current (pA) a function works with: ``current`` when given (the total, e.g. from
    ``constant_current``, so I_e is not added again), else the parameters' own bias I_e."""
    return float(p["I_e"] if current is None else current)


def _adex_exp(p: dict, v):
    """g_L Delta_T exp((v - V_T) / Delta_T), with the exponent capped at the cut-off as the kernel caps it."""
    cap = (p["V_peak"] - p["V_T"]) / p["Delta_T"]
    return p["g_L"] * p["Delta_T"] * np.exp(np.minimum((np.asarray(v, np.float64) - p["V_T"]) / p["Delta_T"], cap))


def derivatives(model: str, params: dict | None, current: float | None, v, x) -> tuple[np.ndarray, np.ndarray]:
    """(dv/dt in mV/ms, dx/dt) at states (v, x) (arrays broadcast) under a constant ``current`` (pA)."""
    p = _params(model, params)
    v, x = np.asarray(v, np.float64), np.asarray(x, np.float64)
    i = _current(p, current)
    if model == "izhikevich":
        return 0.04 * v * v + 5.0 * v + 140.0 - x + i, p["a"] * (p["b"] * v - x)
    dv = (-p["g_L"] * (v - p["E_L"]) + _adex_exp(p, v) - x + i) / p["C_m"]
    return dv, (p["a"] * (v - p["E_L"]) - x) / p["tau_w"]


def nullclines(model: str, params: dict | None, current: float | None, v) -> tuple[np.ndarray, np.ndarray]:
    """The second variable on the v-nullcline (dv/dt = 0) and on its own nullcline, at each v.

    Izhikevich: u = 0.04 v^2 + 5 v + 140 + I and u = b v. AdEx: w = -g_L (v - E_L) + g_L Delta_T
    exp((v - V_T) / Delta_T) + I and w = a (v - E_L).
    """
    p = _params(model, params)
    v, i = np.asarray(v, np.float64), _current(p, current)
    if model == "izhikevich":
        return 0.04 * v * v + 5.0 * v + 140.0 + i, p["b"] * v
    return -p["g_L"] * (v - p["E_L"]) + _adex_exp(p, v) + i, p["a"] * (v - p["E_L"])


def vector_field(model: str, params: dict | None, current: float | None, v_range: tuple[float, float],
                 x_range: tuple[float, float], n: tuple[int, int] = (20, 15)
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(v, x, dv/dt, dx/dt) on an ``n`` = (columns, rows) grid spanning the ranges (arrays of shape (rows, cols))."""
    v, x = np.meshgrid(np.linspace(*v_range, int(n[0])), np.linspace(*x_range, int(n[1])))
    dv, dx = derivatives(model, params, current, v, x)
    return v, x, dv, dx


def jacobian(model: str, params: dict | None, v: float) -> np.ndarray:
    """The Jacobian of (dv/dt, dx/dt) with respect to (v, x) at membrane potential v (it does not depend on x)."""
    p = _params(model, params)
    if model == "izhikevich":
        return np.array([[0.08 * v + 5.0, -1.0], [p["a"] * p["b"], -p["a"]]])
    slope = -p["g_L"] + p["g_L"] * math.exp((v - p["V_T"]) / p["Delta_T"])
    return np.array([[slope / p["C_m"], -1.0 / p["C_m"]], [p["a"] / p["tau_w"], -1.0 / p["tau_w"]]])


def fixed_points(model: str, params: dict | None, current: float | None = None) -> list[FixedPoint]:
    """Where both nullclines cross, lowest v first, each with the eigenvalues of its Jacobian.

    Izhikevich: the roots of 0.04 v^2 + (5 - b) v + 140 + I = 0. AdEx: the roots of the convex
    -(g_L + a)(v - E_L) + g_L Delta_T exp((v - V_T) / Delta_T) + I = 0 (at most two), found by bisection.
    Above rheobase there are none: the neuron fires.
    """
    p = _params(model, params)
    i = _current(p, current)
    if model == "izhikevich":
        roots = _quadratic_roots(0.04, 5.0 - p["b"], 140.0 + i)
    else:
        roots = _adex_roots(p, i)
    second = nullclines(model, p, i, np.array(roots))[1] if roots else []
    out = []
    for v, x in zip(roots, second):
        eig = np.linalg.eigvals(jacobian(model, p, v))
        out.append(FixedPoint(float(v), float(x), tuple(complex(e) for e in sorted(eig, key=lambda e: e.real))))
    return out


def _quadratic_roots(a: float, b: float, c: float) -> list[float]:
    disc = b * b - 4.0 * a * c
    if disc < 0:
        return []
    root = math.sqrt(disc)
    q = -0.5 * (b + math.copysign(root, b))  # the numerically stable pair of formulas
    return sorted({q / a, c / q} if q != 0 else {-b / (2.0 * a)})


def _adex_roots(p: dict, current: float) -> list[float]:
    g, gl, el, vt, dt_ = p["g_L"] + p["a"], p["g_L"], p["E_L"], p["V_T"], p["Delta_T"]

    def f(v: float) -> float:
        return -g * (v - el) + gl * dt_ * math.exp(min((v - vt) / dt_, 700.0)) + current

    if g <= 0:  # f rises everywhere: one root at most
        lo = el - 1e4
        return [_bisect(f, lo, vt + 50 * dt_)] if f(lo) < 0 < f(vt + 50 * dt_) else []
    v_min = vt + dt_ * math.log(g / gl)  # where f' = 0
    if f(v_min) > 0:
        return []
    if f(v_min) == 0:
        return [v_min]
    lo, hi = v_min - 1.0, v_min + 1.0
    while f(lo) < 0:  # f is linear far below V_T: this ends
        lo = v_min - 2.0 * (v_min - lo)
    while f(hi) < 0:
        hi = v_min + 2.0 * (hi - v_min)
    return [_bisect(f, lo, v_min), _bisect(f, v_min, hi)]


def _bisect(f, lo: float, hi: float) -> float:
    """A root of f between lo and hi where f changes sign, to machine precision."""
    f_lo = f(lo)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if (f(mid) < 0) == (f_lo < 0):
            lo, f_lo = mid, f(mid)
        else:
            hi = mid
    return 0.5 * (lo + hi)


def trajectory(model: str, params: dict | None, current: float | None, v0: float, x0: float, duration: float,
               dt: float = 0.1) -> Trajectory:
    """Step (v0, x0) for ``duration`` ms under ``current`` (pA; None: the bias I_e) exactly as
    the kernel does: forward Euler at dt, the second variable updated from the old v, reset at the cut-off
    (AdEx: clamped at V_reset for t_ref). Stops early, keeping what it has, if the state becomes non-finite.
    """
    p = _params(model, params)
    i = _current(p, current)
    steps = int(round(duration / dt))
    v_out, x_out, spikes = np.empty(steps + 1), np.empty(steps + 1), []
    v, x = float(v0), float(x0)
    v_out[0], x_out[0] = v, x
    step = _izhikevich_step if model == "izhikevich" else _adex_step
    state = {"refractory": 0, "ref_steps": int(round(p["t_ref"] / dt)) if model == "adex" else 0}
    n = 1  # samples filled
    for k in range(steps):
        v, x, spiked = step(p, i, v, x, dt, state)
        if not (math.isfinite(v) and math.isfinite(x)):
            break
        if spiked:
            spikes.append(k * dt)
        v_out[n], x_out[n] = v, x
        n += 1
    return Trajectory(np.arange(n) * dt, v_out[:n], x_out[:n], np.array(spikes))


def _izhikevich_step(p, i, v, u, dt, state):
    """``neuron_kernels.update_izhikevich`` for one neuron without synapses."""
    v_new = v + dt * (0.04 * v * v + 5.0 * v + 140.0 - u + i)
    u = u + dt * p["a"] * (p["b"] * v - u)
    if v_new >= p["V_peak"]:
        return p["c"], u + p["d"], True
    return v_new, u, False


def _adex_step(p, i, v, w, dt, state):
    """``neuron_kernels.update_adex`` for one neuron without synapses."""
    if state["refractory"] > 0:
        state["refractory"] -= 1
        return p["V_reset"], w + dt * (p["a"] * (p["V_reset"] - p["E_L"]) - w) / p["tau_w"], False
    cap = (p["V_peak"] - p["V_T"]) / p["Delta_T"]
    spike_term = p["g_L"] * p["Delta_T"] * math.exp(min((v - p["V_T"]) / p["Delta_T"], cap))
    v_new = v + dt * (-p["g_L"] * (v - p["E_L"]) + spike_term - w + i) / p["C_m"]
    w = w + dt * (p["a"] * (v - p["E_L"]) - w) / p["tau_w"]
    if v_new >= p["V_peak"]:
        state["refractory"] = state["ref_steps"]
        return p["V_reset"], w + p["b"], True
    return v_new, w, False


def constant_current(network: Network, population: str) -> float:
    """The constant current (pA) a population's neurons get without synapses: its I_e plus every DC input into it.

    Time-varying inputs (step, ramp, sine, noise) are left out: a phase plane is drawn for one current.
    """
    pop = network.populations.get(population)
    if pop is None:
        raise ValueError(f"the network has no population {population!r}")
    dc = sum(float(c.params["amplitude"]) for c in network.inputs.values()
             if getattr(c, "target", None) == population and getattr(c, "waveform", None) == "dc")
    return float(pop.params["I_e"]) + dc


def reset_potential(model: str, params: dict | None) -> float:
    """Where v goes after a spike: c (Izhikevich) or V_reset (AdEx)."""
    p = _params(model, params)
    return p["c"] if model == "izhikevich" else p["V_reset"]


def default_ranges(model: str, params: dict | None, current: float | None = None
                   ) -> tuple[tuple[float, float], tuple[float, float]]:
    """(v range, second-variable range) that show both nullclines' interesting parts and every fixed point.

    v runs from 20 mV below the lowest of rest and reset to the spike cut-off; the second variable spans
    the second nullcline over that range and the v-nullcline's minimum (its knee), plus a margin.
    """
    p = _params(model, params)
    if model == "izhikevich":
        v_lo = min(-90.0, p["c"] - 15.0)
    else:
        v_lo = min(p["E_L"], p["V_reset"]) - 20.0
    v_hi = p["V_peak"]
    points = fixed_points(model, p, current)
    v_lo = min([v_lo] + [f.v - 5.0 for f in points])
    v = np.linspace(v_lo, v_hi, 400)
    v_null, x_null = nullclines(model, p, current, v)
    knee = float(v_null.min())
    values = [knee, float(x_null.min()), float(x_null.max())] + [f.x for f in points]
    if model == "izhikevich":  # the resets push u up by d per spike
        values.append(float(x_null.max()) + 2.0 * abs(p["d"]))
    lo, hi = min(values), max(values)
    margin = 0.1 * max(hi - lo, 1.0)
    return (float(v_lo), float(v_hi)), (lo - margin, hi + margin)
