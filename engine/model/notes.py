"""Sticky notes: what makes one well formed (files, documents and the canvas share these checks) and the palette.

Notes are presentation, not network: ``validate()`` ignores them, so they are checked here on their own.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from .items import Note
from .params import Problem, item_loc

if TYPE_CHECKING:  # the network class is checked here, only named
    from .network import Network

__all__ = ["NOTE_COLORS", "DEFAULT_NOTE_COLOR", "MAX_NOTE_TEXT", "MIN_NOTE_SIZE", "MAX_NOTE_SIZE", "note_problems",
           "notes_problems", "position_problems", "color_problems"]

# A few pastel card colours (name -> hex) for the canvas's colour menu; files may hold any #rrggbb.
NOTE_COLORS = {"Yellow": "#fff59d", "Orange": "#ffcc80", "Pink": "#f8bbd0", "Purple": "#d1c4e9",
               "Blue": "#b3e5fc", "Green": "#c5e1a5", "Grey": "#e0e0e0"}
DEFAULT_NOTE_COLOR = NOTE_COLORS["Yellow"]
MAX_NOTE_TEXT = 10_000  # characters: a note is a remark, not a document (and a huge one would stall the canvas)
MIN_NOTE_SIZE, MAX_NOTE_SIZE = 40.0, 5000.0  # canvas units: big enough to grab, small enough to stay on screen
MAX_NOTE_COORD = 1e6  # far beyond any canvas, but keeps arithmetic on positions exact and finite

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_NODE_COLOR = re.compile(r"|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|[A-Za-z]{1,30}")


def note_problems(note: Note, loc: str) -> list[Problem]:
    """Everything wrong with one note, located at ``loc`` (such as ``notes["note"]``)."""
    problems = []
    if not isinstance(note.text, str):
        problems.append(Problem(f"{loc}.text", f"expected text, got {note.text!r}"))
    elif len(note.text) > MAX_NOTE_TEXT:
        problems.append(Problem(f"{loc}.text", f"{len(note.text):,} characters; a note holds at most "
                                               f"{MAX_NOTE_TEXT:,}"))
    problems += position_problems(note.x, note.y, loc)
    for name in ("width", "height"):
        problems += _number_problems(getattr(note, name), f"{loc}.{name}", MIN_NOTE_SIZE, MAX_NOTE_SIZE)
    return problems + color_problems(note.color, f"{loc}.color")


def position_problems(x, y, loc: str) -> list[Problem]:
    """A canvas position (a note's or a node's) that is not finite or lies beyond ``MAX_NOTE_COORD``."""
    return (_number_problems(x, f"{loc}.x", -MAX_NOTE_COORD, MAX_NOTE_COORD)
            + _number_problems(y, f"{loc}.y", -MAX_NOTE_COORD, MAX_NOTE_COORD))


def color_problems(color, loc: str, node: bool = False) -> list[Problem]:
    """A note's colour that is not ``"#rrggbb"``; a node's may also be ``"#rgb"``, a colour name (an unknown
    one shows the automatic colour) or ``""`` (automatic)."""
    if isinstance(color, str) and (_NODE_COLOR if node else _COLOR).fullmatch(color):
        return []
    expected = '"#rrggbb", "#rgb", a name such as "red", or "" (automatic)' if node else '"#rrggbb"'
    return [Problem(loc, f"expected a colour {expected}, got {color!r}")]


def notes_problems(net: Network) -> list[Problem]:
    """The problems of every note of ``net``, and notes filed under a key that is not their id."""
    problems = []
    for key, note in net.notes.items():
        loc = item_loc("notes", key)
        if not isinstance(note, Note):
            problems.append(Problem(loc, f"expected a note, got {type(note).__name__}"))
            continue
        if note.id != key:
            problems.append(Problem(loc, f'holds a note whose id is "{note.id}"'))
        problems += note_problems(note, loc)
    return problems


def _number_problems(value, loc: str, low: float, high: float) -> list[Problem]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return [Problem(loc, f"expected a finite number, got {value!r}")]
    if not low <= value <= high:
        return [Problem(loc, f"{value:g} is outside [{low:g}, {high:g}]")]
    return []
