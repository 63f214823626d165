"""The integration method of a model, chosen from its equations as Brian2 chooses: exact for a linear system
(a propagator computed when the network is built), exponential Euler when each equation is linear in its own
variable (Hodgkin-Huxley gates), RK4 otherwise. ``method`` in a model overrides the choice when it applies.

``exponential_leak`` is the step the LIF kernels take: the input variable by exponential Euler of its leak plus the
synaptic conductances (held over the step), current synapses through their exact propagators, and every other
variable, which must read only itself, exactly. A one-variable exact model takes it too when it receives
conductance synapses (which make the equation non-linear).

``rush_larsen`` (Rush & Larsen 1978) is how the Hodgkin-Huxley kernel steps: the input variable (the membrane) by
forward Euler, every other variable, linear in itself (a gate: dx/dt = alpha (1 - x) - beta x), by its exact step
with the rates held at their values at the step's start; the issue's "exponential Euler for conditionally linear
ones", written in the arithmetic of the gates' relaxation (x_inf + (x - x_inf) exp(-h (alpha + beta))).
"""

from __future__ import annotations

from dataclasses import dataclass

from .description import ModelDescription, ModelError, ModelProblem
from .inline import inlined_equations
from .linear import Atom, Poly, affine_form

__all__ = ["Plan", "plan_integration", "INPUT"]

INPUT = "I_syn"


@dataclass
class Plan:
    """How a model is integrated.

    ``linear``: per state variable, (coefficients on each state variable, on I_syn, constant) for the exact
    method; ``own``: per state variable, (coefficient on itself, the rest) for exponential Euler; ``tau``,
    ``v_inf`` and ``gain``: for a one-variable exact model, dv/dt = (v_inf + gain I_syn - v)/tau.
    """

    method: str
    chosen: bool  # picked automatically (not written in the model)
    rhs: dict
    atoms: dict[str, Atom]
    linear: dict | None = None
    own: dict | None = None
    tau: Poly | None = None
    v_inf: Poly | None = None
    gain: Poly | None = None
    decays: dict | None = None  # exponential_leak: per other variable, (tau, value at rest) as Polys
    gates: dict | None = None  # rush_larsen: per variable but the input one, (coefficient on itself, the rest)


def plan_integration(desc: ModelDescription, name: str = "") -> Plan:
    """The method and what it needs; a ``ModelError`` at the method line when a forced method cannot apply."""
    rhs = inlined_equations(desc)
    states = desc.state_names()
    atoms: dict[str, Atom] = {}
    linear = _linear_system(rhs, states, atoms)
    own = _conditionally_linear(rhs, states, atoms)
    method = desc.method
    if method == "auto":
        method = "exact" if linear is not None else "exponential_euler" if own is not None else "rk4"
    elif method == "exact" and linear is None:
        _refuse(desc, name, "exact integration needs equations linear in the state variables, with constant "
                            "coefficients")
    elif method == "exponential_euler" and own is None:
        _refuse(desc, name, "exponential Euler needs each equation linear in its own variable")
    gates = _gates(desc, rhs, atoms, name) if method == "rush_larsen" else None
    if desc.substep is not None and method in ("exact", "exponential_leak"):
        _refuse(desc, name, f"integrated by {method}, which steps over dt exactly: a substep does not apply")
    plan = Plan(method, desc.method == "auto", rhs, atoms, linear, own, gates=gates)
    if method == "exact" and len(states) == 1:
        _scalar(plan, states[0])
    if method == "exponential_leak":
        _leak(plan, desc, name)
    return plan


def _refuse(desc: ModelDescription, name: str, message: str) -> None:
    line = next((i for i, text in enumerate(desc.lines, 1) if text.strip().startswith("method")), 0)
    raise ModelError([ModelProblem(line, 8 if line else 0, message)], name)


def _linear_system(rhs: dict, states: list[str], atoms: dict):
    """Per variable (state coefficients, I_syn coefficient, constant), or None if not linear with constant
    coefficients (``t`` counts as a variable: a time-dependent coefficient is not exact)."""
    system = {}
    for var, tree in rhs.items():
        form = affine_form(tree, states + ["t"], {INPUT}, atoms)
        if form is None or any(form[0]["t"]):
            return None
        coef, inputs, const = form
        system[var] = ({s: coef[s] for s in states}, inputs[INPUT], const)
    return system


def _conditionally_linear(rhs: dict, states: list[str], atoms: dict):
    """Per variable (coefficient on itself, remainder) as trees of the other names, or None."""
    own = {}
    for var, tree in rhs.items():
        form = affine_form(tree, [var], set(), atoms)
        if form is None:
            return None
        own[var] = (form[0][var], form[2])
    return own


def _gates(desc: ModelDescription, rhs: dict, atoms: dict, name: str) -> dict:
    """Per variable other than the input one, (coefficient on itself, remainder) as Polys of the other names;
    a ``ModelError`` at the method line for one that is not linear in itself."""
    gates = {}
    for var, tree in rhs.items():
        if var == desc.input_var:
            continue
        form = affine_form(tree, [var], set(), atoms)
        if form is None:
            _refuse(desc, name, f"rush_larsen needs each variable but {desc.input_var} linear in itself: "
                                f"d{var}/dt is not")
        if not form[0][var]:
            _refuse(desc, name, f"rush_larsen steps each variable but {desc.input_var} towards its steady state: "
                                f"d{var}/dt must depend on {var}")
        gates[var] = (form[0][var], form[2])
    return gates


def _leak(plan: Plan, desc: ModelDescription, name: str) -> None:
    """The plan of ``exponential_leak``, or a ``ModelError`` at the method line saying what the equations lack."""
    v = desc.input_var
    if plan.linear is None:
        _refuse(desc, name, "exponential_leak needs equations linear in the state variables, with constant "
                            "coefficients")
    for var, (coef, k, _) in plan.linear.items():
        others = [s for s, c in coef.items() if c and s != var]
        if others:
            _refuse(desc, name, f"exponential_leak needs each equation to read only its own variable: "
                                f"d{var}/dt reads {others[0]}")
        if var != v and k:
            _refuse(desc, name, f"exponential_leak takes I_syn in d{v}/dt only, not in d{var}/dt")
    _scalar(plan, v)
    if plan.tau is None or not plan.gain or not plan.gain.single():
        _refuse(desc, name, f"exponential_leak needs d{v}/dt = (v_rest - {v})/tau + I_syn/C with tau and C "
                            "products of parameters")
    plan.decays = {}
    for var, (coef, _, const) in plan.linear.items():
        if var != v:
            tau = Poly().add(coef[var], -1.0).inverse()
            if tau is None:
                _refuse(desc, name, f"exponential_leak needs d{var}/dt = (rest - {var})/tau with tau a product "
                                    "of parameters")
            plan.decays[var] = (tau, const.mul(tau))


def _scalar(plan: Plan, v: str) -> None:
    """dv/dt = a v + k I_syn + b with a = -1/tau a single monomial: tau, v_inf = b tau and gain = k tau."""
    coef, k, b = plan.linear[v]
    a = coef[v]
    minus_a = Poly().add(a, -1.0)
    tau = minus_a.inverse()
    if tau is None:
        return
    plan.tau, plan.v_inf, plan.gain = tau, b.mul(tau), k.mul(tau)
