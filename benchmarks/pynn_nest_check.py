"""Export the CUBA example as a PyNN script, run it on NEST, and print SpikeStudio's and NEST's mean rates.

NEST (``nest-simulator`` on PyPI) and PyNN live in a virtual environment of their own, not the project's:

    python3 -m venv .venv-nest && .venv-nest/bin/pip install nest-simulator 'PyNN>=0.13,<0.14'
    .venv/bin/python benchmarks/pynn_nest_check.py --nest-python .venv-nest/bin/python [--seeds 3]

The goal is agreement within 10 % per population; exit status 1 when a population misses it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import spikestudio
from spikestudio.engine.interop import pynn_script
from spikestudio.resources.examples import example_path

TOLERANCE = 0.10


def nest_rates(python: str, text: str) -> dict[str, float]:
    """Run an exported script with ``python`` and parse its RATE lines."""
    with tempfile.TemporaryDirectory(prefix="spikestudio-nest-") as tmp:
        script = Path(tmp) / "cuba_pynn.py"
        script.write_text(text)
        done = subprocess.run([python, str(script)], capture_output=True, text=True, cwd=tmp, timeout=1800)
    if done.returncode != 0:
        sys.exit(f"the exported script failed on NEST:\n{done.stderr[-3000:]}")
    return {pid: float(hz) for pid, hz in re.findall(r"^RATE (\S+) (\S+)$", done.stdout, re.MULTILINE)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nest-python", default=".venv-nest/bin/python", help="a Python with PyNN and NEST")
    parser.add_argument("--example", default="cuba")
    parser.add_argument("--seeds", type=int, default=1, help="how many seeds to average over")
    args = parser.parse_args(argv)
    ours_sum, theirs_sum = {}, {}
    for k in range(args.seeds):
        net = spikestudio.load(example_path(args.example))
        net.seed += k
        ours = spikestudio.Simulator(net).run(net.duration / 1000.0)
        theirs = nest_rates(args.nest_python, pynn_script(net, simulator="nest", strict=True))
        for pid in net.populations:
            ours_sum[pid] = ours_sum.get(pid, 0.0) + ours.mean_rate(pid) / args.seeds
            theirs_sum[pid] = theirs_sum.get(pid, 0.0) + theirs[pid] / args.seeds
    print(f"{'population':<12}{'SpikeStudio Hz':>16}{'NEST (PyNN) Hz':>16}{'difference':>12}")
    ok = True
    for pid, ours_hz in ours_sum.items():
        diff = theirs_sum[pid] / ours_hz - 1.0 if ours_hz else float("inf")
        ok = ok and abs(diff) <= TOLERANCE
        print(f"{pid:<12}{ours_hz:>16.3f}{theirs_sum[pid]:>16.3f}{diff:>+12.1%}")
    print("within 10 %" if ok else "NOT within 10 %")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
