"""SpikeStudio: build spiking neural networks, simulate them fast, and share them as files.

Scripts use ``net = spikestudio.load("x.snn")``, ``sim = spikestudio.Simulator(net)``, ``res = sim.run(1.0)``.
Names are imported on first use so that ``import spikestudio`` stays fast (numba loads only when needed).
"""

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "load": ".api",
    "save": ".api",
    "Simulator": ".api",
    "sweep": ".api",
    "load_sweep": ".api",
    "Results": ".engine.simulation.results",
    "Network": ".engine.model.network",
    "Population": ".engine.model.network",
    "PoissonInput": ".engine.model.network",
    "SpikeTimesInput": ".engine.model.network",
    "CurrentInput": ".engine.model.network",
    "Projection": ".engine.model.network",
    "Recorder": ".engine.model.network",
    "Distribution": ".engine.model.network",
    "Synapse": ".engine.model.network",
    "Plasticity": ".engine.model.network",
    "Metadata": ".engine.model.network",
    "NodeLayout": ".engine.model.network",
    "Note": ".engine.model.network",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'spikestudio' has no attribute {name!r}")
