"""Durations the engine cannot run are usage errors or file problems with a clear message, never internal errors."""

import json

from spikestudio import cli
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network


def small_file(tmp_path, duration=100.0):
    net = Network(duration=100.0)
    net.add_population("E", 2)
    path = tmp_path / "net.json"
    fileformat.save(net, path)
    data = json.loads(path.read_text())
    data["settings"]["duration"] = duration
    path.write_text(json.dumps(data))
    return path


def test_a_run_longer_than_the_engine_allows_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["run", str(small_file(tmp_path)), "--duration", "1e9"]) == 2
    err = capsys.readouterr().err
    assert "--duration: 1e9 seconds is longer than a run may be (at most 1,000,000)" in err
    assert "internal error" not in err and "Traceback" not in err


def test_a_file_whose_duration_cannot_run_is_a_file_problem(tmp_path, capsys):
    path = small_file(tmp_path, 1e308)
    assert cli.main(["validate", str(path)]) == 1
    assert "settings.duration: 1e+308 is outside the valid range (0, 1e+09] ms" in capsys.readouterr().out
    assert cli.main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert "settings.duration" in err and "internal error" not in err


def test_the_longest_duration_is_still_valid(tmp_path, capsys):
    assert cli.main(["validate", str(small_file(tmp_path, 1e9))]) == 0
