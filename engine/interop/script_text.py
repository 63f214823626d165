"""The only way text from a network enters a generated script: as a literal, a sanitised identifier, an escaped
comment or an escaped docstring, so a shared file's strings can never end a line and become code."""

from __future__ import annotations

import re

from ..model.plain_text import visible

__all__ = ["literal", "identifier", "comment", "docstring", "escaped"]

MAX_IDENTIFIER = 40  # characters of an id kept in a variable name; the rest is dropped (a counter keeps it unique)


def literal(text) -> str:
    """A Python string literal for ``text`` (``repr``: one line, every control character escaped)."""
    return repr(str(text))


def identifier(text: str, prefix: str, used: set[str]) -> str:
    """A unique ASCII identifier for ``text``: ``prefix`` then the id's letters and digits, others as ``_``.

    ASCII only, so Python's NFKC folding of identifiers cannot merge two names; ``used`` collects the names given.
    """
    base = prefix + re.sub(r"[^0-9A-Za-z_]", "_", str(text))[:MAX_IDENTIFIER]
    name, k = base, 2
    while name in used:
        name, k = f"{base}_{k}", k + 1
    used.add(name)
    return name


def escaped(text) -> str:
    """``text`` with backslashes and every non-printable character written as Python escapes.

    Non-printable covers all line breaks the tokenizer honours (\\n, \\r, \\x0b, \\x0c, \\x1c-\\x1e, \\x85,
    U+2028/2029), NUL, other control characters and bidi controls, so the result stays on one line and reads as
    written.
    """
    return visible(str(text).replace("\\", "\\\\"))


def comment(text) -> str:
    """A ``#`` comment holding ``text`` escaped: it cannot end its line."""
    return "# " + escaped(text)


def docstring(lines: list[str]) -> str:
    """A triple-quoted string literal whose value is ``lines`` joined by newlines (each line escaped).

    Two quotes in a row are escaped, so no run of three can close the literal early.
    """
    return '"""' + "\n".join(escaped(line).replace('""', '\\"\\"') for line in lines) + '\n"""'
