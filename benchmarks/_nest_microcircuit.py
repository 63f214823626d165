"""The microcircuit in PyNEST, from the spec benchmarks/microcircuit.py writes (run in .venv-nest, never by pytest).

Usage: ``python _nest_microcircuit.py SPEC.json`` prints one JSON line: build and simulation times, peak memory
and per-population rates. The network is NEST's own example's (``pynest/examples/Potjans_2014``): iaf_psc_exp
populations, fixed_total_number connections with normal weights and delays redrawn into range, one Poisson
generator per population connected all_to_all (independent trains per target). With ``"delay_bound": "clip"``
in the spec, delays below one step are clipped to it (as SpikeStudio draws them) instead of drawn again.

With ``"synapse_copies": "projection"`` each projection connects through its own copy of ``static_synapse``
(``nest.CopyModel``, identical dynamics), with ``"source"`` each source population's projections share one copy.
Why: NEST 3.10 stores at most 134,217,726 connections per virtual process (thread) and synapse model (a 27-bit
local connection index), so the full model's 0.3 billion synapses on 1 or 2 threads in one model fail with
``KernelException: Too many connections``; split over the models every (thread, model) pair stays under the limit
(per source population at most 93 million at full scale). The copies change no connection nor spike (same draws);
each model costs NEST a little time per step. The background generators keep ``static_synapse`` (77,169 edges).

The recorders are created after all the neurons (as NEST's example does): a device between two populations
breaks the regular layout of node ids over threads that NEST's node lookup relies on, and on 2 threads the full
model's connecting then spent 92 % of its time in ``SparseNodeArray::get_node_by_node_id`` (9.4 GB after 10 min,
against 15 GB in 2.5 min on 1 thread).

A JSON line (``"stage": "built"``, then ``"warmed up"``) is printed as soon as the network is built and again
after the warm-up, so a run stopped during the simulation still reports its build time, memory and warm-up time.
"""

import json
import resource
import sys
import time

import nest


def cpu_seconds():
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def main(path):
    spec = json.load(open(path))
    t0, c0 = time.perf_counter(), cpu_seconds()
    nest.ResetKernel()
    nest.set_verbosity("M_ERROR")
    nest.SetKernelStatus({"resolution": spec["dt"], "local_num_threads": spec["threads"], "rng_seed": spec["seed"],
                          "print_time": False})
    pops, recorders = {}, {}
    for name, p in spec["populations"].items():
        pop = nest.Create("iaf_psc_exp", p["size"])
        pop.set({"tau_m": p["tau_m"], "C_m": p["C_m"], "E_L": p["E_L"], "V_th": p["V_th"], "V_reset": p["V_reset"],
                 "t_ref": p["t_ref"], "I_e": p["I_e"], "tau_syn_ex": p["tau_syn"], "tau_syn_in": p["tau_syn"]})
        pop.set(V_m=nest.random.normal(mean=p["v0_mean"], std=p["v0_std"]))
        pops[name] = pop
    for name, pop in pops.items():  # devices after every neuron, as NEST's example: see the docstring
        rec = nest.Create("spike_recorder", params={"start": spec["warmup_ms"]})
        nest.Connect(pop, rec)
        recorders[name] = rec
    dt = spec["dt"]
    copies = spec.get("synapse_copies", False)
    models = set()
    for c in spec["projections"]:
        sign = 1.0 if c["excitatory"] else -1.0
        weight = nest.random.normal(mean=sign * c["w_mean"], std=c["w_std"])
        weight = nest.math.redraw(weight, min=0.0, max=float("inf")) if sign > 0 else nest.math.redraw(
            weight, min=-float("inf"), max=0.0)
        delay = nest.random.normal(mean=c["d_mean"], std=c["d_std"])
        if spec.get("delay_bound", "redraw") == "clip":  # SpikeStudio's clipping, for comparison
            delay = nest.math.max(delay, dt)
        else:  # NEST's example: draws below one step are drawn again
            delay = nest.math.redraw(delay, min=dt - 0.5 * dt, max=float("inf"))
        model = "static_synapse"
        if copies:  # keeps each (thread, model) under NEST's connection limit
            model = f"static_{c['source']}" + (f"_{c['target']}" if copies == "projection" else "")
            if model not in models:
                nest.CopyModel("static_synapse", model)
        models.add(model)
        nest.Connect(pops[c["source"]], pops[c["target"]], {"rule": "fixed_total_number", "N": c["n"]},
                     {"synapse_model": model, "weight": weight, "delay": delay})
    for b in spec["background"]:
        gen = nest.Create("poisson_generator", params={"rate": b["rate"]})
        nest.Connect(gen, pops[b["target"]], "all_to_all",
                     {"synapse_model": "static_synapse", "weight": b["weight"], "delay": b["delay"]})
    nest.Prepare()
    build_s, build_cpu = time.perf_counter() - t0, cpu_seconds() - c0
    n_syn = nest.GetKernelStatus("num_connections")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    built = {"build_s": build_s, "build_cpu": build_cpu, "peak_bytes": peak, "synapses": n_syn,
             "synapse_models": len(models)}
    print(json.dumps({"stage": "built", **built}), flush=True)
    t1, c1 = time.perf_counter(), cpu_seconds()
    nest.Run(spec["warmup_ms"])
    warm_s, warm_cpu = time.perf_counter() - t1, cpu_seconds() - c1
    print(json.dumps({"stage": "warmed up", **built, "warmup_s": warm_s, "warmup_cpu": warm_cpu}), flush=True)
    t2, c2 = time.perf_counter(), cpu_seconds()
    nest.Run(spec["sim_ms"])
    sim_s, sim_cpu = time.perf_counter() - t2, cpu_seconds() - c2
    nest.Cleanup()
    rates = {}
    for name, rec in recorders.items():
        times = rec.get("events")["times"]
        rates[name] = len(times) / spec["populations"][name]["size"] / (spec["sim_ms"] / 1000.0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"build_s": build_s, "warmup_s": warm_s, "warmup_cpu": warm_cpu, "sim_s": sim_s,
                      "peak_bytes": peak, "build_cpu": build_cpu, "sim_cpu": sim_cpu,
                      "synapses": n_syn, "synapse_models": len(models), "rates": rates,
                      "version": nest.__version__}))


if __name__ == "__main__":
    main(sys.argv[1])
