"""The window's actions, menus and toolbar, with platform-standard shortcuts where Qt has one."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from ...resources.examples import list_examples
from ..base.app_settings import recent_files
from ..teaching.gallery import show_examples_dialog
from .plugin_dialog import show_plugin_dialog
from .theme_actions import build_theme_actions

__all__ = ["build_actions", "build_menus", "build_toolbar"]

Std = QKeySequence.StandardKey


def _action(window, name: str, text: str, slot, shortcut=None, tip: str = "") -> QAction:
    action = QAction(text, window)
    action.setObjectName(name)
    if shortcut is not None:
        keys = QKeySequence.keyBindings(shortcut) if isinstance(shortcut, Std) else [QKeySequence(s)
                                                                                        for s in shortcut]
        action.setShortcuts(keys)
    action.setStatusTip(tip or text.replace("&", "").rstrip("."))
    action.triggered.connect(lambda _=False: slot())
    window.addAction(action)
    return action


def build_actions(w) -> dict[str, QAction]:
    files, edits, view, exports = w.files, w.edits, w.view, w.exports
    specs = [
        ("new", "&New", files.new, Std.New, "Start an empty network"),
        ("new_window", "New &Window", w.new_window, ["Ctrl+Shift+N"], "Open another window"),
        ("open", "&Open…", files.open, Std.Open, "Open a .snn or .json network file"),
        ("open_lesson", "Open &Lesson…", w.open_lesson, None, "Open a lesson (a lesson.md with its networks)"),
        ("save", "&Save", files.save, Std.Save, "Save the network"),
        ("save_as", "Save &As…", files.save_as, Std.SaveAs, "Save the network under a new name"),
        ("revert", "&Revert", files.revert, None, "Discard all changes since the last save"),
        ("import_nir", "&NIR Graph…", exports.import_nir, None, "Open a NIR graph (.nir) as a new network"),
        ("export_nir", "&NIR Graph…", lambda: exports.export("nir"), None,
         "Export the network as a NIR graph (.nir) for snnTorch, Norse, Lava and others"),
        ("export_pynn", "&PyNN Script…", lambda: exports.export("pynn"), None,
         "Export the network as a runnable PyNN script (NEST, NEURON, Brian2 backends)"),
        ("export_brian2", "&Brian2 Script…", lambda: exports.export("brian2"), None,
         "Export the network as a runnable Brian2 script"),
        ("export_picture", "Network &Picture (SVG/PNG)…", exports.export_picture, None,
         "Save the whole network as an SVG or PNG picture"),
        ("quit", "&Quit", w.close, Std.Quit, "Close the window"),
        ("cut", "Cu&t", edits.cut, Std.Cut, "Cut the selected nodes"),
        ("copy", "&Copy", edits.copy, Std.Copy, "Copy the selected nodes and the projections between them"),
        ("paste", "&Paste", edits.paste, Std.Paste, "Paste nodes from the clipboard"),
        ("duplicate", "D&uplicate", edits.duplicate, ["Ctrl+D"], "Duplicate the selected nodes"),
        ("delete", "&Delete", edits.delete_selected, ["Del", "Backspace"], "Delete the selection and its edges"),
        ("add_note", "Add &Note", edits.add_note, None, "Put a sticky note on the canvas (double-click it to write)"),
        ("select_all", "Select &All", edits.select_all, Std.SelectAll, "Select every node and projection"),
        ("align", "Align to &Grid", edits.align_selected, ["Ctrl+Shift+G"],
         "Snap the selected nodes (or all nodes) to the grid"),
        ("settings", "Network &Settings", w.show_settings, ["Ctrl+,"], "Edit dt, duration, seed and metadata"),
        ("zoom_in", "Zoom &In", view.zoom_in, Std.ZoomIn, "Zoom in"),
        ("zoom_out", "Zoom &Out", view.zoom_out, Std.ZoomOut, "Zoom out"),
        ("fit", "&Fit to View", view.fit_all, ["F", "Ctrl+Shift+F"], "Show the whole network"),
        ("actual_size", "&Actual Size", view.actual_size, ["Ctrl+0"], "Zoom to 100 %"),
        ("welcome", "&Welcome", w.show_welcome, None, "Show the welcome page: new, open, recent files, examples"),
        ("examples", "&Examples…", lambda: show_examples_dialog(w), None,
         "Browse the example networks, each with a picture and a sentence"),
        ("shortcuts", "&Keyboard Shortcuts", w.show_shortcuts, ["F1"], "List the keyboard shortcuts"),
        ("plugins", "&Plugins…", lambda: show_plugin_dialog(w), None,
         "List the installed plugins (learning rules, datasets) and any that failed to load"),
        ("about", "&About SpikeStudio", w.show_about, None, "About SpikeStudio"),
    ]
    actions = {name: _action(w, name, text, slot, keys, tip) for name, text, slot, keys, tip in specs}
    actions.update(build_theme_actions(w))
    actions["undo"] = w.stack.createUndoAction(w, "&Undo")
    actions["undo"].setShortcuts(QKeySequence.keyBindings(Std.Undo))
    actions["redo"] = w.stack.createRedoAction(w, "&Redo")
    actions["redo"].setShortcuts(QKeySequence.keyBindings(Std.Redo) + [QKeySequence("Ctrl+Y")])
    for name in ("undo", "redo"):
        actions[name].setObjectName(name)
        actions[name].setIconText(name.capitalize())  # the toolbar keeps a short label; the menu says what
        w.addAction(actions[name])
    return actions


def build_menus(w, actions: dict[str, QAction]) -> None:
    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([actions["new"], actions["new_window"], actions["open"]])
    w.recent_menu = file_menu.addMenu("Open &Recent")
    w.recent_menu.aboutToShow.connect(lambda: _fill_recent(w))
    _fill_recent(w)
    examples = file_menu.addMenu("&Examples")
    for name in list_examples():
        examples.addAction(name, lambda n=name: w.files.open_example(n))
    file_menu.addAction(actions["open_lesson"])
    file_menu.addSeparator()
    file_menu.addActions([actions["save"], actions["save_as"], actions["revert"]])
    file_menu.addSeparator()
    file_menu.addMenu("&Import").addAction(actions["import_nir"])
    file_menu.addMenu("E&xport").addActions([actions[n] for n in ("export_nir", "export_pynn", "export_brian2",
                                                                   "export_picture")])
    file_menu.addSeparator()
    file_menu.addAction(actions["quit"])

    edit_menu = w.edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([actions["undo"], actions["redo"]])
    edit_menu.addSeparator()
    edit_menu.addActions([actions[n] for n in ("cut", "copy", "paste", "duplicate", "delete")])
    edit_menu.addSeparator()
    edit_menu.addAction(actions["add_note"])
    edit_menu.addActions([actions["select_all"], actions["align"], actions["settings"]])

    view_menu = bar.addMenu("&View")
    view_menu.addActions([actions[n] for n in ("zoom_in", "zoom_out", "fit", "actual_size")])
    view_menu.addSeparator()
    view_menu.addAction(actions["presentation"])
    view_menu.addMenu("&Theme").addActions([actions["theme_light"], actions["theme_dark"]])
    view_menu.addSeparator()
    w.panels_menu = view_menu.addMenu("&Panels")

    help_menu = bar.addMenu("&Help")
    help_menu.addActions([actions["welcome"], actions["examples"]])
    w.lessons_menu = help_menu.addMenu("&Lessons")
    w.lessons_menu.aboutToShow.connect(lambda: _fill_lessons(w))
    _fill_lessons(w)
    help_menu.addSeparator()
    help_menu.addActions([actions["shortcuts"], actions["plugins"], actions["about"]])


def _fill_recent(w) -> None:
    menu: QMenu = w.recent_menu
    menu.clear()
    paths = recent_files()
    for path in paths:
        menu.addAction(path, lambda p=path: w.files.open(p))
    if not paths:
        menu.addAction("(no recent files)").setEnabled(False)


def _fill_lessons(w) -> None:
    """The bundled lessons, in teaching order."""
    from ...engine.teaching.lesson import bundled_lessons

    menu: QMenu = w.lessons_menu
    menu.clear()
    for lesson in bundled_lessons():
        action = menu.addAction(lesson.title, lambda f=lesson.folder: w.open_lesson(f))
        action.setStatusTip(lesson.summary)
    if menu.isEmpty():
        menu.addAction("(no lessons installed)").setEnabled(False)
    menu.addSeparator()
    menu.addAction(w.actions["open_lesson"])


def build_toolbar(w, actions: dict[str, QAction]) -> None:
    bar = w.addToolBar("Main")
    bar.setObjectName("main_toolbar")
    for name in ("new", "open", "save", None, "undo", "redo", None, "delete", "duplicate", "align", None,
                 "zoom_in", "zoom_out", "fit"):
        bar.addSeparator() if name is None else bar.addAction(actions[name])
