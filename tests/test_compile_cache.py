"""The compiled kernels are cached on disk: a second process loads them instead of compiling again,
and an edit to any module compiled into the time loop compiles it afresh instead of loading stale code."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = """
import json, spikestudio
from spikestudio.engine.kernels import kernel
from spikestudio.resources.examples import example_path
net = spikestudio.load(example_path("single_neuron"))
spikestudio.Simulator(net).run(0.01)
stats = kernel.run_chunk.stats
print(json.dumps({"hits": sum(stats.cache_hits.values()), "misses": sum(stats.cache_misses.values()),
                  "package": spikestudio.__file__}))
"""


def run_script(script: str, *argv: str, env: dict | None = None, timeout: float = 900) -> dict:
    """The JSON a fresh Python process running ``script`` prints last (its error, if it fails)."""
    out = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True, timeout=timeout,
                         env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def empty_caches(tmp_path) -> dict:
    """The environment of a process whose numba and model caches start empty (folders under ``tmp_path``)."""
    return dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"),
                SPIKESTUDIO_MODEL_CACHE=str(tmp_path / "models"))


def run_fresh_process(env: dict | None = None) -> dict:
    return run_script(SCRIPT, env=env, timeout=600)


def test_second_launch_loads_the_kernel_from_the_disk_cache():
    run_fresh_process()  # compiles if nothing is cached yet, and writes the cache
    second = run_fresh_process()
    assert (second["hits"], second["misses"]) == (1, 0)


@pytest.mark.slow
def test_editing_a_module_compiled_into_the_loop_invalidates_the_cache(tmp_path):
    """numba alone watches only kernel.py; neuron_kernels.py is compiled into the same loop."""
    package = tmp_path / "site" / "spikestudio"
    shutil.copytree(ROOT, package,
                    ignore=shutil.ignore_patterns(".*", "__pycache__", "tests", "benchmarks", "*.egg-info"))
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "site"), NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"))
    first = run_fresh_process(env)
    assert Path(first["package"]).parent == package  # the copy, not the installed package
    assert (first["hits"], first["misses"]) == (0, 1)
    assert run_fresh_process(env)["hits"] == 1
    source = package / "engine" / "kernels" / "neuron_kernels.py"
    source.write_text(source.read_text() + "\n# an edit\n")
    after_edit = run_fresh_process(env)
    assert (after_edit["hits"], after_edit["misses"]) == (0, 1)


MODELS = ROOT / "tests" / "data" / "models"

MODEL_SCRIPT = """
import json, sys
from pathlib import Path
import spikestudio
from spikestudio.engine.kernels import kernel
from spikestudio.engine.kernels.compile_status import needs_compile
from spikestudio.engine.model.network import Network
net = Network(dt=0.1, duration=10.0, seed=1)
net.add_model("m", Path(sys.argv[1]).read_text())
net.add_poisson("drive", 20, rate=50.0)
net.add_population("P", 50, "m")
net.connect("drive", "P", "fixed_probability", p=0.2, synapse="current")
sim = spikestudio.Simulator(net)
needs = needs_compile(sim.built)
sim.run(0.01)
entry = sim.built.gates.custom
count = lambda d: [sum(d.stats.cache_hits.values()), sum(d.stats.cache_misses.values())]
print(json.dumps({"needs_compile": needs, "loop": count(kernel.run_chunk), "entry": count(entry)}))
"""


@pytest.mark.slow
def test_a_model_from_equations_compiles_only_its_own_entry_and_loads_it_from_disk(tmp_path):
    """The time loop is compiled once for all models from equations: a second model compiles only its entry,
    and a new process loads both the loop and the entry from the disk cache, compiling nothing (and
    ``needs_compile`` knows which)."""
    env = empty_caches(tmp_path)

    def run(model: str) -> dict:
        return run_script(MODEL_SCRIPT, str(MODELS / f"{model}.model"), env=env)

    assert run("qif") == {"needs_compile": True, "loop": [0, 1], "entry": [0, 1]}  # an empty cache: both compile
    assert run("qif") == {"needs_compile": False, "loop": [1, 0], "entry": [1, 0]}  # a new process loads both
    # a new model: only its entry compiles, and the app says it compiles
    assert run("exponential_if") == {"needs_compile": True, "loop": [1, 0], "entry": [0, 1]}


RULE_SCRIPT = """
import json, sys
import spikestudio
from spikestudio.engine.kernels import kernel
from spikestudio.engine.kernels.compile_status import needs_compile
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.plugins.api import described_rule
text = ("param eta = 0.5 [0, 10]\\nparam tau = 20 ms (0, inf)\\npre x = 0\\ndx/dt = -x/tau\\non_pre x += 1\\n"
        "on_pre w += eta*x*" + sys.argv[1])
net = Network(dt=0.1, duration=10.0, seed=1)
net.add_poisson("drive", 20, rate=50.0)
net.add_population("P", 10, "lif")
net.connect("drive", "P", "all_to_all", id="DP", plasticity=Plasticity("r", {}))
sim = spikestudio.Simulator(net, rules={"r": described_rule("r", "1.0", text)})
needs = needs_compile(sim.built)
sim.run(0.01)
entry = sim.built.gates.rules
count = lambda d: [sum(d.stats.cache_hits.values()), sum(d.stats.cache_misses.values())]
print(json.dumps({"needs_compile": needs, "loop": count(kernel.run_chunk), "entry": count(entry)}))
"""


@pytest.mark.slow
def test_a_learning_rule_from_equations_compiles_only_its_own_entry_and_loads_it_from_disk(tmp_path):
    """As for models: the time loop is compiled once for every set of learning rules from equations; a new rule
    compiles only its entry, and a new process loads both from the disk cache."""
    env = empty_caches(tmp_path)

    def run(factor: str) -> dict:
        return run_script(RULE_SCRIPT, factor, env=env)

    assert run("2") == {"needs_compile": True, "loop": [0, 1], "entry": [0, 1]}  # an empty cache: both compile
    assert run("2") == {"needs_compile": False, "loop": [1, 0], "entry": [1, 0]}  # a new process loads both
    assert run("3") == {"needs_compile": True, "loop": [1, 0], "entry": [0, 1]}  # a new rule: its entry only
