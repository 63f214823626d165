"""A network built (and its time loop compiled) off the GUI thread, for the run controller to take when done."""

from __future__ import annotations

import threading
import time

from ...engine.errors import SimulationError
from ...engine.kernels.compile_status import compile_now, compiled_parts, needs_compile
from ...engine.simulation.simulator import Simulator
from ...engine.simulation.threads import APP_SPARE_CORES
from ...plugins.dataset_source import default_datasets
from .auto_window import MEASURE_MS, measured_rate

__all__ = ["Preparation", "CHUNK_STEPS", "RESULTS_MAX_SPIKES"]

# Longest chunk: the runner sizes chunks to ~25 ms of wall time below this. Each chunk must take the GIL
# back from the drawing thread (up to a switch interval), so chunks far shorter than a frame waste time.
CHUNK_STEPS = 20_000
# A network whose threads setting is 0 (every core) runs on every core but one in the editor: the loop's threads
# meet at a barrier every time step and spin while they wait, so on all cores they would take the core that
# draws the plots (30 frames a second) and answers clicks. An explicit setting is used as it is.
GUI_SPARE_CORES = APP_SPARE_CORES  # (the warm-up compiles the loops this gives)
RESULTS_MAX_SPIKES = 10_000_000  # a run's saved results keep at most this many spikes (160 MB)


class Preparation:
    """Builds a simulator on a daemon thread (so closing the window never waits for a compile); ``cancel``
    abandons it (the build stops at its next plugin call or stage, and nothing it made is used).

    ``then`` is what was asked for while it builds (a Run, a Step): it belongs to this build, so dropping the
    build (Reset, another network, closing) drops the request with it, and no request outlives its network.
    """

    def __init__(self, network, rules, shown_inputs=(), then=None, measure: bool = False):
        self.network, self.rules, self.then, self.measure = network, rules, then, measure
        self.shown_inputs = [n for n in shown_inputs if n in network.inputs]
        self.sim: Simulator | None = None
        self.error: BaseException | None = None
        self.parts = ""  # the loop's parts, named for the status while they compile
        self.compiling_since: float | None = None  # perf_counter when a compile (not a cache load) began
        self.compile_seconds = 0.0
        self.rate: float | None = None  # the populations' mean rate over the first MEASURE_MS, when measured
        self.wired: tuple[int, int] | None = None  # (synapses drawn, synapses expected) while the build wires
        self.done = threading.Event()
        self.cancelled = threading.Event()
        threading.Thread(target=self._build, name="spikestudio-build", daemon=True).start()

    def cancel(self) -> None:
        self.cancelled.set()

    def _wiring(self, done: int, total: int, projection: str) -> None:
        self.wired = (done, total)  # one tuple, replaced whole: the GUI thread reads it without a lock

    def _measured(self, sim: Simulator) -> float | None:
        """The network's rate over its first ``MEASURE_MS`` (``sim`` back at time 0 after); None if it fails:
        the run itself will say why."""
        try:
            return measured_rate(sim, MEASURE_MS, self.cancelled)
        except SimulationError:
            sim.reset()
            return None

    def _build(self) -> None:
        try:
            sim = Simulator(self.network, self.rules, chunk_steps=CHUNK_STEPS, max_spikes=RESULTS_MAX_SPIKES,
                            datasets=default_datasets(), cancel=self.cancelled, spare_cores=GUI_SPARE_CORES,
                            build_progress=self._wiring)
            # every population's spikes; inputs only when the raster shows them (a Poisson drive can be
            # millions of spikes per second)
            sim.record_spikes_of(list(self.network.populations) + list(self.shown_inputs))
            self.parts = compiled_parts(sim.built)
            if needs_compile(sim.built):
                self.compiling_since = time.perf_counter()
                self.compile_seconds = compile_now(sim.built)
            else:
                compile_now(sim.built)  # loads from the cache: now, not at the first chunk
            if self.measure:
                self.rate = self._measured(sim)
            self.sim = sim
        except BaseException as exc:  # noqa: BLE001 - shown to the user, never lost with the thread
            self.error = exc
        self.done.set()
