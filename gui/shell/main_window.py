"""The main window: canvas in the centre, palette and inspector in docks, menus, toolbar and status bar.

It wires the parts together; the parts do the work (the scene draws the document, the controllers
turn user commands into undo commands, the inspector edits fields).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QTabBar,
    QUndoView,
)

from ... import __version__
from ...engine.editing.document import NetworkDocument
from ..base import style
from ..base.app_settings import app_settings
from ..base.docks import restore_docks, tabify
from ..base.gc_guard import install_gc_guard
from ..base.theme import current
from ..canvas.edit_controller import EditController
from ..canvas.palette import Palette
from ..canvas.scene import CanvasScene
from ..canvas.view import CanvasView
from ..editing.inspector import Inspector
from ..files.export_controller import ExportController
from ..files.file_controller import FileController
from ..models.editor_ui import install_model_editor
from ..simulation.experiment_ui import install_experiments
from ..simulation.simulation_ui import install_simulation
from ..teaching.lesson_controller import install_lessons
from .actions import build_actions, build_menus, build_toolbar

__all__ = ["MainWindow"]

STATUS_MS = 6000
LAYOUT_VERSION = 4  # bump when docks are added, so a layout saved without them is not restored


def plugin_neuron_models() -> dict:
    """The neuron models the installed plugins describe, by id (broken ones are left out; Help > Plugins says why)."""
    from ...plugins.neuron_models import neuron_models
    from ...plugins.registry import default_registry

    return neuron_models(default_registry())


class MainWindow(QMainWindow):
    def __init__(self):
        super().__init__()
        install_gc_guard()  # before any worker thread starts: garbage is collected on this thread only
        current()  # the saved theme, applied to the application before any widget is made
        self.setObjectName("main_window")
        self.setAttribute(Qt.WA_DeleteOnClose)
        self.setWindowIcon(style.icon("spikestudio"))
        self.resize(1400, 860)
        self.doc = NetworkDocument()
        self.stack = QUndoStack(self)
        self.scene = CanvasScene(self.doc, self.stack, self)
        self.view = CanvasView(self.scene, self)
        self.setCentralWidget(self.view)
        self.files = FileController(self, self.doc, self.stack)
        self.edits = EditController(self, self.doc, self.stack, self.scene, self.view)
        self.exports = ExportController(self, self.doc, self.files, self.scene)
        self.palette = Palette()
        self.edits.plugin_models = plugin_neuron_models()
        self.palette.add_plugin_models(self.edits.plugin_models)
        self.inspector = Inspector(self.doc, self.stack)
        self.messages = QPlainTextEdit()
        self.messages.setReadOnly(True)
        self.messages.setMaximumBlockCount(500)
        self._docks()
        self.actions = build_actions(self)
        build_menus(self, self.actions)
        build_toolbar(self, self.actions)
        self.node_menu_hooks = []  # (menu, node id) -> None: entries features add to a node's right-click menu
        self.simulation = install_simulation(self)
        self.lessons = install_lessons(self)
        self.experiments = install_experiments(self)
        self.models = install_model_editor(self)
        for dock in (self.palette_dock, self.inspector_dock, self.history_dock, self.messages_dock):
            self.panels_menu.addAction(dock.toggleViewAction())
        self.counts = QLabel()
        self.statusBar().addPermanentWidget(self.counts)
        self._connect()
        self.resizeDocks([self.palette_dock, self.inspector_dock], [210, 330], Qt.Horizontal)
        self.welcome = None  # the welcome page, made the first time it is shown
        self.keep_layout = True  # False for throw-away windows (screenshots), which must not overwrite it
        self.restore_layout()
        self.lessons.dock.hide()  # a restored layout may show it; it opens with a lesson
        self._update_title()

    def event(self, event) -> bool:
        """The tabs of docks sharing a place show their whole titles ("ISI analysis", not "ISI an…"), with scroll
        arrows when they do not fit (Qt makes these tab bars as docks are tabbed, so each is caught as it comes)."""
        if event.type() == QEvent.ChildPolished and isinstance(event.child(), QTabBar):
            event.child().setElideMode(Qt.ElideNone)
            event.child().setUsesScrollButtons(True)
        return super().event(event)

    def _docks(self) -> None:
        self.palette_dock = self._dock("palette", "Palette", self.palette, Qt.LeftDockWidgetArea)
        self.inspector_dock = self._dock("inspector", "Inspector", self.inspector, Qt.RightDockWidgetArea)
        self.history_dock = self._dock("history", "History", QUndoView(self.stack), Qt.RightDockWidgetArea)
        tabify(self, self.inspector_dock, self.history_dock)
        self.inspector_dock.raise_()
        self.messages_dock = self._dock("messages", "Messages", self.messages, Qt.BottomDockWidgetArea)
        self.messages_dock.hide()

    def _dock(self, name: str, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}_dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _connect(self) -> None:
        for source in (self.scene, self.inspector, self.files, self.edits, self.exports):
            source.message.connect(self.show_message)
        self.scene.selectionChanged.connect(self._selection_changed)
        self.scene.item_activated.connect(self._activate)
        self.view.template_dropped.connect(self.edits.add_template)
        self.palette.template_activated.connect(self.edits.add_template)
        self.files.title_changed.connect(self._update_title)
        self.doc.settings_changed.connect(self._update_title)  # an untitled network is shown by its title
        self.stack.indexChanged.connect(lambda _: self._update_counts())
        self.doc.network_replaced.connect(self._network_replaced)

    # --- reacting ------------------------------------------------------------------------------------
    def _selection_changed(self) -> None:
        try:
            ids = self.scene.selected_ids()
        except RuntimeError:  # the scene is being torn down with the window
            return
        known = self.doc.network.all_ids()
        self.inspector.show_selection([i for i in ids if i in known])

    def _activate(self, item_id: str) -> None:
        self.inspector_dock.show()
        self.inspector_dock.raise_()
        self.inspector.show_item(item_id)
        self.inspector.focus_first_field()

    def _network_replaced(self) -> None:
        self._update_counts()
        self.view.fit_all()

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.files.display_name()}[*] — SpikeStudio")
        self.setWindowModified(self.files.is_dirty())

    def _update_counts(self) -> None:
        net = self.doc.network
        neurons = sum(p.size for p in net.populations.values())
        self.counts.setText(f"{len(net.populations)} populations · {neurons:,} neurons · "
                            f"{len(net.inputs)} inputs · {len(net.projections)} projections")

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MS)
        self.messages.appendPlainText(text)

    def commit_pending_edit(self) -> None:
        """Finish the edit in the focused inspector field (a typed number not yet entered), or the note being
        written, so it is not lost."""
        focus = QApplication.focusWidget()
        if focus is not None and self.inspector.isAncestorOf(focus):
            focus.clearFocus()  # fields commit when they lose focus
        self.scene.notes.finish_editing()

    def new_window(self):
        return open_new_window()

    def show_settings(self) -> None:
        self.scene.clearSelection()
        self.inspector.show_item(None)
        self.inspector_dock.show()
        self.inspector_dock.raise_()

    def show_shortcuts(self) -> None:
        native = QKeySequence.SequenceFormat.NativeText
        lines = [f"{a.text().replace('&', ''):<22} {', '.join(k.toString(native) for k in a.shortcuts())}"
                 for a in self.actions.values() if a.shortcuts()]
        lines += ["Wheel                  zoom", "Middle drag / Space+drag  pan", "Drag on empty canvas   select",
                  "Drag from a node's ● port to another node   connect"]
        box = QMessageBox(QMessageBox.Information, "Keyboard shortcuts", "\n".join(lines), QMessageBox.Ok, self)
        box.setStyleSheet("QLabel { font-family: monospace; }")
        box.exec()

    def open_lesson(self, path: Path | None = None) -> bool:
        """Start a lesson (its folder or lesson.md; asks for one when None) in the lesson panel."""
        return self.lessons.open(path)

    def show_welcome(self) -> None:
        """The welcome page over the work area: New, Open, recent files, examples and lessons."""
        from ..teaching.welcome import WelcomePage

        if self.welcome is None:
            self.welcome = WelcomePage(self)
        self.welcome.open()

    def show_about(self) -> None:
        QMessageBox.about(self, "About SpikeStudio",
                          f"SpikeStudio {__version__}\nBuild spiking neural networks visually, simulate them "
                          "fast, share them as files.")

    # --- window state --------------------------------------------------------------------------------
    def restore_layout(self) -> None:
        settings = app_settings()
        geometry, state = settings.value("window/geometry"), settings.value("window/state")
        if state is not None:
            restore_docks(self, state, LAYOUT_VERSION)
        self.layout().invalidate()  # the minimum size was taken mid-restore, with the tabbed docks side by side
        self.setMinimumSize(self.layout().minimumSize())
        if geometry is not None:
            self.restoreGeometry(geometry)

    def save_layout(self) -> None:
        settings = app_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        settings.sync()

    def closeEvent(self, event) -> None:
        if not self.files.maybe_save("closing"):
            event.ignore()
            return
        self.simulation.shutdown()  # the worker stops after its chunk; nothing simulates a closed window
        self.experiments.shutdown()  # a sweep stops taking new runs; the ones in progress finish
        self.models.shutdown()  # a model preview still running on the pool answers no one
        self.files.closing()
        if self.keep_layout:
            self.save_layout()
        self.scene.selectionChanged.disconnect(self._selection_changed)
        event.accept()


_windows: list = []  # windows opened with File > New Window live until they close


def open_new_window():
    """Another window on an empty network, in the same app (copy and paste work between them)."""
    from ...engine.model.network import Network

    window = MainWindow()
    window.files.adopt(Network())
    window.destroyed.connect(lambda *_: _windows.remove(window) if window in _windows else None)
    _windows.append(window)
    window.show()
    return window
