"""The CUBA network in Brian2 (its ``examples/CUBA.py``), timed in the runtime (Cython) or C++ standalone target.

Used by ``cuba.py``. The Cython target runs in the calling process; C++ standalone changes Brian2's global
device, so ``cuba.py`` runs it in a subprocess: ``python _brian_cuba.py N DURATION REPS`` prints one JSON line.
Times are the main simulation loop only (Brian2's own measurement), excluding code generation and compilation.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time

import brian2 as b2

__all__ = ["cython_timing", "standalone_timing"]

EQUATIONS = """
dv/dt  = (ge + gi - (v - El)) / taum : volt (unless refractory)
dge/dt = -ge / taue : volt
dgi/dt = -gi / taui : volt
"""
NAMESPACE = {
    "taum": 20 * b2.ms, "taue": 5 * b2.ms, "taui": 10 * b2.ms,
    "Vt": -50 * b2.mV, "Vr": -60 * b2.mV, "El": -49 * b2.mV,
    "we": (60 * 0.27 / 10) * b2.mV,  # 1.62 mV excitatory jump of ge
    "wi": (-20 * 4.5 / 10) * b2.mV,  # -9 mV inhibitory jump of gi
}


def build(n: int, p: float, seed: int = 2005) -> tuple[b2.Network, b2.SpikeMonitor]:
    """The CUBA network of ``n`` neurons (80 % excitatory), connection probability ``p``, all spikes monitored."""
    b2.seed(seed)
    b2.defaultclock.dt = 0.1 * b2.ms
    group = b2.NeuronGroup(n, EQUATIONS, threshold="v > Vt", reset="v = Vr", refractory=5 * b2.ms,
                           method="exact", namespace=NAMESPACE)
    group.v = "Vr + rand() * (Vt - Vr)"
    n_exc = int(round(0.8 * n))
    # Subgroups + connect(p=...) let Brian2 draw targets by skipping (no loop over all n^2 pairs).
    exc = b2.Synapses(group[:n_exc], group, on_pre="ge += we", namespace=NAMESPACE)
    exc.connect(p=p)
    inh = b2.Synapses(group[n_exc:], group, on_pre="gi += wi", namespace=NAMESPACE)
    inh.connect(p=p)
    monitor = b2.SpikeMonitor(group)
    return b2.Network(group, exc, inh, monitor), monitor


def cython_timing(n: int, p: float, duration: float, reps: int) -> dict:
    """Best-of-``reps`` main-loop seconds per simulated second in the runtime target (code compiled first)."""
    b2.prefs.codegen.target = "cython"
    net, monitor = build(n, p)
    net.store()
    net.run(1 * b2.ms)  # generates and compiles every code object (cached in ~/.cython afterwards)
    best, best_call, rate = float("inf"), float("inf"), 0.0
    for _ in range(reps):
        net.restore()
        t0 = time.perf_counter()
        net.run(duration * b2.second)
        call = time.perf_counter() - t0
        loop = b2.get_device()._last_run_time
        best, best_call = min(best, loop), min(best_call, call)
        rate = monitor.num_spikes / n / duration
    return {"per_second": best / duration, "call_overhead": best_call - best, "rate": rate}


def standalone_timing(n: int, p: float, duration: float, reps: int) -> dict:
    """Best-of-``reps`` seconds per simulated second of a C++ standalone build (changes the global device)."""
    directory = tempfile.mkdtemp(prefix="spikestudio-bench-standalone-")
    try:
        b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
        net, monitor = build(n, p)
        net.run(duration * b2.second)
        t0 = time.perf_counter()
        b2.device.build(directory=directory, compile=True, run=False)
        compile_time = time.perf_counter() - t0
        best = float("inf")
        for _ in range(reps):
            b2.device.run(directory=directory, with_output=False)
            best = min(best, b2.device._last_run_time)
        rate = monitor.num_spikes / n / duration
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return {"per_second": best / duration, "compile": compile_time, "rate": rate}


def main(argv: list[str]) -> None:
    n, duration, reps = int(argv[0]), float(argv[1]), int(argv[2])
    print(json.dumps(standalone_timing(n, 80.0 / n, duration, reps)))


if __name__ == "__main__":
    main(sys.argv[1:])
