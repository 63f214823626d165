"""At the first launch of an install that skipped the warm-up (a wheel), compile the kernels in the background.

``make run`` compiles them once when it installs (``spikestudio warmup``); ``pip install`` of a wheel does not.
A daemon thread checks whether the time loop with every part is compiled and, when it is not, compiles it (and
the phase planes' stepping loops) while the status bar says so with the seconds so far (as a build does), so that
later networks and phase planes start sooner.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from ...engine.kernels.compile_status import compiling_text, needs_compile
from ...engine.simulation.warmup import warmup_simulator
from ...engine.teaching.one_neuron import warm_stepping_loops
from ...plugins.registry import default_registry

__all__ = ["BackgroundWarmup", "EVERY_MODEL"]

EVERY_MODEL = "every model"


class BackgroundWarmup(QObject):
    """Compiles the warm-up network's loop on a daemon thread when it is not cached; shows it in ``window``'s
    status bar. Closing the window never waits for it."""

    def __init__(self, window, after: threading.Thread | None = None):
        super().__init__(window)
        self._after = after  # the plugins' preload: no two threads import one plugin module
        self.window = window
        self.label = QLabel(objectName="warmup_status")
        window.statusBar().addPermanentWidget(self.label)
        self.label.hide()
        self.compiling_since: float | None = None  # set (on the thread) when a compile, not a cache load, began
        self.seconds: float | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.timer = QTimer(self, interval=250)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        threading.Thread(target=self._work, name="spikestudio-warmup", daemon=True).start()

    def _work(self) -> None:
        try:
            if self._after is not None:
                self._after.join()
            sim = warmup_simulator(default_registry().learning_rules())
            if needs_compile(sim.built):
                self.compiling_since = time.perf_counter()
                sim.run(sim.network.duration * 1e-3)
                warm_stepping_loops()  # the phase planes' (seconds more)
                self.seconds = time.perf_counter() - self.compiling_since
        except BaseException as exc:  # noqa: BLE001 - shown in the status bar, never lost with the thread
            self.error = exc
        self.done.set()

    def _tick(self) -> None:
        if self.done.is_set():
            self.timer.stop()
            self.label.hide()
            if self.error is not None:
                self.window.show_message(f"Compiling the kernels ahead of time failed: {self.error}")
            elif self.seconds is not None:
                self.window.show_message(f"Compiled the kernels for {EVERY_MODEL} in {self.seconds:.0f} s "
                                         "(first time only)")
            return
        if self.compiling_since is not None:
            self.label.setText(compiling_text(EVERY_MODEL, time.perf_counter() - self.compiling_since))
            self.label.show()
