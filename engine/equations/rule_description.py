"""A learning rule (or short-term plasticity) as data: parameters, per-synapse and per-neuron variables with
their equations, ``on_pre`` / ``on_post`` statements and an optional modulator (reward) for three-factor rules.

A ``RuleDescription`` is what ``rule_text.parse_rule`` returns once every line is parsed and checked: every
expression is a tree whose names and units are valid. Values keep the units the author wrote; the build
converts them to the engine's units (ms, mV, pA) once. ``w`` is always a synapse variable: the synapse's
weight, in its projection's weight unit (pA, mV or nS), written as a plain number in the rule. ``gain`` is
always a presynaptic variable: the factor every spike of the neuron carries its weights with (1 until a rule
sets it in ``on_pre``): short-term plasticity (Tsodyks-Markram: ``on_pre gain = u*x``). ``dt`` (the time step,
ms) and ``step`` (the number of the current step) may be read anywhere: with a variable that keeps the step of a
neuron's last spike, a rule can solve its equations once per spike rather than once per step, as
Tsodyks-Markram's kernel always has. ``every INTERVAL: w = ...`` sets synapse variables at a fixed period
rather than at events: rate-based rules (homeostatic scaling) read slow per-neuron rate traces there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .description import Alias, Equation, ModelError, Parameter, UnitSpec
from .tree import Name, walk
from .units import DIMENSIONLESS, Dim

__all__ = ["RuleVar", "Statement", "Scaling", "Periodic", "RuleDescription", "RuleError", "SCOPES", "WEIGHT", "GAIN",
           "MAX_VARS", "BUILTINS"]

SCOPES = ("synapse", "pre", "post")  # one value per synapse, per presynaptic neuron, per postsynaptic neuron
WEIGHT = "w"
GAIN = "gain"
MAX_VARS = 8  # variables per scope
BUILTINS = {"dt": Dim(s=1), "step": DIMENSIONLESS}  # the time step (ms) and the current step's number


@dataclass(frozen=True)
class RuleVar:
    """A variable of the rule: ``scope`` is one of ``SCOPES``; ``initial`` in ``unit``."""

    name: str
    scope: str
    unit: UnitSpec
    initial: float
    line: int = 0


@dataclass(frozen=True)
class Statement:
    """``var = expr`` (or ``+=``, ``-=``) run at a presynaptic (``on_pre``) or postsynaptic (``on_post``) spike."""

    var: str
    op: str
    expr: object  # a tree (``tree.Node``)
    line: int = 0


@dataclass(frozen=True)
class Scaling:
    """``scale w to TOTAL every INTERVAL``: synaptic scaling (Diehl & Cook 2015). Every INTERVAL (rounded to whole
    steps, at least one), after the step's pairings, the weights onto each postsynaptic neuron are multiplied so
    they sum to TOTAL (neurons whose weights sum to 0 are left alone); never while TOTAL is 0."""

    total: object  # a tree of parameters and numbers, in the weight's unit
    interval: object  # ... in time
    line: int = 0


@dataclass(frozen=True)
class Periodic:
    """``every INTERVAL: VAR = EXPR`` lines that share one interval (the same text), in the order written: every
    INTERVAL (rounded to whole steps, at least one), after the step's pairings and rewards and before the
    ``scaling``, they run once for each synapse, as ``on_reward`` does. The interval is made of parameters and
    numbers, so the build turns it into a whole number of steps once."""

    interval: object  # a tree of parameters and numbers, in time
    statements: tuple[Statement, ...]
    line: int = 0


class RuleError(ModelError):
    """Every problem found in a rule's text (line and column), named by the rule."""

    noun = "rule"


@dataclass(frozen=True)
class RuleDescription:
    """A checked learning rule. ``lines`` is the text every problem's line refers to.

    ``on_pre`` statements run for each spike of a presynaptic neuron: those that set presynaptic variables
    once for the neuron, those that set synapse variables (``w``) once for each synapse of its row; likewise
    ``on_post`` for a postsynaptic spike over the synapses onto the neuron. Per step, in order: every
    variable with an equation moves one step (traces decay exactly), then the presynaptic spikes, then the
    postsynaptic ones (so a pre and a post spike in the same step count as causal), then, in a step whose
    modulator is not 0, the ``on_reward`` statements once for each synapse, then, in a step that ends one of their
    intervals, the ``periodic`` statements once for each synapse, then the synaptic ``scaling``.
    """

    title: str
    params: tuple[Parameter, ...]
    variables: tuple[RuleVar, ...]  # ``w`` first
    aliases: tuple[Alias, ...]
    equations: tuple[Equation, ...]
    on_pre: tuple[Statement, ...]
    on_post: tuple[Statement, ...]
    modulator: str = ""  # the name of the modulator input (reward), or "" for a two-factor rule
    description: str = ""
    lines: tuple[str, ...] = field(default=(), compare=False)
    on_reward: tuple[Statement, ...] = ()
    scaling: Scaling | None = None
    periodic: tuple[Periodic, ...] = ()

    def param_names(self) -> list[str]:
        return [p.name for p in self.params]

    def names_in(self, scope: str) -> list[str]:
        """The variables of one scope, in declaration order (``w`` first among the synapse ones)."""
        return [v.name for v in self.variables if v.scope == scope]

    @property
    def short_term(self) -> bool:
        """True when the rule reads or sets ``gain`` (each spike then carries its weights times the gain)."""
        trees = [st.expr for st in self.on_pre + self.on_post + self.on_reward + self.periodic_statements()]
        trees += [a.expr for a in self.aliases]
        trees += [e.expr for e in self.equations]
        return any(st.var == GAIN for st in self.on_pre) or any(
            GAIN in {n.id for n in walk(t) if isinstance(n, Name)} for t in trees)

    def periodic_statements(self) -> tuple[Statement, ...]:
        """Every ``every INTERVAL:`` statement, interval by interval."""
        return tuple(st for block in self.periodic for st in block.statements)

    def var(self, name: str) -> RuleVar | None:
        return next((v for v in self.variables if v.name == name), None)

    def equation_of(self, var: str) -> Equation | None:
        return next((e for e in self.equations if e.var == var), None)

    def dims(self) -> dict[str, Dim]:
        """The dimension of every name an expression of this rule may read."""
        dims = {p.name: p.unit.dim for p in self.params}
        dims.update({v.name: v.unit.dim for v in self.variables})
        dims[GAIN] = DIMENSIONLESS
        dims.update(BUILTINS)
        if self.modulator:
            dims[self.modulator] = DIMENSIONLESS
        dims.update({a.name: a.dim for a in self.aliases})
        return dims
