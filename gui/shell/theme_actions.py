"""View > Presentation Mode and View > Theme: the window's switches for ``gui.theme``, kept in step with it
(another window, or a lesson, may change the look)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from ..base.theme import DARK, FONT_SCALE, LIGHT, current

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
        self.presentation = current().presentation

    def update(self) -> None:
        theme = current()
        self.actions["presentation"].setChecked(theme.presentation)
        for name in (LIGHT, DARK):
            self.actions[f"theme_{name}"].setChecked(theme.name == name)
        if theme.presentation != self.presentation:
            self.presentation = theme.presentation
            _widen_side_docks(self.parent(), FONT_SCALE if theme.presentation else 1 / FONT_SCALE)


def _widen_side_docks(window, factor: float) -> None:
    """The palette and inspector grow with their text (else the inspector's fields scroll sideways)."""
    docks = [d for d in (getattr(window, "palette_dock", None), getattr(window, "inspector_dock", None))
             if d is not None and d.isVisible() and not d.isFloating()]
    if docks:
        window.resizeDocks(docks, [round(d.width() * factor) for d in docks], Qt.Horizontal)
