"""The lesson panel's widgets: title, the step's text with math and pictures, its tasks, Back and Next.

It only shows what it is given and says what was clicked; ``lesson_controller`` decides what a step does.
The text browser loads pictures from the lesson's folder only and follows no link itself: an http(s)
link opens in the system browser when clicked, anything else is ignored. A picture is decoded as its suffix
says and nothing else (an SVG is checked by ``engine.svg_check`` first); a refused one shows a placeholder.
"""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QImage, QImageReader, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...engine.teaching.svg_check import svg_problem
from ..base.math_html import markdown_with_math
from ..base.theme import current

__all__ = ["LessonPanel", "LessonBrowser", "TaskRow"]

PICTURE_FORMATS = {".png": b"png", ".svg": b"svg", ".jpg": b"jpeg", ".jpeg": b"jpeg", ".gif": b"gif"}
PICTURE_SUFFIXES = tuple(PICTURE_FORMATS)
MAX_PICTURE_HEIGHT = 2000  # pixels drawn for one picture, at most (an SVG is drawn at the width shown)
WEB_SCHEMES = ("http", "https")
DONE_COLOR = {False: "#1e8449", True: "#58d68d"}  # a met task, on a light or a dark theme
TASKS_BOX = {False: "background: #fef9e7; border: 1px solid #f9e79f;",
             True: "background: #3b3522; border: 1px solid #7d6608;"}
TASKS_HEADING = {False: "#7d6608", True: "#f7dc6f"}


class LessonBrowser(QTextBrowser):
    """A step's Markdown; pictures come from the lesson folder (``picture_path``) and nowhere else."""

    link_refused = Signal(str)
    picture_refused = Signal(str, str)  # the picture as the lesson names it, and why it is not shown

    def __init__(self, parent=None):
        super().__init__(parent)
        self.picture_path = lambda name: None  # the lesson's lookup: name -> Path inside its folder, or None
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._clicked)

    def show_markdown(self, text: str) -> None:
        self.setMarkdown(markdown_with_math(text))

    def loadResource(self, kind: int, url: QUrl):
        """Only pictures of the lesson folder. Anything refused gets a placeholder, never None: on None,
        Qt falls back to reading the URL itself (any file, ``/dev/zero`` included)."""
        if kind != QTextDocument.ImageResource:
            return QByteArray()
        name = url.toString()
        path = None
        if not url.scheme() and url.path().lower().endswith(PICTURE_SUFFIXES):
            path = self.picture_path(url.path())
        if path is None:
            return self._refused(name, "not a picture file in the lesson's folder")
        image, problem = self._decode(path)
        return self._refused(name, problem) if problem else image

    def _decode(self, path) -> tuple[QImage | None, str]:
        """The picture drawn at most as wide as the text, decoded only as its suffix says; or why not."""
        try:
            data = path.read_bytes()
        except OSError as exc:
            return None, f"cannot be read ({exc.strerror or exc})"
        kind = PICTURE_FORMATS[path.suffix.lower()]
        if kind == b"svg" and (problem := svg_problem(data)):
            return None, problem
        buffer = QBuffer()
        buffer.setData(QByteArray(data))
        reader = QImageReader(buffer, kind)
        reader.setAutoDetectImageFormat(False)  # a .png holding an SVG (or a gzip) is not handed to another decoder
        size, widest = reader.size(), max(self.viewport().width() - 24, 120)
        if size.isValid() and size.width() > 0:
            scale = min(1.0, widest / size.width(), MAX_PICTURE_HEIGHT / max(size.height(), 1))
            reader.setScaledSize(QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale))))
        image = reader.read()
        return (None, f"cannot be decoded as {kind.decode().upper()} ({reader.errorString()})") if image.isNull() \
            else (image, "")

    def _refused(self, name: str, reason: str) -> QImage:
        self.picture_refused.emit(name, reason)
        return refused_picture()

    def _clicked(self, url: QUrl) -> None:
        if url.scheme() in WEB_SCHEMES:
            QDesktopServices.openUrl(url)
        else:
            self.link_refused.emit(url.toString())


def refused_picture() -> QImage:
    """A grey box with a crossed picture: where a refused picture would be (the reason is said under the text)."""
    image = QImage(48, 32, QImage.Format_ARGB32)
    image.fill(QColor("#dddddd"))
    painter = QPainter(image)
    painter.setPen(QColor("#888888"))
    painter.drawRect(0, 0, 47, 31)
    painter.drawLine(0, 0, 47, 31)
    painter.drawLine(0, 31, 47, 0)
    painter.end()
    return image


class TaskRow(QWidget):
    """One task: a box that ticks itself when the task is met, and for a parameter a "Show me" button."""

    show_me = Signal(object)

    def __init__(self, task, text: str, can_show: bool, parent=None):
        super().__init__(parent)
        self.task = task
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.check = QCheckBox(text)
        self.check.setAttribute(Qt.WA_TransparentForMouseEvents)  # ticked by the network, not by a click
        self.check.setFocusPolicy(Qt.NoFocus)
        self.check.setToolTip("Ticks itself once the network meets it")
        self.note = QLabel()  # what a check found (why it is not met yet), under the box
        self.note.setObjectName("lesson_task_note")
        self.note.setTextFormat(Qt.PlainText)
        self.note.setWordWrap(True)
        self.note.hide()
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.check)
        column.addWidget(self.note)
        layout.addLayout(column, 1)
        self.button = None
        if can_show:
            self.button = QPushButton("Show me")
            self.button.setToolTip("Make this change for me (an ordinary edit: Undo takes it back)")
            self.button.clicked.connect(lambda: self.show_me.emit(self.task))
            layout.addWidget(self.button)
        self.set_done(False)

    def set_done(self, done: bool) -> None:
        self.check.setChecked(done)
        self.check.setStyleSheet(f"QCheckBox {{ color: {DONE_COLOR[current().dark]}; }}" if done else "")
        if self.button is not None:
            self.button.setEnabled(not done)

    def set_note(self, text: str) -> None:
        """A line under the task (what checking the student's model found); empty hides it."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    @property
    def done(self) -> bool:
        return self.check.isChecked()


class LessonPanel(QWidget):
    """Lesson title, step title, text, tasks and the Back / Next bar."""

    back_clicked = Signal()
    next_clicked = Signal()
    close_clicked = Signal()
    show_me = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lesson_panel")
        self.title = QLabel("No lesson open")
        self.title.setObjectName("lesson_title")
        self.title.setTextFormat(Qt.PlainText)  # a title from a lesson file is text, never markup
        self.title.setWordWrap(True)

        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Close the lesson (the network stays open)")
        self.close_button.clicked.connect(self.close_clicked)
        self.step_title = QLabel()
        self.step_title.setObjectName("lesson_step_title")
        self.step_title.setTextFormat(Qt.PlainText)
        self.step_title.setWordWrap(True)

        self.browser = LessonBrowser()
        self.browser.setObjectName("lesson_text")
        self.refused = QLabel()  # the step's pictures that are not shown, and why
        self.refused.setObjectName("lesson_refused_pictures")
        self.refused.setTextFormat(Qt.PlainText)  # names and reasons quote the lesson: text, never markup
        self.refused.setWordWrap(True)
        self.refused.hide()
        self.browser.picture_refused.connect(self._picture_refused)
        self.tasks_box = QWidget()
        self.tasks_layout = QVBoxLayout(self.tasks_box)
        self.tasks_layout.setContentsMargins(6, 4, 6, 4)
        self.tasks_box.setObjectName("lesson_tasks")
        self.task_rows: list[QWidget] = []  # the heading and the TaskRows
        self.back = QPushButton("◀ Back")
        self.next = QPushButton("Next ▶")
        self.position = QLabel()
        self.position.setObjectName("lesson_position")
        self.position.setAlignment(Qt.AlignCenter)
        self.back.clicked.connect(self.back_clicked)
        self.next.clicked.connect(self.next_clicked)
        self._layout()
        self.show_empty()
        current().changed.connect(self.apply_theme)
        self.apply_theme()

    def apply_theme(self) -> None:
        """Titles sized for the theme (presentation mode is larger) and coloured for light or dark."""
        theme = current()
        scale, dark = theme.font_scale(), theme.dark
        self.title.setStyleSheet(f"font-weight: bold; font-size: {13 * scale:g}pt;")
        self.step_title.setStyleSheet(f"font-weight: bold; font-size: {11.5 * scale:g}pt; padding-top: 4px; "
                                      f"color: {theme.ui_colors().heading.name()};")
        self.tasks_box.setStyleSheet(f"QWidget#lesson_tasks {{ {TASKS_BOX[dark]} }}")
        self.refused.setStyleSheet(f"color: {TASKS_HEADING[dark]};")
        for row in self.task_rows:
            if isinstance(row, TaskRow):
                row.set_done(row.done)
            else:
                row.setStyleSheet(f"font-weight: bold; color: {TASKS_HEADING[dark]};")

    def show_empty(self) -> None:
        """No lesson: say where lessons are, and nothing to step through."""
        self.title.setText("No lesson open")
        self.step_title.setText("")
        self.refused.clear()
        self.refused.hide()
        self.browser.show_markdown("Choose a lesson from **Help > Lessons**, or open a lesson folder of your own "
                                   "with **File > Open Lesson…**.")
        self.position.setText("")
        self.back.setEnabled(False)
        self.next.setEnabled(False)
        self.close_button.setEnabled(False)
        self.set_tasks([])

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.close_button, 0, Qt.AlignTop)
        bar = QHBoxLayout()
        bar.addWidget(self.back)
        bar.addWidget(self.position, 1)
        bar.addWidget(self.next)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(self.step_title)
        outer.addWidget(self.browser, 1)
        outer.addWidget(self.refused)
        outer.addWidget(self.tasks_box)
        outer.addLayout(bar)

    def show_step(self, lesson_title: str, step_title: str, text: str, index: int, count: int) -> None:
        self.title.setText(lesson_title)
        self.step_title.setText(step_title)
        self.refused.clear()
        self.refused.hide()
        self.browser.show_markdown(text)
        self.position.setText(f"Step {index + 1} / {count}")
        self.close_button.setEnabled(True)
        self.back.setEnabled(index > 0)
        self.next.setEnabled(index < count - 1)

    def _picture_refused(self, name: str, reason: str) -> None:
        """Said under the text as long as the step is shown (the status bar forgets it at the next message)."""
        line = f"Picture “{name[:80]}” not shown: {reason}"
        lines = self.refused.text().split("\n") if self.refused.text() else []
        if line not in lines:
            self.refused.setText("\n".join([*lines, line]))
        self.refused.show()

    def set_tasks(self, tasks: list[tuple[object, str, bool]]) -> None:
        """(task, text, can be shown) for each task of the step; none hides the box."""
        for row in self.task_rows:
            row.hide()  # gone at once, not at the next turn of the event loop
            row.deleteLater()
        self.task_rows = []
        while self.tasks_layout.count():
            self.tasks_layout.takeAt(0)
        if tasks:
            heading = QLabel("To do")
            heading.setStyleSheet(f"font-weight: bold; color: {TASKS_HEADING[current().dark]};")
            self.tasks_layout.addWidget(heading)
            self.task_rows.append(heading)  # removed with the rows
        for task, text, can_show in tasks:
            row = TaskRow(task, text, can_show)
            row.show_me.connect(self.show_me)
            self.tasks_layout.addWidget(row)
            self.task_rows.append(row)
        self.tasks_box.setVisible(bool(tasks))

    def rows(self) -> list[TaskRow]:
        return [r for r in self.task_rows if isinstance(r, TaskRow)]
