"""A user's model library: a folder of ``<id>.model`` files, each a neuron model's text.

Listing never fails on a bad file: one that cannot be read, is too large, has a name that is not a model id or
a text that does not parse is an entry with its problems, so the palette can show it and say why. Saving
checks the id and the text first and replaces the file atomically. The folder is chosen by the caller (the
editor uses the platform's data folder); nothing here knows about Qt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..equations.description import ModelDescription, ModelError
from ..equations.layout import layout_of
from ..equations.text import parse_model
from ..model.catalog import NEURON_MODELS
from ..model.custom import MODEL_ID
from .atomic_file import atomic_write

__all__ = ["LibraryEntry", "check_model_text", "list_library", "read_entry", "save_to_library", "id_problem",
           "SUFFIX", "MAX_BYTES", "MAX_ENTRIES"]

SUFFIX = ".model"
MAX_BYTES = 256 * 1024  # a model is at most 500 lines; a file far larger is not one
MAX_ENTRIES = 500  # listed at most (the palette is not a file browser)


@dataclass(frozen=True)
class LibraryEntry:
    """One file of the library: its id (the file name without ``.model``), its text and what it describes, or
    the problems that keep it from being used (``description`` is then None)."""

    model_id: str
    path: Path
    text: str
    description: ModelDescription | None
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.description is not None

    @property
    def title(self) -> str:
        return (self.description.title if self.description is not None else "") or self.model_id


def check_model_text(text: str) -> ModelDescription:
    """The description ``text`` holds, checked as a network would check it (its integration method must apply
    too), or a ``ModelError`` listing every problem with its line and column."""
    desc = parse_model(text)
    layout_of(desc)
    return desc


def id_problem(model_id: str) -> str | None:
    """Why ``model_id`` cannot name a model of the library or of a network, or None when it can."""
    if not MODEL_ID.fullmatch(model_id or ""):
        return "a model id is a letter, then letters, digits or '_' (at most 64)"
    if model_id in NEURON_MODELS:
        return f"{model_id!r} is a built-in model; choose another id"
    return None


def list_library(folder: str | os.PathLike) -> list[LibraryEntry]:
    """Every ``.model`` file of ``folder`` (none when it does not exist), by id."""
    folder = Path(folder)
    try:
        paths = sorted(p for p in folder.iterdir() if p.suffix == SUFFIX and not p.name.startswith("."))
    except OSError:
        return []
    return [read_entry(p) for p in paths[:MAX_ENTRIES]]


def read_entry(path: Path) -> LibraryEntry:
    """One library file as an entry (never raises: what is wrong becomes its problems)."""
    model_id = path.name[: -len(SUFFIX)] if path.name.endswith(SUFFIX) else path.name
    try:
        if path.stat().st_size > MAX_BYTES:
            return LibraryEntry(model_id, path, "", None, (f"the file is larger than {MAX_BYTES // 1024} KiB",))
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return LibraryEntry(model_id, path, "", None, (f"cannot be read: {exc}",))
    problems = [why] if (why := id_problem(model_id)) else []
    try:
        description = check_model_text(text)
    except ModelError as exc:
        return LibraryEntry(model_id, path, text, None, tuple(problems + [str(p) for p in exc.problems]))
    return LibraryEntry(model_id, path, text, None if problems else description, tuple(problems))


def save_to_library(folder: str | os.PathLike, model_id: str, text: str) -> Path:
    """Write ``text`` as ``folder/<model_id>.model`` (replacing it atomically); a ``ValueError`` for a bad id, a
    ``ModelError`` for a text that does not parse (nothing is written then)."""
    why = id_problem(model_id)
    if why:
        raise ValueError(why)
    check_model_text(text)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{model_id}{SUFFIX}"
    data = text.encode("utf-8")
    atomic_write(path, lambda f: f.write(data))
    return path
