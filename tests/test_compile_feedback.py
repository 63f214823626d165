"""Long waits say what is happening: a cold `spikestudio run` says it compiles (and leaves the compile out of its
"x real time"), `spikestudio warmup` shows each network as it goes, and the first launch of an install without
the warm-up (a wheel) compiles every model in the background, saying so in the status bar."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from spikestudio import cli
from spikestudio.resources.examples import list_examples
from test_gui_live import wait_for

COLD = os.environ.get("SPIKESTUDIO_TEST_COLD_CACHE") == "1"  # set by the cold-cache run below, with an empty cache


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


@pytest.mark.skipif(not COLD, reason="needs an empty compile cache: test_first_launch_on_a_cold_compile_cache runs it")
def test_first_launch_compiles_every_model_in_the_background(window):
    from spikestudio.gui.shell.first_launch import BackgroundWarmup

    w = window("single_neuron")
    first, shown = BackgroundWarmup(w), set()

    def finished(warm) -> bool:
        found = re.fullmatch(r"Compiling the kernels for every model \(first time only\)… (\d+) s", warm.label.text())
        if found and warm.label.isVisible():
            shown.add(int(found[1]))
        return not warm.timer.isActive()

    assert wait_for(lambda: finished(first), 900)
    assert first.error is None and len(shown) >= 2 and not first.label.isVisible()  # it counted the seconds
    assert "Compiled the kernels for every model in " in w.messages.toPlainText()
    from spikestudio.engine.model.catalog import NEURON_MODELS, builtin_description
    from spikestudio.engine.teaching import one_neuron

    planes = {m for m in NEURON_MODELS if len(builtin_description(m).state) == 2}
    assert planes and planes <= {m for m, loop in one_neuron._DRIVERS.items() if loop.signatures}  # phase planes too
    shown.clear()
    second = BackgroundWarmup(w)  # the next launch: compiled already, so nothing to do or say
    assert wait_for(lambda: finished(second), 300)
    assert second.seconds is None and not shown and second.error is None


@pytest.mark.slow
def test_first_launch_on_a_cold_compile_cache(tmp_path):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"), QT_QPA_PLATFORM="offscreen",
               SPIKESTUDIO_TEST_COLD_CACHE="1")
    test = f"{__file__}::test_first_launch_compiles_every_model_in_the_background"
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
                         cwd=Path(__file__).resolve().parents[1], env=env, capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0 and "1 passed" in out.stdout, out.stdout[-4000:] + out.stderr[-2000:]
