"""Values a file or a person can give that the engine cannot use: refused with a message, never a traceback."""

import json
import time

import pytest
from gui_helpers import answer_dialogs, dumps, field
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation.build import estimate_memory
from spikestudio.gui.base import dialogs
from spikestudio.gui.simulation.run_controller import CHUNK_STEPS, NO_RUN, PREPARING, READY

pytestmark = pytest.mark.timeout(60)


def open_refused(w, path, monkeypatch) -> tuple[str, str, str]:
    """Open ``path`` from the menu; the (title, text, details) of the message box that refuses it."""
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    monkeypatch.setattr(dialogs, "ask_open_path", lambda parent, folder="": str(path))
    w.actions["open"].trigger()
    return seen[0]


def cuba_file(tmp_path, change) -> str:
    data = json.loads(fileformat.dumps(fileformat.load(_example("cuba"))))
    change(data)
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    return path


def _example(name):
    from spikestudio.resources.examples import example_path

    return example_path(name)


def test_a_file_whose_duration_the_engine_cannot_run_is_refused_on_open(window, tmp_path, monkeypatch):
    w = window("cuba")
    before = dumps(w)
    path = cuba_file(tmp_path, lambda d: d["settings"].update(duration=1e308))
    title, text, details = open_refused(w, path, monkeypatch)
    assert title == "Cannot open network" and "settings.duration" in text + details and "1e+09" in text + details
    assert dumps(w) == before


def test_far_off_layout_positions_and_bad_colours_are_refused_on_open(window, tmp_path, monkeypatch):
    w = window("cuba")

    def change(data):
        data["layout"]["E"].update(x=1e308, color="#zzz; evil")
        data["layout"]["I"]["y"] = -1e7

    title, text, details = open_refused(w, cuba_file(tmp_path, change), monkeypatch)
    shown = text + details
    assert 'layout["E"].x' in shown and 'layout["E"].color' in shown and 'layout["I"].y' in shown


def test_a_duration_beyond_the_engine_is_refused_at_the_settings_field(window):
    w = window("cuba")
    w.scene.clearSelection()
    before = w.doc.network.duration
    QApplication.processEvents()
    editor = field(w, "duration")
    editor = editor.lineEdit() if hasattr(editor, "lineEdit") else editor
    editor.setFocus()
    editor.selectAll()
    QTest.keyClicks(editor, "2000000000")  # ms: 23 days
    QTest.keyClick(editor, Qt.Key_Return)
    assert w.doc.network.duration == before and "outside the valid range (0, 1e+09] ms" in w.inspector.error.text()


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_a_picture_of_nodes_too_far_apart_is_refused_with_a_message(window, tmp_path, suffix):
    w = window("cuba")
    w.doc.move_nodes({"E": (1e308, -1e308)})  # a script can put a node anywhere
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    path = tmp_path / f"far{suffix}"
    assert not w.exports.export_picture(path)
    assert seen[0][0] == "Cannot export to a picture" and "too far" in seen[0][1] and not path.exists()


def wait_for(predicate, timeout=30.0) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        QTest.qWait(20)
    return predicate()


def test_a_network_estimated_at_gigabytes_is_built_when_run_is_pressed_not_on_open(window, tmp_path):
    net = Network()
    net.add_population("E", 100_000)
    net.connect("E", "E", "fixed_probability", p=0.5)  # 5e9 synapses: far more than this machine has
    assert estimate_memory(net, CHUNK_STEPS)[1] > 256 << 20  # above what Open builds ahead
    path = tmp_path / "huge.snn"
    fileformat.save(net, path)
    w = window("single_neuron")
    c = w.simulation.controller
    assert wait_for(lambda: c.state == READY)  # a small network is built ahead, while the user looks
    states = []
    c.state_changed.connect(states.append)
    assert w.files.open(str(path))
    QTest.qWait(300)
    assert PREPARING not in states and c.state == NO_RUN and c.sim is None  # no build was even tried
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    w.actions["run"].trigger()  # the normal checks refuse it now, with the reason
    assert wait_for(lambda: bool(seen), 10)
    assert seen[0][0] == "Simulation stopped" and "memory" in seen[0][1] + seen[0][2]
