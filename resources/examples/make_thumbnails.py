"""Draw each bundled example's canvas to ``thumbnails/<name>.png``, the pictures of the example gallery.

Run ``QT_QPA_PLATFORM=offscreen .venv/bin/python resources/examples/make_thumbnails.py`` after adding or
changing an example (``make_examples.py``); ``render_thumbnail(name)`` returns one picture as PNG bytes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt  # noqa: E402
from PySide6.QtGui import QImage, QPainter, QUndoStack  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

__all__ = ["THUMBNAIL_SIZE", "render_thumbnail", "write_all"]

THUMBNAIL_SIZE = (480, 270)  # pixels; shown at half this size, so it stays sharp on high-density screens
PADDING = 12  # pixels of white around the network


def render_thumbnail(name: str) -> bytes:
    """The example's network as the canvas draws it, fitted into ``THUMBNAIL_SIZE`` on white."""
    from spikestudio.engine.editing.document import NetworkDocument
    from spikestudio.engine.editing.layout import auto_layout
    from spikestudio.engine.files import fileformat
    from spikestudio.gui.canvas.scene import CanvasScene
    from spikestudio.gui.canvas.scene_picture import WHITE, png_bytes, scene_png
    from spikestudio.resources.examples import example_path

    net = fileformat.load(example_path(name))
    net.layout.update(auto_layout(net))  # as the editor does on opening: every node gets a place
    doc = NetworkDocument()
    scene = CanvasScene(doc, QUndoStack())
    doc.replace_network(net)
    picture = QImage.fromData(scene_png(scene))
    return png_bytes(_fitted(picture, WHITE))


def _fitted(picture: QImage, background) -> QImage:
    width, height = THUMBNAIL_SIZE
    box = QRectF(PADDING, PADDING, width - 2 * PADDING, height - 2 * PADDING)
    scaled = picture.scaled(box.size().toSize(), Qt.KeepAspectRatio, Qt.SmoothTransformation)
    image = QImage(width, height, QImage.Format_ARGB32_Premultiplied)
    image.fill(background)
    painter = QPainter(image)
    painter.drawImage(int((width - scaled.width()) / 2), int((height - scaled.height()) / 2), scaled)
    painter.end()
    return image


def write_all(directory: str | Path | None = None) -> list[Path]:
    """Write every example's thumbnail to ``directory`` (default: ``thumbnails/`` next to this file)."""
    from spikestudio.engine.files.atomic_file import atomic_write
    from spikestudio.resources.examples import THUMBNAIL_FOLDER, list_examples

    folder = Path(directory) if directory else Path(__file__).resolve().parent / THUMBNAIL_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in list_examples():
        path = folder / f"{name}.png"
        data = render_thumbnail(name)
        atomic_write(path, lambda f, d=data: f.write(d))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841  (the scene needs one)
    for path in write_all(args[0] if args else None):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
