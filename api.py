"""The scripting API: load and save network files and simulate them with the installed plugins."""

from __future__ import annotations

from .engine.files import fileformat
from .engine.simulation.dataset_input import dataset_inputs
from .engine.simulation.simulator import Simulator as _EngineSimulator
from .plugins.dataset_source import default_datasets
from .plugins.neuron_models import add_plugin_models
from .plugins.registry import default_registry
from .plugins.rule_texts import with_rule_texts

__all__ = ["load", "save", "Simulator", "sweep", "load_sweep", "sweep_measures"]

load = fileformat.load


def save(network, path) -> None:
    """Write ``network`` to ``path`` (see ``engine.files.fileformat.save``). A projection that learns with a
    rule an installed plugin contributes as a description (``plugins.api.described_rule``) takes the rule's
    text into the file (its ``rules`` section), so the file opens and runs where that plugin is missing."""
    fileformat.save(with_rule_texts(network), path)


class Simulator(_EngineSimulator):
    """An engine simulator whose learning rules and datasets come from the plugin registry (unless
    ``rules`` / ``datasets`` are given); a population of a plugin's neuron model that the network does not describe
    gets the plugin's description (copied into the network, so a saved file carries it)."""

    def __init__(self, network, rules=None, datasets=None, **kwargs):
        add_plugin_models(network)
        if rules is None and any(p.plasticity is not None for p in network.projections.values()):
            rules = default_registry().learning_rules()
        if datasets is None and dataset_inputs(network):
            datasets = default_datasets()
        super().__init__(network, rules, datasets=datasets, **kwargs)


def sweep_measures() -> dict:
    """The built-in sweep measures and those of the installed plugins, by id (what workers look up)."""
    from .engine.experiments.measures import builtin_measures

    return {**builtin_measures(), **default_registry().measures()}


def make_simulator(network) -> Simulator:
    """A ``Simulator`` with the installed plugins: what every sweep worker builds its runs with. One thread each:
    the workers already share the cores out, one run each (the spikes do not depend on it)."""
    return Simulator(network, threads=1)


def sweep(net, parameters, measures=("rate",), *, combine: str = "grid", repeats: int = 1, seed: int | None = None,
          duration: float | None = None, workers: int = 1, scheduler=None, progress=None):
    """Run ``net`` once per parameter point (and repeat) and return one row per run as a pandas DataFrame.

    ``parameters`` maps addresses (``"E.tau_m"``, ``"drive.rate"``, ``"EE.weight"``) to a list of values or a
    range (``{"linear": [1, 10], "num": 5}``, ``{"log": [0.1, 10], "num": 5}``); or pass a ``Sweep`` (say, from
    ``load_sweep``). ``combine`` is "grid" (every combination) or "zip" (the i-th values together); repeat r
    runs with seed ``seed + r`` (``seed`` None: the network's). ``duration`` is in ms (None: the network's).
    ``workers`` > 1 uses a process pool (guard the script with ``if __name__ == "__main__":``);
    ``scheduler`` (an address or a ``distributed.Client``) sends the runs to a Dask cluster. ``progress`` is
    called with a ``Progress`` (done, total, elapsed, left) after every run. A failed run is a row whose
    ``error`` says why; a bad address or value raises ``ValidationError`` naming every problem first.
    """
    from .engine.experiments import sweep_file
    from .engine.experiments.sweep_run import run_sweep
    from .engine.experiments.sweep_spec import Sweep
    from .engine.experiments.table import to_frame

    if isinstance(parameters, Sweep):
        spec = parameters
    else:
        spec = sweep_file.from_dict({"format": sweep_file.FORMAT, "version": sweep_file.CURRENT_VERSION,
                                     "parameters": [{"path": k, "values": v} for k, v in parameters.items()],
                                     "combine": combine, "repeats": repeats, "seed": seed, "duration": duration,
                                     "measures": list(measures)})
    rows = run_sweep(net, checked_sweep(net, spec), sweep_backend(workers, scheduler), progress=progress,
                     make_simulator=make_simulator, measure_catalog=sweep_measures)
    return to_frame(rows, [p.name for p in spec.parameters])


def load_sweep(path):
    """A sweep file (``*.sweep.json``); raises ``FileFormatError`` listing every problem with its location."""
    from .engine.experiments import sweep_file

    return sweep_file.load(path)


def checked_sweep(net, spec):
    """``spec`` when it fits ``net``; else ``ValidationError`` with every bad address, value and measure."""
    from .engine.errors import ValidationError
    from .engine.experiments import sweep_file

    problems = sweep_file.network_problems(spec, net, sweep_measures())
    if problems:
        raise ValidationError(problems)
    return spec


def sweep_backend(workers: int | None = 1, scheduler=None):
    """Where runs go: a Dask cluster with ``scheduler``, a process pool for ``workers`` != 1 (None: every
    core), else this process."""
    from .engine.experiments import backends

    if scheduler is not None:
        return backends.DaskBackend(scheduler)
    if workers == 1:
        return backends.SerialBackend()
    return backends.PoolBackend(workers)
