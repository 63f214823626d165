"""The docks under the canvas at common screen sizes: no tab bar lies over a plot (Qt 6.11 leaves a stray "Population
rates | Weights" bar over the membrane traces, deleted only once the event loop runs: a picture taken before, as a
screenshot script takes it, showed it; gui/base/docks.py), and ``tabify`` keeps such strays hidden."""

import os

import pytest
import shiboken6
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow
from spikestudio.gui.base.docks import dock_tab_bars, tab_texts, tabify

SIZES = [(1400, 900), (1280, 800), (1920, 1080)]


def in_window(widget, window) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def shown_bars(window) -> list:
    """The dock tab bars a user can see: shown, and at least partly inside the window."""
    inside = window.rect()
    return [bar for bar in dock_tab_bars(window) if bar.isVisible() and in_window(bar, window).intersects(inside)]


@pytest.fixture
def first_frame(qtbot, tmp_path, monkeypatch):
    """A new main window shown at a size with pending events handled but no event loop run (so nothing deleted
    later is gone yet): what the first frame, or a screenshot script, shows."""
    from spikestudio.gui.shell.app import make_window

    monkeypatch.setenv("SPIKESTUDIO_HOME", str(tmp_path / "home"))
    made = []

    def make(size):
        w = make_window(None)
        made.append(w)
        w.show()
        w.resize(*size)
        for _ in range(10):
            QApplication.processEvents()
        return w

    yield make
    for w in made:
        if shiboken6.isValid(w):
            w.close()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_dock_tab_bar_lies_over_the_plots(first_frame, size):
    w = first_frame(size)
    assert (w.width(), w.height()) == size
    if os.environ.get("SPIKESTUDIO_SHOTS"):
        w.grab().save(os.path.join(os.environ["SPIKESTUDIO_SHOTS"], f"docks-{size[0]}x{size[1]}.png"))
    views = w.simulation.views
    plots = {"membrane traces": views.traces.plot, "raster": views.raster, "population rates": views.rates}
    bars = shown_bars(w)
    for bar in bars:
        for name, plot in plots.items():
            assert not in_window(bar, w).intersects(in_window(plot, w)), (tab_texts(bar), name, in_window(bar, w))
    texts = [tab_texts(bar) for bar in bars]
    assert ["Population rates", "Weights", "ISI analysis", "Phase plane"] in texts, texts
    assert texts.count(["Population rates", "Weights"]) == 0, texts  # the stray bar
    below = [bar for bar in bars if "Population rates" in tab_texts(bar)]
    rates = in_window(w.simulation.docks["rates"], w)
    assert [in_window(bar, w).top() >= rates.bottom() - 1 for bar in below] == [True]  # under its own dock


def bare_window(qtbot):
    """A window with a tab group on the right, then a split row of docks at the bottom (the app's order)."""
    win = QMainWindow()
    win.setCentralWidget(QLabel("canvas"))
    qtbot.addWidget(win)
    docks = {}
    for name, area in [("insp", Qt.RightDockWidgetArea), ("hist", Qt.RightDockWidgetArea)] + \
            [(n, Qt.BottomDockWidgetArea) for n in ("raster", "traces", "rates", "weights", "isi")]:
        dock = QDockWidget(name, win)
        dock.setObjectName(name)
        dock.setWidget(QLabel(name))
        win.addDockWidget(area, dock)
        docks[name] = dock
    tabify(win, docks["insp"], docks["hist"])
    win.splitDockWidget(docks["raster"], docks["traces"], Qt.Horizontal)
    win.splitDockWidget(docks["traces"], docks["rates"], Qt.Horizontal)
    return win, docks


def test_tabify_leaves_one_shown_bar_per_group_and_it_follows_the_group(qtbot):
    win, docks = bare_window(qtbot)
    tabify(win, docks["rates"], docks["weights"])
    tabify(win, docks["weights"], docks["isi"])  # a later tabbing re-showed Qt's stray
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    assert sorted(tab_texts(bar) for bar in shown_bars(win)) == [["insp", "hist"], ["rates", "weights", "isi"]]
    docks["isi"].hide()  # the real bar follows its group
    qtbot.wait(20)
    assert sorted(tab_texts(bar) for bar in shown_bars(win)) == [["insp", "hist"], ["rates", "weights"]]
    docks["isi"].show()
    qtbot.wait(20)
    assert sorted(tab_texts(bar) for bar in shown_bars(win)) == [["insp", "hist"], ["rates", "weights", "isi"]]


def test_a_restored_layout_leaves_no_old_tab_bar_shown_and_its_groups_still_switch(first_frame, qtbot):
    """A returning user's window restores the saved layout: Qt's bars from before stayed shown where they were
    ("Palette | Lesson" over the raster), even once the event loop had run. The restored groups keep working: the
    lesson dock, shown, gets its tab beside the palette."""
    first = first_frame((1400, 900))
    first.close()  # saves the layout
    w = first_frame((1400, 900))
    qtbot.wait(100)  # the event loop runs: what stays is what the user sees
    plots = [w.simulation.views.traces.plot, w.simulation.views.raster, w.simulation.views.rates]
    texts = [tab_texts(bar) for bar in shown_bars(w)]
    for bar in shown_bars(w):
        assert not any(in_window(bar, w).intersects(in_window(p, w)) for p in plots), tab_texts(bar)
    assert sorted(texts) == [["Inspector", "History"], ["Population rates", "Weights", "ISI analysis", "Phase plane"]]
    w.lessons.dock.show()
    qtbot.wait(50)
    assert ["Palette", "Lesson"] in [tab_texts(bar) for bar in shown_bars(w)]
