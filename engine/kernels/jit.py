"""The one place that sets numba's flags for every kernel (after PySDM's JIT_FLAGS)."""

import hashlib
from importlib import resources

import numba
from numba import types
from numba.core.registry import CPUDispatcher
from numba.extending import register_jitable

__all__ = ["JIT_FLAGS", "jit", "jit_inline", "jit_loop", "jit_part", "jit_entry", "engine_sources_digest"]

# nogil: the GUI runs the simulator in a worker thread; cache: a second launch skips compilation.
JIT_FLAGS = {"nopython": True, "nogil": True, "cache": True, "fastmath": False, "error_model": "numpy"}


def jit(func):
    """Compile ``func`` with the project's flags."""
    return numba.jit(**JIT_FLAGS)(func)


def jit_loop(func):
    """Compile a time loop with the project's flags (public numba options only).

    The loop allocates nothing while it runs: every array is the caller's, every helper it calls works on views.
    ``tests/test_no_allocation.py`` holds that to account (numba's runtime counts no allocation during a chunk),
    in place of the private ``_nrt=False`` this once relied on.
    """
    return numba.jit(**JIT_FLAGS)(func)


def jit_inline(func):
    """Compile ``func`` into each caller's body (numba IR inlining): for per-neuron helpers and hot passes,
    which must not cost a call, and for small helpers, which compile faster inlined than on their own."""
    return numba.jit(inline="always", **JIT_FLAGS)(func)


class EntryDispatcher(CPUDispatcher):
    """A dispatcher numba types as a first-class function of one fixed signature (``FunctionType``), not as
    itself: a compiled loop that takes it as an argument then serves every function of that signature, and
    calls it through its native address (a few ns per call), without recompiling for each function."""

    fixed_signature = None  # set by ``jit_entry``
    _fixed_type = None

    @property
    def _numba_type_(self):
        """Made once: numba asks on every call of the loop that takes this entry (each chunk), and building and
        interning the type of a wide signature (the rules' 29-array ``RuleState``) costs 30-130 us each time."""
        if self._fixed_type is None:
            self._fixed_type = types.FunctionType(self.fixed_signature)
        return self._fixed_type

    _last = (None, None)  # (signature, compile result) of the last ``get_compile_result``

    def get_compile_result(self, sig):
        """numba's, kept for the signature object asked last: the loop's unboxing asks twice a call (the entry's
        addresses) with the same object, and each answer hashes the wide signature's argument types again."""
        last_sig, cres = self._last
        if sig is not last_sig:
            cres = super().get_compile_result(sig)
            self._last = (sig, cres)
        return cres


def jit_entry(func, signature):
    """Compile ``func`` on its own, as ``jit_loop`` does (cached on disk), for exactly
    ``signature`` (return type included), as an argument a loop calls (see ``EntryDispatcher``).

    Compilation waits until the first use (a loop called with it, or ``compiled`` asked).
    """
    options = dict(JIT_FLAGS)
    cache = options.pop("cache")
    dispatcher = EntryDispatcher(py_func=func, locals={}, targetoptions=options)
    dispatcher.fixed_signature = signature
    if cache:
        dispatcher.enable_caching()
    return dispatcher


def jit_part(func):
    """A piece of a kernel, compiled into its callers only.

    It gets no Python wrapper or cache entry of its own (its callers' cache holds it), which saves
    about a tenth of a second of cold compile per function. Called from Python it runs as plain Python.
    """
    return register_jitable(error_model=JIT_FLAGS["error_model"], fastmath=JIT_FLAGS["fastmath"])(func)


def engine_sources_digest() -> str:
    """SHA-256 of every module of the engine package, for cache keys.

    numba keys a cached function on its own file only; code compiled into it from other modules
    (``jit_part`` and ``jit_inline`` helpers, constants) would otherwise load stale after an edit.
    """
    digest = hashlib.sha256()
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()
