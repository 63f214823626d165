"""Export examples as PyNN scripts, run them on NEST, and compare with SpikeStudio: spikes and rates.

NEST (``nest-simulator`` on PyPI) and PyNN live in a virtual environment of their own, not the project's:

    python3 -m venv .venv-nest && .venv-nest/bin/pip install nest-simulator 'PyNN>=0.13,<0.14'
    .venv/bin/python benchmarks/pynn_nest_check.py --nest-python .venv-nest/bin/python [--seeds 3]

For each example (CUBA and Brunel by default) it runs two checks:

* realised wiring (SpikeStudio's synapses and initial state): every spike the same, when nothing in the network
  is drawn by NEST's generator (CUBA); a network with Poisson sources (Brunel) gets its rates compared, then
  runs again with SpikeStudio's Poisson spikes replayed (``replay_inputs``): every spike the same;
* rule wiring (NEST draws its own synapses): per-population rates averaged over ``--seeds`` seeds, within 2 %.

Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import spikestudio
from spikestudio.engine.interop.script_export import export_script
from spikestudio.engine.model.network import PoissonInput
from spikestudio.resources.examples import example_path

TOLERANCE = 0.02


def run_on_nest(python: str, net, wiring: str, replay: bool = False) -> tuple[dict[str, float], dict[str, list]]:
    """Export ``net`` with ``wiring`` (and replayed inputs), run it with ``python``; (rates by population, spike
    (step, id) pairs)."""
    with tempfile.TemporaryDirectory(prefix="spikestudio-nest-") as tmp:
        script = Path(tmp) / "net_pynn.py"
        export_script(net, script, "pynn", wiring=wiring, replay_inputs=replay, strict=True)
        done = subprocess.run([python, str(script), str(Path(tmp) / "spikes.npz")], capture_output=True, text=True,
                              cwd=tmp, timeout=3600)
        if done.returncode != 0:
            sys.exit(f"the exported script failed on NEST:\n{done.stderr[-3000:]}")
        with np.load(Path(tmp) / "spikes.npz") as f:
            spikes = {pid: pairs(f[pid + ".steps"], f[pid + ".ids"]) for pid in net.populations}
    rates = {pid: float(hz) for pid, hz in re.findall(r"^RATE (\S+) (\S+)$", done.stdout, re.MULTILINE)}
    return rates, spikes


def pairs(steps, ids) -> list[tuple[int, int]]:
    return sorted(zip(np.asarray(steps).tolist(), np.asarray(ids).tolist()))


def run_here(net) -> tuple[dict[str, float], dict[str, list]]:
    """SpikeStudio's rates and spike (step, id) pairs of every population."""
    for pid in net.populations:
        if not any(r.kind == "spikes" and r.target == pid for r in net.recorders.values()):
            net.record_spikes(pid)
    res = spikestudio.Simulator(net).run(net.duration / 1000.0)
    spikes = {pid: pairs(np.rint(res.spikes(pid)[0] / net.dt).astype(np.int64), res.spikes(pid)[1])
              for pid in net.populations}
    return {pid: res.mean_rate(pid) for pid in net.populations}, spikes


def check_realised(python: str, example: str) -> bool:
    net = spikestudio.load(example_path(example))
    ours, our_spikes = run_here(net)
    theirs, their_spikes = run_on_nest(python, spikestudio.load(example_path(example)), "realised")
    random_inputs = any(isinstance(item, PoissonInput) for item in net.inputs.values())
    ok = True
    print(f"{example}, realised wiring" + (" (Poisson sources drawn by NEST: rates only)" if random_inputs else ""))
    for pid in net.populations:
        same = our_spikes[pid] == their_spikes[pid]
        print(f"  {pid:<10} spikes {len(our_spikes[pid]):>9,} here, {len(their_spikes[pid]):>9,} on NEST; "
              f"{'identical' if same else 'different'}; rates {ours[pid]:.3f} / {theirs[pid]:.3f} Hz")
        ok = ok and (same if not random_inputs else abs(theirs[pid] / ours[pid] - 1.0) <= TOLERANCE)
    if random_inputs:
        theirs, their_spikes = run_on_nest(python, spikestudio.load(example_path(example)), "realised", replay=True)
        print(f"{example}, realised wiring, SpikeStudio's Poisson spikes replayed")
        for pid in net.populations:
            same = our_spikes[pid] == their_spikes[pid]
            print(f"  {pid:<10} spikes {len(our_spikes[pid]):>9,} here, {len(their_spikes[pid]):>9,} on NEST; "
                  f"{'identical' if same else 'different'}; rates {ours[pid]:.3f} / {theirs[pid]:.3f} Hz")
            ok = ok and same
    return ok


def check_rules(python: str, example: str, seeds: int) -> bool:
    ours_sum, theirs_sum = {}, {}
    for k in range(seeds):
        net = spikestudio.load(example_path(example))
        net.seed += k
        ours, _ = run_here(net)
        net = spikestudio.load(example_path(example))
        net.seed += k
        theirs, _ = run_on_nest(python, net, "rules")
        for pid in net.populations:
            ours_sum[pid] = ours_sum.get(pid, 0.0) + ours[pid] / seeds
            theirs_sum[pid] = theirs_sum.get(pid, 0.0) + theirs[pid] / seeds
    print(f"{example}, rule wiring, {seeds} seed{'s' if seeds > 1 else ''}")
    print(f"  {'population':<12}{'SpikeStudio Hz':>16}{'NEST (PyNN) Hz':>16}{'difference':>12}")
    ok = True
    for pid, ours_hz in ours_sum.items():
        diff = theirs_sum[pid] / ours_hz - 1.0 if ours_hz else float("inf")
        ok = ok and abs(diff) <= TOLERANCE
        print(f"  {pid:<12}{ours_hz:>16.3f}{theirs_sum[pid]:>16.3f}{diff:>+12.1%}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nest-python", default=".venv-nest/bin/python", help="a Python with PyNN and NEST")
    parser.add_argument("--examples", nargs="+", default=["cuba", "brunel"])
    parser.add_argument("--seeds", type=int, default=1, help="how many seeds to average the rule-wiring rates over")
    args = parser.parse_args(argv)
    args.nest_python = os.path.abspath(args.nest_python)  # the scripts run in a temporary directory (not resolved:
    ok = True                                              # a venv's python is a symlink that must stay one)
    for example in args.examples:
        ok = check_realised(args.nest_python, example) and ok
        ok = check_rules(args.nest_python, example, args.seeds) and ok
    print("all checks passed" if ok else "SOME CHECKS FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
