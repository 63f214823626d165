"""The reset copy of the kernel state: what it keeps (and what it need not keep twice), on real builds."""

from __future__ import annotations

import numpy as np
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation.simulator import Simulator


def delayed_network() -> Network:
    """Driven neurons whose spikes take 20 ms to arrive, so the delay ring is large and busy at any moment."""
    net = Network(dt=0.1, seed=3)
    net.add_poisson("P", 50, rate=200.0)
    net.add_population("E", 200)
    net.connect("P", "E", "fixed_probability", p=0.5, weight=80.0, delay=20.0)
    net.connect("E", "E", "fixed_probability", p=0.05, weight=5.0, delay=20.0)
    net.record_spikes("E")
    return net


def test_the_reset_copy_holds_no_second_delay_ring():
    sim = Simulator(delayed_network())
    assert sim.built.state.ring.nbytes >= 200 * 200 * 8  # 201 delay steps x 200 targets
    assert sim.built.initial.ring.nbytes <= 8  # what the memory checks count once is allocated once


def test_reset_empties_the_delay_ring_and_repeats_the_run():
    sim = Simulator(delayed_network())
    first = sim.run(0.1).spikes("E")
    assert np.any(sim.built.state.ring)  # spikes still in flight when the run ends
    sim.reset()
    assert not np.any(sim.built.state.ring)
    again = sim.run(0.1).spikes("E")
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[1], again[1])
