"""``spikestudio export`` and ``spikestudio import``: NIR files, errors and exit codes (in-process through main)."""


import numpy as np
import pytest
import spikestudio
from spikestudio import cli
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network


def exportable(tmp_path):
    """A network NIR expresses exactly, saved as .snn."""
    net = Network(dt=0.1, seed=4)
    net.add_spike_times("In", 4, neurons=[], times=[])
    net.add_population("E", 6, "lif", t_ref=0.0)
    net.connect("In", "E", "all_to_all", weight=50.0, delay=0.1)
    path = tmp_path / "net.snn"
    fileformat.save(net, path)
    return path


def run(capsys, *argv):
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def test_export_to_nir_and_import_back(tmp_path, capsys):
    src, out, back = exportable(tmp_path), tmp_path / "net.nir", tmp_path / "back.snn"
    status, stdout, err = run(capsys, "export", src, "--to", "nir", "-o", out, "--strict")
    assert status == 0 and out.exists() and "written to" in stdout and err == ""
    status, stdout, err = run(capsys, "import", out, "-o", back)
    assert status == 0 and "1 population" in stdout
    net = spikestudio.load(back)
    assert net.populations["E"].size == 6 and net.projections["In->E"].weights.size == 24


def test_non_strict_export_lists_what_was_left_out(tmp_path, capsys):
    status, _, err = run(capsys, "export", "cuba", "--to", "NIR", "-o", tmp_path / "cuba.nir")
    assert status == 0 and (tmp_path / "cuba.nir").exists()
    assert 'populations["E"]: refractory period 5 ms cannot be expressed in NIR' in err


def test_strict_export_of_an_unmappable_network_fails_with_the_names(tmp_path, capsys):
    net = Network()
    net.add_population("Z", 10, "izhikevich")
    net.add_poisson("P", 10)
    net.connect("P", "Z", "one_to_one", synapse="delta")
    fileformat.save(net, tmp_path / "z.snn")
    out = tmp_path / "z.nir"
    status, _, err = run(capsys, "export", tmp_path / "z.snn", "--to", "nir", "-o", out, "--strict")
    assert status == 1 and not out.exists()
    assert 'populations["Z"]: the Izhikevich model cannot be expressed in NIR' in err
    assert 'inputs["P"]: a Poisson source' in err and "nothing was written" in err


@pytest.mark.parametrize("argv", [
    ["export", "missing.snn", "--to", "nir", "-o", "x.nir"],
    ["import", "missing.nir", "-o", "x.snn"],
])
def test_missing_files_are_usage_errors(tmp_path, capsys, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    status, _, err = run(capsys, *argv)
    assert status == 2 and "missing" in err and "no such file" in err


def test_unknown_format_and_missing_output_are_usage_errors(tmp_path, capsys):
    status, _, err = run(capsys, "export", "cuba", "--to", "neuron", "-o", tmp_path / "x")
    assert status == 2 and "unknown export format 'neuron'" in err
    status, _, err = run(capsys, "export", "cuba", "--to", "nir")
    assert status == 2 and "-o OUT.nir" in err
    status, _, err = run(capsys, "export", "cuba", "--to", "nir", "-o", tmp_path / "no" / "dir.nir")
    assert status == 2 and "no such directory" in err


def test_script_exports_to_stdout_or_a_file(tmp_path, capsys):
    status, stdout, _ = run(capsys, "export", "cuba", "--to", "pynn")
    assert status == 0 and "SIMULATOR = 'nest'" in stdout and "FixedProbabilityConnector" in stdout
    status, _, _ = run(capsys, "export", "cuba", "--to", "brian2", "-o", tmp_path / "cuba.py")
    text = (tmp_path / "cuba.py").read_text()
    assert status == 0 and "NeuronGroup" in text and text.startswith('"""Exported')


def test_realised_script_export_writes_the_arrays_beside_the_script(tmp_path, capsys):
    status, out, _ = run(capsys, "export", "cuba", "--to", "pynn", "--wiring", "realised", "-o", tmp_path / "c.py")
    files = sorted(p.name for p in tmp_path.glob("c.*.npy"))
    assert status == 0 and "array files beside it" in out and files
    text = (tmp_path / "c.py").read_text()
    assert "FixedProbabilityConnector" not in text and all(f"load_array({name!r})" in text for name in files)
    status, _, err = run(capsys, "export", "cuba", "--to", "brian2", "--replay-inputs", "-o", tmp_path / "d.py")
    assert status == 2 and "--replay-inputs needs --wiring realised" in err and not (tmp_path / "d.py").exists()


def test_strict_script_export_names_what_cannot_go(tmp_path, capsys):
    status, _, err = run(capsys, "export", "digits", "--to", "pynn", "--strict", "-o", tmp_path / "b.py")
    assert status == 1 and 'projections["learn"]' in err and not (tmp_path / "b.py").exists()
    status, _, err = run(capsys, "export", "digits", "--to", "pynn", "-o", tmp_path / "b.py")
    assert status == 0 and "left out of the pynn export" in err and (tmp_path / "b.py").exists()


def test_malformed_nir_import_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.nir"
    bad.write_text("not hdf5")
    status, _, err = run(capsys, "import", bad, "-o", tmp_path / "x.snn")
    assert status == 2 and "cannot import the NIR graph" in err and "not a NIR file" in err
    assert not (tmp_path / "x.snn").exists()


def test_import_output_must_be_a_network_file(tmp_path, capsys):
    src, out = exportable(tmp_path), tmp_path / "net.nir"
    assert run(capsys, "export", src, "--to", "nir", "-o", out)[0] == 0
    status, _, err = run(capsys, "import", out, "-o", tmp_path / "x.txt")
    assert status == 2 and "must be a .snn or .json file" in err
    status, _, _ = run(capsys, "import", out, "-o", tmp_path / "x.json")
    assert status == 0 and np.isclose(spikestudio.load(tmp_path / "x.json").dt, 0.1)
