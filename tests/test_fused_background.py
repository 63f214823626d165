"""Fused Poisson backgrounds (engine.simulation.fusion): a large Poisson input whose only use is one_to_one static
projections adds weight x count into its targets instead of emitting spikes; the same spikes as the unfused input
where w x count equals repeated additions, and every condition that needs the spikes keeps them."""

import numpy as np
import pytest
from spikestudio.api import Simulator
from spikestudio.engine.kernels.parallel import FUSED, FUSED_NODE, SORTED_ROWS
from spikestudio.engine.model.network import Distribution, Network, Plasticity
from spikestudio.engine.simulation.build import build
from spikestudio.engine.simulation.fusion import blocker

N = 10_000  # the fewest Poisson neurons drawn counter-based (parallel.PARALLEL_NEURONS): fusion needs those draws


def background_network(rate: float = 100.0, weight: float = 64.0, synapse: str = "current", delay: float = 0.1,
                       seed: int = 5) -> Network:
    """A population driven one_to_one by its background, with recurrent delta synapses (another channel)."""
    net = Network(dt=0.1, seed=seed)
    net.add_poisson("bg", N, rate=rate)
    net.add_population("E", N, "lif", I_e=360.0)  # 15 pA below the threshold current: the background fires it
    tau = 2.0 if synapse == "current" else None
    net.connect("bg", "E", "one_to_one", weight=weight, delay=delay, synapse=synapse, tau=tau)
    net.connect("E", "E", "fixed_indegree", k=5, weight=0.5, delay=1.5, synapse="delta")
    net.record_spikes("E")
    return net


def is_fused(sim_or_built, node: str = "bg") -> bool:
    built = getattr(sim_or_built, "built", sim_or_built)
    s, k = built.state, built.nodes[node].index
    fused = s.node_record[k] == FUSED_NODE
    assert fused == bool(np.all(s.proj_stp[s.proj_src == k] == FUSED))  # the node and its projections agree
    return bool(fused)


@pytest.mark.parametrize("synapse, delay", [("current", 0.1), ("current", 0.5), ("delta", 0.1), ("delta", 0.3)])
def test_a_fused_background_gives_the_spikes_of_the_emitted_one_when_w_times_count_is_exact(synapse, delay):
    """Weight a power of 2 and 1 % of a spike a step: w x count is the repeated additions (two spikes of one
    neuron in a step, 0.5 % of the draws, may round apart in the last bit and did not here)."""
    weight = 64.0 if synapse == "current" else 16.0
    fused = Simulator(background_network(weight=weight, synapse=synapse, delay=delay), threads=1)
    net = background_network(weight=weight, synapse=synapse, delay=delay)
    net.record_spikes("bg")  # recorded: emitted and propagated as any spikes
    emitted = Simulator(net, threads=1)
    assert is_fused(fused) and not is_fused(emitted)
    fused.run(0.1)
    emitted.run(0.1)
    e_fused, e_emitted = fused.results.spikes("E"), emitted.results.spikes("E")
    assert e_fused[0].size > 1_000  # the background drives E
    assert all(np.array_equal(a, b) for a, b in zip(e_fused, e_emitted, strict=True))
    assert emitted.results.spike_counts("bg").sum() > 90_000  # 10,000 neurons x 1,000 steps x 1 %
    # never made, still counted: each neuron's count is the emitted one's, the last step's too
    np.testing.assert_array_equal(fused.results.spike_counts("bg"), emitted.results.spike_counts("bg"))
    assert fused.results.mean_rate("bg") == emitted.results.mean_rate("bg")


def test_fused_and_emitted_backgrounds_drive_a_population_alike_at_any_weight():
    """0.8 spikes a step per neuron and a weight at which w x count rounds apart from repeated additions: the states
    drift apart in the last bits, the population's spike count not beyond a fraction of a percent."""
    fused = Simulator(background_network(rate=8000.0, weight=3.7), threads=1)
    net = background_network(rate=8000.0, weight=3.7)
    net.record_spikes("bg")
    emitted = Simulator(net, threads=1)
    fused.run(0.05)
    emitted.run(0.05)
    a, b = fused.results.spike_counts("E").sum(), emitted.results.spike_counts("E").sum()
    assert a > 5_000
    assert abs(a - b) <= 0.005 * b
    v_f, v_e = fused.built.state.state[0, N:], emitted.built.state.state[0, N:]
    assert abs(v_f.mean() - v_e.mean()) < 0.05  # mV


def _blocked(net: Network) -> str | None:
    built = Simulator(net, threads=1).built  # (the api's Simulator: with the plugins' learning rules)
    k = built.nodes["bg"].index
    assert not is_fused(built)
    watched = {built.nodes[n].index for n in built.spike_recorded} | {node for node, _ in built.rate_recorders.values()}
    return blocker(built.state, k, watched)


def test_a_background_is_fused_only_when_nothing_needs_its_spikes():
    assert is_fused(build(background_network()))
    recorded = background_network()
    recorded.record_spikes("bg")
    assert _blocked(recorded) == "its spikes are recorded"
    binned = background_network()
    binned.record_rate("bg", bin=1.0)
    assert _blocked(binned) == "its spikes are recorded"
    small = Network(dt=0.1, seed=1)
    small.add_poisson("bg", N - 1, rate=100.0)
    small.add_population("E", N - 1, "lif")
    small.connect("bg", "E", "one_to_one", weight=1.0)
    assert _blocked(small).startswith("small background")
    unused = background_network()
    unused.add_poisson("bg2", 10, rate=1.0)  # the second keeps nothing from fusing the first
    assert is_fused(build(unused))


@pytest.mark.parametrize("change, reason", [
    ({"rule": "fixed_indegree", "k": 1}, "a projection that is not one_to_one"),
    ({"weight": Distribution("uniform", low=1.0, high=2.0)}, "a projection whose weights or delays differ"),
    ({"delay": Distribution("uniform", low=0.1, high=1.0)}, "a projection whose weights or delays differ"),
    ({"plasticity": Plasticity("tsodyks_markram")}, "a projection with short-term plasticity"),
    ({"plasticity": Plasticity("stdp")}, "a plastic projection"),
])
def test_each_projection_that_needs_spikes_keeps_its_background_emitted(change, reason):
    net = Network(dt=0.1, seed=2)
    net.add_poisson("bg", N, rate=100.0)
    net.add_population("E", N, "lif")
    net.connect("bg", "E", "one_to_one", weight=1.0)  # fusable alone ...
    params = {"rule": "one_to_one", "weight": 1.0, **change}
    rule = params.pop("rule")
    net.connect("bg", "E", rule, id="second", synapse="current", tau=3.0, **params)  # ... but not with this one
    assert _blocked(net) == reason


def test_a_reward_driven_by_the_background_keeps_it_emitted():
    net = background_network()
    net.add_reward("R", source="bg", pulse=0.1)
    net.add_population("out", 10, "lif")
    net.connect("E", "out", "fixed_indegree", k=2, weight=1.0, plasticity=Plasticity("rstdp", {"reward": "R"}))
    assert _blocked(net) == "its spikes drive a reward signal"


def test_asking_for_a_fused_backgrounds_spikes_during_a_run_emits_them_from_then_on():
    fused = Simulator(background_network(), threads=1)
    net = background_network()
    net.record_spikes("bg")
    emitted = Simulator(net, threads=1)
    fused.run(0.02)
    fused.record_spikes_of(["bg"])
    fused.run(0.03)
    emitted.run(0.05)
    assert not is_fused(fused)
    assert np.all(fused.built.state.proj_stp[fused.built.state.proj_src == fused.built.nodes["bg"].index]
                  == SORTED_ROWS)
    times = fused.results.spikes("bg")[0]
    assert times.size > 20_000 and times.min() >= 20.0 - 1e-9  # ms: recorded from the switch on
    # counted while fused and after, the step before the switch (drawn late into the current synapse) once
    np.testing.assert_array_equal(fused.results.spike_counts("bg"), emitted.results.spike_counts("bg"))
    a, b = fused.results.spikes("E"), emitted.results.spikes("E")
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("threads", [1, 2])
def test_a_fused_backgrounds_counts_are_its_emitted_ones_over_chunks_and_projections(threads):
    """Two fused projections from one background (a delta one first, so the count is drawn in its own step, and a
    current one), chunks of 7 steps: each spike is counted once, whichever projection and thread draws it, and the
    mean rate is the input's rate."""
    def network():
        net = Network(dt=0.1, seed=9)
        net.add_poisson("bg", N, rate=40.0)
        net.add_population("E", N, "lif")
        net.add_population("F", N, "lif")
        net.connect("bg", "E", "one_to_one", weight=1.0, synapse="delta")
        net.connect("bg", "F", "one_to_one", weight=1.0, synapse="current", tau=2.0)
        return net

    fused = Simulator(network(), threads=threads, chunk_steps=7)
    net = network()
    net.record_spikes("bg")
    emitted = Simulator(net, threads=threads, chunk_steps=7)
    assert is_fused(fused) and not is_fused(emitted)
    for sim in (fused, emitted):
        sim.run(0.05)
    counts = fused.results.spike_counts("bg")
    np.testing.assert_array_equal(counts, emitted.results.spike_counts("bg"))
    expected = 40.0 * 0.05 * N  # spikes over the run, Poisson: sd = sqrt(expected)
    assert abs(counts.sum() - expected) < 5 * expected ** 0.5


def test_a_live_rate_plot_of_the_inputs_sees_a_fused_backgrounds_spikes_once_it_asks():
    """The live tap's rates of a fused background: none drawn until the plot shows inputs (its columns hold no
    spikes and drawing them costs the draws again), then the emitted background's rates, bin for bin."""
    from spikestudio.engine.simulation.live import LiveTap

    fused = Simulator(background_network(), threads=1, chunk_steps=30)
    net = background_network()
    net.record_spikes("bg")
    emitted = Simulator(net, threads=1, chunk_steps=30)
    taps = []
    for sim in (fused, emitted):
        taps.append(LiveTap(window=100.0))
        taps[-1].attach(sim)
        sim.run(0.006)
    taps[0].count_inputs = True  # from the next chunk on
    for sim in (fused, emitted):
        sim.run(0.012)
    assert is_fused(fused)  # counted for the plot, still fused
    shown, reference = taps[0].frame().rates["bg"], taps[1].frame().rates["bg"]
    assert shown.shape == reference.shape == (18,)  # 1 ms bins
    assert np.all(shown[:6] == 0) and np.all(reference[:6] > 50.0)  # before the plot asked: 100 Hz drawn, none shown
    np.testing.assert_array_equal(shown[6:], reference[6:])
    assert abs(shown[6:].mean() - 100.0) < 5.0  # Hz: 10,000 neurons x 12 ms, sd 0.9 Hz


def current_background(record: bool) -> Network:
    """A 400 Hz background into a current synapse (counted a step late), a 3-neuron population that an
    inhibitory spike of 1e308 drives to minus infinity at 6.2 ms, the background's spikes recorded or not."""
    from spikestudio.engine.model.network import Population

    net = Network(dt=0.1, seed=5)
    net.add_poisson("bg", N, rate=400.0)
    net.add_population("E", N, "lif")
    net.connect("bg", "E", "one_to_one", weight=1.0, synapse="current", tau=2.0)
    net.add_spike_times("S", 1, [0, 0], [5.0, 5.1])
    net.add(Population("V", 3, "lif", name="Victim"))
    net.connect("S", "V", "all_to_all", weight=1e308, delay=1.0, synapse="delta", receptor="inhibitory")
    if record:
        net.record_spikes("bg")
    return net


def test_a_rate_changed_mid_run_keeps_a_fused_backgrounds_counts_the_emitted_ones():
    """The step before the change is drawn again after it (into the current synapse) at the new rate; its count
    stays the old rate's, as the emitted background's (found by a reviewer: it lost that step's 388 spikes)."""
    fused, emitted = (Simulator(current_background(record), threads=1, chunk_steps=50) for record in (False, True))
    for sim in (fused, emitted):
        sim.run(0.0055)  # before the blow-up
        sim.set_param("bg", "rate", 0.0)
        sim.run(0.0005)
    assert is_fused(fused) and fused.step == emitted.step == 60
    np.testing.assert_array_equal(fused.results.spike_counts("bg"), emitted.results.spike_counts("bg"))
    assert fused.results.spike_counts("bg").sum() > 2_000  # 400 Hz x 10,000 x 5.5 ms = 22,000


@pytest.mark.parametrize("threads", [1, 2])
def test_a_run_stopped_by_a_nan_keeps_a_fused_backgrounds_counts_the_emitted_ones(threads):
    """On two threads the loop's parallel region counts the step before the failing one, before the node updates
    that fail: that step is counted once (a reviewer found it counted twice there)."""
    from spikestudio.engine.errors import SimulationError

    counts = []
    for record in (False, True):
        sim = Simulator(current_background(record), threads=threads)
        with pytest.raises(SimulationError, match="Victim"):
            sim.run(0.02)
        assert sim.step == 62  # the failing step is not kept
        counts.append(sim.results.spike_counts("bg"))
    np.testing.assert_array_equal(*counts)
