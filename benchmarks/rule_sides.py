"""Run time of plastic networks whose built-in rules run from their descriptions, two or more checkouts alternated,
in CPU seconds per simulated second (by hand).

    python benchmarks/rule_sides.py --side main=/dir --side branch=/tmp/p-x [--n 200 2000] [--rounds 6]

The network of ``rules.py`` (N Poisson neurons at 20 Hz drive N LIF neurons through N * K plastic synapses, K = N / 20,
at most 100; dt 0.1 ms) for pair STDP, R-STDP (a 50 ms reward) and Tsodyks-Markram, each with the rule's own
plugin (its description). Each ``--side`` is a directory holding a ``spikestudio`` package; it gets one worker
process (single-threaded numba, its own warm numba cache under the system's temp dir) that builds each network
once, then resets it and runs ``--duration`` simulated seconds each time it is asked. The sides run in turn
(a, b, a, b, ...), so a change of the machine's load hits them alike. Printed: each side's best and median, the
median and range of the per-round ratios to the first side, the load average, and a digest of the spikes and
weights (the same on every side when the results are bit-identical). A small N shows a per-step cost (one
indirect call into the rules' entry) most.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from _sides import Workers, add_sides, print_side_times, sides_of

HERE = Path(__file__).resolve().parent

WORKER = r"""
import hashlib, os, sys, time
os.environ["NUMBA_NUM_THREADS"] = "1"
sys.path.insert(0, sys.argv[1])
import rules as bench
import spikestudio
sims = {}
for line in sys.stdin:
    n, duration, case = line.rstrip("\n").split(" ", 2)
    n, duration = int(n), float(duration)
    if (case, n) not in sims:
        label, rule, params, reward = next(c for c in bench.CASES if c[0] == case)
        net = bench.network(n, min(100, max(1, n // 20)), rule, params, reward)
        sims[case, n] = spikestudio.Simulator(net, rules={rule: bench.PLUGINS[rule]()})
        assert sims[case, n].built.rules, "the rule runs from its description"
        sims[case, n].run(0.01)  # compile or load, untimed
    sim = sims[case, n]
    sim.reset()
    c0 = time.process_time()
    sim.run(duration)
    took = time.process_time() - c0
    s = sim.built.state
    digest = hashlib.sha256(s.spike_count.tobytes() + s.weight.tobytes() + s.stp_gain.tobytes()).hexdigest()[:10]
    print(took / duration, int(s.spike_count.sum()), digest, flush=True)
"""

CASES = ("stdp", "rstdp, reward 50 ms per s", "tsodyks_markram")  # labels of ``rules.CASES``


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_sides(parser)
    parser.add_argument("--n", type=int, nargs="+", default=[200, 2000])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--duration", type=float, default=1.0, help="simulated seconds per timed run")
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    args = parser.parse_args()
    sides = sides_of(args)
    workers = Workers(sides, WORKER, "rule-sides", str(HERE), NUMBA_NUM_THREADS="1")
    for case in args.cases:
        for n in args.n:
            times: dict[str, list[float]] = {label: [] for label, _ in sides}
            digests: dict[str, set[str]] = {label: set() for label, _ in sides}
            load0 = os.getloadavg()[0]
            for _ in range(args.rounds):
                for label, _ in sides:
                    took, count, digest = workers.ask(label, f"{n} {args.duration} {case}")
                    times[label].append(float(took))
                    digests[label].add(f"{count}/{digest}")
            load1 = os.getloadavg()[0]
            print(f"{case}, N = {n:,}: {args.rounds} rounds of {args.duration} s, load {load0:.1f} -> {load1:.1f} "
                  f"(CPU s per simulated s)", flush=True)
            print_side_times(times, {label: sorted(v) for label, v in digests.items()}, "spikes/digest")
    workers.close()


if __name__ == "__main__":
    main()
