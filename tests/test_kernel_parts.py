"""The time loop compiles only the parts a network uses, and its arrays start on cache lines.

Both are speed measures (cold compile, vectorised passes); these tests pin down that neither changes
what is simulated.
"""

import numpy as np
import pytest
from spikestudio.engine import kernel as K
from spikestudio.engine.aligned import ALIGN, aligned_copy, aligned_zeros, is_aligned
from spikestudio.engine.network import Network
from spikestudio.engine.simulator import Simulator
from spikestudio.engine.warmup import warmup_network
from spikestudio.resources.examples import example_path

GATE_NAMES = ("lif", "conductance", "izh", "adex", "hh", "poisson", "times", "currents")


def gate_set(net: Network) -> set[str]:
    """Names of the parts ``run_chunk`` compiles for ``net``."""
    gates = K.gates(Simulator(net).built.state)
    assert all(g is None or g is True for g in gates)
    return {name for name, g in zip(GATE_NAMES, gates, strict=True) if g}


def test_gates_name_only_the_parts_the_network_uses():
    import spikestudio

    assert gate_set(spikestudio.load(example_path("cuba"))) == {"lif"}
    assert gate_set(spikestudio.load(example_path("single_neuron"))) == {"lif", "currents"}
    assert gate_set(spikestudio.load(example_path("izhikevich"))) == {"izh", "currents"}  # thalamic noise current
    assert gate_set(warmup_network()) == set(GATE_NAMES)


def test_conductance_gate_follows_the_synapses_into_lif():
    net = Network(dt=0.1, seed=3)
    net.add_population("a", 5, "lif")
    net.add_poisson("p", 5, rate=20.0)
    net.connect("p", "a", "one_to_one", synapse="current")
    assert "conductance" not in gate_set(net)
    net.connect("p", "a", "one_to_one", id="g", synapse="conductance")
    assert "conductance" in gate_set(net)


def run_with_gates(net: Network, gates: tuple, steps: int):
    """Spikes and final state of ``net`` after ``steps`` steps of ``run_chunk`` with the given gates."""
    sim = Simulator(net, record_all=True)
    s = sim.built.state
    done, status = K.run_chunk(s, 0, steps, *gates)
    assert (done, status) == (steps, K.STATUS_DONE)
    n_rec = int(s.counters[0])
    return s.rec_step[:n_rec].copy(), s.rec_id[:n_rec].copy(), s.state.copy(), s.syn.copy()


@pytest.mark.parametrize("example", ["cuba", "single_neuron", "izhikevich"])
def test_compiling_every_part_changes_nothing(example):
    """The network's own gates and the all-parts kernel simulate the same spikes, bit for bit."""
    import spikestudio

    net = spikestudio.load(example_path(example))
    own = K.gates(Simulator(net).built.state)
    everything = (True,) * len(own)
    assert own != everything
    steps = Simulator(net).built.chunk_steps  # one chunk: the per-chunk buffers hold no more
    a = run_with_gates(net, own, steps)
    b = run_with_gates(net, everything, steps)
    assert a[0].size > 0, "the example should spike within one chunk"
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


def test_aligned_helpers():
    for shape in [(7,), (3, 5), (0,), (1000,)]:
        for dtype in (np.float64, np.int32, np.int64):
            a = aligned_zeros(shape, dtype)
            assert a.shape == shape and a.dtype == dtype and a.flags.c_contiguous
            assert is_aligned(a) and not a.any()
            assert a.size == 0 or a.ctypes.data % ALIGN == 0
    src = np.arange(15.0).reshape(3, 5)
    b = aligned_copy(src)
    assert is_aligned(b) and np.array_equal(b, src) and not np.shares_memory(b, src)


def test_hot_arrays_stay_aligned_through_build_and_reset():
    import spikestudio

    sim = Simulator(spikestudio.load(example_path("cuba")))
    sim.run(0.01)
    sim.reset()
    s = sim.built.state
    for name in ("state", "refractory", "i_ext", "scratch", "syn", "ring"):
        assert is_aligned(getattr(s, name)), name
