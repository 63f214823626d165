"""Start the app: one window on a file, or on the default example, after offering to recover lost work."""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["run_app", "make_window", "greet", "empty_clipboard"]


def make_window(path: str | None = None, recover: bool = True):
    """A main window showing ``path`` (a file or bundled example name), or the default example."""
    from ...resources.examples import DEFAULT_EXAMPLE, example_path
    from .main_window import MainWindow

    window = MainWindow()
    if recover and window.files.offer_recovery():
        return window
    if path is None:
        window.files.open_path(example_path(DEFAULT_EXAMPLE), example=DEFAULT_EXAMPLE)
    elif Path(path).exists() or path.endswith((".snn", ".json")):
        window.files.open_path(Path(path))
    else:
        window.files.open_path(example_path(path), example=path)
    return window


def greet(window, path: str | None) -> bool:
    """At a plain start (no file given, the default example open, nothing recovered), show the welcome page
    unless the user turned it off; True when it is shown."""
    from ...resources.examples import DEFAULT_EXAMPLE
    from ..teaching.welcome import welcome_at_startup

    plain = path is None and window.files.example == DEFAULT_EXAMPLE and not window.files.is_dirty()
    if plain and welcome_at_startup():
        window.show_welcome()
        return True
    return False


def run_app(path: str | None = None, screenshot: str | None = None) -> int:
    """Run the event loop; with ``screenshot``, render the window to that PNG and quit (for docs and checks)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from ...plugins.registry import preload_plugins
    from ..base import style

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("SpikeStudio")
    app.setOrganizationName("SpikeStudio")
    app.setWindowIcon(style.icon("spikestudio"))
    window = make_window(path, recover=screenshot is None)
    # Plugins are imported off the GUI thread, once the window's own modules are (no two threads importing
    # one module): a plugin that hangs is known as such before the window needs it.
    preloading = preload_plugins()
    if screenshot is None:
        greet(window, path)
        from .first_launch import BackgroundWarmup

        # compiles only where nothing was (a wheel install), once the plugins are imported
        window.background_warmup = BackgroundWarmup(window, after=preloading)
    if screenshot:
        window.keep_layout = False
        window.resize(1400, 860)
    window.show()
    window.view.fit_all()
    if screenshot:
        app.processEvents()
        app.sendPostedEvents(None, QEvent.DeferredDelete)  # tab bars left over from arranging the docks
        window.view.fit_all()
        app.processEvents()
        ok = _save_screenshot(window, Path(screenshot))
        window.files.closing()
        window.stack.setClean()
        window.close()
        return 0 if ok else 1
    status = app.exec()
    empty_clipboard()
    return status


def _save_screenshot(window, path: Path) -> bool:
    """The window as a PNG, replacing ``path`` atomically (a full disk leaves the old file as it was)."""
    from ...engine.files.atomic_file import atomic_write
    from ..canvas.scene_picture import png_bytes

    data = png_bytes(window.grab().toImage())
    try:
        atomic_write(path, lambda f: f.write(data))
    except OSError as exc:
        print(f"spikestudio: error: {path}: cannot write the file: {exc.strerror or exc}", file=sys.stderr)
        return False
    return bool(data)


def empty_clipboard() -> None:
    """Qt aborts at exit if the clipboard still holds data this app put there, so it is emptied on quit."""
    from PySide6.QtGui import QGuiApplication

    from ..canvas.edit_controller import CLIPBOARD_MIME

    clipboard = QGuiApplication.clipboard()
    mime = clipboard.mimeData()
    ours = clipboard.ownsClipboard() or (mime is not None and mime.hasFormat(CLIPBOARD_MIME))
    if ours:
        clipboard.clear()
