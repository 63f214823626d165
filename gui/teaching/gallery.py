"""The example gallery: a card per bundled example (picture, title, one sentence); choosing one opens it read-only.

The welcome page and Help > Examples… show the same ``ExampleGallery``. Cards reflow into as many columns as fit.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...engine.files import fileformat
from ...resources.examples import ExampleInfo, example_path, example_thumbnail, first_sentence, list_examples

__all__ = ["ExampleCard", "ExampleGallery", "ExamplesDialog", "show_examples_dialog", "gallery_scroll_area",
           "PICTURE_SIZE", "READ_ONLY_HINT", "example_info"]

PICTURE_SIZE = QSize(240, 135)  # the thumbnails are drawn at twice this size
CARD_MARGIN = 8
SPACING = 12
READ_ONLY_HINT = "Examples open read-only: Save asks for a new name, so the originals stay as they are."

CARD_STYLE = """
ExampleCard { background: palette(base); border: 1px solid palette(mid); border-radius: 8px; }
ExampleCard:hover, ExampleCard:focus { border: 2px solid palette(highlight); }
QLabel#card_picture { background: #ffffff; border-radius: 4px; }
QLabel#card_title { font-weight: 600; }
"""



def example_info(name: str) -> ExampleInfo:
    """Title and summary from the example's metadata; the summary is the first sentence of its description."""
    metadata = fileformat.load(example_path(name)).metadata
    return ExampleInfo(name, metadata.title or name, first_sentence(metadata.description), example_thumbnail(name))


class ExampleCard(QFrame):
    """One example: click it (or press Enter or Space on it) to open it."""

    clicked = Signal(str)

    def __init__(self, info: ExampleInfo, parent=None):
        super().__init__(parent)
        self.info = info
        self.setObjectName(f"example_card:{info.name}")
        self.setAttribute(Qt.WA_Hover)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setCursor(Qt.PointingHandCursor)
        self.setFixedWidth(PICTURE_SIZE.width() + 2 * CARD_MARGIN)
        self.setToolTip(f"Open “{info.title}” ({info.name}). {READ_ONLY_HINT}")
        self.picture = QLabel(objectName="card_picture", alignment=Qt.AlignCenter)
        self.picture.setFixedSize(PICTURE_SIZE)
        self._show_picture()
        self.title = QLabel(info.title, objectName="card_title", wordWrap=True)
        self.summary = QLabel(info.summary, objectName="card_summary", wordWrap=True)
        for label in (self.title, self.summary):
            label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(CARD_MARGIN, CARD_MARGIN, CARD_MARGIN, CARD_MARGIN)
        layout.setSpacing(4)
        for widget in (self.picture, self.title, self.summary):
            layout.addWidget(widget)
        layout.addStretch(1)  # cards of a row are as tall as the tallest; the text stays at the top

    def _show_picture(self) -> None:
        pixmap = QPixmap(str(self.info.thumbnail)) if self.info.thumbnail else QPixmap()
        if pixmap.isNull():  # no thumbnail drawn yet: say so rather than fail
            self.picture.setText("(no picture yet)")
            self.picture.setStyleSheet("color: #7f8c8d; background: #eceef2;")
            return
        ratio = self.devicePixelRatioF()
        pixmap = pixmap.scaled(PICTURE_SIZE * ratio, Qt.KeepAspectRatio, Qt.SmoothTransformation)
        pixmap.setDevicePixelRatio(ratio)
        self.picture.setPixmap(pixmap)

    def has_picture(self) -> bool:
        return self.picture.pixmap() is not None and not self.picture.pixmap().isNull()

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.info.name)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Space):
            self.clicked.emit(self.info.name)
            return
        super().keyPressEvent(event)


class ExampleGallery(QWidget):
    """Every bundled example as a card, in as many columns as the width allows."""

    example_chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("example_gallery")
        self.setStyleSheet(CARD_STYLE)
        self.cards: dict[str, ExampleCard] = {}
        for name in list_examples():
            card = ExampleCard(example_info(name), self)
            card.clicked.connect(self.example_chosen)
            self.cards[name] = card
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(SPACING)
        self.grid.setAlignment(Qt.AlignLeft)
        self.columns = 0
        self._reflow(1)

    def _reflow(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for card in self.cards.values():
            self.grid.removeWidget(card)
        for row in range(self.grid.rowCount()):
            self.grid.setRowStretch(row, 0)
        for k, card in enumerate(self.cards.values()):
            self.grid.addWidget(card, k // columns, k % columns)
        self.grid.setRowStretch(-(-len(self.cards) // columns), 1)  # spare height below the last row of cards

    def columns_for(self, width: int) -> int:
        card = PICTURE_SIZE.width() + 2 * CARD_MARGIN
        return max(1, min(len(self.cards), (width + SPACING) // (card + SPACING)))

    def resizeEvent(self, event) -> None:
        self._reflow(self.columns_for(event.size().width()))
        super().resizeEvent(event)

    def minimumSizeHint(self) -> QSize:
        return QSize(PICTURE_SIZE.width() + 2 * CARD_MARGIN, super().minimumSizeHint().height())


def gallery_scroll_area(gallery: ExampleGallery) -> QScrollArea:
    """The gallery in a scroll area that only scrolls up and down (the cards reflow to the width)."""
    area = QScrollArea()
    area.setObjectName("gallery_scroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    area.setWidget(gallery)
    return area


class ExamplesDialog(QDialog):
    """Help > Examples…: the gallery on its own; choosing an example opens it in the window and closes this."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.setObjectName("examples_dialog")
        self.setWindowTitle("Examples")
        self.gallery = ExampleGallery()
        self.gallery.example_chosen.connect(self.open_example)
        hint = QLabel(f"Click an example to open it. {READ_ONLY_HINT}", wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(gallery_scroll_area(self.gallery), 1)
        layout.addWidget(buttons)
        card = PICTURE_SIZE.width() + 2 * CARD_MARGIN
        self.resize(3 * card + 2 * SPACING + 60, 640)

    def open_example(self, name: str) -> None:
        if self.window_.files.open_example(name):
            self.accept()


def show_examples_dialog(window) -> ExamplesDialog:
    """Show the gallery in a window-modal dialog (returns at once; the dialog deletes itself when closed)."""
    dialog = ExamplesDialog(window)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.show()
    return dialog
