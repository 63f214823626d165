"""Generated rule code on disk, beside the generated model code: written once to a file named by the hash of its
source, then imported as a module, so numba's disk cache serves it across launches. The text is ours, built by
``rule_codegen`` from checked trees; it is imported like any module, never passed to exec.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile

from ..kernels import kernel as K
from ..kernels.jit import engine_sources_digest
from .loader import cache_dir
from .rule_codegen import RuleLayout, rules_source

__all__ = ["generated_rules", "compiled_loop_with_rules"]

_PREFIX = "spikestudio_rules_"


def generated_rules(layouts: list[RuleLayout]):
    """(module, key): the imported module holding ``custom_rules`` for these rules, and its source hash."""
    source = rules_source(layouts, engine_sources_digest())
    key = hashlib.sha256(source.encode()).hexdigest()[:24]
    name = _PREFIX + key
    if name in sys.modules:
        return sys.modules[name], key
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    if not path.exists() or path.read_text(encoding="utf-8") != source:
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(source)
        os.replace(tmp, path)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module, key


def compiled_loop_with_rules(rules: list[RuleLayout]):
    """The time loop with these rules' generated steps compiled in (models from equations come as its argument)."""
    rule_module, rule_key = generated_rules(rules)
    return K.run_chunk_with(f"rules:{rule_key}", rule_module.custom_rules)
