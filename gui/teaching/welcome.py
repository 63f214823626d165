"""The welcome page: a panel over the window's work area (not a dialog) with New, Open…, recent files, the
example gallery and the bundled lessons, shown at first launch and from Help > Welcome.

It covers the canvas and the docks (at 1000 × 700 the canvas alone is too small to read a gallery in), over
the default example, which is there as soon as the page is closed. ``show_welcome`` in the app settings
(the "Show this page at startup" box) decides whether it opens at startup.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...engine.teaching import lesson as lesson_files
from ..base import style
from ..base.app_settings import app_settings, recent_files
from .gallery import READ_ONLY_HINT, ExampleGallery, gallery_scroll_area

__all__ = ["WelcomePage", "welcome_at_startup", "set_welcome_at_startup", "SETTING"]

SETTING = "show_welcome"
BACKDROP = QColor(24, 30, 40, 150)  # the network behind shows through, dimmed
OUTER_MARGIN = 16
PANEL_MAX = (1180, 820)
SIDE_WIDTH = 250
PLACING_EVENTS = (QEvent.Resize, QEvent.LayoutRequest, QEvent.Show)
PAGE_SHORTCUTS = (QKeySequence.New, QKeySequence.Open, QKeySequence.Quit)  # what the page offers itself

PANEL_STYLE = """
QFrame#welcome_panel { background: palette(window); border: 1px solid palette(mid); border-radius: 10px; }
QLabel#welcome_title { font-size: 20pt; font-weight: 600; }
QLabel[role="heading"] { font-size: 12pt; font-weight: 600; margin-top: 6px; }
QLabel[role="hint"] { color: palette(placeholder-text); }
QListWidget { background: palette(base); border: 1px solid palette(mid); border-radius: 6px; }
QListWidget::item { padding: 4px 6px; }
QToolButton#welcome_close { border: none; font-size: 16pt; padding: 0 6px; }
QToolButton#welcome_close:hover { color: palette(highlight); }
"""


def welcome_at_startup() -> bool:
    """Whether the page opens when the app starts (on unless the user unticked it)."""
    return app_settings().value(SETTING, True, type=bool)


def set_welcome_at_startup(show: bool) -> None:
    settings = app_settings()
    settings.setValue(SETTING, bool(show))
    settings.sync()


def _label(text: str, role: str = "", name: str = "") -> QLabel:
    label = QLabel(text, wordWrap=True)
    if role:
        label.setProperty("role", role)
    if name:
        label.setObjectName(name)
    return label


class WelcomePage(QWidget):
    """The overlay; ``open()`` shows it with fresh recent files and lessons, ``close_page()`` (Esc) hides it."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.setObjectName("welcome_page")
        self.setFocusPolicy(Qt.StrongFocus)
        self.panel = QFrame(self, objectName="welcome_panel")
        self.panel.setStyleSheet(PANEL_STYLE)
        self.gallery = ExampleGallery()
        self.gallery.example_chosen.connect(self.open_example)
        body = QHBoxLayout()
        body.setSpacing(20)
        body.addLayout(self._side_column())
        body.addLayout(self._examples_column(), 1)
        layout = QVBoxLayout(self.panel)
        layout.setContentsMargins(24, 18, 24, 16)
        layout.addLayout(self._header())
        layout.addLayout(body, 1)
        layout.addLayout(self._footer())
        window.installEventFilter(self)
        window.doc.network_replaced.connect(self._network_replaced)
        self.hide()

    # --- parts -----------------------------------------------------------------------------------------
    def _header(self) -> QHBoxLayout:
        logo = QLabel()
        logo.setPixmap(style.icon("spikestudio").pixmap(44, 44))
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(_label("Welcome to SpikeStudio", name="welcome_title"))
        titles.addWidget(_label("Build spiking neural networks on the canvas, press Run and watch them fire.",
                                role="hint"))
        self.close_button = QToolButton(objectName="welcome_close", text="✕", toolTip="Close this page (Esc)")
        self.close_button.clicked.connect(self.close_page)
        row = QHBoxLayout()
        row.addWidget(logo)
        row.addLayout(titles, 1)
        row.addWidget(self.close_button, 0, Qt.AlignTop)
        return row

    def _side_column(self) -> QVBoxLayout:
        self.new_button = QPushButton("New network", objectName="welcome_new", toolTip="Start an empty network")
        self.open_button = QPushButton("Open…", objectName="welcome_open", toolTip="Open a .snn or .json file")
        self.new_button.clicked.connect(lambda: self._done_if(self.window_.files.new()))
        self.open_button.clicked.connect(lambda: self._done_if(self.window_.files.open()))
        self.recent = QListWidget(objectName="welcome_recent")
        self.recent.itemActivated.connect(self._open_recent)
        self.recent.itemClicked.connect(self._open_recent)
        self.no_recent = _label("No recent files yet.", role="hint")
        self.lessons = QListWidget(objectName="welcome_lessons")
        self.lessons.itemActivated.connect(self._open_lesson)
        self.lessons.itemClicked.connect(self._open_lesson)
        self.lessons_heading = _label("Lessons", role="heading")
        column = QVBoxLayout()
        column.setSpacing(6)
        column.addWidget(_label("Start", role="heading"))
        column.addWidget(self.new_button)
        column.addWidget(self.open_button)
        column.addWidget(_label("Recent files", role="heading"))
        column.addWidget(self.no_recent)
        column.addWidget(self.recent, 10)
        column.addWidget(self.lessons_heading)
        column.addWidget(self.lessons, 10)
        column.addStretch(1)  # the lists take the height; without them, the buttons stay at the top
        for widget in (self.new_button, self.open_button, self.recent, self.lessons):
            widget.setFixedWidth(SIDE_WIDTH)
        return column

    def _examples_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(6)
        column.addWidget(_label("Examples", role="heading"))
        column.addWidget(_label(f"Click one to open it. {READ_ONLY_HINT}", role="hint"))
        column.addWidget(gallery_scroll_area(self.gallery), 1)
        return column

    def _footer(self) -> QHBoxLayout:
        self.at_startup = QCheckBox("Show this page at startup", objectName="welcome_at_startup")
        self.at_startup.setChecked(welcome_at_startup())
        self.at_startup.toggled.connect(set_welcome_at_startup)
        row = QHBoxLayout()
        row.addWidget(self.at_startup)
        row.addStretch(1)
        hint = _label("Help → Welcome brings this page back; Esc closes it.", role="hint")
        hint.setWordWrap(False)
        row.addWidget(hint)
        return row

    # --- filling ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recent files that still exist, and the bundled lessons when the window can open lessons."""
        self.recent.clear()
        for path in (Path(p) for p in recent_files()):
            if path.is_file():
                item = QListWidgetItem(style.icon("spikestudio"), f"{path.name}\n{path.parent}")
                item.setData(Qt.UserRole, str(path))
                item.setToolTip(style.plain_tip(str(path)))
                self.recent.addItem(item)
        self.no_recent.setVisible(self.recent.count() == 0)
        self.recent.setVisible(self.recent.count() > 0)
        self.lessons.clear()
        lessons = lesson_files.bundled_lessons() if hasattr(self.window_, "open_lesson") else []
        for number, lesson in enumerate(lessons, 1):
            item = QListWidgetItem(f"{number}. {lesson.title}")
            item.setData(Qt.UserRole, str(lesson.folder))
            item.setToolTip(style.plain_tip(lesson.summary))
            self.lessons.addItem(item)
        self.lessons_heading.setVisible(bool(lessons))
        self.lessons.setVisible(bool(lessons))
        self.at_startup.setChecked(welcome_at_startup())

    # --- acting ----------------------------------------------------------------------------------------
    def open(self) -> None:
        self.refresh()
        self.place()
        self.show()
        self.raise_()
        self.setFocus()

    def close_page(self) -> None:
        self.hide()
        self.window_.view.setFocus()

    def open_example(self, name: str) -> None:
        self._done_if(self.window_.files.open_example(name))

    def _open_recent(self, item: QListWidgetItem) -> None:
        if self.isHidden():  # a click and an activation of the same item: open it once
            return
        self._done_if(self.window_.files.open(item.data(Qt.UserRole)))

    def _open_lesson(self, item: QListWidgetItem) -> None:
        if self.isHidden():
            return
        self.close_page()  # the lesson panel takes over; a lesson that fails to open says why itself
        self.window_.open_lesson(Path(item.data(Qt.UserRole)))

    def _network_replaced(self) -> None:
        """Another network opened (from the menus too): show it rather than keep it covered."""
        if shiboken6.isValid(self) and not self.isHidden():
            self.close_page()

    def _done_if(self, opened: bool) -> None:
        if opened:
            self.close_page()
        elif self.isVisible():
            self.refresh()  # a recent file that could not be read has been forgotten

    # --- geometry and events ---------------------------------------------------------------------------
    def work_area(self) -> QRect:
        """The canvas and the docks around it: the window below its menu bar and toolbars, above its status bar."""
        window = self.window_
        top, bottom = window.menuBar().geometry().bottom() + 1, window.statusBar().geometry().top() - 1
        for bar in window.findChildren(QToolBar):
            if bar.isVisible() and not bar.isFloating() and window.toolBarArea(bar) == Qt.TopToolBarArea:
                top = max(top, bar.geometry().bottom() + 1)
        return QRect(0, top, window.width(), max(0, bottom - top + 1))

    def place(self) -> None:
        area = self.work_area()
        self.setGeometry(area)
        width = min(PANEL_MAX[0], area.width() - 2 * OUTER_MARGIN)
        height = min(PANEL_MAX[1], area.height() - 2 * OUTER_MARGIN)
        self.panel.setGeometry((area.width() - width) // 2, (area.height() - height) // 2, width, height)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window_ and event.type() in PLACING_EVENTS and not self.isHidden():
            QTimer.singleShot(0, self, self._replace)  # after the window's layout has moved the docks
        return False

    def _replace(self) -> None:
        if not self.isHidden():
            self.place()

    def event(self, event) -> bool:
        """While the page is up, keys belong to it (arrows move through its lists), not to the network behind
        it: only New, Open and Quit keep their shortcuts."""
        if event.type() == QEvent.ShortcutOverride and not any(event.matches(key) for key in PAGE_SHORTCUTS):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape:
            self.close_page()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKDROP)
        painter.end()
