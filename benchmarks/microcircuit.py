"""Potjans & Diesmann (2014) microcircuit: SpikeStudio beside NEST, run by hand.

Each simulator runs in its own process (so each peak memory is its own): SpikeStudio builds
``microcircuit(scale, k_scale)`` (resources/examples/microcircuit.py), NEST runs the same network from a spec this
script writes (``_nest_microcircuit.py`` in ``.venv-nest``, PyNEST as NEST's own example builds it), both for each
thread count. Printed: build time, peak resident memory, seconds per simulated second (after ``--warmup``), the
ratios NEST / SpikeStudio, and the per-population rates of each against the published ones. Never run by pytest::

    python benchmarks/microcircuit.py [--scale 1.0] [--k-scale S] [--threads 1 2] [--warmup 0.5] [--duration 1.0]
                                      [--seeds 2014 ...] [--nest-delays redraw|clip]
                                      [--nest-synapse-copies auto|source|projection|off] [--only spikestudio|nest|brian]
                                      [--timeout SECONDS] [--nest-python .venv-nest/bin/python]

The rates are counted after ``--warmup`` (NEST's example: 0.5 s of start-up transient). One network realisation
fires a few to 20 % away from another (different random wiring), so fidelity is judged on the mean over several
``--seeds`` (each seed is a new network for both simulators), each seed's rates printed too.

NEST 3.10 holds at most 134,217,726 connections per thread and synapse model, fewer than the full model's
0.3 billion synapses on 1 or 2 threads. ``--nest-synapse-copies`` (spec field ``synapse_copies``) gives each
source population (``source``: 8 models, at most 93 million synapses each at full scale) or each projection
(``projection``: 55 models) its own copy of ``static_synapse`` (same dynamics, same connections and spikes);
``auto`` (the default) uses ``source`` when the synapses per thread could come near the limit, so NEST runs the
full model on any thread count, and reduced scales stay as NEST's example builds them. The copies cost NEST a
little per step (benchmarks/README.md, "NEST at full scale"). ``--timeout`` stops a child that runs longer; a
NEST child stopped after building still reports its build time and memory (its first output line).

The network's ``threads`` setting is passed on to SpikeStudio. ``--brian`` adds Brian2's C++ standalone
(``_brian_microcircuit.py`` in ``--brian-python``, OpenMP for more than one thread; ``--only brian`` runs it
alone, ``--timeout`` stops it too). Its memory grows with the synapses: measured 0.97 GB for the C++ process and
0.76 GB for Python at 0.25 x (benchmarks/README.md, "Brian2 at full scale").
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GOALS = {"speed_vs_nest": 3.0, "rates": 0.10}
NEST_MAX_CONNECTIONS = 134_217_726  # per thread and synapse model (NEST 3.10: 27-bit local connection index)


def nest_needs_copies(n_synapses: int, threads: int) -> bool:
    """Whether one synapse model could overflow NEST's per-thread limit (threads hold uneven shares: 20 % margin)."""
    return n_synapses / threads > 0.8 * NEST_MAX_CONNECTIONS


def spec_of(net, warmup_ms: float, sim_ms: float, threads: int, delay_bound: str = "redraw",
            synapse_copies: str = "auto") -> dict:
    """The network as plain numbers for the NEST and Brian2 scripts (one description for every simulator).

    ``synapse_copies`` ("auto", "source", "projection", "off"): whether NEST connects each source population or each
    projection through its own synapse model (``auto``: per source population when one model could overflow).
    """
    from spikestudio.resources.examples.microcircuit import BG_RATE

    pops = {}
    for pid, pop in net.populations.items():
        p, v0 = pop.params, pop.initial["v"]
        pops[pid] = {"size": pop.size, "tau_m": p["tau_m"], "C_m": p["C_m"], "E_L": p["E_L"], "V_th": p["V_th"],
                     "V_reset": p["V_reset"], "t_ref": p["t_ref"], "I_e": p["I_e"], "tau_syn": 0.5,
                     "v0_mean": v0.mean, "v0_std": v0.std}
    projections, background = [], []
    for proj in net.projections.values():
        if proj.source in net.populations:
            projections.append({"source": proj.source, "target": proj.target, "n": int(proj.rule_params["n"]),
                                "excitatory": proj.synapse.receptor == "excitatory",
                                "w_mean": proj.weight.mean, "w_std": proj.weight.std,
                                "d_mean": proj.delay.mean, "d_std": proj.delay.std})
        else:
            background.append({"target": proj.target, "rate": net.inputs[proj.source].rate,
                               "weight": proj.weight.value, "delay": proj.delay.value})
    if synapse_copies == "auto":
        synapse_copies = "source" if nest_needs_copies(sum(c["n"] for c in projections), threads) else "off"
    return {"dt": net.dt, "seed": int(net.seed), "threads": threads, "warmup_ms": warmup_ms, "sim_ms": sim_ms,
            "populations": pops, "projections": projections, "background": background, "delay_bound": delay_bound,
            "bg_rate": BG_RATE,
            "synapse_copies": False if synapse_copies == "off" else synapse_copies}


def run_spikestudio(args) -> dict:
    """Child process: build, warm up, time the run; one JSON line on stdout."""
    import numpy as np
    import spikestudio
    from spikestudio.resources.examples.microcircuit import microcircuit

    net = microcircuit(args.scale, args.k_scale, args.seeds[0])
    threads_set = hasattr(net, "threads")
    if threads_set:
        net.threads = args.child_threads
    t0, c0 = time.perf_counter(), cpu_seconds()
    sim = spikestudio.Simulator(net, max_spikes=None)
    build_s, build_cpu = time.perf_counter() - t0, cpu_seconds() - c0
    t1 = time.perf_counter()
    sim.run(args.warmup)
    warm_s = time.perf_counter() - t1
    t2, c2 = time.perf_counter(), cpu_seconds()
    res = sim.run(args.duration)
    sim_s, sim_cpu = time.perf_counter() - t2, cpu_seconds() - c2
    rates = {}
    for pid, pop in net.populations.items():
        times, _ = res.spikes(pid)
        rates[pid] = int(np.count_nonzero(times >= args.warmup * 1000.0)) / pop.size / args.duration
    print(json.dumps({"build_s": build_s, "warmup_s": warm_s, "sim_s": sim_s, "threads_set": threads_set,
                      "build_cpu": build_cpu, "sim_cpu": sim_cpu,
                      "peak_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                      "synapses": int(sim.built.state.post.size), "rates": rates}))
    return {}


def cpu_seconds() -> float:
    """User + system CPU time of this process, every thread (the machine may be shared: wall time is not enough)."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def child(cmd: list[str], env: dict | None = None, timeout: float | None = None) -> dict:
    """Run one simulator; its last JSON line, with the load before and after. A child that fails or is stopped
    after printing a partial line (NEST's ``"stage": "built"``) returns that line with an ``error``."""
    load0 = os.getloadavg()[0]
    print(f"  $ {' '.join(cmd)}   (load {load0:.2f})", file=sys.stderr, flush=True)
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        stdout, stderr, code = out.stdout, out.stderr, out.returncode
    except subprocess.TimeoutExpired as stopped:
        as_text = (lambda b: b.decode() if isinstance(b, bytes) else (b or ""))
        stdout, stderr, code = as_text(stopped.stdout), f"stopped after {timeout:g} s (--timeout)", "timeout"
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    result = json.loads(lines[-1]) if lines else {}
    if code or "stage" in result:
        how = f"killed by signal {-code}" if isinstance(code, int) and code < 0 else f"exit {code}"
        result["error"] = [how] + (stderr.strip().splitlines()[-1:] or stdout.strip().splitlines()[-1:])
    result.update(load_before=load0, load_after=os.getloadavg()[0])
    print(f"    -> {json.dumps(result)}", file=sys.stderr, flush=True)
    return result


def fmt(x, spec="{:.2f}") -> str:
    return "n/a" if x is None else spec.format(x)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--k-scale", type=float, default=None)
    parser.add_argument("--threads", type=int, nargs="+", default=sorted({1, os.cpu_count() or 1}))
    parser.add_argument("--warmup", type=float, default=0.5, help="seconds simulated before timing and counting")
    parser.add_argument("--seeds", type=int, nargs="+", default=[2014], help="one network realisation each")
    parser.add_argument("--nest-delays", choices=["redraw", "clip"], default="redraw",
                        help="NEST's delays below one step: drawn again (its example) or clipped (SpikeStudio)")
    parser.add_argument("--nest-synapse-copies", choices=["auto", "source", "projection", "off"], default="auto",
                        help="a static_synapse copy per source population or projection in NEST (auto: source, "
                             "when its connection limit needs it)")
    parser.add_argument("--only", choices=["spikestudio", "nest", "brian"],
                        help="run one simulator (the others are skipped; brian implies --brian)")
    parser.add_argument("--timeout", type=float, default=None, help="stop a child simulator after this many s")
    parser.add_argument("--duration", type=float, default=1.0, help="seconds simulated and timed")
    parser.add_argument("--nest-python", default=os.environ.get("SPIKESTUDIO_NEST_PYTHON",
                                                                str(ROOT / ".venv-nest" / "bin" / "python")))
    parser.add_argument("--brian", action="store_true", help="also run Brian2's C++ standalone (needs g++)")
    parser.add_argument("--brian-python", default=os.environ.get("SPIKESTUDIO_BRIAN2_PYTHON",
                                                                 str(ROOT / ".venv-bench" / "bin" / "python")))
    parser.add_argument("--child", choices=["spikestudio"], help=argparse.SUPPRESS)
    parser.add_argument("--child-threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.brian = args.brian or args.only == "brian"
    if args.child:
        run_spikestudio(args)
        return 0

    sys.path.insert(0, str(ROOT.parent))
    from spikestudio.resources.examples.microcircuit import POPULATIONS, REFERENCE_RATES, microcircuit

    net = microcircuit(args.scale, args.k_scale)
    print(f"microcircuit, scale {args.scale:g}, k_scale {args.k_scale or args.scale:g}: "
          f"{sum(p.size for p in net.populations.values()):,} neurons; warm-up {args.warmup:g} s, timed "
          f"{args.duration:g} s; seeds {args.seeds}; NEST delays {args.nest_delays}, synapse copies "
          f"{args.nest_synapse_copies}; "
          f"load {os.getloadavg()[0]:.2f} at start", flush=True)
    rows = {}
    for threads in args.threads:
        rows[threads] = [run_pair(args, threads, seed) for seed in args.seeds]
        print(f"threads {threads}: load {os.getloadavg()[0]:.2f} after", flush=True)
    report(rows, args, POPULATIONS, REFERENCE_RATES)
    return 0


def run_pair(args, threads: int, seed: int) -> dict:
    """SpikeStudio and NEST on the network of one seed, each in a child process."""
    from spikestudio.resources.examples.microcircuit import microcircuit

    env = {**os.environ, "NUMBA_NUM_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    ours = ({"skipped": f"--only {args.only}"} if args.only in ("nest", "brian") else
            child([sys.executable, __file__, "--child", "spikestudio", "--child-threads", str(threads),
                   "--scale", str(args.scale), "--warmup", str(args.warmup), "--duration", str(args.duration),
                   "--seeds", str(seed)] + (["--k-scale", str(args.k_scale)] if args.k_scale else []), env,
                  args.timeout))
    net = microcircuit(args.scale, args.k_scale, seed)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        spec = spec_of(net, args.warmup * 1000.0, args.duration * 1000.0, threads, args.nest_delays,
                       args.nest_synapse_copies)
        json.dump(spec, f)
    print(f"  NEST synapse model copies: {spec['synapse_copies'] or 'none'}", flush=True)
    if args.only in ("spikestudio", "brian"):
        theirs = {"skipped": f"--only {args.only}"}
    elif not Path(args.nest_python).exists():
        theirs = {"skipped": f"no {args.nest_python}"}
    else:
        theirs = child([args.nest_python, str(HERE / "_nest_microcircuit.py"), f.name], env, args.timeout)
    row = {"SpikeStudio": ours, "NEST": theirs}
    if args.brian:
        row["Brian2"] = child([args.brian_python, str(HERE / "_brian_microcircuit.py"), f.name], env, args.timeout)
    os.unlink(f.name)
    print(f"  seed {seed}: " + "; ".join(f"{name} {short_rates(r)}" for name, r in row.items()), flush=True)
    return row


def short_rates(r: dict) -> str:
    return " ".join(f"{v:.2f}" for v in r["rates"].values()) if "rates" in r else str(r.get("error", r))


def mean_rates(runs: list[dict], name: str) -> dict | None:
    """Each population's rate averaged over the seeds that ran, or None when none did."""
    got = [run[name]["rates"] for run in runs if "rates" in run[name]]
    return {pop: sum(r[pop] for r in got) / len(got) for pop in got[0]} if got else None


def report(runs: dict, args, populations, reference) -> None:
    """Times and memory of the first seed's runs; rates averaged over the seeds."""
    rows = {t: runs[t][0] for t in runs}
    means = {t: {name: mean_rates(runs[t], name) for name in rows[t]} for t in runs}
    print(f"\n{'':22}" + "".join(f"{name + ' ' + str(t) + 't':>18}" for t in rows for name in rows[t]))
    for label, key, scale, spec in (("build (s)", "build_s", 1, "{:.1f}"), ("peak memory (GB)", "peak_bytes", 1e-9,
                                                                             "{:.2f}"),
                                    ("s per simulated s", "sim_s", 1 / args.duration, "{:.2f}"),
                                    ("build CPU (s)", "build_cpu", 1, "{:.1f}"),
                                    ("CPU s per sim. s", "sim_cpu", 1 / args.duration, "{:.2f}")):
        cells = []
        for t in rows:
            for r in rows[t].values():
                cells.append(fmt(r[key] * scale if key in r else None, spec))
        print(f"{label:22}" + "".join(f"{c:>18}" for c in cells))
    for t in rows:
        ours, theirs = rows[t]["SpikeStudio"], rows[t]["NEST"]
        if "sim_s" in ours and "sim_s" in theirs:
            speed = theirs["sim_s"] / ours["sim_s"]
            cpu = theirs["sim_cpu"] / ours["sim_cpu"]
            print(f"{t} thread(s): NEST / SpikeStudio CPU time per simulated second {cpu:.2f}x")
            mem = theirs["peak_bytes"] / ours["peak_bytes"]
            print(f"{t} thread(s): NEST / SpikeStudio time {speed:.2f}x (goal >= {GOALS['speed_vs_nest']:g}x: "
                  f"{'met' if speed >= GOALS['speed_vs_nest'] else 'missed'}), memory {mem:.2f}x (goal >= 1: "
                  f"{'met' if mem >= 1 else 'missed'}), build {theirs['build_s'] / ours['build_s']:.2f}x")
        for name, r in rows[t].items():
            if "error" in r or "skipped" in r:
                print(f"{t} thread(s) {name}: {r.get('error') or r.get('skipped')}")
    title = f"rates (Hz), {len(args.seeds)} seed(s)"
    print(f"\n{title:30} {'published':>10}" + "".join(f"{n + ' ' + str(t) + 't':>18}" for t in rows for n in rows[t]))
    worst = {}
    for k, pop in enumerate(populations):
        cells = []
        for t in rows:
            for name, r in means[t].items():
                rate = (r or {}).get(pop)
                if rate is not None:
                    dev = rate / reference[k] - 1
                    worst[name] = max(worst.get(name, 0.0), abs(dev))
                    cells.append(f"{rate:.3f} ({dev:+.0%})")
                else:
                    cells.append("n/a")
        print(f"{pop:30} {reference[k]:10.3f}" + "".join(f"{c:>18}" for c in cells))
    for name, w in worst.items():
        print(f"{name}: largest deviation from the published rates {w:.0%} (goal <= {GOALS['rates']:.0%}: "
              f"{'met' if w <= GOALS['rates'] else 'missed'})")
    for t in rows:
        for other in ("NEST", "Brian2"):
            a, b = means[t]["SpikeStudio"], means[t].get(other)
            if a and b:
                dev = max(abs(a[p] / b[p] - 1) for p in populations if b[p] > 0)
                print(f"{t} thread(s): largest SpikeStudio / {other} rate difference {dev:.0%} (goal <= 10%: "
                      f"{'met' if dev <= GOALS['rates'] else 'missed'})")


if __name__ == "__main__":
    sys.exit(main())
