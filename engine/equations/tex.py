"""Trees as TeX (the subset ``gui/base/math_html.py`` renders), so the equations a model shows are the ones its
code is generated from: names with Greek letters and subscripts, stacked fractions, powers, functions."""

from __future__ import annotations

from .description import ModelDescription, ModelError
from .methods import plan_integration
from .render import number_text
from .tree import Binary, Call, Name, Node, Num, Unary
from .units import UNITS

__all__ = ["to_tex", "name_tex", "model_tex", "method_tex", "receptor_tex", "METHOD_NAMES", "rule_tex",
           "synapse_tex"]

_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu",
          "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi", "omega", "Gamma", "Delta",
          "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega"}
_SHORT = {"eps": "epsilon"}
_FUNCS = {"exp": r"\exp", "log": r"\ln", "log10": r"\log_{10}", "tanh": r"\tanh", "sinh": r"\sinh",
          "cosh": r"\cosh", "sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "min": r"\min", "max": r"\max",
          "sqrt": r"\mathrm{sqrt}", "abs": r"\mathrm{abs}", "clip": r"\mathrm{clip}", "where": r"\mathrm{where}",
          "expm1": r"\mathrm{expm1}", "exprel": r"\mathrm{exprel}"}
_ASSIGN = {"=": r"\leftarrow", "+=": r"\mathrel{+}=", "-=": r"\mathrel{-}="}
_REL = {"<": "<", "<=": r"\leq", ">": ">", ">=": r"\geq", "==": "=", "!=": r"\neq"}
_PREC = {"or": 1, "and": 2, "not": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "==": 4, "!=": 4, "+": 5, "-": 5, "*": 6,
         "neg": 7, "**": 8}


def name_tex(name: str) -> str:
    """``tau_m`` as ``\\tau_{m}``, ``V_th`` as ``V_{th}``, ``Delta_T`` as ``\\Delta_{T}``, ``rho0`` as ``\\rho_{0}``."""
    head, _, sub = name.partition("_")
    letters = head.rstrip("0123456789")
    if not sub and letters != head and _SHORT.get(letters, letters) in _GREEK:  # a Greek letter numbered: rho0
        head, sub = letters, head[len(letters):]
    head = _SHORT.get(head, head)
    head = "\\" + head if head in _GREEK else head
    if not sub:
        return head
    sub = _SHORT.get(sub, sub)
    return f"{head}_{{{chr(92) + sub if sub in _GREEK else sub}}}"


def to_tex(node: Node, in_frac: bool = False) -> str:
    return _tex(node, in_frac)[0]


def _tex(node: Node, in_frac: bool = False) -> tuple[str, int]:
    """(TeX, precedence); ``in_frac``: inside a fraction, where a nested one is drawn inline as a/b, so a
    numerator or denominator of several factors needs brackets to read right."""
    if isinstance(node, Num):
        return number_text(node.value), 9
    if isinstance(node, Name):  # a unit cannot be a declared name, so a unit's name is a unit
        return (rf"\mathrm{{{node.id}}}" if node.id in UNITS else name_tex(node.id)), 9
    if isinstance(node, Call):
        args = ", ".join(to_tex(a, in_frac) for a in node.args)
        return f"{_FUNCS[node.func]}({args})", 9
    if isinstance(node, Unary):
        inner, p = _tex(node.operand, in_frac)
        if node.op == "not":
            return rf"\mathrm{{not}}\,{inner if p >= 3 else f'({inner})'}", 3
        return node.op + (inner if p > _PREC["neg"] else f"({inner})"), _PREC["neg"]
    assert isinstance(node, Binary)
    if node.op == "/":
        top, bottom = to_tex(node.left, True), to_tex(node.right, True)
        if in_frac:
            top = top if _atomic(node.left) else f"({top})"
            bottom = bottom if _atomic(node.right) else f"({bottom})"
        return rf"\frac{{{top}}}{{{bottom}}}", 9
    left, lp = _tex(node.left, in_frac)
    right, rp = _tex(node.right, in_frac)
    if node.op == "**":
        return f"{left if lp > 8 else f'({left})'}^{{{right}}}", 8
    prec = _PREC[node.op]
    left = left if lp >= prec else f"({left})"
    right = right if rp > prec or (rp == prec and node.op in ("+", "*")) else f"({right})"
    if node.op == "*":
        return rf"{left}\,{right}", prec
    if node.op in ("and", "or"):
        return rf"{left}\ \mathrm{{{node.op}}}\ {right}", prec
    return f"{left} {_REL.get(node.op, node.op)} {right}", prec


def _atomic(node: Node) -> bool:
    """Reads as one factor when written inline: a name, number, call or power."""
    return isinstance(node, (Name, Num, Call)) or (isinstance(node, Binary) and node.op == "**")


def model_tex(desc: ModelDescription) -> tuple[str, ...]:
    """One TeX line per equation, then the threshold, the resets and the refractory period."""
    lines = [rf"\frac{{d{name_tex(e.var)}}}{{dt}} = {to_tex(e.expr)}" for e in desc.equations]
    lines += [rf"{name_tex(a.name)} = {to_tex(a.expr)}" for a in desc.aliases]
    if desc.threshold is not None:
        lines.append(rf"\mathrm{{spike\ when}}\ {to_tex(desc.threshold)}")
    lines += [rf"{name_tex(r.var)} {_ASSIGN[r.op]} {to_tex(r.expr)}" for r in desc.resets]
    if desc.refractory is not None:
        clamp = ", ".join(name_tex(c) for c in desc.clamp)
        how = "while" if desc.refractory_condition else "for"
        lines.append(rf"\mathrm{{refractory\ {how}}}\ {to_tex(desc.refractory)}"
                     + (rf"\ \mathrm{{holding}}\ {clamp}" if clamp else ""))
    return tuple(lines) + tuple(receptor_tex(r) for r in desc.named_receptors) + method_tex(desc)


def receptor_tex(r) -> str:
    """A named receptor's kind and kinetics on one line (``receptor AMPA: conductance, tau = 2 ms, E_rev = 0 mV``)."""
    parts = [rf"\mathrm{{receptor}}\ {name_tex(r.name)}:\ \mathrm{{{r.kind}}}"]
    if r.kind != "delta":
        parts.append(rf"\tau = {number_text(r.tau)}\ \mathrm{{ms}}")
    if r.kind == "conductance":
        parts.append(rf"E_{{rev}} = {number_text(r.E_rev)}\ \mathrm{{mV}}")
    elif r.sign < 0:
        parts.append(r"\mathrm{inhibitory}")
    return r",\ ".join(parts)


METHOD_NAMES = {"exact": "exact propagators", "exponential_leak": "exponential leak step", "exponential_euler":
                "exponential Euler", "rush_larsen": "exact gates (Rush and Larsen), Euler for the rest",
                "euler": "forward Euler", "rk2": "RK2", "rk4": "RK4"}


def method_tex(desc: ModelDescription) -> tuple[str, ...]:
    """The integration method a model states, or the one chosen from the form of its equations (``auto``), and its
    substep, as one line."""
    chosen = ""
    method = desc.method
    if method == "auto":
        try:
            method, chosen = plan_integration(desc).method, r",\ chosen\ from\ the\ equations"
        except ModelError:  # cannot happen for auto, but the equations are shown whatever the plan says
            return ()
    name = METHOD_NAMES.get(method, method).replace(" ", r"\ ")
    line = rf"\mathrm{{integrated\ by\ {name}{chosen}}}"
    if desc.substep is not None:
        line += rf"\mathrm{{,\ in\ substeps\ of\ at\ most}}\ {to_tex(desc.substep)}"
    return (line,)


_EVENTS = (("on_pre", r"\mathrm{at\ a\ pre\ spike}"), ("on_post", r"\mathrm{at\ a\ post\ spike}"),
           ("on_reward", r"\mathrm{each\ step\ with\ reward}"))


def rule_tex(desc) -> tuple[str, ...]:
    """One TeX line per equation and named expression of a learning rule (``RuleDescription``), then what each
    spike (and a reward) does, then what it does at a fixed period (``every``) and its synaptic scaling: the trees
    its code is generated from."""
    lines = [rf"\frac{{d{name_tex(e.var)}}}{{dt}} = {to_tex(e.expr)}" for e in desc.equations]
    lines += [rf"{name_tex(a.name)} = {to_tex(a.expr)}" for a in desc.aliases]
    for event, words in _EVENTS:
        lines += [rf"{words}:\ {name_tex(st.var)} {_ASSIGN[st.op]} {to_tex(st.expr)}" for st in getattr(desc, event)]
    for block in desc.periodic:
        every = rf"\mathrm{{every}}\ {to_tex(block.interval)}"
        lines += [rf"{every}:\ {name_tex(st.var)} {_ASSIGN[st.op]} {to_tex(st.expr)}" for st in block.statements]
    if desc.scaling is not None:
        lines.append(rf"\mathrm{{every}}\ {to_tex(desc.scaling.interval)}:\ \sum w \leftarrow "
                     rf"{to_tex(desc.scaling.total)}\ \mathrm{{onto\ each\ neuron}}")
    return tuple(lines)


def synapse_tex(desc) -> tuple[str, ...]:
    """The lines of a synapse kind (``SynapseDescription``) as TeX: its decay, what a presynaptic spike does and the
    current its target receives (every step for a synapse without spikes; the opposite into the source for a
    symmetric one)."""
    lines = []
    if desc.equation is not None:
        lines.append(rf"\frac{{d{name_tex(desc.equation.var)}}}{{dt}} = {to_tex(desc.equation.expr)}")
    if desc.on_pre is not None:
        st = desc.on_pre
        lines.append(rf"\mathrm{{at\ a\ pre\ spike}}:\ {name_tex(st.var)} {_ASSIGN[st.op]} {to_tex(st.expr)}")
    if desc.input is not None:
        when = "" if desc.spiking else r"\mathrm{every\ step}:\ "
        lines.append(rf"{when}{name_tex('I_syn')} \mathrel{{+}}= {to_tex(desc.input)}")
    if desc.symmetric:
        lines.append(r"\mathrm{and\ the\ opposite\ into\ the\ source}")
    return tuple(lines)
