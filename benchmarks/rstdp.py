"""What learning costs: seconds per simulated second of one network with no plasticity, pair STDP and R-STDP.

A Poisson source of N neurons drives N LIF neurons through N * K plastic synapses (20 Hz input, dt 0.1 ms).
R-STDP runs twice: with a reward pulse of 50 ms once a second (sparse, the usual case) and with a reward
that never stops. Run by hand: ``.venv/bin/python benchmarks/rstdp.py [--n 2000] [--k 100] [--reps 3]``.
"""

from __future__ import annotations

import argparse
import time

import spikestudio
from spikestudio.engine.model.network import Network, Plasticity


def network(n: int, k: int, rule: str | None, reward: str) -> Network:
    net = Network(dt=0.1, duration=1000.0, seed=3)
    net.add_poisson("drive", n, 20.0)
    net.add_population("E", n, tau_m=20.0)
    times, values = ([0.0], [0.5]) if reward == "always" else ([500.0, 550.0], [1.0, 0.0])
    net.add_reward("R", times, values)
    params = {"w_max": 40.0} | ({"reward": "R", "lr": 1e-4} if rule == "rstdp" else {})
    net.connect("drive", "E", "fixed_indegree", k=k, weight=20.0,
                plasticity=Plasticity(rule, params) if rule else None)
    return net


def seconds_per_second(net: Network, reps: int) -> float:
    sim = spikestudio.Simulator(net)
    sim.run(0.1)  # compile (or load) the kernel first
    best = float("inf")
    for _ in range(reps):
        sim.reset()
        start = time.perf_counter()
        sim.run(1.0)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    print(f"N = {args.n:,}, {args.n * args.k:,} synapses; seconds per simulated second, best of {args.reps}")
    for label, rule, reward in (("static", None, "pulse"), ("stdp", "stdp", "pulse"),
                                ("rstdp, reward 50 ms per s", "rstdp", "pulse"),
                                ("rstdp, reward always on", "rstdp", "always")):
        print(f"  {label:<28} {seconds_per_second(network(args.n, args.k, rule, reward), args.reps):.3f}")


if __name__ == "__main__":
    main()
