"""A neuron model as data: state variables, parameters, equations, threshold, reset, refractoriness.

A ``ModelDescription`` is what ``text.parse_model`` returns once every line is parsed and checked: each
expression is a tree whose names and units are valid. Values are kept in the units the author wrote
(``UnitSpec``), and converted to the engine's units (ms, mV, pA) only when a network is built.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .presets import Preset
from .tree import Binary, Node, Unary
from .units import DIMENSIONLESS, Dim

__all__ = ["UnitSpec", "StateVar", "Receptor", "RECEPTOR_KINDS", "EXCITATORY_E_REV_MIN", "Parameter",
           "Alias", "Equation", "Reset", "ModelDescription", "ModelProblem",
           "ModelError", "is_condition", "METHODS", "RESERVED", "MAX_STATE"]

METHODS = ("auto", "exact", "exponential_leak", "exponential_euler", "rush_larsen", "euler", "rk2", "rk4")
MAX_STATE = 8  # state variables of a model: rows of the loop's state table (codes.SYN_EXC lies beyond them)
RESERVED = {"t": Dim(s=1), "I_syn": Dim(A=1)}  # time (ms) and the input current (synapses + current inputs, pA)


@dataclass(frozen=True)
class UnitSpec:
    """A unit as written (``mV``, ``mS/cm2``, ``1`` or empty for none), its dimension and engine factor."""

    text: str = ""
    dim: Dim = DIMENSIONLESS
    factor: float = 1.0


@dataclass(frozen=True)
class StateVar:
    name: str
    unit: UnitSpec
    initial: float  # in ``unit``
    line: int = 0


@dataclass(frozen=True)
class Parameter:
    name: str
    unit: UnitSpec
    default: float  # in ``unit``
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    description: str = ""
    line: int = 0


@dataclass(frozen=True)
class Alias:
    """A named expression (``let name = expr``), usable in later lines."""

    name: str
    expr: Node
    dim: Dim
    line: int = 0


@dataclass(frozen=True)
class Equation:
    """``d var/dt = expr``."""

    var: str
    expr: Node
    line: int = 0


RECEPTOR_KINDS = ("current", "conductance", "delta")
# a conductance receptor counts as excitatory (trace g_exc, canvas colour) when it reverses above this, in mV
EXCITATORY_E_REV_MIN = -50.0


@dataclass(frozen=True)
class Receptor:
    """A named synaptic receptor (``receptor AMPA conductance tau=2*ms E_rev=0*mV``): the one place a projection
    onto it takes its kind and kinetics from. Engine units: ``tau`` in ms, ``E_rev`` in mV; ``sign`` (+1 or -1)
    is a current or delta receptor's effect, a conductance's follows from ``E_rev``."""

    name: str
    kind: str
    tau: float = 0.0
    E_rev: float = 0.0
    sign: float = 1.0
    line: int = field(default=0, compare=False)

    @property
    def excitatory(self) -> bool:
        """Whether it counts as excitatory: a current or delta by its sign, a conductance by its reversal."""
        return self.E_rev > EXCITATORY_E_REV_MIN if self.kind == "conductance" else self.sign > 0


@dataclass(frozen=True)
class Reset:
    """``var = expr``, ``var += expr`` or ``var -= expr``, applied when a neuron spikes."""

    var: str
    op: str
    expr: Node
    line: int = 0


def is_condition(node: Node) -> bool:
    """Whether a checked tree is a condition (a comparison, and/or, not) rather than a quantity."""
    return (isinstance(node, Binary) and node.op in ("<", "<=", ">", ">=", "==", "!=", "and", "or")) or \
        (isinstance(node, Unary) and node.op == "not")


@dataclass(frozen=True)
class ModelProblem:
    """One thing wrong with a model's text: 1-based line and column (0 when it concerns the whole model)."""

    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.col}: {self.message}" if self.line else self.message


class ModelError(ValueError):
    """Every problem found in a model's text (``noun`` names what the text describes: a model, a rule ...)."""

    noun = "model"

    def __init__(self, problems: list[ModelProblem], model: str = ""):
        self.problems = list(problems)
        self.model = model
        prefix = f"{self.noun} {model!r}, " if model else ""
        super().__init__("\n".join(prefix + str(p) for p in self.problems))


@dataclass(frozen=True)
class ModelDescription:
    """A checked neuron model. ``lines`` is its canonical text, which every problem's line refers to."""

    title: str
    state: tuple[StateVar, ...]
    params: tuple[Parameter, ...]
    aliases: tuple[Alias, ...]
    equations: tuple[Equation, ...]
    threshold: Node | None
    threshold_line: int
    resets: tuple[Reset, ...]
    refractory: Node | None  # a time computed from parameters, or a condition on the state (refractory_condition)
    clamp: tuple[str, ...]  # variables held during the refractory period
    method: str
    input_var: str  # the variable delta synapses jump
    receptors: tuple[str, ...]
    description: str = ""
    lines: tuple[str, ...] = field(default=(), compare=False)
    # initial values computed from parameters and the state variables above (``init u = b*v``), in state order;
    # a variable without one starts at the value on its state line
    inits: tuple[Reset, ...] = ()
    # the longest internal step, a time from parameters (``substep 0.01*ms``): each dt is split into the fewest
    # equal steps no longer than it; None: one step of dt
    substep: Node | None = None
    # named receptors (``receptor NAME KIND tau=... E_rev=... sign=...``), in the order written; their names are
    # also in ``receptors``
    named_receptors: tuple[Receptor, ...] = ()
    # named parameter sets (``preset RS a = 0.02 1/ms, ...``), in the order written
    presets: tuple[Preset, ...] = ()

    @property
    def refractory_condition(self) -> bool:
        """Whether ``refractory`` is a condition (no spike while it held at the start of the step, as Brian2's
        ``refractory='v > 0*mV'``: with ``threshold v >= 0*mV`` a spike is an upward crossing) rather than a time."""
        return is_condition(self.refractory) if self.refractory is not None else False

    def receptor(self, name: str) -> Receptor | None:
        """The named receptor ``name``, or None (also for the unnamed excitatory and inhibitory ones)."""
        return next((r for r in self.named_receptors if r.name == name), None)

    def preset_values(self) -> dict[str, dict[str, float]]:
        """Each preset's values by parameter, in the parameters' declared units."""
        return {p.name: p.as_dict() for p in self.presets}

    def state_names(self) -> list[str]:
        return [s.name for s in self.state]

    def param_names(self) -> list[str]:
        return [p.name for p in self.params]

    def init_of(self, var: str) -> Reset | None:
        return next((i for i in self.inits if i.var == var), None)

    def equation_of(self, var: str) -> Equation | None:
        return next((e for e in self.equations if e.var == var), None)

    def dims(self) -> dict[str, Dim]:
        """The dimension of every name an expression of this model may read."""
        dims = dict(RESERVED)
        dims.update({s.name: s.unit.dim for s in self.state})
        dims.update({p.name: p.unit.dim for p in self.params})
        dims.update({a.name: a.dim for a in self.aliases})
        return dims
