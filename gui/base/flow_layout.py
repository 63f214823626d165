"""A toolbar row that wraps: widgets left to right, onto a further line when the panel is too narrow for them.

A plot's controls (Probe, Clear, Export; Smoothing, inputs too, Export) then never set a dock's minimum width:
at 1366×768, or with presentation mode's larger font, they take two lines instead of pushing the plot off.
Widgets added with ``grow=True`` (a text field, a chooser) share what is left of their line.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QWidget, QWidgetItem

__all__ = ["FlowLayout"]

GROW_LEAST = 96  # px a growing item (a text field) keeps on a line before the line breaks


class FlowLayout(QLayout):
    """Items in lines; a line breaks before an item that would pass the right edge; ``heightForWidth``."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6):
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._grow: set[int] = set()  # ids of the items that take a line's spare width
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    # --- building ---------------------------------------------------------------------------------------
    def add(self, widget: QWidget, grow: bool = False) -> None:
        """Add ``widget``; ``grow``: it widens to fill its line (from its minimum size up)."""
        self.addChildWidget(widget)
        item = QWidgetItem(widget)
        self._items.append(item)
        if grow:
            self._grow.add(id(item))
            widget.setSizePolicy(QSizePolicy.Expanding, widget.sizePolicy().verticalPolicy())
        self.invalidate()

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt's name
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt's name
        if 0 <= index < len(self._items):
            item = self._items.pop(index)
            self._grow.discard(id(item))
            return item
        return None

    # --- sizes ------------------------------------------------------------------------------------------
    def expandingDirections(self) -> Qt.Orientations:  # noqa: N802 - Qt's name
        return Qt.Orientations(Qt.Horizontal)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """One line: every item at its preferred width."""
        shown = self._shown()
        width = sum(self._wanted(i).width() for i in shown) + self._spacing * max(0, len(shown) - 1)
        height = max((self._wanted(i).height() for i in shown), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt's name
        """As narrow as the widest item: anything wider wraps."""
        shown = self._shown()
        return QSize(max((self._least(i).width() for i in shown), default=0),
                     max((self._least(i).height() for i in shown), default=0))

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt's name
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    # --- layout -----------------------------------------------------------------------------------------
    def _shown(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _wanted(self, item: QLayoutItem) -> QSize:
        return item.sizeHint().expandedTo(item.minimumSize())

    def _least(self, item: QLayoutItem) -> QSize:
        """A growing item may shrink to its minimum; the others keep their preferred width."""
        return item.minimumSize() if id(item) in self._grow else self._wanted(item)

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._shown():
            need = self._wanted(item).width() if id(item) not in self._grow else max(
                self._least(item).width(), min(self._wanted(item).width(), GROW_LEAST))
            if lines[-1] and used + self._spacing + need > width:
                lines.append([])
                used = 0
            used += (self._spacing if lines[-1] else 0) + need
            lines[-1].append(item)
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, place: bool) -> int:
        """Lay the items out in ``rect`` (when ``place``); the height the lines take."""
        y = rect.y()
        for line in self._lines(rect.width()):
            height = max(self._wanted(i).height() for i in line)
            fixed = sum(self._wanted(i).width() for i in line if id(i) not in self._grow)
            growing = [i for i in line if id(i) in self._grow]
            spare = rect.width() - fixed - self._spacing * (len(line) - 1)
            x = rect.x()
            for item in line:
                w = self._wanted(item).width()
                if id(item) in self._grow:
                    w = max(self._least(item).width(), spare // len(growing))
                w = min(w, rect.width())
                if place:
                    h = self._wanted(item).height()
                    item.setGeometry(QRect(QPoint(x, y + (height - h) // 2), QSize(w, h)))
                x += w + self._spacing
            y += height + self._spacing
        return max(0, y - rect.y() - self._spacing)
