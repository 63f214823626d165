"""Files from the window: save and reopen, broken and hostile files, unsaved-changes prompts, examples,
recent files, window layout, autosave and crash recovery."""

import json
import zipfile

import pytest
from gui_helpers import answer_dialogs, crash, dumps
from PySide6.QtWidgets import QMessageBox
from spikestudio.engine.files import fileformat
from spikestudio.gui.base import dialogs
from spikestudio.gui.base.app_settings import recent_files

pytestmark = pytest.mark.timeout(60)


def save_as(monkeypatch, w, path) -> bool:
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": str(path))
    return w.actions["save_as"].trigger() or True


def test_save_reopen_and_compare(window, tmp_path, monkeypatch):
    w = window("cuba")
    w.edits.add_template("in:poisson")
    w.doc.move_nodes({"E": (-20.0, 40.0)})
    path = tmp_path / "mine.snn"
    save_as(monkeypatch, w, path)
    assert path.is_file() and not w.isWindowModified() and w.windowTitle().startswith("mine.snn")
    assert fileformat.dumps(fileformat.load(path)) == dumps(w)
    again = window(path)
    assert dumps(again) == dumps(w) and again.files.path == path.resolve()
    assert (again.doc.layout_of("E").x, again.doc.layout_of("E").y) == (-20.0, 40.0)
    assert str(path.resolve()) in recent_files()


def test_json_files_open_and_save_too(window, tmp_path, monkeypatch):
    w = window("single_neuron")
    path = tmp_path / "net.json"
    save_as(monkeypatch, w, path)
    assert json.loads(path.read_text())["format"] == "spikestudio.network"
    assert dumps(window(path)) == dumps(w)


def test_an_example_is_never_overwritten_save_asks_for_a_name(window, tmp_path, monkeypatch):
    w = window("cuba")
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": asked.append(suggestion))
    w.edits.add_template("pop:lif")
    w.actions["save"].trigger()
    assert asked == ["cuba.snn"] and w.isWindowModified()


@pytest.mark.parametrize("content, expected", [
    ('{"format": "spikestudio.network", "version": 1, "populations": []}', "expected"),
    ("{not json", "JSON"),
    ('{"format": "other"}', "not a SpikeStudio network file"),
])
def test_a_broken_file_shows_the_problems_and_leaves_the_document(window, tmp_path, monkeypatch, content, expected):
    w = window("cuba")
    w.edits.add_template("pop:lif")
    before, count, title = dumps(w), w.stack.count(), w.windowTitle()
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    seen = []
    answer_dialogs([QMessageBox.Discard, QMessageBox.Ok], seen)  # drop the edit? yes; then read the problems
    monkeypatch.setattr(dialogs, "ask_open_path", lambda parent, folder="": str(bad))
    w.actions["open"].trigger()
    assert seen[0][0] == "Unsaved changes"
    assert seen[1][0] == "Cannot open network" and "could not be opened" in seen[1][1] and expected in seen[1][1]
    assert dumps(w) == before and w.stack.count() == count and w.windowTitle() == title


def test_a_hostile_archive_is_refused(window, tmp_path):
    w = window("cuba")
    before = dumps(w)
    bad = tmp_path / "evil.snn"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("network.json", fileformat.dumps(w.doc.network))
        zf.writestr("../../escape.npy", b"x")
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    assert not w.files.open(str(bad))
    assert "escape.npy" in seen[0][1] + seen[0][2] and dumps(w) == before


def test_unsaved_changes_prompt_on_open_save_discard_cancel(window, tmp_path, monkeypatch):
    w = window("cuba")
    other = tmp_path / "other.json"
    fileformat.save(w.doc.network, other)
    w.edits.add_template("pop:lif")
    seen = []
    answer_dialogs([QMessageBox.Cancel], seen)
    assert not w.files.open(str(other)) and "LIF" in w.doc.network.populations
    target = tmp_path / "kept.snn"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": str(target))
    answer_dialogs([QMessageBox.Save], seen)
    assert w.files.open(str(other))
    assert "LIF" in fileformat.load(target).populations and "LIF" not in w.doc.network.populations


def test_revert_goes_back_to_the_saved_file(window, tmp_path, monkeypatch):
    w = window("cuba")
    path = tmp_path / "r.snn"
    save_as(monkeypatch, w, path)
    saved = dumps(w)
    w.edits.add_template("pop:lif")
    answer_dialogs([QMessageBox.Yes], [])
    assert w.files.revert() and dumps(w) == saved and not w.isWindowModified()


def test_new_and_title_marks(window):
    w = window("cuba")
    assert not w.isWindowModified()
    w.edits.add_template("pop:lif")
    assert w.isWindowModified() and w.windowTitle().endswith("[*] — SpikeStudio")
    answer_dialogs([QMessageBox.Discard], [])
    assert w.files.new() and not w.doc.network.populations and not w.isWindowModified()


def test_window_layout_and_recent_files_persist(window, tmp_path, monkeypatch):
    w = window("cuba")
    w.resize(761, 533)  # the offscreen screen is 800 px wide; the docks need about 730
    w.history_dock.raise_()
    w.messages_dock.show()
    save_as(monkeypatch, w, tmp_path / "a.snn")
    w.close()
    again = window()
    assert (again.width(), again.height()) == (761, 533)
    assert again.messages_dock.isVisible()
    assert recent_files()[0] == str((tmp_path / "a.snn").resolve())
    again.recent_menu.aboutToShow.emit()
    assert any(a.text().endswith("a.snn") for a in again.recent_menu.actions())


def test_autosave_then_crash_then_recover(window, tmp_path, monkeypatch):
    w = window("cuba")
    w.edits.add_template("pop:lif")
    assert w.files.autosave()
    assert not w.files.autosave()  # nothing changed since
    edited = dumps(w)
    info = w.files.recovery.info_path
    crash(w)
    seen = []
    answer_dialogs([QMessageBox.Yes], seen)
    recovered = window(recover=True)
    assert "did not close properly" in seen[0][1]
    assert dumps(recovered) == edited and recovered.isWindowModified()
    assert recovered.files.recovery.info_path == info  # the set stays until the recovered work is saved


def test_declining_recovery_discards_it_and_a_clean_close_leaves_nothing(window, tmp_path):
    w = window("cuba")
    w.edits.add_template("pop:lif")
    w.files.autosave()
    info = w.files.recovery.info_path
    crash(w)
    seen = []
    answer_dialogs([QMessageBox.No], seen)
    fresh = window(recover=True)
    assert "did not close properly" in seen[0][1]
    assert not list(info.parent.glob(f"{info.stem}.*"))
    assert set(fresh.doc.network.populations) == {"neuron"}
    assert fresh.files.recovery.orphans() == []
    fresh.edits.add_template("pop:lif")
    fresh.files.autosave()
    fresh.stack.setClean()
    fresh.close()
    assert not fresh.files.recovery.network_path.exists()
    assert not fresh.files.recovery.network_path.with_suffix(".lock").exists()  # nor its lock


def test_saving_where_it_cannot_write_keeps_the_document_dirty(window, tmp_path, monkeypatch):
    w = window("cuba")
    w.edits.add_template("pop:lif")
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    save_as(monkeypatch, w, tmp_path / "no" / "such" / "dir.snn")
    assert "could not be written" in seen[0][1] and w.isWindowModified()


def test_screenshot_from_the_command_line(tmp_path, qapp, monkeypatch):
    from spikestudio import cli

    monkeypatch.setenv("SPIKESTUDIO_HOME", str(tmp_path / "home"))
    png = tmp_path / "cuba.png"
    assert cli.main(["cuba", "--screenshot", str(png)]) == 0
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert image.width() == 1400 and image.height() == 860


def test_autosave_follows_merged_edits_and_undo_then_edit(window):
    w = window("cuba")
    for size in (200, 300):  # two edits of one field merge into one undo step
        edited = w.doc.edited_copy("E")
        edited.size = size
        from spikestudio.gui.editing.commands import EditItem, push

        push(w.stack, EditItem(w.doc, "E", edited, "size", field="size"))
        assert w.files.autosave()
        assert fileformat.load(w.files.recovery.network_path).populations["E"].size == size
    w.actions["undo"].trigger()
    assert not w.files.recovery.network_path.exists()  # back to the file's state: nothing to recover


def test_every_crashed_window_is_offered_back(window, tmp_path):
    first, second = window("cuba"), window("brunel")
    for w, name in ((first, "A"), (second, "B")):
        w.edits.add_template("pop:lif")
        type_id = w.doc.unused_id(name)
        assert type_id
        w.files.autosave()
        crash(w)
    answer_dialogs([QMessageBox.Yes, QMessageBox.Yes], [])
    recovered = window(recover=True)
    from PySide6.QtWidgets import QApplication

    shown = [win for win in QApplication.topLevelWidgets() if getattr(win, "files", None) is not None
             and win.isVisible() and win.isWindowModified() and win not in (first, second)]
    assert recovered in shown and len(shown) == 2
    assert {frozenset(win.doc.network.populations) for win in shown} == {
        frozenset({"E", "I", "LIF"})}
    assert sorted(len(win.doc.network.inputs) for win in shown) == [0, 2]
    for win in shown:
        win.stack.setClean()
    assert recovered.files.recovery.orphans() == []
