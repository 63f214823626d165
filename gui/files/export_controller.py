"""File > Export and File > Import of a window: the network as a NIR graph, a PyNN or Brian2 script or a picture,
and a NIR graph opened as a new network.

Nothing is written unless the whole export worked, and files are replaced atomically. What an export left out or
approximated is shown in a message box and kept in the Messages panel. An import that fails leaves the open
network as it was.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication

from ...engine.errors import ValidationError
from ...engine.files.archive_writer import atomic_write
from ...engine.interop.report import ExportReport
from ...engine.interop.script_arrays import ScriptArrays, write_script
from ...engine.model.names import readable_error
from ..base import dialogs
from ..canvas.scene_picture import PictureError, scene_png, scene_svg
from .export_formats import FORMATS, NothingToExportError, report_lines
from .script_options import ScriptOptions, ask_script_options

__all__ = ["ExportController", "NIR_FILTER", "PICTURE_FILTER", "SUGGESTED_SUFFIX"]

NIR_FILTER = "NIR graphs (*.nir *.h5 *.hdf5);;All files (*)"
PICTURE_FILTER = "SVG picture (*.svg);;PNG image (*.png)"
SCRIPT_KEYS = ("pynn", "brian2")
SUGGESTED_SUFFIX = {"nir": ".nir", "pynn": "_pynn.py", "brian2": "_brian2.py", "picture": ".svg"}


@contextmanager
def busy():
    """A wait cursor while the window is busy (a large NIR export takes seconds)."""
    QApplication.setOverrideCursor(Qt.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class ExportController(QObject):
    message = Signal(str)

    def __init__(self, window, doc, files, scene):
        super().__init__(window)
        self.window, self.doc, self.files, self.scene = window, doc, files, scene

    # --- exporting -----------------------------------------------------------------------------------
    def export(self, key: str, path: str | Path | None = None, options: ScriptOptions | None = None) -> bool:
        """Export to ``FORMATS[key]`` ("nir", "pynn", "brian2") at ``path`` (asked for when None); True if written.

        A script's ``options`` (wiring, replayed inputs) are asked for after the path when the path is; a script
        given a path and no options writes the connection rules. Arrays a script reads go beside it.
        """
        fmt = FORMATS[key]
        self.window.commit_pending_edit()
        asked = path is None
        path = self._path(path, f"Export {fmt.name}", key, fmt.file_filter)
        if path is None:
            return False
        script = key in SCRIPT_KEYS
        if script and options is None:
            options = ask_script_options(self.window, fmt.target) if asked else ScriptOptions()
            if options is None:
                return False
        arrays = ScriptArrays(path.stem) if script else None
        try:
            with busy():
                if script:
                    data, report = fmt.encode(self.doc.network, options.wiring, options.replay_inputs, arrays)
                else:
                    data, report = fmt.encode(self.doc.network)
        except NothingToExportError as exc:
            return self._refuse(fmt.target, f"cannot be exported as {fmt.name}: {exc}", exc.reasons)
        except ValueError as exc:  # the network's problems, by the names people read
            why = readable_error(self.doc.network, exc)
            return self._refuse(fmt.target, f"cannot be exported as {fmt.name}: {why}")
        except (ImportError, MemoryError) as exc:
            return self._refuse(fmt.target, f"cannot be exported as {fmt.name}: {_why(exc)}")
        if not self._write(path, data, f"Cannot export to {fmt.target}", arrays):
            return False
        self._tell(path, fmt.target, report)
        return True

    def export_picture(self, path: str | Path | None = None) -> bool:
        """The canvas as an SVG or PNG (by the path's suffix), on white, at twice the screen's size for a PNG."""
        self.window.commit_pending_edit()
        path = self._path(path, "Export network picture", "picture", PICTURE_FILTER)
        if path is None:
            return False
        kind = path.suffix.lower()
        if kind not in (".svg", ".png"):
            return self._refuse("a picture", f"cannot be drawn as “{path.name}”: choose a .svg or .png file")
        try:
            data = scene_svg(self.scene, self.doc.network.metadata.title) if kind == ".svg" else scene_png(self.scene)
        except PictureError as exc:
            return self._refuse("a picture", f"cannot be drawn: {exc}")
        if not self._write(path, data, "Cannot export the picture"):
            return False
        self.message.emit(f"Exported the network picture to {path.name}")
        return True

    def _path(self, path, title: str, key: str, file_filter: str) -> Path | None:
        if path is None:
            path = dialogs.ask_export_path(self.window, title, self._suggestion(SUGGESTED_SUFFIX[key]), file_filter)
        return None if path is None else Path(path)

    def _suggestion(self, suffix: str) -> str:
        """The open file's name with the export's suffix, beside it; else the example's name or the title."""
        if self.files.path is not None:
            return str(self.files.path.with_name(self.files.path.stem + suffix))
        stem = self.files.example or re.sub(r"[^\w.-]+", "_", self.doc.network.metadata.title).strip("_")
        return (stem or "untitled") + suffix

    def _write(self, path: Path, data: bytes, title: str, arrays: ScriptArrays | None = None) -> bool:
        """Write ``data`` (and the arrays a script reads, beside it), each file atomically."""
        try:
            if arrays is not None and arrays.files:
                write_script(path, data.decode("utf-8"), arrays)
            else:
                atomic_write(path, lambda f: f.write(data))
        except OSError as exc:
            dialogs.show_error(self.window, title, f"“{path}” could not be written: {exc.strerror or exc}. "
                                                   "Nothing was written.")
            return False
        return True

    def _refuse(self, target: str, why: str, reasons: list[str] | None = None) -> bool:
        headline = f"“{self.files.display_name()}” {why}. Nothing was written."
        self.message.emit(headline)
        dialogs.show_problems(self.window, f"Cannot export to {target}", headline, reasons or [])
        return False

    def _tell(self, path: Path, target: str, report: ExportReport) -> None:
        """Say where the export went, and list what it left out or approximated (dialog and Messages panel)."""
        left_out, approximated = report_lines(report)
        headline = f"Exported {path.name} ({target})"
        if left_out or approximated:
            headline += f": {_count(left_out, 'item')} left out, {len(approximated)} approximated"
        self.message.emit(headline)
        if not (left_out or approximated):
            return
        for line in [f"  left out: {x}" for x in left_out] + [f"  approximated: {x}" for x in approximated]:
            self.window.messages.appendPlainText(line)
        self.window.messages_dock.show()
        dialogs.show_report(self.window, f"Exported to {target}", headline + ".",
                            [(f"Left out (not expressible in {target}):", left_out), ("Approximated:", approximated)])

    # --- importing -----------------------------------------------------------------------------------
    def import_nir(self, path: str | Path | None = None) -> bool:
        """Open a NIR graph as a new, unsaved network (Save asks for a name); on any problem nothing changes."""
        from ...engine.interop.nir_import import read_nir

        self.window.commit_pending_edit()
        if not self.files.maybe_save("importing a NIR graph"):
            return False
        if path is None:
            folder = str(self.files.path.parent) if self.files.path else ""
            path = dialogs.ask_import_path(self.window, "Import NIR graph", folder, NIR_FILTER)
            if path is None:
                return False
        path = Path(path)
        try:
            with busy():
                net = read_nir(path)
        except ValidationError as exc:
            dialogs.show_problems(self.window, "Cannot import NIR graph", f"“{path.name}” could not be imported: "
                                  f"{_count(exc.problems, 'problem')} found. Nothing was changed.", exc.problems)
            return False
        except (ValueError, OSError, ImportError, MemoryError) as exc:
            dialogs.show_error(self.window, "Cannot import NIR graph",
                               f"“{path.name}” could not be imported: {_why(exc)}. Nothing was changed.")
            return False
        if not net.metadata.title:
            net.metadata.title = path.stem
        self.files.adopt(net)
        self.message.emit(f"Imported {path.name}: {_count(net.populations, 'population')}, "
                          f"{_count(net.projections, 'projection')}")
        return True


def _count(items, noun: str) -> str:
    return f"{len(items)} {noun}{'s' if len(items) != 1 else ''}"


def _why(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        return "not enough memory"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc) or type(exc).__name__
