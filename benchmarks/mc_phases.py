"""Where a microcircuit step's time goes with 1 and with 2 threads: a copy of the time loop's path for LIF and
Poisson nodes (``kernel.run_chunk`` for Potjans & Diesmann's network: no current inputs, traces left out) that
reads the clock between its phases. Run by hand (never by pytest)::

    NUMBA_NUM_THREADS=2 python benchmarks/mc_phases.py [--scale 0.25] [--k-scale 1] [--steps 2000] [--reps 2]

``--least`` sets the fewest neurons of a population updated in the parallel region (default: the build's
choice); at a reduced scale ``--least 10000*scale`` puts the populations in the region that full scale puts there.

Phases: ``deliver`` the delay ring's slice into the synapses, ``region`` the parallel LIF region (two threads;
it also sends the last step's spikes into its nodes), ``lif`` the LIF nodes in the node loop (one thread: their
pass; two: copying the region's spikes, or the pass of nodes outside it), ``poisson`` the background's draws,
``lagged`` the last step's spikes through current synapses not sent by the region, ``record`` keeping and
recording this step's spikes. A fused background (``engine.simulation.fusion``: the full build's choice) counts in
``poisson``: its pass after the region (``parallel.fused_parts``) and the serial rest (``kernel.send_fused``).
Printed: mean, 10th percentile and median of each, microseconds a step.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import time

import numba
import numpy as np
import spikestudio
from spikestudio.engine.kernels import kernel as K
from spikestudio.engine.kernels.builtin_updates import node_lif, prepass_lif
from spikestudio.engine.kernels.neuron_kernels import update_poisson
from spikestudio.engine.kernels.parallel import FUSED_NODE, fused_parts, poisson_parts
from spikestudio.engine.kernels.poisson_draws import emit_counts, poisson_emit
from spikestudio.resources.examples.microcircuit import microcircuit

PHASES = ("deliver", "region", "lif", "poisson", "lagged", "record")
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
    """``run_chunk`` for LIF and Poisson nodes (no currents, traces, plasticity or delta synapses)."""
    n_nodes = s.node_code.shape[0]
    region = s.par[0] > 1
    for k in range(n_steps):
        step = step0 + k
        t0 = _now(ts)
        K.deliver(s.ring, s.syn, s.chan, s.chan_off, step)
        t1 = _now(ts)
        if region:
            prepass_lif(s, None, step)
        fused, emitting = K.backgrounds(s.node_code, s.node_record, s.proj_stp)
        drawn = s.par[3] != 0 and s.par[0] > 1 and emitting
        t2 = _now(ts)
        t_poi = 0
        if region and fused:
            fused_parts(s.par[0], s.node_code, s.node_start, s.node_chan, s.chan, s.chan_off, s.par[1], s.proj_src,
                        s.proj_chan, s.proj_w, s.proj_d, s.proj_stp, s.poisson_l, s.poisson_cap, s.par[3], s.syn,
                        s.ring, s.spike_count, step)
        if drawn:
            poisson_parts(s.par[0], s.node_code, s.node_start, s.node_record, s.poisson_l, s.poisson_cap, s.par[3],
                          step, s.block_spikes)
        t_poi = _now(ts) - t2
        n_spk = np.int64(0)
        t_lif = 0
        for node in range(n_nodes):
            a = _now(ts)
            s.node_spk[node] = n_spk
            lo, hi = s.node_start[node], s.node_start[node + 1]
            c0, c1 = s.node_chan[node], s.node_chan[node + 1]
            if s.node_code[node] == K.LIF:
                n_spk, bad = node_lif(s, s.node_params[node], node, lo, hi, c0, c1, n_spk, step, None, None, True)
                t_lif += _now(ts) - a
            elif s.node_record[node] != FUSED_NODE:
                if drawn:
                    n_spk, bad = emit_counts(lo, hi, s.block_spikes, s.spikes_now, n_spk)
                elif s.par[3] != 0:
                    n_spk, bad = poisson_emit(lo, hi, s.poisson_l, s.poisson_cap, s.par[3], step,
                                              s.node_start[n_nodes], s.spikes_now, n_spk)
                else:
                    n_spk, bad = update_poisson(lo, hi, s.poisson_l, s.poisson_cap, s.rng_state, s.spikes_now,
                                                n_spk)
                t_poi += _now(ts) - a
        s.node_spk[n_nodes] = n_spk
        t3 = _now(ts)
        K.send(s, s.node_spk_prev, s.spikes_prev, step, True, region, True)
        t4 = _now(ts)
        lagged = t4 - t3
        if fused:
            K.send_fused(s, step, True, region)
            t_poi += _now(ts) - t4
            t4 = _now(ts)
        K.send(s, s.node_spk, s.spikes_now, step, False, False, True)
        K.keep_spikes(s.spikes_now, s.node_spk, s.spikes_prev, s.node_spk_prev)
        K.record_spikes(s.node_spk, s.spikes_now, s.node_record, s.spike_count, s.rec_step, s.rec_id,
                        s.node_counts, s.counters, step, k)
        s.counters[0] = 0
        t5 = _now(ts)
        per[k, 0], per[k, 1], per[k, 2], per[k, 3], per[k, 4], per[k, 5] = (t1 - t0, t2 - t1, t_lif, t_poi, lagged,
                                                                            t5 - t4)
        per[k, 6] = t5 - t0


def measure(sim, threads: int, steps: int, ts) -> np.ndarray:
    s = sim.built.state
    s.par[0] = threads
    if threads > 1:
        numba.set_num_threads(threads)
    per = np.zeros((steps, len(PHASES) + 1))
    for done in range(0, steps, sim.built.chunk_steps):
        m = min(sim.built.chunk_steps, steps - done)
        timed_steps(s, sim.step, m, ts, per[done:])
        sim.step += m
    return per


def report(threads: int, per: np.ndarray) -> str:
    cols = [("mean", per.mean(axis=0)), ("p10", np.percentile(per, 10, axis=0)), ("median", np.median(per, axis=0))]
    lines = [f"{threads} thread{'s' if threads > 1 else ''} (us a step):"]
    for name, v in cols:
        lines.append(f"  {name:>6}: step {v[-1] / 1e3:7.1f} = " + ", ".join(
            f"{p} {x / 1e3:6.1f}" for p, x in zip(PHASES, v[:-1], strict=True)))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--k-scale", type=float, default=1.0)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--least", type=int, default=None)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    ts = np.zeros(2, np.int64)
    net = microcircuit(args.scale, args.k_scale)
    sim = spikestudio.Simulator(net, max_spikes=None)
    if args.least is not None:
        sim.built.state.par[1] = args.least
    print(f"least {sim.built.state.par[1]}, sizes {np.diff(sim.built.state.node_start).tolist()}")
    sim.run(0.05)  # loads or compiles the loop; past the first transient
    for t in args.threads:
        measure(sim, t, 10, ts)
    print(f"microcircuit scale {args.scale} k {args.k_scale}, {args.steps} steps a timing, clock {CLOCK}, "
          f"load average {os.getloadavg()[0]:.1f}, layer {numba.threading_layer()}")
    for rep in range(args.reps):
        for t in args.threads:
            began = time.perf_counter()
            per = measure(sim, t, args.steps, ts)
            wall = (time.perf_counter() - began) / args.steps * 1e6
            print(f"rep {rep}, {wall:.1f} us a step in all; " + report(t, per), flush=True)
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
