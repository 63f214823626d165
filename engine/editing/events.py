"""A minimal observer: the network document announces changes; views (Qt or not) subscribe."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Event"]


class Event:
    """A list of callbacks called in order with the emitted arguments (no Qt, so scripts can listen too)."""

    def __init__(self):
        self._callbacks: list[Callable] = []

    def connect(self, callback: Callable) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args) -> None:
        for callback in list(self._callbacks):
            callback(*args)
