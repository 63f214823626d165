"""Generated model code on disk: written once to a file named by the hash of its source, then imported as a
module, so numba's disk cache (keyed on files) serves it across launches. The file's text is ours, built by
``codegen`` from checked trees; it is imported like any module, never passed to exec.

The folder is bounded (``model_cache.clean``, run when an entry is added): each use marks its entry, and an
entry removed by another process's cleanup between our check and our import is written again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
import threading
from pathlib import Path

from ..kernels.jit import engine_sources_digest, jit_entry
from .codegen import module_source
from .layout import ModelLayout
from .model_cache import PREFIX, cache_dir, clean, mark_used

__all__ = ["cache_dir", "generated_module", "generated_entry", "module_of_source", "cached_entry", "GENERATION_LOCK",
           "write_if_missing", "import_file"]

_ATTEMPTS = 3  # writes of an entry that a cleaner in another process keeps removing before we import it
# Builds run on worker threads (the app's Run, a Reset and Run again, the phase plane, the F-I tool): one at a time
# may import a module or compile an entry, so no thread sees a module in sys.modules before its code has run.
GENERATION_LOCK = threading.RLock()


def generated_module(layouts: list[ModelLayout], general: set[int] | None = None, threaded: bool | None = True):
    """(module, key): the imported module holding ``custom_update`` for these models, and its source hash.
    ``general``: the slots that receive conductance synapses; ``threaded``: the loop's threads gate (None: no
    parallel region; see ``codegen.module_source``)."""
    with GENERATION_LOCK:
        return module_of_source(module_source(layouts, engine_sources_digest(), general, threaded), PREFIX)


def module_of_source(source: str, prefix: str):
    """(module, key): ``source`` written to ``<prefix><key>.py`` in the cache folder (``key``: its hash) and
    imported, the entry marked used, the folder cleaned when the entry is new. Call under ``GENERATION_LOCK``."""
    key = hashlib.sha256(source.encode()).hexdigest()[:24]
    name = prefix + key
    if name in sys.modules:
        return sys.modules[name], key
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    added = False
    for attempt in range(_ATTEMPTS):
        added = write_if_missing(path, source) or added
        mark_used(path)
        try:
            module = import_file(name, path)
            break
        except FileNotFoundError:
            if attempt == _ATTEMPTS - 1:
                raise
    if added:
        clean(folder)
    return module, key


def write_if_missing(path: Path, source: str) -> bool:
    """Write ``source`` to ``path`` atomically unless it holds it already; True when written."""
    try:
        if path.read_text(encoding="utf-8") == source:
            return False
    except OSError:
        pass
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(source)
    os.replace(tmp, path)
    return True


def import_file(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


_entries: dict[tuple, object] = {}


def generated_entry(layouts: list[ModelLayout], signature, currents: bool, general: set[int] | None = None,
                    threaded: bool | None = True):
    """The compiled entry of these models' generated updates that the time loop calls (``kernel.run_chunk``'s
    ``custom``): compiled on its own for ``signature`` (``kernel.update_signature``), so a new model costs its
    own code only, not the loop's; cached on disk beside its module. ``currents``: the network has current
    inputs (the entry without them never reads ``i_ext``). ``threaded``: the loop's threads gate; None (the app
    on two cores, a small network) compiles no parallel region: a vectorised model then compiles in a fraction
    of the time, from a source of its own (another module, so another cache entry)."""
    with GENERATION_LOCK:
        module, key = generated_module(layouts, general, threaded)
        return cached_entry(module, key, "entry_with_currents" if currents else "entry_without_currents", signature)


def cached_entry(module, key: str, name: str, signature):
    """The entry (``jit.jit_entry``) of ``module``'s function ``name`` for ``signature``, made once per process.
    Call under ``GENERATION_LOCK``."""
    if (key, name, signature) not in _entries:
        _entries[key, name, signature] = jit_entry(getattr(module, name), signature)
    return _entries[key, name, signature]
