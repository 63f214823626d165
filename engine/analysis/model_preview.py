"""A model as typed, tried out: one neuron's first state variable under a step current, and its F–I curve.

What the model editor shows beside the text. Both come from the engine itself (the simulator for the trace,
``fi_curve`` for the curve), so the preview is what a network would run. ``before_run(simulator)`` is called
once each is built; the editor uses it to compile on its worker and to say "compiling" meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..equations.description import ModelDescription
from ..model.network import Network
from ..simulation.simulator import Simulator
from .spike_stats import FICurve, fi_curve

__all__ = ["PreviewSpec", "Preview", "model_preview", "PREVIEW_ID"]

PREVIEW_ID = "preview"  # the model's id inside the preview's own networks


@dataclass(frozen=True)
class PreviewSpec:
    """What to try: a step of ``amplitude`` pA from ``start`` to ``stop`` in a ``duration`` ms run, and an F–I
    curve over ``points`` currents from ``low`` to ``high`` pA, each ``fi_duration`` ms (the first
    ``transient`` ms not counted)."""

    amplitude: float = 500.0
    start: float = 50.0
    stop: float = 250.0
    duration: float = 300.0
    low: float = 0.0
    high: float = 1000.0
    points: int = 11
    fi_duration: float = 500.0
    transient: float = 100.0
    dt: float = 0.1


@dataclass(frozen=True)
class Preview:
    """The trace (``t`` in ms, ``values`` of ``variable`` in its own ``unit``), its spike times (ms) and the
    F–I curve."""

    t: np.ndarray
    values: np.ndarray
    variable: str
    unit: str
    spikes: np.ndarray
    fi: FICurve
    spec: PreviewSpec


def model_preview(desc: ModelDescription, spec: PreviewSpec = PreviewSpec(),
                  before_run: Callable[[Simulator], None] | None = None) -> Preview:
    """Run ``desc`` (one neuron, its parameters' defaults) under the step current, then sweep its F–I curve."""
    var = desc.state[0]
    net = Network(dt=spec.dt, duration=spec.duration, seed=1)
    net.add_model(PREVIEW_ID, desc)
    net.add_population("cell", 1, PREVIEW_ID)
    net.add_current("step", "cell", "step", amplitude=spec.amplitude, start=spec.start, stop=spec.stop)
    net.record_spikes("cell")
    net.record_state("cell", var.name, [0], spec.dt, id="trace")
    sim = Simulator(net.check())
    if before_run is not None:
        before_run(sim)
    results = sim.run(spec.duration / 1000.0)
    t, values = results.trace("trace")
    curve = fi_curve(net, np.linspace(spec.low, spec.high, spec.points), spec.fi_duration, population="cell",
                     transient=spec.transient, dt=spec.dt, before_run=before_run)
    factor = var.unit.factor or 1.0
    return Preview(t, values[:, 0] / factor, var.name, var.unit.text, results.spikes("cell")[0], curve, spec)
