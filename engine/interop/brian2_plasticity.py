"""STDP (the engine's STDP family: pair or triplet) as Brian2 synapse equations, step for step as the kernel.

The kernel, each step after the neurons have spiked: decays every trace by its per-step factor; at a presynaptic
spike w -= o1 (A2- + A3- r2) (times w_max, or w when multiplicative), clipped at 0, then r1 and r2 jump (to 1 when
nearest); at a postsynaptic spike w += r1 (A2+ + A3+ o2) (times w_max, or w_max - w), clipped at w_max, then o1
and o2 jump; every interval it scales the weights onto each target neuron to sum to the total. A spike of step n
is sent at step n + 1 with the weight it has then, and its current jumps at the end of step n + d.
The coefficients come from the rule plugin's own engine part, so the script runs what the kernel runs.
"""

from __future__ import annotations

import math

from ..equations.rule_description import RuleDescription
from ..model.params import fill_params
from ..simulation.plasticity import STDP, checked_spec
from ._common import num
from .script_text import literal

__all__ = ["stdp_coefficients", "plastic_model", "plastic_lines"]

TRACES = ("r1", "r2", "o1", "o2")


def stdp_coefficients(proj, rules, dt: float, carried=()) -> tuple[tuple | None, str]:
    """(the kernel's 13 STDP coefficients, "") for a projection whose rule Brian2 can run, else (None, why).

    ``carried``: the ids of the rules the network carries as descriptions (``Network.rules``)."""
    rule = proj.plasticity.rule
    plugin = (rules or {}).get(rule)
    if plugin is None and rule in carried:
        return None, f"plasticity ({rule}) is a rule described by equations, which the Brian2 export leaves out"
    if plugin is None:
        return None, f"plasticity ({rule}): its learning rule plugin was not given to the exporter"
    if isinstance(getattr(plugin, "description", None), RuleDescription):
        return None, f"plasticity ({rule}) is a rule described by equations, which the Brian2 export leaves out"
    try:
        spec = checked_spec(plugin.engine_part(fill_params(plugin.info.params, proj.plasticity.params), dt))
    except Exception as exc:  # a third-party plugin: whatever it raises is a reason, never a crash
        return None, f"plasticity ({rule}): its plugin failed: {type(exc).__name__}: {exc}"
    if spec.family != STDP:
        return None, f"plasticity ({rule}) has no Brian2 equivalent here (only STDP rules are exported)"
    if proj.synapse.kind == "delta":
        return None, f"plasticity ({rule}) on delta synapses is not exported"
    return spec.coef, ""


def _tau(decay: float, dt: float) -> str:
    """The time constant of a per-step decay factor (0: a trace that lasts within its step only, 1: never decays)."""
    if decay <= 0.0:
        return "1e-9"
    return num(-dt / math.log(decay)) if decay < 1.0 else "1e30"


def plastic_model(coef: tuple, dt: float) -> str:
    """The Synapses model: the weight, a copy of it for sending, and four event-driven traces."""
    taus = (coef[0], coef[7], coef[1], coef[8])
    lines = ["w_syn : 1", "w_sent : 1"]
    lines += [f"d{v}/dt = -{v}/({_tau(c, dt)}*ms) : 1 (event-driven)" for v, c in zip(TRACES, taus)]
    return "\n".join(lines)


def plastic_code(coef: tuple) -> tuple[str, str]:
    """(the statements at a presynaptic spike, at a postsynaptic spike), as the kernel's ``stdp_step``."""
    a2p, a2m, w_max, a3p, a3m = (num(coef[i]) for i in (2, 3, 4, 9, 10))
    multiplicative, nearest = coef[5] != 0.0, coef[6] != 0.0
    down = "w_syn" if multiplicative else w_max
    up = f"({w_max} - w_syn)" if multiplicative else w_max
    bump = "{0} = 1\n{1} = 1" if nearest else "{0} += 1\n{1} += 1"
    pre = f"w_syn = clip(w_syn - o1*({a2m} + {a3m}*r2)*{down}, 0, inf)\n" + bump.format("r1", "r2")
    post = f"w_syn = clip(w_syn + r1*({a2p} + {a3p}*o2)*{up}, -inf, {w_max})\n" + bump.format("o1", "o2")
    return pre, post


def plastic_lines(name: str, src: str, tgt: str, send: str, coef: tuple, d: int | None, dt: float,
                  n_post: int) -> tuple[list[str], list[str], bool]:
    """(the Synapses line(s), the normalisation lines placed after the weights are set, exact?).

    ``send`` is the transmission statement with ``w_syn``; ``d`` the delay in steps (None: per synapse, then
    the weight is read when a spike arrives, which is exact only for delays of one or two steps).
    """
    pre, post = plastic_code(coef)
    paths = {"pre": send, "plastic": pre}
    delays = {}
    exact = d is not None and d <= 2
    if d == 2:  # sent at n + 1 with the weight it has then, added at n + 2 (one spike per step: one copy)
        paths["pre"], paths["send"] = send.replace("w_syn", "w_sent"), "w_sent = w_syn"
        delays["send"] = num(round(dt, 9))
    if d is not None:
        delays["pre"] = num(round(d * dt, 9))
    on_pre = "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in paths.items()) + "}"
    delay = ("{" + ", ".join(f"{literal(k)}: {v}*ms" for k, v in delays.items()) + "}") if delays else "None"
    lines = [f'{name} = b2.Synapses({src}, {tgt}, model="""\n{plastic_model(coef, dt)}\n""",',
             f"    on_pre={on_pre}, on_post={literal(post)}, delay={delay}, name={literal(name)})",
             f"{name}.pre.order = -3  # sends with the weight before this step's learning (as the kernel)"]
    if d == 2:
        lines.append(f"{name}.send.order = -2")
    every, total = int(coef[12]), float(coef[11])
    norm = []
    if total > 0.0:
        norm = ["", "",
                '@b2.network_operation(when="synapses", order=2)',
                f"def normalise_{name}(t):",
                f'    """Every {every} steps: the weights onto each target neuron scaled to sum to {num(total)}."""',
                f"    if int(round(float(t / b2.defaultclock.dt))) % {every} == {every - 1}:",
                f"        w, post = {name}.w_syn[:], {name}.j[:]",
                f"        sums = np.bincount(post, weights=w, minlength={n_post})",
                f"        scale = np.divide({num(total)}, sums, out=np.ones_like(sums), where=sums > 0)",
                f"        {name}.w_syn[:] = w * scale[post]", ""]
    return lines, norm, exact
