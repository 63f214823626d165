"""The microcircuit in Brian2's C++ standalone mode, from the spec benchmarks/microcircuit.py writes (run in
.venv-bench, never by pytest; needs g++).

Usage: ``python _brian_microcircuit.py SPEC.json`` prints one JSON line like ``_nest_microcircuit.py``. The same
model: LIF with exponential current synapses integrated exactly, fixed total numbers of synapses drawn
independently (multapses), normal weights clipped at 0, normal delays clipped at one step (as SpikeStudio; NEST
draws again), Poisson background as K_ext independent 8 Hz inputs per neuron (``PoissonInput``, binomial counts
per step). A current jumps at the end of the step its spike arrives in, as in NEST and SpikeStudio. Times are
Brian2's own measure of its main loop (warm-up and timed part together, scaled to the timed part); the C++
process's memory and CPU are those of the child process Brian2 starts (the peak of every child, the compiler's
included: when the compiler's was the larger, the run's is only bounded by it).
"""

import gc
import json
import resource
import shutil
import sys
import tempfile
import time

import brian2 as b2
import numpy as np

EQUATIONS = """
dv/dt = (E_L - v) / tau_m + (I_syn + I_e) / C_m : volt (unless refractory)
dI_syn/dt = -I_syn / tau_syn : amp
tau_m : second (constant)
C_m : farad (constant)
E_L : volt (constant)
I_e : amp (constant)
tau_syn : second (constant)
"""


def children_usage():
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime, use.ru_maxrss * 1024


def build(spec, directory):
    """The network, set up for ``directory``; returns the spike monitors by population."""
    dt = spec["dt"]
    threads = spec["threads"]
    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = threads if threads > 1 else 0
    # Brian2's default is ``make -j`` with no limit: one compiler per synapse object (two per projection here),
    # a few hundred at once, which swamps a shared machine. One at a time.
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = ["-j1"]
    b2.defaultclock.dt = dt * b2.ms
    b2.seed(spec["seed"])
    rng = np.random.default_rng(spec["seed"])
    groups, monitors = {}, {}
    for name, p in spec["populations"].items():
        # SpikeStudio and NEST clamp round(t_ref / dt) steps after the spike step; Brian2 one step fewer.
        t_ref = (round(p["t_ref"] / dt) + 1) * dt
        g = b2.NeuronGroup(p["size"], EQUATIONS, threshold="v >= V_th", reset="v = V_reset",
                           refractory=t_ref * b2.ms, method="exact", name=f"pop_{name}",
                           namespace={"V_th": p["V_th"] * b2.mV, "V_reset": p["V_reset"] * b2.mV})
        g.tau_m, g.C_m, g.E_L = p["tau_m"] * b2.ms, p["C_m"] * b2.pF, p["E_L"] * b2.mV
        g.I_e, g.tau_syn = p["I_e"] * b2.pA, p["tau_syn"] * b2.ms
        g.v = f"({p['v0_mean']} + {p['v0_std']} * randn()) * mV"
        groups[name] = g
        monitors[name] = b2.SpikeMonitor(g)
    synapses = []
    for k, c in enumerate(spec["projections"]):
        src, tgt = groups[c["source"]], groups[c["target"]]
        sign = "" if c["excitatory"] else "-"
        s = b2.Synapses(src, tgt, model="w : amp (constant)", on_pre=f"I_syn_post += {sign}w", name=f"syn_{k}")
        s.connect(i=rng.integers(0, len(src), c["n"]), j=rng.integers(0, len(tgt), c["n"]))
        s.w = f"clip({c['w_mean']} + {c['w_std']} * randn(), 0, inf) * pA"
        s.delay = f"clip({c['d_mean']} + {c['d_std']} * randn(), {dt}, inf) * ms"
        synapses.append(s)
    background = []
    for b in spec["background"]:
        k_ext = int(round(b["rate"] / spec["bg_rate"]))
        background.append(b2.PoissonInput(groups[b["target"]], "I_syn", k_ext, spec["bg_rate"] * b2.Hz,
                                          weight=f"{b['weight']} * pA"))
    net = b2.Network(*groups.values(), *monitors.values(), *synapses, *background)
    net.run((spec["warmup_ms"] + spec["sim_ms"]) * b2.ms)
    return monitors


def main(path):
    spec = json.load(open(path))
    directory = tempfile.mkdtemp(prefix="spikestudio-brian-microcircuit-")
    try:
        t0 = time.perf_counter()
        monitors = build(spec, directory)
        b2.device.build(directory=directory, compile=True, run=False)
        build_s = time.perf_counter() - t0
        cpu0, compile_peak = children_usage()  # g++ ran as a child too: its peak is a floor of what follows
        # The synapse indices are on disk now (static_arrays/): this process need not hold them while the C++
        # process runs. Brian2 keeps three copies (the static arrays, the code object's arrays and its cache of
        # _synaptic_pre/_post: 32 bytes a synapse, 9.6 GB at full scale, measured); a cache entry of None is read
        # back from the results when asked for, as after any run.
        b2.device.static_arrays.clear()
        for var in list(b2.device.array_cache):
            b2.device.array_cache[var] = None
        gc.collect()
        t1 = time.perf_counter()
        b2.device.run(directory=directory, with_output=False)
        run_wall = time.perf_counter() - t1
        cpu1, child_peak = children_usage()
        share = spec["sim_ms"] / (spec["warmup_ms"] + spec["sim_ms"])
        rates = {}
        for name, mon in monitors.items():
            t = np.asarray(mon.t / b2.ms)
            rates[name] = int(np.count_nonzero(t >= spec["warmup_ms"])) / spec["populations"][name]["size"] / (
                spec["sim_ms"] / 1000.0)
        own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(json.dumps({"build_s": build_s, "sim_s": b2.device._last_run_time * share, "run_wall_s": run_wall,
                          "sim_cpu": (cpu1 - cpu0) * share, "peak_bytes": max(child_peak, own_peak),
                          "python_peak_bytes": own_peak, "run_peak_is_upper_bound": child_peak <= compile_peak,
                          "rates": rates, "version": b2.__version__}))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1])
