"""The palette: node types by heading, dragged onto the canvas or double-clicked to add."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QDrag
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem

from ...engine.editing.templates import TEMPLATES
from ..base import style
from .view import TEMPLATE_MIME

__all__ = ["Palette", "NOTE_KEY", "LIBRARY_PREFIX", "USER_MODELS", "PLUGIN_MODEL_PREFIX", "PLUGIN_MODELS_HEADING"]

KEY_ROLE = Qt.UserRole + 1
NOTE_KEY = "note"  # the sticky-note entry: not a network item, so not a template
LIBRARY_PREFIX = "lib:"  # "lib:<id>": a population of a model from the user's library folder
USER_MODELS = "My models"
PLUGIN_MODEL_PREFIX = "plugin_model:"  # + the plugin's model id: a population of a model a plugin describes
PLUGIN_MODELS_HEADING = "Plugin models"


class Palette(QTreeWidget):
    template_activated = Signal(str)  # double-click or Enter: add at the centre of the view

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragOnly)
        self.setRootIsDecorated(False)
        self.setIndentation(8)
        self.setIconSize(self.iconSize() * 1.4)
        headings: dict[str, QTreeWidgetItem] = {}
        for template in TEMPLATES.values():
            heading = headings.get(template.category)
            if heading is None:
                heading = headings[template.category] = self._heading(template.category)
            entry = QTreeWidgetItem(heading, [template.display_name])
            entry.setIcon(0, style.icon(style.template_icon_name(template.key)))
            entry.setData(0, KEY_ROLE, template.key)
            entry.setToolTip(0, f"{template.description}\nDrag onto the canvas, or double-click to add.")
        note = QTreeWidgetItem(self._heading("Annotations"), ["Sticky note"])
        note.setIcon(0, style.icon("note"))
        note.setData(0, KEY_ROLE, NOTE_KEY)
        note.setToolTip(0, "A note on the canvas for explanations; the simulation never reads it.\n"
                           "Drag onto the canvas, or double-click to add.")
        self.user_models = self._heading(USER_MODELS)
        self.insertTopLevelItem(1, self.takeTopLevelItem(self.indexOfTopLevelItem(self.user_models)))
        self.set_user_models([])
        self.expandAll()
        self.itemActivated.connect(self._activated)  # double-click or Enter, as the platform does it

    def _heading(self, text: str) -> QTreeWidgetItem:
        heading = QTreeWidgetItem(self, [text])
        heading.setFlags(Qt.ItemIsEnabled)
        font = heading.font(0)
        font.setBold(True)
        heading.setFont(0, font)
        return heading

    def set_user_models(self, entries: list[tuple[str, str, str]]) -> None:
        """List the library's models under "My models": (id, name, problem) each; one with a problem is shown
        in red with it, and cannot be dragged."""
        self.user_models.takeChildren()
        for model_id, name, problem in entries:
            entry = QTreeWidgetItem(self.user_models, [name if not problem else f"{name} (cannot be used)"])
            entry.setIcon(0, style.icon(style.template_icon_name("pop:lif")))
            if problem:
                entry.setForeground(0, QBrush(QColor("#c0392b")))
                entry.setToolTip(0, f"{model_id}.model cannot be used:\n{problem}")
                entry.setFlags(Qt.ItemIsEnabled)
            else:
                entry.setData(0, KEY_ROLE, LIBRARY_PREFIX + model_id)
                entry.setToolTip(0, f"{name} ({model_id}.model in your model library)\n"
                                    "Drag onto the canvas, or double-click to add a population of it.")
        if not entries:
            hint = QTreeWidgetItem(self.user_models, ["Save a model in the model editor"])
            hint.setFlags(Qt.ItemIsEnabled)
            hint.setForeground(0, QBrush(QColor("#808080")))
        self.user_models.setExpanded(True)

    def add_plugin_models(self, models: dict) -> None:
        """A heading of its own listing the neuron models plugins describe (``plugins.neuron_models``), after the
        built-in populations; nothing when there are none."""
        if not models:
            return
        heading = self._heading(PLUGIN_MODELS_HEADING)
        self.takeTopLevelItem(self.indexOfTopLevelItem(heading))
        self.insertTopLevelItem(1, heading)  # under "Populations"
        for model in models.values():
            entry = QTreeWidgetItem(heading, [model.name])
            entry.setIcon(0, style.icon(style.template_icon_name("pop:lif")))
            entry.setData(0, KEY_ROLE, PLUGIN_MODEL_PREFIX + model.id)
            entry.setToolTip(0, f"{model.description}\nA neuron model from the plugin {model.source}; the network "
                                "keeps its equations.\nDrag onto the canvas, or double-click to add.")
        heading.setExpanded(True)

    def item_for(self, key: str) -> QTreeWidgetItem:
        for i in range(self.topLevelItemCount()):
            heading = self.topLevelItem(i)
            for j in range(heading.childCount()):
                if heading.child(j).data(0, KEY_ROLE) == key:
                    return heading.child(j)
        raise KeyError(key)

    def mime_for(self, key: str) -> QMimeData:
        mime = QMimeData()
        mime.setData(TEMPLATE_MIME, key.encode("utf-8"))
        return mime

    def startDrag(self, actions) -> None:
        item = self.currentItem()
        key = item.data(0, KEY_ROLE) if item is not None else None
        if not key:
            return
        drag = QDrag(self)
        drag.setMimeData(self.mime_for(key))
        drag.setPixmap(item.icon(0).pixmap(32, 32))
        drag.exec(Qt.CopyAction)

    def _activated(self, item, column=0) -> None:
        key = item.data(0, KEY_ROLE)
        if key:
            self.template_activated.emit(key)
