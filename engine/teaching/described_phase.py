"""The phase-plane functions of ``phase_plane`` for a two-variable model described by equations, with the same
names and arguments (the model id is ignored), so the phase-plane view draws either kind.

Nullclines, the field and fixed points come from the description's trees (``model_phase_plane``); a trajectory
is a one-neuron simulation by the engine itself (``one_neuron``), so it steps exactly as the network's neurons step.
"""

from __future__ import annotations

import numpy as np

from ..equations.description import ModelDescription
from ..model.catalog import NEURON_MODELS, builtin_description
from ..model.network import Network
from .model_phase_plane import ModelPlane
from .one_neuron import run_one
from .phase_plane import FixedPoint, Trajectory
from .plane_marks import first_reset

__all__ = ["DescribedPlane", "plane_description"]


def plane_description(network: Network | None, model_id: str) -> ModelDescription | None:
    """The description of ``model_id`` when it has a phase plane (two state variables): a built-in model's own,
    or the network's description of a custom one; None otherwise."""
    desc = builtin_description(model_id) if model_id in NEURON_MODELS else \
        getattr(network, "models", {}).get(model_id) if network is not None else None
    return desc if desc is not None and len(desc.state) == 2 else None


class DescribedPlane:
    """``phase_plane``'s functions for ``desc`` (two state variables)."""

    def __init__(self, model_id: str, desc: ModelDescription):
        if len(desc.state) != 2:
            raise ValueError(f"{model_id!r} has {len(desc.state)} state variables; a phase plane needs two")
        self.model_id, self.desc = model_id, desc
        self.first, self.second = desc.state_names()
        self._ranges: dict = {}  # (parameters, current) -> default ranges: each costs a short simulation
        self.PHASE_MODELS = {model_id: self.second}

    def _plane(self, params: dict | None, current: float | None) -> ModelPlane:
        return ModelPlane(self.desc, params, float(current or 0.0))

    def phase_axes(self, model=None) -> tuple[tuple[str, str], tuple[str, str]]:
        return tuple((s.name, s.unit.text) for s in self.desc.state)

    def constant_current(self, network: Network, population: str) -> float:
        """The DC inputs into the population: they are part of its I_syn (its own parameters are in its equations)."""
        return float(sum(float(c.params["amplitude"]) for c in network.inputs.values()
                         if getattr(c, "target", None) == population and getattr(c, "waveform", None) == "dc"))

    def reset_potential(self, model=None, params: dict | None = None) -> float | None:
        """Where the first variable goes after a spike, when a reset sets it from parameters; else None."""
        return first_reset(self.desc, params)

    def trajectory(self, model, params: dict | None, current: float | None, v0: float, x0: float, duration: float,
                   dt: float) -> Trajectory:
        """(v0, x0) run for ``duration`` ms by the engine: one neuron, a DC input of ``current`` pA."""
        values = {p.name: p.default for p in self.desc.params} | dict(params or {})
        return run_one(self.model_id, self.desc, values, float(current or 0.0), (v0, x0), duration, dt)

    def default_ranges(self, model=None, params: dict | None = None, current: float | None = None):
        """Where the neuron goes from its initial state in 300 ms, and every fixed point, with a margin."""
        key = (tuple(sorted((params or {}).items())), float(current or 0.0))
        if key not in self._ranges:
            self._ranges[key] = self._default_ranges(params, current)
        return self._ranges[key]

    def _default_ranges(self, params: dict | None, current: float | None):
        s0, s1 = self.desc.state
        traj = self.trajectory(None, params, current, s0.initial, s1.initial, 300.0, 0.1)
        vs, xs = list(traj.v[np.isfinite(traj.v)]) or [s0.initial], list(traj.x[np.isfinite(traj.x)]) or [s1.initial]
        v_lo, v_hi, x_lo, x_hi = min(vs), max(vs), min(xs), max(xs)
        v_pad, x_pad = 0.15 * max(v_hi - v_lo, 10.0), 0.15 * max(x_hi - x_lo, 1e-3 + 0.1 * abs(x_hi))
        v_range, x_range = (v_lo - v_pad, v_hi + v_pad), (x_lo - x_pad, x_hi + x_pad)
        points = self._plane(params, current).fixed_points(v_range, x_range)
        v_range = (min([v_range[0]] + [f.x - v_pad for f in points]), max([v_range[1]] + [f.x + v_pad for f in points]))
        x_range = (min([x_range[0]] + [f.y - x_pad for f in points]), max([x_range[1]] + [f.y + x_pad for f in points]))
        return (float(v_range[0]), float(v_range[1])), (float(x_range[0]), float(x_range[1]))

    def fixed_points(self, model=None, params: dict | None = None, current: float | None = None) -> list[FixedPoint]:
        v_range, x_range = self.default_ranges(model, params, current)
        points = self._plane(params, current).fixed_points(v_range, x_range)
        return [FixedPoint(f.x, f.y, f.eigenvalues) for f in points]

    def nullclines(self, model, params: dict | None, current: float | None, v) -> tuple[np.ndarray, np.ndarray]:
        """The second variable where dv/dt = 0 and where its own derivative is 0, at each v (the lowest root
        within the default range; NaN where there is none)."""
        v = np.asarray(v, float)
        plane = self._plane(params, current)
        exact = plane.nullcline(0, v), plane.nullcline(1, v)
        if exact[0] is not None and exact[1] is not None:
            return exact
        _, (x_lo, x_hi) = self.default_ranges(model, params, current)
        x = np.linspace(x_lo - (x_hi - x_lo), x_hi + (x_hi - x_lo), 600)
        grid_v, grid_x = np.meshgrid(v, x)
        dv, dx = plane.derivatives(grid_v, grid_x)
        return (exact[0] if exact[0] is not None else _first_root(x, dv),
                exact[1] if exact[1] is not None else _first_root(x, dx))

    def vector_field(self, model, params: dict | None, current: float | None, v_range, x_range, n=(21, 15)):
        v, x = np.meshgrid(np.linspace(*v_range, n[0]), np.linspace(*x_range, n[1]))
        dv, dx = self._plane(params, current).derivatives(v, x)
        return v, x, dv, dx


def _first_root(x: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Per column of ``f`` (rows along ``x``), the x of its first sign change, interpolated linearly."""
    out = np.full(f.shape[1], np.nan)
    change = np.signbit(f[:-1]) != np.signbit(f[1:])
    for col in range(f.shape[1]):
        rows = np.flatnonzero(change[:, col])
        if rows.size:
            r = rows[0]
            a, b = f[r, col], f[r + 1, col]
            out[col] = x[r] + (x[r + 1] - x[r]) * (a / (a - b) if a != b else 0.5)
    return out
