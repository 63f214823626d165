"""Generated model code on disk: written once to a file named by the hash of its source, then imported as a
module, so numba's disk cache (keyed on files) serves it across launches. The file's text is ours, built by
``codegen`` from checked trees; it is imported like any module, never passed to exec.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

from ..kernels.jit import engine_sources_digest
from ..kernels.kernel import run_chunk_with
from .codegen import module_source
from .layout import ModelLayout

__all__ = ["cache_dir", "generated_module", "compiled_loop"]

_PREFIX = "spikestudio_generated_"


def cache_dir() -> Path:
    """``SPIKESTUDIO_MODEL_CACHE``, else ``$XDG_CACHE_HOME/spikestudio/models`` (``~/.cache`` by default)."""
    if os.environ.get("SPIKESTUDIO_MODEL_CACHE"):
        return Path(os.environ["SPIKESTUDIO_MODEL_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "spikestudio" / "models"


def generated_module(layouts: list[ModelLayout]):
    """(module, key): the imported module holding ``custom_update`` for these models, and its source hash."""
    source = module_source(layouts, engine_sources_digest())
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


def compiled_loop(layouts: list[ModelLayout]):
    """The time loop with these models' generated updates compiled in (see ``kernel.run_chunk_with``)."""
    module, key = generated_module(layouts)
    return run_chunk_with(module.custom_update, key)
