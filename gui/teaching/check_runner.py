"""Runs a lesson step's model checks (``engine.teaching.model_checks``) off the GUI thread and remembers the answers.

A check runs the student's model with the real engine (compiling it the first time: seconds), so the window never
waits on it: ``results`` answers at once from what it remembers, or starts a run in a thread of its own (one at a
time; a newer request replaces one still waiting) and says ``finished`` when the answers are in.
"""

from __future__ import annotations

import copy
import threading

from PySide6.QtCore import QObject, Signal

from ...engine.teaching.model_checks import Check, CheckResult, checks_key, run_checks

__all__ = ["CheckRunner"]

CACHE_SIZE = 64


class CheckRunner(QObject):
    finished = Signal()  # new answers are in: ask ``results`` again
    _done = Signal(str, object)  # from the worker thread (queued to this object's thread)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.cache: dict[str, list[CheckResult]] = {}
        self.running: str | None = None
        self.waiting: tuple | None = None
        self._done.connect(self._collect)

    def results(self, net, checks: list[Check]) -> list[CheckResult] | None:
        """The checks' results for ``net``, or None while they are being worked out."""
        key = checks_key(net, checks)
        if key in self.cache:
            return self.cache[key]
        if key != self.running:
            self.waiting = (key, copy.deepcopy(net), list(checks))
            self._start()
        return None

    def _start(self) -> None:
        if self.running is not None or self.waiting is None:
            return
        key, net, checks = self.waiting
        self.waiting, self.running = None, key
        threading.Thread(target=self._work, args=(key, net, checks), name="spikestudio-lesson-check",
                         daemon=True).start()

    def _work(self, key: str, net, checks: list[Check]) -> None:
        try:
            results = run_checks(net, checks)
        except Exception as exc:  # a model that does not build or run is an answer too, not a crash
            results = [CheckResult(False, f"the model did not run: {exc}")] * len(checks)
        try:
            self._done.emit(key, results)
        except RuntimeError:  # the window closed while the check ran: nobody is waiting for it
            pass

    def _collect(self, key: str, results: list) -> None:
        if len(self.cache) >= CACHE_SIZE:
            self.cache.pop(next(iter(self.cache)))
        self.cache[key], self.running = results, None
        self._start()
        self.finished.emit()

    def busy(self) -> bool:
        return self.running is not None or self.waiting is not None
