"""A learning rule described by equations (``RuleDescription``) as Brian2 ``Synapses`` code, printed from its trees.

The kernel's order each step (``equations.rule_codegen``): variables with equations move one step, then the
``on_pre`` statements at the presynaptic spikes, then ``on_post``, then ``on_reward``, the ``every`` blocks and the
synaptic ``scale``. In Brian2: each pre- or postsynaptic variable becomes a per-synapse copy (the copies of one
neuron get the same updates, so they hold the neuron's value); the traces are ``(event-driven)`` unless a periodic
statement or a synapse equation reads them between events, then ``(clock-driven)`` (exponential Euler: exact for
the linear equations the rule language allows); ``on_pre`` runs on a pathway of its own after the spike has been
sent and before ``on_post``; an ``every`` block and the ``scale`` run at the start of the step after each
interval, which is the end of the interval's last step, where the kernel runs them; ``on_reward`` runs over the
synapses after ``on_post``, reading the modulator a reward node's network operation sets (``brian2_reward``).
``w`` is the synapse's ``w_syn`` (never below 0, as the kernel stores it) and ``gain`` multiplies what each spike
sends. Nothing is evaluated: names are declared identifiers, numbers are formatted, functions come from the
printer's table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..equations.evaluate import evaluate
from ..equations.inline import inline
from ..equations.rule_codegen import RuleLayout
from ..equations.rule_description import GAIN, WEIGHT, RuleDescription, Statement
from ..equations.tree import Binary, Call, Name, Node, Unary, names_in
from ..equations.units import UNITS
from ..simulation.described_rules import description_of, with_carried_rules
from ._common import num
from .brian2_custom import _text, engine_unit, si_unit
from .brian2_plasticity import stdp_coefficients
from .script_text import comment, literal

__all__ = ["RulePlan", "rule_plan", "rule_lines", "plastic_plan", "left_out"]

# names Brian2 gives a meaning in Synapses code (or that the script uses): a rule variable named so is renamed
_TAKEN = {"i", "j", "t", "dt", "N", "N_pre", "N_post", "N_incoming", "N_outgoing", "lastupdate", "t_in_timesteps",
          "xi", "w_syn", "w_sent", "delay", "fire", "inf", "pi", "e", "True", "False", "int", "clip", "exp", "log",
          "log10", "sqrt", "abs", "sin", "cos", "tan", "sinh", "cosh", "tanh", "rand", "randn", "sign", "floor",
          "ceil", "not_refractory", "lastspike", "v", "and", "or", "not"}


@dataclass
class RulePlan:
    """What the script needs to run one projection's described rule: Brian2 names and the values it reads."""

    rule_id: str
    desc: RuleDescription
    row: list = field(repr=False)  # ``RuleLayout.row``: the scale's total and the intervals in steps
    layout: RuleLayout = field(repr=False)
    values: dict = field(repr=False)  # parameters in engine units
    names: dict = field(init=False, repr=False)
    clock_driven: bool = field(init=False)

    def __post_init__(self):
        self.names = {p.name: _quantity(self.values[p.name], p.unit.dim) for p in self.desc.params}
        self.names.update({u: _quantity(unit.factor, unit.dim, bare=True) for u, unit in UNITS.items()})
        taken = set(_TAKEN)
        for v in self.desc.variables:
            self.names[v.name] = "w_syn" if v.name == WEIGHT else _renamed(v.name, taken)
        self.names.update({GAIN: "gain", "dt": "dt", "step": "t_in_timesteps"})
        if self.desc.modulator:  # a shared variable of the Synapses, set each step from the reward node
            self.names[self.desc.modulator] = _renamed(self.desc.modulator, taken)
        self.aliases = alias_trees_kept(self.desc, set(self.names))
        moving = {v.name for v in self.desc.variables} | {GAIN, "step"}
        reads_between = bool(self.desc.periodic) or bool(self.desc.on_reward) or any(
            self.desc.var(e.var).scope == "synapse" or names_in(self.tree(e.expr)) & (moving - {e.var})
            for e in self.desc.equations)
        self.clock_driven = reads_between
        # a synapse equation reading the modulator moves after it is set (in the kernel: after the step's spikes)
        self.moves_late = bool(self.desc.modulator) and any(
            self.desc.modulator in names_in(self.tree(e.expr)) for e in self.desc.equations)

    def tree(self, node: Node) -> Node:
        """``node`` with the rule's ``let`` names substituted (units kept as Brian2 units) and each ``where`` whose
        condition reads parameters and numbers only replaced by its branch (``nearest``, ``multiplicative``)."""
        return self.folded(inline(node, self.aliases, set(self.names)))

    def folded(self, node: Node) -> Node:
        if isinstance(node, Unary):
            return Unary(node.col, node.op, self.folded(node.operand))
        if isinstance(node, Binary):
            return Binary(node.col, node.op, self.folded(node.left), self.folded(node.right))
        if not isinstance(node, Call):
            return node
        args = tuple(self.folded(a) for a in node.args)
        if node.func == "where" and names_in(args[0]) <= set(self.values) | set(UNITS):
            try:
                return args[1] if evaluate(args[0], self.values) else args[2]
            except (ValueError, ZeroDivisionError, OverflowError):
                pass
        if node.func in ("min", "max") and len(args) == 2:  # Brian2 has no min/max; clip is exact, (a+b-|a-b|)/2 not
            inf = Name(node.col, "inf")
            low, high = (Unary(node.col, "-", inf), args[1]) if node.func == "min" else (args[1], inf)
            return Call(node.col, "clip", (args[0], low, high))
        return Call(node.col, node.func, args)

    def text(self, node: Node, names: dict | None = None) -> str:
        return _text(self.tree(node), names or self.names)

    def model(self) -> str:
        """The Synapses model lines of the rule's variables (after ``w_syn``)."""
        mode = "clock-driven" if self.clock_driven else "event-driven"
        lines = ["gain : 1  # what each spike's weight is multiplied by"] if self.desc.short_term else []
        if self.desc.modulator:
            lines.append(f"{self.names[self.desc.modulator]} : 1 (shared)  # the modulator: the reward node's "
                         "signal this step")
        for v in self.desc.variables:
            if v.name == WEIGHT:
                continue
            eq, unit = self.desc.equation_of(v.name), si_unit(v.unit.dim)
            what = {"pre": "of the presynaptic neuron", "post": "of the postsynaptic neuron", "synapse": ""}[v.scope]
            note = f"  # {v.scope} variable {what}".rstrip() if v.scope != "synapse" else ""
            if eq is None:
                lines.append(f"{self.names[v.name]} : {unit}{note}")
            else:
                lines.append(f"d{self.names[v.name]}/dt = {self.text(eq.expr)} : {unit} ({mode}){note}")
        return "\n".join(lines)

    def statements(self, statements: tuple[Statement, ...], names: dict | None = None) -> list[str]:
        """Brian2 statements, in order; ``w`` set anywhere is clipped at 0 after them (as the kernel stores it)."""
        names = names or self.names
        out = [f"{names[st.var]} {st.op} {self.text(st.expr, names)}" for st in statements]
        if any(st.var == WEIGHT for st in statements):
            out.append("w_syn = clip(w_syn, 0, inf)")
        return out

    def initial_lines(self, name: str) -> list[str]:
        """Initial values of the rule's variables (and a gain of 1), set after ``connect``."""
        lines = [f"{name}.gain = 1"] if self.desc.short_term else []
        for v in self.desc.variables:
            if v.name != WEIGHT:
                lines.append(f"{name}.{self.names[v.name]} = {_quantity(v.initial * v.unit.factor, v.unit.dim)}")
        return lines

    def periodic_lines(self, name: str, dt: float) -> list[str]:
        """Each ``every`` block as ``run_regularly``: at the start of the step after each interval, skipping t = 0
        (Brian2's first tick), so it acts at the end of the interval's last step, as the kernel does."""
        names = {**self.names, "step": "(t_in_timesteps - 1)"}  # the kernel's step: the interval's last
        lines = []
        for k, block in enumerate(self.desc.periodic):
            steps = int(self.row[self.layout.periodic_col + k])
            gated = ["fire = int(t > 0*second)  # not at t = 0: Brian2's first tick"]
            for st in block.statements:
                var = names[st.var]
                new = f"{var} {st.op[0]} ({self.text(st.expr, names)})" if st.op != "=" else self.text(st.expr, names)
                gated.append(f"{var} = {var} + fire*({new} - {var})")
            if any(st.var == WEIGHT for st in block.statements):
                gated.append("w_syn = clip(w_syn, 0, inf)")
            lines.append(f"{name}.run_regularly({literal(chr(10).join(gated))}, dt={num(round(steps * dt, 9))}*ms, "
                         f'when="start", order={k})  # every {steps} steps (line {block.line} of the rule)')
        return lines

    def reward_lines(self, name: str) -> list[str]:
        """The ``on_reward`` statements as ``run_regularly`` over the synapses, after ``on_post`` (order 1) and
        after the reward node's network operation has set the modulator (``brian2_reward``), acting only in a
        step whose modulator is not 0, as the kernel does. A synapse equation that reads the modulator moves in the
        same slot just before, so it reads this step's value (the kernel's order: spikes, reward, rule)."""
        if not self.desc.modulator:
            return []
        mod = self.names[self.desc.modulator]
        lines = []
        if self.moves_late:
            lines.append(f'{name}.state_updater.when, {name}.state_updater.order = "synapses", -4  # after the '
                         "modulator is set")
        if self.desc.on_reward:
            gated = [f"fire = int({mod} != 0)  # only in a step whose modulator is not 0"]
            for st in self.desc.on_reward:
                var = self.names[st.var]
                new = f"{var} {st.op[0]} ({self.text(st.expr)})" if st.op != "=" else self.text(st.expr)
                gated.append(f"{var} = {var} + fire*({new} - {var})")
            if any(st.var == WEIGHT for st in self.desc.on_reward):
                gated.append("w_syn = clip(w_syn, 0, inf)")
            lines.append(f"{name}.run_regularly({literal(chr(10).join(gated))}, when=\"synapses\", order=2)  "
                         f"# on_reward (rule lines {', '.join(str(st.line) for st in self.desc.on_reward)})")
        return lines

    def scaling_lines(self, name: str, dt: float, n_post: int) -> list[str]:
        """``scale w to TOTAL every INTERVAL``: a per-target sum, so a network operation (numpy code)."""
        if self.desc.scaling is None:
            return []
        total, steps = self.row[self.layout.scaling_col], int(self.row[self.layout.scaling_col + 1])
        if total <= 0.0:
            return [comment(f"scale w to {num(total)} (line {self.desc.scaling.line}): never, its total is 0")]
        return ["", "",
                f'@b2.network_operation(dt={num(round(steps * dt, 9))}*ms, when="start", '
                f"order={len(self.desc.periodic)})",
                f"def scale_{name}(t):",
                f'    """At the end of every {steps} steps: the weights onto each target neuron scaled to sum to '
                f'{num(total)}."""',
                "    if t > 0*ms:",
                f"        w, post = {name}.w_syn[:], {name}.j[:]",
                f"        sums = np.bincount(post, weights=w, minlength={n_post})",
                f"        scale = np.divide({num(total)}, sums, out=np.ones_like(sums), where=sums > 0)",
                f"        {name}.w_syn[:] = w * scale[post]", ""]


def alias_trees_kept(desc: RuleDescription, reserved: set[str]) -> dict[str, Node]:
    """The rule's ``let`` trees with the earlier ones substituted and units kept as names (Brian2 checks them)."""
    table: dict[str, Node] = {}
    for a in desc.aliases:
        table[a.name] = inline(a.expr, table, reserved)
    return table


def _renamed(name: str, taken: set[str]) -> str:
    """``name``, or ``name_`` (then ``name__``...) where Brian2 reserves it (``*_pre``, ``*_post``, its own)."""
    out = name
    while out in taken or out in UNITS or out.endswith(("_pre", "_post")) or out.startswith("_"):
        out = ("v" + out) if out.startswith("_") else out + "_"
    taken.add(out)
    return out


def _quantity(value: float, dim, bare: bool = False) -> str:
    """A value in SpikeStudio's units as Brian2 text (``inf`` for an infinite one)."""
    text = num(value) if math.isfinite(value) else ("inf" if value > 0 else "(-inf)")
    if dim.dimensionless:
        return text if value >= 0 else f"({text})"
    unit = engine_unit(dim)
    if bare and value == 1.0 and unit.isidentifier():
        return unit
    return f"({text}*{unit})"


def rule_plan(rule_id: str, desc: RuleDescription, params: dict, dt: float) -> tuple[RulePlan | None, str]:
    """(the plan, "") for a projection's described rule, or (None, why its parameters give no finite step)."""
    layout = RuleLayout(desc, rule_id)
    try:
        row = list(layout.row(params, dt, 0, 0))
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        return None, f"plasticity ({rule_id}): {exc or type(exc).__name__}"
    values = {p.name: float(params.get(p.name, p.default)) * p.unit.factor for p in desc.params}
    return RulePlan(rule_id, desc, row, layout, values), ""


def left_out(plan: RulePlan, reward_reason: str = "") -> list[str]:
    """What of the rule the script cannot run, by name: the on_reward statements when the reward node's signal
    cannot be carried (``reward_reason`` says why; ``brian2_reward.reward_problem``)."""
    if not plan.desc.modulator or not reward_reason:
        return []
    lines = ", ".join(str(st.line) for st in plan.desc.on_reward) or "none"
    return [f"plasticity ({plan.rule_id}): its on_reward statements (rule lines {lines}) are left out: they read the "
            f"modulator {plan.desc.modulator!r}, {reward_reason}; the weights change only through on_pre and on_post"]


def rule_lines(name: str, src: str, tgt: str, send: str, plan: RulePlan, d: int | None, lag: int,
               dt: float) -> tuple[list[str], bool]:
    """(the Synapses lines, exact?). ``send`` transmits ``w_syn``; ``d`` is the delay in steps (None: per synapse,
    set by the caller on the ``pre`` pathway); ``lag`` the steps Brian2's pathway runs late (delta synapses).

    A spike of step n is sent at step n + 1 with the weight (and gain) it has then; Brian2 reads them when the
    spike arrives, which is the same for one step of delay, and for two (a copy ``w_sent`` taken one step after
    the spike) on current and conductance synapses."""
    if plan.desc.short_term:
        send = send.replace("w_syn", "(w_syn*gain)")
    paths = {"pre": send}
    if plan.desc.on_pre:
        paths["plastic"] = "\n".join(plan.statements(plan.desc.on_pre))
    delays, model = {}, ["w_syn : 1"]
    copy = d == 2 and lag == 0
    if copy:
        paths["pre"], paths["send"] = send.replace("(w_syn*gain)", "w_sent").replace("w_syn", "w_sent"), \
            "w_sent = w_syn*gain" if plan.desc.short_term else "w_sent = w_syn"
        delays["send"] = num(round(dt, 9))
        model.append("w_sent : 1")
    if d is not None:
        delays["pre"] = num(round((d - lag) * dt, 9))
    model.append(plan.model())
    on_pre = "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in paths.items()) + "}"
    delay = ("{" + ", ".join(f"{literal(k)}: {v}*ms" for k, v in delays.items()) + "}") if delays else "None"
    post = "\n".join(plan.statements(plan.desc.on_post))
    method = ', method="exponential_euler"' if plan.clock_driven else ""
    lines = [comment(f"Learning rule {plan.rule_id!r} ({plan.desc.title}), emitted from its description:"),
             *(comment("  " + line) for line in plan.desc.lines if line.strip()),
             f'{name} = b2.Synapses({src}, {tgt}, model="""\n' + "\n".join(m for m in model if m) + '\n""",',
             f"    on_pre={on_pre}, on_post={literal(post) if post else 'None'}, delay={delay}{method}, "
             f"name={literal(name)})",
             f"{name}.pre.order = -3  # sends with the weight before this step's learning (as the kernel)"]
    if plan.desc.on_pre:
        lines.append(f"{name}.plastic.order = -1  # then the rule's on_pre, then its on_post")
    if post:
        lines.append(f"{name}.post.order = 1")
    if copy:
        lines.append(f"{name}.send.order = -2")
    exact = d == 1 or copy
    return lines, exact


def plastic_plan(proj, rules, net) -> tuple[tuple | RulePlan | None, str]:
    """How a plastic projection travels: the plan of its rule's description where the plugin (or the network)
    has one, the built-in STDP rules included (their scripts learn exactly as the coefficient path's: same rates
    and weights, tests/test_brian2_rules.py); else the kernel's STDP coefficients (a tuple: a third party's STDP
    family without a description); else (None, why)."""
    rule, params = proj.plasticity.rule, proj.plasticity.params
    plugin = (with_carried_rules(net, rules) or {}).get(rule)
    desc = description_of(plugin, params) if plugin is not None else None
    if desc is not None:
        return rule_plan(rule, desc, params, net.dt)
    coef, reason = stdp_coefficients(proj, rules, net.dt, carried=net.rules)
    return (coef, "") if coef is not None else (None, reason)
