"""Example networks shipped with SpikeStudio, as bare ``.json`` network files.

The files are written by ``make_examples.py`` through the public API; ``list_examples()`` names them,
``example_path(name)`` finds one and ``DEFAULT_EXAMPLE`` is what a bare ``spikestudio`` runs.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["DEFAULT_EXAMPLE", "example_path", "list_examples"]

DEFAULT_EXAMPLE = "single_neuron"
SUFFIXES = (".json", ".snn")


def _folder() -> Path:
    # The package is installed as plain files (editable or wheel), so its folder is a real directory.
    return Path(str(resources.files(__name__)))


def list_examples() -> list[str]:
    """Names of the bundled examples (file names without suffix), sorted."""
    return sorted(p.stem for p in _folder().iterdir() if p.suffix in SUFFIXES and not p.name.startswith("."))


def example_path(name: str) -> Path:
    """The file of the bundled example ``name`` (with or without its suffix); ``KeyError`` when there is none."""
    folder = _folder()
    for candidate in [name] + [name + s for s in SUFFIXES]:
        path = folder / candidate
        if path.suffix in SUFFIXES and path.is_file() and path.parent == folder:
            return path
    raise KeyError(f"no bundled example {name!r} (available: {', '.join(list_examples())})")
