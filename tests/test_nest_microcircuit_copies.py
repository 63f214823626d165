"""The microcircuit benchmark's NEST synapse-model copies (benchmarks/microcircuit.py, issue 18).

NEST 3.10 holds at most 134,217,726 connections per thread and synapse model; the full microcircuit on 1 or 2
threads needs its projections split over copies of ``static_synapse``. These tests check that the spec asks for
copies exactly when the limit needs them, that copying per source population is enough at full scale, and (with
NEST installed) that the copies build the intended models and change neither the connections nor the spikes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from spikestudio.resources.examples.microcircuit import microcircuit

REPO = Path(__file__).resolve().parents[1]


def benchmark():
    """benchmarks/microcircuit.py as a module (benchmarks are scripts, not part of the package)."""
    spec = importlib.util.spec_from_file_location("microcircuit_benchmark", REPO / "benchmarks" / "microcircuit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_copies_are_asked_for_only_when_one_model_would_overflow_a_thread():
    bench = benchmark()
    full = microcircuit(1.0)
    assert [bench.spec_of(full, 0.0, 100.0, t)["synapse_copies"] for t in (1, 2, 4)] == ["source", "source", False]
    assert bench.spec_of(microcircuit(0.05), 0.0, 100.0, 1)["synapse_copies"] is False
    assert bench.spec_of(microcircuit(0.05), 0.0, 100.0, 1, synapse_copies="projection")["synapse_copies"] == \
        "projection"
    spec = bench.spec_of(full, 0.0, 100.0, 1)
    total = sum(c["n"] for c in spec["projections"])
    assert total > bench.NEST_MAX_CONNECTIONS  # one model on one thread: NEST's "Too many connections"
    per_source = Counter()
    for c in spec["projections"]:
        per_source[c["source"]] += c["n"]
    assert len(per_source) == 8 and max(per_source.values()) < bench.NEST_MAX_CONNECTIONS


def nest_python() -> str | None:
    for python in filter(None, [os.environ.get("SPIKESTUDIO_NEST_PYTHON"), str(REPO / ".venv-nest/bin/python")]):
        if Path(python).exists() and subprocess.run([python, "-c", "import nest"], capture_output=True,
                                                    timeout=300).returncode == 0:
            return python
    return None


@pytest.mark.slow
def test_nest_copies_build_one_model_per_source_or_projection_and_change_no_spike(tmp_path):
    python = nest_python()
    if python is None:
        pytest.skip("no Python with NEST: set SPIKESTUDIO_NEST_PYTHON or install nest-simulator in .venv-nest")
    bench = benchmark()
    net = microcircuit(0.05, seed=3)
    runs = {}
    for copies in ("off", "source", "projection"):
        spec = bench.spec_of(net, 0.0, 200.0, 1, synapse_copies=copies)
        path = tmp_path / f"{copies}.json"
        path.write_text(json.dumps(spec))
        done = subprocess.run([python, str(REPO / "benchmarks" / "_nest_microcircuit.py"), str(path)],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        assert lines[0]["stage"] == "built" and lines[0]["synapses"] == lines[-1]["synapses"]
        runs[copies] = lines[-1]
    n_projections = len(spec["projections"])
    assert n_projections > 40
    assert [runs[c]["synapse_models"] for c in runs] == [1, 8, n_projections]
    assert runs["off"]["synapses"] == runs["source"]["synapses"] == runs["projection"]["synapses"]
    assert sum(runs["off"]["rates"].values()) > 10.0  # the network fires
    assert runs["off"]["rates"] == runs["source"]["rates"] == runs["projection"]["rates"]
