"""What homeostatic synaptic scaling costs: its rate trace each step and its ``every INTERVAL:`` pass over every
synapse, against the same network with static synapses and with pair STDP (the reference: what a learning rule
already costs).

The network of ``rules.py`` (N Poisson neurons at 20 Hz drive N LIF neurons through N * K synapses, dt 0.1 ms),
one simulator per case built in one process and timed in turn, best of ``--reps``. The interval sets how often the
pass over every synapse runs: the default 100 ms, 1 ms, and every step (0.1 ms, the worst case).
Run by hand: ``.venv/bin/python benchmarks/homeostasis.py [--n 2000] [--k 100] [--reps 3]``.
"""

from __future__ import annotations

import argparse
import time

import spikestudio
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.plugins.builtin.rules import HOMEOSTATIC_SCALING, PAIR_STDP

RULE = "homeostatic_scaling"
CASES = (  # label, rule id (None: static), parameters
    ("static synapses", None, {}),
    ("pair STDP", "stdp", {"w_max": 40.0}),
    ("homeostasis, every 100 ms", RULE, {"interval": 100.0, "w_max": 40.0}),
    ("homeostasis, every 1 ms", RULE, {"interval": 1.0, "w_max": 40.0}),
    ("homeostasis, every step", RULE, {"interval": 0.1, "w_max": 40.0}),
)


def network(n: int, k: int, rule: str | None, params: dict) -> Network:
    net = Network(dt=0.1, duration=1000.0, seed=3)
    net.add_poisson("drive", n, 20.0)
    net.add_population("E", n, tau_m=20.0)
    plasticity = Plasticity(rule, dict(params)) if rule else None
    net.connect("drive", "E", "fixed_indegree", k=k, weight=20.0, plasticity=plasticity)
    return net


def timed(sim) -> float:
    sim.reset()
    start = time.perf_counter()
    sim.run(1.0)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--k", type=int, default=100)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    rules = {"stdp": PAIR_STDP, RULE: HOMEOSTATIC_SCALING}
    sims = []
    for _, rule, params in CASES:
        sim = spikestudio.Simulator(network(args.n, args.k, rule, params), rules=rules)
        sim.run(0.1)  # compile (or load) the kernel first
        sims.append(sim)
    best = [float("inf")] * len(sims)
    for _ in range(args.reps):  # in turn, so a drift of the machine's speed hits every case alike
        for i, sim in enumerate(sims):
            best[i] = min(best[i], timed(sim))
    print(f"N = {args.n:,}, {args.n * args.k:,} synapses; seconds per simulated second, best of {args.reps}")
    print(f"  {'case':<28} {'seconds':>8} {'/ static':>9} {'/ STDP':>7}")
    for (label, _, _), b in zip(CASES, best, strict=True):
        print(f"  {label:<28} {b:>8.3f} {b / best[0]:>9.2f} {b / best[1]:>7.2f}")


if __name__ == "__main__":
    main()
