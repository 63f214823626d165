"""The built-in models' generated updates compiled into the time loop (``kernels/builtin_updates.py``): the
checked-in module is what the descriptions generate now, and it simulates every built-in exactly as its
hand-written kernel does, on one thread and on several (the threads' region also sends spikes)."""

import numpy as np
import pytest
from spikestudio.engine.kernels import kernel as K
from spikestudio.engine.kernels import parallel
from spikestudio.engine.model import builtin_module
from spikestudio.engine.model.network import Distribution, Network
from spikestudio.engine.simulation.build import hand_written_kernels
from spikestudio.engine.simulation.simulator import Simulator


def test_the_checked_in_module_is_what_the_descriptions_generate():
    current = builtin_module.PATH.read_text(encoding="utf-8")
    assert current == builtin_module.source(), (
        f"{builtin_module.PATH.name} differs from the built-in descriptions' generated code: "
        f"run {builtin_module.COMMAND}")
    assert "engine sources" not in current  # no digest: the loop's cache key covers the file
    assert builtin_module.main([]) == 0


# model -> (synapse, excitatory weight, inhibitory weight, drive weight, parameters)
CASES = {
    "lif": [("current", 100.0, 300.0, 200.0), ("delta", 1.0, 3.0, 2.0), ("conductance", 0.5, 2.0, 1.0)],
    "lif_adaptive": [("current", 100.0, 300.0, 200.0), ("conductance", 0.5, 2.0, 1.0)],
    "izhikevich": [("current", 2.0, 8.0, 4.0), ("delta", 1.0, 3.0, 2.0)],
    "hh": [("current", 300.0, 1000.0, 600.0), ("delta", 3.0, 6.0, 4.0)],
    # AdEx with a refractory time too: its generated update takes the refractory neurons in a branch of their own
    "adex": [("current", 150.0, 400.0, 600.0), ("current", 150.0, 400.0, 600.0, {"t_ref": 2.0}),
             ("delta", 1.0, 3.0, 2.0, {"t_ref": 2.0}), ("conductance", 1.0, 4.0, 3.0, {"t_ref": 1.0})],
}


def test_every_built_in_runs_its_generated_update():
    from spikestudio.engine.model.catalog import GENERATED_BUILTINS

    assert GENERATED_BUILTINS == set(CASES)
    for node in (K.node_lif, K.node_izhikevich, K.node_adex, K.node_hh, K.node_lif_adaptive):
        assert node.py_func.__module__.endswith("builtin_updates")


def network(model: str, synapse: str, w_exc: float, w_inh: float, drive: float, params: dict | None = None
            ) -> Network:
    """Excitatory and inhibitory built-in neurons, Poisson drive, a step current, recurrent synapses with delays."""
    net = Network(dt=0.1, duration=150.0, seed=9)
    net.add_population("E", 80, model, **(params or {}))
    net.add_population("I", 20, model, **(params or {}))
    net.add_poisson("X", 100, rate=50.0)
    net.add_current("step", "E", "step", amplitude=20.0, start=50.0, stop=100.0)
    for target in ("E", "I"):
        net.connect("X", target, "fixed_probability", p=0.2, weight=drive, synapse=synapse)
    for source, weight, receptor in (("E", w_exc, "excitatory"), ("I", w_inh, "inhibitory")):
        for target in ("E", "I"):
            net.connect(source, target, "fixed_probability", p=0.1, weight=weight, receptor=receptor, delay=1.5,
                        synapse=synapse)
    net.record_spikes("E")
    net.record_spikes("I")
    return net


def outcome(net: Network, threads: int = 1) -> tuple:
    sim = Simulator(net, threads=threads)
    if threads > 1:
        sim.built.state.par[1:3] = (64, 1)  # every LIF pass and every step's spikes take the parallel path
    res = sim.run(net.duration / 1000.0)
    spikes = [np.concatenate(res.spikes(p)) for p in ("E", "I")]
    return spikes, sim.built.state.state.copy(), sim.built.state.syn.copy()


def case_id(x) -> str:
    """A test id: the model, or the synapse kind and any parameters set (``t_ref2``)."""
    if isinstance(x, str):
        return x
    return "-".join([x[0], *(f"{k}{v:g}" for k, v in (x[4] if len(x) > 4 else {}).items())])


@pytest.mark.parametrize("model,case", [(m, c) for m, cases in CASES.items() for c in cases], ids=case_id)
def test_each_built_in_simulates_as_its_hand_written_kernel(model, case):
    net = network(model, *case)
    generated = Simulator(net).built
    assert generated.loop is K.run_chunk and generated.gates.custom is None  # in the loop, not through an entry
    with hand_written_kernels():
        hand = outcome(net)
    ours = outcome(net)
    assert sum(s.size for s in hand[0]) > 20
    for x, y in zip(hand[0] + [hand[1], hand[2]], ours[0] + [ours[1], ours[2]], strict=True):
        np.testing.assert_array_equal(x, y)


def wide_network() -> Network:
    """Large-enough LIF nodes for the threads: one of two channels (the prepass's region, which also sends the last
    step's spikes into it) and one of three (the region per node, after summing the third channel)."""
    net = Network(dt=0.1, duration=60.0, seed=3)
    net.add_poisson("P", 200, rate=40.0)
    net.add_population("A", 700, "lif", I_e=300.0, initial={"v": Distribution("uniform", low=-70.0, high=-56.0)})
    net.add_population("B", 600, "lif", initial={"v": Distribution("uniform", low=-70.0, high=-56.0)})
    net.connect("P", "A", "fixed_indegree", k=20, weight=60.0, synapse="current", tau=5.0)
    net.connect("A", "A", "fixed_probability", p=0.05, weight=20.0, delay=0.1, synapse="current", tau=5.0)
    net.connect("P", "B", "fixed_indegree", k=20, weight=80.0, synapse="current", tau=5.0)
    net.connect("A", "B", "fixed_probability", p=0.05, weight=30.0, delay=1.0, synapse="current", tau=3.0)
    net.connect("B", "B", "fixed_probability", p=0.05, weight=2.0, delay=0.5, synapse="delta", receptor="inhibitory")
    net.record_spikes("A")
    net.record_spikes("B")
    return net


def test_the_generated_lif_region_on_threads_gives_the_hand_written_one_thread_spikes(monkeypatch):
    monkeypatch.setattr(parallel, "cores", lambda: 4)
    net = wide_network()
    with hand_written_kernels():
        hand = Simulator(net)
        res = hand.run(net.duration / 1000.0)
        reference = [np.concatenate(res.spikes(p)) for p in ("A", "B")]
    assert sum(s.size for s in reference) > 500
    for threads in (2, 4):
        sim = Simulator(net, threads=threads)
        sim.built.state.par[1:3] = (64, 1)
        res = sim.run(net.duration / 1000.0)
        for x, y in zip(reference, [np.concatenate(res.spikes(p)) for p in ("A", "B")], strict=True):
            np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(hand.built.state.state[0], sim.built.state.state[0])
        np.testing.assert_array_equal(hand.built.state.syn, sim.built.state.syn)
