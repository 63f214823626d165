"""The canvas as a picture (SVG or PNG bytes): the whole network on a plain background, without grid or selection."""

from __future__ import annotations

import math
from contextlib import contextmanager

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QBrush, QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem

from ..base.theme import current

__all__ = ["PictureError", "EmptyPictureError", "picture_rect", "scene_svg", "scene_png", "png_bytes", "MARGIN",
           "PNG_SCALE", "MAX_PNG_PIXELS", "MAX_PICTURE_EXTENT", "WHITE"]

MARGIN = 24.0  # scene units around the network
PNG_SCALE = 2.0  # pixels per scene unit: sharp on high-density screens and in print
MAX_PNG_PIXELS = 36e6  # a canvas of hundreds of nodes is drawn smaller rather than into gigabytes of memory
MAX_PICTURE_EXTENT = 1e7  # scene units: files keep positions within 1e6; beyond this sizes stop being exact
WHITE = QColor("#ffffff")
SCREEN_DPI = 96
HINTS = QPainter.Antialiasing | QPainter.TextAntialiasing | QPainter.SmoothPixmapTransform


class PictureError(ValueError):
    """The canvas cannot be drawn as a picture (the message says why)."""


class EmptyPictureError(PictureError):
    """The canvas has nothing to draw."""


def picture_rect(scene, margin: float = MARGIN) -> QRectF:
    """The rectangle around every node, edge and note (the wire of a connection being dragged left out), plus a
    margin."""
    rect = QRectF()
    for item in [*scene.nodes.values(), *scene.edges.values(), *scene.notes.items.values()]:
        rect = rect.united(item.sceneBoundingRect())
    if rect.isEmpty():
        raise EmptyPictureError("the network is empty: there is nothing to draw")
    extent = max(rect.width(), rect.height(), abs(rect.left()), abs(rect.top()), abs(rect.right()), abs(rect.bottom()))
    if not math.isfinite(extent) or extent > MAX_PICTURE_EXTENT:
        raise PictureError(f"items lie too far apart or too far out (beyond {MAX_PICTURE_EXTENT:,.0f} canvas units); "
                           "move them closer first")
    return rect.adjusted(-margin, -margin, margin, margin)


def scene_svg(scene, title: str = "", background: QColor = WHITE) -> bytes:
    """An SVG document of the whole network, one scene unit per SVG unit; node names stay text."""
    source = picture_rect(scene)
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(math.ceil(source.width()), math.ceil(source.height())))
    generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
    generator.setResolution(SCREEN_DPI)  # text sizes as on screen (in points at 96 dpi)
    generator.setTitle(title or "SpikeStudio network")
    generator.setDescription("Exported from SpikeStudio")
    _paint(scene, generator, QRectF(0, 0, source.width(), source.height()), source, background)
    buffer.close()
    return bytes(buffer.data())


def scene_png(scene, scale: float = PNG_SCALE, background: QColor = WHITE, max_pixels: float = MAX_PNG_PIXELS) -> bytes:
    """A PNG of the whole network at ``scale`` pixels per scene unit, or fewer when it would exceed ``max_pixels``."""
    source = picture_rect(scene)
    scale = min(scale, math.sqrt(max_pixels / (source.width() * source.height())))
    size = QSize(math.ceil(source.width() * scale), math.ceil(source.height() * scale))
    source.setSize(size.toSizeF() / scale)  # whole pixels, same aspect: nothing is stretched
    image = QImage(size, QImage.Format_ARGB32_Premultiplied)
    image.fill(background)
    _paint(scene, image, QRectF(0, 0, size.width(), size.height()), source, background)
    return png_bytes(image)


def png_bytes(image: QImage) -> bytes:
    """The image encoded as PNG, in memory (written atomically by whoever saves it)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def _paint(scene, device, target: QRectF, source: QRectF, background: QColor) -> None:
    painter = QPainter(device)
    try:
        painter.setRenderHints(HINTS)
        with _as_picture(scene, background):
            scene.render(painter, target, source)
    finally:
        painter.end()


@contextmanager
def _as_picture(scene, background: QColor):
    """Plain background, the light theme's look, no selection highlight, and items drawn afresh rather than from
    their cached pixmaps (which would be blurry in a PNG and bitmaps instead of shapes and text in an SVG). All is
    put back after, and the selection comes back unannounced."""
    selected = list(scene.selectedItems())
    cached = [(item, item.cacheMode()) for item in scene.nodes.values()]
    theme = current()
    themed = theme.dark or theme.presentation
    scene.blockSignals(True)
    try:
        with theme.plain():
            if themed:
                scene.apply_theme()
            for item in selected:
                item.setSelected(False)
            for item, _ in cached:
                item.setCacheMode(QGraphicsItem.NoCache)
            scene.setBackgroundBrush(QBrush(background))
            yield
    finally:
        scene.setBackgroundBrush(QBrush())
        if themed:
            scene.apply_theme()
        for item, mode in cached:
            item.setCacheMode(mode)
        for item in selected:
            item.setSelected(True)
        scene.blockSignals(False)
