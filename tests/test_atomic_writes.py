"""Files the command line and the API write are replaced atomically (a full disk never leaves half a file), and
the temporary files of writers killed mid-save are swept up by the next save to their folder."""

import os
import resource
import signal
import subprocess
import sys
import time

import pytest
from spikestudio.engine.files import fileformat
from spikestudio.engine.files.atomic_file import STALE_AFTER_S, remove_stale_temps
from spikestudio.engine.model.network import Network

OLD = b"# the previous export, which a failed write must leave as it was\n" * 40  # 2.6 KB
LIMIT = 3000  # bytes a process may write into one file: below every export of cuba below


def _disk_fills_at_limit():
    """In the child: files cannot grow past LIMIT bytes, and a write past it fails (EFBIG) as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def _cli(args, cwd, limited=True):
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", "spikestudio", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, preexec_fn=_disk_fills_at_limit if limited else None)


@pytest.mark.parametrize("fmt, name", [("pynn", "net.py"), ("brian2", "net.py"), ("nir", "net.nir")])
def test_an_export_that_runs_out_of_disk_leaves_the_old_file_intact(tmp_path, fmt, name):
    target = tmp_path / name
    target.write_bytes(OLD)
    done = _cli(["export", "cuba", "--to", fmt, "-o", str(target)], tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot write the file" in done.stderr
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # and no temporary file is left
    written = _cli(["export", "cuba", "--to", fmt, "-o", str(target)], tmp_path, limited=False)
    assert written.returncode == 0, written.stderr
    assert len(target.read_bytes()) > LIMIT  # so the limited run did fail part-way through its write


def test_a_run_summary_that_runs_out_of_disk_leaves_the_old_csv_intact(tmp_path):
    net = Network(duration=10.0)
    net.add_population("P", 1)
    for k in range(200):  # a summary row each, about 6 KB of CSV
        net.add_population(f"population_with_a_long_name_{k}", 1)
    fileformat.save(net, tmp_path / "many.snn")
    whole = _cli(["run", "many.snn", "--csv", "whole.csv"], tmp_path, limited=False)  # and compiles its kernel
    assert whole.returncode == 0, whole.stderr
    assert (tmp_path / "whole.csv").stat().st_size > LIMIT
    target = tmp_path / "summary.csv"
    target.write_bytes(OLD)
    done = _cli(["run", "many.snn", "--csv", str(target)], tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot write the file" in done.stderr
    assert target.read_bytes() == OLD


def _start_writer(path, tmp_path):
    """A real process that starts an atomic write of ``path``, writes part of it and hangs there."""
    code = ("import sys, time\n"
            "from spikestudio.engine.files.atomic_file import atomic_write\n"
            "def write(f):\n"
            "    f.write(b'x' * 100_000); f.flush(); print('writing', flush=True); time.sleep(120)\n"
            f"atomic_write({str(path)!r}, write)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    assert proc.stdout.readline() == "writing\n"
    return proc


def _temps(folder):
    return {p.name for p in folder.iterdir() if p.name.endswith(".tmp")}


def _age(paths, seconds):
    old = time.time() - seconds
    for path in paths:
        os.utime(path, (old, old))


def test_the_next_save_to_a_folder_removes_what_killed_writers_left_and_nothing_else(tmp_path):
    killed = _start_writer(tmp_path / "a.snn", tmp_path)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    left = _temps(tmp_path)
    assert len(left) == 1  # what a save killed half-way leaves behind
    live = _start_writer(tmp_path / "b.snn", tmp_path)  # still writing, just slowly
    try:
        writing = _temps(tmp_path) - left
        decoys = [".notes.tmp", ".a.snn.0123456789ab.tmp.keep", "a.snn.0123456789ab.tmp", ".a.snn.0123456789AB.tmp",
                  ".a.snn.0123456789a.tmp"]
        for name in decoys:
            (tmp_path / name).write_bytes(b"not ours")
        _age(tmp_path.iterdir(), 10 * STALE_AFTER_S)
        fileformat.save(Network(), tmp_path / "other.snn")
        assert _temps(tmp_path) == writing | {d for d in decoys if d.endswith(".tmp")}
        assert all((tmp_path / d).read_bytes() == b"not ours" for d in decoys)
        assert not (tmp_path / "a.snn").exists()
    finally:
        live.kill()
        live.wait()
    assert [p.name for p in remove_stale_temps(tmp_path)] == list(writing)  # only its writer's lock kept it


def test_a_fresh_unlocked_temporary_file_is_left_alone(tmp_path):
    """A writer without the lock (an older SpikeStudio) keeps its file fresh while it writes: not swept."""
    (tmp_path / ".a.snn.0123456789ab.tmp").write_bytes(b"being written by an older version")
    fileformat.save(Network(), tmp_path / "other.snn")
    assert (tmp_path / ".a.snn.0123456789ab.tmp").exists()


def test_a_screenshot_that_runs_out_of_disk_leaves_the_old_picture_intact(tmp_path):
    target = tmp_path / "shot.png"
    target.write_bytes(OLD)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", QT_QPA_PLATFORM="offscreen",
               SPIKESTUDIO_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-m", "spikestudio", "cuba", "--screenshot", str(target)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120, preexec_fn=_disk_fills_at_limit)
    assert done.returncode != 0 and "cannot write the file" in done.stderr, done.stderr
    assert target.read_bytes() == OLD
