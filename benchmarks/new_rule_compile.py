"""What a learning rule written as equations, new to this machine, costs to compile in the open app (by hand).

    python benchmarks/new_rule_compile.py --side main=/dir --side branch=/tmp/p-x [--pairs 2] [--spare-cores 1]

Each sample is a fresh process whose numba cache (one per side, kept between samples) already holds everything
but the new rule, as in an app that has run networks before: it first runs the network without plasticity and
with a rule it has run before (the same text with the factor 1; their loops loaded or compiled, untimed), then the
same network with a rule whose text is new (a unique factor in one statement: a new generated source, so a new
entry of the rules, or, before the rules' entry of issue 17, a new loop variant), and reports the CPU seconds of that
Simulator's build and first millisecond. The goal it is read against: "a new model compiles in under 3 s". The
network is ``test_described_rules.balanced_network``'s (40 LIF neurons, Poisson excitation and plastic inhibition).
"""

from __future__ import annotations

import argparse
import json
import os
import random

from _sides import add_sides, run_side, side_env, sides_of

WORKER = r"""
import json, sys, time
import spikestudio
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.plugins.api import described_rule

factor, spare = sys.argv[1], int(sys.argv[2])
TEXT = f'''title A new inhibitory rule
param eta = 1 [0, 1000] "Learning rate"
param tau = 20 ms (0, inf) "Time constant of both traces"
param rho0 = 10 Hz (0, inf) "Target rate"
param w_max = 1000 (0, inf) "Upper bound of the weight"
pre x_pre = 0
post x_post = 0
let alpha = 2*rho0*tau
dx_pre/dt = -x_pre/tau
dx_post/dt = -x_post/tau
on_pre x_pre += 1
on_pre w = clip(w + eta*(x_post - alpha), 0, w_max)
on_post x_post += 1
on_post w = clip(w + eta*x_pre*{factor}, 0, w_max)
'''

def network(plastic):
    net = Network(dt=0.1, duration=100.0, seed=3)
    net.add_population("E", 40, "lif")
    net.add_poisson("exc", 400, rate=10.0)
    net.add_poisson("inh", 100, rate=10.0)
    net.connect("exc", "E", "fixed_probability", p=0.5, weight=60.0)
    net.connect("inh", "E", "fixed_probability", p=0.5, weight=10.0, receptor="inhibitory", id="IE",
                plasticity=Plasticity("new_rule", {"rho0": 10.0}) if plastic else None)
    return net

spikestudio.Simulator(network(False), spare_cores=spare).run(0.001)  # the open app's loop, untimed
known = {"new_rule": described_rule("new_rule", "0.1", TEXT.replace(factor, "1"))}
spikestudio.Simulator(network(True), known, spare_cores=spare).run(0.001)  # a plastic network run before, untimed
c0 = time.process_time()
rules = {"new_rule": described_rule("new_rule", "0.1", TEXT)}
sim = spikestudio.Simulator(network(True), rules, spare_cores=spare)
sim.run(0.001)
gate = str(getattr(sim.built.gates, "threads", "(none on this side)"))
print(json.dumps({"cpu": time.process_time() - c0, "gates": gate, "file": spikestudio.__file__}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_sides(parser)
    parser.add_argument("--pairs", type=int, default=1)
    parser.add_argument("--spare-cores", type=int, default=1, help="1: as the app (0: a script's default)")
    args = parser.parse_args()
    for _ in range(args.pairs):
        factor = f"1.{random.randrange(10**8):08d}"
        for label, path in sides_of(args):
            env = side_env(label, path, "new-rule", NUMBA_NUM_THREADS="2")
            result = json.loads(run_side(env, WORKER, factor, str(args.spare_cores)))
            print(f"{label}: new rule ({factor}), build + first ms: CPU {result['cpu']:.1f} s; threads gate "
                  f"{result['gates']}; load {os.getloadavg()[0]:.1f}  [{result['file']}]", flush=True)


if __name__ == "__main__":
    main()
