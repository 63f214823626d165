"""The one place that sets numba's flags for every kernel (after PySDM's JIT_FLAGS)."""

import numba
from numba.extending import register_jitable

__all__ = ["JIT_FLAGS", "jit", "jit_inline", "jit_loop", "jit_part"]

# nogil: the GUI runs the simulator in a worker thread; cache: a second launch skips compilation.
JIT_FLAGS = {"nopython": True, "nogil": True, "cache": True, "fastmath": False, "error_model": "numpy"}


def jit(func):
    """Compile ``func`` with the project's flags."""
    return numba.jit(**JIT_FLAGS)(func)


def jit_loop(func):
    """Compile a time loop that allocates nothing: without numba's reference counting (``_nrt=False``).

    Every array view made in a step (a node's slice of v, a channel's slice of the synaptic state)
    would otherwise cost two atomic reference-count updates: a tenth of the CUBA step at N = 4,000.
    The arrays belong to the caller, which keeps them alive while the loop runs.
    """
    return numba.jit(_nrt=False, **JIT_FLAGS)(func)


def jit_inline(func):
    """Compile ``func`` to be inlined into its callers: per-neuron helpers must not cost a call each."""
    return numba.jit(inline="always", **JIT_FLAGS)(func)


def jit_part(func):
    """A piece of a kernel, compiled into its callers only.

    It gets no Python wrapper or cache entry of its own (its callers' cache holds it), which saves
    about a tenth of a second of cold compile per function, and it stays callable from Python.
    """
    return register_jitable(error_model=JIT_FLAGS["error_model"], fastmath=JIT_FLAGS["fastmath"])(func)
