"""Where a CUBA step's time goes with 1 and with 2 threads: a copy of the time loop's LIF-only path
(``kernel.run_chunk`` for a network of LIF populations without inputs, such as CUBA; the generated LIF update of
``builtin_updates``, as the loop runs it) that reads the clock
between its phases, so the serial fraction and the cost of the parallel region can be read off.

Per phase and per step it keeps every step's time and prints the mean, the 10th percentile and the median:
on a shared machine the mean holds every stall of the threads' meeting, while the 10th percentile is close to
what a step costs when both threads have a core. Run by hand (never by pytest); ``PHASE_CLOCK=3`` reads each
thread's CPU time instead of the wall clock::

    python benchmarks/thread_phases.py [--n 64000] [--steps 3000] [--reps 2] [--rounds 10] [--serial]

``--serial`` adds the two threads' tasks run one after the other on one thread: the split's own work without the
threads' meeting (a perfect two-thread region takes half of it).

Phases: ``region`` the parallel LIF region (with two threads it also sends the last step's spikes into its
nodes), ``nodes`` the node loop (one thread: the LIF pass; two: copying each block's spikes), ``lagged`` the
last step's spikes through current synapses (with two threads only the projections the region did not send),
``delta`` this step's spikes through delta synapses, ``record`` keeping and recording this step's spikes.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import sys
import time

import numba
import numpy as np

sys.argv.append("--threads-worker")  # cuba.py then leaves numba's thread count alone
from cuba import example_path, load_scaled  # noqa: E402

sys.argv.pop()
import spikestudio  # noqa: E402
from spikestudio.engine.kernels import kernel as K  # noqa: E402
from spikestudio.engine.kernels.builtin_updates import node_lif, prepass_lif  # noqa: E402

PHASES = ("region", "nodes", "lagged", "delta", "record")
_clock_gettime = ctypes.CDLL(None).clock_gettime
_clock_gettime.argtypes = [ctypes.c_int, ctypes.c_void_p]
_clock_gettime.restype = ctypes.c_int
CLOCK = int(os.environ.get("PHASE_CLOCK", "1"))  # 1: CLOCK_MONOTONIC, 3: CLOCK_THREAD_CPUTIME_ID


@numba.njit(inline="always")
def _now(ts):
    _clock_gettime(CLOCK, ts.ctypes.data)
    return ts[0] * 1_000_000_000 + ts[1]


@numba.njit
def timed_steps(s, step0, n_steps, ts, per):
    """``run_chunk`` for LIF nodes only (no inputs, traces or plasticity), ``per[k]`` = each phase's ns in step k."""
    n_nodes = s.node_code.shape[0]
    for k in range(n_steps):
        step = step0 + k
        t0 = _now(ts)
        region = s.par[0] > 1
        if region:
            prepass_lif(s, None, step)
        t1 = _now(ts)
        n_spk = np.int64(0)
        for node in range(n_nodes):
            s.node_spk[node] = n_spk
            lo, hi = s.node_start[node], s.node_start[node + 1]
            n_spk, bad = node_lif(s, s.node_params[node], node, lo, hi, s.node_chan[node], s.node_chan[node + 1],
                                  n_spk, step, None, None, True)
        s.node_spk[n_nodes] = n_spk
        t2 = _now(ts)
        K.send(s, s.node_spk_prev, s.spikes_prev, step, True, region, True)
        t3 = _now(ts)
        K.send(s, s.node_spk, s.spikes_now, step, False, False, True)
        t4 = _now(ts)
        K.keep_spikes(s.spikes_now, s.node_spk, s.spikes_prev, s.node_spk_prev)
        K.record_spikes(s.node_spk, s.spikes_now, s.node_record, s.spike_count, s.rec_step, s.rec_id,
                        s.node_counts, s.counters, step, k)
        s.counters[0] = 0
        t5 = _now(ts)
        per[k, 0], per[k, 1], per[k, 2], per[k, 3], per[k, 4] = t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4
        per[k, 5] = t5 - t0


def measure(sim, threads: int, steps: int, ts, parts: int = 0) -> np.ndarray:
    """Each step's phase times (ns), ``steps`` steps in chunks of the simulator's size; the passes split into
    ``parts`` tasks (default: ``threads``), run by ``threads`` threads."""
    s = sim.built.state
    s.par[0] = parts or threads
    numba.set_num_threads(threads)
    per = np.zeros((steps, len(PHASES) + 1))
    for done in range(0, steps, sim.built.chunk_steps):
        m = min(sim.built.chunk_steps, steps - done)
        timed_steps(s, sim.step, m, ts, per[done:])
        sim.step += m
    return per


def report(label: str, per: np.ndarray) -> str:
    cols = [("mean", per.mean(axis=0)), ("p10", np.percentile(per, 10, axis=0)), ("median", np.median(per, axis=0))]
    lines = [f"{label} (us a step):"]
    for name, v in cols:
        lines.append(f"  {name:>6}: step {v[-1] / 1e3:6.2f} = " + ", ".join(
            f"{p} {x / 1e3:5.2f}" for p, x in zip(PHASES, v[:-1], strict=True)))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=64000)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=10, help="batches of steps/rounds steps each count runs in turn")
    ap.add_argument("--serial", action="store_true",
                    help="also run the two threads' tasks one after the other on one thread: the split's own work, "
                         "without the threads' meeting (a perfect split of it would take half)")
    args = ap.parse_args()
    if any(t > numba.config.NUMBA_NUM_THREADS for t in (1, 2)):
        sys.exit("needs NUMBA_NUM_THREADS >= 2")
    ts = np.zeros(2, np.int64)
    configs = {"1 thread": (1, 1), "2 threads": (2, 2)}  # label: (threads, tasks)
    if args.serial:
        configs["2 tasks on 1 thread"] = (1, 2)
    sims = {}
    for label, (t, parts) in configs.items():
        sims[label] = spikestudio.Simulator(load_scaled(example_path(), args.n), threads=parts)
        sims[label].run(0.01)  # loads or compiles the loop and the parallel passes
        measure(sims[label], t, 10, ts, parts)  # and this copy of it
    print(f"CUBA N = {args.n:,}, {args.steps} steps a timing, clock {CLOCK}, load average {os.getloadavg()[0]:.1f}, "
          f"layer {numba.threading_layer()}")
    for rep in range(args.reps):  # alternate in short batches, so a burst of load hits every count alike
        pers = {label: [] for label in sims}
        began = time.perf_counter()
        for _ in range(args.rounds):
            for label, sim in sims.items():
                t, parts = configs[label]
                pers[label].append(measure(sim, t, args.steps // args.rounds, ts, parts))
        wall = (time.perf_counter() - began) / args.steps / len(sims) * 1e6
        print(f"rep {rep} ({args.rounds} rounds, {wall:.1f} us a step in all, load average {os.getloadavg()[0]:.1f}):")
        for label, per in pers.items():
            print(report(label, np.concatenate(per)))
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
