"""Where a model's numbers live in its row of the kernel's parameter table, and the derived constants
(refractory steps, propagators) computed from the parameters when the network is built or a value changes.

Row: the parameters in engine units, in declared order; then refractory steps; then, for the exact method,
the propagator: ``base, p22, gain, tau, R`` for one variable (v' = p22 v + base + gain I_ext, with current
synapses entering through their own exact propagators, as the hand-written LIF), or the matrix ``P``, the
constant ``q`` and the input column ``g`` for several. ``exponential_leak`` has the five columns of one variable,
then for each other variable its decay over a step and its value at rest.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .description import ModelDescription
from .evaluate import evaluate
from .inline import inline
from .linear import Poly, evaluate_poly
from .methods import Plan, plan_integration
from .tree import names_in

__all__ = ["ModelLayout", "layout_of", "expm", "rest_and_bias", "MAX_SUBSTEPS"]

MAX_SUBSTEPS = 1000  # sub-steps per dt at most, whatever the substep (a tiny one would stall the run)


@dataclass
class ModelLayout:
    """A description, its integration plan and the columns of its parameter row."""

    desc: ModelDescription
    plan: Plan
    n_params: int
    ref_col: int
    width: int

    @property
    def substep_col(self) -> int:
        """The column of the number of sub-steps per dt (the sub-step itself follows), with ``substep``."""
        return self.width - 2

    @property
    def scalar_exact(self) -> bool:
        return self.plan.method == "exact" and self.plan.tau is not None

    @property
    def leak_step(self) -> bool:
        """Whether the per-neuron path takes the ``exponential_leak`` step (and the five one-variable columns
        hold tau and R for the exact propagators of current synapses)."""
        gain = self.plan.gain
        return self.plan.method == "exponential_leak" or (self.scalar_exact and bool(gain) and gain.single())

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
        if self.leak_step or self.scalar_exact:
            tau = evaluate_poly(self.plan.tau, values)
            p22 = np.exp(-dt / tau)
            r = evaluate_poly(self.plan.gain, values)
            rest, bias = rest_and_bias(self.plan.v_inf, self.plan.gain)
            gain = r * (1.0 - p22)
            base = evaluate_poly(rest, values) * (1.0 - p22)
            if bias:  # as the hand-written LIF: E_L (1 - p22) + R (1 - p22) I_e
                base = base + gain * evaluate_poly(bias, values)
            row[col: col + 5] = (base, p22, gain, tau, r)
            for k, (tau_x, rest_x) in enumerate((self.plan.decays or {}).values()):
                row[col + 5 + 2 * k: col + 7 + 2 * k] = (np.exp(-dt / evaluate_poly(tau_x, values)),
                                                         evaluate_poly(rest_x, values))
        elif self.plan.method == "exact":
            p, q, g = self.propagator(values, dt)
            n = p.shape[0]
            row[col: col + n * n] = p.ravel()
            row[col + n * n: col + n * n + n] = q
            row[col + n * n + n: col + n * n + 2 * n] = g
        if self.desc.substep is not None:  # as the hand-written HH kernel: the fewest equal steps <= substep
            longest = evaluate(inline(self.desc.substep, {}), values)
            ratio = dt / longest if longest > 0 else 1.0
            n_sub = int(min(max(1.0, np.ceil(ratio - 1e-9)), MAX_SUBSTEPS))
            row[self.substep_col: self.substep_col + 2] = (n_sub, dt / n_sub)

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
    if plan.method == "exponential_leak":
        extra = 5 + 2 * len(plan.decays)
    elif plan.method == "exact":
        extra = 5 if plan.tau is not None else n * n + 2 * n
    else:
        extra = 0
    extra += 2 if desc.substep is not None else 0
    return ModelLayout(desc, plan, n_params, ref_col, ref_col + 1 + extra)


def rest_and_bias(v_inf: Poly, gain: Poly) -> tuple[Poly, Poly]:
    """``v_inf`` as rest + gain * bias: the terms that are the gain (R = tau/C) times a product of parameters
    (a bias current such as I_e) go to ``bias``, divided by the gain; the others (E_L) stay in ``rest``."""
    rest, bias = Poly(), Poly()
    inverse = gain.inverse()
    for mono, c in v_inf.items():
        term = Poly({mono: c}).mul(inverse) if inverse is not None else None
        if term is not None and all(e > 0 for m in term for _, e in m):
            bias = bias.add(term)
        else:
            rest = rest.add(Poly({mono: c}))
    return rest, bias


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
