"""Phase planes of any two-variable model described by equations: the vector field, both nullclines (as
grids whose zero contours they are), the Jacobian by central differences, and the fixed points with their
stability, all computed from the description's expression trees (numpy, no Qt).

``current`` is a constant input current (pA) standing for ``I_syn``; parameters are in their declared units.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..equations.description import ModelDescription
from ..equations.evaluate import evaluate_array
from ..equations.inline import inlined_equations

__all__ = ["ModelPlane", "PlaneFixedPoint", "model_plane"]


@dataclass(frozen=True)
class PlaneFixedPoint:
    x: float
    y: float
    eigenvalues: tuple[complex, complex]

    @property
    def stable(self) -> bool:
        return all(e.real < 0 for e in self.eigenvalues)


class ModelPlane:
    """The (x, y) plane of a two-variable description, in the variables' declared units."""

    def __init__(self, desc: ModelDescription, params: dict[str, float] | None = None, current: float = 0.0):
        if len(desc.state) != 2:
            raise ValueError(f"{desc.title or 'this model'} has {len(desc.state)} state variables; a phase plane "
                             "needs two")
        self.desc = desc
        self.names = tuple(desc.state_names())
        self._scale = tuple(s.unit.factor for s in desc.state)
        given = {p.name: p.default for p in desc.params} | dict(params or {})
        self._values = {p.name: float(given[p.name]) * p.unit.factor for p in desc.params}
        self._values.update(I_syn=float(current), t=0.0)
        self._rhs = inlined_equations(desc)
        self._affine: dict[int, bool] = {}  # which derivative is affine in y (checked on the first nullcline)

    def derivative(self, which: int, x, y):
        """d(variable ``which``)/dt alone (0: x, 1: y), as ``derivatives`` gives it."""
        values = dict(self._values)
        values[self.names[0]] = np.asarray(x, float) * self._scale[0]
        values[self.names[1]] = np.asarray(y, float) * self._scale[1]
        with np.errstate(all="ignore"):
            return np.broadcast_to(evaluate_array(self._rhs[self.names[which]], values),
                                   np.shape(values[self.names[0]])) / self._scale[which]

    def derivatives(self, x, y):
        """(dx/dt, dy/dt) per ms, in the variables' declared units, at arrays or numbers ``x``, ``y``."""
        return self.derivative(0, x, y), self.derivative(1, x, y)

    def nullcline(self, which: int, x):
        """The y at which variable ``which`` (0: x, 1: y) stands still, at each x, solved exactly when its derivative
        is affine in y (as in Izhikevich's, AdEx's and most two-variable models); NaN where it does not depend on y.
        None when it is not affine in y (then the nullcline is a zero contour of ``grid``)."""
        x = np.asarray(x, float)
        probes = self._affine.get(which) is None
        f = [self.derivative(which, x, np.full(x.shape, y)) for y in _AFFINE_PROBES[:4 if probes else 2]]
        slope = f[1] - f[0]
        if probes:
            size = np.maximum.reduce([np.abs(g) for g in f] + [np.full(x.shape, 1e-300)])
            self._affine[which] = all(np.all(np.abs(f[0] + slope * y - g) <= 1e-9 * size)
                                      for y, g in zip(_AFFINE_PROBES[2:], f[2:]))
        if not self._affine[which]:
            return None
        moves = slope != 0
        with np.errstate(all="ignore"):
            root = np.where(moves, -f[0] / np.where(moves, slope, 1.0), np.nan)
            if np.any(moves):  # one Newton step more: what rounding left of the root
                rest = self.derivative(which, x, root)
                root = np.where(moves, root - rest / np.where(moves, slope, 1.0), np.nan)
        return root

    def grid(self, x_range, y_range, n: int = 200):
        """(X, Y, dX, dY) on an n x n grid: the nullclines are the zero contours of dX and dY."""
        x, y = np.meshgrid(np.linspace(*x_range, n), np.linspace(*y_range, n))
        dx, dy = self.derivatives(x, y)
        return x, y, dx, dy

    def jacobian(self, x: float, y: float) -> np.ndarray:
        """The 2 x 2 Jacobian by central differences (steps relative to each variable's size)."""
        hx, hy = 1e-6 * max(1.0, abs(x)), 1e-6 * max(1.0, abs(y))
        fx1, fx0 = self.derivatives(x + hx, y), self.derivatives(x - hx, y)
        fy1, fy0 = self.derivatives(x, y + hy), self.derivatives(x, y - hy)
        return np.array([[(fx1[0] - fx0[0]) / (2 * hx), (fy1[0] - fy0[0]) / (2 * hy)],
                         [(fx1[1] - fx0[1]) / (2 * hx), (fy1[1] - fy0[1]) / (2 * hy)]], dtype=float)

    def fixed_points(self, x_range, y_range, n: int = 120) -> list[PlaneFixedPoint]:
        """Where both derivatives vanish: grid cells where both change sign, refined by Newton's method."""
        x, y, dx, dy = self.grid(x_range, y_range, n)
        found: list[PlaneFixedPoint] = []
        for i in range(n - 1):
            for j in range(n - 1):
                if _changes(dx[i:i + 2, j:j + 2]) and _changes(dy[i:i + 2, j:j + 2]):
                    point = self._newton(x[i, j] + 0.5 * (x[i, j + 1] - x[i, j]),
                                         y[i, j] + 0.5 * (y[i + 1, j] - y[i, j]))
                    if point is not None and not any(_near(point, f, x_range, y_range) for f in found):
                        found.append(point)
        return sorted(found, key=lambda f: f.x)

    def _newton(self, x: float, y: float) -> PlaneFixedPoint | None:
        for _ in range(50):
            f = np.array(self.derivatives(x, y), float)
            jac = self.jacobian(x, y)
            try:
                step = np.linalg.solve(jac, f)
            except np.linalg.LinAlgError:
                return None
            x, y = x - step[0], y - step[1]
            if np.all(np.abs(step) < 1e-12 * (1 + abs(x) + abs(y))):
                break
        if not np.all(np.isfinite([x, y])) or np.max(np.abs(self.derivatives(x, y))) > 1e-8:
            return None
        eig = np.linalg.eigvals(self.jacobian(x, y))
        return PlaneFixedPoint(float(x), float(y), tuple(complex(e) for e in eig))


_AFFINE_PROBES = (0.0, 1.0, -math.pi, math.e)  # y values at which "affine in y" is checked


def _changes(block: np.ndarray) -> bool:
    return bool(np.nanmin(block) <= 0 <= np.nanmax(block))


def _near(a: PlaneFixedPoint, b: PlaneFixedPoint, x_range, y_range) -> bool:
    return abs(a.x - b.x) < 1e-6 * (x_range[1] - x_range[0]) and abs(a.y - b.y) < 1e-6 * (y_range[1] - y_range[0])


def model_plane(desc: ModelDescription, params: dict[str, float] | None = None, current: float = 0.0) -> ModelPlane:
    """The phase plane of a two-variable description at a constant input current (pA)."""
    return ModelPlane(desc, params, current)
