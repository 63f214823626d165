"""Do the bundled examples and lessons give the same spike trains on two checkouts? (issue 17; run by hand)

    .venv/bin/python benchmarks/same_trains.py --side old=/tmp/p-pre17 --side new=/tmp/p-trains --out /tmp/st \
        [--seconds 1] [--only cuba,lesson-01] [--cache old=/tmp/nc-pre17] [--compare-only]

The networks are the last side's: its bundled examples, and each lesson step whose tasks change the network,
walked headless by that side and saved to ``OUT/networks`` (one file a step). Every side then runs every network
in a process of its own (its package first on ``PYTHONPATH``, its own numba and model caches, see ``_sides``) for
``--seconds`` of simulated time, or the network's duration if shorter, with every node's spikes recorded, and saves
the trains as (node, step, neuron) to ``OUT/LABEL/NAME.npz``, or why it could not (a file it cannot read, a failed
run). The sides take turns network by network, so a partial run still compares what it ran. Each network is then
put in one class: identical; same count, shifted (as many spikes, not all at the same step or neuron); different
(the counts differ); or not run on a side (with that side's message); with the first differing spike. A worker
is stopped when the machine's available memory falls under ``--min-free`` MB.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from _sides import add_sides, side_env, sides_of

HERE = Path(__file__).resolve()


# --- in a side's process -------------------------------------------------------------------------------------
def prepare(out: Path) -> None:
    """Write ``OUT/networks.json``: (name, file) of every example and lesson step, lesson steps saved as files."""
    from spikestudio.engine.files import fileformat
    from spikestudio.engine.teaching.lesson import bundled_lessons
    from spikestudio.resources.examples import example_path, list_examples
    from spikestudio.resources.lessons.walkthrough import walk

    folder = out / "networks"
    folder.mkdir(parents=True, exist_ok=True)
    found = [(f"example-{name}", str(example_path(name))) for name in list_examples()]
    for lesson in bundled_lessons():
        for number, state in enumerate(walk(lesson)):
            if (number and not state.changed) or state.source.startswith("example:"):
                continue  # the same network as the step before, or a bundled example (run above)
            name = f"lesson-{lesson.folder.name}-step{number}"
            path = folder / f"{name}.json"
            fileformat.save(state.network, path)
            found.append((name, str(path)))
    (out / "networks.json").write_text(json.dumps(found, indent=1))


def serve(seconds: float) -> None:
    """Answer each ``NAME<tab>FILE<tab>NPZ`` line on stdin with a line of JSON: what the run gave."""
    for line in sys.stdin:
        name, path, npz = line.rstrip("\n").split("\t")
        print(json.dumps(run_one(path, seconds, npz)), flush=True)


def run_one(path: str, seconds: float, npz: str) -> dict:
    """Run one network file; its trains go to ``npz``. Works with the engine before issue 17 as well."""
    import spikestudio

    try:
        net = spikestudio.load(path)
    except Exception as exc:  # noqa: BLE001 - any refusal is a result to report
        return {"status": "cannot read", "message": f"{type(exc).__name__}: {exc}"}
    duration = min(seconds, net.duration / 1000.0)
    w0, c0 = time.perf_counter(), time.process_time()
    try:
        res = spikestudio.Simulator(net, record_all=True, max_spikes=None).run(duration)
    except Exception as exc:  # noqa: BLE001
        return {"status": "run failed", "message": f"{type(exc).__name__}: {exc}"}
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    nodes = sorted(res.spike_recorded)
    node, step, neuron = [], [], []
    for k, nid in enumerate(nodes):
        times, ids = res.spikes(nid)
        node.append(np.full(len(ids), k, np.int64))
        step.append(np.rint(np.asarray(times) / net.dt).astype(np.int64))
        neuron.append(np.asarray(ids, np.int64))
    node, step, neuron = (np.concatenate(x) if x else np.zeros(0, np.int64) for x in (node, step, neuron))
    order = np.lexsort((neuron, node, step))
    np.savez_compressed(npz, nodes=np.array(nodes, dtype=str), node=node[order], step=step[order],
                        neuron=neuron[order], dt=net.dt, steps=int(round(duration * 1000.0 / net.dt)))
    return {"status": "ran", "spikes": int(len(step)), "seconds": duration, "wall": wall, "cpu": cpu}


# --- in the driving process ----------------------------------------------------------------------------------
def available_mb() -> int:
    """MB the kernel says are available (``free -m``'s column)."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) // 1024
    return 1 << 30


class Worker:
    """A side's long-lived process answering ``serve`` requests, stopped when memory runs short."""

    def __init__(self, env: dict, seconds: float):
        self.env, self.seconds, self.proc = env, seconds, None

    def ask(self, name: str, path: str, npz: Path, timeout: float, min_free: int) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.proc = subprocess.Popen([sys.executable, str(HERE), "_serve", str(self.seconds)], env=self.env,
                                         text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.proc.stdin.write(f"{name}\t{path}\t{npz}\n")
        self.proc.stdin.flush()
        start = time.monotonic()
        while True:
            ready, _, _ = select.select([self.proc.stdout], [], [], 1.0)
            if ready:
                line = self.proc.stdout.readline()
                if line:
                    return json.loads(line)
                self.proc = None
                return {"status": "run failed", "message": "the process ended without an answer (crash)"}
            free = available_mb()
            if free < min_free or time.monotonic() - start > timeout:
                self.stop()
                why = f"{free} MB available" if free < min_free else f"over {timeout:.0f} s"
                return {"status": "stopped", "message": f"stopped by the watchdog: {why}"}

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def load_train(npz: Path):
    """(step, node index, neuron) of every spike, sorted, dt and the node names; None when there is no file."""
    if not npz.is_file():
        return None
    with np.load(npz) as f:
        return f["step"], f["node"], f["neuron"], float(f["dt"]), [str(x) for x in f["nodes"]]


def compare_trains(a, b) -> dict:
    """The class of two trains (``load_train``'s) and where they first part."""
    sa, na, ia, dt, names_a = a
    sb, nb, ib, _, names_b = b
    # both sorted by (step, node index, neuron) with nodes sorted by name, so by (step, name, neuron): node
    # indices become ranks among the names of both sides
    names = sorted(set(names_a) | set(names_b))
    na = np.array([names.index(x) for x in names_a] + [-1], np.int64)[na]
    nb = np.array([names.index(x) for x in names_b] + [-1], np.int64)[nb]
    out = {"count": (len(sa), len(sb)), "nodes": sorted(set(names_a) ^ set(names_b))}
    n = min(len(sa), len(sb))
    differ = np.flatnonzero((sa[:n] != sb[:n]) | (na[:n] != nb[:n]) | (ia[:n] != ib[:n]))
    first = int(differ[0]) if len(differ) else (n if len(sa) != len(sb) else None)
    if first is None and not out["nodes"]:
        out["class"] = "identical"
        return out
    out["class"] = "same count, shifted" if len(sa) == len(sb) else "different"

    def spike(s, nn, i, k):
        return f"{s[k] * dt:.2f} ms {names[nn[k]]}[{i[k]}]" if k is not None and k < len(s) else "none"

    out["first"] = (first, spike(sa, na, ia, first), spike(sb, nb, ib, first))
    out["differ"] = len(differ) + abs(len(sa) - len(sb))  # positions of the sorted trains that differ
    return out


def compare_all(out: Path, sides: list[str], only: list[str]) -> int:
    """Print a markdown table of every network, and a summary; 0 when every network ran identically."""
    files = dict(json.loads((out / "networks.json").read_text()))
    networks = [n for n in files if keep(n, only)]
    a, b = sides[0], sides[-1]
    print(f"\n| network | {a} spikes | {b} spikes | class | first differing spike ({a} / {b}) |")
    print("| --- | ---: | ---: | --- | --- |")
    tally: dict[str, int] = {}
    same_spikes = 0
    for name in networks:
        status = {s: json.loads(p.read_text()) if (p := out / s / f"{name}.json").is_file() else
                  {"status": "not run", "message": ""} for s in (a, b)}
        trains = {s: load_train(out / s / f"{name}.npz") for s in (a, b)}
        if all(t is not None for t in trains.values()):
            c = compare_trains(trains[a], trains[b])
            cls = c["class"]
            first = "" if cls == "identical" else \
                f"#{c['first'][0]}: {c['first'][1]} / {c['first'][2]} ({c['differ']} positions differ)"
            if c["nodes"]:
                first += f" nodes on one side only: {', '.join(c['nodes'])}"
            counts = c["count"]
            same_spikes += counts[0] if cls == "identical" else 0
        else:
            bad = [s for s in (a, b) if trains[s] is None]
            cls = f"{status[bad[0]]['status']} on {' and '.join(bad)}"
            said = [f"{s}: {status[s]['message'][:160]}".replace("\n", " / ") for s in bad if status[s]["message"]]
            first = "; ".join(said + [file_features(files[name])])
            counts = tuple(status[s].get("spikes", "-") for s in (a, b))
        tally[cls] = tally.get(cls, 0) + 1
        print(f"| {name} | {counts[0]} | {counts[1]} | {cls} | {first.replace('|', '/')} |")
    print(f"\n{len(networks)} networks: " + ", ".join(f"{v} {k}" for k, v in sorted(tally.items())) +
          f" ({same_spikes} spikes in the identical ones)")
    return 0 if tally.get("identical", 0) == len(networks) else 1


def file_features(path: str) -> str:
    """What in a network file an older engine may lack: its format version, the models and rules it carries, its
    synapses other than current, conductance and delta (read as plain JSON, so any side's file)."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return "not plain JSON"
    kinds = sorted({(p.get("synapse") or {}).get("kind", "?") for p in data.get("projections", {}).values()}
                   - {"current", "conductance", "delta"})
    said = [f"file version {data.get('version')}"]
    said += [f"{what} {', '.join(sorted(data.get(key) or {}))}" for what, key in
             (("carries the models", "models"), ("carries the rules", "rules")) if data.get(key)]
    return "; ".join(said + ([f"synapses {', '.join(kinds)}"] if kinds else []))


def keep(name: str, only: list[str]) -> bool:
    return not only or any(word in name for word in only)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_prepare":
        prepare(Path(sys.argv[2]))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "_serve":
        serve(float(sys.argv[2]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_sides(parser)
    parser.add_argument("--out", required=True, help="folder for the networks, trains and answers")
    parser.add_argument("--seconds", type=float, default=1.0, help="simulated seconds at most per network")
    parser.add_argument("--only", default="", help="comma-separated words: networks whose names hold one")
    parser.add_argument("--cache", action="append", default=[], help="label=NUMBA_CACHE_DIR of a side")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per network and side")
    parser.add_argument("--min-free", type=int, default=2500, help="MB available below which a run is stopped")
    parser.add_argument("--compare-only", action="store_true", help="compare what OUT holds, run nothing")
    args = parser.parse_args()
    sides, out = sides_of(args), Path(args.out).resolve()
    only = [w for w in args.only.split(",") if w]
    labels = [label for label, _ in sides]
    if not args.compare_only:
        caches = dict(c.split("=", 1) for c in args.cache)
        envs = {}
        for label, path in sides:
            envs[label] = side_env(label, path, "same-trains")
            if label in caches:
                envs[label]["NUMBA_CACHE_DIR"] = caches[label]
        if not (out / "networks.json").is_file():
            subprocess.run([sys.executable, str(HERE), "_prepare", str(out)], env=envs[labels[-1]], check=True)
        workers = {label: Worker(envs[label], args.seconds) for label in labels}
        print(f"load {os.getloadavg()}, {args.seconds} s simulated at most per network", flush=True)
        for name, path in json.loads((out / "networks.json").read_text()):
            if not keep(name, only):
                continue
            for label in labels:
                (out / label).mkdir(parents=True, exist_ok=True)
                answer_file, npz = out / label / f"{name}.json", out / label / f"{name}.npz"
                if answer_file.is_file():
                    continue  # done in an earlier run
                answer = workers[label].ask(name, path, npz, args.timeout, args.min_free)
                answer_file.write_text(json.dumps(answer))
                said = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in answer.items()}
                print(f"{name} {label}: {said}  load {os.getloadavg()[0]:.1f}", flush=True)
        for w in workers.values():
            w.stop()
    return compare_all(out, labels, only)


if __name__ == "__main__":
    sys.exit(main())
