"""Sticky notes in the real window, driven like a person would: add from the menu, type in place, drag, resize,
recolour, delete, copy and paste, save and reopen, and proof that a note never makes the simulation rebuild."""

import numpy as np
import pytest
from gui_helpers import click_node, double_click, drag, view_point
from PySide6.QtCore import QPoint, QPointF, QRectF, QSizeF, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QDragEnterEvent, QDropEvent, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Note
from spikestudio.engine.model.notes import DEFAULT_NOTE_COLOR, NOTE_COLORS
from spikestudio.gui.base import dialogs
from spikestudio.gui.canvas.scene_picture import picture_rect
from test_gui_files import save_as
from test_gui_live import open_network, run_to_end

pytestmark = pytest.mark.timeout(90)


def note_point(w, note_id: str, dx: float = 0.0, dy: float = 0.0):
    """A view point on a note: its centre, shifted by ``dx``, ``dy`` canvas units."""
    return view_point(w, w.scene.notes.items[note_id].sceneBoundingRect().center() + QPointF(dx, dy))


def empty_point(w):
    """A view point on empty canvas (no node, edge or note under it), for clicks that end editing."""
    viewport = w.view.viewport().rect()
    for x in range(10, viewport.width(), 15):
        for y in range(10, viewport.height(), 15):
            if not w.view.items(QPoint(x, y)):
                return QPoint(x, y)
    raise AssertionError("no empty canvas in view")


def add_note_at(w, x: float, y: float) -> str:
    note_id = w.edits.add_note(QPointF(x, y))
    w.view.centerOn(x + 110, y + 70)
    return note_id


def test_add_a_note_from_the_edit_menu_type_in_place_and_undo_the_typing_in_one_step(window):
    w = window("single_neuron")
    edit_menu = next(a.menu() for a in w.menuBar().actions() if a.text() == "&Edit")
    assert w.actions["add_note"] in edit_menu.actions()
    w.actions["add_note"].trigger()
    assert list(w.doc.network.notes) == ["paper", "note"] and w.doc.note("note").color == DEFAULT_NOTE_COLOR
    item = w.scene.notes.items["note"]
    assert item.isSelected() and w.stack.undoText() == "Add note" and w.isWindowModified()
    w.view.centerOn(item.sceneBoundingRect().center())
    double_click(w.view.viewport(), note_point(w, "note"))
    assert item.editing and w.scene.focusItem() is item.editor
    QTest.keyClicks(w.view, "Fire at f = 1 Hz!")  # "f" is Fit to View and space pans: here both are text
    QTest.keyClick(w.view, Qt.Key_Backspace)
    assert w.doc.note("note").text == "" and w.doc.network.populations  # nothing committed, nothing deleted
    steps = w.stack.index()
    QTest.keyClick(w.view, Qt.Key_Escape)  # ends editing
    assert not item.editing and w.doc.note("note").text == "Fire at f = 1 Hz"
    assert w.stack.index() == steps + 1 and w.stack.undoText() == "Edit note text"
    w.actions["undo"].trigger()
    assert w.doc.note("note").text == "" and item.text == ""  # the whole typing session, in one step
    w.actions["undo"].trigger()
    assert set(w.doc.network.notes) == {"paper"} and set(w.scene.notes.items) == {"paper"}
    w.actions["redo"].trigger()
    w.actions["redo"].trigger()
    assert w.scene.notes.items["note"].text == "Fire at f = 1 Hz"


def test_the_palette_adds_a_note_by_double_click_and_by_drop_where_it_is_dropped(window):
    w = window("single_neuron")
    entry = w.palette.item_for("note")
    double_click(w.palette.viewport(), w.palette.visualItemRect(entry).center())
    assert list(w.doc.network.notes) == ["paper", "note"] and w.stack.undoText() == "Add note"
    target = view_point(w, QPointF(-300, 250))
    viewport = w.view.viewport()
    mime = w.palette.mime_for("note")
    QApplication.sendEvent(viewport, QDragEnterEvent(target, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    QApplication.sendEvent(viewport, QDropEvent(QPointF(target), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    dropped = w.scene.notes.items["note_2"].sceneBoundingRect()
    assert dropped.center().x() == pytest.approx(-300, abs=3) and dropped.center().y() == pytest.approx(250, abs=3)


def test_editing_ends_when_clicking_elsewhere_and_an_unchanged_text_adds_no_step(window):
    w = window("single_neuron")
    add_note_at(w, 300, 200)
    steps = w.stack.index()
    double_click(w.view.viewport(), note_point(w, "note"))
    QTest.mouseClick(w.view.viewport(), Qt.LeftButton, Qt.NoModifier, empty_point(w))
    assert not w.scene.notes.items["note"].editing and w.stack.index() == steps
    double_click(w.view.viewport(), note_point(w, "note"))
    QTest.keyClicks(w.view, "E fires at 40 Hz")
    QTest.mouseClick(w.view.viewport(), Qt.LeftButton, Qt.NoModifier, empty_point(w))
    assert w.doc.note("note").text == "E fires at 40 Hz" and w.stack.index() == steps + 1


def test_a_card_grows_to_fit_what_is_typed_and_undo_takes_text_and_size_back_together(window):
    w = window("single_neuron")
    add_note_at(w, 300, 200)
    double_click(w.view.viewport(), note_point(w, "note"))
    for line in range(12):
        QTest.keyClicks(w.view, f"line {line}")
        QTest.keyClick(w.view, Qt.Key_Return)
    item = w.scene.notes.items["note"]
    assert item.height > 200 and w.doc.note("note").height == 140  # a preview until editing ends
    QTest.keyClick(w.view, Qt.Key_Escape)
    note = w.doc.note("note")
    assert note.height == item.height > 200 and note.text.count("\n") == 12
    assert item.editor.boundingRect().height() < note.height  # the text fits the card
    w.actions["undo"].trigger()
    assert (w.doc.note("note").text, w.doc.note("note").height, item.height) == ("", 140, 140)


def test_dragging_a_note_with_a_selected_node_moves_both_in_one_undo_step(window):
    w = window("cuba")
    add_note_at(w, -200, 250)
    w.view.centerOn(0, 150)
    click_node(w, "E", Qt.ControlModifier)  # the note stays selected too
    assert w.scene.notes.selected() == ["note"] and w.scene.selected_nodes() == ["E"]
    node_before = (w.doc.layout_of("E").x, w.doc.layout_of("E").y)
    start = note_point(w, "note")
    drag(w, start, start + view_point(w, QPointF(100, 60)) - view_point(w, QPointF(0, 0)))
    note = w.doc.note("note")
    moved = (note.x + 200, note.y - 250)
    assert moved == pytest.approx((100, 60), abs=2)
    assert (w.doc.layout_of("E").x - node_before[0], w.doc.layout_of("E").y - node_before[1]) == pytest.approx(moved)
    assert w.stack.undoText() == "Move 2 items"
    w.actions["undo"].trigger()
    assert (w.doc.note("note").x, w.doc.note("note").y) == (-200, 250)
    assert (w.doc.layout_of("E").x, w.doc.layout_of("E").y) == node_before
    assert w.scene.notes.items["note"].pos() == QPointF(-200, 250)


def test_arrow_keys_move_the_selected_notes_and_nodes_by_grid_steps_in_one_undo_step(window):
    w = window("cuba")
    add_note_at(w, -200, 250)  # selected when added
    click_node(w, "E", Qt.ControlModifier)
    before = (w.doc.layout_of("E").x, w.doc.layout_of("E").y)
    QTest.keyClick(w.view, Qt.Key_Right)
    QTest.keyClick(w.view, Qt.Key_Down, Qt.ShiftModifier)
    assert (w.doc.note("note").x, w.doc.note("note").y) == (-180, 350)
    assert (w.doc.layout_of("E").x, w.doc.layout_of("E").y) == (before[0] + 20, before[1] + 100)
    w.actions["undo"].trigger()
    assert (w.doc.note("note").x, w.doc.note("note").y) == (-180, 250) and w.doc.layout_of("E").y == before[1]


def test_opening_another_network_while_a_note_is_being_edited_drops_the_edit(window):
    w = window("single_neuron")
    add_note_at(w, 300, 200)
    double_click(w.view.viewport(), note_point(w, "note"))
    QTest.keyClicks(w.view, "half a thought")
    steps = w.stack.index()
    w.doc.replace_network(fileformat.loads(fileformat.dumps(w.doc.network)))  # what Open and Revert do
    assert w.doc.note("note").text == "" and w.stack.index() == steps
    assert not w.scene.notes.items["note"].editing and w.scene.focusItem() is None


def test_the_corner_grip_resizes_a_note_as_one_undoable_step(window):
    w = window("single_neuron")
    add_note_at(w, 300, 200)
    grip = note_point(w, "note", 110 - 5, 70 - 5)  # inside the bottom-right grip of a 220 x 140 card
    drag(w, grip, grip + view_point(w, QPointF(80, 40)) - view_point(w, QPointF(0, 0)))
    note = w.doc.note("note")
    assert (note.width, note.height) == pytest.approx((300, 180), abs=2) and (note.x, note.y) == (300, 200)
    assert w.stack.undoText() == "Resize note"
    w.actions["undo"].trigger()
    assert (w.doc.note("note").width, w.doc.note("note").height) == (220, 140)
    assert w.scene.notes.items["note"].width == 220


def test_the_context_menu_recolours_and_deletes_and_the_delete_key_deletes(window):
    w = window("single_neuron")
    add_note_at(w, 300, 200)
    item = w.scene.notes.items["note"]
    menu = item.menu()
    blue = next(a for c in menu.actions() if c.menu() for a in c.menu().actions() if a.text() == "Blue")
    blue.trigger()
    assert w.doc.note("note").color == NOTE_COLORS["Blue"] and item.color.name() == NOTE_COLORS["Blue"]
    assert w.stack.undoText() == "Change note colour"
    menu = item.menu()
    next(a for a in menu.actions() if a.text() == "Delete Note").trigger()
    assert set(w.doc.network.notes) == {"paper"}
    w.actions["undo"].trigger()
    assert w.doc.note("note").color == NOTE_COLORS["Blue"]
    QTest.mouseClick(w.view.viewport(), Qt.LeftButton, Qt.NoModifier, note_point(w, "note"))
    QTest.keyClick(w.view, Qt.Key_Delete)
    assert set(w.doc.network.notes) == {"paper"} and "neuron" in w.doc.network.populations
    w.actions["undo"].trigger()
    assert set(w.scene.notes.items) == {"paper", "note"}


def right_click_and_choose(w, point, path: list[str]) -> None:
    """Right-click the canvas at ``point`` and pick ``path`` (menu texts, submenus first) in the menu that opens."""
    def choose(menu=None, rest=tuple(path)):
        menu = menu or QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, choose)
            return
        action = next(a for a in menu.actions() if a.text() == rest[0])
        if len(rest) > 1:
            menu.setActiveAction(action)
            QTimer.singleShot(10, lambda: choose(action.menu(), rest[1:]))
            return
        action.trigger()
        for popup in (QApplication.activePopupWidget(), menu):
            if popup is not None:
                popup.close()

    QTimer.singleShot(0, choose)
    event = QContextMenuEvent(QContextMenuEvent.Mouse, point, w.view.viewport().mapToGlobal(point))
    QApplication.sendEvent(w.view.viewport(), event)


def test_the_real_right_click_menus_add_and_delete_a_note(window):
    w = window("single_neuron")
    point = empty_point(w)
    at = w.view.mapToScene(point)
    right_click_and_choose(w, point, ["Add Note Here"])
    assert (w.doc.note("note").x, w.doc.note("note").y) == (round(at.x()), round(at.y()))
    right_click_and_choose(w, note_point(w, "note"), ["Delete Note"])  # removes the item from inside its own menu
    QTest.qWait(20)
    assert set(w.doc.network.notes) == {"paper"} and set(w.scene.notes.items) == {"paper"}
    w.actions["undo"].trigger()
    assert set(w.scene.notes.items) == {"paper", "note"}


def test_a_right_click_on_empty_canvas_offers_a_note_there(window):
    w = window("single_neuron")
    menu = w.scene.canvas_menu(QPointF(-420.0, 330.0))
    next(a for a in menu.actions() if a.text() == "Add Note Here").trigger()
    assert (w.doc.note("note").x, w.doc.note("note").y) == (-420.0, 330.0)
    assert w.scene.notes.items["note"].pos() == QPointF(-420.0, 330.0)


def test_copy_and_paste_carry_selected_notes_with_the_nodes(window):
    w = window("cuba")
    add_note_at(w, -200, 250)
    w.doc.replace_note(Note("note", "about E", -200.0, 250.0))
    w.view.centerOn(0, 150)
    click_node(w, "E", Qt.ControlModifier)
    w.actions["copy"].trigger()
    w.actions["paste"].trigger()
    assert w.doc.note("note_2").text == "about E" and (w.doc.note("note_2").x, w.doc.note("note_2").y) == (-160, 290)
    assert "E_2" in w.doc.network.populations and w.scene.notes.selected() == ["note_2"]
    w.actions["undo"].trigger()  # the paste is one step
    assert list(w.doc.network.notes) == ["paper", "note"] and "E_2" not in w.doc.network.populations


def test_notes_are_saved_and_reopened_with_their_text_place_size_and_colour(window, tmp_path, monkeypatch):
    w = window("single_neuron")
    add_note_at(w, 300, 200)
    w.doc.replace_note(Note("note", "Threshold: −55 mV\nReset: −70 mV", 300.0, 200.0, 260.0, 120.0, "#c5e1a5"))
    path = tmp_path / "with_note.snn"
    save_as(monkeypatch, w, path)
    assert not w.isWindowModified()
    again = window(path)
    note = again.doc.note("note")
    assert (note.text, note.x, note.y, note.width, note.height, note.color) == (
        "Threshold: −55 mV\nReset: −70 mV", 300.0, 200.0, 260.0, 120.0, "#c5e1a5")
    assert again.scene.notes.items["note"].pos() == QPointF(300, 200)
    assert fileformat.load(path).notes["note"].text == note.text


def test_saving_while_writing_a_note_saves_what_was_typed(window, tmp_path, monkeypatch):
    w = window("single_neuron")
    add_note_at(w, 300, 200)
    double_click(w.view.viewport(), note_point(w, "note"))
    QTest.keyClicks(w.view, "typed, not yet committed")
    path = tmp_path / "mid_edit.json"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": str(path))
    QTest.keyClick(w.view, Qt.Key_S, Qt.ControlModifier)  # the shortcut reaches the window while the note has focus
    assert fileformat.load(path).notes["note"].text == "typed, not yet committed"
    assert not w.scene.notes.items["note"].editing and not w.isWindowModified()


def test_a_note_is_part_of_the_network_picture(window):
    w = window("single_neuron")
    add_note_at(w, 1500, 900)
    rect = picture_rect(w.scene)
    assert rect.contains(w.scene.notes.items["note"].sceneBoundingRect())


def ink(w, note_id: str, zoom: float) -> int:
    """How many pixels inside a note's card (border and grip left out) differ from its colour, drawn at ``zoom``."""
    item = w.scene.notes.items[note_id]
    inner = QRectF(item.pos() + QPointF(8, 8), QSizeF(item.width - 24, item.height - 24))
    image = QImage(int(inner.width() * zoom), int(inner.height() * zoom), QImage.Format_RGB32)
    painter = QPainter(image)
    w.scene.render(painter, QRectF(image.rect()), inner)
    painter.end()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine() // 4, 4)
    card = np.array([item.color.blue(), item.color.green(), item.color.red()])
    return int((np.abs(pixels[:, :image.width(), :3].astype(int) - card).max(axis=2) > 60).sum())


def test_note_text_is_drawn_wrapped_in_the_card_a_hint_when_empty_and_nothing_when_unreadably_small(window):
    w = window("single_neuron")
    add_note_at(w, 300, 200)
    w.scene.clearSelection()
    assert ink(w, "note", 1.0) > 0  # the "double-click to write" hint
    hint = ink(w, "note", 1.0)
    w.doc.replace_note(Note("note", "membrane " * 40, 300.0, 200.0))
    assert ink(w, "note", 1.0) > 3 * hint  # a long text fills the card, wrapped (one line would not)
    assert ink(w, "note", 0.25) == 0  # too small to read: only the card
    assert not w.scene.notes.items["note"].editor.isVisible()


def test_note_edits_never_make_the_simulation_rebuild(window, tmp_path):
    w = open_network(window, tmp_path)
    c = run_to_end(w)
    sim = c.sim
    add_note_at(w, 300, 200)
    double_click(w.view.viewport(), note_point(w, "note"))
    QTest.keyClicks(w.view, "look at the raster")
    QTest.keyClick(w.view, Qt.Key_Escape)
    start = note_point(w, "note")
    drag(w, start, start + view_point(w, QPointF(60, 0)) - view_point(w, QPointF(0, 0)))
    w.actions["delete"].trigger()
    w.actions["undo"].trigger()
    assert w.doc.note("note").text == "look at the raster" and w.doc.note("note").x == pytest.approx(360, abs=2)
    assert c.stale == [] and c.sim is sim and c.state == "done" and w.isWindowModified()


def test_text_past_a_notes_limit_is_cut_not_lost(window):
    w = window("single_neuron")
    add_note_at(w, 300, 200)
    double_click(w.view.viewport(), note_point(w, "note"))
    item = w.scene.notes.items["note"]
    item.editor.textCursor().insertText("word " * 2010)  # a paste of 10,050 characters
    QTest.keyClick(w.view, Qt.Key_Escape)
    text = w.doc.note("note").text
    assert len(text) == 10_000 and text.startswith("word word")
    assert "cut to its first 10,000 characters" in w.statusBar().currentMessage()
