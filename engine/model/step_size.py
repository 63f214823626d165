"""Warnings, not refusals, for a time step too coarse for the network's time constants or refractory periods.

A dt of 5 ms with tau_m = 10 ms and t_ref = 2 ms runs, but every neuron then fires on a coarse grid and the
raster turns into synchronous bars; the student should be told why, and may still go ahead.
"""

from __future__ import annotations

from .custom import neuron_model
from .network import Network

__all__ = ["dt_warnings", "TAU_STEPS", "REFRACTORY_STEPS"]

TAU_STEPS = 10  # a time constant wants at least this many steps
REFRACTORY_STEPS = 2  # a refractory period at least this many


def dt_warnings(net: Network, item_id: str | None = None) -> list[str]:
    """One sentence per population parameter (of ``item_id`` only, when given) that dt is large against."""
    out = []
    for pid, pop in net.populations.items():
        if item_id is not None and pid != item_id:
            continue
        model = neuron_model(net, pop.model)
        specs = model.params if model is not None else {}
        for name, spec in specs.items():
            if spec.unit != "ms" or not (name.startswith("tau") or name == "t_ref"):
                continue
            value = float(pop.params[name])
            steps = REFRACTORY_STEPS if name == "t_ref" else TAU_STEPS
            if value > 0 and net.dt > value / steps:
                what = "refractory period" if name == "t_ref" else "time constant"
                out.append(f"dt = {net.dt:g} ms is large against {pop.name or pid}'s {what} {name} = {value:g} ms: "
                           f"spikes and resets fall on a coarse grid (keep dt at most {value / steps:g} ms)")
    return out
