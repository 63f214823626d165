"""Icons (SVG) for the palette, the canvas nodes and the window; read with ``icon_path(name)``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["icon_path"]


def icon_path(name: str) -> Path:
    """The SVG file of icon ``name`` (without suffix); ``KeyError`` when there is none."""
    path = Path(str(resources.files(__name__))) / f"{name}.svg"
    if not path.is_file():
        raise KeyError(f"no icon {name!r}")
    return path

