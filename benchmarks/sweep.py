"""Sweep benchmark: a 100-run sweep of the CUBA example in one worker, two workers and a two-worker Dask cluster.

Run by hand (not part of the test suite):

    .venv/bin/python benchmarks/sweep.py [--runs 100] [--duration 1000]
    .venv/bin/python benchmarks/sweep.py --cpu [--duration 1000]    # CPU time per run only

Prints, side by side for each backend: wall time, the summed run time of the runs (as the workers measured it),
speed-up over one worker, efficiency (speed-up / workers; goal >= 0.8 on the 2-core machine) and the per-run
overhead (wall x workers - summed run time, per run, as a share of the mean run time; goal < 5 %). Start-up
(spawning and warming the workers, or starting the cluster) and closing (a pool's processes exiting) are timed
apart, since they are paid once per sweep. ``PYTHONPATH`` chooses which copy of SpikeStudio is measured, so two
versions can be compared with the same script.
"""

from __future__ import annotations

import argparse
import os
import time


def cuba_sweep(runs: int, duration: float):
    """CUBA with its two excitatory weights swept on a grid (about ``runs`` runs)."""
    from spikestudio.api import load
    from spikestudio.engine.experiments.sweep_spec import Parameter, Sweep
    from spikestudio.resources.examples import example_path

    net = load(example_path("cuba"))
    side = max(1, round(runs ** 0.5))
    w = net.projections["E->E"].weight.value
    values = [w * (0.8 + 0.4 * k / max(1, side - 1)) for k in range(side)]
    sweep = Sweep([Parameter.of("E->E.weight", values), Parameter.of("E->I.weight", values)],
                  duration=duration, measures=["rate", "cv_isi"])
    return net, sweep


def timed(net, sweep, backend) -> dict:
    from spikestudio.api import make_simulator, sweep_measures
    from spikestudio.engine.experiments.sweep_run import execute, make_setup

    setup = make_setup(net, sweep, make_simulator=make_simulator, measure_catalog=sweep_measures)
    points = sweep.points(net.seed)
    started = {}
    real_start = backend.start

    def start(key, s):  # the workers' start-up (spawn, import, warm the kernels) is measured apart
        t0 = time.perf_counter()
        real_start(key, s)
        started["s"] = time.perf_counter() - t0
        started["t"] = time.perf_counter()

    real_close = backend.close

    def close():  # so is releasing them (a pool's processes exit: tenths of a second, once per sweep)
        started["end"] = time.perf_counter()
        real_close()
        started["close"] = time.perf_counter() - started["end"]

    backend.start, backend.close = start, close
    outcomes = execute(points, setup, backend)
    wall = started["end"] - started["t"]
    rows = [o.row for o in outcomes]
    assert len(rows) == len(points) and not any(r["error"] for r in rows), [r["error"] for r in rows if r["error"]]
    return {"startup": started["s"], "close": started["close"], "wall": wall,
            "busy": sum(r["run_time_s"] for r in rows), "runs": len(rows), "rows": sorted(rows, key=lambda r: r["run"])}


def cpu_per_run(duration: float, runs: int = 60) -> None:
    """CPU seconds per run in this process, as a worker does them (what other processes on the machine cannot
    inflate much, unlike wall time); with ``MALLOC_TRIM_THRESHOLD_`` set, as in a Dask worker."""
    from spikestudio.api import make_simulator, sweep_measures
    from spikestudio.engine.experiments import worker
    from spikestudio.engine.experiments.sweep_run import make_setup

    net, sweep = cuba_sweep(runs + 4, duration)
    setup = make_setup(net, sweep, make_simulator=make_simulator, measure_catalog=sweep_measures)
    if hasattr(worker, "keep_freed_memory"):  # what a Dask backend does on each worker (older versions did not)
        worker.keep_freed_memory()
    worker.prepare("cpu", setup)
    points = sweep.points(net.seed)
    worker.run_task("cpu", points[:4])
    cpu, wall = time.thread_time(), time.perf_counter()
    worker.run_task("cpu", points[4:4 + runs])
    cpu, wall = (time.thread_time() - cpu) / runs, (time.perf_counter() - wall) / runs
    where = "as in a Dask worker" if os.environ.get("MALLOC_TRIM_THRESHOLD_") else "as in a pool worker"
    print(f"{where:<22} CPU {cpu * 1000:6.1f} ms per run, wall {wall * 1000:6.1f} ms per run")


def cpu_table(duration: float) -> None:
    """``cpu_per_run`` in two fresh processes: as a pool worker and as a Dask worker (Dask's malloc setting)."""
    import subprocess
    import sys

    for extra in ({}, {"MALLOC_TRIM_THRESHOLD_": "65536"}):
        env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"} | extra
        subprocess.run([sys.executable, __file__, "--duration", str(duration), "--cpu-child"], env=env, check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--duration", type=float, default=1000.0, help="simulated ms per run")
    parser.add_argument("--cpu", action="store_true", help="only the CPU time per run, in one process (as a pool "
                        "worker and as a Dask worker): comparable between versions on a busy machine")
    parser.add_argument("--cpu-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cpu_child:
        cpu_per_run(args.duration)
        return 0
    if args.cpu:
        print(f"CUBA (4,000 neurons), runs of {args.duration:g} ms; load average {os.getloadavg()[0]:.2f}")
        cpu_table(args.duration)
        return 0
    from distributed import Client, LocalCluster
    from spikestudio.engine.experiments.backends import DaskBackend, PoolBackend

    load = os.getloadavg()
    net, sweep = cuba_sweep(args.runs, args.duration)
    results = {"1 worker (pool)": (1, timed(net, sweep, PoolBackend(1))),
               "2 workers (pool)": (2, timed(net, sweep, PoolBackend(2)))}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        results["2 workers (Dask)"] = (2, timed(net, sweep, DaskBackend(client)))
    reference = [{k: v for k, v in r.items() if k != "run_time_s"} for r in results["1 worker (pool)"][1]["rows"]]
    same = all([{k: v for k, v in r.items() if k != "run_time_s"} for r in res["rows"]] == reference
               for _, res in results.values())
    one = results["1 worker (pool)"][1]["wall"]
    n = results["1 worker (pool)"][1]["runs"]
    print(f"CUBA (4,000 neurons), {n} runs of {args.duration:g} ms; same table on every backend: {same}; "
          f"load average before: {' '.join(f'{x:.2f}' for x in load)}, after: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'backend':<18}{'start-up s':>11}{'close s':>9}{'wall s':>9}{'run s':>9}{'ms/run':>8}{'speed-up':>10}"
          f"{'efficiency':>12}{'overhead/run':>14}")
    for name, (workers, res) in results.items():
        speedup = one / res["wall"]
        mean_run = res["busy"] / res["runs"]
        overhead = (res["wall"] * workers - res["busy"]) / res["runs"]
        print(f"{name:<18}{res['startup']:>11.2f}{res['close']:>9.2f}{res['wall']:>9.2f}{res['busy']:>9.2f}"
              f"{mean_run * 1000:>8.1f}{speedup:>10.2f}{speedup / workers:>12.2f}{overhead / mean_run:>13.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
