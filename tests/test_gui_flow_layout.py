"""The wrapping toolbar row: one line when there is room, more lines (and never a clipped control) when not."""

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
from spikestudio.gui.base.flow_layout import FlowLayout


def toolbar(qtbot):
    panel = QWidget()
    bar = QWidget()
    flow = FlowLayout(bar)
    widgets = [QLabel("Probe:"), QLineEdit(), QPushButton("Clear"), QPushButton("Export")]
    for k, w in enumerate(widgets):
        flow.add(w, grow=k == 1)
    layout = QVBoxLayout(panel)
    layout.addWidget(bar)
    layout.addStretch(1)
    qtbot.addWidget(panel)
    panel.show()
    return panel, bar, widgets


def lines(widgets) -> int:
    return len({w.geometry().center().y() // 4 for w in widgets})  # items are centred on their line


def test_a_wide_panel_keeps_one_line_and_the_field_takes_the_spare_width(qtbot):
    panel, bar, widgets = toolbar(qtbot)
    panel.resize(700, 200)
    qtbot.waitUntil(lambda: bar.width() > 600)
    assert lines(widgets) == 1
    entry = widgets[1]
    assert entry.width() > 300 and widgets[3].geometry().right() <= bar.width()


def test_a_narrow_panel_wraps_and_clips_nothing(qtbot):
    panel, bar, widgets = toolbar(qtbot)
    one_line = bar.sizeHint().height()
    panel.resize(200, 200)
    qtbot.waitUntil(lambda: bar.width() <= 200)
    assert lines(widgets) >= 2 and bar.height() > one_line  # the row grew a line instead of widening the panel
    assert all(0 <= w.geometry().x() and w.geometry().right() <= bar.width() for w in widgets)
    assert panel.minimumSizeHint().width() <= 200
