"""The generated pass of a model integrated exactly in one variable finds threshold crossings through the negated
threshold (``engine.equations.crossing``), as the hand-written LIF pass does: written in several equivalent
ways, the threshold gives the hand-written kernel's spikes, and a membrane that becomes NaN is named, whether
or not the negated test catches NaN by itself."""

from pathlib import Path

import numpy as np
import pytest
from spikestudio.engine.equations.crossing import below, nan_is_crossing
from spikestudio.engine.equations.evaluate import evaluate_array
from spikestudio.engine.equations.parser import parse_expression
from spikestudio.engine.errors import SimulationError
from spikestudio.engine.kernels.neuron_kernels import SPIKE_BLOCK
from spikestudio.engine.model.network import Network, Population
from spikestudio.engine.simulation.simulator import Simulator

LIF = (Path(__file__).parent / "data" / "models" / "lif.model").read_text()

# threshold text -> whether its negation alone catches a NaN membrane
THRESHOLDS = {
    "v >= V_th": True,
    "V_th <= v": True,
    "not (v < V_th)": True,
    "v >= V_th and I_e > -1*pA": False,  # the parameter test cannot see a NaN v
    "v >= V_th or v > 1000*mV": True,
    "min(v, 0*mV) >= V_th": False,  # min may drop a NaN
    "not (v < V_th or v > 1000*mV)": True,
}


def lif_with(threshold: str) -> str:
    assert "threshold v >= V_th\n" in LIF
    return LIF.replace("threshold v >= V_th\n", f"threshold {threshold}\n")


@pytest.mark.parametrize("text", sorted(THRESHOLDS))
def test_below_is_false_where_the_threshold_holds_and_its_negation_where_no_nan_meets_it(text):
    cond = parse_expression(text)
    low = below(cond)
    v = np.array([-np.inf, -80.0, -55.000001, -55.0, -54.9, 0.0, 999.0, 1000.0, 1e4, np.inf, np.nan])
    values = {"v": v * 1e-3, "V_th": -55e-3, "I_e": 0.0}  # engine units, as the unit names evaluate
    holds, under = np.asarray(evaluate_array(cond, values)), np.asarray(evaluate_array(low, values))
    finite = ~np.isnan(v)
    assert not (holds & under).any()
    np.testing.assert_array_equal(under[finite], ~holds[finite])
    assert nan_is_crossing(low, "v") == THRESHOLDS[text]
    if THRESHOLDS[text]:
        assert not under[~finite].any()


@pytest.mark.slow
def test_a_threshold_written_several_ways_gives_the_hand_written_lif_spikes():
    """One network: the built-in LIF and the LIF description with each threshold, every population on the same
    initial v over several blocks of the pass, driven above rheobase; every spike on the same step."""
    n = 3 * SPIKE_BLOCK + 88
    v0 = np.random.default_rng(7).uniform(-70.0, -55.0, n)
    net = Network(dt=0.1, seed=5)
    net.add(Population("hand", n, "lif", {"I_e": 420.0}, initial={"v": v0}))
    net.record_spikes("hand")
    for k, text in enumerate(sorted(THRESHOLDS)):
        net.add_model(f"lif_{k}", lif_with(text))
        net.add_population(f"P{k}", n, f"lif_{k}", I_e=420.0, initial={"v": v0})
        net.record_spikes(f"P{k}")
    assert net.validate() == []
    res = Simulator(net).run(0.2)
    t_hand, i_hand = res.spikes("hand")
    assert t_hand.size > 3 * n
    for k in range(len(THRESHOLDS)):
        t, i = res.spikes(f"P{k}")
        np.testing.assert_array_equal(t, t_hand)
        np.testing.assert_array_equal(i, i_hand)


# with I_e = -5 pA the second threshold never holds and its negation is True whatever v is: only the separate
# NaN test can see the membrane go NaN
@pytest.mark.parametrize(("text", "i_e"), [("v >= V_th", 0.0), ("v >= V_th and I_e > -1*pA", -5.0)])
def test_nan_beyond_the_first_block_of_a_described_lif_is_named_and_the_scratch_left_clean(text, i_e):
    net = Network(dt=0.1, seed=1)
    net.add_model("lif_eq", lif_with(text))
    net.add_spike_times("S", 2, [0, 1], [5.0, 5.0])
    net.add_population("V", 3 * SPIKE_BLOCK, "lif_eq", I_e=i_e).name = "Victims"
    for c, receptor in enumerate(["excitatory", "inhibitory", "excitatory"]):  # 3 channels: the scratch is used
        net.connect("S", "V", "explicit", id=f"c{c}", pre=[0, 1], post=[400, 400], weights=[1e308, 1e308],
                    delays=[1.0, 1.0], synapse="delta" if c == 0 else "current", receptor=receptor,
                    tau=None if c == 0 else 2.0 + c)
    sim = Simulator(net)
    with pytest.raises(SimulationError, match=r'"Victims" neuron 400: .*NaN'):
        sim.run(0.05)
    assert not sim.built.state.scratch.any()


def test_described_lif_nodes_with_and_without_conductance_synapses_in_one_network():
    """The per-neuron path a conductance synapse needs is compiled only for networks that have one: a current-
    synapse population simulates the same either way, and the conductance-driven one fires."""

    def network(with_conductance: bool) -> Network:
        net = Network(dt=0.1, seed=11)
        net.add_model("lif_eq", LIF)
        net.add_poisson("in", 50, rate=40.0)
        net.add_population("cur", 40, "lif_eq")
        net.connect("in", "cur", "fixed_indegree", k=10, weight=600.0, synapse="current")
        net.record_spikes("cur")
        if with_conductance:
            net.add_population("cond", 40, "lif_eq")
            net.connect("in", "cond", "fixed_indegree", k=10, weight=30.0, synapse="conductance")
            net.record_spikes("cond")
        return net

    a, b = Simulator(network(False)).run(0.5), Simulator(network(True)).run(0.5)
    assert a.spikes("cur")[0].size > 20
    np.testing.assert_array_equal(a.spikes("cur")[0], b.spikes("cur")[0])
    np.testing.assert_array_equal(a.spikes("cur")[1], b.spikes("cur")[1])
    assert b.spikes("cond")[0].size > 0


def test_a_membrane_not_clamped_while_refractory_spikes_only_after_the_whole_period():
    """Without ``clamp v`` the membrane integrates through the refractory period but may not spike in it: the
    vectorised pass and the per-neuron path (taken by a population with a conductance synapse, here one that
    never carries a spike) agree spike for spike, and no interval is shorter than t_ref plus a step."""
    net = Network(dt=0.1, seed=3)
    net.add_model("free", LIF.replace("refractory t_ref clamp v\n", "refractory t_ref\n"))
    net.add_spike_times("S", 1, [0], [900.0])  # after the run: the conductance stays 0
    v0 = np.array([-70.0, -65.0, -60.0, -56.0])
    for pid in ("fast", "general"):
        net.add_population(pid, 4, "free", I_e=5000.0, initial={"v": v0})  # crosses V_th within t_ref
        net.record_spikes(pid)
    net.connect("S", "general", "all_to_all", synapse="conductance")
    res = Simulator(net).run(0.05)
    (t_fast, i_fast), (t_gen, i_gen) = res.spikes("fast"), res.spikes("general")
    assert t_fast.size > 40
    np.testing.assert_array_equal(t_fast, t_gen)
    np.testing.assert_array_equal(i_fast, i_gen)
    for k in range(4):
        assert np.diff(t_fast[i_fast == k]).min() > 2.1 - 1e-9
