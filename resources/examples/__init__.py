"""Example networks shipped with SpikeStudio, as bare ``.json`` network files.

The files are written by ``make_examples.py`` through the public API; ``list_examples()`` names them,
``example_path(name)`` finds one and ``DEFAULT_EXAMPLE`` is what a bare ``spikestudio`` runs. The gallery shows
each one with ``example_thumbnail(name)`` (a PNG made by ``make_thumbnails.py``) and ``example_info(name)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["DEFAULT_EXAMPLE", "THUMBNAIL_FOLDER", "ExampleInfo", "example_path", "list_examples", "example_thumbnail",
           "first_sentence"]

DEFAULT_EXAMPLE = "single_neuron"
SUFFIXES = (".json", ".snn")
SWEEP_SUFFIX = ".sweep.json"  # an example's sweep lives beside it (brunel.sweep.json) and is not an example
THUMBNAIL_FOLDER = "thumbnails"


def _folder() -> Path:
    # The package is installed as plain files (editable or wheel), so its folder is a real directory.
    return Path(str(resources.files(__name__)))


def list_examples() -> list[str]:
    """Names of the bundled examples (file names without suffix), sorted."""
    return sorted(p.stem for p in _folder().iterdir() if p.suffix in SUFFIXES and not p.name.startswith(".")
                  and not p.name.endswith(SWEEP_SUFFIX))


def example_path(name: str) -> Path:
    """The file of the bundled example ``name`` (with or without its suffix); ``KeyError`` when there is none."""
    folder = _folder()
    for candidate in [name] + [name + s for s in SUFFIXES]:
        path = folder / candidate
        sweep = path.name.endswith(SWEEP_SUFFIX)
        if path.suffix in SUFFIXES and path.is_file() and path.parent == folder and not sweep:
            return path
    raise KeyError(f"no bundled example {name!r} (available: {', '.join(list_examples())})")


def example_thumbnail(name: str) -> Path | None:
    """The PNG picture of example ``name`` (``thumbnails/<name>.png``), or None when it has none yet."""
    path = _folder() / THUMBNAIL_FOLDER / f"{name}.png"
    return path if path.is_file() else None


@dataclass(frozen=True)
class ExampleInfo:
    """What the gallery shows of an example: its title, one sentence and picture (None until one is drawn)."""

    name: str
    title: str
    summary: str
    thumbnail: Path | None


def first_sentence(text: str) -> str:
    """Text up to the first full stop that ends a sentence (one followed by a space), or all of it."""
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]
