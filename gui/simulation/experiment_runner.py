"""Runs a sweep off the GUI thread: the engine's ``execute`` in a QThread, rows and progress sent back as signals.

States: idle, running, paused, cancelled, failed, done. Pause and cancel only set the engine's ``Control`` flags,
so the worker thread never touches a widget.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QThread, Signal

from ...api import make_simulator, sweep_backend, sweep_measures
from ...engine.experiments.sweep_run import Control, execute, make_setup

__all__ = ["SweepRunner", "IDLE", "RUNNING", "PAUSED", "CANCELLED", "FAILED", "DONE"]

IDLE, RUNNING, PAUSED, CANCELLED, FAILED, DONE = "idle", "running", "paused", "cancelled", "failed", "done"
RASTER_NEURONS = 40  # spikes of this many neurons per population come back for the small multiples


class _Thread(QThread):
    outcome = Signal(object)
    progress = Signal(object)
    failed = Signal(str)

    def __init__(self, points, setup, backend, control):
        super().__init__()
        self.args = (points, setup, backend, control)

    def run(self) -> None:
        try:
            execute(*self.args, on_outcome=self.outcome.emit, progress=self.progress.emit)
        except Exception as exc:  # a backend that cannot start (a Dask address nobody answers): say why
            self.failed.emit(f"{type(exc).__name__}: {exc}")


class SweepRunner(QObject):
    """One sweep at a time: ``start``, ``pause``, ``resume``, ``cancel``; ``state_changed`` after each."""

    state_changed = Signal(str)
    outcome = Signal(object)
    progress = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state, self.error = IDLE, ""
        self._thread: _Thread | None = None
        self._control = Control()

    def start(self, net, sweep, workers: int | None = None, scheduler: str | None = None) -> None:
        if self.state in (RUNNING, PAUSED):
            return
        self._control, self.error = Control(), ""
        setup = make_setup(net, sweep, make_simulator=make_simulator, measure_catalog=sweep_measures,
                           raster_neurons=RASTER_NEURONS)
        self._thread = _Thread(sweep.points(net.seed), setup, sweep_backend(workers, scheduler), self._control)
        self._thread.outcome.connect(self.outcome)
        self._thread.progress.connect(self.progress)
        self._thread.failed.connect(self._failed)
        self._thread.finished.connect(self._finished)
        self._set(RUNNING)
        self._thread.start()

    def pause(self) -> None:
        if self.state == RUNNING:
            self._control.pause()
            self._set(PAUSED)

    def resume(self) -> None:
        if self.state == PAUSED:
            self._control.resume()
            self._set(RUNNING)

    def cancel(self) -> None:
        if self.state in (RUNNING, PAUSED):
            self._control.cancel()
            self._set(CANCELLED)

    def wait(self, ms: int = 60_000) -> bool:
        """Block until the worker thread ends (tests and closing the window)."""
        return self._thread is None or self._thread.wait(ms)

    def _failed(self, message: str) -> None:
        self.error = message
        self._set(FAILED)

    @property
    def idle_passes(self) -> int:
        """How often the sweep's loop, paused, found no run in progress (and so started none): the runs in progress
        at the pause have all finished once this is above zero."""
        return self._control.idle_passes

    @property
    def busy(self) -> bool:
        """Whether the worker thread still runs (after Cancel, until the runs in progress finish)."""
        return self._thread is not None

    def _finished(self) -> None:
        self._thread = None
        self._set(DONE if self.state in (RUNNING, PAUSED) else self.state)

    def _set(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)
