"""The ``spikestudio`` command line: in-process through ``main(argv)`` and once through the installed script."""

import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import spikestudio
from spikestudio import cli
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Distribution, Metadata, Network, NodeLayout
from spikestudio.engine.simulation.build import estimate_memory
from spikestudio.engine.units import format_bytes
from spikestudio.resources.examples import example_path, list_examples


def small_network(seed: int = 3) -> Network:
    """Two LIF populations driven by Poisson input; I has no spike recorder (the CLI adds one for the CV)."""
    net = Network(dt=0.1, duration=300.0, seed=seed, metadata=Metadata("Small test net", "tests", "", "CC0-1.0"))
    net.add_population("E", 80, "lif", tau_m=20.0, initial={"v": Distribution("uniform", low=-70, high=-55)})
    net.add_population("I", 20, "lif", tau_m=10.0)
    net.add_poisson("P", 80, rate=900.0)
    net.connect("P", "E", "one_to_one", weight=2.0, synapse="delta")
    net.connect("E", "I", "fixed_probability", p=0.3, weight=60.0, delay=1.0)
    net.connect("I", "E", "fixed_probability", p=0.3, weight=40.0, receptor="inhibitory", delay=1.0)
    net.record_spikes("E")
    net.record_rate("E")
    net.record_state("E", "v", neurons=[0, 1])
    net.layout = {"E": NodeLayout(0, 0, "#d62728"), "I": NodeLayout(100, 0, "#1f77b4"),
                  "P": NodeLayout(-100, 0, "#7f7f7f")}
    return net


@pytest.fixture
def net_file(tmp_path) -> Path:
    path = tmp_path / "small.json"
    fileformat.save(small_network(), path)
    return path


def reference(path: Path, seed: int | None = None, duration_s: float | None = None):
    """What the CLI should report: the same file simulated through the scripting API, all spikes recorded."""
    net = spikestudio.load(path)
    if seed is not None:
        net.seed = seed
    return net, spikestudio.Simulator(net, record_all=True).run(duration_s)


def parse_table(stdout: str) -> dict[str, dict]:
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == ["population"])
    rows = {}
    for line in lines[start + 1:]:
        parts = line.split()
        if len(parts) != 5:
            break
        rows[parts[0]] = {"neurons": int(parts[1].replace(",", "")), "spikes": int(parts[2].replace(",", "")),
                          "rate_hz": float(parts[3]), "cv_isi": math.nan if parts[4] == "-" else float(parts[4])}
    return rows


def assert_clean_error(err: str, *fragments: str):
    assert "Traceback" not in err
    assert err.count("spikestudio: error: ") == 1 and ("\n" + err).count("\nspikestudio: error: ") == 1
    for fragment in fragments:
        assert fragment in err


# --- run -------------------------------------------------------------------------------------------


def test_run_prints_a_table_equal_to_the_results(net_file, capsys):
    assert cli.main(["run", str(net_file)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == "Small test net: 300 ms simulated, dt 0.1 ms, seed 3"
    rows = parse_table(out)
    net, res = reference(net_file)
    assert list(rows) == list(net.populations)  # populations only, in file order
    for summary in res.summary():
        if summary["id"] not in rows:
            continue
        row = rows[summary["id"]]
        assert row["neurons"] == summary["neurons"]
        assert row["spikes"] == summary["spikes"] > 0
        assert row["rate_hz"] == pytest.approx(summary["rate_hz"], abs=5e-4)
        assert row["cv_isi"] == pytest.approx(summary["cv_isi"], abs=5e-4)
    assert not math.isnan(rows["I"]["cv_isi"])  # recorded for the CV although the file does not record it
    # stderr is not a terminal here: one final progress line, no carriage returns
    assert err.count("\n") == 1 and "\r" not in err and "100%" in err and "300/300 ms" in err


def test_run_seed_duration_out_and_csv(net_file, tmp_path, capsys):
    out_npz, out_csv = tmp_path / "res.npz", tmp_path / "summary.csv"
    argv = ["run", str(net_file), "--seed", "11", "--duration", "0.15", "--out", str(out_npz), "--csv", str(out_csv)]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "150 ms simulated" in out and "seed 11" in out
    net, res = reference(net_file, seed=11, duration_s=0.15)
    assert spikestudio.load(net_file).seed == 3  # the file itself is untouched
    rows = parse_table(out)
    assert rows["E"]["spikes"] == int(res.spike_counts("E").sum())

    with np.load(out_npz, allow_pickle=False) as data:
        assert float(data["t_ms"]) == pytest.approx(150.0)
        times, ids = res.spikes("E")
        np.testing.assert_array_equal(data["spikes/E/times_ms"], times)
        np.testing.assert_array_equal(data["spikes/E/ids"], ids)
        np.testing.assert_array_equal(data["spikes/I/ids"], res.spikes("I")[1])
        np.testing.assert_array_equal(data["traces/v:E/values"], res.trace("v:E")[1])
        np.testing.assert_array_equal(data["rates/rate:E/rate_hz"], res.rate("rate:E")[1])
        assert json.loads(str(data["metadata"]))["seed"] == 11

    with open(out_csv, newline="") as f:
        table = list(csv.DictReader(f))
    assert [r["id"] for r in table] == ["E", "I"]
    expected = {r["id"]: r for r in res.summary()}
    for r in table:
        assert int(r["spikes"]) == expected[r["id"]]["spikes"]
        assert float(r["rate_hz"]) == expected[r["id"]]["rate_hz"]
        assert float(r["cv_isi"]) == pytest.approx(expected[r["id"]]["cv_isi"], rel=1e-12)


def test_run_saves_every_recording_as_csv(net_file, tmp_path, capsys):
    out = tmp_path / "csv"
    assert cli.main(["run", str(net_file), "--csv-dir", str(out)]) == 0
    assert "saved as CSV in" in capsys.readouterr().out
    net = spikestudio.load(net_file)
    results = spikestudio.Simulator(net).run(None)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["rate_rate_E.csv", "spikes_E.csv", "spikes_I.csv", "trace_v_E.csv"]
    spikes = np.loadtxt(out / "spikes_E.csv", delimiter=",", skiprows=1)
    times, ids = results.spikes("E")
    assert np.array_equal(spikes[:, 1].astype(int), ids) and np.allclose(spikes[:, 0], times, rtol=1e-5)
    trace = np.loadtxt(out / "trace_v_E.csv", delimiter=",", skiprows=1)
    assert (out / "trace_v_E.csv").read_text().splitlines()[0] == "time_ms,neuron_0,neuron_1"
    assert np.allclose(trace[:, 1:], results.trace("v:E")[1], rtol=1e-8)
    rate = np.loadtxt(out / "rate_rate_E.csv", delimiter=",", skiprows=1)
    assert np.allclose(rate[:, 1], results.rate("rate:E")[1], rtol=1e-8)


def test_bare_command_and_bare_file_open_the_editor(net_file, tmp_path, qapp, monkeypatch):
    from PySide6.QtGui import QImage

    monkeypatch.setenv("SPIKESTUDIO_HOME", str(tmp_path / "home"))
    shots = []
    from spikestudio.gui.shell import app

    real = app.make_window
    monkeypatch.setattr(app, "make_window", lambda path=None, recover=True: shots.append(path) or real(path, recover))
    assert cli.main(["--screenshot", str(tmp_path / "a.png")]) == 0
    assert cli.main([str(net_file), "--screenshot", str(tmp_path / "b.png")]) == 0
    assert shots == [None, str(net_file)]
    assert not QImage(str(tmp_path / "b.png")).isNull()


def test_a_missing_file_is_refused_before_any_window_opens(tmp_path, capsys):
    assert cli.main([str(tmp_path / "nope.snn")]) == 2
    assert "no such file" in capsys.readouterr().err.lower()


def test_run_a_bundled_example_by_name(capsys):
    assert cli.main(["run", "single_neuron", "--duration", "0.2"]) == 0
    assert "200 ms simulated" in capsys.readouterr().out


def test_progress_bar_redraws_in_place_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = cli._Progress(stream, 1000.0)
    for done in (200.0, 400.0, 1000.0):
        progress.update(done, 1000.0)
    progress.finish()
    text = stream.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n") and text.count("\n") == 1
    assert "[######------------------------]  20%  200/1000 ms" in text
    assert "100%  1000/1000 ms  done in" in text


def test_help_says_what_the_bare_command_does(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "opens the editor (the GUI) on the default example" in out
    for command in ("gui", "run", "validate", "info", "examples", "warmup"):
        assert command in out


# --- validate, info, examples ----------------------------------------------------------------------


def test_validate_a_good_file(net_file, capsys):
    assert cli.main(["validate", str(net_file)]) == 0
    assert capsys.readouterr().out == "OK: Small test net (2 populations, 3 projections)\n"
    assert cli.main(["validate", "brunel"]) == 0
    assert capsys.readouterr().out.startswith("OK: Sparse balanced network (Brunel 2000)")


def test_validate_warns_of_a_time_step_large_against_time_constants_and_still_passes(tmp_path, capsys):
    net = Network(dt=5.0)
    net.add_population("cells", 10, "lif", tau_m=10.0, t_ref=2.0)
    net.populations["cells"].name = "Cortex"
    fileformat.save(net, tmp_path / "coarse.json")
    assert cli.main(["validate", str(tmp_path / "coarse.json")]) == 0  # a warning, not a refusal
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("OK:") and len(lines) == 3
    assert lines[1] == ("warning: dt = 5 ms is large against Cortex's time constant tau_m = 10 ms: spikes and resets "
                        "fall on a coarse grid (keep dt at most 1 ms)")
    assert "refractory period t_ref = 2 ms" in lines[2] and "at most 1 ms" in lines[2]


def test_validate_lists_every_problem_with_its_location(net_file, tmp_path, capsys):
    data = json.loads(net_file.read_text())
    data["populations"]["E"]["params"]["tau_m"] = -5.0
    data["populations"]["I"]["params"]["bogus"] = 1.0
    data["projections"]["E->I"]["rule_params"]["p"] = 1.5
    data["settings"]["dt"] = "fast"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    assert cli.main(["validate", str(broken)]) == 1
    out, err = capsys.readouterr()
    lines = out.splitlines()
    for location in ('populations["E"].params.tau_m: ', 'populations["I"].params.bogus: ',
                     'projections["E->I"].rule_params.p: ', "settings.dt: "):
        assert any(line.startswith(location) for line in lines), (location, lines)
    assert all(": " in line for line in lines)
    assert_clean_error(err, f"{len(lines)} problems found")


def test_info_reports_sizes_synapses_memory_and_settings(capsys):
    assert cli.main(["info", "brunel"]) == 0
    out = capsys.readouterr().out
    net = spikestudio.load(example_path("brunel"))
    n_syn, n_bytes = estimate_memory(net)
    assert n_syn == 4000 * 500 + 1000 * 500 + 5000
    assert f"expected synapses:   {n_syn:,}" in out
    assert f"estimated memory:    {format_bytes(n_bytes)}" in out
    assert format_bytes(n_bytes) == f"{n_bytes / 2**20:.2f} MiB"
    assert "5,000 in populations, 5,000 in spike sources, 10,000 in total" in out
    assert "  E                4,000 neurons  lif" in out
    assert "  ext_I            1,000 neurons  poisson, 10000 Hz" in out
    assert "dt:          0.1 ms" in out and "duration:    1000 ms" in out and "seed:        2000" in out
    assert out.startswith(net.metadata.title) and "license:     CC0-1.0" in out and "Brunel" in out


def test_info_on_a_current_input(capsys):
    assert cli.main(["info", "single_neuron"]) == 0
    out = capsys.readouterr().out
    assert "current dc -> neuron" in out and "expected synapses:   0" in out


def test_format_bytes():
    assert format_bytes(0) == "0 bytes" and format_bytes(1) == "1 byte" and format_bytes(512) == "512 bytes"
    assert format_bytes(1023) == "1023 bytes" and format_bytes(1024) == "1.0 KiB"
    assert format_bytes(3277) == "3.2 KiB"
    assert format_bytes(3 * 2**19) == "1.50 MiB"
    assert format_bytes(2**31) == "2.00 GiB"
    assert format_bytes(3 * 2**40) == "3.00 TiB"
    assert format_bytes(2**70) == "1048576.00 PiB"  # the largest unit
    assert format_bytes(2**20 - 1) == "1.00 MiB"  # not "1024.0 KiB"
    assert format_bytes(2**30 - 2**10) == "1.00 GiB"


def test_examples_lists_names_and_titles(capsys):
    assert cli.main(["examples"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == list_examples()
    assert any(line.startswith("cuba") and "Vogels & Abbott" in line for line in lines)
    assert any("(default)" in line for line in lines if line.startswith("single_neuron"))


def test_warmup(capsys):
    from spikestudio.engine.model.catalog import NEURON_MODELS, builtin_description
    from spikestudio.engine.teaching import one_neuron

    assert cli.main(["warmup"]) == 0
    assert capsys.readouterr().out.startswith("compiled the simulation kernels in ")
    # a phase plane's first click steps its model's compiled loop: the warm-up has compiled (or loaded) it
    planes = [m for m in NEURON_MODELS if len(builtin_description(m).state) == 2]
    assert {"izhikevich", "adex", "lif_adaptive"} <= set(planes)
    assert all(one_neuron._driver(model).signatures for model in planes)


# --- errors: a message, an exit status, never a traceback ------------------------------------------


def test_missing_file_and_unknown_example(tmp_path, capsys):
    assert cli.main(["run", str(tmp_path / "nothere.snn")]) == 2
    assert_clean_error(capsys.readouterr().err, "nothere.snn: no such file")
    assert cli.main(["info", "no_such_example"]) == 2
    assert_clean_error(capsys.readouterr().err, "no such file or bundled example", "cuba")
    assert cli.main(["validate", str(tmp_path)]) == 2
    assert_clean_error(capsys.readouterr().err, "is a directory")


@pytest.mark.parametrize("content, suffix, message", [
    (b'{"format": "spikestudio.network", "version": 1', ".json", "not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, ".json", "nested too deeply"),
    (b"\xff\xfe\x00garbage", ".json", "not UTF-8 text"),
    (b'{"format": "spikestudio.network", "version": 99}', ".json", "newer SpikeStudio"),
    (b'{"format": "something else"}', ".json", "not a SpikeStudio network file"),
    (os.urandom(2000), ".snn", "not a zip archive"),
])
def test_malformed_files_are_refused_cleanly(tmp_path, capsys, content, suffix, message):
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(content)
    assert cli.main(["run", str(path)]) == 2
    assert_clean_error(capsys.readouterr().err, "cannot read the network", message)
    assert cli.main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert message in out and "Traceback" not in out + err


def test_hostile_archive_is_refused(net_file, tmp_path, capsys):
    evil = tmp_path / "evil.snn"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("network.json", net_file.read_text())
        zf.writestr("../../outside.npy", b"\x93NUMPY")
    assert cli.main(["run", str(evil)]) == 2
    assert_clean_error(capsys.readouterr().err, "unsafe member name")
    assert not (tmp_path.parent / "outside.npy").exists()


def test_invalid_override_and_bad_arguments(net_file, tmp_path, capsys):
    assert cli.main(["run", str(net_file), "--seed", "-1"]) == 2
    assert_clean_error(capsys.readouterr().err, "not valid", "network.seed")
    assert cli.main(["run", str(net_file), "--duration", "-1"]) == 2
    assert "positive number of seconds" in capsys.readouterr().err
    assert cli.main(["run", str(net_file), "--out", str(tmp_path / "missing" / "r.npz")]) == 2
    assert_clean_error(capsys.readouterr().err, "no such directory")
    assert cli.main(["frobnicate", "--twice"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_too_big_to_build(tmp_path, capsys):
    net = Network(metadata=Metadata("Too big"))
    net.add_population("A", 10_000_000, "lif")
    net.add_population("B", 10_000_000, "lif")
    net.connect("A", "B", "all_to_all")
    path = tmp_path / "huge.json"
    fileformat.save(net, path)
    assert cli.main(["run", str(path)]) == 1
    assert_clean_error(capsys.readouterr().err, "cannot build the network", "synapses")
    assert cli.main(["info", str(path)]) == 0  # describing it needs no memory
    assert "expected synapses:   100,000,000,000,000" in capsys.readouterr().out


def test_simulation_failure(tmp_path, capsys):
    net = Network(duration=10.0)
    net.add_population("blowup", 2, "izhikevich", initial={"v": -1e200})
    path = tmp_path / "nan.json"
    fileformat.save(net, path)
    assert cli.main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert_clean_error(err, "simulation failed", "population “blowup”", "NaN or infinite")
    assert "stopped at" in err


def test_internal_errors_are_reported_without_traceback(net_file, capsys, monkeypatch):
    def broken(rows):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "_table", broken)
    monkeypatch.delenv("SPIKESTUDIO_DEBUG", raising=False)
    assert cli.main(["run", str(net_file), "--duration", "0.01"]) == 1
    assert_clean_error(capsys.readouterr().err, "internal error: RuntimeError: boom", "SPIKESTUDIO_DEBUG")
    monkeypatch.setenv("SPIKESTUDIO_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        cli.main(["run", str(net_file), "--duration", "0.01"])


# --- the installed entry points ----------------------------------------------------------------------


def installed_script() -> str:
    beside = Path(sys.executable).parent / "spikestudio"
    found = str(beside) if beside.exists() else shutil.which("spikestudio")
    assert found, "the spikestudio console script is not installed (pip install -e .)"
    return found


def test_console_script_runs_validates_and_fails_cleanly(net_file, tmp_path):
    script = installed_script()
    out_npz = tmp_path / "out.npz"
    done = subprocess.run([script, "run", str(net_file), "--out", str(out_npz)], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert parse_table(done.stdout)["E"]["spikes"] == int(reference(net_file)[1].spike_counts("E").sum())
    with np.load(out_npz, allow_pickle=False) as data:
        assert "spikes/E/times_ms" in data.files

    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "spikestudio.network", "version": 1, "populations": []}')
    done = subprocess.run([script, "validate", str(broken)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr and done.stdout.strip()

    done = subprocess.run([script, "run", str(tmp_path / "absent.json")], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "no such file" in done.stderr


def test_python_dash_m(tmp_path):
    done = subprocess.run([sys.executable, "-m", "spikestudio", "examples"], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == list_examples()[0]


def test_run_and_validate_name_items_by_their_names(tmp_path, capsys):
    """After renames a file's ids and names differ: what the command line says uses the names."""
    from spikestudio.engine.model.network import Plasticity

    net = Network(dt=0.1, duration=10.0)
    net.add_population("LIF", 2, "izhikevich", initial={"v": -1e200})
    net.add_population("LIF_2", 2, "lif")
    net.populations["LIF"].name, net.populations["LIF_2"].name = "Pyramids", "Baskets"
    path = tmp_path / "renamed.json"
    fileformat.save(net, path)
    assert cli.main(["run", str(path)]) == 1
    err = capsys.readouterr().err
    assert "population “Pyramids” neuron" in err and '"LIF"' not in err, err
    net.connect("LIF_2", "LIF", "one_to_one", plasticity=Plasticity("no_such_rule"))
    fileformat.save(net, path)
    for command in ("run", "validate"):
        assert cli.main([command, str(path)]) == 1
        out, err = capsys.readouterr()
        assert "projection “Baskets → Pyramids”, plasticity.rule: no installed plugin" in out + err, (out, err)
        assert "LIF" not in out + err, (out, err)


def test_validate_reports_what_would_stop_a_run_here(tmp_path, capsys):
    """A file can be valid on paper yet unable to run on this machine: too big, or a missing learning rule."""
    from spikestudio.engine.model.network import Plasticity

    net = Network(dt=0.1)
    net.add_population("A", 200_000, "lif")
    net.add_population("B", 200_000, "lif")
    net.connect("A", "B", "all_to_all")  # 4e10 synapses
    net.connect("B", "A", "one_to_one", plasticity=Plasticity("no_such_rule"))
    path = tmp_path / "huge.json"
    fileformat.save(net, path)
    assert cli.main(["validate", str(path)]) == cli.EXIT_FAILED
    out, err = capsys.readouterr()
    assert 'projection “B → A”, plasticity.rule: no installed plugin provides the learning rule "no_such_rule"' in out
    assert "40,000,200,000 synapses" in out and "TiB" in out
    assert_clean_error(err, "cannot run here")
