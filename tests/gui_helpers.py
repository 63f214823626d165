"""Helpers for driving the real main window in pytest-qt tests: fixtures, clicks, drags, dialog answers."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from spikestudio.engine.files import fileformat

__all__ = ["view_point", "node_point", "click_node", "double_click", "drag", "answer_dialogs", "dumps", "field"]


def view_point(window, scene_pos: QPointF) -> QPoint:
    return window.view.mapFromScene(scene_pos)


def node_point(window, item_id: str, dx: float = 0.0, dy: float = 0.0) -> QPoint:
    node = window.scene.nodes[item_id]
    return view_point(window, node.scenePos() + QPointF(dx, dy))


def click_node(window, item_id: str, modifier=Qt.NoModifier) -> None:
    QTest.mouseClick(window.view.viewport(), Qt.LeftButton, modifier, node_point(window, item_id))


def double_click(widget, point: QPoint) -> None:
    """What a mouse sends for a double-click: a click, then a second press that Qt reports as a double-click."""
    QTest.mouseClick(widget, Qt.LeftButton, Qt.NoModifier, point)
    QTest.mouseDClick(widget, Qt.LeftButton, Qt.NoModifier, point)


def drag(window, start: QPoint, end: QPoint, steps: int = 6, button=Qt.LeftButton, modifier=Qt.NoModifier) -> None:
    """Press, move in steps (as a hand would) and release on the canvas."""
    viewport = window.view.viewport()
    QTest.mousePress(viewport, button, modifier, start)
    for k in range(1, steps + 1):
        point = start + (end - start) * (k / steps)
        QTest.mouseMove(viewport, point)
    QTest.mouseRelease(viewport, button, modifier, end)


def answer_dialogs(buttons: list, seen: list) -> None:
    """Click ``buttons`` in the next modal message boxes, in order; ``seen`` gets (title, text, details)."""
    pending = list(buttons)

    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, click)
            return
        seen.append((box.windowTitle(), box.text() + "\n" + box.informativeText(), box.detailedText()))
        box.button(pending.pop(0)).click()
        if pending:
            QTimer.singleShot(10, click)

    QTimer.singleShot(0, click)


def crash(window) -> None:
    """What a crash does to a window's recovery set: its process's lock goes, its files stay."""
    store = window.files.recovery
    store.lock.release()
    store.lock, store.session = None, "crashed-" + store.session  # this window no longer owns the set


def dumps(window) -> str:
    return fileformat.dumps(window.doc.network)


def field(window, key: str):
    from PySide6.QtWidgets import QWidget

    return window.inspector.findChild(QWidget, f"field:{key}")
