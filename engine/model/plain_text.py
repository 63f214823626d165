"""Text from a shared file made safe to show: which characters ids and names refuse, and escaping for terminals."""

from __future__ import annotations

import unicodedata

__all__ = ["INVISIBLE", "control_characters", "visible"]

# Bidi controls (they make a name read backwards) and the line and paragraph separators
INVISIBLE = frozenset("\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def control_characters(text: str) -> list[str]:
    """The characters of ``text`` an id or name may not hold (C0, DEL, C1, bidi controls, line separators),
    each once, as ``U+001B``."""
    found = dict.fromkeys(c for c in text if c in INVISIBLE or unicodedata.category(c) == "Cc")
    return [f"U+{ord(c):04X}" for c in found]


def visible(text) -> str:
    """``text`` with every non-printable character (controls, escapes, line breaks, bidi controls) written as a
    Python escape such as ``\\x1b``, so printing it cannot move the cursor, retitle a terminal or reorder text."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))
