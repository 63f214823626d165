"""Our own record of the compiled functions numba keeps on disk, so a status can tell a cache load from a compile
without reading numba's private cache index.

Once a loop or an entry has run (compiled or loaded), its argument types are recorded under a key made of what
numba's disk cache depends on: numba's version, the target (triple, CPU name and features), the function (its
source file's path, size and modification time, qualified name and bytecode), the engine sources digest
(``jit.engine_sources_digest``: code compiled in from other modules) and the argument types. The keys are lines of
a text file in the folder numba keeps that function's cache in (``Dispatcher.stats.cache_path``:
``NUMBA_CACHE_DIR`` or a ``__pycache__``), so emptying the cache empties the record; an edit, another numba or
another CPU gives other keys. A key is a record, not a proof: cache files removed by hand leave their keys behind
(a status then says nothing while numba compiles).
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

import numba
from llvmlite import binding

from .jit import engine_sources_digest

__all__ = ["RECORD_NAME", "MAX_KEYS", "record_path", "recorded", "record"]

RECORD_NAME = "spikestudio-compiled.txt"
MAX_KEYS = 4000  # keys kept in one record; past it, the newer half is kept


@functools.cache
def _process_part() -> bytes:
    """What every key of this process shares: numba's version, the target numba compiles for, the engine's digest."""
    cpu = numba.config.CPU_NAME or binding.get_host_cpu_name()
    try:
        features = numba.config.CPU_FEATURES or binding.get_host_cpu_features().flatten()
    except RuntimeError:  # LLVM cannot read them on this platform (numba then compiles for none either)
        features = ""
    return "\0".join((numba.__version__, binding.get_process_triple(), cpu, features, str(numba.config.ENABLE_AVX),
                      engine_sources_digest())).encode()


def _cell_text(cell) -> str:
    """A closure cell as numba's cache key sees it: a plain value's repr (the loop's digest, a variant's name);
    another object by its name, which stays the same from one process to the next."""
    try:
        value = cell.cell_contents
    except ValueError:
        return "<empty>"
    if value is None or isinstance(value, (str, bytes, int, float, bool)):
        return repr(value)
    return getattr(value, "__qualname__", type(value).__qualname__)


def _key(dispatcher, args: tuple) -> str:
    func = dispatcher.py_func
    code = func.__code__
    stat = os.stat(code.co_filename)
    digest = hashlib.sha256(_process_part())
    closure = "\0".join(_cell_text(c) for c in func.__closure__ or ())  # the variants of one function differ here
    for part in (code.co_filename, str(stat.st_size), str(stat.st_mtime_ns), func.__qualname__, closure, str(args)):
        digest.update(b"\0" + part.encode())
    digest.update(b"\0" + code.co_code)
    return digest.hexdigest()


def record_path(dispatcher) -> Path | None:
    """The record beside ``dispatcher``'s disk cache; None when it caches nothing."""
    folder = dispatcher.stats.cache_path
    return None if folder is None else Path(folder) / RECORD_NAME


def recorded(dispatcher, args: tuple) -> bool:
    """Whether ``dispatcher`` was recorded as compiled for the argument types ``args`` with this numba, this target
    and these sources (False when the record is missing or unreadable)."""
    try:
        path = record_path(dispatcher)
        return path is not None and _key(dispatcher, args) in path.read_text().split()
    except Exception:  # noqa: BLE001 - unreadable, not text, a platform LLVM cannot describe: not recorded
        return False


def record(dispatcher, args: tuple) -> None:
    """Note that ``dispatcher`` is compiled for ``args`` (numba has cached it beside the record). A record that
    cannot be written is left alone: the status then says "compiling" once more than it should."""
    path = record_path(dispatcher)
    if path is None or recorded(dispatcher, args):
        return
    try:
        with open(path, "a") as out:  # one short append: processes recording at once do not mix lines
            out.write(_key(dispatcher, args) + "\n")
        keys = path.read_text().split()
        if len(keys) > MAX_KEYS:
            _replace(path, keys[-(MAX_KEYS // 2):])
    except Exception:  # noqa: BLE001 - a record is best effort: a run never fails for it
        pass


def _replace(path: Path, keys: list[str]) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text("\n".join(keys) + "\n")
    os.replace(temporary, path)
