"""Inspector fields: each shows one value and emits ``committed(value)`` when the user finishes an edit.

Numbers carry their ``ParamSpec``: unit as suffix, description and valid range as tooltip. Their own
range is wide on purpose, so an out-of-range value reaches the inspector and is refused with a
message instead of being clamped silently.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
)

from ...engine.model.params import ParamSpec

__all__ = ["NumberField", "IntegerField", "BigIntegerField", "OptionalNumberField", "TextField", "ChoiceField",
           "CheckField", "LongTextField", "ColorField", "number_field", "spec_tooltip"]

INT32 = 2**31 - 1


def spec_tooltip(spec: ParamSpec) -> str:
    return f"{spec.name}: {spec.description}\nvalid range: {spec.range_text()}"


def _plain(value: float) -> str:
    """A number without exponent or trailing zeros (what the user typed, not 12000.00000000)."""
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.9f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class NumberField(QDoubleSpinBox):
    committed = Signal(object)

    def __init__(self, spec: ParamSpec, value: float, parent=None):
        super().__init__(parent)
        self.spec = spec
        self.setDecimals(9)
        self.setRange(-1e15, 1e15)
        self.setKeyboardTracking(False)
        self.setStepType(QAbstractSpinBox.AdaptiveDecimalStepType)
        self.setAccelerated(True)
        if spec.unit:
            self.setSuffix(f" {spec.unit}")
        self.setToolTip(spec_tooltip(spec))
        self.set_value(value)
        self.valueChanged.connect(lambda v: self.committed.emit(float(v)))

    def textFromValue(self, value: float) -> str:
        return _plain(value)

    def set_value(self, value) -> None:
        self.blockSignals(True)
        self.setValue(float(value))
        self.blockSignals(False)


class IntegerField(QSpinBox):
    committed = Signal(object)

    def __init__(self, spec: ParamSpec, value: int, parent=None):
        super().__init__(parent)
        self.spec = spec
        self.setRange(-INT32 - 1, INT32)
        self.setKeyboardTracking(False)
        self.setStepType(QAbstractSpinBox.AdaptiveDecimalStepType)
        self.setAccelerated(True)
        self.setGroupSeparatorShown(True)
        if spec.unit:
            self.setSuffix(f" {spec.unit}")
        self.setToolTip(spec_tooltip(spec))
        self.set_value(value)
        self.valueChanged.connect(lambda v: self.committed.emit(int(v)))

    def set_value(self, value) -> None:
        self.blockSignals(True)
        self.setValue(int(value))
        self.blockSignals(False)


class TextField(QLineEdit):
    """One line of text, committed on Enter or when focus leaves, only if it changed."""

    committed = Signal(object)

    def __init__(self, value: str, parent=None):
        super().__init__(parent)
        self._shown = value
        self.set_value(value)
        self.editingFinished.connect(self._finish)

    def _finish(self) -> None:
        if self.text() != self._shown:
            self._shown = self.text()
            self.committed.emit(self.text())

    def set_value(self, value) -> None:
        self._shown = str(value)
        self.blockSignals(True)
        self.setText(self._shown)
        self.blockSignals(False)


class BigIntegerField(TextField):
    """Whole numbers beyond a spin box's 32 bits (random seeds); a non-number is refused with a message."""

    def __init__(self, spec: ParamSpec, value: int, parent=None):
        super().__init__(str(value), parent)
        self.spec = spec
        self.setToolTip(spec_tooltip(spec))

    def _finish(self) -> None:
        if self.text().strip() == self._shown:
            return
        try:
            value = int(self.text().strip())
        except ValueError:
            value = self.text()
        self.committed.emit(value)


class OptionalNumberField(TextField):
    """A number that may be absent (a distribution's bound), shown with its unit like a spin box: empty commits None,
    a number a float, anything else the text itself, which the row's apply refuses with a message."""

    def __init__(self, value: float | None, unit: str = "", parent=None):
        self.unit = unit
        super().__init__(value, parent)
        self.setPlaceholderText(f"none{f' ({unit})' if unit else ''}")

    def _finish(self) -> None:
        text = self.text().strip()
        if text == self._shown:
            return
        number = text.removesuffix(self.unit).strip() if self.unit else text
        try:
            value = float(number) if number else None
        except ValueError:
            value = text
        self.committed.emit(value)

    def set_value(self, value) -> None:
        if value is None or isinstance(value, str):
            return super().set_value(value or "")
        super().set_value(f"{_plain(float(value))} {self.unit}".strip())


class ChoiceField(QComboBox):
    """A dropdown of (value, label) pairs; commits when the user picks an entry."""

    committed = Signal(object)

    def __init__(self, choices, value, parent=None, tips: dict | None = None, disabled: dict | None = None):
        """``disabled``: entries shown but not pickable, each with why (its tooltip), so a choice that cannot
        apply here says so instead of failing later."""
        super().__init__(parent)
        for choice in choices:
            data, label = choice if isinstance(choice, tuple) else (choice, choice)
            self.addItem(label, data)
            if tips and data in tips:
                self.setItemData(self.count() - 1, tips[data], Qt.ToolTipRole)
            if disabled and data in disabled:
                entry = self.model().item(self.count() - 1)
                entry.setEnabled(False)
                entry.setToolTip(disabled[data])
        self.set_value(value)
        self.activated.connect(lambda index: self.committed.emit(self.itemData(index)))

    def set_value(self, value) -> None:
        self.blockSignals(True)
        index = self.findData(value)
        if index < 0:
            self.addItem(str(value), value)
            index = self.count() - 1
        self.setCurrentIndex(index)
        self.blockSignals(False)


class CheckField(QCheckBox):
    committed = Signal(object)

    def __init__(self, text: str, value: bool, parent=None):
        super().__init__(text, parent)
        self.set_value(value)
        self.toggled.connect(lambda on: self.committed.emit(bool(on)))

    def set_value(self, value) -> None:
        self.blockSignals(True)
        self.setChecked(bool(value))
        self.blockSignals(False)


class LongTextField(QPlainTextEdit):
    """Several lines (a description), committed when focus leaves."""

    committed = Signal(object)

    def __init__(self, value: str, parent=None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(90)
        self._shown = value
        self.set_value(value)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        if self.toPlainText() != self._shown:
            self._shown = self.toPlainText()
            self.committed.emit(self._shown)

    def set_value(self, value) -> None:
        self._shown = str(value)
        self.blockSignals(True)
        self.setPlainText(self._shown)
        self.blockSignals(False)


class ColorField(QPushButton):
    """A swatch button; clicking it opens the colour dialog and commits the chosen colour as #rrggbb."""

    committed = Signal(object)

    def __init__(self, value: str, fallback: QColor, parent=None):
        super().__init__(parent)
        self.fallback = fallback
        self.set_value(value)
        self.clicked.connect(self._choose)

    def _choose(self) -> None:
        color = QColorDialog.getColor(QColor(self.value or self.fallback.name()), self, "Node colour")
        if color.isValid():
            self.committed.emit(color.name())

    def set_value(self, value) -> None:
        self.value = str(value or "")
        shown = QColor(self.value) if self.value else self.fallback
        self.setText(self.value or "automatic")
        swatch = QPixmap(16, 16)
        swatch.fill(shown)
        self.setIcon(QIcon(swatch))


def number_field(spec: ParamSpec, value):
    """The right field for a spec: a spin box, or a text field for whole numbers beyond 32 bits."""
    if not spec.integer:
        return NumberField(spec, value)
    return IntegerField(spec, value) if spec.high <= INT32 else BigIntegerField(spec, value)
