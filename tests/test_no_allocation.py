"""The time loop allocates nothing while it runs: numba's runtime counts no allocation during a chunk.

This replaces what numba's private ``_nrt=False`` used to promise (``kernel.jit_loop``). With the runtime on,
calling a compiled function from Python wraps each array argument in one runtime record (``MemInfo``), freed on
return; so a chunk of a loop that allocates nothing costs exactly one allocation and one free per array it is
given, however many steps it runs. The counts come from a fresh process with ``NUMBA_NRT_STATS=1`` (numba's
switch for them), one network after another.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

WORKER = r"""
import json, sys
from pathlib import Path
import numba
import numpy as np
from numba.core.runtime import rtsys
import spikestudio
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.resources.examples import example_path

MODELS = Path(sys.argv[1])


def stats():
    s = rtsys.get_allocation_stats()
    return np.array([s.alloc, s.free], np.int64)


@numba.njit
def allocating(n):
    total = 0.0
    for k in range(n):
        total += np.empty(3)[0] * 0.0 + k
    return total


def izhikevich_stdp():
    net = Network(dt=0.1, seed=2)
    net.add_poisson("drive", 200, rate=30.0)
    net.add_population("N", 100, "izhikevich")
    net.connect("drive", "N", "fixed_indegree", k=20, weight=8.0, synapse="current", tau=5.0,
                plasticity=Plasticity("stdp"))
    return net


def custom_model():
    net = Network(dt=0.1, seed=3)
    net.add_model("m", (MODELS / "qif.model").read_text())
    net.add_poisson("drive", 50, rate=50.0)
    net.add_population("P", 80, "m")
    net.connect("drive", "P", "fixed_probability", p=0.3, synapse="current")
    return net


def mixed():
    # Poisson drive, delays of one and several steps, current, conductance and delta synapses, STDP and
    # short-term plasticity
    net = Network(dt=0.1, seed=7)
    net.add_poisson("P", 300, rate=40.0)
    net.add_population("E", 800, "lif", I_e=300.0)
    net.add_population("I", 200, "lif")
    net.connect("P", "E", "fixed_indegree", k=20, weight=60.0, synapse="current", tau=5.0)
    net.connect("P", "I", "fixed_indegree", k=10, weight=2.0, synapse="delta")
    net.connect("E", "E", "fixed_probability", p=0.05, weight=20.0, delay=1.5, synapse="current", tau=5.0,
                plasticity=Plasticity("stdp"))
    net.connect("E", "I", "fixed_probability", p=0.1, weight=0.5, delay=1.5, synapse="conductance")
    net.connect("I", "E", "fixed_probability", p=0.1, weight=40.0, delay=0.1, synapse="current",
                receptor="inhibitory", tau=10.0, plasticity=Plasticity("tsodyks_markram"))
    return net


CASES = [("cuba", lambda: spikestudio.load(example_path("cuba")), {}, False),
         ("coba", lambda: spikestudio.load(example_path("coba")), {}, False),
         ("izhikevich + stdp", izhikevich_stdp, {}, False),
         ("model from equations", custom_model, {}, False),
         ("mixed: poisson, delays, stdp, stp", mixed, {}, False),
         ("mixed on 2 threads", mixed, {"threads": 2}, True),
         ("graded synapses and gap junctions", lambda: spikestudio.load(example_path("tap_withdrawal")), {}, False)]


def chunk(sim, steps):
    # one chunk as Simulator._run_steps runs it, the loop called directly: nothing else counted
    b = sim.built
    b.state.counters[0] = 0
    before = stats()
    done, _ = b.loop(b.state, sim.step, steps, *b.gates)
    sim.step += int(done)
    return (stats() - before).tolist(), int(done)


out = {"probe": []}
allocating(1)  # compiling starts numba's runtime, which switches the counts on
before = stats()
allocating(10)
out["probe"].append((stats() - before).tolist())
before = stats()
allocating(1000)
out["probe"].append((stats() - before).tolist())
for label, make, keywords, threads in CASES:
    sim = spikestudio.Simulator(make(), **keywords)
    if threads:
        sim.built.state.par[1:3] = (64, 1)
    sim.run(0.005)  # compiles (or loads), and sets the thread count of the chunks (par[0])
    arrays = sum(isinstance(a, np.ndarray) for a in sim.built.state)
    one, _ = chunk(sim, 1)
    many, done = chunk(sim, 1000)
    out[label] = {"arrays": arrays, "one": one, "many": many, "done": done, "par": int(sim.built.state.par[0]),
                  "spikes": int(sim.built.state.spike_count.sum())}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def counts():
    env = dict(os.environ, NUMBA_NRT_STATS="1")
    proc = subprocess.run([sys.executable, "-c", WORKER, str(HERE / "data" / "models")], env=env,
                          capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_counts_see_an_allocation(counts):
    """The probe is live: a compiled function that makes an array a step is seen, once per step."""
    small, large = counts["probe"]
    assert large[0] - small[0] >= 990 and large[0] == large[1]


@pytest.mark.slow
@pytest.mark.parametrize("label", ["cuba", "coba", "izhikevich + stdp", "model from equations",
                                   "mixed: poisson, delays, stdp, stp", "mixed on 2 threads"])
def test_a_chunk_allocates_nothing_but_its_arguments_records(counts, label):
    case = counts[label]
    assert case["done"] == 1000 and case["spikes"] > 0
    # one record per array argument, freed on return; nothing per step, nothing more per call
    assert case["one"] == [case["arrays"], case["arrays"]], case
    assert case["many"] == case["one"], case
    if label == "mixed on 2 threads":
        assert case["par"] == 2
