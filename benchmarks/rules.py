"""What running a built-in learning rule from its description costs, against its hand-written kernel.

The network of ``rstdp.py`` (N Poisson neurons at 20 Hz drive N LIF neurons through N * K plastic synapses,
dt 0.1 ms) for each built-in rule, run in one process through the hand-written family and through the code
generated from the rule's description, in turn, best of ``--reps``; the two give the same weights (checked here).
Run by hand: ``.venv/bin/python benchmarks/rules.py [--n 2000] [--k 100] [--reps 3]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import spikestudio
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.plugins.builtin import rules as builtin

CASES = (  # label, rule id, parameters, reward
    ("stdp", "stdp", {"w_max": 40.0}, "pulse"),
    ("stdp, scaling every 50 ms", "stdp", {"w_max": 40.0, "norm_total": 1500.0, "norm_interval": 50.0}, "pulse"),
    ("triplet_stdp", "triplet_stdp", {"w_max": 40.0}, "pulse"),
    ("rstdp, reward 50 ms per s", "rstdp", {"w_max": 40.0, "reward": "R", "lr": 1e-4}, "pulse"),
    ("rstdp, reward always on", "rstdp", {"w_max": 40.0, "reward": "R", "lr": 1e-4}, "always"),
    ("tsodyks_markram", "tsodyks_markram", {"U": 0.2, "tau_rec": 200.0, "tau_facil": 500.0}, "pulse"),
)
PLUGINS = {"stdp": builtin.PairSTDP, "triplet_stdp": builtin.TripletSTDP, "rstdp": builtin.RewardSTDP,
           "tsodyks_markram": builtin.TsodyksMarkram}


def hand_written(rule_id: str):
    """The built-in rule, always through its hand-written family."""
    cls = type(f"Hand{PLUGINS[rule_id].__name__}", (PLUGINS[rule_id],), {"description_for": lambda self, p: None})
    return cls()


def network(n: int, k: int, rule: str, params: dict, reward: str) -> Network:
    net = Network(dt=0.1, duration=1000.0, seed=3)
    net.add_poisson("drive", n, 20.0)
    net.add_population("E", n, tau_m=20.0)
    times, values = ([0.0], [0.5]) if reward == "always" else ([500.0, 550.0], [1.0, 0.0])
    net.add_reward("R", times, values)
    net.connect("drive", "E", "fixed_indegree", k=k, weight=20.0, plasticity=Plasticity(rule, dict(params)))
    return net


def timed(sim, reps: int) -> float:
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
    print(f"  {'rule':<28} {'hand-written':>12} {'described':>10} {'ratio':>6}  same weights")
    for label, rule, params, reward in CASES:
        sims = []
        for plugin in (hand_written(rule), PLUGINS[rule]()):
            sim = spikestudio.Simulator(network(args.n, args.k, rule, params, reward), rules={rule: plugin})
            sim.run(0.1)  # compile (or load) the kernel first
            sims.append(sim)
        assert not sims[0].built.rules and sims[1].built.rules
        best = [float("inf")] * 2
        for _ in range(args.reps):  # in turn, so a drift of the machine's speed hits both alike
            for i, sim in enumerate(sims):
                best[i] = min(best[i], timed(sim, 1))
        same = np.array_equal(sims[0].built.state.weight, sims[1].built.state.weight) and np.array_equal(
            sims[0].built.state.spike_count, sims[1].built.state.spike_count)
        print(f"  {label:<28} {best[0]:>12.3f} {best[1]:>10.3f} {best[1] / best[0]:>6.2f}  {same}")


if __name__ == "__main__":
    main()
