"""The text form of a model, one statement a line, and its parser (whitelist grammar, never evaluated).

    title FitzHugh-Nagumo (in mV and ms)
    about One line that says what the model is for.
    state v = -60 mV                                   # a state variable and its initial value
    init v = E_L                                       # or an initial value from parameters and the state above
    param tau = 10 ms (0, 1000] "Time constant of v"   # default, optional range and description
    preset slow tau = 50 ms, a = 0.1                   # a named set of parameter values (presets.py)
    let I_ion = g_L*(v - E_L)                          # a named expression for the lines below
    dv/dt = (v - v**3/(3*mV**2) - w + R*I_syn)/tau     # one equation per state variable
    threshold v > 20*mV
    reset v = c                                        # also += and -=
    refractory t_ref clamp v                           # a time; the clamped variables stay put
    refractory v > 0*mV                                # or a condition: no spike while it held at the step's start
    method rk4                                         # auto (default), exact, exponential_leak, exponential_euler,
                                                       # rush_larsen, euler, rk2, rk4 (see methods.py)
    substep 0.01*ms                                    # split each dt into equal steps no longer than this
    input v                                            # the variable delta synapses jump (default: the first)
    receptors excitatory, inhibitory                   # unnamed receptors: each projection brings its kinetics
    receptor AMPA conductance tau=2*ms E_rev=0*mV      # a named receptor: projections onto it take these
    receptor I_inh current tau=5*ms sign=-1            # (kinds current, conductance, delta; see receptor_line.py)

Numbers carry units as Brian2 writes them (``5*mV``); names are state variables, parameters, ``let``
names, ``t`` (ms) and ``I_syn`` (the summed input current: synapses and current inputs, pA). Every
problem is reported with its line and column; parsing goes on to the next line, so all are found at once.
"""

from __future__ import annotations

import math
import re

from .check import FUNCTIONS, ExprError, Kind, check_expression
from .description import (
    MAX_STATE,
    METHODS,
    RESERVED,
    Alias,
    Equation,
    ModelDescription,
    ModelError,
    ModelProblem,
    Parameter,
    Receptor,
    Reset,
    StateVar,
    UnitSpec,
)
from .parser import ParseError, parse_expression
from .presets import check_preset, read_preset
from .receptor_line import clash_problems, parse_receptor
from .tree import Binary, Name, Node, Num, Unary, names_in
from .units import DIMENSIONLESS, UNITS, Dim, dim_text

__all__ = ["parse_model", "parse_unit", "MAX_LINES", "RECEPTOR_NAMES"]

MAX_LINES = 500
MAX_LINE_LENGTH = 2000
RECEPTOR_NAMES = ("excitatory", "inhibitory")
_NAME = r"[A-Za-z_][A-Za-z_0-9]*"
_KEYWORDS = {"title", "about", "state", "init", "param", "preset", "let", "threshold", "reset", "refractory", "method",
             "input", "substep", "receptors", "receptor", "clamp", "and", "or", "not", "dt", "inf"}
_DERIV = re.compile(rf"d(?P<var>{_NAME})\s*/\s*dt\s*=")
_DECL = re.compile(rf"(?P<name>{_NAME})\s*=")
_RESET = re.compile(rf"(?P<var>{_NAME})\s*(?P<op>\+=|-=|=)")
_NUMBER = re.compile(r"[-+]?(?:inf|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_RANGE = re.compile(r"(?P<lo>[\[(])\s*(?P<a>\S+?)\s*,\s*(?P<b>\S+?)\s*(?P<hi>[\])])")


class _LineError(Exception):
    def __init__(self, col: int, message: str):
        self.col, self.message = col, message


def parse_model(text: str, title: str = "") -> ModelDescription:
    """The checked description of ``text``, or a ``ModelError`` listing every problem (line, column)."""
    if not isinstance(text, str):
        raise ModelError([ModelProblem(0, 0, "a model is text")])
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        raise ModelError([ModelProblem(0, 0, f"a model has at most {MAX_LINES} lines")])
    builder = _Builder(title)
    read_statements(lines, builder, builder.statement)
    return builder.finish(tuple(lines))


def read_statements(lines: list[str], builder, statement) -> None:
    """Give ``statement(line, number)`` every line that is not blank or a comment; each line's problem (too
    long, or what the statement raised) goes to ``builder.problem`` and the next line is read. Models and
    learning rules share this."""
    for number, raw in enumerate(lines, 1):
        line = _strip_comment(raw).rstrip()
        if not line.strip():
            continue
        if len(line) > MAX_LINE_LENGTH:
            builder.problem(number, 1, f"line longer than {MAX_LINE_LENGTH} characters")
            continue
        try:
            statement(line, number)
        except (_LineError, ParseError) as exc:
            builder.problem(number, exc.col, exc.message)


def _strip_comment(line: str) -> str:
    """The line without a trailing ``# comment`` (a ``#`` inside a quoted description stays)."""
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "#" and not quoted:
            return line[:i]
    return line


def parse_unit(text: str, col: int = 1) -> UnitSpec:
    """A unit spelled with unit names, ``*``, ``/``, ``**`` and whole numbers (``mS/cm2``, ``1/ms``, ``1``)."""
    text = text.strip()
    if not text or text == "1":
        return UnitSpec("", DIMENSIONLESS, 1.0)
    dim, factor = _unit_value(parse_expression(text, col))
    return UnitSpec(text, dim, factor)


def _unit_value(node: Node) -> tuple[Dim, float]:
    if isinstance(node, Name):
        if node.id not in UNITS:
            raise ExprError(node.col, f"unknown unit {node.id!r}")
        return UNITS[node.id].dim, UNITS[node.id].factor
    if isinstance(node, Num) and node.value == 1:
        return DIMENSIONLESS, 1.0
    if isinstance(node, Binary) and node.op in ("*", "/"):
        (da, fa), (db, fb) = _unit_value(node.left), _unit_value(node.right)
        return (da * db, fa * fb) if node.op == "*" else (da / db, fa / fb)
    if isinstance(node, Binary) and node.op == "**" and isinstance(node.right, Num):
        d, f = _unit_value(node.left)
        return d ** node.right.value, f ** node.right.value
    if isinstance(node, Binary) and node.op == "**" and isinstance(node.right, Unary) \
            and node.right.op == "-" and isinstance(node.right.operand, Num):
        d, f = _unit_value(node.left)
        return d ** -node.right.operand.value, f ** -node.right.operand.value
    raise ExprError(node.col, "a unit is made of unit names, '*', '/' and '**' with a number")


class _Builder:
    """Collects statements line by line, checking each against what was declared before it."""

    def __init__(self, title: str):
        self.title, self.about = title, ""
        self.state: list[StateVar] = []
        self.params: list[Parameter] = []
        self.aliases: list[Alias] = []
        self.equations: list[Equation] = []
        self.resets: list[Reset] = []
        self.inits: list[Reset] = []
        self.threshold: tuple[Node, int] | None = None
        self.refractory: tuple[Node, int] | None = None
        self.substep: tuple[Node, int] | None = None
        self.clamp: tuple[str, ...] = ()
        self.method, self.input_var, self.receptors = "auto", "", None
        self.named: dict[str, Receptor] = {}
        self.presets: list[tuple[str, list, int]] = []  # as written; checked against the parameters at the end
        self.problems: list[ModelProblem] = []
        self.declared: dict[str, int] = {}  # name -> line
        self.pending: list[tuple[str, Node, int]] = []  # equations, resets and conditions checked at the end

    def problem(self, line: int, col: int, message: str) -> None:
        self.problems.append(ModelProblem(line, col, message))

    def statement(self, line: str, n: int) -> None:
        body = line.lstrip()
        col = len(line) - len(body) + 1
        word = re.match(_NAME, body)
        head = word.group() if word else ""
        rest_at = col + len(head)
        rest = body[len(head):]
        if m := _DERIV.match(body):
            self.pending.append(("eq:" + m.group("var") + ":" + str(col + 1), parse_expression(body[m.end():],
                                                                                                col + m.end()), n))
            self.check_target(m.group("var"), col + 1, n, "equation")
            return
        handler = {"title": self.on_title, "about": self.on_about, "state": self.on_state, "param": self.on_param,
                   "let": self.on_let, "init": self.on_init, "threshold": self.on_threshold, "reset": self.on_reset,
                   "refractory": self.on_refractory, "method": self.on_method, "input": self.on_input,
                   "receptors": self.on_receptors, "receptor": self.on_receptor, "substep": self.on_substep,
                   "preset": self.on_preset}.get(head)
        if handler is None or (rest and not rest[0].isspace()):
            raise _LineError(col, f"a line starts with a keyword ({', '.join(sorted(_KEYWORDS - _EXPR_WORDS))}) "
                                  "or is an equation such as dv/dt = ...")
        handler(rest, rest_at, n)

    def check_target(self, var: str, col: int, n: int, what: str) -> None:
        if any(e.var == var for e in self.equations) or any(p[0].startswith(f"eq:{var}:") for p in self.pending[:-1]):
            raise _LineError(col, f"a second equation for {var!r}")
        self.equations.append(Equation(var, self.pending[-1][1], n))

    def on_title(self, rest: str, col: int, n: int) -> None:
        self.title = rest.strip()

    def on_about(self, rest: str, col: int, n: int) -> None:
        self.about = rest.strip()

    def declare(self, name: str, col: int, n: int) -> None:
        if name in self.declared:
            raise _LineError(col, f"{name!r} is already declared on line {self.declared[name]}")
        for taken, why in ((RESERVED, "is reserved"), (UNITS, "is a unit"), (FUNCTIONS, "is a function"),
                           (_KEYWORDS, "is a keyword")):
            if name in taken:
                raise _LineError(col, f"{name!r} {why}; choose another name")
        if name.startswith("_"):
            raise _LineError(col, "names may not start with '_'")
        self.declared[name] = n

    def on_state(self, rest: str, col: int, n: int) -> None:
        name, value, unit, tail, tail_col = self.value_decl(rest, col)
        if tail.strip():
            raise _LineError(tail_col, "a state variable has a name, an initial value and a unit only")
        if len(self.state) >= MAX_STATE:
            raise _LineError(col, f"a model has at most {MAX_STATE} state variables")
        self.declare(name, col + 1, n)
        self.state.append(StateVar(name, unit, value, n))

    def on_param(self, rest: str, col: int, n: int) -> None:
        name, value, unit, tail, tail_col = self.value_decl(rest, col)
        low, high, low_open, high_open, description = -math.inf, math.inf, False, False, ""
        tail_stripped = tail.lstrip()
        tail_col += len(tail) - len(tail_stripped)
        if m := _RANGE.match(tail_stripped):
            low, high = _number(m.group("a"), tail_col + m.start("a")), _number(m.group("b"), tail_col + m.start("b"))
            low_open, high_open = m.group("lo") == "(", m.group("hi") == ")"
            if not low < high:
                raise _LineError(tail_col, "a range needs its low end below its high end")
            tail_col += m.end()
            tail_stripped = tail_stripped[m.end():]
        stripped = tail_stripped.strip()
        if stripped:
            if not (len(stripped) >= 2 and stripped[0] == '"' and stripped[-1] == '"' and '"' not in stripped[1:-1]):
                raise _LineError(tail_col + len(tail_stripped) - len(tail_stripped.lstrip()),
                                 'expected a range such as [0, 100] or a "description" in double quotes')
            description = stripped[1:-1]
        param = Parameter(name, unit, value, low, high, low_open, high_open, description, n)
        if _outside(param, value):
            raise _LineError(col, f"the default {value:g} lies outside the range")
        self.declare(name, col + 1, n)
        self.params.append(param)

    def value_decl(self, rest: str, col: int) -> tuple[str, float, UnitSpec, str, int]:
        """``NAME = NUMBER UNIT`` and what follows the unit (a range or description)."""
        body = rest.lstrip()
        col += len(rest) - len(body)
        m = _DECL.match(body)
        if not m:
            raise _LineError(col, "expected NAME = VALUE UNIT")
        after = body[m.end():]
        at = col + m.end() + len(after) - len(after.lstrip())
        after = after.lstrip()
        num = _NUMBER.match(after)
        if not num:
            raise _LineError(at, "expected a number")
        value = _number(num.group(), at)
        unit_text = re.split(r'[\[("]', after[num.end():], maxsplit=1)[0]
        unit = parse_unit(unit_text, at + num.end())
        tail_at = num.end() + len(unit_text)
        return m.group("name"), value, unit, after[tail_at:], at + tail_at

    def on_let(self, rest: str, col: int, n: int) -> None:
        body = rest.lstrip()
        col += len(rest) - len(body)
        m = _DECL.match(body)
        if not m:
            raise _LineError(col, "expected let NAME = EXPRESSION")
        expr = parse_expression(body[m.end():], col + m.end())
        kind = self.kind(expr)
        if kind.boolean:
            raise _LineError(expr.col, "a named expression is a quantity, not a condition")
        self.declare(m.group("name"), col, n)
        self.aliases.append(Alias(m.group("name"), expr, kind.dim, n))

    def on_init(self, rest: str, col: int, n: int) -> None:
        body = rest.lstrip()
        col += len(rest) - len(body)
        m = _DECL.match(body)
        if not m:
            raise _LineError(col, "expected init VARIABLE = EXPRESSION")
        if any(i.var == m.group("name") for i in self.inits):
            raise _LineError(col, f"a second init for {m.group('name')!r}")
        expr = parse_expression(body[m.end():], col + m.end())
        self.inits.append(Reset(m.group("name"), "=", expr, n))
        self.pending.append(("init:" + str(len(self.inits) - 1) + ":" + str(col), expr, n))

    def on_threshold(self, rest: str, col: int, n: int) -> None:
        if self.threshold is not None:
            raise _LineError(col, "a second threshold")
        self.threshold = (parse_expression(rest, col), n)

    def on_reset(self, rest: str, col: int, n: int) -> None:
        body = rest.lstrip()
        col += len(rest) - len(body)
        m = _RESET.match(body)
        if not m:
            raise _LineError(col, "expected reset VARIABLE = EXPRESSION (or += or -=)")
        expr = parse_expression(body[m.end():], col + m.end())
        self.resets.append(Reset(m.group("var"), m.group("op"), expr, n))
        self.pending.append(("reset:" + str(len(self.resets) - 1) + ":" + str(col), expr, n))

    def on_refractory(self, rest: str, col: int, n: int) -> None:
        period, _, clamp = rest.partition(" clamp ")
        if rest.strip().startswith("clamp "):
            raise _LineError(col, "refractory needs a time before clamp")
        self.refractory = (parse_expression(period, col), n)
        if clamp.strip():
            at = col + len(period) + len(" clamp ")
            names = [c.strip() for c in clamp.split(",")]
            for name in names:
                if not re.fullmatch(_NAME, name):
                    raise _LineError(at, "clamp lists state variables separated by commas")
            self.clamp = tuple(names)
            self.pending.append(("clamp:" + str(at), Num(at, 0.0), n))

    def on_preset(self, rest: str, col: int, n: int) -> None:
        name, entries = read_preset(rest, col)
        if any(p[0] == name for p in self.presets):
            raise _LineError(col + 1, f"a second preset named {name!r}")
        self.presets.append((name, entries, n))

    def on_method(self, rest: str, col: int, n: int) -> None:
        if rest.strip() not in METHODS:
            raise _LineError(col + 1, f"unknown method {rest.strip()!r} (known: {', '.join(METHODS)})")
        self.method = rest.strip()

    def on_substep(self, rest: str, col: int, n: int) -> None:
        self.substep = (parse_expression(rest, col), n)

    def on_input(self, rest: str, col: int, n: int) -> None:
        self.input_var = rest.strip()
        self.pending.append(("input:" + str(col + 1), Num(col, 0.0), n))

    def on_receptors(self, rest: str, col: int, n: int) -> None:
        names = tuple(r.strip() for r in rest.split(","))
        bad = [r for r in names if r not in RECEPTOR_NAMES]
        if bad:
            raise _LineError(col + 1, f"unknown receptor {bad[0]!r} (known: {', '.join(RECEPTOR_NAMES)})")
        self.receptors = names

    def on_receptor(self, rest: str, col: int, n: int) -> None:
        receptor = parse_receptor(rest, col, n)
        if receptor.name in self.named:
            at = col + len(rest) - len(rest.lstrip())
            raise _LineError(at, f"receptor {receptor.name!r} is already declared on line "
                                 f"{self.named[receptor.name].line}")
        self.named[receptor.name] = receptor

    def kind(self, expr: Node) -> Kind:
        dims = dict(RESERVED)
        dims.update({s.name: s.unit.dim for s in self.state})
        dims.update({p.name: p.unit.dim for p in self.params})
        dims.update({a.name: a.dim for a in self.aliases})
        return check_expression(expr, dims)

    def finish(self, lines: tuple[str, ...]) -> ModelDescription:
        for tag, expr, n in self.pending:
            try:
                self.check_pending(tag, expr, n)
            except (_LineError, ParseError) as exc:
                self.problem(n, exc.col, exc.message)
        if self.threshold is not None:
            self.check_condition(*self.threshold)
        if self.refractory is not None:
            self.check_refractory(*self.refractory)
        if self.substep is not None:
            self.check_substep(*self.substep)
        for clash in clash_problems(self.named.values(), self.declared, lines):
            self.problem(*clash)
        presets = self.checked_presets()
        if not self.state:
            self.problem(0, 0, "a model needs at least one state variable (state v = -65 mV)")
        if self.problems:
            raise ModelError(sorted(self.problems, key=lambda p: (p.line, p.col)))
        names = [s.name for s in self.state]
        order = {v: i for i, v in enumerate(names)}
        equations = tuple(sorted(self.equations, key=lambda e: order.get(e.var, 0)))
        threshold, threshold_line = self.threshold if self.threshold else (None, 0)
        return ModelDescription(self.title, tuple(self.state), tuple(self.params), tuple(self.aliases), equations,
                                threshold, threshold_line, tuple(self.resets),
                                self.refractory[0] if self.refractory else None, self.clamp, self.method,
                                self.input_var or names[0], self.receptor_names(), self.about, lines,
                                tuple(sorted(self.inits, key=lambda i: order.get(i.var, 0))),
                                self.substep[0] if self.substep else None,
                                named_receptors=tuple(self.named.values()), presets=presets)

    def receptor_names(self) -> tuple[str, ...]:
        """The unnamed receptors (all without named ones, else those of a receptors line) and the named ones."""
        unnamed = self.receptors if self.receptors is not None else () if self.named else RECEPTOR_NAMES
        return tuple(unnamed) + tuple(self.named)

    def checked_presets(self) -> tuple:
        params, presets = {p.name: p for p in self.params}, []
        for name, entries, n in self.presets:
            try:
                presets.append(check_preset(name, entries, params, parse_unit, n))
            except ParseError as exc:
                self.problem(n, exc.col, exc.message)
        return tuple(presets)

    def check_pending(self, tag: str, expr: Node, n: int) -> None:
        states = {s.name: s for s in self.state}
        kind, _, rest = tag.partition(":")
        if kind == "eq":
            rest, _, col = rest.partition(":")
            if rest not in states:
                raise _LineError(int(col), f"{rest!r} is not a state variable (declare it: state {rest} = ...)")
            got = self.kind(expr)
            want = states[rest].unit.dim / Dim(s=1)
            if got.boolean or got.dim != want:
                raise _LineError(expr.col, f"d{rest}/dt must be in {dim_text(want)}, "
                                           f"not {'a condition' if got.boolean else dim_text(got.dim)}")
        elif kind == "reset":
            index, col = rest.split(":")
            reset = self.resets[int(index)]
            if reset.var not in states:
                raise _LineError(int(col), f"reset can only change a state variable, not {reset.var!r}")
            got = self.kind(expr)
            if got.boolean or got.dim != states[reset.var].unit.dim:
                raise _LineError(expr.col, f"{reset.var} is in {dim_text(states[reset.var].unit.dim)}, this is in "
                                           f"{'a condition' if got.boolean else dim_text(got.dim)}")
        elif kind == "init":
            self.check_init(rest, expr)
        elif kind == "clamp":
            for name in self.clamp:
                if name not in states:
                    raise _LineError(int(rest), f"only state variables can be clamped, not {name!r}")
        elif kind == "input" and self.input_var not in states:
            raise _LineError(int(rest), f"input names a state variable, not {self.input_var!r}")

    def check_init(self, rest: str, expr: Node) -> None:
        """An initial value: a state variable's unit, read from parameters, constants and the state variables
        above it (and named expressions of those)."""
        index, col = rest.split(":")
        init = self.inits[int(index)]
        names = [s.name for s in self.state]
        if init.var not in names:
            raise _LineError(int(col), f"init sets a state variable, not {init.var!r}")
        got = self.kind(expr)
        want = self.state[names.index(init.var)].unit.dim
        if got.boolean or got.dim != want:
            raise _LineError(expr.col, f"{init.var} is in {dim_text(want)}, this is in "
                                       f"{'a condition' if got.boolean else dim_text(got.dim)}")
        aliases = {a.name: a.expr for a in self.aliases}
        used, seen = set(), set()
        stack = [expr]
        while stack:  # the names read, through named expressions
            for name in names_in(stack.pop()):
                if name in aliases and name not in seen:
                    seen.add(name)
                    stack.append(aliases[name])
                used.add(name)
        later = set(names[names.index(init.var):]) | {"I_syn", "t"}
        if used & later:
            raise _LineError(expr.col, f"an initial value reads parameters and the state variables above "
                                       f"{init.var}, not {sorted(used & later)[0]}")

    def check_condition(self, expr: Node, n: int) -> None:
        try:
            if not self.kind(expr).boolean:
                raise _LineError(expr.col, "a threshold is a condition such as v > V_th")
        except (_LineError, ParseError) as exc:
            self.problem(n, exc.col, exc.message)

    def check_refractory(self, expr: Node, n: int) -> None:
        try:
            kind = self.kind(expr)
            if kind.boolean:  # refractory while a condition on the state holds (Brian2's refractory='v > 0*mV')
                used = names_in(expr) & {"I_syn", "t"}
                if used:
                    raise _LineError(expr.col, f"a refractory condition reads the state and parameters, not "
                                               f"{sorted(used)[0]}")
                return
            if kind.dim != Dim(s=1):
                raise _LineError(expr.col, "the refractory period is a time, or a condition on the state")
            states = {s.name for s in self.state} | {"I_syn", "t"}
            used = names_in(expr) & states
            if used:
                raise _LineError(expr.col, f"the refractory period is computed from parameters, not {sorted(used)[0]}")
        except (_LineError, ParseError) as exc:
            self.problem(n, exc.col, exc.message)

    def check_substep(self, expr: Node, n: int) -> None:
        """A time computed from parameters, for a method that takes steps (not the exact propagators)."""
        try:
            if self.kind(expr).dim != Dim(s=1):
                raise _LineError(expr.col, "the substep is a time, such as 0.01*ms")
            used = names_in(expr) & ({s.name for s in self.state} | {"I_syn", "t"})
            if used:
                raise _LineError(expr.col, f"the substep is computed from parameters, not {sorted(used)[0]}")
            if self.method in ("exact", "exponential_leak"):
                raise _LineError(expr.col, f"method {self.method} needs no substep (it steps over dt exactly)")
        except (_LineError, ParseError) as exc:
            self.problem(n, exc.col, exc.message)


_EXPR_WORDS = {"and", "or", "not", "dt", "inf", "clamp"}


def _number(text: str, col: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _LineError(col, f"{text!r} is not a number") from None
    if math.isnan(value) or (math.isinf(value) and "inf" not in text):
        raise _LineError(col, f"{text!r} is not a usable number")
    return value


def _outside(p: Parameter, v: float) -> bool:
    return (v <= p.low if p.low_open else v < p.low) or (v >= p.high if p.high_open else v > p.high) \
        or not math.isfinite(v)
