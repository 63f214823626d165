"""A file shared by a stranger is data: names are never markup, devices and pipes are not read, and what a
dialog or tooltip quotes from a file is shown as written."""

import json
import os

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox
from spikestudio.engine.errors import FileFormatError, ValidationError
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network

MARKUP = '<img src="/dev/zero">'


def test_a_name_or_id_holding_markup_is_refused_with_its_location(tmp_path):
    net = Network()
    net.add_population("E", 2)
    net.populations["E"].name = MARKUP + "E"
    with pytest.raises(ValidationError) as info:
        fileformat.save(net, tmp_path / "n.json")
    assert any(p.location == 'populations["E"].name' and "holds a '<'" in p.message for p in info.value.problems)
    good = Network()
    good.add_population("E", 2)
    fileformat.save(good, tmp_path / "n.json")
    data = json.loads((tmp_path / "n.json").read_text())
    data["populations"]["<b>E"] = data["populations"].pop("E")
    data["populations"]["<b>E"]["id"] = "<b>E"
    (tmp_path / "n.json").write_text(json.dumps(data))
    with pytest.raises(FileFormatError) as info:
        fileformat.load(tmp_path / "n.json")
    assert any("holds a '<'" in p.message for p in info.value.problems)


@pytest.mark.parametrize("name", ["pipe.json", "pipe.snn"])
def test_a_pipe_or_device_is_not_read_as_a_network(tmp_path, name):
    os.mkfifo(tmp_path / name)  # reading it would wait for ever
    with pytest.raises(FileFormatError, match="not a regular file"):
        fileformat.load(tmp_path / name)
    with pytest.raises(FileFormatError, match="not a regular file"):
        fileformat.load("/dev/zero")  # would fill memory


def test_problem_dialogs_and_note_tooltips_show_text_as_written(window, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "spikestudio.network", "version": 1, MARKUP: 1}))
    w = window()
    seen = []

    def inspect():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, inspect)
            return
        labels = [label for label in box.findChildren(QLabel) if label.text()]
        seen.append([(label.text(), label.textFormat()) for label in labels])
        box.button(QMessageBox.Ok).click()

    QTimer.singleShot(0, inspect)
    assert not w.files.open_path(path)
    [labels] = seen
    assert any(MARKUP in text for text, _ in labels)
    assert all(fmt == Qt.PlainText for _, fmt in labels)
    net = Network()
    net.add_population("E", 1)
    net.add_note("hint", MARKUP + " <b>not bold</b>", 0.0, 0.0)
    fileformat.save(net, tmp_path / "note.json")
    assert w.files.open_path(tmp_path / "note.json")
    tip = w.scene.notes.items["hint"].toolTip()
    assert "&lt;img src=&quot;/dev/zero&quot;&gt;" in tip and "<img" not in tip
