"""Tabbing docks together without the stray tab bar Qt leaves behind.

Qt 6 (seen in 6.11) makes two tab bars when a second group of tabbed docks is formed while another group exists:
``QMainWindowLayout::getTabBar`` asks the dock layout which bars are in use, which gives the half-made group a bar
of its own, and then hands the group a second one. The first stays a visible child of the window at the place of
the last layout, listing the group's first tabs: "Population rates | Weights" over the membrane traces at
1400x900; each later tabbing shows it again. ``tabify`` keeps such a stray hidden for as long as it lists the tabs
it was left with (Qt may later empty it and reuse it for another group: then it is Qt's again). Restoring a saved
layout leaves every bar from before shown where it was, even after the event loop runs: ``restore_docks`` keeps
those hidden the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar

__all__ = ["tabify", "restore_docks", "dock_tab_bars", "tab_texts"]


def dock_tab_bars(window: QMainWindow) -> list[QTabBar]:
    """The tab bars the window's dock layout made (its direct children), oldest first."""
    return window.findChildren(QTabBar, options=Qt.FindDirectChildrenOnly)


def tabify(window: QMainWindow, first: QDockWidget, second: QDockWidget) -> None:
    """``window.tabifyDockWidget(first, second)``, then hide the stray bar it may have made: of the bars made by
    this one call, the layout keeps the last (the one it asked for); the earlier ones are strays."""
    before = set(dock_tab_bars(window))
    window.tabifyDockWidget(first, second)
    made = [bar for bar in dock_tab_bars(window) if bar not in before]
    for stray in made[:-1]:
        _StrayGuard(stray)


def restore_docks(window: QMainWindow, state, version: int) -> bool:
    """``window.restoreState(state, version)``, then keep hidden the tab bars it left: the restored layout makes
    bars of its own, and the ones it had before stay shown where they were, still listing their tabs (after the
    event loop has run too: a returning user saw "Palette | Lesson" over the raster)."""
    before = set(dock_tab_bars(window))
    restored = window.restoreState(state, version)
    if restored:
        for stale in [bar for bar in dock_tab_bars(window) if bar in before and bar.count()]:
            _StrayGuard(stale)
    return restored


def tab_texts(bar: QTabBar) -> list[str]:
    return [bar.tabText(i) for i in range(bar.count())]


class _StrayGuard(QObject):
    """Hides a stray tab bar whenever Qt shows it, until Qt gives it other tabs (reused, it is a real bar again)."""

    def __init__(self, bar: QTabBar):
        super().__init__(bar)  # lives as long as the bar
        self.stale = tab_texts(bar)
        bar.installEventFilter(self)
        bar.hide()

    def eventFilter(self, bar, event) -> bool:
        if event.type() == QEvent.Show:
            if tab_texts(bar) == self.stale:
                bar.hide()
            else:
                bar.removeEventFilter(self)
                self.deleteLater()
        return False
