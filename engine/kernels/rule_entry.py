"""What the time loop gives the entry of a network's learning rules described by equations (``kernel.Gates.rules``):
a ``RuleState`` of the loop's arrays and the step. One signature serves every rule set, so the loop is compiled once
for all of them and a new rule set compiles its own code only (``engine.equations.rule_loader``).
"""

from typing import NamedTuple

import numba
import numpy as np

from .jit import jit_inline

__all__ = ["RuleState", "rule_state_of", "rule_state", "rules_signature"]


class RuleState(NamedTuple):
    """What the generated step of learning rules described by equations reads and writes of ``State`` (the same
    arrays; see ``engine.equations.rule_codegen``): the argument of their entry (``rules_signature``). Not the whole
    ``State``: each array of an entry's argument costs its compile about 10 ms (a new rule set compiles 0.3 s of
    argument handling with these, 1 s with all of ``State``)."""

    dt: float
    rule_par: np.ndarray
    pl_proj: np.ndarray
    pl_family: np.ndarray
    pl_target: np.ndarray
    pl_pre_off: np.ndarray
    pl_post_off: np.ndarray
    pl_col: np.ndarray
    pl_reward: np.ndarray
    pl_scale: np.ndarray
    proj_src: np.ndarray
    proj_row: np.ndarray
    proj_stp: np.ndarray
    node_start: np.ndarray
    node_spk: np.ndarray
    spikes_now: np.ndarray
    rowptr: np.ndarray
    post: np.ndarray
    weight: np.ndarray
    col_ptr: np.ndarray
    col_syn: np.ndarray
    syn_pre: np.ndarray
    pre_trace: np.ndarray
    post_trace: np.ndarray
    syn_var: np.ndarray
    stp_gain: np.ndarray
    elig: np.ndarray
    rw_sched: np.ndarray
    rw_level: np.ndarray


def rule_state_of(s) -> RuleState:
    """The ``RuleState`` of these arrays (in Python: for its type)."""
    return RuleState(*(getattr(s, name) for name in RuleState._fields))


@jit_inline
def rule_state(s):
    """``rule_state_of`` in the loop: the same views, gathered once per step (a few pointers)."""
    return RuleState(s.dt, s.rule_par, s.pl_proj, s.pl_family, s.pl_target, s.pl_pre_off, s.pl_post_off, s.pl_col,
                     s.pl_reward, s.pl_scale, s.proj_src, s.proj_row, s.proj_stp, s.node_start, s.node_spk,
                     s.spikes_now, s.rowptr, s.post, s.weight, s.col_ptr, s.col_syn, s.syn_pre, s.pre_trace,
                     s.post_trace, s.syn_var, s.stp_gain, s.elig, s.rw_sched, s.rw_level)


def rules_signature(s):
    """The signature of a generated learning rules' entry (``rules``, see ``run_chunk``) for this state:
    (``RuleState``, step) -> 0; one signature for every rule, whatever arrays it touches."""
    return numba.types.int64(numba.typeof(rule_state_of(s)), numba.types.int64)
