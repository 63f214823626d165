"""Whether a simulator's time loop must be compiled before it runs, and what to call the wait.

numba compiles ``kernel.run_chunk`` once per mix of parts (``kernel.Gates``), and the entries of a network's
models and of its learning rules described by equations on their own, and keeps each in memory and on disk;
one it has neither of takes seconds (idle machine) to minutes (busy one).
Asking the dispatcher (in memory) and our record of what numba cached (``compile_record``) first lets the editor,
the F–I tool and the command line say "compiling" when, and only when, it is so, and time the compile apart from
the run.
"""

from __future__ import annotations

import time

import numba

from .compile_record import record, recorded

__all__ = ["needs_compile", "remember_compiled", "compiled_functions", "compile_now", "compiled_parts",
           "compiling_text"]

PART_NAMES = {"lif": "LIF", "lif_adaptive": "adaptive LIF", "izh": "Izhikevich", "adex": "AdEx",
              "hh": "Hodgkin-Huxley", "conductance": "conductance synapses", "poisson": "Poisson inputs",
              "times": "spike times", "currents": "current inputs", "plastic": "plasticity",
              "custom": "models from equations",
              "rules": "learning rules from equations"}
ENTRIES = ("custom", "rules")  # the gates that carry a compiled entry (``jit.jit_entry``), not a flag


def _args(built) -> tuple:
    return (built.state, 0, 0, *built.gates)


def needs_compile(built) -> bool:
    """True unless the loop variant ``built`` (an ``engine.build.Built``) runs, and the entries of its models and
    learning rules described by equations (``kernel.run_chunk``'s ``custom`` and ``rules``), are compiled in
    memory, or recorded as cached on disk (``compile_record``: kept by ``remember_compiled``). If asking fails,
    says True: a wait called compiling that turns out short is better than a long one explained by nothing."""
    try:
        return not all(args in dispatcher.signatures or recorded(dispatcher, args)
                       for dispatcher, args in compiled_functions(built))
    except Exception:  # noqa: BLE001 - another numba version: fall back to the cautious answer
        return True


def remember_compiled(built) -> None:
    """Record what of ``built``'s loop and entries is compiled in memory now (call it after the loop ran), so that
    another process that loads them from numba's disk cache knows it will not compile."""
    try:
        for dispatcher, args in compiled_functions(built):
            if args in dispatcher.signatures:
                record(dispatcher, args)
    except Exception:  # noqa: BLE001 - best effort: a run never fails for its record (the status may then say
        pass  # "compiling" once more than it should)


def compiled_functions(built):
    """(dispatcher, argument types) of each compiled function the loop of ``built`` runs: its entries (compiled
    for their fixed signature, ``jit.jit_entry``), then the loop itself (the plain loop, or the hand-written
    kernels' reference) for the types of its arguments."""
    for name in ENTRIES:
        entry = getattr(built.gates, name)
        signature = getattr(entry, "fixed_signature", None)
        if signature is not None:
            yield entry, tuple(signature.args)
    yield built.loop, tuple(numba.typeof(a) for a in _args(built))


def compile_now(built) -> float:
    """Compile (or load) the loop ``built`` runs, without simulating a step, and record it; seconds taken."""
    start = time.perf_counter()
    built.loop(*_args(built))
    seconds = time.perf_counter() - start
    remember_compiled(built)
    return seconds


# built-in model id -> its part of the loop: a built-in is named as itself, not among "models from equations" (its
# generated update is a part of the loop, not the custom entry; a custom model may still carry a built-in's id)
MODEL_PARTS = {"lif": "lif", "lif_adaptive": "lif_adaptive", "izhikevich": "izh", "adex": "adex", "hh": "hh"}


def compiled_parts(built) -> str:
    """The parts of the loop variant, as a reader names them: "adaptive LIF + Izhikevich + Poisson inputs"."""
    gates = built.gates._asdict()
    custom = list(getattr(built, "custom", {}) if gates.get("custom") else ())
    parts = {MODEL_PARTS[m] for m in custom if m in MODEL_PARTS}
    parts |= {part for part in PART_NAMES if gates.get(part) is not None and part != "custom"}
    if any(m not in MODEL_PARTS for m in custom):
        parts.add("custom")
    return " + ".join(name for part, name in PART_NAMES.items() if part in parts) or "an empty network"


def compiling_text(parts: str, seconds: float | None = None) -> str:
    """The status line while it compiles."""
    elapsed = "" if seconds is None else f" {seconds:.0f} s"
    return f"Compiling the kernels for {parts} (first time only)…{elapsed}"
