"""Plastic projections: the tables the compiled loop needs to change weights as it runs.

A learning-rule plugin's engine part maps its parameters to a rule ``family`` the kernel knows and a
row of coefficients (``RuleSpec``); the engine asks the plugin registry for the rule and never imports a
plugin by name. Families:

* ``STDP``: spike-timing-dependent plasticity with exponential traces, pair-based or triplet (Pfister &
  Gerstner 2006), all-to-all or nearest-neighbour, additive or multiplicative (soft-bound). Each neuron has
  a fast and a slow trace (r1, r2 before the synapse; o1, o2 after it). Coefficients: [r1 decay per step,
  o1 decay per step, A2_plus, A2_minus, w_max, multiplicative, nearest, r2 decay, o2 decay, A3_plus,
  A3_minus, normalisation total, normalisation interval in steps]; a pair rule has A3 = 0. With a total
  > 0, every interval the weights onto each target neuron are scaled to sum to it (synaptic scaling, as
  Diehl & Cook 2015 do between digits). A presynaptic spike changes w by -o1 (A2_minus + A3_minus r2), a
  postsynaptic one by r1 (A2_plus + A3_plus o2), slow traces read before the spike's own increment.
* ``STP``: Tsodyks-Markram short-term depression and facilitation; each presynaptic spike transmits
  w u x. Coefficients: [U, tau_rec (ms), tau_facil (ms, 0 for none), 0 ...].
* ``RSTDP``: reward-modulated STDP with an eligibility trace (Izhikevich 2007; BindsNET's MSTDPET, NEST's
  stdp_dopamine). Pairings change each synapse's eligibility c instead of its weight (by A_plus r1 at a
  post spike, by -A_minus o1 at a pre spike); c decays with tau_c, and each step the weight changes by
  lr * r * (the integral of c over the step), r being the reward node's signal: dw/dt = lr r c, exactly
  integrated for a reward constant over the step. Weights stay in [0, w_max]. Coefficients: [r1 decay,
  o1 decay, A_plus, A_minus, w_max, c decay per step, lr * tau_c * (1 - c decay), 0 ...]; the reward node
  is ``RuleSpec.reward`` (a node id, resolved by ``engine.build``). c is stored divided by a per-projection
  scale (``pl_scale``), so its decay costs one multiplication per step, not one per synapse.

A rule described by equations (``engine.equations.rule_text``) is family ``DESCRIBED``: the build makes its
RuleSpec itself (coefficients: the numbers of its presynaptic, postsynaptic and extra synapse variables, and 1
when it sets the gain of each spike, which then gets a slot in ``stp_gain`` as ``STP`` has, and 1 when it keeps
a lazily decayed synapse variable in ``elig`` and ``pl_scale`` as ``RSTDP`` does), and
generated code runs it (``engine.equations.rule_codegen``). Plugins cannot return that family.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..equations.rule_codegen import DESCRIBED

__all__ = ["STDP", "STP", "RSTDP", "DESCRIBED", "FAMILIES", "N_COEF", "RuleSpec", "checked_spec", "plastic_tables",
           "empty_tables"]

STDP, STP, RSTDP = 1, 2, 3
FAMILIES = {STDP: "STDP", STP: "STP", RSTDP: "RSTDP"}
N_COEF = 13


class RuleSpec(NamedTuple):
    """What a learning-rule plugin hands the engine for one projection."""

    family: int
    coef: tuple
    reward: str = ""  # the reward node that modulates the rule (RSTDP)


def checked_spec(spec) -> RuleSpec:
    """``spec`` as a RuleSpec the kernel can run; ValueError says what is wrong with what a plugin returned
    (the kernel would read a wrong row by position, and a NaN would saturate every weight)."""
    if not isinstance(spec, tuple) or len(spec) not in (2, 3):
        raise ValueError(f"{_shown(spec)}, not a RuleSpec(family, coefficients[, reward node])")
    family, coef, *reward = spec
    known = ", ".join(f"{code} {name}" for code, name in FAMILIES.items())
    if isinstance(family, bool) or not isinstance(family, (int, np.integer)) or int(family) not in FAMILIES:
        raise ValueError(f"the rule family {_shown(family)}, which the engine does not know (known: {known})")
    try:
        values = tuple(float(c) for c in coef)
    except (TypeError, ValueError):
        raise ValueError(f"coefficients {_shown(coef)}, not a sequence of numbers") from None
    if len(values) != N_COEF:
        raise ValueError(f"{len(values)} coefficients; a rule has {N_COEF}")
    bad = [i for i, c in enumerate(values) if not math.isfinite(c)]
    if bad:
        raise ValueError(f"a coefficient that is not a finite number ({values[bad[0]]} at position {bad[0]})")
    if reward and not isinstance(reward[0], str):
        raise ValueError(f"the reward node {_shown(reward[0])}, not a node id")
    return RuleSpec(int(family), values, *reward)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def empty_tables(n_proj: int) -> dict[str, np.ndarray]:
    """The plasticity arrays of a network without plastic projections (the kernel's gate leaves them unused)."""
    tables = _empty()
    tables["proj_stp"] = np.full(n_proj, -1, np.int64)
    return tables


def _empty() -> dict[str, np.ndarray]:
    return {"pl_proj": np.zeros(0, np.int64), "pl_family": np.zeros(0, np.int64), "pl_coef": np.zeros((0, N_COEF)),
            "pl_target": np.zeros(0, np.int64), "pl_pre_off": np.zeros(0, np.int64),
            "pl_post_off": np.zeros(0, np.int64), "pl_col": np.zeros(0, np.int64),
            "pre_trace": np.zeros(0), "post_trace": np.zeros(0), "col_ptr": np.zeros(1, np.int64),
            "col_syn": np.zeros(0, np.int64), "syn_pre": np.zeros(0, np.int32), "stp_u": np.zeros(0),
            "stp_x": np.zeros(0), "stp_gain": np.zeros(0), "stp_last": np.zeros(0, np.int64),
            "pl_reward": np.zeros(0, np.int64), "pl_scale": np.zeros(0), "elig": np.zeros(0),
            "rule_par": np.zeros((0, 2)), "syn_var": np.zeros(0)}


def plastic_tables(specs: dict[int, RuleSpec], proj_src, proj_tgt, node_start, rowptr, proj_row, post,
                   n_syn: int, reward_index: dict[str, int] | None = None) -> dict[str, np.ndarray]:
    """Arrays for the projections in ``specs`` (projection index -> rule), in projection order.

    STDP and RSTDP projections get presynaptic and postsynaptic traces and a column index (the synapses onto
    each target neuron) for potentiation, RSTDP an eligibility per synapse and the index of its reward node
    (``reward_index``: node id -> index); STP projections get u, x and the step of each source neuron's last
    spike.
    """
    reward_index = reward_index or {}
    t = _empty()
    t["proj_stp"] = np.full(len(proj_src), -1, np.int64)
    rows = {k: [] for k in ("pl_proj", "pl_family", "pl_coef", "pl_target", "pl_pre_off", "pl_post_off", "pl_col",
                            "pl_reward")}
    pre_size = post_size = stp_size = 0
    col_ptrs, col_syns, col_base = [np.zeros(1, np.int64)], [], 0
    syn_pre = np.zeros(n_syn, np.int32)
    rule_par, syn_size = [], 0
    for p, spec in sorted(specs.items()):
        src, tgt = int(proj_src[p]), int(proj_tgt[p])
        n_src = int(node_start[src + 1] - node_start[src])
        n_tgt = int(node_start[tgt + 1] - node_start[tgt])
        lo, hi = int(rowptr[proj_row[p]]), int(rowptr[proj_row[p] + n_src])
        counts = np.diff(rowptr[proj_row[p]: proj_row[p] + n_src + 1])
        syn_pre[lo:hi] = np.repeat(np.arange(n_src, dtype=np.int32), counts)
        rows["pl_proj"].append(p)
        rows["pl_family"].append(spec.family)
        rows["pl_coef"].append(np.asarray(spec.coef, float))
        rows["pl_target"].append(tgt)
        traced = spec.family in (STDP, RSTDP, DESCRIBED)
        # variables per presynaptic and postsynaptic neuron: a fast and a slow trace, or what the rule declares
        n_pre_vars, n_post_vars = (int(spec.coef[0]), int(spec.coef[1])) if spec.family == DESCRIBED else (2, 2)
        rule_par.append((0.0, float(syn_size)))
        if spec.family == DESCRIBED:
            syn_size += int(spec.coef[2]) * (hi - lo)
        if spec.family == DESCRIBED and spec.coef[3]:  # short-term: each spike carries its weights times a gain
            t["proj_stp"][p] = stp_size
            stp_size += n_src
        rows["pl_pre_off"].append(pre_size if traced else stp_size)
        rows["pl_post_off"].append(post_size)
        rows["pl_col"].append(col_base)
        rows["pl_reward"].append(reward_index.get(spec.reward, -1))
        if traced:
            order = lo + np.argsort(post[lo:hi], kind="stable")
            per_target = np.bincount(post[lo:hi], minlength=n_tgt)
            col_ptrs.append(col_ptrs[-1][-1] + np.cumsum(per_target))
            col_syns.append(order)
            col_base += n_tgt
            pre_size += n_pre_vars * n_src
            post_size += n_post_vars * n_tgt
        else:
            t["proj_stp"][p] = stp_size
            stp_size += n_src
    for key, values in rows.items():
        t[key] = np.array(values, float if key == "pl_coef" else np.int64).reshape((-1, N_COEF) if key == "pl_coef"
                                                                                   else (-1,))
    t["pre_trace"], t["post_trace"] = np.zeros(pre_size), np.zeros(post_size)
    t["col_ptr"] = np.concatenate(col_ptrs).astype(np.int64)
    t["col_syn"] = np.concatenate(col_syns).astype(np.int64) if col_syns else np.zeros(0, np.int64)
    t["syn_pre"] = syn_pre
    lazy = any(spec.family == RSTDP or (spec.family == DESCRIBED and spec.coef[4]) for spec in specs.values())
    t["elig"] = np.zeros(n_syn if lazy else 0)
    t["pl_scale"] = np.ones(len(t["pl_proj"]))
    t["rule_par"], t["syn_var"] = np.array(rule_par, float).reshape(-1, 2), np.zeros(syn_size)
    t["stp_u"], t["stp_x"] = np.zeros(stp_size), np.ones(stp_size)
    t["stp_gain"], t["stp_last"] = np.ones(stp_size), np.full(stp_size, -1, np.int64)
    return t
