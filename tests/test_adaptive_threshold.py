"""The LIF with adaptive threshold (Diehl & Cook 2015) against its defining equations.

theta (mV) grows by theta_plus at each spike of its neuron and decays with tau_theta; a neuron fires when
v reaches V_th + theta. Conventions as in test_neurons.py: a trace sample at k*dt is the value at the start
of step k, a spike labelled k*dt happened during step k (so its increment shows from (k+1)*dt on).
"""

import numpy as np
import pytest
from spikestudio.engine.interop import brian2_export, pynn_export
from spikestudio.engine.interop.nir_export import nir_export
from spikestudio.engine.model.catalog import NEURON_MODELS
from spikestudio.engine.model.network import Network


def regular_kicks(theta_plus: float, tau_theta: float, interval: float, n: int) -> Network:
    """One adaptive neuron made to fire by a large delta kick every ``interval`` ms, ``n`` times."""
    net = Network(dt=0.1, duration=interval * (n + 1), seed=1)
    net.add_population("N", 1, "lif_adaptive", theta_plus=theta_plus, tau_theta=tau_theta)
    net.add_spike_times("kick", 1, np.zeros(n, np.int64), interval * (1 + np.arange(n)))
    net.connect("kick", "N", "all_to_all", weight=100.0, synapse="delta", delay=0.1)
    net.record_spikes("N")
    net.record_state("N", "theta", [0])
    return net


def test_theta_after_regular_spikes_is_the_geometric_sum(simulate):
    theta_plus, tau, interval, n = 1.5, 100.0, 20.0, 30
    _, res = simulate(regular_kicks(theta_plus, tau, interval, n), (n + 1) * interval / 1000)
    spikes, _ = res.spikes("N")
    np.testing.assert_allclose(spikes, interval * (1 + np.arange(n)) + 0.1, atol=1e-9)  # one spike per kick
    t, theta = res.trace("theta:N")
    theta = theta[:, 0]
    # theta(t) = theta_plus * sum over earlier spikes of exp(-(t - end of the spike's step) / tau_theta)
    expected = [theta_plus * np.exp(-(ti - spikes[spikes < ti - 1e-9] - 0.1) / tau).sum() for ti in t]
    np.testing.assert_allclose(theta, expected, rtol=1e-9, atol=1e-12)
    # just after the n-th spike: theta_plus (1 - r^n) / (1 - r) with r = exp(-interval / tau_theta)
    r = np.exp(-interval / tau)
    after_last = np.searchsorted(t, spikes[-1] + 0.1 - 1e-9)
    assert theta[after_last] == pytest.approx(theta_plus * (1 - r**n) / (1 - r), rel=1e-9)


def test_rate_under_constant_current_drops_as_theta_grows(simulate, probe):
    """With a threshold that barely decays, the k-th interval is the LIF's climb to V_th + k theta_plus."""
    theta_plus, current = 0.4, 600.0
    net = probe.network(0.1)
    net.add_population("N", 1, "lif_adaptive", I_e=current, theta_plus=theta_plus, tau_theta=1e12)
    net.add_population("fixed", 1, "lif", I_e=current)
    net.record_spikes("N")
    net.record_spikes("fixed")
    _, res = simulate(net, 0.5)
    times, _ = res.spikes("N")
    isi = np.diff(times)
    assert times.size > 10 and np.all(np.diff(isi) >= 0) and isi[-1] > 1.5 * isi[0]
    for k, interval in enumerate(isi, start=1):  # the k-th interval climbs with theta = k theta_plus
        gap = probe.V_TH + k * theta_plus - probe.E_L
        continuous = probe.T_REF + probe.lif_time_to_threshold(current, gap=gap)
        assert -1e-9 <= interval - continuous <= 0.1 + 1e-9, k  # rounded up to whole steps
    assert res.spike_counts("fixed")[0] > 1.5 * times.size  # the same neuron without adaptation fires faster


def test_without_increments_it_spikes_exactly_like_lif(simulate):
    """theta_plus = 0: the same integration as the lif model, with current and delta synapses."""
    spikes = {}
    for model, extra in (("lif", {}), ("lif_adaptive", {"theta_plus": 0.0})):
        net = Network(dt=0.1, duration=500.0, seed=3)
        net.add_poisson("drive", 50, rate=40.0)
        net.add_population("P", 20, model, tau_m=15.0, **extra)
        net.connect("drive", "P", p=0.3, weight=120.0, id="current")
        net.connect("drive", "P", p=0.1, weight=1.0, synapse="delta", id="delta")
        net.record_spikes("P")
        spikes[model] = simulate(net, 0.5)[1].spikes("P")
    assert spikes["lif"][0].size > 50
    np.testing.assert_array_equal(spikes["lif_adaptive"][1], spikes["lif"][1])
    np.testing.assert_allclose(spikes["lif_adaptive"][0], spikes["lif"][0])


def test_theta_starts_from_its_initial_value_and_decays(simulate):
    from spikestudio.engine.model.network import Distribution

    net = Network(dt=0.1, duration=50.0, seed=1)
    net.add_population("N", 1, "lif_adaptive", tau_theta=20.0, initial={"theta": Distribution("constant", value=4.0)})
    net.record_state("N", "theta", [0])
    _, res = simulate(net, 0.05)
    t, theta = res.trace("theta:N")
    np.testing.assert_allclose(theta[:, 0], 4.0 * np.exp(-t / 20.0), rtol=1e-9)


def test_catalogue_entry():
    model = NEURON_MODELS["lif_adaptive"]
    assert list(model.state) == ["v", "theta"]
    assert set(NEURON_MODELS["lif"].params) < set(model.params)
    assert model.params["theta_plus"].unit == "mV" and model.params["tau_theta"].unit == "ms"


def adaptive_network() -> Network:
    net = Network(dt=0.1, duration=100.0, seed=1)
    net.add_poisson("in", 10, rate=20.0)
    net.add_population("A", 5, "lif_adaptive", theta_plus=0.2, tau_theta=500.0)
    net.connect("in", "A", p=0.5, weight=100.0)
    return net


def test_exporters_name_what_they_cannot_express():
    _, nir_report = nir_export(adaptive_network())
    # NIR has no adaptive threshold: the population travels as a plain LIF, and the report says what was lost
    assert any(w == 'populations["A"]' and "adaptive threshold" in r and "as a LIF" in r
               for w, r in nir_report.problems)
    _, pynn_report = pynn_export(adaptive_network())
    assert any(w == 'populations["A"]' and "adaptive threshold" in r for w, r in pynn_report.problems)


def test_brian2_export_maps_the_threshold():
    text, report = brian2_export(adaptive_network())
    assert report.ok
    assert "dtheta/dt = ((-theta)/(500.0*ms)) : volt" in text  # emitted from the description's tree
    assert "(v >= ((-55.0*mV) + theta))" in text and "theta += (0.2*mV)" in text
    compile(text, "exported.py", "exec")
