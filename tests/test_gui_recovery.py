"""Crash recovery that survives a second crash, and that tells crashed sessions from live ones by a lock that
dies with its process (never by a process id alone, which an unrelated process can have been given since)."""

import json
import os
import signal
import subprocess
import sys

import pytest
from gui_helpers import answer_dialogs, crash, dumps
from PySide6.QtWidgets import QMessageBox
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network
from spikestudio.gui.base import dialogs
from spikestudio.gui.files.recovery import RecoveryStore

pytestmark = pytest.mark.timeout(120)

SESSION = """
import json, sys, time
from PySide6.QtWidgets import QApplication
from spikestudio.gui.base import dialogs
from spikestudio.gui.shell.app import make_window

app = QApplication([])
offered = []
dialogs.ask_yes_no = lambda parent, title, text: offered.append(text) or True  # the user answers Yes
window = make_window("cuba", recover=True)
if sys.argv[1] == "edit":
    window.edits.add_template("pop:lif")
    assert window.files.autosave()
print(json.dumps({"offered": offered, "populations": sorted(window.doc.network.populations),
                  "dirty": window.files.is_dirty()}), flush=True)
time.sleep(300)
"""


def run_session(home, step):
    """Start the app in a process of its own, let it do ``step`` and report, then kill it as a crash would."""
    env = dict(os.environ, SPIKESTUDIO_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-c", SESSION, step], env=env, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert line, "the session ended before it reported"
    return json.loads(line)


def test_work_recovered_after_a_crash_is_offered_again_after_a_second_crash(tmp_path):
    edited = run_session(tmp_path, "edit")
    assert edited["offered"] == [] and "LIF" in edited["populations"]
    recovered = run_session(tmp_path, "look")  # takes the work back, then crashes before any autosave
    assert len(recovered["offered"]) == 1 and recovered["populations"] == edited["populations"]
    assert recovered["dirty"]
    again = run_session(tmp_path, "look")
    assert len(again["offered"]) == 1 and again["populations"] == edited["populations"]


def test_recovered_work_stays_on_disk_until_it_is_saved(window, tmp_path, monkeypatch):
    first = window("cuba")
    first.edits.add_template("pop:lif")
    assert first.files.autosave()
    edited, info = dumps(first), first.files.recovery.info_path
    crash(first)
    answer_dialogs([QMessageBox.Yes], [])
    second = window(recover=True)
    assert dumps(second) == edited and second.files.recovery.info_path == info and info.exists()
    assert second.files.recovery.orphans() == [] and RecoveryStore(info.parent).orphans() == []  # held by second
    crash(second)
    seen = []
    answer_dialogs([QMessageBox.Yes], seen)
    third = window(recover=True)
    assert "did not close properly" in seen[0][1] and dumps(third) == edited
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": str(tmp_path / "kept.snn"))
    assert third.files.save_as()
    assert not info.exists() and not info.with_suffix(".snn").exists() and not info.with_suffix(".lock").exists()


def _store_in_child(folder, stay):
    """A real process that autosaves into ``folder``; it stays alive (holding its lock) or is killed."""
    code = ("import sys, time\n"
            "from spikestudio.engine.model.network import Network\n"
            "from spikestudio.gui.files.recovery import RecoveryStore\n"
            f"RecoveryStore({str(folder)!r}).save(Network(), None, 'lost work')\n"
            "print('saved', flush=True); time.sleep(300)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "saved\n"
    if not stay:
        proc.kill()
        proc.wait()
    return proc


def _set_pid(folder, pid):
    (info,) = folder.glob("*.json")
    data = json.loads(info.read_text())
    data["pid"] = pid
    info.write_text(json.dumps(data))


def test_a_crashed_set_is_offered_even_when_its_process_id_now_belongs_to_a_live_process(tmp_path):
    folder = tmp_path / "recovery"
    _store_in_child(folder, stay=False)
    unrelated = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        _set_pid(folder, unrelated.pid)  # the crashed session's id, given since to another process
        assert [o.title for o in RecoveryStore(folder).orphans()] == ["lost work"]
    finally:
        unrelated.kill()
        unrelated.wait()


def test_a_set_whose_session_still_runs_is_not_offered_whatever_its_process_id(tmp_path):
    folder = tmp_path / "recovery"
    live = _store_in_child(folder, stay=True)
    try:
        gone = subprocess.Popen([sys.executable, "-c", "pass"])
        gone.wait()
        _set_pid(folder, gone.pid)
        assert RecoveryStore(folder).orphans() == []
    finally:
        live.kill()
        live.wait()
    assert [o.title for o in RecoveryStore(folder).orphans()] == ["lost work"]


def test_a_set_left_by_a_version_without_locks_is_still_judged_by_its_process(tmp_path):
    folder = tmp_path / "recovery"
    _store_in_child(folder, stay=False)
    for lock in folder.glob("*.lock"):
        lock.unlink()
    _set_pid(folder, os.getpid())
    assert RecoveryStore(folder).orphans() == []
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    _set_pid(folder, gone.pid)
    store = RecoveryStore(folder)
    (orphan,) = store.orphans()
    assert fileformat.dumps(fileformat.load(orphan.network_path)) == fileformat.dumps(Network())
