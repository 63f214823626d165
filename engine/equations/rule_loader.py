"""Generated rule code on disk, beside the generated model code: written once to a file named by the hash of its
source, then imported as a module, so numba's disk cache serves it across launches. The text is ours, built by
``rule_codegen`` from checked trees; it is imported like any module, never passed to exec.
"""

from __future__ import annotations

import hashlib
import sys

from ..kernels import kernel as K
from ..kernels.jit import engine_sources_digest
from .loader import GENERATION_LOCK, cache_dir, import_file, write_if_missing
from .rule_codegen import RuleLayout, rules_source

__all__ = ["generated_rules", "compiled_loop_with_rules"]

_PREFIX = "spikestudio_rules_"


def generated_rules(layouts: list[RuleLayout]):
    """(module, key): the imported module holding ``custom_rules`` for these rules, and its source hash."""
    source = rules_source(layouts, engine_sources_digest())
    key = hashlib.sha256(source.encode()).hexdigest()[:24]
    name = _PREFIX + key
    with GENERATION_LOCK:  # builds on two threads: neither may see the other's half-imported module
        if name in sys.modules:
            return sys.modules[name], key
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.py"
        write_if_missing(path, source)
        return import_file(name, path), key


def compiled_loop_with_rules(rules: list[RuleLayout], hand_written: bool = False):
    """The time loop with these rules' generated steps compiled in (models from equations come as its argument);
    ``hand_written``: with the hand-written neuron kernels (``build.hand_written_kernels``)."""
    rule_module, rule_key = generated_rules(rules)
    return K.run_chunk_with(f"rules:{rule_key}", rule_module.custom_rules, hand_written)
