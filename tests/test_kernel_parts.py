"""The time loop compiles only the parts a network uses, and its arrays start on cache lines.

Both are speed measures (cold compile, vectorised passes); these tests pin down that neither changes
what is simulated. A built-in model's part is its description's generated update (``kernels.builtin_updates``),
or with ``hand_written_kernels`` its hand-written kernel; models from equations are the ``custom`` entry.
"""


import numpy as np
import pytest
from spikestudio.engine.errors import SimulationError
from spikestudio.engine.kernels import kernel as K
from spikestudio.engine.kernels.aligned import ALIGN, aligned_copy, aligned_zeros, is_aligned
from spikestudio.engine.kernels.neuron_kernels import SPIKE_BLOCK
from spikestudio.engine.model.network import Distribution, Network, Population
from spikestudio.engine.simulation.build import generated_builtins, hand_written_kernels
from spikestudio.engine.simulation.simulator import Simulator
from spikestudio.engine.simulation.warmup import warmup_network
from spikestudio.resources.examples import example_path


def gate_set(net: Network) -> set[str]:
    """Names of the parts ``run_chunk`` compiles for ``net`` (learning rules from the installed plugins);
    ``custom`` when it runs models from their descriptions' generated code, ``rules`` when it runs learning rules
    from theirs (those gates hold their entries)."""
    import spikestudio

    gates = spikestudio.Simulator(net).built.gates
    assert all(g is None or g is True for g in gates[:-2])
    # (``threads`` is the run's, not the network's: tests/test_threads.py)
    return {name for name, g in gates._asdict().items() if g is not None and name != "threads"}


def test_gates_are_the_loop_arguments_in_order():
    import inspect

    params = list(inspect.signature(K.run_chunk.py_func).parameters)
    assert params[3:] == list(K.Gates._fields)


def test_gates_name_only_the_parts_the_network_uses():
    import spikestudio

    assert gate_set(spikestudio.load(example_path("cuba"))) == {"lif"}
    assert gate_set(spikestudio.load(example_path("single_neuron"))) == {"lif", "currents"}
    # a built-in runs its description's generated update as the loop's own part (not through the "custom" entry),
    # generated or hand-written alike; the thalamic noise is a current input
    assert gate_set(spikestudio.load(example_path("izhikevich"))) == {"izh", "currents"}
    with hand_written_kernels():
        assert gate_set(spikestudio.load(example_path("izhikevich"))) == {"izh", "currents"}
    assert gate_set(warmup_network()) == set(K.Gates._fields) - {"plastic", "threads", "custom", "rules"}
    assert gate_set(warmup_network(["stdp", "tsodyks_markram"])) == set(K.Gates._fields) - {"threads", "custom"}
    with hand_written_kernels():
        assert gate_set(warmup_network()) == set(K.Gates._fields) - {"plastic", "threads", "custom", "rules"}


def test_conductance_gate_follows_the_synapses_into_lif():
    net = Network(dt=0.1, seed=3)
    net.add_population("a", 5, "lif")
    net.add_poisson("p", 5, rate=20.0)
    net.connect("p", "a", "one_to_one", synapse="current")
    assert "conductance" not in gate_set(net)
    net.connect("p", "a", "one_to_one", id="g", synapse="conductance")
    assert "conductance" in gate_set(net)


def run_with_gates(net: Network, gates: tuple, steps: int):
    """Spikes and final state of ``net`` after ``steps`` steps of its loop (``run_chunk``, or the hand-written
    kernels' variant inside ``hand_written_kernels``) with the given gates."""
    sim = Simulator(net, record_all=True)
    s = sim.built.state
    done, status = sim.built.loop(s, 0, steps, *gates)
    assert (done, status) == (steps, K.STATUS_DONE)
    n_rec = int(s.counters[0])
    return s.rec_step[:n_rec].copy(), s.rec_id[:n_rec].copy(), s.state.copy(), s.syn.copy()


@pytest.mark.parametrize("example", ["cuba", "single_neuron", "izhikevich"])
def test_compiling_every_part_changes_nothing(example):
    """The network's own gates and the all-parts kernel simulate the same spikes, bit for bit (a network of models
    from descriptions, as the izhikevich example, gives the all-parts kernel its own generated entry)."""
    import spikestudio

    net = spikestudio.load(example_path(example))
    own = Simulator(net).built.gates
    everything = K.Gates.everything()._replace(custom=own.custom)
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
            assert (a.size == 0 or a.ctypes.data % ALIGN == 0) and not a.any()
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


def test_a_node_left_out_of_the_compiled_loop_stops_the_run_instead_of_being_skipped():
    import spikestudio

    net = spikestudio.load(example_path("cuba"))
    with hand_written_kernels():
        sim = Simulator(net)
    s = sim.built.state
    steps, status = K.run_chunk(s, 0, 10, *sim.built.gates._replace(lif=None))
    assert (steps, status) == (0, K.STATUS_UNCOMPILED)
    assert s.counters[1] == 0  # the first node, E
    sim.built.gates = sim.built.gates._replace(lif=None)
    with pytest.raises(SimulationError, match='internal error: .* no code for node "E"'):
        sim.run(0.01)


def lif_reference(p, v0, steps):
    """Spike (step, neuron) pairs of uncoupled LIF neurons under their bias current, in plain numpy.

    The same exact propagator as the kernel (``derive_params``' constants), one whole-array step at a time:
    an independent check of the blocked pass and its crossing count.
    """
    p22, v_th, v_reset, ref_steps = p[12], p[3], p[4], int(p[14])
    base = p[2] * (1.0 - p22) + p[13] * (1.0 - p22) * p[6]
    v, ref, spikes = v0.copy(), np.zeros(v0.size, np.int64), []
    for step in range(steps):
        x = base + v * p22
        x = np.where(ref > 0, v_reset, x)
        ref = np.where(ref > 0, ref - 1, 0)
        fire = ~(x < v_th)
        x[fire], ref[fire] = v_reset, ref_steps
        spikes += [(step, i) for i in np.flatnonzero(fire)]
        v = x
    return spikes


def test_blocked_lif_pass_matches_a_whole_array_reference_across_block_boundaries():
    n = 3 * SPIKE_BLOCK + 88  # several full blocks and a partial one
    net = Network(dt=0.1, seed=5)
    net.add(Population("P", n, "lif", {"I_e": 420.0}, initial={"v": Distribution("uniform", low=-70.0, high=-55.0)}))
    net.record_spikes("P")
    with hand_written_kernels():  # the hand-written pass (the generated one is identical to it to the bit)
        sim = Simulator(net)
        p, v0 = sim.built.state.node_params[0].copy(), sim.built.state.state[0].copy()
        steps = sim.built.chunk_steps
        rec_step, rec_id, *_ = run_with_gates(net, sim.built.gates, steps)
    expected = lif_reference(p, v0, steps)
    assert len(expected) > 5 * n  # every neuron fires several times, in every block
    assert list(zip(rec_step.tolist(), rec_id.tolist(), strict=True)) == expected


def kernels(kind: str):
    """Build with the hand-written kernels, or with the LIF from its description's generated code."""
    return hand_written_kernels() if kind == "hand-written" else generated_builtins("lif")


@pytest.mark.parametrize("kind", ["hand-written", "generated"])
def test_nan_beyond_the_first_block_names_its_neuron_and_leaves_the_scratch_clean(kind):
    n = 3 * SPIKE_BLOCK
    net = Network(dt=0.1, seed=1)
    net.add_spike_times("S", 2, [0, 1], [5.0, 5.0])
    net.add(Population("V", n, "lif", name="Victims"))
    for c, receptor in enumerate(["excitatory", "inhibitory", "excitatory"]):  # 3 channels: the scratch is used
        net.connect("S", "V", "explicit", id=f"c{c}", pre=[0, 1], post=[400, 400], weights=[1e308, 1e308],
                    delays=[1.0, 1.0], synapse="delta" if c == 0 else "current", receptor=receptor,
                    tau=None if c == 0 else 2.0 + c)
    with kernels(kind):
        sim = Simulator(net)
    with pytest.raises(SimulationError, match=r'"Victims" neuron 400: membrane state became NaN'):
        sim.run(0.05)
    assert not sim.built.state.scratch.any()


@pytest.mark.parametrize("kind", ["hand-written", "generated"])
def test_lif_nodes_with_and_without_conductance_synapses_in_one_network(kind):
    """A current-synapse LIF population simulates the same whether or not another has conductance synapses."""

    def network(with_conductance: bool) -> Network:
        net = Network(dt=0.1, seed=11)
        net.add_poisson("in", 50, rate=40.0)
        net.add_population("cur", 40, "lif")
        net.connect("in", "cur", "fixed_indegree", k=10, weight=600.0, synapse="current")
        net.record_spikes("cur")
        if with_conductance:
            net.add_population("cond", 40, "lif")
            net.connect("in", "cond", "fixed_indegree", k=10, weight=30.0, synapse="conductance")
            net.record_spikes("cond")
        return net

    with kernels(kind):
        alone, mixed = Simulator(network(False)), Simulator(network(True))
    if kind == "hand-written":
        assert alone.built.gates.conductance is None and mixed.built.gates.conductance is True
    a, b = alone.run(0.5), mixed.run(0.5)
    assert a.spikes("cur")[0].size > 20
    np.testing.assert_array_equal(a.spikes("cur")[0], b.spikes("cur")[0])
    np.testing.assert_array_equal(a.spikes("cur")[1], b.spikes("cur")[1])
    assert b.spikes("cond")[0].size > 0
