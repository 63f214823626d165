"""The welcome page and the example gallery: first launch, the setting that turns it off, Help > Welcome and
Help > Examples…, and that each of its buttons, recent files, example cards and lessons opens what it says."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from spikestudio.engine.editing.layout import auto_layout
from spikestudio.engine.files import fileformat
from spikestudio.engine.teaching import lesson as lesson_files
from spikestudio.gui.base import dialogs
from spikestudio.gui.base.app_settings import add_recent_file
from spikestudio.gui.teaching.gallery import ExampleCard, ExamplesDialog, example_info
from spikestudio.gui.teaching.welcome import SETTING, welcome_at_startup
from spikestudio.resources.examples import example_path, example_thumbnail, first_sentence, list_examples

LESSON = """---
title: Test lesson
summary: A lesson written for this test.
network: example:single_neuron
---

Introduction.

## Press Run
@run
"""


@pytest.fixture
def launch(qtbot, tmp_path, monkeypatch):
    """Starts the app as ``spikestudio`` with no argument does (welcome page allowed), in a temporary home."""
    from spikestudio.gui.shell.app import greet, make_window

    monkeypatch.setenv("SPIKESTUDIO_HOME", str(tmp_path / "home"))
    made = []

    def start(path=None):
        w = make_window(path, recover=False)
        greet(w, path)
        with qtbot.waitExposed(w):
            w.show()
        made.append(w)
        return w

    yield start
    import shiboken6

    for w in made:
        if shiboken6.isValid(w):
            w.stack.setClean()
            w.close()


def click(widget) -> None:
    QTest.mouseClick(widget, Qt.LeftButton)


def click_item(view, row: int) -> None:
    point = view.visualRect(view.model().index(row, 0)).center()
    QTest.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier, point)


def test_welcome_page_shows_over_the_default_example_at_first_launch(launch):
    w = launch()
    assert w.welcome is not None and w.welcome.isVisible()
    assert w.files.example == "single_neuron" and "neuron" in w.doc.network.populations  # behind the page
    page = w.welcome
    assert page.geometry().contains(w.centralWidget().geometry())  # over the canvas, inside the window
    assert page.rect().contains(page.panel.geometry())
    assert page.at_startup.isChecked()


def test_unticking_show_at_startup_persists_and_the_next_launch_has_no_page(launch, tmp_path):
    first = launch()
    click(first.welcome.at_startup)
    assert not first.welcome.at_startup.isChecked()
    stored = QSettings(str(tmp_path / "home" / "settings.ini"), QSettings.IniFormat)
    assert stored.value(SETTING, True, type=bool) is False and not welcome_at_startup()
    second = launch()
    assert second.welcome is None or not second.welcome.isVisible()
    second.show_welcome()  # Help > Welcome still works; ticking the box turns it back on
    click(second.welcome.at_startup)
    assert welcome_at_startup() and launch().welcome.isVisible()


def test_no_welcome_page_with_a_file_argument_nor_in_the_window_fixture(launch, window):
    from spikestudio.gui.shell.app import greet

    assert launch("cuba").welcome is None
    assert launch(str(example_path("brunel"))).welcome is None
    assert launch("single_neuron").welcome is None  # named on the command line: the user knows what they want
    w = window()
    assert w.welcome is None
    w.files.take_recovered(fileformat.load(example_path("cuba")), None)  # work recovered after a crash
    assert not greet(w, None) and w.welcome is None


def test_no_welcome_page_in_a_screenshot_run(qtbot, tmp_path, monkeypatch):
    from spikestudio.gui.shell.app import run_app
    from spikestudio.gui.shell.main_window import MainWindow

    monkeypatch.setenv("SPIKESTUDIO_HOME", str(tmp_path / "home"))
    shown = []
    monkeypatch.setattr(MainWindow, "show_welcome", lambda self: shown.append(self))
    out = tmp_path / "shot.png"
    assert run_app(None, screenshot=str(out)) == 0
    assert out.is_file() and shown == []


def test_help_welcome_shows_it_again_and_esc_or_the_close_button_hide_it(window):
    w = window()
    w.actions["welcome"].trigger()
    assert w.welcome.isVisible() and w.welcome.hasFocus()
    QTest.keyClick(w.welcome, Qt.Key_Escape)
    assert not w.welcome.isVisible()
    w.actions["welcome"].trigger()
    assert w.welcome.isVisible()
    click(w.welcome.close_button)
    assert not w.welcome.isVisible()
    w.actions["welcome"].trigger()
    card = w.welcome.gallery.cards["cuba"]
    card.setFocus()
    QTest.keyClick(card, Qt.Key_Escape)  # Esc works wherever the focus is on the page
    assert not w.welcome.isVisible() and w.files.example == "single_neuron"
    assert "&Welcome" in [a.text() for a in w.menuBar().actions()[-1].menu().actions()]


@pytest.mark.parametrize("size", [(1400, 860), (1000, 700)])
def test_page_fits_the_window_and_follows_its_size(window, qtbot, size):
    w = window()
    w.show_welcome()
    w.resize(*size)
    qtbot.waitUntil(lambda: w.welcome.width() == w.width())
    page = w.welcome
    assert page.rect().contains(page.panel.geometry())
    assert page.geometry().top() >= w.menuBar().geometry().bottom()
    assert page.geometry().bottom() < w.statusBar().geometry().top()
    scroll = page.gallery.parentWidget().parentWidget()
    assert scroll.viewport().width() >= next(iter(page.gallery.cards.values())).width()  # one card fits


def test_clicking_an_example_card_opens_it_read_only(window, monkeypatch, tmp_path):
    w = window()
    w.show_welcome()
    original = example_path("cuba").read_bytes()
    click(w.welcome.gallery.cards["cuba"])
    assert not w.welcome.isVisible()
    assert w.files.example == "cuba" and w.files.path is None
    expected = fileformat.load(example_path("cuba"))
    expected.layout.update(auto_layout(expected))  # the editor places the recorders
    assert fileformat.dumps(w.doc.network) == fileformat.dumps(expected)
    asked = []
    target = tmp_path / "my_cuba.snn"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": asked.append(suggestion) or str(target))
    w.actions["save"].trigger()
    assert asked == ["cuba.snn"]  # Save asked for a new name
    assert target.is_file() and example_path("cuba").read_bytes() == original
    assert w.files.path == target.resolve()


def test_recent_files_are_listed_and_open_with_a_click(window, tmp_path):
    paths = []
    for name in ("cuba", "brunel"):
        path = tmp_path / f"my_{name}.json"
        path.write_bytes(example_path(name).read_bytes())
        paths.append(path)
    add_recent_file(tmp_path / "gone.json")  # no longer on disk: not listed
    for path in paths:
        add_recent_file(path)
    w = window()
    w.show_welcome()
    recent = w.welcome.recent
    listed = [recent.item(i).data(Qt.UserRole) for i in range(recent.count())]
    assert listed == [str(paths[1].resolve()), str(paths[0].resolve())]  # most recent first
    assert recent.item(1).text().startswith("my_cuba.json") and not w.welcome.no_recent.isVisible()
    click_item(recent, 1)
    assert w.files.path == paths[0].resolve() and not w.welcome.isVisible()
    assert set(w.doc.network.populations) == {"E", "I"} and w.doc.network.populations["E"].size == 3200


def test_no_recent_files_says_so(window):
    w = window()
    w.show_welcome()
    assert w.welcome.recent.count() == 0 and w.welcome.no_recent.isVisible() and not w.welcome.recent.isVisible()


def test_new_network_from_the_welcome_page(window):
    w = window()
    w.show_welcome()
    click(w.welcome.new_button)
    assert not w.welcome.isVisible()
    assert not w.doc.network.populations and w.files.path is None and w.files.example is None


def test_a_network_opened_from_the_menus_uncovers_the_canvas(window):
    w = window()
    w.show_welcome()
    w.files.open_example("cuba")  # File > Examples > cuba
    assert not w.welcome.isVisible() and w.files.example == "cuba"


def test_open_from_the_welcome_page_stays_when_cancelled(window, monkeypatch):
    w = window()
    w.show_welcome()
    monkeypatch.setattr(dialogs, "ask_open_path", lambda parent, folder="": None)
    click(w.welcome.open_button)
    assert w.welcome.isVisible() and w.files.example == "single_neuron"


def test_examples_dialog_lists_every_example_with_its_sentence_and_picture(window, qtbot):
    w = window()
    w.actions["examples"].trigger()
    dialog = w.findChild(ExamplesDialog)
    qtbot.waitExposed(dialog)
    cards = dialog.gallery.cards
    assert list(cards) == list_examples() and len(cards) >= 5
    for name, card in cards.items():
        info = example_info(name)
        assert card.title.text() == info.title and card.summary.text() == info.summary
        assert card.summary.isVisible() and card.has_picture(), name
    cards["brunel"].setFocus()
    QTest.keyClick(cards["brunel"], Qt.Key_Return)  # the keyboard opens a card too
    assert w.files.example == "brunel"
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_every_example_has_a_thumbnail_and_a_one_sentence_summary():
    from spikestudio.resources.examples.make_thumbnails import THUMBNAIL_SIZE

    for name in list_examples():
        picture = example_thumbnail(name)
        assert picture is not None, f"{name}: run resources/examples/make_thumbnails.py"
        image = QImage(str(picture))
        assert (image.width(), image.height()) == THUMBNAIL_SIZE, name
        summary = example_info(name).summary
        assert summary.endswith(".") and ". " not in summary and 20 <= len(summary) <= 120, (name, summary)


def test_a_missing_thumbnail_shows_a_placeholder(qtbot):
    info = example_info("cuba")
    card = ExampleCard(type(info)(info.name, info.title, info.summary, None))
    qtbot.addWidget(card)
    assert not card.has_picture() and "no picture" in card.picture.text()


def test_first_sentence():
    assert first_sentence("One thing. Then (J. Neurosci.) more.") == "One thing."
    assert first_sentence("No full stop") == "No full stop"
    assert first_sentence("Two\nlines.  Next.") == "Two lines."


def test_lessons_are_listed_and_open_through_the_window(window, tmp_path, monkeypatch):
    folder = tmp_path / "lessons" / "01-test"
    folder.mkdir(parents=True)
    (folder / "lesson.md").write_text(LESSON, encoding="utf-8")
    monkeypatch.setattr(lesson_files, "lessons_folder", lambda: tmp_path / "lessons")
    w = window()
    opened = []
    monkeypatch.setattr(type(w), "open_lesson", lambda self, path: opened.append(path), raising=False)
    w.show_welcome()
    lessons = w.welcome.lessons
    assert lessons.isVisible() and lessons.count() == 1
    assert lessons.item(0).text() == "1. Test lesson" and "A lesson written for this test." in lessons.item(0).toolTip()
    click_item(lessons, 0)
    lessons.itemActivated.emit(lessons.item(0))  # where a click also activates (some desktops): opened once
    assert opened == [folder] and not w.welcome.isVisible()


def test_lessons_section_is_hidden_without_lessons_or_a_lesson_panel(window, tmp_path, monkeypatch):
    monkeypatch.setattr(lesson_files, "lessons_folder", lambda: tmp_path / "none")
    w = window()
    monkeypatch.setattr(type(w), "open_lesson", lambda self, path: None, raising=False)
    w.show_welcome()
    assert not w.welcome.lessons.isVisible() and not w.welcome.lessons_heading.isVisible()
    (tmp_path / "none" / "01-x").mkdir(parents=True)
    (tmp_path / "none" / "01-x" / "lesson.md").write_text(LESSON, encoding="utf-8")
    monkeypatch.delattr(type(w), "open_lesson")
    w.show_welcome()
    assert not w.welcome.lessons.isVisible()


def test_thumbnails_are_drawn_from_the_canvas(qtbot):
    from spikestudio.resources.examples.make_thumbnails import render_thumbnail

    image = QImage.fromData(render_thumbnail("single_neuron"))
    assert not image.isNull()
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)}
    assert "#ffffff" in colours and len(colours) > 20  # white around a drawn network, not a blank picture


def test_keys_on_the_page_do_not_act_on_the_network_behind_it(window):
    w = window("cuba")
    w.scene.select_ids(["E"])
    w.show_welcome()
    QTest.keyClick(w.welcome, Qt.Key_Delete)
    QTest.keyClick(w.welcome, Qt.Key_F5)  # Run
    assert "E" in w.doc.network.populations and w.simulation.controller.state != "running"
    QTest.keyClick(w.welcome, Qt.Key_Escape)
    assert not w.welcome.isVisible()
    w.scene.select_ids(["E"])
    QTest.keyClick(w.view, Qt.Key_Delete)  # with the page gone the same key deletes, as it should
    assert "E" not in w.doc.network.populations
