"""The look of the app in one place: a light or dark theme, and presentation mode for a projector.

Whatever draws asks ``current()`` for its colours and sizes; whatever already exists restyles itself on
``current().changed``. The choice is kept in the app settings and applied when the first window opens.
Presentation mode scales fonts, lines and markers; it never changes what is shown, so the normal mode
costs nothing extra per frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from . import style
from .app_settings import app_settings

__all__ = ["LIGHT", "DARK", "THEMES", "CanvasColors", "PlotColors", "UiColors", "Theme", "current", "dark_palette"]

LIGHT, DARK = "light", "dark"
THEMES = (LIGHT, DARK)
FONT_SCALE = 1.5  # the application font in presentation mode
LINE_SCALE = 3.0  # plot lines (1 px -> 3 px)
MARKER_SCALE = 2.0  # plot symbols and raster ticks
CANVAS_LINE_SCALE = 1.75  # canvas edges and card outlines (thicker would swamp their heads)
CANVAS_TEXT_SCALE = 1.3  # node and edge labels (cards keep their size, so longer names are elided)
PLOT_FONT_PT = 9.0  # pyqtgraph's legend default


@dataclass(frozen=True)
class CanvasColors:
    """What the canvas paints with, besides the node and edge colours (which keep their meaning in both themes)."""

    background: QColor
    grid_minor: QColor
    grid_major: QColor
    card: QColor
    title: QColor
    text: QColor
    port: QColor
    label_background: QColor


@dataclass(frozen=True)
class UiColors:
    """Text colours the panels set themselves (the palette gives the rest)."""

    muted: QColor  # explanations under a title
    heading: QColor  # section headings in a form


@dataclass(frozen=True)
class PlotColors:
    background: QColor
    foreground: QColor
    legend: QColor  # the legend's translucent box


CANVAS = {
    LIGHT: CanvasColors(style.CANVAS, style.GRID_MINOR, style.GRID_MAJOR, QColor("#ffffff"), QColor("#1b2631"),
                        QColor("#566573"), QColor("#566573"), QColor(247, 248, 250, 225)),
    DARK: CanvasColors(QColor("#1d2025"), QColor("#252930"), QColor("#30353e"), QColor("#2c313a"), QColor("#eef1f5"),
                       QColor("#b3bcc8"), QColor("#9aa5b1"), QColor(29, 32, 37, 225)),
}
UI = {LIGHT: UiColors(QColor("#566573"), QColor("#34495e")), DARK: UiColors(QColor("#a9b3bf"), QColor("#cfd8e3"))}
PLOTS = {
    LIGHT: PlotColors(QColor("#ffffff"), QColor("#333333"), QColor(255, 255, 255, 200)),
    DARK: PlotColors(QColor("#1d2025"), QColor("#d5dbe3"), QColor(45, 50, 58, 210)),
}


def dark_palette() -> QPalette:
    """A dark palette for the Fusion style (the usual one: grey windows, near-black fields, blue highlight)."""
    p = QPalette()
    window, base, text, disabled = QColor("#2b2f36"), QColor("#1d2025"), QColor("#e6e9ed"), QColor("#7b8491")
    for role, color in ((QPalette.Window, window), (QPalette.WindowText, text), (QPalette.Base, base),
                        (QPalette.AlternateBase, QColor("#262a30")), (QPalette.ToolTipBase, QColor("#3a3f47")),
                        (QPalette.ToolTipText, text), (QPalette.PlaceholderText, disabled), (QPalette.Text, text),
                        (QPalette.Button, QColor("#353a42")), (QPalette.ButtonText, text),
                        (QPalette.BrightText, QColor("#ff6b6b")), (QPalette.Link, QColor("#6cb4ff")),
                        (QPalette.Highlight, QColor("#3d7cc9")), (QPalette.HighlightedText, QColor("#ffffff")),
                        (QPalette.Light, QColor("#4a505a")), (QPalette.Midlight, QColor("#3f444d")),
                        (QPalette.Mid, QColor("#2f333a")), (QPalette.Dark, QColor("#17191d")),
                        (QPalette.Shadow, QColor("#0c0d0f"))):
        p.setColor(role, color)
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, disabled)
    return p


_base: dict = {}  # the app's own style, palette and font, taken once, before any theme touched them


def _app_base(app: QApplication) -> dict:
    if _base.get("app") is not app:
        _base.clear()
        _base.update(app=app, style=app.style().name(), palette=QPalette(app.palette()), font=QFont(app.font()))
    return _base


class Theme(QObject):
    """The current look; ``changed`` is emitted after it has been applied to the application."""

    changed = Signal()

    def __init__(self, name: str = LIGHT, presentation: bool = False):
        super().__init__()
        if name not in THEMES:
            raise ValueError(f'unknown theme "{name}": expected one of {", ".join(THEMES)}')
        self.name, self.presentation = name, bool(presentation)

    @classmethod
    def from_settings(cls) -> Theme:
        """The look saved in the app settings (light, normal when none is saved or the value is unknown)."""
        settings = app_settings()
        name = str(settings.value("view/theme", LIGHT))
        presentation = str(settings.value("view/presentation", "false")).lower() in ("true", "1")
        return cls(name if name in THEMES else LIGHT, presentation)

    # --- changing --------------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        if name not in THEMES:
            raise ValueError(f'unknown theme "{name}": expected one of {", ".join(THEMES)}')
        if name != self.name:
            self.name = name
            self._changed()

    def set_presentation(self, on: bool) -> None:
        if bool(on) != self.presentation:
            self.presentation = bool(on)
            self._changed()

    def _changed(self) -> None:
        settings = app_settings()
        settings.setValue("view/theme", self.name)
        settings.setValue("view/presentation", self.presentation)
        settings.sync()
        self.apply()
        self.changed.emit()

    def apply(self) -> None:
        """Style, palette and font of the application, and pyqtgraph's defaults for plots made from now on."""
        import pyqtgraph as pg

        colors = self.plot_colors()
        pg.setConfigOptions(background=colors.background, foreground=colors.foreground)
        app = QApplication.instance()
        if app is None:
            return
        base = _app_base(app)
        style = "Fusion" if self.dark else base["style"]
        if app.style().name().lower() != style.lower():
            app.setStyle(style)
        app.setPalette(dark_palette() if self.dark else base["palette"])
        font = QFont(base["font"])
        if self.presentation:
            font.setPointSizeF(base["font"].pointSizeF() * FONT_SCALE)
        app.setFont(font)

    @contextmanager
    def plain(self) -> Iterator[None]:
        """The light, normal look for drawing a picture (for papers), without touching the app or telling anyone."""
        saved = self.name, self.presentation
        self.name, self.presentation = LIGHT, False
        try:
            yield
        finally:
            self.name, self.presentation = saved

    # --- what to draw with -----------------------------------------------------------------------
    @property
    def dark(self) -> bool:
        return self.name == DARK

    def canvas_colors(self) -> CanvasColors:
        return CANVAS[self.name]

    def plot_colors(self) -> PlotColors:
        return PLOTS[self.name]

    def ui_colors(self) -> UiColors:
        return UI[self.name]

    def font_scale(self) -> float:
        """For text whose size is set in points (style sheets): the application font's scale."""
        return FONT_SCALE if self.presentation else 1.0

    def pen_width(self, base: float) -> float:
        """A plot line's width: ``base`` px, three times that in presentation mode."""
        return base * LINE_SCALE if self.presentation else base

    def marker_size(self, base: float) -> float:
        return base * MARKER_SCALE if self.presentation else base

    def canvas_pen_width(self, base: float) -> float:
        """A canvas line's width (edges, card outlines)."""
        return base * CANVAS_LINE_SCALE if self.presentation else base

    def canvas_font(self, font: QFont) -> QFont:
        """``font`` as the canvas draws it now (larger in presentation mode)."""
        if not self.presentation:
            return font
        scaled = QFont(font)
        scaled.setPointSizeF(font.pointSizeF() * CANVAS_TEXT_SCALE)
        return scaled

    def plot_font_pt(self) -> float:
        """Point size of plot axis ticks, labels and legends."""
        return PLOT_FONT_PT * FONT_SCALE if self.presentation else PLOT_FONT_PT


_current: Theme | None = None


def current() -> Theme:
    """The app's theme, read from the settings and applied the first time it is asked for."""
    global _current
    if _current is None:
        _current = Theme.from_settings()
        _current.apply()
    return _current
