"""The text form of a learning rule, one statement a line, and its parser (whitelist grammar, never evaluated).

    title Pair STDP
    about One line that says what the rule does.
    param A_plus = 0.01 [0, 1] "Potentiation"      # default, optional range and description (as in models)
    param tau_plus = 20 ms (0, inf)
    pre x_pre = 0                                    # a variable of each presynaptic neuron (a trace)
    post x_post = 0                                  # ... of each postsynaptic neuron
    synapse c = 0                                    # ... of each synapse, besides the weight w
    let a = A_plus*w_max                             # a named expression for the lines below
    dx_pre/dt = -x_pre/tau_plus                      # linear in its variable: solved exactly each step
    on_pre w = max(w - A_minus*x_post*w_max, 0)      # at a presynaptic spike (also += and -=)
    on_pre x_pre += 1
    on_post w = min(w + A_plus*x_pre*w_max, w_max)   # at a postsynaptic spike
    on_post x_post += 1
    modulator reward                                 # a third factor: the signal of the projection's reward node
    on_reward w = clip(w + lr*reward*c*dt, 0, w_max) # each step the modulator is not 0, for every synapse
    scale w to w_total every 100 ms                  # synaptic scaling: the weights onto each neuron sum to w_total
    every interval: w = clip(w*(1 + eta*(rho0 - r)*interval), 0, w_max)  # at a fixed period, for every synapse

Every problem is reported with its line and column, and parsing goes on, so all are found at once. The
equation of a presynaptic or postsynaptic variable is ``dx/dt = A*x + B`` with A and B made of parameters and
numbers (solved exactly: x <- x exp(A dt) + B expm1(A dt)/A); a synapse variable's B may also read the other
variables and the modulator (exponential Euler: exact while they hold still over the step). ``dt`` (ms) and
``step`` (the current step's number) may be read anywhere but in a factor A.

``every INTERVAL: VARIABLE = EXPRESSION`` (also += and -=) runs at a fixed period rather than at events; the
interval is made of parameters and numbers. Like ``on_reward`` it runs once for each synapse, so it sets synapse
variables and may read any variable; lines with the same interval (the same text) run together, in order.
``scale w to TOTAL every INTERVAL`` stays a statement of its own: it sums the weights onto each neuron, which a
statement per synapse cannot; the two share the check of their interval and its rounding to whole steps.
"""

from __future__ import annotations

import re

from .check import Kind, check_expression
from .description import Equation, ModelProblem, UnitSpec
from .inline import inline
from .parser import ParseError, parse_expression
from .rule_description import (
    BUILTINS,
    GAIN,
    MAX_VARS,
    WEIGHT,
    Periodic,
    RuleDescription,
    RuleError,
    RuleVar,
    Scaling,
    Statement,
)
from .text import MAX_LINES, _Builder, _LineError, read_statements
from .tree import Binary, Name, Node, Num, Unary, names_in
from .units import DIMENSIONLESS, Dim, dim_text

__all__ = ["parse_rule", "linear_parts", "alias_trees"]

_NAME = r"[A-Za-z_][A-Za-z_0-9]*"
_RULE_WORDS = {"title", "about", "param", "let", "pre", "post", "synapse", "on_pre", "on_post", "on_reward",
               "modulator", "scale", "every"}
_DERIV = re.compile(rf"d(?P<var>{_NAME})\s*/\s*dt\s*=")
_ASSIGN = re.compile(rf"(?P<var>{_NAME})\s*(?P<op>\+=|-=|=)(?!=)")
_WEIGHT_UNIT = UnitSpec("", DIMENSIONLESS, 1.0)
_SCALE = re.compile(r"\s+w\s+to\s+(?P<total>.+?)\s+every\s+(?P<interval>.+)$")
_EVERY = re.compile(r"(?P<interval>[^:]*):(?P<rest>.*)$")
MAX_INTERVALS = 4  # distinct intervals of ``every`` lines in one rule


def parse_rule(text: str, title: str = "") -> RuleDescription:
    """The checked description of ``text``, or a ``RuleError`` listing every problem (line, column)."""
    if not isinstance(text, str):
        raise RuleError([ModelProblem(0, 0, "a rule is text")], title)
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        raise RuleError([ModelProblem(0, 0, f"a rule has at most {MAX_LINES} lines")], title)
    builder = _RuleBuilder(title)
    read_statements(lines, builder, builder.rule_statement)
    return builder.finish_rule(tuple(lines))


def alias_trees(aliases) -> dict[str, Node]:
    """Every ``let`` of a rule, with the earlier ones and units substituted, by name."""
    table: dict[str, Node] = {}
    for a in aliases:
        table[a.name] = inline(a.expr, table)
    return table


def linear_parts(node: Node, var: str) -> tuple[Node | None, Node | None] | None:
    """(A, B) with ``node`` = A*var + B and neither reading ``var`` (None for a zero part), or None when
    ``node`` is not linear in ``var``. Trees keep the author's operations, so A = -1/tau stays a division."""
    if var not in names_in(node):
        return None, node
    if isinstance(node, Name):
        return Num(node.col, 1.0), None
    if isinstance(node, Unary) and node.op in "+-":
        inner = linear_parts(node.operand, var)
        if inner is None or node.op == "+":
            return inner
        return tuple(None if t is None else _neg(t) for t in inner)
    if not isinstance(node, Binary):
        return None
    left, right = linear_parts(node.left, var), linear_parts(node.right, var)
    if left is None or right is None:
        return None
    if node.op in "+-":
        return _combine(node.op, left[0], right[0], node.col), _combine(node.op, left[1], right[1], node.col)
    if node.op == "*" and var not in names_in(node.right):
        return tuple(None if t is None else Binary(node.col, "*", t, node.right) for t in left)
    if node.op == "*" and var not in names_in(node.left):
        return tuple(None if t is None else Binary(node.col, "*", node.left, t) for t in right)
    if node.op == "/" and var not in names_in(node.right):
        return tuple(None if t is None else Binary(node.col, "/", t, node.right) for t in left)
    return None


def _neg(t: Node) -> Node:
    if isinstance(t, Num):
        return Num(t.col, -t.value)
    if isinstance(t, Binary) and t.op == "/" and isinstance(t.left, Num):  # -(1/tau) is (-1)/tau, exactly
        return Binary(t.col, "/", Num(t.left.col, -t.left.value), t.right)
    return Unary(t.col, "-", t)


def _combine(op: str, a: Node | None, b: Node | None, col: int) -> Node | None:
    if b is None:
        return a
    if a is None:
        return b if op == "+" else _neg(b)
    return Binary(col, op, a, b)


class _RuleBuilder(_Builder):
    """Collects a rule's statements line by line (parameters and ``let`` as in models)."""

    def __init__(self, title: str):
        super().__init__(title)
        self.variables: list[RuleVar] = [RuleVar(WEIGHT, "synapse", _WEIGHT_UNIT, 0.0, 0)]
        self.declared[WEIGHT] = 0
        self.rule_eqs: list[tuple[str, Node, int, int]] = []  # var, tree, line, column of the var
        self.events: dict[str, list[tuple[Statement, int]]] = {"on_pre": [], "on_post": [], "on_reward": []}
        self.modulator = ""
        self.scaling: tuple[Node, Node, int, int] | None = None  # total, interval, line, column
        self.every: list[tuple[str, Node, Statement, int]] = []  # interval's text, its tree, statement, column

    def rule_statement(self, line: str, n: int) -> None:
        body = line.lstrip()
        col = len(line) - len(body) + 1
        if m := _DERIV.match(body):
            self.rule_eqs.append((m.group("var"), parse_expression(body[m.end():], col + m.end()), n, col + 1))
            return
        word = re.match(_NAME, body)
        head = word.group() if word else ""
        rest, rest_at = body[len(head):], col + len(head)
        handler = {"title": self.on_title, "about": self.on_about, "param": self.on_param, "let": self.on_let,
                   "pre": self.on_var, "post": self.on_var, "synapse": self.on_var, "on_pre": self.on_event,
                   "on_post": self.on_event, "on_reward": self.on_event, "modulator": self.on_modulator,
                   "scale": self.on_scale, "every": self.on_every}.get(head)
        if handler is None or (rest and not rest[0].isspace()):
            raise _LineError(col, f"a line starts with a keyword ({', '.join(sorted(_RULE_WORDS))}) or is an "
                                  "equation such as dx_pre/dt = -x_pre/tau")
        if handler in (self.on_var, self.on_event):
            handler(head, rest, rest_at, n)
        else:
            handler(rest, rest_at, n)

    def declare(self, name: str, col: int, n: int) -> None:
        if name == WEIGHT:
            raise _LineError(col, "w is the weight of each synapse; its initial values come from the projection")
        if name == GAIN:
            raise _LineError(col, "gain is the factor each presynaptic spike carries its weights with; set it in "
                                  "on_pre without declaring it")
        if name in _RULE_WORDS:
            raise _LineError(col, f"{name!r} is a keyword; choose another name")
        if name in BUILTINS:
            raise _LineError(col, f"{name!r} is the {'time step' if name == 'dt' else 'current step'}; choose "
                                  "another name")
        super().declare(name, col, n)

    def on_var(self, scope: str, rest: str, col: int, n: int) -> None:
        name, value, unit, tail, tail_col = self.value_decl(rest, col)
        if tail.strip():
            raise _LineError(tail_col, "a variable has a name, an initial value and a unit only")
        if sum(v.scope == scope for v in self.variables) >= MAX_VARS:
            raise _LineError(col, f"a rule has at most {MAX_VARS} {scope} variables")
        self.declare(name, col + 1, n)
        self.variables.append(RuleVar(name, scope, unit, value, n))

    def on_modulator(self, rest: str, col: int, n: int) -> None:
        name = rest.strip()
        at = col + len(rest) - len(rest.lstrip())
        if not re.fullmatch(_NAME, name):
            raise _LineError(at, "expected modulator NAME (for instance: modulator reward)")
        if self.modulator:
            raise _LineError(at, "a rule has one modulator")
        self.declare(name, at, n)
        self.modulator = name

    def on_scale(self, rest: str, col: int, n: int) -> None:
        m = _SCALE.match(rest)
        if not m:
            raise _LineError(col - 5, "expected scale w to TOTAL every INTERVAL (for instance: scale w to "
                                      "w_total every 100*ms)")
        if self.scaling is not None:
            raise _LineError(col - 5, "a rule scales its weights once")
        total = parse_expression(m.group("total"), col + m.start("total"))
        interval = parse_expression(m.group("interval"), col + m.start("interval"))
        self.scaling = (total, interval, n, col + 1)

    def on_event(self, event: str, rest: str, col: int, n: int) -> None:
        self.events[event].append(self.assignment(event, rest, col, n))

    def assignment(self, event: str, rest: str, col: int, n: int) -> tuple[Statement, int]:
        """``VAR = EXPR`` (or += or -=) and the column of VAR."""
        body = rest.lstrip()
        col += len(rest) - len(body)
        m = _ASSIGN.match(body)
        if not m:
            raise _LineError(col, f"expected {event} VARIABLE = EXPRESSION (or += or -=)")
        expr = parse_expression(body[m.end():], col + m.end())
        return Statement(m.group("var"), m.group("op"), expr, n), col

    def on_every(self, rest: str, col: int, n: int) -> None:
        m = _EVERY.match(rest)
        if not m or not m.group("interval").strip():
            raise _LineError(col - len("every"), "expected every INTERVAL: VARIABLE = EXPRESSION (for instance: every "
                                                 "100*ms: w = w*decay)")
        key = "".join(m.group("interval").split())
        if key not in {k for k, *_ in self.every} and len({k for k, *_ in self.every}) >= MAX_INTERVALS:
            raise _LineError(col + 1, f"a rule has at most {MAX_INTERVALS} different intervals")
        interval = parse_expression(m.group("interval"), col)
        st, st_col = self.assignment("every INTERVAL:", m.group("rest"), col + m.start("rest"), n)
        self.every.append((key, interval, st, st_col))

    def kind(self, expr: Node) -> Kind:
        return check_expression(expr, self.dims())

    def dims(self) -> dict[str, Dim]:
        dims = {p.name: p.unit.dim for p in self.params}
        dims.update({v.name: v.unit.dim for v in self.variables})
        dims[GAIN] = DIMENSIONLESS
        dims.update(BUILTINS)
        if self.modulator:
            dims[self.modulator] = DIMENSIONLESS
        dims.update({a.name: a.dim for a in self.aliases})
        return dims

    def finish_rule(self, lines: tuple[str, ...]) -> RuleDescription:
        aliases = alias_trees(self.aliases)
        equations = []
        for var, expr, n, col in self.rule_eqs:
            try:
                equations.append(self.checked_equation(var, expr, n, col, aliases, equations))
            except (_LineError, ParseError) as exc:
                self.problem(n, exc.col, exc.message)
        events = {}
        for event, statements in self.events.items():
            events[event] = self.checked_event(event, statements, aliases)
        if self.events["on_reward"] and not self.modulator:
            self.problem(self.events["on_reward"][0][0].line, self.events["on_reward"][0][1],
                         "on_reward runs while the modulator is not 0: declare one (modulator reward)")
        scaling = self.checked_scaling(aliases)
        periodic = self.checked_periodic(aliases)
        if self.problems:
            raise RuleError(sorted(self.problems, key=lambda p: (p.line, p.col)), self.title)
        order = {v.name: i for i, v in enumerate(self.variables)}
        return RuleDescription(self.title, tuple(self.params), tuple(self.variables), tuple(self.aliases),
                               tuple(sorted(equations, key=lambda e: order[e.var])), events["on_pre"],
                               events["on_post"], self.modulator, self.about, lines, on_reward=events["on_reward"],
                               scaling=scaling, periodic=periodic)

    def check_fixed(self, expr: Node, want: Dim, what: str, statement: str, aliases: dict) -> None:
        """``expr`` is in ``want`` and made of parameters and numbers (a value the build computes once): the
        total and interval of ``scale`` and the interval of ``every``."""
        got = self.kind(expr)
        if got.boolean or got.dim != want:
            raise _LineError(expr.col, f"{statement}: this must be in {what}, not "
                                       f"{'a condition' if got.boolean else dim_text(got.dim)}")
        moving = sorted(names_in(inline(expr, aliases)) & (self.variable_names() | {"dt"}))
        if moving:
            raise _LineError(expr.col, f"{statement}: made of parameters and numbers, not {moving[0]}")

    def checked_scaling(self, aliases: dict) -> Scaling | None:
        if self.scaling is None:
            return None
        total, interval, n, _ = self.scaling
        try:
            for expr, want, what in ((total, DIMENSIONLESS, "the weight's unit"), (interval, Dim(s=1), "time")):
                self.check_fixed(expr, want, what, "scale w to TOTAL every INTERVAL", aliases)
        except (_LineError, ParseError) as exc:
            self.problem(n, exc.col, exc.message)
            return None
        return Scaling(total, interval, n)

    def checked_periodic(self, aliases: dict) -> tuple[Periodic, ...]:
        """The ``every`` lines, grouped by interval (in order of first use); each line's interval and statement
        checked, so a bad one is a problem at its own line."""
        blocks: dict[str, tuple[Node, list[Statement]]] = {}
        for key, interval, st, col in self.every:
            try:
                self.check_fixed(interval, Dim(s=1), "time", "every INTERVAL", aliases)
            except (_LineError, ParseError) as exc:
                self.problem(st.line, exc.col, exc.message)
                continue
            for ok in self.checked_per_synapse("every INTERVAL", [(st, col)]):
                blocks.setdefault(key, (interval, []))[1].append(ok)
        return tuple(Periodic(interval, tuple(sts), sts[0].line) for interval, sts in blocks.values())

    def checked_equation(self, var: str, expr: Node, n: int, col: int, aliases: dict, done: list) -> Equation:
        target = next((v for v in self.variables if v.name == var), None)
        if target is None:
            raise _LineError(col, f"{var!r} is not a variable of the rule (declare it: pre {var} = 0)")
        if any(e.var == var for e in done):
            raise _LineError(col, f"a second equation for {var!r}")
        got = self.kind(expr)
        want = target.unit.dim / Dim(s=1)
        if got.boolean or got.dim != want:
            raise _LineError(expr.col, f"d{var}/dt must be in {dim_text(want)}, "
                                       f"not {'a condition' if got.boolean else dim_text(got.dim)}")
        parts = linear_parts(inline(expr, aliases), var)
        if parts is None:
            raise _LineError(expr.col, f"d{var}/dt must be linear in {var} (A*{var} + B)")
        fixed = self.variable_names()
        if parts[0] is not None and names_in(parts[0]) & fixed:
            raise _LineError(expr.col, f"the factor of {var} in d{var}/dt must be made of parameters, "
                                       f"not {sorted(names_in(parts[0]) & fixed)[0]}")
        if target.scope != "synapse" and parts[1] is not None and names_in(parts[1]) & fixed:
            raise _LineError(expr.col, f"{var} belongs to the {target.scope}synaptic neurons: its equation may "
                                       f"read parameters only, not {sorted(names_in(parts[1]) & fixed)[0]}")
        return Equation(var, expr, n)

    def variable_names(self) -> set[str]:
        """Names whose value changes as the network runs (``step`` too)."""
        return {v.name for v in self.variables} | {GAIN, "step"} | ({self.modulator} if self.modulator else set())

    def checked_event(self, event: str, statements: list, aliases: dict) -> tuple[Statement, ...]:
        if event == "on_reward":
            return self.checked_reward(statements)
        side = "pre" if event == "on_pre" else "post"
        other = "post" if side == "pre" else "pre"
        scopes = {v.name: v.scope for v in self.variables} | {GAIN: "pre"}
        seen_synapse, after_synapse, out = False, None, []
        for st, col in statements:
            try:
                scope = self.statement_scope(st, col, scopes, event, side, other)
                if scope == "synapse" and after_synapse is not None:
                    raise _LineError(col, f"the synapse statements of {event} must follow each other (line "
                                          f"{after_synapse} sets a {side}synaptic variable between them)")
                if scope == "synapse":
                    seen_synapse = True
                elif seen_synapse and after_synapse is None:
                    after_synapse = st.line
                if scope != "synapse":
                    read = names_in(inline(st.expr, aliases))
                    bad = sorted(n for n in read if scopes.get(n) in ("synapse", other))
                    if bad:
                        owner = "synapse" if scopes[bad[0]] == "synapse" else f"{other}synaptic neuron"
                        raise _LineError(st.expr.col, f"{st.var} is set once per {side}synaptic spike; it cannot "
                                                      f"read {bad[0]}, which belongs to each {owner}")
                got = self.kind(st.expr)
                want = next((v.unit.dim for v in self.variables if v.name == st.var), DIMENSIONLESS)
                if got.boolean or got.dim != want:
                    raise _LineError(st.expr.col, f"{st.var} is in {dim_text(want)}, this is in "
                                                  f"{'a condition' if got.boolean else dim_text(got.dim)}")
                out.append(st)
            except (_LineError, ParseError) as exc:
                self.problem(st.line, exc.col, exc.message)
        return tuple(out)

    def checked_reward(self, statements: list) -> tuple[Statement, ...]:
        return self.checked_per_synapse("on_reward", statements)

    def checked_per_synapse(self, event: str, statements: list) -> tuple[Statement, ...]:
        """``on_reward`` and ``every`` set synapse variables (they run once per synapse) and may read anything."""
        scopes = {v.name: v.scope for v in self.variables} | {GAIN: "pre"}
        out = []
        for st, col in statements:
            try:
                scope = self.statement_scope(st, col, scopes, event, "synapse", "")
                if scope != "synapse":
                    raise _LineError(col, f"{event} runs once per synapse: it sets synapse variables (w, ...), "
                                          f"not {st.var}")
                got = self.kind(st.expr)
                want = next(v.unit.dim for v in self.variables if v.name == st.var)
                if got.boolean or got.dim != want:
                    raise _LineError(st.expr.col, f"{st.var} is in {dim_text(want)}, this is in "
                                                  f"{'a condition' if got.boolean else dim_text(got.dim)}")
                out.append(st)
            except (_LineError, ParseError) as exc:
                self.problem(st.line, exc.col, exc.message)
        return tuple(out)

    def statement_scope(self, st: Statement, col: int, scopes: dict, event: str, side: str, other: str) -> str:
        if st.var not in scopes:
            if st.var in {p.name for p in self.params}:
                raise _LineError(col, f"{st.var!r} is a parameter; {event} can set variables only")
            if st.var in {a.name for a in self.aliases} or st.var == self.modulator:
                raise _LineError(col, f"{st.var!r} is not a variable; {event} can set variables only")
            raise _LineError(col, f"assignment to undeclared name {st.var!r} (declare it: {side} {st.var} = 0)")
        if scopes[st.var] == other:
            raise _LineError(col, f"{st.var} belongs to the {other}synaptic neurons; set it in on_{other}")
        return scopes[st.var]

