"""Python's cyclic garbage collection runs on the GUI thread only, while the app is up.

A collection can destroy Qt objects (a closed window's widgets sit in reference cycles). Run on a
worker thread (a build compiling its kernel, a running simulation: both allocate a lot), it calls Qt
destructors there while holding the GIL; if the GUI thread is inside Qt holding a lock those
destructors need, and about to call back into Python, both wait for ever. So automatic collection is
switched off and a timer on the GUI thread collects instead, as pyqtgraph's ``GarbageCollector`` does.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

__all__ = ["install_gc_guard"]

INTERVAL_MS = 500


class _GuiThreadCollector(QObject):
    def __init__(self, app: QApplication):
        super().__init__(app)
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.collect)
        self.timer.start()
        gc.disable()

    def collect(self) -> None:
        """What automatic collection would have done by now, by the same thresholds."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return


def install_gc_guard() -> None:
    """Once per application: collect garbage on the GUI thread only."""
    app = QApplication.instance()
    if app is not None and app.findChild(_GuiThreadCollector) is None:
        _GuiThreadCollector(app)
