"""The inspector's row types (a field with how to read and apply it, a heading, equations) and the usual rows.

Kept apart from ``forms`` so the forms of one kind of value (``distribution_form``) can build rows too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from ...engine.model.params import ParamSpec
from .fields import ChoiceField, TextField, number_field

__all__ = ["Row", "Heading", "Equations", "get_path", "set_path", "number_row", "text_row", "choice_row"]


@dataclass
class Row:
    key: str
    label: str
    widget: QWidget
    get: Callable
    apply: Callable  # (edited copy, value) -> None; may raise ValueError with a message for the user
    spec: ParamSpec | None = None
    merges: bool = True  # successive edits of this field make one undo step (typing); False: each is its own


@dataclass
class Heading:
    text: str


@dataclass
class Equations:
    """A neuron model's, synapse kind's or learning rule's equations (TeX-subset lines), shown as math; ``name``
    tells them apart (the label's object name)."""

    lines: tuple[str, ...]
    name: str = "equations"


def get_path(obj, key: str):
    for part in key.split("."):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


def set_path(obj, key: str, value) -> None:
    *parents, last = key.split(".")
    target = get_path(obj, ".".join(parents)) if parents else obj
    if isinstance(target, dict):
        target[last] = value
    else:
        setattr(target, last, value)


def number_row(key: str, spec: ParamSpec, item, label: str | None = None) -> Row:
    return Row(key, label or spec.name, number_field(spec, get_path(item, key)), lambda it: get_path(it, key),
               lambda it, v: set_path(it, key, v), spec)


def text_row(key: str, label: str, item) -> Row:
    return Row(key, label, TextField(get_path(item, key)), lambda it: get_path(it, key),
               lambda it, v: set_path(it, key, v))


def choice_row(key: str, label: str, choices, item, apply=None, tip: str = "", tips: dict | None = None) -> Row:
    """A dropdown; ``tip`` says what the choice means, ``tips`` what each entry means (shown on hover)."""
    widget = ChoiceField(choices, get_path(item, key), tips=tips)
    widget.setToolTip(tip)
    return Row(key, label, widget, lambda it: get_path(it, key), apply or (lambda it, v: set_path(it, key, v)))
