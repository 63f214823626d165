"""Phase planes of the built-in two-variable neuron models with a spike cut-off (Izhikevich: v, u; AdEx: v, w)
under a constant current, derived from their descriptions (``engine/model/builtin_models/*.model``) as any
model's plane is: no model's formula is written here.

Nullclines are solved from the equations' trees (exactly where a derivative is affine in the second variable),
fixed points are the roots of dv/dt along the second variable's nullcline below the cut-off, their stability the
eigenvalues of the Jacobian, and a trajectory is stepped by the model's own compiled update (``one_neuron``), so
it is the one a one-neuron simulation takes. ``current`` is the total constant current in pA (I_e plus DC inputs,
see ``constant_current``); None means the parameters' own I_e.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from ..equations.description import ModelDescription
from ..model.catalog import NEURON_MODELS, builtin_description
from ..model.network import Network
from .curve_roots import roots
from .model_phase_plane import ModelPlane
from .plane_marks import cut_off, first_initial, first_reset, second_kicks

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
    "spike_cut_off",
    "rest_points",
]

SCAN_REACH = 1e4  # how far from the first variable's initial value fixed points are looked for (its unit)


def _has_plane(desc: ModelDescription) -> bool:
    """Two state variables, a cut-off of the first from parameters and a reset below it: nullclines, fixed points
    (those below the cut-off) and ranges all follow from the description."""
    return len(desc.state) == 2 and cut_off(desc, None) is not None and first_reset(desc, None) is not None


# model id -> its second state variable (the first is always v)
PHASE_MODELS = {m: builtin_description(m).state[1].name for m in NEURON_MODELS if _has_plane(builtin_description(m))}


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
        raise ValueError(f"{what} is not a two-variable model with a spike cut-off: a phase plane needs one of "
                         f"{', '.join(sorted(PHASE_MODELS))}")
    return PHASE_MODELS[model]


def phase_axes(model: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """((name, unit) of v, (name, unit) of the second variable), for axis labels."""
    check_phase_model(model)
    return tuple((s.name, s.unit.text) for s in builtin_description(model).state)


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
    return float(p.get("I_e", 0.0) if current is None else current)


def _plane(model: str, params: dict | None, current: float | None) -> tuple[ModelPlane, dict]:
    """The description's plane with the whole current as its input (I_e set to 0, not to count it twice)."""
    p = _params(model, params)
    plain = {**p, "I_e": 0.0} if "I_e" in p else p
    return ModelPlane(builtin_description(model), plain, _current(p, current)), p


def derivatives(model: str, params: dict | None, current: float | None, v, x) -> tuple[np.ndarray, np.ndarray]:
    """(dv/dt in mV/ms, dx/dt) at states (v, x) (arrays broadcast) under a constant ``current`` (pA)."""
    plane, _ = _plane(model, params, current)
    v, x = np.broadcast_arrays(np.asarray(v, np.float64), np.asarray(x, np.float64))
    return plane.derivatives(v, x)


def nullclines(model: str, params: dict | None, current: float | None, v) -> tuple[np.ndarray, np.ndarray]:
    """The second variable on the v-nullcline (dv/dt = 0) and on its own nullcline, at each v: solved from the
    equations (for Izhikevich, u = 0.04 v^2 + 5 v + 140 + I and u = b v)."""
    plane, _ = _plane(model, params, current)
    v = np.asarray(v, np.float64)
    return _solved(plane, 0, v), _solved(plane, 1, v)


def _solved(plane: ModelPlane, which: int, v: np.ndarray) -> np.ndarray:
    x = plane.nullcline(which, v)
    if x is None:
        raise ValueError(f"d{plane.names[which]}/dt is not linear in {plane.names[1]}: its nullcline has no "
                         "closed form here")
    return x


def vector_field(model: str, params: dict | None, current: float | None, v_range: tuple[float, float],
                 x_range: tuple[float, float], n: tuple[int, int] = (20, 15)
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(v, x, dv/dt, dx/dt) on an ``n`` = (columns, rows) grid spanning the ranges (arrays of shape (rows, cols))."""
    v, x = np.meshgrid(np.linspace(*v_range, int(n[0])), np.linspace(*x_range, int(n[1])))
    dv, dx = derivatives(model, params, current, v, x)
    return v, x, dv, dx


def jacobian(model: str, params: dict | None, v: float, x: float = 0.0, current: float | None = None) -> np.ndarray:
    """The Jacobian of (dv/dt, dx/dt) with respect to (v, x) at (v, x), by central differences of the equations."""
    plane, _ = _plane(model, params, current)
    return plane.jacobian(float(v), float(x))


def fixed_points(model: str, params: dict | None, current: float | None = None) -> list[FixedPoint]:
    """Where both nullclines cross below the spike cut-off, lowest v first, each with the eigenvalues of its
    Jacobian (e.g. Izhikevich: the roots of 0.04 v^2 + (5 - b) v + 140 + I = 0). Above rheobase there are none:
    the neuron fires."""
    p = _params(model, params)
    key = tuple(sorted(p.items()))
    try:
        hash(key)
    except TypeError:  # a value that is not a number (an array): computed afresh
        return list(_fixed_points.__wrapped__(model, key, _current(p, current)))
    return list(_fixed_points(model, key, _current(p, current)))


@functools.lru_cache(maxsize=64)
def _fixed_points(model: str, params: tuple, current: float) -> tuple[FixedPoint, ...]:
    """``fixed_points`` kept for the last planes asked: the view asks for them with the ranges and again alone."""
    plane, p = _plane(model, dict(params), current)
    return tuple(rest_points(plane, first_initial(plane.desc, p), cut_off(plane.desc, p)))


def rest_points(plane: ModelPlane, centre: float, cut: float | None) -> list[FixedPoint]:
    """The fixed points of ``plane`` within ``SCAN_REACH`` of ``centre`` and below ``cut`` (when given): the roots
    of dv/dt along the second variable's nullcline, sampled denser near ``centre``."""
    reach = np.geomspace(1e-3, SCAN_REACH, 700)
    v = np.concatenate([centre - reach[::-1], [centre], centre + reach])
    if cut is not None:
        v = np.append(v[v < cut], cut)

    def along(v_):
        return plane.derivative(0, v_, _solved(plane, 1, v_))

    out = []
    for root in roots(along, v):
        if cut is not None and root >= cut:
            continue
        x = float(_solved(plane, 1, np.array([root]))[0])
        eig = np.linalg.eigvals(plane.jacobian(root, x))
        out.append(FixedPoint(float(root), x, tuple(complex(e) for e in sorted(eig, key=lambda e: e.real))))
    return out


def trajectory(model: str, params: dict | None, current: float | None, v0: float, x0: float, duration: float,
               dt: float = 0.1) -> Trajectory:
    """Step (v0, x0) for ``duration`` ms under ``current`` (pA; None: the bias I_e) by the model's compiled
    update, as a one-neuron network steps it: the same Euler steps, cut-off, reset and refractory clamp.
    Stops early, keeping what it has, if the state becomes non-finite."""
    from .one_neuron import run_one  # the compiled kernels load only when a trajectory is asked for

    p = _params(model, params)
    dc = _current(p, current) - p.get("I_e", 0.0)
    return run_one(model, builtin_description(model), p, dc, (v0, x0), duration, dt)


def constant_current(network: Network, population: str) -> float:
    """The constant current (pA) a population's neurons get without synapses: its I_e plus every DC input into it.

    Time-varying inputs (step, ramp, sine, noise) are left out: a phase plane is drawn for one current.
    """
    pop = network.populations.get(population)
    if pop is None:
        raise ValueError(f"the network has no population {population!r}")
    dc = sum(float(c.params["amplitude"]) for c in network.inputs.values()
             if getattr(c, "target", None) == population and getattr(c, "waveform", None) == "dc")
    return float(pop.params.get("I_e", 0.0)) + dc


def reset_potential(model: str, params: dict | None) -> float:
    """Where v goes after a spike: its ``reset v = ...`` line (c for Izhikevich, V_reset for AdEx)."""
    return first_reset(builtin_description(model), _params(model, params))


def spike_cut_off(model: str, params: dict | None) -> float:
    """The v at which the neuron spikes and is reset: its ``threshold v >= ...`` line (V_peak)."""
    return cut_off(builtin_description(model), _params(model, params))


def default_ranges(model: str, params: dict | None, current: float | None = None
                   ) -> tuple[tuple[float, float], tuple[float, float]]:
    """(v range, second-variable range) that show both nullclines' interesting parts and every fixed point.

    v runs from 20 mV below the lower of the initial value and the reset (and 5 mV below every fixed point) to
    the spike cut-off;
    the second variable spans its nullcline over that range, the v-nullcline's minimum (its knee) and the kicks
    spikes give it (twice each, above its nullcline), plus a margin.
    """
    desc, p = builtin_description(model), _params(model, params)
    points = fixed_points(model, p, current)
    reset = first_reset(desc, p)
    v_lo = min([first_initial(desc, p)] + ([reset] if reset is not None else [])) - 20.0
    v_lo = min([v_lo] + [f.v - 5.0 for f in points])
    v_hi = cut_off(desc, p)
    v = np.linspace(v_lo, v_hi, 400)
    v_null, x_null = nullclines(model, p, current, v)
    values = [float(np.nanmin(v_null)), float(np.nanmin(x_null)), float(np.nanmax(x_null))] + [f.x for f in points]
    values += [float(np.nanmax(x_null)) + 2.0 * abs(kick) for kick in second_kicks(desc, p)]
    lo, hi = min(values), max(values)
    margin = 0.1 * max(hi - lo, 1.0)
    return (float(v_lo), float(v_hi)), (lo - margin, hi + margin)
