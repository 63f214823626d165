"""Where a model's numbers live in its row of the kernel's parameter table, and the derived constants
(refractory steps, propagators) computed from the parameters when the network is built or a value changes.

Row: the parameters in engine units, in declared order; then refractory steps; then, for the exact method,
the propagator: ``base, p22, gain, tau, R`` for one variable (v' = p22 v + base + gain I_ext, with current
synapses entering through their own exact propagators, as the hand-written LIF), or the matrix ``P``, the
constant ``q`` and the input column ``g`` for several.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .description import ModelDescription
from .evaluate import evaluate
from .linear import evaluate_poly
from .methods import Plan, plan_integration
from .tree import names_in

__all__ = ["ModelLayout", "layout_of", "expm"]


@dataclass
class ModelLayout:
    """A description, its integration plan and the columns of its parameter row."""

    desc: ModelDescription
    plan: Plan
    n_params: int
    ref_col: int
    width: int

    @property
    def scalar_exact(self) -> bool:
        return self.plan.method == "exact" and self.plan.tau is not None

    def engine_params(self, params: dict[str, float]) -> list[float]:
        """The parameter columns: each value converted from its declared unit to engine units."""
        return [float(params[p.name]) * p.unit.factor for p in self.desc.params]

    def derive(self, row: np.ndarray, dt: float) -> None:
        """Fill the derived columns of ``row`` from its parameter columns."""
        values = self.with_atoms({p.name: float(row[j]) for j, p in enumerate(self.desc.params)})
        timed = self.desc.refractory is not None and not self.desc.refractory_condition
        period = evaluate(self.desc.refractory, values) if timed else 0.0
        row[self.ref_col] = int(round(period / dt)) if period > 0 else 0
        col = self.ref_col + 1
        if self.scalar_exact:
            tau = evaluate_poly(self.plan.tau, values)
            p22 = np.exp(-dt / tau)
            r = evaluate_poly(self.plan.gain, values)
            row[col: col + 5] = (evaluate_poly(self.plan.v_inf, values) * (1.0 - p22), p22, r * (1.0 - p22), tau, r)
        elif self.plan.method == "exact":
            p, q, g = self.propagator(values, dt)
            n = p.shape[0]
            row[col: col + n * n] = p.ravel()
            row[col + n * n: col + n * n + n] = q
            row[col + n * n + n: col + n * n + 2 * n] = g

    def with_atoms(self, values: dict[str, float]) -> dict[str, float]:
        """``values`` and the value of every parameter expression (atom) the plan refers to."""
        out = dict(values)
        out.update({key: evaluate(atom.tree, values) for key, atom in self.plan.atoms.items()
                    if names_in(atom.tree) <= set(values)})
        return out

    def propagator(self, values: dict[str, float], dt: float):
        """(P, q, g): x(t + dt) = P x + q + g I_syn for I_syn constant over the step (matrix exponential)."""
        n = len(self.desc.state)
        e = expm(self.system(values) * dt)
        return e[:n, :n], e[:n, n], e[:n, n + 1]

    def system(self, values: dict[str, float]) -> np.ndarray:
        """The exact method's linear system, augmented: d/dt (x, 1, I_syn) = M (x, 1, I_syn), M's last rows 0."""
        values = self.with_atoms(values)
        states = self.desc.state_names()
        n = len(states)
        m = np.zeros((n + 2, n + 2))
        for i, var in enumerate(states):
            coef, k, const = self.plan.linear[var]
            for j, other in enumerate(states):
                m[i, j] = evaluate_poly(coef[other], values)
            m[i, n] = evaluate_poly(const, values)
            m[i, n + 1] = evaluate_poly(k, values)
        return m


def layout_of(desc: ModelDescription, name: str = "") -> ModelLayout:
    """The layout of ``desc`` (its plan is chosen here; a forced method that cannot apply is a ModelError)."""
    plan = plan_integration(desc, name)
    n_params = len(desc.params)
    ref_col = n_params
    n = len(desc.state)
    extra = 5 if plan.method == "exact" and plan.tau is not None else (n * n + 2 * n if plan.method == "exact" else 0)
    return ModelLayout(desc, plan, n_params, ref_col, ref_col + 1 + extra)


def expm(a: np.ndarray) -> np.ndarray:
    """Matrix exponential by scaling and squaring of a Taylor series (small, well-scaled matrices)."""
    norm = float(np.abs(a).sum(axis=1).max(initial=0.0))
    squarings = max(0, int(math.ceil(math.log2(norm))) + 1) if norm > 0.5 else 0
    x = a / (2.0 ** squarings)
    term = np.eye(a.shape[0])
    total = term.copy()
    for k in range(1, 20):
        term = term @ x / k
        total = total + term
    for _ in range(squarings):
        total = total @ total
    return total
