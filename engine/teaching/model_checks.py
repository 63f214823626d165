"""Lesson tasks that tick when a population's neuron model behaves as asked, checked by running it (no Qt).

A ``Check`` names a population and a behaviour from a closed set: it ``fires`` at a DC current, stays ``silent``
at one, its F–I curve starts at a ``rheobase`` (within a tolerance), or its ``dv/dt`` has a number of
``fixed_points`` at a current. ``run_checks`` answers a step's checks together, with one run of the real engine
(one one-neuron copy of the population per current, each with its own DC input, as the F–I tool does), and says
in words why a check is not met, so a student whose equations are wrong learns what their model does instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from ..equations.data import to_data
from ..equations.description import ModelDescription
from ..equations.evaluate import evaluate_array
from ..equations.inline import inlined_equations
from ..equations.tree import names_in
from ..model.custom import neuron_model
from ..model.network import CurrentInput, Network, Population

__all__ = ["Check", "CheckResult", "CHECKS", "run_checks", "check_problem", "fixed_points_1d", "RUN_MS", "checks_key",
           "parse_check"]

CHECKS = ("fires", "silent", "rheobase", "fixed_points")
ID = r"[A-Za-z_][\w\-:>]*"  # a node id, as lessons write them
RUN_MS = 1000.0  # each probe neuron's run: long enough to see a neuron fire slowly just above its rheobase
RHEOBASE_STEPS = 120  # currents from 0 to 3x the expected rheobase, 2.5 % of it apart
V_RANGE = (-150.0, 50.0)  # mV: where fixed points of dv/dt are looked for


@dataclass(frozen=True)
class Check:
    """``target`` (a population) ``kind`` (one of ``CHECKS``): fires / silent at ``value`` pA; rheobase ``value``
    pA within ``tolerance`` (a fraction); ``value`` fixed points of its first variable at ``current`` pA."""

    target: str
    kind: str
    value: float
    current: float = 0.0
    tolerance: float = 0.1

    def describe(self) -> str:
        if self.kind == "fires":
            return f"{self.target} fires at a constant {self.value:g} pA"
        if self.kind == "silent":
            return f"{self.target} stays silent at {self.value:g} pA"
        if self.kind == "rheobase":
            return f"{self.target}'s F–I curve starts at {self.value:g} pA (within {100 * self.tolerance:g} %)"
        return f"dv/dt of {self.target} has {self.value:g} fixed point{'s' * (self.value != 1)} at {self.current:g} pA"

    def currents(self) -> list[float]:
        """The DC currents (pA) a run must try for this check."""
        if self.kind in ("fires", "silent"):
            return [self.value]
        if self.kind == "rheobase":
            return list(np.linspace(0.0, 3.0 * self.value, RHEOBASE_STEPS + 1))
        return []


@dataclass(frozen=True)
class CheckResult:
    met: bool
    message: str


def check_problem(net: Network, check: Check) -> str | None:
    """Why ``check`` cannot be asked of ``net`` (no such population, a model without equations), or None."""
    pop = net.populations.get(check.target)
    if pop is None:
        return f"the network has no population “{check.target}” to check"
    if check.kind not in CHECKS:
        return f"unknown check “{check.kind}” (known: {', '.join(CHECKS)})"
    if neuron_model(net, pop.model) is None:
        return f"“{check.target}” has the unknown model “{pop.model}”"
    if check.kind == "fixed_points" and pop.model not in net.models:
        return f"fixed points are counted from equations; “{check.target}”'s model {pop.model} has none in the network"
    return None


def parse_check(args: list[str]) -> Check:
    """A check from a lesson's ``@check`` words: ``NODE fires|silent PA``, ``NODE rheobase PA [TOL%]`` or
    ``NODE fixed_points COUNT [at PA]``; ``ValueError`` says what is wrong."""
    usage = ("is not NODE fires PA, NODE silent PA, NODE rheobase PA [TOLERANCE%] or NODE fixed_points COUNT "
             "[at PA]")
    if len(args) < 3 or not re.fullmatch(ID, args[0]) or args[1] not in CHECKS:
        raise ValueError(f"“{' '.join(args)}” {usage}")
    target, kind, rest = args[0], args[1], args[2:]
    numbers = [_number(rest[0])]
    if kind == "rheobase" and len(rest) == 2 and rest[1].endswith("%"):
        return Check(target, kind, _positive(numbers[0]), tolerance=_positive(_number(rest[1][:-1])) / 100.0)
    if kind == "fixed_points" and (numbers[0] < 0 or numbers[0] != int(numbers[0])):
        raise ValueError(f"a count of fixed points is a whole number, not {numbers[0]:g}")
    if kind == "fixed_points" and len(rest) == 3 and rest[1] == "at":
        return Check(target, kind, numbers[0], current=_number(rest[2]))
    if len(rest) != 1:
        raise ValueError(f"“{' '.join(args)}” {usage}")
    return Check(target, kind, _positive(numbers[0]) if kind == "rheobase" else numbers[0])


def _number(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"“{raw}” is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"“{raw}” is not a finite number")
    return value


def _positive(value: float) -> float:
    if value <= 0:
        raise ValueError(f"{value:g} must be above 0")
    return value


def checks_key(net: Network, checks: list[Check]) -> str:
    """What the results of ``checks`` depend on, as text: equal keys, equal results (a cache's key)."""
    parts = [repr(tuple(checks)), repr(net.dt)]
    for target in sorted({c.target for c in checks}):
        pop = net.populations.get(target)
        if pop is not None:
            desc = net.models.get(pop.model)
            parts.append(repr((target, pop.model, sorted(pop.params.items()), sorted(pop.initial.items(), key=str),
                               to_data(desc) if desc is not None else None)))
    return "\n".join(parts)


def run_checks(net: Network, checks: list[Check]) -> list[CheckResult]:
    """Each check's result, from one run per population checked (and the model's equations for fixed points)."""
    results: dict[int, CheckResult] = {}
    for target in dict.fromkeys(c.target for c in checks):
        mine = [(i, c) for i, c in enumerate(checks) if c.target == target]
        for i, c in mine:
            why = check_problem(net, c)
            if why:
                results[i] = CheckResult(False, why)
        todo = [(i, c) for i, c in mine if i not in results]
        currents = sorted({x for _, c in todo for x in c.currents()})
        rates = _rates(net, target, currents) if currents else {}
        for i, c in todo:
            results[i] = _judge(net, c, rates)
    return [results[i] for i in range(len(checks))]


def _rates(net: Network, target: str, currents: list[float]) -> dict[float, tuple[int, float]]:
    """current -> (spikes in RUN_MS, the probe's v at the end) for one-neuron copies of ``target``."""
    pop = net.populations[target]
    variable = _first_variable(net, pop.model)
    probe = Network(dt=net.dt, duration=RUN_MS, seed=1, models=dict(net.models))
    for k, current in enumerate(currents):
        probe.add(Population(f"I{k}", 1, pop.model, dict(pop.params), dict(pop.initial)))
        probe.add(CurrentInput(f"dc{k}", f"I{k}", "dc", {"amplitude": float(current)}))
        probe.record_spikes(f"I{k}")
        probe.record_state(f"I{k}", variable, interval=1.0, id=f"v{k}")
    from ..simulation.simulator import Simulator  # numba loads only when a check runs, not when a lesson is read

    results = Simulator(probe).run(RUN_MS / 1000.0)
    return {current: (int(results.spike_counts(f"I{k}").sum()), float(results.trace(f"v{k}")[1][-1, 0]))
            for k, current in enumerate(currents)}


def _first_variable(net: Network, model: str) -> str:
    desc = net.models.get(model)
    return desc.state[0].name if desc is not None else "v"


def _judge(net: Network, check: Check, rates: dict) -> CheckResult:
    pop = net.populations[check.target]
    desc = net.models.get(pop.model)
    deaf = desc is not None and not any("I_syn" in names_in(e.expr) for e in desc.equations) and not any(
        "I_syn" in names_in(a.expr) for a in desc.aliases)
    if check.kind == "fixed_points":
        return _judge_fixed_points(desc, pop, check)
    if check.kind == "rheobase":
        return _judge_rheobase(check, rates, deaf)
    spikes, v_end = rates[check.value]
    rate = spikes / (RUN_MS / 1000.0)
    if check.kind == "silent":
        if spikes == 0:
            return CheckResult(True, f"silent at {check.value:g} pA")
        return CheckResult(False, f"fires at {rate:g} Hz at {check.value:g} pA: with this little input, v should "
                                  "come to rest below the spike")
    if spikes > 0:
        return CheckResult(True, f"fires at {rate:g} Hz at {check.value:g} pA")
    if deaf:
        return CheckResult(False, "silent: no equation uses I_syn, so no input current reaches the neuron")
    return CheckResult(False, f"silent at {check.value:g} pA: v levels off at {v_end:.1f} mV, where dv/dt = 0. A "
                              "linear (leaky) equation always has such a resting point; the quadratic term is what "
                              "makes v run away to the spike once the current is large enough")


def _judge_rheobase(check: Check, rates: dict, deaf: bool) -> CheckResult:
    firing = [current for current, (spikes, _) in sorted(rates.items()) if current in _grid(check) and spikes]
    if not firing:
        top = 3.0 * check.value
        why = " (no equation uses I_syn)" if deaf else ""
        return CheckResult(False, f"does not fire at any current up to {top:g} pA{why}")
    found = firing[0]
    error = abs(found - check.value) / check.value
    said = f"the F–I curve starts at about {found:.0f} pA, {100 * error:.0f} % from {check.value:g} pA"
    return CheckResult(bool(error <= check.tolerance), said)


def _grid(check: Check) -> set[float]:
    return set(check.currents())


def _judge_fixed_points(desc: ModelDescription, pop: Population, check: Check) -> CheckResult:
    if len(desc.state) != 1:
        return CheckResult(False, f"fixed points are counted for a model of one variable; this one has "
                                  f"{len(desc.state)}")
    points = fixed_points_1d(desc, pop.params, check.current)
    where = ", ".join(f"{v:.1f} mV ({'stable' if stable else 'unstable'})" for v, stable in points) or "none"
    said = f"{len(points)} fixed point{'s' * (len(points) != 1)} at {check.current:g} pA: {where}"
    if len(points) == check.value:
        return CheckResult(True, said)
    hint = " A linear equation has exactly one; a quadratic one has two below the rheobase." if len(points) == 1 \
        else ""
    return CheckResult(False, said + "." + hint)


def fixed_points_1d(desc: ModelDescription, params: dict, current: float,
                    v_range: tuple[float, float] = V_RANGE, n: int = 4001) -> list[tuple[float, bool]]:
    """(v, stable) where dv/dt = 0 for a one-variable model at DC ``current`` pA, from its equation's tree:
    sign changes on a grid refined by bisection; stable where dv/dt falls through zero."""
    (var,) = desc.state_names()
    scale = desc.state[0].unit.factor
    given = {p.name: p.default for p in desc.params} | dict(params)
    values = {p.name: float(given[p.name]) * p.unit.factor for p in desc.params} | {"I_syn": float(current), "t": 0.0}
    rhs = inlined_equations(desc)[var]

    def f(v):
        with np.errstate(all="ignore"):
            return np.broadcast_to(evaluate_array(rhs, {**values, var: np.asarray(v, float) * scale}), np.shape(v))

    v = np.linspace(*v_range, n)
    dv = f(v)
    finite = np.isfinite(dv)
    points = []
    for i in range(1, n - 1):  # a zero on the grid itself, crossed (not touched)
        if dv[i] == 0 and finite[i - 1] and finite[i + 1] and dv[i - 1] * dv[i + 1] < 0:
            points.append((float(v[i]), bool(dv[i - 1] > 0)))
    for i in np.nonzero(finite[:-1] & finite[1:] & (dv[:-1] * dv[1:] < 0))[0]:  # a zero between two grid points
        lo, hi = v[i], v[i + 1]
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if f(mid) * dv[i] > 0 else (lo, mid)
        points.append((float(0.5 * (lo + hi)), bool(dv[i] > 0)))
    return sorted(points)
