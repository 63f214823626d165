"""The model preview on a pool thread: the step-current trace and F–I curve of a description, with a signal when
its kernels compile (seconds, the first time a new model runs), so the editor says so and never waits."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, Signal

from ...engine.analysis.model_preview import PreviewSpec, model_preview
from ...engine.equations.description import ModelDescription
from ...engine.kernels.compile_status import compile_now, compiled_parts, needs_compile

__all__ = ["PreviewJob"]


class _Signals(QObject):
    finished = Signal(int, object)  # (generation, Preview)
    failed = Signal(int, str)
    compiling = Signal(int, str)  # the loop's parts, compiling now


class PreviewJob(QRunnable):
    """One preview of one text (its ``generation``, so a result for an older text can be told apart)."""

    def __init__(self, generation: int, desc: ModelDescription, spec: PreviewSpec):
        super().__init__()
        self.generation, self.desc, self.spec = generation, desc, spec
        self.signals = _Signals()

    def _compile(self, sim) -> None:
        if needs_compile(sim.built):
            self.signals.compiling.emit(self.generation, compiled_parts(sim.built))
            compile_now(sim.built)

    def run(self) -> None:
        try:
            preview = model_preview(self.desc, self.spec, before_run=self._compile)
        except Exception as exc:  # noqa: BLE001 - a model that blows up is reported in the editor, never lost
            self.signals.failed.emit(self.generation, str(exc) or type(exc).__name__)
            return
        self.signals.finished.emit(self.generation, preview)
