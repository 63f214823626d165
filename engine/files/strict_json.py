"""JSON read strictly (repeated keys and non-finite numbers kept, to be reported) and written exactly."""

from __future__ import annotations

import json
import math
from collections import Counter

from .file_schema import file_error

__all__ = ["MISSING", "NonFinite", "decode_text", "parse", "to_text", "encodable", "as_float", "describe"]

MISSING = object()  # a key the JSON object does not have


class _Object(dict):
    """A JSON object that remembers keys given twice (``json`` alone silently keeps the last)."""

    duplicates: tuple = ()


def _object(pairs: list[tuple[str, object]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        obj.duplicates = tuple(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
    return obj


class NonFinite:
    """A JSON number no finite float can hold (NaN, Infinity, 1e999), kept as text so it can be reported."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _parse_float(text: str):
    value = float(text)
    return value if math.isfinite(value) else NonFinite(text)


def decode_text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise file_error(where, f"not UTF-8 text (invalid byte at offset {exc.start})") from None


def parse(text: str, where: str):
    """JSON data whose objects list their repeated keys in ``duplicates``; raises ``FileFormatError``."""
    try:
        return json.loads(text, object_pairs_hook=_object, parse_float=_parse_float, parse_constant=NonFinite)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    except RecursionError:
        message = "not valid JSON: nested too deeply"
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        message = f"not valid JSON: {exc}"
    raise file_error(where, message)


def to_text(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def encodable(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (a lone surrogate cannot)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def as_float(value) -> float:
    """``float(value)``, with a number too large for a float as inf, so it is reported as not finite."""
    try:
        return float(value)
    except OverflowError:
        return math.inf


def describe(value) -> str:
    """A JSON value as the user wrote it, for messages like ``expected a number, got "abc"``."""
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:40] + "...", ensure_ascii=False)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "..."
