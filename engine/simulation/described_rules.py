"""Learning rules described by equations, at build time: their RuleSpec, parameter rows and initial variables.

A rule plugin whose ``description`` is a ``RuleDescription`` (``plugins.api.described_rule``) is not asked for
an ``engine_part``: the build lays its parameters out itself (``RuleLayout``), and the time loop runs the
code generated from it (``equations.rule_codegen``). The engine never imports the plugin: it reads the plain
data the registry hands it.
"""

from __future__ import annotations

import numpy as np

from ..equations.rule_codegen import DESCRIBED, RuleLayout
from ..equations.rule_description import RuleDescription
from ..errors import BuildError
from ..model.params import ParamSpec
from .plasticity import N_COEF, RuleSpec

__all__ = ["description_of", "described_spec", "described_problem", "RuleSlots", "CarriedRule", "with_carried_rules"]


def description_of(plugin, params: dict | None = None) -> RuleDescription | None:
    """The rule's description when the plugin contributes one, else None (a hand-written family).

    A plugin with both may choose per projection: ``description_for(params)`` returns the description for
    these parameters or None (the built-in STDP rules keep their hand-written family for synaptic scaling)."""
    choose = getattr(plugin, "description_for", None)
    try:
        desc = choose(params or {}) if callable(choose) else getattr(plugin, "description", None)
    except Exception:  # a third party's bug: its engine part (or its absence) is then what gets reported
        return None
    return desc if isinstance(desc, RuleDescription) else None


class _Info:
    """What the build reads of a plugin's info: id, parameters and text parameters."""

    def __init__(self, rule_id: str, desc: RuleDescription):
        self.id, self.version, self.display_name = rule_id, "", desc.title or rule_id
        self.description = desc.description
        self.params = {p.name: ParamSpec(p.name, p.default, p.unit.text, p.description or p.name, p.low, p.high,
                                         low_open=p.low_open, high_open=p.high_open) for p in desc.params}
        self.text_params = {"reward": f"The id of the reward node whose signal is the rule's {desc.modulator}"} \
            if desc.modulator else {}


class CarriedRule:
    """A described rule a network carries (``Network.rules``, its file's ``rules``), standing in for a plugin."""

    def __init__(self, rule_id: str, desc: RuleDescription):
        self.info, self.description = _Info(rule_id, desc), desc


def with_carried_rules(net, rules: dict | None) -> dict | None:
    """``rules`` (installed plugins by id) plus the described rules ``net`` carries that none of them provides:
    a network file with its rules' text runs where their plugin is not installed."""
    carried = {k: CarriedRule(k, d) for k, d in getattr(net, "rules", {}).items()
               if isinstance(d, RuleDescription) and (rules is None or k not in rules)}
    return {**(rules or {}), **carried} if carried else rules


def described_spec(desc: RuleDescription, params: dict) -> RuleSpec:
    """The RuleSpec the tables are sized from: counts of presynaptic, postsynaptic and extra synapse variables,
    whether it sets the gain of each spike and whether it keeps a lazily decayed variable in ``elig``."""
    layout = RuleLayout(desc)
    coef = (float(layout.n_pre), float(layout.n_post), float(layout.n_syn), float(desc.short_term),
            float(bool(layout.lazy)))
    coef += (0.0,) * (N_COEF - len(coef))
    return RuleSpec(DESCRIBED, coef, str(params.get("reward", "")) if desc.modulator else "")


def described_problem(where: str, rule_id: str, desc: RuleDescription, params: dict, dt: float) -> str | None:
    """Why these parameters give the rule no finite step (a time constant of 0, say), or None."""
    try:
        RuleLayout(desc, rule_id).row(params, dt, 0, 0)
    except (ValueError, ZeroDivisionError, OverflowError) as exc:
        return f'{where}: the learning rule "{rule_id}": {exc or type(exc).__name__}'
    return None


class RuleSlots:
    """The described rules of one network: a slot per rule id (in order of first use), and their layouts."""

    def __init__(self):
        self.layouts: dict[str, RuleLayout] = {}

    def slot(self, rule_id: str, desc: RuleDescription) -> int:
        if rule_id not in self.layouts:
            self.layouts[rule_id] = RuleLayout(desc, rule_id)
        return list(self.layouts).index(rule_id)

    def fill(self, tables: dict, order: list[int], rows: dict[int, tuple[str, RuleDescription, dict]],
             sizes: dict[int, tuple[int, int, int]], dt: float) -> None:
        """Put each described projection's parameter row into ``rule_par`` and the initial values of its
        variables into the trace arrays; ``order`` lists the plastic projections in table order, ``rows`` maps
        a described one to (rule id, description, parameters), ``sizes`` to (sources, targets, synapses)."""
        if not rows:
            return
        width = max(2, *(layout.width for layout in self.layouts.values()))
        par = np.zeros((len(order), width))
        par[:, :2] = tables["rule_par"]
        for q, p in enumerate(order):
            if p not in rows:
                continue
            rule_id, desc, params = rows[p]
            layout = self.layouts[rule_id]
            try:
                par[q, : layout.width] = layout.row(params, dt, self.slot(rule_id, desc), int(par[q, 1]))
            except (ValueError, ZeroDivisionError, OverflowError) as exc:
                raise BuildError(f'the learning rule "{rule_id}": {exc}') from None
            n_src, n_tgt, n_syn = sizes[p]
            _fill(tables["pre_trace"], int(tables["pl_pre_off"][q]), n_src, layout.initial("pre"))
            _fill(tables["post_trace"], int(tables["pl_post_off"][q]), n_tgt, layout.initial("post"))
            _fill(tables["syn_var"], int(par[q, 1]), n_syn, layout.initial("synapse"))
        tables["rule_par"] = par


def _fill(array: np.ndarray, offset: int, n: int, values: list[float]) -> None:
    for k, value in enumerate(values):
        array[offset + k * n: offset + (k + 1) * n] = value
