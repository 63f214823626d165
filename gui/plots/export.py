"""One way for every plot to export its data (CSV, NPZ) and its picture (PNG, SVG); files are replaced atomically.

A plot hands over a callable returning its arrays by name and the pyqtgraph item (or widget) it draws in;
``add_export_actions`` gives it "Export data…" and "Export picture…" in its right-click menu and as actions
a dock can put on a button. ``save_data`` and ``save_picture`` take a path, so scripts and tests skip the dialogs.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter, SVGExporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from ...engine.files.archive_writer import atomic_write
from ..base.dialogs import ask_export_path, show_error

__all__ = ["DataSource", "PlotExport", "add_export_actions", "save_data", "save_picture", "csv_columns",
           "DATA_FILTER", "PICTURE_FILTER"]

DataSource = Callable[[], dict[str, np.ndarray]]
DATA_FILTER = "CSV table (*.csv);;NumPy arrays (*.npz)"
PICTURE_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"


# --- files (no dialogs) ----------------------------------------------------------------------
def save_data(path: str | Path, data: dict[str, np.ndarray]) -> Path:
    """Write ``data`` as .npz (arrays as they are) or .csv (one column per 1-D array, see ``csv_columns``)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".npz":
        arrays = {name: np.asarray(a) for name, a in data.items()}
        atomic_write(path, lambda f: np.savez_compressed(f, **arrays))
    elif suffix == ".csv":
        text = _csv_text(csv_columns(data))
        atomic_write(path, lambda f: f.write(text.encode("utf-8")))
    else:
        raise ValueError(f"cannot export data as {suffix or 'a file without suffix'}: use .csv or .npz")
    return path


def csv_columns(data: dict[str, np.ndarray]) -> list[tuple[str, np.ndarray]]:
    """CSV columns: a 1-D array is one column, a 2-D array one column per column (``name[j]``), a number one cell.

    Columns of different lengths (histogram counts and their edges) are padded with empty cells.
    """
    columns = []
    for name, value in data.items():
        a = np.asarray(value)
        if a.ndim == 0:
            columns.append((name, a.reshape(1)))
        elif a.ndim == 1:
            columns.append((name, a))
        elif a.ndim == 2:
            columns += [(f"{name}[{j}]", a[:, j]) for j in range(a.shape[1])]
        else:
            raise ValueError(f'"{name}" is a {a.ndim}-D array, which a CSV table cannot hold: export .npz instead')
    return columns


def _csv_text(columns: list[tuple[str, np.ndarray]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _ in columns])
    cells = [col.tolist() for _, col in columns]  # Python numbers print the shortest text that reads back exactly
    for i in range(max((len(c) for c in cells), default=0)):
        writer.writerow([c[i] if i < len(c) else "" for c in cells])
    return out.getvalue()


def save_picture(path: str | Path, target, width: int | None = None) -> Path:
    """Render ``target`` (a pyqtgraph item, or a widget drawing one) to .png (``width`` pixels) or .svg."""
    path = Path(path)
    item = _exportable(target)
    suffix = path.suffix.lower()
    if suffix == ".svg":
        data = _svg_bytes(item)
    elif suffix == ".png":
        exporter = ImageExporter(item)
        if width:
            exporter.parameters()["width"] = int(width)
        data = _png_bytes(exporter.export(toBytes=True))
    else:
        raise ValueError(f"cannot export a picture as {suffix or 'a file without suffix'}: use .png or .svg")
    atomic_write(path, lambda f: f.write(data))
    return path


def _svg_bytes(item) -> bytes:
    _tolerate_closed_paths()
    return SVGExporter(item).export(toBytes=True)


def _tolerate_closed_paths() -> None:
    """Let pyqtgraph's SVG export read closed paths ("... L0,0 Z", which Qt 6 writes for every view box).

    pyqtgraph 0.14 parses each path token as "x,y" and fails on "Z" (pyqtgraph#3495); the wrapper takes
    the Z tokens out before its coordinate pass and puts them back after, at the same positions.
    """
    module = sys.modules[SVGExporter.__module__]
    original = module.correctCoordinates
    if getattr(original, "closed_paths_ok", False):
        return

    def correct(node, defs, item, options):
        closed = {}
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            ends = [i for i, t in enumerate(tokens) if t in ("Z", "z")]
            if ends:
                closed[path] = ends
                path.setAttribute("d", " ".join(t for t in tokens if t not in ("Z", "z")))
        original(node, defs, item, options)
        for path, ends in closed.items():
            tokens = path.getAttribute("d").split()
            for i in ends:
                tokens.insert(i, "Z")
            path.setAttribute("d", " ".join(tokens))

    correct.closed_paths_ok = True
    module.correctCoordinates = correct


def _exportable(target):
    """The graphics item to render: a view's central item (PlotWidget, GraphicsLayoutWidget), else ``target``."""
    if isinstance(target, pg.GraphicsView):
        return target.centralWidget
    return target


def _png_bytes(image) -> bytes:
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise OSError("Qt could not encode the picture as PNG")
    buffer.close()
    return bytes(array.data())


# --- actions and dialogs ---------------------------------------------------------------------
class PlotExport(QObject):
    """The two export actions of one plot; ``menu_button()`` makes a toolbar button holding both."""

    def __init__(self, target, data: DataSource, name: str, parent: QWidget):
        super().__init__(parent)
        self.target, self.data, self.name, self.parent_widget = target, data, name, parent
        self.data_action = QAction("Export data…", self)
        self.data_action.setToolTip(f"Save the data of {name} as CSV or NPZ")
        self.data_action.triggered.connect(lambda: self.export_data())
        self.picture_action = QAction("Export picture…", self)
        self.picture_action.setToolTip(f"Save {name} as a PNG or SVG picture")
        self.picture_action.triggered.connect(lambda: self.export_picture())

    @property
    def actions(self) -> list[QAction]:
        return [self.data_action, self.picture_action]

    def export_data(self, path: str | None = None) -> Path | None:
        """Save the plot's current data (asks where when ``path`` is None); None when cancelled or failed."""
        path = path or ask_export_path(self.parent_widget, f"Export data of {self.name}", _file_stem(self.name),
                                       DATA_FILTER)
        return self._guarded(lambda: save_data(path, self.data())) if path else None

    def export_picture(self, path: str | None = None) -> Path | None:
        """Save the plot as drawn now (asks where when ``path`` is None); None when cancelled or failed."""
        path = path or ask_export_path(self.parent_widget, f"Export picture of {self.name}",
                                       _file_stem(self.name), PICTURE_FILTER)
        return self._guarded(lambda: save_picture(path, self.target)) if path else None

    def _guarded(self, write: Callable[[], Path]) -> Path | None:
        try:
            return write()
        except (OSError, ValueError) as exc:
            show_error(self.parent_widget, "Export failed", f"Could not export {self.name}: {exc}")
            return None

    def menu_button(self) -> QToolButton:
        """A small "Export" button whose menu holds both actions (for a dock's title row or toolbar)."""
        button = QToolButton(self.parent_widget)
        button.setText("Export")
        button.setToolTip(f"Export the data or the picture of {self.name}")
        button.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(button)
        menu.addActions(self.actions)
        button.setMenu(menu)
        return button


def add_export_actions(target, data: DataSource, name: str, parent: QWidget) -> PlotExport:
    """Give a plot "Export data…" and "Export picture…": in the right-click menu of each of its view boxes,
    and on the returned ``PlotExport`` (its ``actions`` and ``menu_button()``) for a toolbar."""
    export = PlotExport(target, data, name, parent)
    for box in _view_boxes(_exportable(target)):
        if box.menu is None:  # its menu was switched off
            continue
        box.menu.addSeparator()
        box.menu.addActions(export.actions)
    return export


def _view_boxes(item) -> list[pg.ViewBox]:
    if isinstance(item, pg.ViewBox):
        return [item]
    return [child for child in item.childItems() if isinstance(child, pg.ViewBox)] + [
        box for child in item.childItems() if not isinstance(child, pg.ViewBox) for box in _view_boxes(child)]


def _file_stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "plot"
