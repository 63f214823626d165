"""Help > Plugins: every plugin the registry found, where it comes from, and why a broken one did not load.

Listing loads each plugin (that is how its name, version and description are known); a plugin that fails to
load, hangs, loads into something without a ``PluginInfo`` or has a built-in's id is shown in red with the reason
and never stops the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ...plugins.neuron_models import GROUP as MODEL_GROUP
from ...plugins.neuron_models import neuron_models
from ...plugins.registry import GROUPS, Registry, default_registry

__all__ = ["PluginRow", "plugin_rows", "PluginDialog", "show_plugin_dialog", "COLUMNS", "BROKEN"]

GROUP_NAMES = {"learning_rules": "learning rule", "datasets": "dataset", MODEL_GROUP: "neuron model"}
COLUMNS = ("Kind", "Id", "Name", "Version", "From", "Description")
BROKEN = QColor("#c0392b")
FROM_WIDTH = 230


@dataclass
class PluginRow:
    group: str  # "learning rule" or "dataset"
    id: str
    name: str
    version: str
    description: str
    origin: str  # "built-in", or the distribution and entry point
    source: str  # the registry's full source text
    error: str | None = None


def plugin_rows(registry: Registry) -> list[PluginRow]:
    """One row per discovered plugin, by group then id; loading errors are caught and become the row's error."""
    rows = []
    models = neuron_models(registry)  # checks each model's text: a broken one gets its record's error
    shadowed = [((r.group, r.id), r) for r in registry.shadowed]
    for (group, plugin_id), record in sorted([*registry.records.items(), *shadowed], key=lambda item: item[0]):
        plugin = registry.get(group, plugin_id) if record.error is None else None
        info, error = None, record.error
        if group == MODEL_GROUP and plugin_id in models and error is None:
            info = models[plugin_id]
            name, version, description = info.name, info.version, info.description
        elif plugin is not None:
            try:
                info = plugin.info
                name, version = str(info.display_name), str(info.version)
                description = " ".join(str(info.description).split())  # docstrings carry line breaks
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # a third party's object: anything (SystemExit too) may come of reading it
                info, error = None, f"not a SpikeStudio plugin (no usable info: {type(exc).__name__}: {exc})"
        if info is None:
            name, version, description = "", "", ""
        origin = "built-in" if record.builtin else record.source
        rows.append(PluginRow(GROUP_NAMES.get(group, group), plugin_id, name, version, description, origin,
                              record.source, error))
    return rows


class PluginDialog(QDialog):
    """A table of the plugins; broken ones in red with their error in place of the description."""

    def __init__(self, registry: Registry | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("plugin_dialog")
        self.setWindowTitle("Plugins")
        self.resize(1100, 560)
        self.rows = plugin_rows(registry if registry is not None else default_registry())
        broken = sum(row.error is not None for row in self.rows)
        groups = ", ".join(GROUPS.values())
        self.summary = QLabel(f"{len(self.rows)} plugin{'s' * (len(self.rows) != 1)} found in the entry-point groups "
                              f"{groups}" + (f"; {broken} could not be loaded (in red)." if broken else "."))
        self.summary.setWordWrap(True)
        self.table = self._table()
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def _table(self) -> QTableWidget:
        table = QTableWidget(len(self.rows), len(COLUMNS), self)
        table.setObjectName("plugin_table")
        table.setHorizontalHeaderLabels(COLUMNS)
        table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.verticalHeader().hide()
        table.setWordWrap(True)
        for r, row in enumerate(self.rows):
            description = f"Failed to load: {row.error}" if row.error else row.description
            for c, text in enumerate((row.group, row.id, row.name, row.version, row.origin, description)):
                cell = QTableWidgetItem(text)
                cell.setToolTip(f"{description}\n\nFrom: {row.source}")
                if row.error:
                    cell.setForeground(BROKEN)
                table.setItem(r, c, cell)
        header = table.horizontalHeader()
        for c in range(len(COLUMNS) - 2):
            header.setSectionResizeMode(c, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("From"), QHeaderView.Interactive)
        table.setColumnWidth(COLUMNS.index("From"), FROM_WIDTH)  # long entry points wrap instead of crowding
        header.setSectionResizeMode(COLUMNS.index("Description"), QHeaderView.Stretch)
        table.resizeRowsToContents()
        return table

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # Once the table has laid out its columns for the new width, wrapped descriptions get the height they need.
        QTimer.singleShot(0, self.table.resizeRowsToContents)

    def cell_text(self, row: int, column: str) -> str:
        return self.table.item(row, COLUMNS.index(column)).text()


def show_plugin_dialog(parent, registry: Registry | None = None) -> PluginDialog:
    """Open the dialog (window-modal, not blocking) and return it."""
    dialog = PluginDialog(registry, parent)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog
