"""View > Presentation Mode and View > Theme: the window's switches for ``gui.theme``, kept in step with it
(another window, or a lesson, may change the look)."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from .theme import DARK, LIGHT, current

__all__ = ["build_theme_actions", "PRESENTATION_SHORTCUT"]

PRESENTATION_SHORTCUT = "Ctrl+Shift+P"


def build_theme_actions(window) -> dict[str, QAction]:
    """``presentation`` (checkable), ``theme_light`` and ``theme_dark`` (one of them checked)."""
    presentation = QAction("&Presentation Mode", window, checkable=True, objectName="presentation")
    presentation.setShortcut(QKeySequence(PRESENTATION_SHORTCUT))
    presentation.setStatusTip("Larger text and thicker lines, for a projector")
    presentation.triggered.connect(lambda on: current().set_presentation(on))
    group = QActionGroup(window)
    group.setExclusive(True)
    actions = {"presentation": presentation}
    for name, text in ((LIGHT, "&Light"), (DARK, "&Dark")):
        action = QAction(text, group, checkable=True, objectName=f"theme_{name}")
        action.setStatusTip(f"Show SpikeStudio in {name} colours")
        action.triggered.connect(lambda _=False, n=name: current().set_theme(n))
        actions[f"theme_{name}"] = action
    for action in actions.values():
        window.addAction(action)
    sync = _Sync(actions, window)
    sync.update()
    current().changed.connect(sync.update)
    return actions


class _Sync(QObject):
    """Checks the actions that match the theme (setChecked does not trigger them); a child of the window, so the
    connection goes with it."""

    def __init__(self, actions: dict[str, QAction], parent):
        super().__init__(parent)
        self.actions = actions

    def update(self) -> None:
        theme = current()
        self.actions["presentation"].setChecked(theme.presentation)
        for name in (LIGHT, DARK):
            self.actions[f"theme_{name}"].setChecked(theme.name == name)
