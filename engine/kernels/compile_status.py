"""Whether a simulator's time loop must be compiled before it runs, and what to call the wait.

numba compiles ``kernel.run_chunk`` once per mix of parts (``kernel.Gates``) and keeps each variant in
memory and on disk; a variant it has neither of takes seconds (idle machine) to minutes (busy one).
Asking the dispatcher first lets the editor, the F–I tool and the command line say "compiling" when, and
only when, it is so, and time the compile apart from the run.
"""

from __future__ import annotations

import time

__all__ = ["needs_compile", "compile_now", "compiled_parts", "compiling_text"]

PART_NAMES = {"lif": "LIF", "lif_adaptive": "adaptive LIF", "izh": "Izhikevich", "adex": "AdEx",
              "hh": "Hodgkin-Huxley", "conductance": "conductance synapses", "poisson": "Poisson inputs",
              "times": "spike times", "currents": "current inputs", "plastic": "plasticity",
              "custom": "models from equations"}


def _args(built) -> tuple:
    return (built.state, 0, 0, *built.gates)


def needs_compile(built) -> bool:
    """True unless the loop variant ``built`` (an ``engine.build.Built``) runs is compiled in memory or cached
    on disk. Reads numba's cache index (not public API); if that fails, says True: a wait called compiling
    that turns out short is better than a long one explained by nothing."""
    dispatcher = built.loop  # the plain loop, or the variant with a network's models described by equations
    try:
        sig = tuple(dispatcher.typeof_pyval(a) for a in _args(built))
        if sig in dispatcher.overloads:
            return False
        cache = dispatcher._cache
        return cache._index_key(sig, dispatcher.targetctx.codegen()) not in cache._cache_file._load_index()
    except Exception:  # noqa: BLE001 - another numba version: fall back to the cautious answer
        return True


def compile_now(built) -> float:
    """Compile (or load) the loop ``built`` runs, without simulating a step; seconds taken."""
    start = time.perf_counter()
    built.loop(*_args(built))
    return time.perf_counter() - start


def compiled_parts(built) -> str:
    """The parts of the loop variant, as a reader names them: "adaptive LIF + Izhikevich + Poisson inputs"."""
    gates = built.gates._asdict()
    return " + ".join(name for part, name in PART_NAMES.items() if gates.get(part)) or "an empty network"


def compiling_text(parts: str, seconds: float | None = None) -> str:
    """The status line while it compiles."""
    elapsed = "" if seconds is None else f" {seconds:.0f} s"
    return f"Compiling the kernels for {parts} (first time only)…{elapsed}"
