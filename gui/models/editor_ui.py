"""The model editor in the window: its dock, "Duplicate as Custom Model…" (inspector and a population's
right-click menu), New Model, the Open menu (the network's models, My models, copies of built-ins) and the
palette's My models list, refreshed whenever the library changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMenu, QToolButton

from ...engine.editing.model_edits import unused_model_id
from ...engine.equations.data import to_text
from ...engine.files.model_library import list_library
from ...engine.model.builtin_text import builtin_model_text
from ...engine.model.catalog import NEURON_MODELS
from ..base.app_settings import model_library_dir
from .editor import ModelEditor

__all__ = ["ModelEditorUI", "install_model_editor", "STARTER"]

EDITOR_WIDTH = 640
FULL_HEIGHT_FROM = 1500  # window width (px) from which the open editor runs down to the bottom (narrower: the
# plots under the canvas would be squeezed below their own width)

STARTER = """# A new neuron model: edit the lines below; problems are listed under the text as you type.
title My neuron
state v = -65 mV
param tau = 10 ms (0, 1000] "Membrane time constant"
param E_L = -65 mV [-100, 0] "Resting potential"
param R = 40 Mohm (0, inf) "Input resistance"
param V_th = -50 mV "Threshold"
param V_reset = -70 mV "Reset potential"
dv/dt = (E_L - v + R*I_syn)/tau
threshold v > V_th
reset v = V_reset
refractory 2*ms clamp v
"""


class ModelEditorUI:
    """Owns the model editor dock of one main window."""

    def __init__(self, window):
        self.window = window
        self.editor = ModelEditor(window.doc, window.stack)
        self.dock = QDockWidget("Model Editor", window)
        self.dock.setObjectName("model_editor_dock")
        self.dock.setWidget(self.editor)
        window.addDockWidget(Qt.RightDockWidgetArea, self.dock, Qt.Horizontal)  # beside the inspector, not a tab
        window.panels_menu.addAction(self.dock.toggleViewAction())
        self.dock.hide()
        self.dock.visibilityChanged.connect(self._give_height)
        self.open_menu = QMenu(self.editor)
        self.open_menu.aboutToShow.connect(self._fill_open_menu)
        button = QToolButton(objectName="model_open", text="Open", popupMode=QToolButton.InstantPopup)
        button.setMenu(self.open_menu)
        self.editor.top_row.addWidget(button)
        self.editor.message.connect(window.show_message)
        self.editor.library_changed.connect(self.refresh_library)
        window.inspector.duplicate_model_requested.connect(self.duplicate)
        window.node_menu_hooks.append(self._node_menu)
        self.new_action = QAction("New &Model…", window, objectName="new_model")
        self.new_action.setStatusTip("Write a neuron model as equations in the model editor")
        self.new_action.triggered.connect(lambda _=False: self.new_model())
        window.actions["new_model"] = self.new_action
        window.edit_menu.addAction(self.new_action)
        self.refresh_library()

    def shutdown(self) -> None:
        """The window closes: a preview still running answers no one."""
        self.editor.preview.abandon()

    # --- opening ----------------------------------------------------------------------------------------
    def show(self) -> ModelEditor:
        first = not self.dock.isVisible()
        self.dock.show()
        self.dock.raise_()
        if first:
            width = min(EDITOR_WIDTH, int(self.window.width() * 0.4))  # a laptop keeps some canvas
            self.window.resizeDocks([self.dock], [width], Qt.Horizontal)
            height = self.editor.split.height() or 700
            self.editor.split.setSizes([height * 3 // 5, height * 2 // 5])  # the text first, the plots under it
        return self.editor

    def _give_height(self, visible: bool) -> None:
        """While the editor is open in a wide window the right side runs down to the bottom of the window (the
        text, its problems and the plots need the height); closed, the plots under the canvas get their width
        back."""
        if not self.dock.isFloating():
            tall = self.dock.isVisible() and self.window.width() >= FULL_HEIGHT_FROM
            area = Qt.RightDockWidgetArea if tall else Qt.BottomDockWidgetArea
            self.window.setCorner(Qt.BottomRightCorner, area)

    def new_model(self) -> ModelEditor:
        self.show().open_text(unused_model_id(self.window.doc.network, "my_neuron"), STARTER)
        return self.editor

    def duplicate(self, pop_id: str) -> ModelEditor | None:
        """The editor on a copy of population ``pop_id``'s model under a new id, offering to switch it."""
        net = self.window.doc.network
        pop = net.populations.get(pop_id)
        if pop is None:
            return None
        text = builtin_model_text(pop.model) if pop.model in NEURON_MODELS else to_text(net.models[pop.model])
        self.show().open_text(unused_model_id(net, f"{pop.model}_copy"), text, pop_id)
        self.window.show_message(f"Editing a copy of {pop.model} as a new model; Save to Network to use it")
        return self.editor

    def open_builtin_copy(self, model_id: str) -> ModelEditor:
        self.show().open_text(unused_model_id(self.window.doc.network, f"{model_id}_copy"),
                              builtin_model_text(model_id))
        return self.editor

    def open_network_model(self, model_id: str) -> ModelEditor:
        self.show().open_text(model_id, to_text(self.window.doc.network.models[model_id]))
        return self.editor

    def open_library_model(self, entry) -> ModelEditor:
        self.show().open_text(entry.model_id, entry.text)
        return self.editor

    def _fill_open_menu(self) -> None:
        menu = self.open_menu
        menu.clear()
        menu.addAction("New Model", self.new_model)
        models = self.window.doc.network.models
        if models:
            menu.addSection("In this network")
            for model_id in models:
                menu.addAction(model_id, lambda m=model_id: self.open_network_model(m))
        entries = list_library(model_library_dir())
        self._show_library(entries)  # files may have come or gone since
        if entries:
            menu.addSection("My models")
            for entry in entries:
                action = menu.addAction(entry.model_id, lambda e=entry: self.open_library_model(e))
                action.setStatusTip("" if entry.ok else "; ".join(entry.problems))
        menu.addSection("Copy of a built-in")
        for model in NEURON_MODELS.values():
            menu.addAction(model.display_name, lambda m=model.id: self.open_builtin_copy(m))

    def _node_menu(self, menu: QMenu, node_id: str) -> None:
        net = self.window.doc.network
        pop = net.populations.get(node_id)
        if pop is not None and pop.model in net.models:  # described by equations in this network: edit them
            action = menu.addAction("Edit Model…", lambda: self.open_network_model(pop.model))
            action.setObjectName("edit_model")
        if pop is not None:
            action = menu.addAction("Duplicate as Custom Model…", lambda: self.duplicate(node_id))
            action.setObjectName("duplicate_model")

    # --- the library ------------------------------------------------------------------------------------
    def refresh_library(self) -> None:
        """The palette's My models: every file of the library, with the problem of each that cannot be used."""
        self._show_library(list_library(model_library_dir()))

    def _show_library(self, entries) -> None:
        self.window.palette.set_user_models([(e.model_id, e.title, "" if e.ok else "\n".join(e.problems))
                                             for e in entries])


def install_model_editor(window) -> ModelEditorUI:
    return ModelEditorUI(window)
