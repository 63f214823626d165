"""View > Presentation Mode and View > Theme: the window's switches for ``gui.theme``, kept in step with it
(another window, or a lesson, may change the look)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
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
        self.widths: dict | None = None  # the side docks' widths before presentation mode, given back after

    def update(self) -> None:
        theme = current()
        self.actions["presentation"].setChecked(theme.presentation)
        for name in (LIGHT, DARK):
            self.actions[f"theme_{name}"].setChecked(theme.name == name)
        if theme.presentation != self.presentation:
            self.presentation = theme.presentation
            window = self.parent()
            if theme.presentation:
                self.widths = {d: (d.width(), d.height()) for d in _side_docks(window) + _plot_docks(window)}
                _widen_side_docks(window, FONT_SCALE)
            elif self.widths:  # once the normal font's smaller minimum sizes are in place
                QTimer.singleShot(0, window, lambda sizes=self.widths: _restore(window, sizes))  # not once it closed
                self.widths = None


SIDE_SHARE = 0.24  # a side dock takes at most this share of the window's width: the canvas keeps room


def _side_docks(window) -> list:
    return [d for d in (getattr(window, "palette_dock", None), getattr(window, "inspector_dock", None))
            if d is not None and d.isVisible() and not d.isFloating()]


def _restore(window, sizes: dict) -> None:
    """The docks' sizes from before presentation mode."""
    window.layout().activate()  # the minimum sizes of the normal font, before the sizes are asked for
    for docks in (_side_docks(window), _plot_docks(window)):
        docks = [d for d in docks if d in sizes]
        window.resizeDocks(docks, [sizes[d][0] for d in docks], Qt.Horizontal)
    plots = [d for d in _plot_docks(window) if d in sizes]
    window.resizeDocks(plots[:1], [sizes[d][1] for d in plots[:1]], Qt.Vertical)


def _plot_docks(window) -> list:
    """The row of plots under the canvas (their widths shift as minimum sizes grow with the font)."""
    simulation = getattr(window, "simulation", None)
    docks = [] if simulation is None else [simulation.docks[k] for k in ("raster", "traces", "rates")]
    return [d for d in docks if d.isVisible() and not d.isFloating()]


def _widen_side_docks(window, factor: float) -> None:
    """The palette and inspector grow with their text (else the inspector's fields scroll sideways), but never
    past ``SIDE_SHARE`` of the window, so a laptop's canvas is not squeezed to a strip."""
    docks = _side_docks(window)
    if docks:
        most = round(window.width() * SIDE_SHARE)
        window.resizeDocks(docks, [min(round(d.width() * factor), max(d.width(), most)) for d in docks],
                           Qt.Horizontal)
