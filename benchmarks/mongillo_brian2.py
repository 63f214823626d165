"""Mongillo, Barak & Tsodyks (2008) working memory in SpikeStudio and in its Brian2 export, run by hand.

For each seed: the gallery example (resources/examples/mongillo_wm.json, the network's seed replaced) runs
2.5 s in SpikeStudio, and its Brian2 script (wiring by rule: Brian2's script draws its own synapses, about 10
million, and its own OU noise; the nine facilitating E->E projections as Tsodyks-Markram synapse code from the
rule's description; numpy target) runs the same 2.5 s in ``--brian-python``. Printed: each population's rate
in the windows before the cue (0.2-1.0 s), during it (1.0-1.35 s) and in the delay after it (1.4-2.4 s), side by
side, for each seed and averaged over the seeds; the number of S1 reactivations (10 ms bins above 10 Hz) in the
delay; Brian2's wall time and peak memory (the child's maximum resident set). Never run by pytest::

    python benchmarks/mongillo_brian2.py [--seeds 2008 1 2 3] [--brian-python .venv-bench/bin/python]

S1 (cued, 400 neurons) holds the memory in population spikes about every 250 ms: its delay rate moves in steps
of one population spike (about 1.6 spikes per neuron), so one run of either simulator is 15-25 % from another
seed's; the mean over seeds is what is compared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WINDOWS = {"before": (200.0, 1000.0), "cue": (1000.0, 1350.0), "delay": (1400.0, 2400.0)}
POPS = ("S1", "S2", "NS", "I")
DURATION_MS = 2500.0


def window_rates(steps_by_pop: dict, sizes: dict, dt: float) -> dict:
    """{pop: {window: Hz}} from each population's spike steps."""
    out = {}
    for pop in POPS:
        t = np.asarray(steps_by_pop[pop]) * dt
        out[pop] = {w: float(np.count_nonzero((t >= a) & (t < b)) / sizes[pop] / ((b - a) / 1000.0))
                    for w, (a, b) in WINDOWS.items()}
    return out


def reactivations(steps, size: int, dt: float) -> int:
    """Runs of 10 ms bins in the delay whose population rate exceeds 10 Hz."""
    a, b = WINDOWS["delay"]
    counts, _ = np.histogram(np.asarray(steps) * dt, bins=np.arange(a, b + 1e-9, 10.0))
    high = counts / size / 0.01 > 10.0
    return int(np.sum(high[1:] & ~high[:-1]) + high[0])


def run_pair(seed: int, python: str) -> dict:
    import spikestudio
    from spikestudio.engine.interop import brian2_export
    from spikestudio.plugins.registry import default_registry

    net = spikestudio.load(ROOT / "resources" / "examples" / "mongillo_wm.json")
    net.seed, net.duration = seed, DURATION_MS
    sizes = {p: net.populations[p].size for p in POPS}
    t0 = time.perf_counter()
    res = spikestudio.Simulator(net).run(DURATION_MS / 1000.0)
    ours_s = time.perf_counter() - t0
    ours = {p: np.rint(res.spikes(p)[0] / net.dt).astype(np.int64) for p in POPS}
    text, report = brian2_export(net, wiring="rules", rules=default_registry().learning_rules())
    assert report.ok, report.lines()
    with tempfile.TemporaryDirectory() as tmp:
        script, spikes = Path(tmp) / "mongillo.py", Path(tmp) / "spikes.npz"
        script.write_text(text)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t1 = time.perf_counter()
        done = subprocess.run([python, str(script), str(spikes)], capture_output=True, text=True, cwd=tmp)
        theirs_s = time.perf_counter() - t1
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if done.returncode:
            raise SystemExit(done.stderr[-3000:])
        got = np.load(spikes)
        theirs = {p: got[p + ".steps"] for p in POPS}
    return {"seed": seed, "ours": window_rates(ours, sizes, net.dt), "theirs": window_rates(theirs, sizes, net.dt),
            "events": (reactivations(ours["S1"], sizes["S1"], net.dt),
                       reactivations(theirs["S1"], sizes["S1"], net.dt)),
            "ours_s": ours_s, "theirs_s": theirs_s,
            "theirs_peak_gb": peak * 1024 / 1e9 if peak > before else None}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[2008, 1, 2, 3])
    parser.add_argument("--brian-python", default=os.environ.get("SPIKESTUDIO_BRIAN2_PYTHON",
                                                                 str(ROOT / ".venv-bench" / "bin" / "python")))
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT.parent))
    print(f"Mongillo working memory, {DURATION_MS / 1000:g} s, seeds {args.seeds}; load {os.getloadavg()[0]:.2f}",
          flush=True)
    runs = []
    for seed in args.seeds:
        r = run_pair(seed, args.brian_python)
        runs.append(r)
        print(json.dumps(r), flush=True)
        print(f"seed {seed}: SpikeStudio {r['ours_s']:.1f} s, Brian2 {r['theirs_s']:.1f} s (numpy target, build "
              f"included), peak {r['theirs_peak_gb'] or float('nan'):.2f} GB; S1 reactivations "
              f"{r['events'][0]} / {r['events'][1]}; load {os.getloadavg()[0]:.2f}", flush=True)
    print(f"\nrates (Hz), mean of {len(runs)} seed(s): SpikeStudio / Brian2 (difference)")
    print(f"{'':6}" + "".join(f"{w:>26}" for w in WINDOWS))
    for pop in POPS:
        cells = []
        for w in WINDOWS:
            a = float(np.mean([r["ours"][pop][w] for r in runs]))
            b = float(np.mean([r["theirs"][pop][w] for r in runs]))
            cells.append(f"{a:.3f} / {b:.3f} ({b / a - 1:+.0%})" if a > 0 else f"{a:.3f} / {b:.3f}")
        print(f"{pop:6}" + "".join(f"{c:>26}" for c in cells))
    for who, key in (("SpikeStudio", "ours"), ("Brian2", "theirs")):
        s1 = np.mean([r[key]["S1"]["delay"] for r in runs])
        s2 = np.mean([r[key]["S2"]["delay"] for r in runs])
        ns = np.mean([r[key]["NS"]["delay"] for r in runs])
        print(f"{who}: delay S1 / S2 {s1 / s2:.1f}, S1 / NS {s1 / ns:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
