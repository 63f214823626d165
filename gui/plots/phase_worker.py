"""The phase plane's sums on a pool thread: ranges, fixed points, nullclines and a clicked trajectory.

A model described by equations (the adaptive LIF too) finds its ranges, and steps a clicked trajectory, by
simulating one neuron; on a cold compile cache that takes seconds, so ``PlaneJob`` runs it off the GUI thread,
tagged with a generation so the view can drop an answer to a question it no longer asks.
``compute_plane`` itself is plain numpy and engine calls (no Qt).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, QRunnable, Signal

from ...engine.teaching import phase_plane as pp
from ...engine.teaching.phase_plane import FixedPoint, Trajectory

__all__ = ["PlaneRequest", "PlaneResult", "compute_plane", "PlaneJob", "NULLCLINE_SAMPLES"]

NULLCLINE_SAMPLES = 600


@dataclass(frozen=True, eq=False)
class PlaneRequest:
    """What to draw: a population's model and parameters under a constant current, and a click's start, if any."""

    backend: object  # ``phase_plane`` itself, or a ``DescribedPlane``
    model: str
    params: dict
    current: float
    dt: float
    name: str = ""
    click: tuple[float, float, float] | None = None  # (v0, x0, duration in ms)

    def same_plane(self, other: PlaneRequest | None) -> bool:
        """Whether ``other`` asks for the same plane (a new click needs only its trajectory)."""
        return other is not None and (other.backend, other.model, other.params, other.current) == \
            (self.backend, self.model, self.params, self.current)


@dataclass(eq=False)
class PlaneResult:
    request: PlaneRequest
    ranges: tuple[tuple[float, float], tuple[float, float]]  # (v range, second variable's range) that show it all
    points: list[FixedPoint]
    reset: float | None
    v: np.ndarray  # where the nullclines are sampled
    v_null: np.ndarray
    x_null: np.ndarray
    drop: float  # how far v must fall between samples to count as a reset
    click: Trajectory | None = field(default=None)


def compute_plane(request: PlaneRequest, previous: PlaneResult | None = None) -> PlaneResult:
    """Everything the view draws for ``request``; the plane of ``previous`` is reused when it is the same."""
    r, b = request, request.backend
    if previous is not None and r.same_plane(previous.request):
        plane = previous
    else:
        ranges = b.default_ranges(r.model, r.params, r.current)
        reset = b.reset_potential(r.model, r.params)
        (v_lo, v_hi), _ = ranges
        v = np.linspace(v_lo, v_hi, NULLCLINE_SAMPLES)
        v_null, x_null = b.nullclines(r.model, r.params, r.current, v)
        drop = 0.5 * max(pp.spike_cut_off(r.model, r.params) - reset, 1.0) if b is pp else 0.5 * max(v_hi - v_lo, 1.0)
        plane = PlaneResult(r, ranges, b.fixed_points(r.model, r.params, r.current), reset, v, v_null, x_null, drop)
    click = None
    if r.click is not None:
        v0, x0, duration = r.click
        click = b.trajectory(r.model, r.params, r.current, v0, x0, duration, r.dt)
    return PlaneResult(r, plane.ranges, plane.points, plane.reset, plane.v, plane.v_null, plane.x_null, plane.drop,
                       click)


class _Signals(QObject):
    finished = Signal(int, object)  # (generation, PlaneResult)
    failed = Signal(int, str)


class PlaneJob(QRunnable):
    """One ``compute_plane`` on a pool thread; any failure comes back as a message, never lost on the thread."""

    def __init__(self, generation: int, request: PlaneRequest, previous: PlaneResult | None = None):
        super().__init__()
        self.generation, self.request, self.previous = generation, request, previous
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = compute_plane(self.request, self.previous)
        except Exception as exc:  # noqa: BLE001 - a model that blows up is reported in the view
            self._tell(self.signals.failed, f"{type(exc).__name__}: {exc}")
            return
        self._tell(self.signals.finished, result)

    def _tell(self, signal, answer) -> None:
        try:
            signal.emit(self.generation, answer)
        except RuntimeError:  # the app is closing and took the signals with it: nobody is left to tell
            pass
