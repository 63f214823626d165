"""A built-in model on its hand-written kernel and on its description's generated code, timed in turn (by hand).

    python benchmarks/builtins_generated.py [--model lif_adaptive] [--n 4000] [--duration 1] [--reps 5]
    python benchmarks/builtins_generated.py --model adex --chunks 40

A population of N neurons of the model, 20 % of them inhibitory, Poisson drive and 80 recurrent synapses per
neuron (current synapses), run for ``--duration`` s and timed in CPU seconds (the machine is shared): hand-written
(``build.hand_written_kernels``) and generated alternate in one process (best of ``--reps`` each, compile
excluded). Prints CPU seconds per simulated second, the ratio generated/hand and whether the spike trains are
identical. With ``--chunks K`` the two simulators instead run side by side, alternating every ``--duration``/K
seconds of simulated time, and the median of the K ratios is printed: on a loaded machine a burst of load then
falls on both alike (whole runs of a few seconds each gave 0.96 and 1.31 for the same code at load 8-10).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import spikestudio
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation.build import hand_written_kernels

# (drive, excitatory, inhibitory) weights in pA that keep each model firing at a moderate rate
WEIGHTS = {"lif_adaptive": (300.0, 60.0, 250.0), "izhikevich": (8.0, 1.0, 4.0), "adex": (600.0, 150.0, 400.0),
           "hh": (600.0, 300.0, 1000.0)}


def network(model: str, n: int, duration: float) -> Network:
    net = Network(dt=0.1, duration=duration * 1000.0, seed=3)
    n_e = int(0.8 * n)
    net.add_population("E", n_e, model)
    net.add_population("I", n - n_e, model)
    net.add_poisson("X", 200, rate=40.0)
    p = 80.0 / n
    drive, w_e, w_i = WEIGHTS.get(model, WEIGHTS["lif_adaptive"])
    for target in ("E", "I"):
        net.connect("X", target, "fixed_probability", p=0.1, weight=drive, synapse="current")
        net.connect("E", target, "fixed_probability", p=p, weight=w_e, receptor="excitatory", synapse="current")
        net.connect("I", target, "fixed_probability", p=p, weight=w_i, receptor="inhibitory", synapse="current")
    net.record_spikes("E")
    return net


def timed(net: Network, hand: bool) -> tuple[float, tuple]:
    def once():
        sim = spikestudio.Simulator(net)
        sim.run(0.001)  # compile or load the cached loop, untimed
        sim.reset()
        t0 = time.process_time()
        res = sim.run(net.duration / 1000.0)
        return time.process_time() - t0, res.spikes("E")
    if hand:
        with hand_written_kernels():
            return once()
    return once()


def interleaved(net: Network, chunks: int) -> tuple[float, float, float, bool]:
    """(hand and generated CPU s per simulated s, median ratio of the chunks, identical spikes), alternating."""
    with hand_written_kernels():
        hand = spikestudio.Simulator(net)
    generated = spikestudio.Simulator(net)
    if generated.built.loop is hand.built.loop:
        raise SystemExit("the two simulators run the same loop: nothing to compare")
    sims = (hand, generated)
    for sim in sims:  # compile or load the cached loops, untimed; one thread (a model without the LIF pass)
        sim.threads = 1
        sim.run(0.001)
        sim.reset()
    chunk = net.duration / 1000.0 / chunks
    seconds, results = [[], []], [None, None]
    for _ in range(chunks):
        for k, sim in enumerate(sims):
            t0 = time.process_time()
            results[k] = sim.run(chunk)
            seconds[k].append(time.process_time() - t0)
    trains = [res.spikes("E") for res in results]
    same = all(np.array_equal(a, b) for a, b in zip(*trains))
    ratio = float(np.median(np.array(seconds[1]) / np.array(seconds[0])))
    total = net.duration / 1000.0
    return sum(seconds[0]) / total, sum(seconds[1]) / total, ratio, same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="lif_adaptive")
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--duration", type=float, default=1.0)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--chunks", type=int, default=0)
    args = parser.parse_args()
    net = network(args.model, args.n, args.duration)
    if args.chunks:
        h, g, ratio, same = interleaved(net, args.chunks)
        print(f"{args.model} N={args.n}, {args.chunks} alternating chunks: hand {h:.4f} s/s, generated {g:.4f} s/s, "
              f"median generated/hand {ratio:.3f}, identical {same}; load average {os.getloadavg()[0]:.1f}")
        return
    best = {True: [], False: []}
    trains = {}
    for _ in range(args.reps):
        for hand in (True, False):
            seconds, trains[hand] = timed(net, hand)
            best[hand].append(seconds / args.duration)
    same = all(np.array_equal(a, b) for a, b in zip(trains[True], trains[False]))
    h, g = min(best[True]), min(best[False])
    print(f"{args.model} N={args.n}: hand {h:.4f} s/s, generated {g:.4f} s/s, generated/hand {g / h:.2f}, "
          f"{len(trains[True][0])} spikes, identical {same}; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
