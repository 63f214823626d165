"""Small networks and sweeps shared by the sweep tests (engine, backends, CLI, GUI)."""

from spikestudio.engine.experiments.sweep_spec import Parameter, Sweep
from spikestudio.engine.model.network import Distribution, Network


def sweep_network(seed: int = 3) -> Network:
    """E and I populations driven by a Poisson source: cheap (a 200 ms run takes a few ms), and noisy enough that
    a changed seed or parameter changes every measure."""
    net = Network(dt=0.1, duration=200.0, seed=seed)
    net.add_population("E", 80, "lif", tau_m=20.0, initial={"v": Distribution("uniform", low=-70, high=-55)})
    net.add_population("I", 20, "lif", tau_m=10.0)
    net.add_poisson("drive", 80, rate=900.0)
    net.connect("drive", "E", "one_to_one", id="dE", weight=2.0, synapse="delta")
    net.connect("E", "I", "fixed_probability", id="EI", p=0.3, weight=150.0, delay=1.0)
    net.connect("I", "E", "fixed_probability", id="IE", p=0.3, weight=40.0, receptor="inhibitory", delay=1.0)
    return net


def grid_sweep(repeats: int = 1) -> Sweep:
    """A 2-D grid: 3 drive rates x 2 membrane time constants, every measure."""
    return Sweep([Parameter.of("drive.rate", [600.0, 900.0, 1200.0]), Parameter.of("E.tau_m", [10.0, 20.0])],
                 repeats=repeats, measures=["rate", "spikes", "cv_isi", "fano", "synchrony"])


def without_times(rows: list[dict]) -> list[dict]:
    """Rows without their run times (the one column that differs between identical runs), NaN as None so that
    equal rows compare equal."""
    return [{k: (None if v != v else v) for k, v in r.items() if k != "run_time_s"} for r in rows]
