"""The model preview on a pool thread: the step-current trace and F–I curve of a description, with a signal when
its kernels compile (seconds, the first time a new model runs), so the editor says so and never waits.

A job may outlive its editor: the window closes (``abandon``), or the app quits and Qt deletes every object,
its signals included, while the pool thread still runs. An abandoned job skips the run if it has not started
and then says nothing, so no answer goes to a deleted signal source.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Signal

from ...engine.analysis.model_preview import PreviewSpec, model_preview
from ...engine.equations.description import ModelDescription
from ...engine.kernels.compile_status import compile_now, compiled_parts, needs_compile

__all__ = ["PreviewJob"]


class _Signals(QObject):
    finished = Signal(int, object)  # (generation, Preview)
    failed = Signal(int, str)
    compiling = Signal(int, str)  # the loop's parts, compiling now


class _AbandonedError(Exception):
    """The editor is gone: the run is skipped."""


class PreviewJob(QRunnable):
    """One preview of one text (its ``generation``, so a result for an older text can be told apart)."""

    def __init__(self, generation: int, desc: ModelDescription, spec: PreviewSpec):
        super().__init__()
        self.generation, self.desc, self.spec = generation, desc, spec
        self.signals = _Signals()
        self.abandoned = False  # set on the GUI thread when no one waits for the answer any more

    def abandon(self) -> None:
        """No one wants the answer: skip what is left and emit nothing."""
        self.abandoned = True

    def _emit(self, name: str, *args) -> None:
        if self.abandoned or not shiboken6.isValid(self.signals):
            return
        try:
            getattr(self.signals, name).emit(self.generation, *args)
        except RuntimeError:  # deleted between the check and the emit (the app quit meanwhile)
            pass

    def _compile(self, sim) -> None:
        if self.abandoned:
            raise _AbandonedError
        if needs_compile(sim.built):
            self._emit("compiling", compiled_parts(sim.built))
            compile_now(sim.built)

    def run(self) -> None:
        try:
            preview = model_preview(self.desc, self.spec, before_run=self._compile)
        except _AbandonedError:
            return
        except Exception as exc:  # noqa: BLE001 - a model that blows up is reported in the editor, never lost
            self._emit("failed", str(exc) or type(exc).__name__)
            return
        self._emit("finished", preview)
