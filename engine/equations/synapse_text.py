"""The text form of a synapse kind, one statement a line, and its parser (whitelist grammar, never evaluated).

    title Exponential current synapse
    about A spike adds its weight to I, which decays with tau; the target receives I.
    param tau = 5 ms (0, inf) "Decay time constant"   # default, optional range and description (as in models)
    weight pA                                          # the unit of the weight w
    state I = 0 pA                                     # at most one: the engine's channels are one exponential
    dI/dt = -I/tau                                     # a pure exponential decay, solved exactly each step
    on_pre I += w                                      # at a presynaptic spike (also -=); v += w jumps the target
    input I                                            # the current the target receives (pA)
    symmetric                                          # the source receives the opposite current (gap junctions)

A synapse without ``on_pre`` acts every step between voltages (graded synapses and gap junctions): its input
reads ``v_pre`` and ``v_post`` (mV), the weight ``w`` and parameters. A spiking synapse's input reads its state,
parameters and the target's ``v`` (also ``v_post``). Every problem is reported with its line and column, and
parsing goes on, so all are found at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .check import Kind, check_expression
from .description import Equation, ModelError, ModelProblem, Parameter, StateVar, UnitSpec
from .parser import ParseError, parse_expression
from .rule_description import Statement
from .rule_text import linear_parts
from .text import MAX_LINES, _Builder, _LineError, parse_unit, read_statements
from .tree import Node, names_in
from .units import Dim, dim_text

__all__ = ["SynapseDescription", "SynapseError", "parse_synapse", "VOLTAGES", "WEIGHT"]

WEIGHT = "w"
VOLTAGES = {"v": Dim(V=1), "v_post": Dim(V=1), "v_pre": Dim(V=1)}  # target's (v, v_post) and source's potential
CURRENT = Dim(A=1)
_NAME = r"[A-Za-z_][A-Za-z_0-9]*"
_WORDS = {"title", "about", "param", "weight", "state", "on_pre", "input", "symmetric"}
_DERIV = re.compile(rf"d(?P<var>{_NAME})\s*/\s*dt\s*=")
_ASSIGN = re.compile(rf"(?P<var>{_NAME})\s*(?P<op>\+=|-=|=)(?!=)")
_ONE_EXPONENTIAL = "the engine's channels are one exponential each"


@dataclass(frozen=True)
class SynapseDescription:
    """A checked synapse kind. ``lines`` is its text, which every problem's line refers to."""

    title: str
    about: str
    params: tuple[Parameter, ...]
    weight: UnitSpec
    state: StateVar | None  # the channel variable (None: delta, graded, gap)
    equation: Equation | None  # its decay, dX/dt = A*X with A made of parameters
    on_pre: Statement | None  # what a presynaptic spike does (None: acts every step, no spikes)
    input: Node | None  # the current the target receives (None: delta, whose spike jumps v itself)
    symmetric: bool
    lines: tuple[str, ...]

    @property
    def spiking(self) -> bool:
        return self.on_pre is not None

    @property
    def rate(self) -> Node | None:
        """A in dX/dt = A*X (the decay rate, e.g. -1/tau), or None without a state."""
        return None if self.equation is None else linear_parts(self.equation.expr, self.equation.var)[0]

    @property
    def signed(self) -> bool:
        """Whether an inhibitory receptor flips what the synapse does: it has no driving force (its input, or its
        jump, reads no membrane potential); a conductance's effect follows from its reversal potential instead."""
        return self.input is None or not names_in(self.input) & set(VOLTAGES)

    def param(self, name: str) -> Parameter | None:
        return next((p for p in self.params if p.name == name), None)


class SynapseError(ModelError):
    """Every problem found in a synapse's text (line and column), named by the synapse."""

    noun = "synapse"


def parse_synapse(text: str, title: str = "") -> SynapseDescription:
    """The checked description of ``text``, or a ``SynapseError`` listing every problem (line, column)."""
    if not isinstance(text, str):
        raise SynapseError([ModelProblem(0, 0, "a synapse is text")], title)
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        raise SynapseError([ModelProblem(0, 0, f"a synapse has at most {MAX_LINES} lines")], title)
    builder = _SynapseBuilder(title)
    read_statements(lines, builder, builder.synapse_statement)
    return builder.finish_synapse(tuple(lines))


class _SynapseBuilder(_Builder):
    """Collects a synapse's statements line by line (parameters and the state as in models)."""

    def __init__(self, title: str):
        super().__init__(title)
        self.weight: UnitSpec | None = None
        self.events: list[tuple[Statement, int]] = []  # on_pre and the column of its variable
        self.inputs: list[tuple[Node, int]] = []
        self.symmetric = False
        self.syn_eqs: list[tuple[str, Node, int, int]] = []  # var, tree, line, column of the var

    def synapse_statement(self, line: str, n: int) -> None:
        body = line.lstrip()
        col = len(line) - len(body) + 1
        if m := _DERIV.match(body):
            self.syn_eqs.append((m.group("var"), parse_expression(body[m.end():], col + m.end()), n, col + 1))
            return
        word = re.match(_NAME, body)
        head = word.group() if word else ""
        rest, rest_at = body[len(head):], col + len(head)
        handler = {"title": self.on_title, "about": self.on_about, "param": self.on_param, "weight": self.on_weight,
                   "state": self.on_state, "on_pre": self.on_pre, "input": self.on_input,
                   "symmetric": self.on_symmetric}.get(head)
        if handler is None or (rest and not rest[0].isspace()):
            raise _LineError(col, f"a line starts with a keyword ({', '.join(sorted(_WORDS))}) or is an equation "
                                  "such as dI/dt = -I/tau")
        handler(rest, rest_at, n)

    def declare(self, name: str, col: int, n: int) -> None:
        if name == WEIGHT or name in VOLTAGES:
            raise _LineError(col, f"{name!r} is {'the weight' if name == WEIGHT else 'a membrane potential'}; "
                                  "choose another name")
        if name in _WORDS:
            raise _LineError(col, f"{name!r} is a keyword; choose another name")
        super().declare(name, col, n)

    def on_weight(self, rest: str, col: int, n: int) -> None:
        if self.weight is not None:
            raise _LineError(col - len("weight"), "a second weight line")
        if not rest.strip():
            raise _LineError(col, "expected weight UNIT (for instance: weight pA)")
        self.weight = parse_unit(rest, col + len(rest) - len(rest.lstrip()))

    def on_state(self, rest: str, col: int, n: int) -> None:
        if self.state:
            raise _LineError(col - len("state"), f"a synapse has one state variable at most: {_ONE_EXPONENTIAL}")
        super().on_state(rest, col, n)

    def on_pre(self, rest: str, col: int, n: int) -> None:
        if self.events:
            raise _LineError(col - len("on_pre"), "a synapse has one on_pre statement")
        body = rest.lstrip()
        col += len(rest) - len(body)
        m = _ASSIGN.match(body)
        if not m or m.group("op") == "=":
            raise _LineError(col, "expected on_pre VARIABLE += EXPRESSION (or -=)")
        expr = parse_expression(body[m.end():], col + m.end())
        self.events.append((Statement(m.group("var"), m.group("op"), expr, n), col))

    def on_input(self, rest: str, col: int, n: int) -> None:
        if self.inputs:
            raise _LineError(col - len("input"), "a synapse has one input")
        self.inputs.append((parse_expression(rest, col), n))

    def on_symmetric(self, rest: str, col: int, n: int) -> None:
        if rest.strip():
            raise _LineError(col + 1, "symmetric stands alone on its line")
        self.symmetric = True

    def kind(self, expr: Node) -> Kind:
        dims = dict(VOLTAGES)
        dims.update({s.name: s.unit.dim for s in self.state})
        dims.update({p.name: p.unit.dim for p in self.params})
        if self.weight is not None:
            dims[WEIGHT] = self.weight.dim
        return check_expression(expr, dims)

    def finish_synapse(self, lines: tuple[str, ...]) -> SynapseDescription:
        if self.weight is None:
            self.problem(0, 0, "a synapse states its weight's unit (weight pA)")
        for check in (self.check_equations, self.check_event, self.check_input):
            try:
                check()
            except _LocatedError as exc:
                self.problem(exc.line, exc.col, exc.message)
        if self.problems:
            raise SynapseError(sorted(self.problems, key=lambda p: (p.line, p.col)), self.title)
        state = self.state[0] if self.state else None
        equation = Equation(*self.syn_eqs[0][:3]) if self.syn_eqs else None
        return SynapseDescription(self.title, self.about, tuple(self.params), self.weight, state, equation,
                                  self.events[0][0] if self.events else None,
                                  self.inputs[0][0] if self.inputs else None, self.symmetric, lines)

    def check_equations(self) -> None:
        """One equation, for the state, a pure exponential decay dX/dt = A*X with A made of parameters."""
        for k, (var, expr, n, col) in enumerate(self.syn_eqs):
            if not self.state or var != self.state[0].name:
                raise _LocatedError(n, col, f"{var!r} is not the synapse's state variable (declare it: state {var} = "
                                            "0 pA)")
            if k:
                raise _LocatedError(n, col, f"a second equation for {var!r}")
            got, want = self.expr_kind(expr, n), self.state[0].unit.dim / Dim(s=1)
            if got.boolean or got.dim != want:
                raise _LocatedError(n, expr.col, f"d{var}/dt must be in {dim_text(want)}, not {_what(got)}")
            parts = linear_parts(expr, var)
            params = {p.name for p in self.params}
            if parts is None or parts[1] is not None or parts[0] is None or not names_in(parts[0]) <= params:
                raise _LocatedError(n, expr.col, f"d{var}/dt must decay exponentially, as -{var}/tau with tau a "
                                            f"parameter: {_ONE_EXPONENTIAL}")
        if self.state and not self.syn_eqs:
            s = self.state[0]
            raise _LocatedError(s.line, 1, f"{s.name} needs its decay (d{s.name}/dt = -{s.name}/tau): "
                                           f"{_ONE_EXPONENTIAL}")

    def check_event(self) -> None:
        """``on_pre`` changes the state (or the target's v, with no state) by an amount of its unit."""
        if not self.events:
            return
        st, col = self.events[0]
        targets = {s.name: s.unit.dim for s in self.state} or {"v": VOLTAGES["v"]}
        if st.var not in targets:
            raise _LocatedError(st.line, col, f"on_pre changes {' or '.join(targets)}, not {st.var!r}")
        got = self.expr_kind(st.expr, st.line)
        if got.boolean or got.dim != targets[st.var]:
            raise _LocatedError(st.line, st.expr.col, f"{st.var} is in {dim_text(targets[st.var])}, this is in "
                                                 f"{_what(got)}")
        bad = sorted(names_in(st.expr) & (set(VOLTAGES) | set(targets)))
        if bad:
            raise _LocatedError(st.line, st.expr.col, f"a spike adds the weight and parameters, not {bad[0]}")

    def check_input(self) -> None:
        """The input is a current; a spiking synapse's reads its state and the target, a graded one's both ends."""
        if not self.inputs:
            if not self.events:
                raise _LocatedError(0, 0, "a synapse acts at spikes (on_pre) or every step (input)")
            if self.state:
                s = self.state[0]
                raise _LocatedError(s.line, 1, f"{s.name} must reach the target: input {s.name}")
            if self.symmetric:
                raise _LocatedError(0, 0, "symmetric is for synapses with an input and no spikes (gap junctions)")
            return
        expr, n = self.inputs[0]
        got = self.expr_kind(expr, n)
        if got.boolean or got.dim != CURRENT:
            raise _LocatedError(n, expr.col, f"the input is a current (pA), not {_what(got)}")
        if self.events:
            bad = sorted(names_in(expr) & {"v_pre", WEIGHT})
            why = "a spiking synapse's input reads its state, parameters and the target's v"
        else:
            bad = sorted(s.name for s in self.state)
            why = "a synapse without spikes has no state: its input reads v_pre, v_post, w and parameters"
        if bad:
            raise _LocatedError(n, expr.col, f"{why}, not {bad[0]}")
        if self.symmetric and self.events:
            raise _LocatedError(n, expr.col, "symmetric is for synapses with no spikes (gap junctions)")

    def expr_kind(self, expr: Node, n: int) -> Kind:
        try:
            return self.kind(expr)
        except ParseError as exc:
            raise _LocatedError(n, exc.col, exc.message) from None


class _LocatedError(Exception):
    def __init__(self, line: int, col: int, message: str):
        self.line, self.col, self.message = line, col, message


def _what(kind: Kind) -> str:
    return "a condition" if kind.boolean else dim_text(kind.dim)
