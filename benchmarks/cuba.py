"""CUBA benchmark: SpikeStudio against Brian2 and a hand-written numba loop, single-threaded, in one invocation.

The Vogels & Abbott (2005) current-based network is loaded from the bundled example file through the public
API (``spikestudio.load``), scaled to N neurons with 80 synapses per neuron (p = 80 / N) and simulated. Printed:

* per N: SpikeStudio build time (load + scale + ``Simulator``), run time per simulated second (warm compile
  cache, first call excluded), a hand-written numba loop for this one network, Brian2's Cython runtime target
  (second ``run()`` call: its main loop, and main loop plus per-call set-up as the reference figures were
  taken) and the ratios Brian2 / SpikeStudio; mean rates of all three;
* "press run to first simulated second" of the example file in fresh processes with a cold (empty) and a warm
  numba cache;
* optionally (``--standalone``) Brian2 C++ standalone at the smallest N;
* the spec's goals, met or missed, next to the reference figures measured earlier on the 2-core dev machine.

Every timing is the best of ``--reps`` repetitions (the machine may be busy). Run by hand, never by pytest::

    python benchmarks/cuba.py [--sizes 4000 16000 64000] [--duration 1.0] [--standalone]
"""

from __future__ import annotations

import os
import tempfile

# Single-threaded everywhere; set before numba (or anything using OpenMP/BLAS) is imported.
for _var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
# Keep this benchmark's compiled kernels apart from the package's own cache (other checkouts, other numba versions).
os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(tempfile.gettempdir(), "spikestudio-bench-numba-cache"))

import argparse  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from importlib import resources  # noqa: E402
from pathlib import Path  # noqa: E402

import numba  # noqa: E402
import numpy as np  # noqa: E402
import spikestudio  # noqa: E402
from spikestudio.engine.kernels.aligned import aligned_copy, aligned_zeros  # noqa: E402

HERE = Path(__file__).resolve().parent
SYNAPSES_PER_NEURON = 80
STABLE_STEPS_N = 16_000  # below this size the timed run is lengthened to ~ N = 16,000 work for stable timing

# Figures measured earlier on the 2-core development machine (seconds per simulated second).
REFERENCE = {
    "brian2_cython": {4000: 0.33, 64000: 2.0},
    "brian2_standalone": {4000: 0.07},
    "hand_numba": {4000: 0.026, 64000: 0.66},
}
GOALS = {"vs_cython_small": 8.0, "vs_cython_small_stretch": 12.0, "vs_hand": 1.2, "vs_cython_large": 2.5,
         "press_run_warm": 0.5, "press_run_cold": 5.0}
RATE_TOLERANCE = 0.15


# --- the network --------------------------------------------------------------------------------------


def example_path() -> Path:
    """The bundled CUBA example file, as installed with the package."""
    return Path(str(resources.files("spikestudio.resources.examples").joinpath("cuba.json")))


def scale(net, n: int):
    """Resize every population in proportion to reach ``n`` neurons and keep the synapses per neuron constant."""
    n0 = sum(pop.size for pop in net.populations.values())
    for pop in net.populations.values():
        pop.size = int(round(pop.size * n / n0))
    for proj in net.projections.values():
        if proj.rule == "fixed_probability":
            proj.rule_params["p"] = min(1.0, proj.rule_params["p"] * n0 / n)
    return net


def load_scaled(path: Path, n: int):
    """Load the example through the public API, as a user would, and scale it to ``n`` neurons."""
    return scale(spikestudio.load(path), n)


def timed_duration(n: int, duration: float) -> float:
    """Simulated seconds per timed run: ``duration``, longer for small N so each timing is not too short."""
    return duration * max(1.0, STABLE_STEPS_N / n)


def best_of(reps: int, func) -> tuple[float, object]:
    """(smallest wall time, last result) of ``reps`` calls of ``func``."""
    best, result = float("inf"), None
    for _ in range(reps):
        t0 = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - t0)
    return best, result


# --- SpikeStudio --------------------------------------------------------------------------------------


def spikestudio_timing(path: Path, n: int, duration: float, reps: int) -> dict:
    """Build time, run time per simulated second (after a warm-up run) and mean rate over all neurons."""
    build, sim = best_of(reps, lambda: spikestudio.Simulator(load_scaled(path, n)))
    sim.run(0.01)  # loads (or compiles) the kernel: not part of the timing
    run, res = best_of(reps, lambda: _fresh_run(sim, duration))
    spikes = sum(int(res.spike_counts(pid).sum()) for pid in sim.network.populations)
    return {"build": build, "per_second": run / duration, "rate": spikes / n / duration,
            "synapses": int(sim.built.state.post.size)}


def _fresh_run(sim, duration: float):
    sim.reset()
    return sim.run(duration)


# --- press run to first simulated second (fresh processes) ---------------------------------------------

PRESS_RUN = """
import json, sys, time
import spikestudio
t0 = time.perf_counter()
load, Simulator = spikestudio.load, spikestudio.Simulator  # the engine (and numba) is imported on first use
t1 = time.perf_counter()
net = load(sys.argv[1])
t2 = time.perf_counter()
sim = Simulator(net)
t3 = time.perf_counter()
sim.run(1.0)
t4 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "load": t2 - t1, "build": t3 - t2, "run": t4 - t3, "total": t4 - t0}))
"""


def press_run(path: Path, cache_dir: str) -> dict:
    """One fresh process: lazy engine import, load, Simulator, run(1.0), with numba's cache in ``cache_dir``."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    out = subprocess.run([sys.executable, "-c", PRESS_RUN, str(path)], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"press-run subprocess failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def press_run_timing(path: Path, reps: int) -> dict:
    """Best-of-``reps`` cold (new empty cache) and warm (the same cache again) press-run timings."""
    cold, warm = [], []
    for _ in range(reps):
        cache = tempfile.mkdtemp(prefix="spikestudio-bench-cold-")
        try:
            cold.append(press_run(path, cache))
            warm.append(press_run(path, cache))
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    return {"cold": min(cold, key=lambda r: r["total"]), "warm": min(warm, key=lambda r: r["total"]),
            "slowest": {kind: max(r["build"] + r["run"] for r in runs)
                        for kind, runs in (("cold", cold), ("warm", warm))}}


# --- the hand-written reference loop -------------------------------------------------------------------


@numba.njit(cache=True, nogil=True)
def cuba_loop(v, ge, gi, ref, rowptr, post, n_exc, n_steps, prop, vt, vr, we, wi, ref_steps):
    """CUBA for ``n_steps`` steps: exact integration (Brian2 units: ge, gi in mV), CSR by source; spike count."""
    p22, p21e, p21i, de, di, rest = prop[0], prop[1], prop[2], prop[3], prop[4], prop[5]
    n = v.shape[0]
    spikes = np.empty(n, np.int64)
    total = 0
    for _ in range(n_steps):
        for i in range(n):  # branch-free, so it vectorises
            r = ref[i]
            x = rest + p22 * v[i] + p21e * ge[i] + p21i * gi[i]
            ge[i] *= de
            gi[i] *= di
            v[i] = x if r <= 0 else vr
            ref[i] = r - 1 if r > 0 else 0
        n_spk = 0
        for i in range(n):
            if v[i] > vt:
                v[i] = vr
                ref[i] = ref_steps
                spikes[n_spk] = i
                n_spk += 1
        for k in range(n_spk):
            j = spikes[k]
            if j < n_exc:
                for q in range(rowptr[j], rowptr[j + 1]):
                    ge[post[q]] += we
            else:
                for q in range(rowptr[j], rowptr[j + 1]):
                    gi[post[q]] += wi
        total += n_spk
    return total


def hand_network(n: int, seed: int = 1) -> dict:
    """Random CSR connectivity (p = 80 / n, rows sorted), initial v and the exact propagators at dt = 0.1 ms."""
    rng = np.random.default_rng(seed)
    counts = rng.binomial(n, SYNAPSES_PER_NEURON / n, size=n)
    rows = np.repeat(np.arange(n), counts)
    post = rng.integers(0, n, size=rows.size).astype(np.int32)
    post = post[np.lexsort((post, rows))]
    dt, taum, taue, taui, el = 0.1, 20.0, 5.0, 10.0, -49.0
    p22 = np.exp(-dt / taum)

    def p21(tau):
        return tau / (tau - taum) * (np.exp(-dt / tau) - p22)

    prop = np.array([p22, p21(taue), p21(taui), np.exp(-dt / taue), np.exp(-dt / taui), el * (1.0 - p22)])
    return {"rowptr": np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), "post": post, "prop": prop,
            "v0": rng.uniform(-60.0, -50.0, n), "n_exc": int(round(0.8 * n))}


def hand_run(net: dict, steps: int) -> int:
    """The hand-written loop on cache-line aligned arrays (its best case: misaligned, it runs up to 20 % slower)."""
    n = net["v0"].size
    v, ge, gi, ref = aligned_copy(net["v0"]), aligned_zeros(n), aligned_zeros(n), aligned_zeros(n, np.int64)
    return cuba_loop(v, ge, gi, ref, net["rowptr"], net["post"], net["n_exc"], steps, net["prop"],
                     -50.0, -60.0, 1.62, -9.0, 50)


def hand_timing(n: int, duration: float, reps: int) -> dict:
    """Run time per simulated second and mean rate of the hand-written loop (compiled first)."""
    net = hand_network(n)
    hand_run(net, 10)  # compile or load from cache
    run, spikes = best_of(reps, lambda: hand_run(net, int(round(duration * 10_000))))
    return {"per_second": run / duration, "rate": spikes / n / duration}


# --- Brian2 ----------------------------------------------------------------------------------------------


def brian2_available() -> bool:
    try:
        import brian2  # noqa: F401
    except ImportError:
        return False
    return True


def brian2_cython_timing(n: int, duration: float, reps: int) -> dict:
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    from _brian_cuba import cython_timing

    return cython_timing(n, SYNAPSES_PER_NEURON / n, duration, reps)


def brian2_standalone_timing(n: int, duration: float, reps: int) -> dict:
    """C++ standalone in a subprocess (``set_device`` is global); ``{"error": reason}`` when it fails here."""
    cmd = [sys.executable, str(HERE / "_brian_cuba.py"), str(n), repr(duration), str(reps)]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- report ------------------------------------------------------------------------------------------


def fmt(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def brian2_one_second(b2: dict | None) -> float | None:
    """Wall time of a second ``run(1*second)`` call: the main loop plus the set-up every call pays.

    This is how the reference figures (0.33 s at N = 4,000) were taken.
    """
    return None if b2 is None else b2["per_second"] + b2["call_overhead"]


def print_table(rows: list[dict]) -> None:
    head = (f"{'N':>7} {'synapses':>10} {'SS build':>9} {'SS run':>8} {'hand':>8} {'SS/hand':>8} {'B2 cy':>8} "
            f"{'B2/SS':>7} {'B2 1s':>7} {'B2 1s/SS':>8} {'ref B2':>7} {'ref hand':>8} {'rate SS':>8} "
            f"{'rate hand':>9} {'rate B2':>8} {'B2 ovh':>7}")
    print(head)
    print("-" * len(head))
    for r in rows:
        n, ss, hand, b2 = r["n"], r["ss"], r["hand"], r.get("b2")
        print(f"{n:>7,} {ss['synapses']:>10,} {fmt(ss['build'], 2):>9} {fmt(ss['per_second']):>8} "
              f"{fmt(hand['per_second']):>8} {fmt(ratio(ss['per_second'], hand['per_second']), 2):>8} "
              f"{fmt(b2 and b2['per_second']):>8} {fmt(ratio(b2 and b2['per_second'], ss['per_second']), 1):>7} "
              f"{fmt(brian2_one_second(b2)):>7} {fmt(ratio(brian2_one_second(b2), ss['per_second']), 1):>8} "
              f"{fmt(REFERENCE['brian2_cython'].get(n), 2):>7} {fmt(REFERENCE['hand_numba'].get(n)):>8} "
              f"{fmt(ss['rate'], 2):>8} {fmt(hand['rate'], 2):>9} {fmt(b2 and b2['rate'], 2):>8} "
              f"{fmt(b2 and b2['call_overhead'], 2):>7}")
    print("times: seconds per simulated second (run) or seconds (build); rates: Hz over all neurons; "
          "B2 cy = Brian2 Cython main loop;\nB2 ovh = Brian2 set-up per run() call, excluded from B2 cy; "
          "B2 1s = B2 cy + B2 ovh, a second run(1*second) call as the reference figures were measured;\n"
          "ref = figures measured earlier on this machine")


def print_press_run(press: dict) -> None:
    print("\nPress run to first simulated second (example file, fresh process, seconds):")
    print(f"{'cache':>6} {'import':>7} {'load':>7} {'build':>7} {'run 1 s':>8} {'press run':>10} {'from launch':>12}")
    for kind in ("cold", "warm"):
        r = press[kind]
        print(f"{kind:>6} {r['import']:>7.3f} {r['load']:>7.3f} {r['build']:>7.3f} {r['run']:>8.3f} "
              f"{r['build'] + r['run']:>10.3f} {r['total']:>12.3f}")
    print("press run = build + run 1 s: what pressing Run costs in the open app (engine imported, file loaded),\n"
          "numba's first-use set-up and kernel loading or compiling included; from launch adds the engine's\n"
          "import (numpy, numba) and reading the file. Slowest press run of the repetitions: "
          f"cold {press['slowest']['cold']:.3f} s, warm {press['slowest']['warm']:.3f} s")


def check(label: str, ok: bool | None, detail: str) -> str:
    mark = "n/a   " if ok is None else ("MET   " if ok else "MISSED")
    return f"  [{mark}] {label}: {detail}"


def goal_lines(rows: list[dict], press: dict | None, standalone: dict | None) -> list[str]:
    """The spec's goals, each judged on the figures measured in this run."""
    by_n = {r["n"]: r for r in rows}
    lines = []
    small, large = by_n.get(4000), by_n.get(64000)
    if small:
        ss = small["ss"]["per_second"]
        b2 = small.get("b2")
        cy = ratio(brian2_one_second(b2), ss)
        ref = (f"{fmt(cy, 1)}x against a second run(1 s) call, {fmt(ratio(b2 and b2['per_second'], ss), 1)}x "
               f"against its main loop alone (vs the reference {REFERENCE['brian2_cython'][4000]} s: "
               f"{REFERENCE['brian2_cython'][4000] / ss:.1f}x)")
        lines.append(check(f"N=4,000 >= {GOALS['vs_cython_small']:g}x faster than Brian2 Cython",
                           None if cy is None else cy >= GOALS["vs_cython_small"], ref))
        lines.append(check(f"N=4,000 stretch >= {GOALS['vs_cython_small_stretch']:g}x faster than Brian2 Cython",
                           None if cy is None else cy >= GOALS["vs_cython_small_stretch"], ref))
        sa = standalone.get("per_second") if standalone else None
        lines.append(check("N=4,000 faster than Brian2 C++ standalone", None if sa is None else ss < sa,
                           f"SpikeStudio {ss:.3f} vs standalone {fmt(sa)} s (ref "
                           f"{REFERENCE['brian2_standalone'][4000]})" + ("" if standalone else " [--standalone]")))
        hand = ratio(ss, small["hand"]["per_second"])
        lines.append(check(f"N=4,000 within {GOALS['vs_hand']:g}x of the hand-written numba loop",
                           hand <= GOALS["vs_hand"], f"{hand:.2f}x ({ss:.3f} vs {small['hand']['per_second']:.3f} s; "
                           f"ref hand {REFERENCE['hand_numba'][4000]})"))
    if large:
        b2 = large.get("b2")
        ss = large["ss"]["per_second"]
        cy = ratio(brian2_one_second(b2), ss)
        lines.append(check(f"N=64,000 >= {GOALS['vs_cython_large']:g}x faster than Brian2 Cython",
                           None if cy is None else cy >= GOALS["vs_cython_large"],
                           f"{fmt(cy, 1)}x against a second run(1 s) call, "
                           f"{fmt(ratio(b2 and b2['per_second'], ss), 1)}x against its main loop alone "
                           f"(vs the reference {REFERENCE['brian2_cython'][64000]} s: "
                           f"{REFERENCE['brian2_cython'][64000] / ss:.1f}x)"))
    if press:
        for kind in ("warm", "cold"):
            r, goal = press[kind], GOALS[f"press_run_{kind}"]
            pressed = r["build"] + r["run"]
            lines.append(check(f"press run to first second, {kind} cache < {goal:g} s", pressed < goal,
                               f"{pressed:.2f} s ({r['total']:.2f} s from launch, import included)"))
    return lines


def rate_lines(rows: list[dict]) -> list[str]:
    lines = []
    for r in rows:
        ss = r["ss"]["rate"]
        for name, other in (("Brian2", r.get("b2")), ("hand loop", r["hand"])):
            if other:
                d = abs(ss - other["rate"]) / other["rate"]
                lines.append(check(f"N={r['n']:,} mean rate SpikeStudio vs {name} within "
                                   f"{RATE_TOLERANCE:.0%}", d <= RATE_TOLERANCE,
                                   f"{ss:.2f} vs {other['rate']:.2f} Hz ({d:.1%})"))
    return lines


# --- main --------------------------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[4000, 16000, 64000], help="network sizes N")
    ap.add_argument("--duration", type=float, default=1.0,
                    help=f"simulated seconds per timed run (longer for N < {STABLE_STEPS_N:,})")
    ap.add_argument("--reps", type=int, default=3, help="repetitions per timing (the best is reported)")
    ap.add_argument("--standalone", action="store_true", help="also time Brian2 C++ standalone at the smallest N")
    ap.add_argument("--no-brian2", action="store_true", help="skip Brian2 even when it is installed")
    ap.add_argument("--no-press-run", action="store_true", help="skip the cold/warm press-run subprocesses")
    ap.add_argument("--example", type=Path, default=None, help="network file (default: the bundled cuba.json)")
    return ap.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    path = args.example or example_path()
    use_b2 = not args.no_brian2 and brian2_available()
    print(f"CUBA benchmark: {path.name}, {SYNAPSES_PER_NEURON} synapses per neuron, single thread, best of "
          f"{args.reps}; numba {numba.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
          + ("" if use_b2 else "; Brian2 not installed (pip install -e '.[bench]')"))
    rows = []
    for n in args.sizes:
        d = timed_duration(n, args.duration)
        row = {"n": n, "ss": spikestudio_timing(path, n, d, args.reps), "hand": hand_timing(n, d, args.reps)}
        if use_b2:
            row["b2"] = brian2_cython_timing(n, d, args.reps)
        rows.append(row)
        print(f"  measured N={n:,} ({d:g} simulated s per run)", flush=True)
    standalone = None
    if args.standalone and use_b2:
        n = min(args.sizes)
        standalone = brian2_standalone_timing(n, timed_duration(n, args.duration), args.reps)
    press = None if args.no_press_run else press_run_timing(path, args.reps)
    print()
    print_table(rows)
    if standalone:
        print(f"\nBrian2 C++ standalone, N={min(args.sizes):,}: " + (
            f"{standalone['per_second']:.3f} s per simulated second (main loop), rate {standalone['rate']:.2f} Hz, "
            f"compile {standalone['compile']:.1f} s"
            if "error" not in standalone else f"FAILED: {standalone['error']}"))
    if press:
        print_press_run(press)
    print("\nGoals:")
    print("\n".join(goal_lines(rows, press, standalone)))
    print("Rates (independent implementations of the same model):")
    print("\n".join(rate_lines(rows)))
    print(f"Load average at the end: {os.getloadavg()[0]:.1f} (other processes slow every figure down)")


if __name__ == "__main__":
    main()
