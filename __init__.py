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
    "Results": ".engine.results",
    "Network": ".engine.network",
    "Population": ".engine.network",
    "PoissonInput": ".engine.network",
    "SpikeTimesInput": ".engine.network",
    "CurrentInput": ".engine.network",
    "Projection": ".engine.network",
    "Recorder": ".engine.network",
    "Distribution": ".engine.network",
    "Synapse": ".engine.network",
    "Plasticity": ".engine.network",
    "Metadata": ".engine.network",
    "NodeLayout": ".engine.network",
    "Note": ".engine.network",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'spikestudio' has no attribute {name!r}")
