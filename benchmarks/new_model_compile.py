"""What a LIF-like model written as equations (exact in one variable: the vectorised pass), new to this machine,
costs to compile in the open app (by hand).

    python benchmarks/new_model_compile.py --side main=/dir --side branch=/tmp/p-x [--pairs 2] [--spare-cores 1]

As ``new_rule_compile.py`` for a model: each sample is a fresh process whose numba and model caches (one pair per
side, kept between samples) already hold everything but the new model, as in an app that has run networks before.
It first runs the install's warm-up network for models from equations driven by Poisson input
(``warmup.equation_networks``: the LIF's description; its loop and entry loaded or compiled, untimed), then a
population of the test data's LIF (``tests/data/models/lif.model``) whose title carries a unique number (a new
generated source, so a new entry), and reports the CPU seconds of that Simulator's build and first millisecond,
and the threads gate the run took. The goal it is read against: "a new model compiles in under 3 s".
"""

from __future__ import annotations

import argparse
import json
import os
import random
from pathlib import Path

from _sides import add_sides, run_side, side_env, sides_of

MODEL = Path(__file__).resolve().parent.parent / "tests" / "data" / "models" / "lif.model"

WORKER = r"""
import json, sys, time
import spikestudio
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation.warmup import equation_networks

text, spare = sys.argv[1], int(sys.argv[2])
warm = equation_networks()[1]  # the LIF's description driven by Poisson input, as the install compiles it
spikestudio.Simulator(warm, spare_cores=spare).run(0.001)  # the open app's loop and a known model, untimed
net = Network(dt=0.1, duration=100.0, seed=1)
net.add_model("new", text)
net.add_poisson("drive", 20, rate=50.0)
net.add_population("P", 100, "new")
net.connect("drive", "P", "fixed_probability", p=0.2, synapse="current")
c0 = time.process_time()
sim = spikestudio.Simulator(net, spare_cores=spare)
sim.run(0.001)
cpu = time.process_time() - c0
print(json.dumps({"cpu": cpu, "gates": str(sim.built.gates.threads), "file": spikestudio.__file__}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_sides(parser)
    parser.add_argument("--pairs", type=int, default=1)
    parser.add_argument("--spare-cores", type=int, default=1, help="1: as the app (0: a script's default)")
    args = parser.parse_args()
    base = MODEL.read_text()
    for _ in range(args.pairs):
        number = f"{random.randrange(10**8):08d}"
        text = base.replace("title Leaky integrate-and-fire", f"title Leaky integrate-and-fire {number}", 1)
        for label, path in sides_of(args):
            env = side_env(label, path, "new-model", NUMBA_NUM_THREADS="2")
            result = json.loads(run_side(env, WORKER, text, str(args.spare_cores)))
            print(f"{label}: new LIF-like model ({number}), build + first ms: CPU {result['cpu']:.2f} s; threads "
                  f"gate {result['gates']}; load {os.getloadavg()[0]:.1f}  [{result['file']}]", flush=True)


if __name__ == "__main__":
    main()
