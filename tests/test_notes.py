"""Sticky notes without Qt: saved and loaded through real files, strict reading, checked document edits with
undo data, copy and paste, and proof that the simulation, validation and exporters never see them."""

import json

import numpy as np
import pytest
from spikestudio.engine.editing.document import NetworkDocument
from spikestudio.engine.editing.subnetwork import extract, fit_notes_into
from spikestudio.engine.errors import FileFormatError
from spikestudio.engine.files import fileformat
from spikestudio.engine.interop.brian2_script import brian2_script
from spikestudio.engine.interop.pynn_script import pynn_script
from spikestudio.engine.model.network import Network, NodeLayout, Note
from spikestudio.engine.model.notes import MAX_NOTE_TEXT, notes_problems
from spikestudio.engine.model.params import ValidationError
from spikestudio.engine.simulation.live_diff import live_changes
from spikestudio.engine.simulation.simulator import Simulator
from spikestudio.resources.examples import example_path


def with_notes() -> Network:
    net = Network(seed=7)
    net.add_population("E", 10)
    net.add_poisson("drive", 10, 50.0)
    net.connect("drive", "E", "one_to_one", weight=80.0)
    net.layout = {"E": NodeLayout(0, 0), "drive": NodeLayout(-300, 0)}
    net.notes = {"note": Note("note", "Watch the raster:\nE fires ✓ $v_{th}$", -120.5, 90.0, 260.0, 150.0),
                 "blue": Note("blue", "", 400.0, -80.0, 40.0, 5000.0, "#B3E5FC")}
    return net


def note_fields(net: Network) -> dict:
    return {k: (n.id, n.text, n.x, n.y, n.width, n.height, n.color) for k, n in net.notes.items()}


def file_with(tmp_path, notes) -> str:
    """A valid file whose notes section is replaced by ``notes`` (any JSON), written as text."""
    data = json.loads(fileformat.dumps(with_notes()))
    data["notes"] = notes
    path = tmp_path / "net.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def load_problems(path) -> list[str]:
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.load(path)
    return [str(p) for p in exc_info.value.problems]


# --- files ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".snn", ".json"])
def test_notes_survive_a_save_and_load_through_a_real_file(tmp_path, suffix):
    net = with_notes()
    path = tmp_path / f"net{suffix}"
    fileformat.save(net, path)
    back = fileformat.load(path)
    assert note_fields(back) == note_fields(net)
    assert list(back.notes) == ["note", "blue"]  # file order kept
    fileformat.save(back, tmp_path / f"again{suffix}")
    assert fileformat.dumps(fileformat.load(tmp_path / f"again{suffix}")) == fileformat.dumps(net)


def test_a_network_without_notes_is_written_exactly_as_before_notes_existed(tmp_path):
    data = json.loads(example_path("cuba").read_text(encoding="utf-8"))
    del data["notes"]  # an old file: no notes section
    text = json.dumps(data)
    net = fileformat.loads(text)
    assert net.notes == {}
    assert '"notes"' not in fileformat.dumps(net)
    assert json.loads(fileformat.dumps(net)) == json.loads(text)


def test_notes_are_written_after_the_layout_as_plain_data():
    data = json.loads(fileformat.dumps(with_notes()))
    assert list(data)[-2:] == ["layout", "notes"]
    assert data["notes"]["note"] == {"text": "Watch the raster:\nE fires ✓ $v_{th}$", "x": -120.5, "y": 90.0,
                                     "width": 260.0, "height": 150.0, "color": "#fff59d"}


@pytest.mark.parametrize("notes, expected", [
    ({"n": {"text": 3, "x": 0, "y": 0, "width": 100, "height": 100, "color": "#ffffff"}},
     'notes["n"].text: expected a string, got 3'),
    ({"n": {"text": "x" * (MAX_NOTE_TEXT + 1), "x": 0, "y": 0, "width": 100, "height": 100, "color": "#ffffff"}},
     'notes["n"].text: 10,001 characters; a note holds at most 10,000'),
    ({"n": {"text": "", "x": "left", "y": 0, "width": 100, "height": 100, "color": "#ffffff"}},
     'notes["n"].x: expected a number, got "left"'),
    ({"n": {"text": "", "x": 0, "y": 1e400, "width": 100, "height": 100, "color": "#ffffff"}},
     'notes["n"].y: expected a finite number'),
    ({"n": {"text": "", "x": 0, "y": 0, "width": 0, "height": 100, "color": "#ffffff"}},
     'notes["n"].width: 0 is outside [40, 5000]'),
    ({"n": {"text": "", "x": 0, "y": 0, "width": 100, "height": 1e9, "color": "#ffffff"}},
     'notes["n"].height: 1e+09 is outside [40, 5000]'),
    ({"n": {"text": "", "x": 0, "y": 0, "width": 100, "height": 100, "color": "red"}},
     'notes["n"].color: expected a colour "#rrggbb", got \'red\''),
    ({"n": {"text": "", "x": 0, "y": 0, "width": 100, "height": 100}}, 'notes["n"].color: missing'),
    ({"n": {"text": "", "x": 0, "y": 0, "width": 100, "height": 100, "color": "#ffffff", "font": "big"}},
     'notes["n"].font: unknown field'),
    ({"n": "hello"}, 'notes["n"]: expected an object, got "hello"'),
    (["a note"], 'notes: expected an object, got a list'),
])
def test_a_malformed_note_is_a_load_problem_naming_the_note(tmp_path, notes, expected):
    problems = load_problems(file_with(tmp_path, notes))
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_every_bad_note_is_reported_at_once(tmp_path):
    good = {"text": "", "x": 0, "y": 0, "width": 100, "height": 100, "color": "#ffffff"}
    problems = load_problems(file_with(tmp_path, {"a": good | {"color": "#12345"}, "b": good,
                                                  "c": good | {"width": -5}}))
    assert [p.split(":")[0] for p in problems] == ['notes["a"].color', 'notes["c"].width']


def test_a_network_with_a_bad_note_is_not_saved(tmp_path):
    net = with_notes()
    net.notes["note"].x = float("nan")
    path = tmp_path / "net.snn"
    with pytest.raises(ValidationError, match=r'notes\["note"\].x: expected a finite number'):
        fileformat.save(net, path)
    assert not path.exists()


def test_scripts_add_notes_by_id():
    import spikestudio

    assert spikestudio.Note is Note
    net = Network()
    note = net.add_note("hint", "Press Run", 10.0, 20.0, width=300.0, color="#ffcc80")
    assert net.notes == {"hint": note} and (note.x, note.y, note.width, note.height) == (10.0, 20.0, 300.0, 140.0)
    with pytest.raises(ValidationError, match=r'notes\["hint"\]: a note with this id already exists'):
        net.add_note("hint", "again")


def test_a_note_filed_under_another_id_is_a_problem():
    net = with_notes()
    net.notes["other"] = Note("note")
    assert [str(p) for p in notes_problems(net)] == ['notes["other"]: holds a note whose id is "note"']


# --- notes are not part of the science -----------------------------------------------------------------------


def test_the_simulation_runs_the_same_with_and_without_notes():
    plain, noted = with_notes(), with_notes()
    plain.notes = {}
    for net in (plain, noted):
        net.add_current("bias", "E", "dc", amplitude=500.0)  # R I = 20 mV, past the 15 mV to threshold
        net.record_spikes("E")
    times, neurons = Simulator(noted).run(0.2).spikes("E")
    assert times.size > 0  # the drive makes E fire, so equality below compares real spikes
    reference = Simulator(plain).run(0.2).spikes("E")
    assert np.array_equal(times, reference[0]) and np.array_equal(neurons, reference[1])


def test_notes_are_invisible_to_validation_live_edits_and_exporters():
    plain, noted = with_notes(), with_notes()
    plain.notes = {}
    assert noted.validate() == []
    assert live_changes(plain, noted) == ([], [])
    assert brian2_script(noted) == brian2_script(plain) and pynn_script(noted) == pynn_script(plain)


# --- the document ---------------------------------------------------------------------------------------------


class Log:
    def __init__(self, doc):
        self.events = []
        for name in ("notes_added", "notes_removed", "note_changed", "notes_moved", "items_added",
                     "items_removed", "item_changed", "nodes_moved", "settings_changed"):
            getattr(doc, name).connect(lambda *a, n=name: self.events.append((n, *a)))


def test_document_adds_removes_and_restores_notes_in_place():
    doc = NetworkDocument(with_notes())
    log = Log(doc)
    doc.add_notes([Note("third", "hi")])
    assert list(doc.network.notes) == ["note", "blue", "third"]
    removed = doc.remove_notes(["note", "third"])
    assert list(doc.network.notes) == ["blue"]
    doc.restore_notes(removed)
    assert list(doc.network.notes) == ["note", "blue", "third"]
    assert note_fields(doc.network)["note"] == note_fields(with_notes())["note"]
    assert log.events == [("notes_added", ["third"]), ("notes_removed", ["note", "third"]),
                          ("notes_added", ["note", "third"])]


def test_document_refuses_bad_notes_and_changes_nothing():
    doc = NetworkDocument(with_notes())
    log = Log(doc)
    before = fileformat.dumps(doc.network)
    with pytest.raises(ValidationError, match=r'notes\["note"\]: a note with this id already exists'):
        doc.add_notes([Note("note")])
    bad = doc.edited_note("blue")
    bad.color = "blue"
    with pytest.raises(ValidationError, match=r'notes\["blue"\].color'):
        doc.replace_note(bad)
    with pytest.raises(ValidationError, match=r'notes\["blue"\].x: .* is outside'):
        doc.move_notes({"note": (10.0, 10.0), "blue": (1e9, 0.0)})
    with pytest.raises(ValidationError, match=r'notes\["gone"\]: no note has this id'):
        doc.move_notes({"gone": (0.0, 0.0)})
    assert fileformat.dumps(doc.network) == before and log.events == []


def test_document_edits_and_moves_a_note_and_hands_back_what_undo_needs():
    doc = NetworkDocument(with_notes())
    log = Log(doc)
    edited = doc.edited_note("note")
    edited.text, edited.color, edited.width = "new text", "#c5e1a5", 300.0
    old = doc.replace_note(edited)
    assert (doc.note("note").text, doc.note("note").width, old.text) == ("new text", 300.0, with_notes().notes[
        "note"].text)
    previous = doc.move_notes({"note": (5.0, 6.0)})
    assert previous == {"note": (-120.5, 90.0)} and (doc.note("note").x, doc.note("note").y) == (5.0, 6.0)
    doc.move_notes(previous)
    doc.replace_note(old)
    assert note_fields(doc.network) == note_fields(with_notes())
    assert [e[0] for e in log.events] == ["note_changed", "notes_moved", "notes_moved", "note_changed"]
    assert doc.unused_note_id() == "note_2"


def test_copying_carries_chosen_notes_and_pasting_renames_and_shifts_them():
    net = with_notes()
    piece = fileformat.loads(fileformat.dumps(extract(net, ["E"], notes=["note"])))
    assert list(piece.notes) == ["note"] and list(piece.populations) == ["E"]
    assert extract(net, ["E"]).notes == {}
    pasted = fit_notes_into(net, piece, (40.0, 40.0))
    assert [(n.id, n.text, n.x, n.y) for n in pasted] == [("note_2", net.notes["note"].text, -80.5, 130.0)]
