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
from spikestudio.engine.simulation.simulator import Simulator
from test_gui_live import run_to_end

MARKUP = '<img src="/dev/zero">'


@pytest.mark.parametrize("bad", ["\x1b]0;owned\x07", "\x1b[2J", "\x00", "\x7f", "\x85", "\u202e", "\u2066",
                                 "\u200f", "\n", "\r", "\u2028"])
def test_an_id_or_name_holding_a_control_character_is_refused_with_its_location(tmp_path, bad):
    net = Network()
    net.add_population("E", 2)
    net.populations["E"].name = "E" + bad
    with pytest.raises(ValidationError) as info:
        fileformat.save(net, tmp_path / "n.json")
    [problem] = [p for p in info.value.problems if p.location == 'populations["E"].name']
    assert f"U+{ord(bad[0]):04X}" in problem.message and "control characters" in problem.message
    assert not (tmp_path / "n.json").exists()
    good = Network()
    good.add_population("E", 2)
    good.record_spikes("E", id="v")
    fileformat.save(good, tmp_path / "n.json")
    data = json.loads((tmp_path / "n.json").read_text())
    data["recorders"]["v" + bad] = data["recorders"].pop("v")
    data["recorders"]["v" + bad]["id"] = "v" + bad
    (tmp_path / "n.json").write_text(json.dumps(data))
    with pytest.raises(FileFormatError) as info:
        fileformat.load(tmp_path / "n.json")
    assert any(p.location == f'recorders["v{bad}"]' and f"U+{ord(bad[0]):04X}" in p.message
               for p in info.value.problems)


def test_a_population_called_e_arrow_i_loads_runs_and_round_trips(tmp_path):
    net = Network(duration=50.0)
    net.add_population("E<->I", 20, I_e=400.0)
    net.populations["E<->I"].name = "<b>E</b> & I"
    net.record_spikes("E<->I", id="<spikes>")
    fileformat.save(net, tmp_path / "n.json")
    loaded = fileformat.load(tmp_path / "n.json")
    assert loaded.populations["E<->I"].name == "<b>E</b> & I"
    assert fileformat.dumps(loaded) == fileformat.dumps(net)
    results = Simulator(loaded).run(0.05)
    assert results.mean_rate("E<->I") > 0


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


ESCAPES = "\x1b]0;owned\x07\x1b[2J\u202eevil"  # retitle the terminal, clear the screen, read backwards


def test_the_command_line_prints_file_text_with_control_characters_escaped(tmp_path, capsys):
    from spikestudio import cli

    net = Network(duration=20.0)
    net.metadata.title = "T" + ESCAPES
    net.metadata.description = "about\n" + ESCAPES
    net.metadata.author = ESCAPES
    net.add_population("E", 5, I_e=400.0)
    fileformat.save(net, tmp_path / "n.json")
    for command in (["run", str(tmp_path / "n.json")], ["info", str(tmp_path / "n.json")],
                    ["validate", str(tmp_path / "n.json")]):
        assert cli.main(command) == 0
        out = capsys.readouterr().out
        assert "T\\x1b]0;owned\\x07\\x1b[2J\\u202eevil" in out or command[0] == "info" and "\\x1b[2J" in out
        assert not any(c in out for c in "\x1b\x07\u202e"), command
    data = json.loads((tmp_path / "n.json").read_text())
    data["populations"]["E" + ESCAPES] = data["populations"].pop("E")
    data["populations"]["E" + ESCAPES]["id"] = "E" + ESCAPES
    (tmp_path / "n.json").write_text(json.dumps(data))
    for command in ("validate", "run", "info"):
        assert cli.main([command, str(tmp_path / "n.json")]) != 0
        captured = capsys.readouterr()
        assert '["E\\x1b]0;owned\\x07\\x1b[2J\\u202eevil"]' in captured.out + captured.err, command
        assert not any(c in captured.out + captured.err for c in "\x1b\x07\u202e"), command


def test_a_name_with_markup_shows_as_written_on_the_canvas_and_in_the_inspector(window, tmp_path):
    net = Network(duration=20.0)
    net.add_population("E<->I", 4)
    net.populations["E<->I"].name = "<b>E</b><->I"
    net.connect("E<->I", "E<->I", "all_to_all", id="<i>loop</i>")
    fileformat.save(net, tmp_path / "n.json")
    w = window()
    assert w.files.open_path(tmp_path / "n.json")
    node = w.scene.nodes["E<->I"]
    assert node.title == "<b>E</b><->I"  # drawn with drawText: plain text
    assert "&lt;b&gt;E&lt;/b&gt;&lt;-&gt;I (E&lt;-&gt;I)" in node.toolTip() and "<b>E" not in node.toolTip()
    edge_tip = w.scene.edges["<i>loop</i>"].toolTip()
    assert "&lt;i&gt;loop&lt;/i&gt;: &lt;b&gt;E&lt;/b&gt;&lt;-&gt;I → &lt;b&gt;E&lt;/b&gt;&lt;-&gt;I" in edge_tip
    assert "<i>" not in edge_tip and "<b>" not in edge_tip
    w.scene.clearSelection()
    node.setSelected(True)
    assert w.inspector.item_id == "E<->I"
    assert w.inspector.title.text() == "<b>E</b><->I" and w.inspector.title.textFormat() == Qt.PlainText
    assert "id E<->I" in w.inspector.subtitle.text() and w.inspector.subtitle.textFormat() == Qt.PlainText
    w.simulation.probe("E<->I", 1)
    run_to_end(w)
    for view in (w.simulation.views.rates, w.simulation.views.traces):  # pyqtgraph legends are HTML
        texts = [label.text for _, label in view.legend.items]
        assert any(t.startswith("&lt;b&gt;E&lt;/b&gt;&lt;-&gt;I") for t in texts) and "<b>" not in str(texts), texts
