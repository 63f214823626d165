"""Results of scripted and command-line runs stay bounded, each kind of data on its own budget; --stream keeps all."""

import os
import subprocess
import sys

import numpy as np
import pytest
from spikestudio import cli
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation import results
from spikestudio.engine.simulation.simulator import Simulator

UNBOUNDED = {"max_spikes": None, "max_trace_values": None, "max_rate_bins": None}


def busy_network() -> Network:
    """Firing neurons with every kind of recorder: spikes, a trace of 20 neurons each step, 1 ms rate bins."""
    net = Network(dt=0.1, seed=4)
    net.add_poisson("P", 100, rate=50.0)
    net.add_population("E", 100)
    net.connect("P", "E", "fixed_probability", p=0.2, weight=120.0)
    net.record_spikes("E")
    net.record_state("E", neurons=range(20), interval=0.1, id="v")
    net.record_rate("E", bin=1.0, id="r")
    return net


def test_api_runs_are_bounded_by_the_named_budgets():
    sim = Simulator(busy_network())
    budgets = (results.MAX_SPIKES, results.MAX_TRACE_VALUES, results.MAX_RATE_BINS)
    assert (sim.max_spikes, sim.max_trace_values, sim.max_rate_bins) == budgets and None not in budgets
    assert (sim.results.max_spikes, sim.results.max_trace_values) == budgets[:2]


def test_traces_over_their_budget_leave_the_spikes_whole():
    full = Simulator(busy_network(), chunk_steps=500, **UNBOUNDED).run(1.0)
    bounded = Simulator(busy_network(), chunk_steps=500, max_trace_values=40_000).run(1.0)
    assert full.spikes("E")[0].size > 1000
    assert bounded.spikes_kept_from == 0.0
    np.testing.assert_array_equal(bounded.spikes("E")[0], full.spikes("E")[0])
    t, v = bounded.trace("v")
    assert 0 < bounded.traces_kept_from == bounded.kept_from and v.size <= 40_000
    ft, fv = full.trace("v")
    np.testing.assert_array_equal(t, ft[ft >= bounded.traces_kept_from])
    np.testing.assert_array_equal(v, fv[ft >= bounded.traces_kept_from])


def test_rate_bins_have_their_own_budget():
    full = Simulator(busy_network(), chunk_steps=500, **UNBOUNDED).run(1.0)
    bounded = Simulator(busy_network(), chunk_steps=500, max_rate_bins=200).run(1.0)
    t, rate = bounded.rate("r")
    ft, frate = full.rate("r")
    assert rate.size <= 250 and t[0] == bounded.rates_kept_from > 0
    np.testing.assert_array_equal(t, ft[-t.size:])
    np.testing.assert_array_equal(rate, frate[-rate.size:])
    assert bounded.spikes_kept_from == bounded.traces_kept_from == 0.0


@pytest.fixture
def net_file(tmp_path):
    path = tmp_path / "busy.json"
    fileformat.save(busy_network(), path)
    return path


def small_budgets(monkeypatch):
    for name in ("MAX_SPIKES", "MAX_TRACE_VALUES", "MAX_RATE_BINS"):
        monkeypatch.setattr(results, name, 300)


def test_run_out_saves_the_bounded_results_and_says_so(net_file, tmp_path, monkeypatch, capsys):
    small_budgets(monkeypatch)
    assert cli.main(["run", str(net_file), "--duration", "0.5", "--out", str(tmp_path / "r.npz")]) == 0
    assert "--stream keeps everything" in capsys.readouterr().err
    with np.load(tmp_path / "r.npz") as saved:
        assert saved["kept_from_ms"] > 0 and saved["traces/v/values"].size < 20 * 5000


def test_run_out_stream_keeps_everything_the_unbounded_results_hold(net_file, tmp_path, monkeypatch, capsys):
    for name in ("MAX_SPIKES", "MAX_TRACE_VALUES", "MAX_RATE_BINS"):
        monkeypatch.setattr(results, name, None)
    assert cli.main(["run", str(net_file), "--duration", "0.5", "--out", str(tmp_path / "all.npz")]) == 0
    small_budgets(monkeypatch)
    streamed = tmp_path / "streamed.npz"
    assert cli.main(["run", str(net_file), "--duration", "0.5", "--out", str(streamed), "--stream"]) == 0
    assert "--stream keeps everything" not in capsys.readouterr().err
    with np.load(tmp_path / "all.npz") as whole, np.load(streamed) as stream:
        assert sorted(stream.files) == sorted(whole.files)
        for key in whole.files:
            np.testing.assert_array_equal(stream[key], whole[key], err_msg=key)
        assert stream["traces/v/values"].shape == (5000, 20) and stream["kept_from_ms"] == 0.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.npz", "busy.json", "streamed.npz"]  # no leftovers


def test_stream_needs_out(net_file, capsys):
    assert cli.main(["run", str(net_file), "--stream"]) == 2
    assert "--stream needs --out" in capsys.readouterr().err


_PEAK_OF_RUN = """
import sys
from spikestudio import cli
from spikestudio.engine.simulation import results
results.MAX_SPIKES = results.MAX_TRACE_VALUES = results.MAX_RATE_BINS = 10_000
assert cli.main(["run", sys.argv[1], "--duration", "0.05", "--out", sys.argv[2], "--stream"]) == 0  # warm up
with open("/proc/self/status") as f:
    before = int(f.read().split("VmHWM:")[1].split()[0])
assert cli.main(["run", sys.argv[1], "--duration", sys.argv[3], "--out", sys.argv[2], "--stream"]) == 0
with open("/proc/self/status") as f:
    print((int(f.read().split("VmHWM:")[1].split()[0]) - before) << 10)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads peak memory from /proc (Linux)")
def test_a_streamed_run_does_not_grow_memory_with_its_length(tmp_path):
    net = busy_network()
    net.recorders["v"].neurons = list(range(100))  # 100 values a step: 32 MB of trace in 4 s
    path = tmp_path / "busy.json"
    fileformat.save(net, path)
    peaks = {}
    for seconds in ("1", "4"):
        out = subprocess.run([sys.executable, "-c", _PEAK_OF_RUN, str(path), str(tmp_path / "r.npz"), seconds],
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        peaks[seconds] = int(out.stdout.split()[-1])
        with np.load(tmp_path / "r.npz") as saved:
            assert saved["traces/v/values"].shape == (int(seconds) * 10_000, 100)
    assert peaks["4"] - peaks["1"] < 8 << 20, peaks  # an unbounded run would hold 24 MB more
