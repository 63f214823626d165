"""The compiled kernels are cached on disk: a second process loads them instead of compiling again."""

import json
import subprocess
import sys

SCRIPT = """
import json, spikestudio
from spikestudio.engine import kernel
from spikestudio.resources.examples import example_path
net = spikestudio.load(example_path("single_neuron"))
spikestudio.Simulator(net).run(0.01)
stats = kernel.run_chunk.stats
print(json.dumps({"hits": sum(stats.cache_hits.values()), "misses": sum(stats.cache_misses.values())}))
"""


def run_fresh_process() -> dict:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_second_launch_loads_the_kernel_from_the_disk_cache():
    run_fresh_process()  # compiles if nothing is cached yet, and writes the cache
    second = run_fresh_process()
    assert second == {"hits": 1, "misses": 0}
