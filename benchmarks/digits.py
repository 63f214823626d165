"""The digits example's full training run, then its accuracy on held-out digits (run by hand, not in the test suite).

    .venv/bin/python benchmarks/digits.py [--train 1000 --label 400 --test 397 --seeds 2015 1 2]

Trains the bundled ``digits`` network (Diehl & Cook 2015 scaled to scikit-learn's 8x8 digits) on the first
``--train`` digits without labels, freezes it, labels its neurons on the next ``--label`` digits and
classifies the ``--test`` digits after those (``spikestudio.plugins.unsupervised``). Prints, per seed, the
accuracy and the wall time of training and testing, and the simulated time per wall second. Also trains once
without adaptive thresholds (theta_plus = 0), the control that shows what the thresholds do.
"""

from __future__ import annotations

import argparse
import time

import spikestudio
from spikestudio.plugins.unsupervised import train_and_test
from spikestudio.resources.examples import example_path


def run(seed: int, n_train: int, n_label: int, n_test: int, adaptive: bool = True) -> None:
    net = spikestudio.load(example_path("digits"))
    net.seed = seed
    if not adaptive:
        net.populations["E"].params["theta_plus"] = 0.0
    start = time.perf_counter()
    result, _ = train_and_test(net, n_train, n_label, n_test)
    wall = time.perf_counter() - start
    item = net.inputs["digits"]
    simulated = (n_train + n_label + n_test) * (item.presentation + item.rest) / 1000.0
    label = f"seed {seed}" + ("" if adaptive else ", no adaptive threshold")
    print(f"{label:<34} accuracy {result.accuracy:6.1%}   train {result.seconds['train']:5.1f} s   "
          f"label+test {result.seconds['test']:5.1f} s   {simulated / wall:5.1f} simulated s per wall s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=int, default=1000)
    parser.add_argument("--label", type=int, default=400)
    parser.add_argument("--test", type=int, default=397)
    parser.add_argument("--seeds", type=int, nargs="+", default=[2015, 1, 2])
    args = parser.parse_args()
    print(f"digits: train on {args.train}, label on {args.label}, test on {args.test} held-out digits "
          "(chance: 10 %)")
    spikestudio.Simulator(spikestudio.load(example_path("digits"))).run(0.001)  # compile outside the timings
    for seed in args.seeds:
        run(seed, args.train, args.label, args.test)
    run(args.seeds[0], args.train, args.label, args.test, adaptive=False)


if __name__ == "__main__":
    main()
