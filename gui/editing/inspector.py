"""The inspector: edit the selected item (or the network's settings) field by field.

Each commit becomes one ``EditItem``/``EditSettings`` on the undo stack. A value outside its valid
range, or one the engine's validation refuses, is not applied: the field goes back to the document's
value and the message says what was wrong and where.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...engine.editing.templates import kind_of
from ...engine.experiments import addresses
from ...engine.model.names import display_name, readable_problem
from ...engine.model.network import Population
from ...engine.model.step_size import dt_warnings
from ..base import style
from ..base.math_html import tex_to_display_html
from ..base.theme import current
from .commands import EditItem, EditSettings, SetColor, push
from .fields import ColorField
from .forms import Equations, Heading, Row, item_rows, settings_rows, signature

__all__ = ["Inspector", "equations_label"]

ERROR_STYLE = "QLabel { color: #922b21; background: #fdedec; border: 1px solid #e6b0aa; padding: 4px; }"
FIELD_ERROR_STYLE = "border: 2px solid #c0392b;"
WARNING_STYLE = "QLabel { color: #7e5109; background: #fef5e7; border: 1px solid #f5cba7; padding: 4px; }"


class Inspector(QScrollArea):
    message = Signal(str)
    sweep_requested = Signal(str, float)  # (address such as "E.tau_m", current value): "Sweep this parameter…"
    duplicate_model_requested = Signal(str)  # a population's id: "Duplicate as custom model" (the model editor)

    def __init__(self, doc, stack, parent=None):
        super().__init__(parent)
        self._sweep_menu_shown = None  # the last "Sweep this parameter…" menu (kept alive while shown)
        self.doc, self.stack = doc, stack
        self.item_id: str | None = None
        self.rows: dict[str, Row] = {}
        self._signature = None
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # fields shrink to the width; never scroll sideways
        self.setMinimumWidth(300)
        self._body = QWidget()
        outer = QVBoxLayout(self._body)
        self.title = QLabel(textFormat=Qt.PlainText)  # names and ids from a file are text, never markup
        self.title.setWordWrap(True)  # a long name (or a presentation-sized one) wraps: no sideways scrolling
        self.subtitle = QLabel(textFormat=Qt.PlainText)
        self.subtitle.setWordWrap(True)
        self.error = QLabel(textFormat=Qt.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.warning = QLabel(textFormat=Qt.PlainText, objectName="inspector_warning")  # applied, but worth knowing
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.hide()
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.WrapLongRows)  # narrow (or presentation-sized): fields go under

        for widget in (self.title, self.subtitle, self.error, self.warning, self.form_host):
            outer.addWidget(widget)
        outer.addStretch(1)
        self.setWidget(self._body)
        doc.item_changed.connect(self._on_item_changed)
        doc.items_removed.connect(self._on_removed)
        doc.settings_changed.connect(self._on_settings_changed)
        doc.models_changed.connect(self._on_models_changed)
        doc.network_replaced.connect(lambda: self.show_item(None))
        current().changed.connect(self._apply_theme)
        self._apply_theme()
        self.show_item(None)

    # --- what is shown -------------------------------------------------------------------------------
    def show_selection(self, ids: list[str]) -> None:
        if len(ids) == 1:
            self.show_item(ids[0])
        elif not ids:
            self.show_item(None)
        else:
            self._clear()
            self.item_id = None
            self._signature = ("many", tuple(ids))
            self.title.setText(f"{len(ids)} items selected")
            self.subtitle.setText("Select one item to edit it; Delete removes them all, Ctrl+D duplicates them.")

    def show_item(self, item_id: str | None) -> None:
        self.item_id = item_id
        self._rebuild()

    def _form_signature(self, item) -> tuple:
        """``signature``, and for a population the description of its model (another one, say from a lesson's
        "Show me", has other equations to show)."""
        if not isinstance(item, Population):
            return signature(item)
        return signature(item) + (id(self.doc.network.models.get(item.model)),)

    def _current(self):
        return None if self.item_id is None else self.doc.item(self.item_id)

    def _rebuild(self) -> None:
        self._clear()
        item = self._current()
        self._signature = self._form_signature(item)
        if item is None:
            self.title.setText("Network settings")
            self.subtitle.setText("Nothing selected: these settings belong to the whole network.")
            rows = settings_rows(self.doc.settings())
        else:
            self.title.setText(item.name)
            self.subtitle.setText(f"{kind_of(item)} · id {item.id}")
            rows = item_rows(item, self.doc.network)
            if item.id in self.doc.network.all_ids() - set(self.doc.network.projections):
                rows.insert(1, self._color_row(item))
        for row in rows:
            self._add_row(row)
        if item is not None and item.id in self.doc.network.populations:
            self._add_duplicate_button(item.id)
        self.show_warnings()
        QTimer.singleShot(0, self, self._lay_out_wrapped)

    def _lay_out_wrapped(self) -> None:
        """Lay the form out again once its labels have their width: the form keeps the heights it computed for
        word-wrapped headings and equations before then, one line short where they wrap (the last line cut off)."""
        self.form.invalidate()
        self._body.layout().invalidate()

    def _add_duplicate_button(self, pop_id: str) -> None:
        button = QPushButton("Duplicate as custom model…", objectName="duplicate_model")
        button.setToolTip("Open the model editor on a copy of this population's model, written as equations")
        button.clicked.connect(lambda: self.duplicate_model_requested.emit(pop_id))
        self.form.insertRow(3, button)  # under the model row (name, colour, model come first)

    def show_warnings(self) -> None:
        """Warnings (not refusals) about what is shown: a time step large against its time constants."""
        if self.item_id is not None and self.item_id not in self.doc.network.populations:
            texts = []
        else:
            texts = dt_warnings(self.doc.network, self.item_id)
        self.warning.setText("\n".join(f"Warning: {text}" for text in texts))
        self.warning.setVisible(bool(texts))

    def _color_row(self, item) -> Row:
        widget = ColorField(self.doc.layout_of(item.id).color, style.node_color(item))
        widget.setToolTip("The node's colour on the canvas (saved in the file; the simulation ignores it)")
        return Row("color", "Colour", widget, lambda it: self.doc.layout_of(it.id).color, None)

    def _clear(self) -> None:
        self.hide_error()
        self.rows.clear()
        while self.form.rowCount():
            self.form.removeRow(0)

    def _add_row(self, row) -> None:
        if isinstance(row, Heading):
            label = QLabel(row.text, objectName="inspector_heading")
            label.setWordWrap(True)  # "Pair-based STDP (from equations): equations" is wider than the inspector
            label.setStyleSheet(_heading_style())
            self.form.addRow(label)
            return
        if isinstance(row, Equations):
            self.form.addRow(equations_label(row.lines, row.name))
            return
        self.rows[row.key] = row
        label = QLabel(row.label)
        tip = row.widget.toolTip()
        if tip:
            label.setToolTip(tip)
        row.widget.setObjectName(f"field:{row.key}")
        row.widget.committed.connect(lambda value, r=row: self._commit(r, value))
        address = self._sweep_address(row)
        if address is not None:  # the label's menu, and the field's own menu with the action added
            label.setObjectName(f"label:{row.key}")
            for widget in (label, row.widget):
                widget.setContextMenuPolicy(Qt.CustomContextMenu)
                widget.customContextMenuRequested.connect(
                    lambda pos, w=widget, a=address, r=row: self._sweep_menu(w, pos, a, r))
        if row.label:
            self.form.addRow(label, row.widget)
        else:
            self.form.addRow(row.widget)

    def _sweep_address(self, row) -> str | None:
        """The sweep address of a row (``E.tau_m``), or None when the row is not a sweepable number."""
        item = self._current()
        if item is None or row.spec is None:
            return None
        name = row.key.removeprefix("params.").removeprefix("rule_params.").replace("plasticity.params.",
                                                                                      "plasticity.")
        name = name.removesuffix(".value")  # a constant weight or delay: EE.weight
        try:
            addresses.resolve(self.doc.network, f"{item.id}.{name}")
        except addresses.AddressError:
            return None
        return f"{item.id}.{name}"

    def _sweep_menu(self, widget, pos, address: str, row) -> None:
        menu = _field_menu(widget)
        if menu.actions():
            menu.addSeparator()
        action = menu.addAction("Sweep this parameter…")
        action.setObjectName("sweep_parameter")
        value = float(row.get(self._current()))
        action.triggered.connect(lambda: self.sweep_requested.emit(address, value))
        self._sweep_menu_shown = menu
        menu.popup(widget.mapToGlobal(pos))

    def _refresh_values(self) -> None:
        source = self.doc.settings() if self.item_id is None else self._current()
        for row in self.rows.values():
            row.widget.set_value(row.get(source))
            row.widget.setStyleSheet("")
        if self.item_id is not None:
            self.title.setText(source.name)

    # --- document events -----------------------------------------------------------------------------
    def _on_item_changed(self, item_id: str) -> None:
        if item_id != self.item_id:
            return
        if self._form_signature(self._current()) == self._signature:
            self._refresh_values()
            self.show_warnings()
        else:
            self._rebuild()

    def _on_models_changed(self, model_id: str) -> None:
        """A model was saved into (or taken out of) the network: a population's model list shows it."""
        if self.item_id in self.doc.network.populations:
            self._rebuild()

    def _on_removed(self, ids: list[str]) -> None:
        if self.item_id in ids:
            self.show_item(None)

    def _on_settings_changed(self) -> None:
        if self.item_id is None and self._signature == ("settings",):
            self._refresh_values()
        self.show_warnings()

    # --- committing ----------------------------------------------------------------------------------
    def _commit(self, row: Row, value) -> None:
        shown = self.doc.settings() if self.item_id is None else self._current()
        if row.key != "preset" and row.get(shown) == value:  # re-picking the same entry changes nothing
            return self.hide_error()
        if row.spec is not None:
            why = row.spec.problem(value)
            if why is not None:
                return self._refuse(row, f"{row.label}: {why}")
        if row.key == "color":
            push(self.stack, SetColor(self.doc, self.item_id, value))
            return self.hide_error()
        if self.item_id is None:
            settings = dataclasses.replace(self.doc.settings(), **{row.key: value})
            command = EditSettings(self.doc, settings, f"Set {row.label.lower()}", field=row.key)
        else:
            edited = self.doc.edited_copy(self.item_id)
            try:
                row.apply(edited, value)
            except ValueError as exc:
                return self._refuse(row, f"{row.label}: {exc}")
            command = EditItem(self.doc, self.item_id, edited, self._command_text(row, edited),
                               field=row.key if row.merges else "")
        problems = push(self.stack, command)
        if problems:
            return self._refuse(row, "\n".join(readable_problem(self.doc.network, p) for p in problems))
        self.hide_error()

    def _command_text(self, row: Row, item) -> str:
        name = display_name(self.doc.network, item.id)
        if row.key == "preset":
            return f"Apply preset to {name}"
        if row.key == "plasticity.rule":
            return f"Remove learning rule of {name}" if item.plasticity is None else \
                f"Set learning rule of {name} to {row.widget.itemText(row.widget.findData(item.plasticity.rule))}"
        return f"Set {row.label or row.key} of {name}"

    def _refuse(self, row: Row, text: str) -> None:
        """Put the document's value back in the field and say why the new one was not taken."""
        self._refresh_values()
        self.error.setText(f"Not applied: {text}")
        self.error.show()
        row.widget.setStyleSheet(FIELD_ERROR_STYLE)
        self.message.emit(f"Not applied: {text.splitlines()[0]}")

    def hide_error(self) -> None:
        self.error.hide()
        self.error.setText("")

    def focus_first_field(self) -> None:
        if self.rows:
            widget = next(iter(self.rows.values())).widget
            QTimer.singleShot(0, lambda: widget.setFocus(Qt.OtherFocusReason))

    def _apply_theme(self) -> None:
        """Title, explanation and headings in the theme's colours and sizes (style sheets do not follow the
        application palette and font by themselves)."""
        theme = current()
        self.title.setStyleSheet(f"font-weight: bold; font-size: {13 * theme.font_scale():g}pt;")
        self.subtitle.setStyleSheet(f"color: {theme.ui_colors().muted.name()};")
        for label in self.form_host.findChildren(QLabel, "inspector_heading"):
            label.setStyleSheet(_heading_style())
        for name in ("equations", "synapse_equations"):  # a model's or rule's, and a synapse kind's
            for label in self.form_host.findChildren(QLabel, name):
                label.setStyleSheet(_equations_style())


def _heading_style() -> str:
    return f"font-weight: bold; color: {current().ui_colors().heading.name()}; padding-top: 8px;"


def _field_menu(widget) -> QMenu:
    """The menu Qt gives a field on right-click (copy, paste, select all; step up and down for a spin box), to
    which the inspector adds its own actions; an empty menu for a label."""
    if isinstance(widget, QAbstractSpinBox):
        menu = widget.lineEdit().createStandardContextMenu()
        menu.addSeparator()
        enabled = widget.stepEnabled()
        for text, flag, step in (("Step up", QAbstractSpinBox.StepUpEnabled, widget.stepUp),
                                 ("Step down", QAbstractSpinBox.StepDownEnabled, widget.stepDown)):
            action = menu.addAction(text)
            action.setEnabled(bool(enabled & flag) and not widget.isReadOnly())
            action.triggered.connect(step)
    elif isinstance(widget, QLineEdit):
        menu = widget.createStandardContextMenu()
    else:
        menu = QMenu()
    menu.setParent(widget, menu.windowFlags())
    return menu


def equations_label(lines: tuple[str, ...], name: str = "equations") -> QLabel:
    """The equations as rich-text math, one display line each, left-aligned. A line wider than the inspector
    wraps (a learning rule's "at a post spike: w ← min(w + …)" lines did not fit, and the inspector never
    scrolls sideways: the rest was cut off at its right edge)."""
    label = QLabel("".join(tex_to_display_html(line, align="left") for line in lines))
    label.setObjectName(name)
    label.setTextFormat(Qt.RichText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse)
    label.setStyleSheet(_equations_style())
    return label


def _equations_style() -> str:
    """A thin frame in the theme's muted colour; the text keeps the palette's colour (light or dark)."""
    return f"QLabel {{ border: 1px solid {current().ui_colors().muted.name()}; border-radius: 3px; padding: 4px; }}"
