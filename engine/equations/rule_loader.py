"""Generated rule code on disk, beside the generated model code: written once to a file named by the hash of its
source, then imported as a module, so numba's disk cache serves it across launches. The text is ours, built by
``rule_codegen`` from checked trees; it is imported like any module, never passed to exec.

Its ``custom_rules`` is compiled on its own, as an entry of ``kernel.rules_signature`` (``jit.jit_entry``) that the
time loop is given as an argument (``kernel.Gates.rules``): a new rule set compiles its own code only, not a loop.
"""

from __future__ import annotations

from ..kernels.jit import engine_sources_digest
from .loader import GENERATION_LOCK, cached_entry, module_of_source
from .model_cache import RULES_PREFIX
from .rule_codegen import RuleLayout, rules_source

__all__ = ["generated_rules", "generated_rules_entry"]


def generated_rules(layouts: list[RuleLayout]):
    """(module, key): the imported module holding ``custom_rules`` for these rules, and its source hash (the engine
    sources' digest is in the source: an engine edit makes a new module, so a new entry)."""
    with GENERATION_LOCK:  # builds on two threads: neither may see the other's half-imported module
        return module_of_source(rules_source(layouts, engine_sources_digest()), RULES_PREFIX)


def generated_rules_entry(layouts: list[RuleLayout], signature):
    """The compiled entry of these rules' generated step that the time loop calls (``kernel.run_chunk``'s
    ``rules``), for ``signature`` (``kernel.rules_signature``); cached on disk beside its module."""
    with GENERATION_LOCK:
        module, key = generated_rules(layouts)
        return cached_entry(module, key, "custom_rules", signature)
