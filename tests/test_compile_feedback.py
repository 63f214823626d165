"""Long waits say what is happening: a cold `spikestudio run` says it compiles (and leaves the compile out of its
"x real time"), and `spikestudio warmup` shows each network as it goes."""

import os
import re
import subprocess
import sys

import pytest
from spikestudio import cli
from spikestudio.resources.examples import list_examples


def run_single_neuron(cache) -> subprocess.CompletedProcess:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    return subprocess.run([sys.executable, "-m", "spikestudio", "run", "single_neuron"], capture_output=True,
                          text=True, timeout=900, env=env, check=True)


@pytest.mark.slow
def test_a_cold_run_says_it_compiles_and_leaves_the_compile_out_of_its_speed(tmp_path):
    cold = run_single_neuron(tmp_path / "numba-cache").stderr
    assert cold.startswith("Compiling the kernels for LIF + current inputs (first time only)…\n"), cold
    compiled = float(re.search(r"^compiled in ([\d.]+) s \(not counted in the run's time\)$", cold, re.M)[1])
    ran = float(re.search(r"done in ([\d.]+) s \(", cold)[1])
    assert ran < compiled  # a second of simulated LIF takes milliseconds; the compile, seconds
    warm = run_single_neuron(tmp_path / "numba-cache").stderr
    assert "ompil" not in warm and "done in" in warm  # loaded from the cache: nothing to say


def test_warmup_shows_each_network_as_it_goes(capsys):
    assert cli.main(["warmup"]) == 0
    out = capsys.readouterr()
    total = len(list_examples()) + 1
    lines = out.err.splitlines()
    assert [line.split("]")[0] for line in lines] == [f"[{k}/{total}" for k in range(1, total + 1)]
    assert lines[0].startswith(f"[1/{total}] kernels of a network with every model, input and rule (")
    assert all(re.search(r"\(\d+ s so far\)$", line) for line in lines)
    assert out.out.startswith("compiled the simulation kernels in ")
