"""Painting the canvas over and over must not corrupt Python's reference counts (PySide6 6.12.0 did)."""

import sys

import pytest
from PySide6.QtGui import QImage, QPainter

pytestmark = pytest.mark.timeout(60)


def test_repainting_the_canvas_leaves_none_refcount_alone(window):
    w = window("brunel")
    w.edits.select_all()
    image = QImage(800, 600, QImage.Format_ARGB32)
    before = sys.getrefcount(None)
    for _ in range(2):  # enough to see the leak on 6.12.0 without exhausting None (which would abort)
        painter = QPainter(image)
        w.scene.render(painter)
        painter.end()
    drift = sys.getrefcount(None) - before
    assert abs(drift) < 200, f"None lost {-drift} references while painting"
