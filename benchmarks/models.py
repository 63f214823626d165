"""Models as equations, speed: generated against hand-written code, compile times, pressing Run. Run by hand.

Printed side by side in one run:

* CUBA at each N with the hand-written LIF kernel and with its populations switched to the LIF written as
  equations (generated code), timed in turn in one process (hand, generated, hand, ...; best of ``--reps``):
  seconds per simulated second, the ratio, whether the spike trains are identical;
* the compile time of each built-in neuron model and of each test-only model (``tests/data/models/*.model``):
  a population of it driven by a Poisson input, built and run for 10 ms in a fresh process with an empty
  numba cache and an empty model cache ("cold process": numba's own first-use set-up included), and one after
  another in a single process that has compiled a LIF network first, and the loop for models from equations
  that ``make`` compiles at install (``warmup.equation_networks``, where the code has it) ("open app": what a
  new model costs once the app has compiled something);
* pressing Run (build and simulate the first second) on CUBA, built-in and from equations, in a fresh process
  with empty caches, then again with the caches it filled (best of ``--reps``), and a second press in the
  same process.

    python benchmarks/models.py [--sizes 4000 64000] [--duration 1] [--reps 5] [--compile-reps 1]
                                [--models lif izhikevich ...] [--skip-compile]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cuba  # noqa: E402 - sets single-threaded numba and the benchmark's numba cache before numba is imported

MODELS = HERE.parent / "tests" / "data" / "models"

COMPILE = r"""
import json, sys, time
t0 = time.perf_counter()
import spikestudio
from spikestudio.engine.model.network import Network
t_import = time.perf_counter() - t0

def network(model, text):
    net = Network(dt=0.1, duration=100.0, seed=1)
    if text is not None:
        net.add_model("m", text)
        model = "m"
    net.add_poisson("drive", 20, rate=50.0)
    net.add_population("P", 100, model)
    net.connect("drive", "P", "fixed_probability", p=0.2, synapse="current")
    net.record_spikes("P")
    return net

def compile_time(model, text):
    # (wall, CPU) seconds of the first 10 ms run less those of the second: compiling the loop
    sim = spikestudio.Simulator(network(model, text))
    t, c = time.perf_counter(), time.process_time()
    sim.run(0.01)
    first, first_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    sim.run(0.01)
    return first - (time.perf_counter() - t), first_cpu - (time.process_time() - c)

jobs = json.loads(sys.argv[1])
out = {"import": t_import}
if len(jobs) > 1:
    out["warm-up"] = compile_time("lif", None)
    try:  # what `make` compiles at install for models from equations (absent from older code)
        from spikestudio.engine.simulation.warmup import equation_networks
    except ImportError:
        equation_networks = list
    t, c = time.perf_counter(), time.process_time()
    for net in equation_networks():
        spikestudio.Simulator(net).run(net.dt * 1e-3)
    out["equations warm-up"] = (time.perf_counter() - t, time.process_time() - c)
for name, model, text in jobs:
    out[name] = compile_time(model, text)
print(json.dumps(out))
"""

PRESS = r"""
import json, sys, time
t0 = time.perf_counter()
import spikestudio
net = spikestudio.load(sys.argv[1])
if sys.argv[2] != "-":
    net.add_model("lif_eq", sys.argv[2])
    for pop in net.populations.values():
        pop.model = "lif_eq"
t1 = time.perf_counter()
spikestudio.Simulator(net).run(1.0)
t2 = time.perf_counter()
spikestudio.Simulator(net).run(1.0)
t3 = time.perf_counter()
print(json.dumps({"launch": t1 - t0, "press": t2 - t1, "again": t3 - t2}))
"""


def fresh(script: str, args: list[str], caches: tuple[str, str]) -> dict:
    """Run ``script`` in a new interpreter with the numba and model caches in ``caches``; its JSON line."""
    env = dict(os.environ, NUMBA_CACHE_DIR=caches[0], SPIKESTUDIO_MODEL_CACHE=caches[1])
    out = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"subprocess failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


class EmptyCaches:
    """A new, empty numba cache folder and model cache folder, removed afterwards."""

    def __enter__(self) -> tuple[str, str]:
        self.root = tempfile.mkdtemp(prefix="spikestudio-bench-models-")
        return os.path.join(self.root, "numba"), os.path.join(self.root, "models")

    def __exit__(self, *exc):
        shutil.rmtree(self.root, ignore_errors=True)


def compile_jobs() -> list[tuple[str, str, str | None]]:
    """(label, model id, description text or None) for every built-in model and every test-only model."""
    from spikestudio.engine.model.catalog import NEURON_MODELS

    jobs = [(f"{m} (built-in)", m, None) for m in NEURON_MODELS]
    return jobs + [(f"{p.stem} (test data)", p.stem, p.read_text()) for p in sorted(MODELS.glob("*.model"))]


def compile_times(reps: int, only: list[str] | None) -> list[dict]:
    """Per model, the best of ``reps`` (wall, CPU) compile times cold and in an open app."""
    jobs = [j for j in compile_jobs() if not only or j[1] in only]
    cold = {j[0]: [] for j in jobs}
    app = {j[0]: [] for j in jobs + [("warm-up", None, None), ("equations warm-up", None, None)]}
    for _ in range(reps):
        for job in jobs:
            with EmptyCaches() as caches:
                cold[job[0]].append(fresh(COMPILE, [json.dumps([job])], caches)[job[0]])
            print(f"  compiled {job[0]}", flush=True)
        with EmptyCaches() as caches:
            together = fresh(COMPILE, [json.dumps(jobs)], caches)
        for name in app:
            app[name].append(together[name])
    best = lambda runs: (min(r[0] for r in runs), min(r[1] for r in runs))  # noqa: E731
    rows = [{"name": j[0], "cold": best(cold[j[0]]),
             # the built-in LIF is the warm-up's own network: already compiled in that process
             "open_app": None if j[0] == "lif (built-in)" else best(app[j[0]])} for j in jobs]
    rows.append({"name": "(the LIF warm-up in the open-app process)", "cold": None, "open_app": best(app["warm-up"])})
    rows.append({"name": "(then the install's warm-up of equation models)", "cold": None,
                 "open_app": best(app["equations warm-up"])})
    return rows


def press_run(path: Path, reps: int) -> dict:
    """Cold and warm (best of ``reps``) press-run figures for CUBA, built-in and from equations."""
    out = {}
    for label, text in (("built-in LIF", "-"), ("LIF from equations", cuba.LIF_EQUATIONS)):
        with EmptyCaches() as caches:
            cold = fresh(PRESS, [str(path), text], caches)
            warm = [fresh(PRESS, [str(path), text], caches) for _ in range(reps)]
        out[label] = {"cold": cold, "warm": min(warm, key=lambda r: r["press"]),
                      "warm_worst": max(r["press"] for r in warm)}
    return out


def print_speed(rows: list[dict]) -> None:
    print("\nCUBA: hand-written LIF kernel vs LIF from equations (generated), in turn, seconds per simulated second")
    print(f"{'N':>7} {'hand':>8} {'generated':>10} {'gen/hand':>9} {'same spikes':>12}")
    for r in rows:
        print(f"{r['n']:>7,} {r['hand']:>8.4f} {r['generated']:>10.4f} {r['generated'] / r['hand']:>9.3f} "
              f"{str(r['identical']):>12}")


def print_compile(rows: list[dict]) -> None:
    print("\nCompile time, seconds (empty numba and model caches): a population of the model driven by Poisson input")
    print(f"{'model':<42} {'cold wall':>9} {'cold CPU':>9} {'app wall':>9} {'app CPU':>8}")
    for r in rows:
        cells = [("-", "-") if x is None else (f"{x[0]:.2f}", f"{x[1]:.2f}") for x in (r["cold"], r["open_app"])]
        print(f"{r['name']:<42} {cells[0][0]:>9} {cells[0][1]:>9} {cells[1][0]:>9} {cells[1][1]:>8}")
    print("cold: a fresh interpreter (numba's first-use set-up included); app: one after another in a process that\n"
          "compiled a LIF network first, as in the open app. CPU = this process's CPU time (less affected by a busy\n"
          "machine than wall time). Goal: a new model compiles in under 3 s.")


def print_press(press: dict) -> None:
    print("\nPress Run on CUBA (build + simulate 1 s, fresh process; launch = import + read the file), seconds")
    print(f"{'network':<20} {'cold':>7} {'warm':>7} {'warm worst':>11} {'again in-process':>17} {'launch':>7}")
    for label, r in press.items():
        print(f"{label:<20} {r['cold']['press']:>7.3f} {r['warm']['press']:>7.3f} {r['warm_worst']:>11.3f} "
              f"{r['warm']['again']:>17.3f} {r['warm']['launch']:>7.3f}")
    print("Goal: pressing Run on a warm cache under 0.5 s.")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[4000, 64000])
    ap.add_argument("--duration", type=float, default=1.0, help="simulated s per timed run (longer for small N)")
    ap.add_argument("--reps", type=int, default=5, help="repetitions; the best is reported")
    ap.add_argument("--skip-compile", action="store_true", help="skip the compile-time and press-run subprocesses")
    ap.add_argument("--compile-reps", type=int, default=1, help="repetitions of the compile timings (best kept)")
    ap.add_argument("--models", nargs="+", default=None, help="compile only these model ids")
    args = ap.parse_args(argv)
    path = cuba.example_path()
    print(f"Models-as-equations benchmark: load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs", flush=True)
    speed = []
    for n in args.sizes:
        r = cuba.hand_vs_generated(path, n, cuba.timed_duration(n, args.duration), args.reps)
        speed.append(dict(r, n=n))
        print(f"  timed N={n:,}", flush=True)
    compiled = press = None
    if not args.skip_compile:
        compiled = compile_times(args.compile_reps, args.models)
        press = press_run(path, args.reps)
    print_speed(speed)
    if compiled:
        print_compile(compiled)
        print_press(press)
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f} (other processes slow every figure down)")


if __name__ == "__main__":
    main()
