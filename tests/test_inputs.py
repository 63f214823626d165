"""Inputs: Poisson statistics, spike-time sources, and current waveforms measured through an exact LIF.

Current waveforms are read back by inverting the LIF's exact one-step propagator: with the current
held constant over step k, v[k+1] - E_L = (v[k] - E_L) exp(-dt/tau_m) + R I_k (1 - exp(-dt/tau_m)).
"""

import numpy as np
import pytest
from spikestudio.engine.model.network import Network

DT = 0.1

# ---------------------------------------------------------------------------------------------------
# Poisson
# ---------------------------------------------------------------------------------------------------


def poisson_counts(simulate, rate=None, rates=None, size=1000, seconds=2.0, seed=7, **record):
    net = Network(dt=DT, seed=seed)
    if rates is not None:
        net.add_poisson("P", size, rates=np.asarray(rates, float))
    else:
        net.add_poisson("P", size, rate=rate)
    if record.get("rate_bin"):
        net.record_rate("P", bin=record["rate_bin"])
    if record.get("spikes"):
        net.record_spikes("P")
    _, res = simulate(net, seconds)
    return res


def within_sigmas(observed, expected, n_sigma=4.0):
    """A Poisson total lies within n sigma (sigma = sqrt(expected)) of its expectation."""
    return abs(observed - expected) <= n_sigma * np.sqrt(expected)


def test_poisson_low_rate_mean_and_fano(simulate):
    rate, size, seconds = 5.0, 2000, 2.0
    res = poisson_counts(simulate, rate=rate, size=size, seconds=seconds)
    counts = res.spike_counts("P")
    expected = rate * seconds * size
    assert within_sigmas(counts.sum(), expected)
    fano = counts.var(ddof=1) / counts.mean()
    assert 0.85 < fano < 1.15
    assert res.mean_rate("P") == pytest.approx(counts.sum() / size / seconds)


def test_poisson_rate_above_one_per_step(simulate):
    """20 kHz at dt = 0.1 ms is two spikes per step on average: several spikes per neuron and step."""
    rate, size, seconds = 20000.0, 50, 1.0
    res = poisson_counts(simulate, rate=rate, size=size, seconds=seconds, rate_bin=DT)
    counts = res.spike_counts("P")
    assert within_sigmas(counts.sum(), rate * seconds * size)
    # per-step population counts are Poisson(size * rate * dt): Fano factor 1
    _, pop_rate = res.rate("rate:P")
    per_step = pop_rate * size * DT * 1e-3
    np.testing.assert_allclose(per_step, np.rint(per_step), atol=1e-6)
    assert per_step.size == round(seconds * 1000 / DT)
    assert per_step.mean() == pytest.approx(size * rate * DT * 1e-3, rel=0.01)
    assert 0.9 < per_step.var(ddof=1) / per_step.mean() < 1.1


@pytest.mark.parametrize("rate, dt", [(100000.0, 0.1), (20000.0, 1.0)])
def test_poisson_rate_many_spikes_per_step(rate, dt):
    """10 and 20 expected spikes per step (a summed external drive, or a coarse dt): the rate is still the rate."""
    from spikestudio.engine.simulation.simulator import Simulator

    size, seconds = 20, 1.0
    net = Network(dt=dt, seed=5)
    net.add_poisson("P", size, rate=rate)
    res = Simulator(net).run(seconds)
    counts = res.spike_counts("P")
    expected = rate * seconds * size
    assert within_sigmas(counts.sum(), expected), (counts.sum(), expected)
    assert 0.7 < counts.var(ddof=1) / counts.mean() < 1.3


def test_poisson_several_spikes_per_step_are_recorded(simulate):
    res = poisson_counts(simulate, rate=20000.0, size=5, seconds=0.1, spikes=True)
    times, ids = res.spikes("P")
    steps = np.rint(times / DT).astype(np.int64)
    _, multiplicity = np.unique(steps * 5 + ids, return_counts=True)
    # Poisson(2) per neuron and step: P(k >= 2) = 1 - 3 e^-2 ~ 0.59 of the (step, neuron) pairs with k >= 1
    assert multiplicity.max() >= 3
    frac = np.mean(multiplicity >= 2)
    p_pos = 1 - np.exp(-2.0)
    assert frac == pytest.approx((1 - 3 * np.exp(-2.0)) / p_pos, abs=0.05)
    assert times.size == res.spike_counts("P").sum()


def test_poisson_per_neuron_rates_are_honoured(simulate):
    levels = np.array([0.0, 1.0, 10.0, 100.0, 1000.0])
    size, seconds = 1000, 2.0
    rates = np.tile(levels, size // levels.size)
    res = poisson_counts(simulate, rates=rates, size=size, seconds=seconds)
    counts = res.spike_counts("P")
    for level in levels:
        group = counts[rates == level]
        if level == 0.0:
            assert group.sum() == 0
        else:
            assert within_sigmas(group.sum(), level * seconds * group.size)
            if level >= 10.0:
                assert 0.8 < group.var(ddof=1) / group.mean() < 1.2


def test_poisson_neurons_are_independent(simulate):
    """Counts in 10 ms bins of two neurons are uncorrelated."""
    res = poisson_counts(simulate, rate=200.0, size=40, seconds=5.0, spikes=True)
    times, ids = res.spikes("P")
    bins = np.arange(0, 5000.0 + 10.0, 10.0)
    hist = np.stack([np.histogram(times[ids == i], bins)[0] for i in range(40)])
    corr = np.corrcoef(hist)
    off = corr[~np.eye(40, dtype=bool)]
    assert abs(off.mean()) < 0.02
    assert np.abs(off).max() < 0.3


def test_poisson_seed_changes_spikes_but_not_rate(simulate):
    a = poisson_counts(simulate, rate=50.0, size=200, seconds=1.0, seed=1).spike_counts("P")
    b = poisson_counts(simulate, rate=50.0, size=200, seconds=1.0, seed=2).spike_counts("P")
    assert not np.array_equal(a, b)
    assert within_sigmas(a.sum(), 10000) and within_sigmas(b.sum(), 10000)


def test_every_poisson_spike_carries_its_weight(probe, simulate):
    """Several spikes of one source neuron in one step each deliver the full weight."""
    net = Network(dt=DT, seed=11)
    net.add_poisson("P", 1, rate=20000.0)
    net.add_population("N", 1, "lif", V_th=200.0, tau_m=1e9)  # no leak to speak of
    net.connect("P", "N", "one_to_one", weight=0.01, delay=0.1, synapse="delta")
    net.record_spikes("P")
    net.record_state("N", interval=DT)
    _, res = simulate(net, 0.05)
    times, _ = res.spikes("P")
    steps = np.rint(times / DT).astype(np.int64)
    t, v = res.trace("v:N")
    # the sample at step k holds every spike emitted in steps <= k - 2 (one step delay, then visible)
    arrived = np.array([np.count_nonzero(steps <= k - 2) for k in range(t.size)])
    np.testing.assert_allclose(v[:, 0] - probe.E_L, 0.01 * arrived, rtol=1e-6, atol=1e-9)
    assert np.max(np.bincount(steps)) >= 4


# ---------------------------------------------------------------------------------------------------
# spike-time sources
# ---------------------------------------------------------------------------------------------------

ST_NEURONS = np.array([2, 0, 1, 0, 2, 1, 0, 2])
ST_TIMES = np.array([99.96, 1.04, 2.26, 0.0, 7.5, 150.0, 37.33, 500.0])  # unsorted, off-grid, one beyond


def expected_pairs(neurons, times, t_end, dt=DT):
    steps = np.rint(times / dt).astype(np.int64)
    keep = steps < round(t_end / dt)
    return sorted(zip(neurons[keep].tolist(), steps[keep].tolist()))


def observed_pairs(res, node="S", dt=DT):
    times, ids = res.spikes(node)
    return sorted(zip(ids.tolist(), np.rint(times / dt).astype(np.int64).tolist()))


def spike_time_net(neurons=ST_NEURONS, times=ST_TIMES):
    net = Network(dt=DT, seed=1)
    net.add_spike_times("S", 3, neurons, times)
    net.record_spikes("S")
    return net


def test_spike_times_emitted_exactly(simulate):
    _, res = simulate(spike_time_net(), 0.2)
    assert observed_pairs(res) == expected_pairs(ST_NEURONS, ST_TIMES, 200.0)
    times, _ = res.spikes("S")
    # times are reported on the grid
    np.testing.assert_allclose(times, np.rint(times / DT) * DT, atol=1e-9)
    np.testing.assert_array_equal(res.spike_counts("S"), np.bincount(ST_NEURONS[ST_TIMES < 200], minlength=3))


def test_spike_times_across_several_runs(simulate):
    from spikestudio.engine.simulation.simulator import Simulator

    sim = Simulator(spike_time_net())
    sim.run(0.05)
    sim.run(0.0)
    sim.run(0.0501)
    res = sim.run(0.5)
    assert observed_pairs(res) == expected_pairs(ST_NEURONS, ST_TIMES, sim.t)
    assert (0, 0) in observed_pairs(res) and (2, 5000) in observed_pairs(res)


def test_spike_times_drive_a_target_once_each(probe, simulate):
    """Each listed spike reaches the target exactly once (delta jump of 1 mV per spike)."""
    net = spike_time_net()
    net.add_population("N", 1, "lif", V_th=150.0, tau_m=1e6)  # practically no leak over 0.2 s
    net.connect("S", "N", "all_to_all", weight=1.0, delay=0.1, synapse="delta")
    net.record_state("N", interval=200.0 - DT)
    _, res = simulate(net, 0.2)
    _, v = res.trace("v:N")
    n_spikes = np.count_nonzero(np.rint(ST_TIMES / DT) < 1999 - 1)
    assert v[-1, 0] - probe.E_L == pytest.approx(n_spikes, abs=0.01)


# ---------------------------------------------------------------------------------------------------
# current waveforms, read through an isolated LIF that never spikes
# ---------------------------------------------------------------------------------------------------


def injected(probe, simulate, waveform, seconds, size=1, **params):
    """The current held over each step (pA), one column per neuron, and the step start times."""
    net = Network(dt=DT, seed=3)
    net.add_population("N", size, "lif", V_th=200.0)
    net.add_current("I", "N", waveform, **params)
    net.record_state("N", neurons=range(size), interval=DT)
    net.record_spikes("N")
    _, res = simulate(net, seconds)
    assert res.spike_counts("N").sum() == 0
    t, v = res.trace("v:N")
    return t[:-1], probe.invert_current(v, DT)


def test_dc_waveform(probe, simulate):
    t, i = injected(probe, simulate, "dc", 0.05, amplitude=321.0)
    np.testing.assert_allclose(i, 321.0, atol=1e-6)


def test_step_waveform_is_on_only_in_start_stop(probe, simulate):
    t, i = injected(probe, simulate, "step", 0.08, amplitude=150.0, start=20.0, stop=50.0)
    on = (t >= 20.0 - 1e-9) & (t < 50.0 - 1e-9)
    np.testing.assert_allclose(i[on, 0], 150.0, atol=1e-6)
    np.testing.assert_allclose(i[~on, 0], 0.0, atol=1e-6)
    assert on.sum() == round(30.0 / DT)


def test_ramp_waveform(probe, simulate):
    a, b, start, stop = 100.0, 300.0, 10.0, 60.0
    t, i = injected(probe, simulate, "ramp", 0.08, amplitude_start=a, amplitude_end=b, start=start, stop=stop)
    i = i[:, 0]
    inside = (t >= start - 1e-9) & (t < stop - 1e-9)
    np.testing.assert_allclose(i[~inside], 0.0, atol=1e-6)
    ramp = lambda x: a + (b - a) * (x - start) / (stop - start)  # noqa: E731
    lo, hi = ramp(t[inside]), ramp(t[inside] + DT)
    # the value held over a step lies on the ramp between the step's start and end
    assert np.all(i[inside] >= lo - 1e-6) and np.all(i[inside] <= hi + 1e-6)
    assert i[inside][0] == pytest.approx(a, abs=(b - a) / (stop - start) * DT + 1e-6)
    assert i[inside][-1] == pytest.approx(b, abs=(b - a) / (stop - start) * DT + 1e-6)
    assert np.all(np.diff(i[inside]) > 0)


@pytest.mark.parametrize("phase", [0.0, 90.0, -45.0])
def test_sine_waveform(phase, probe, simulate):
    amp, freq, offset = 80.0, 25.0, 20.0
    t, i = injected(probe, simulate, "sine", 0.1, amplitude=amp, frequency=freq, phase=phase, offset=offset)
    expected = offset + amp * np.sin(2 * np.pi * freq * t * 1e-3 + np.deg2rad(phase))
    slope = amp * 2 * np.pi * freq * 1e-3  # pA per ms at most
    assert np.max(np.abs(i[:, 0] - expected)) <= slope * DT + 1e-6
    assert i[t < 80.0 - 1e-9, 0].mean() == pytest.approx(offset, abs=1.0)  # two whole periods
    assert i[:, 0].max() == pytest.approx(offset + amp, abs=slope * DT)


def test_ou_waveform_statistics(probe, simulate):
    mean, std, tau, size = 50.0, 20.0, 5.0, 200
    t, i = injected(probe, simulate, "ou", 0.5, size=size, mean=mean, std=std, tau=tau)
    i = i[t >= 10 * tau]  # past the start-up transient
    assert i.std() == pytest.approx(std, rel=0.1)
    assert i.mean() == pytest.approx(mean, abs=0.1 * std)
    per_neuron = i.std(axis=0)
    assert np.all(per_neuron > 0.5 * std) and np.all(per_neuron < 1.5 * std)
    # correlation time: the autocorrelation at lag tau is about 1/e
    lag = round(tau / DT)
    x = i - i.mean(axis=0)
    acf = np.mean(x[lag:] * x[:-lag]) / np.mean(x * x)
    assert acf == pytest.approx(np.exp(-1.0), abs=0.05)
    # independent per neuron
    corr = np.corrcoef(x.T)
    assert abs(corr[~np.eye(size, dtype=bool)].mean()) < 0.02


def test_currents_add_up(probe, simulate):
    net = Network(dt=DT, seed=3)
    net.add_population("N", 2, "lif", V_th=200.0)
    net.add_current("a", "N", "dc", amplitude=100.0)
    net.add_current("b", "N", "step", amplitude=-40.0, start=5.0, stop=10.0)
    net.record_state("N", neurons=[0, 1], interval=DT)
    _, res = simulate(net, 0.02)
    t, v = res.trace("v:N")
    i = probe.invert_current(v, DT)
    on = (t[:-1] >= 5.0 - 1e-9) & (t[:-1] < 10.0 - 1e-9)
    np.testing.assert_allclose(i[on], 60.0, atol=1e-6)
    np.testing.assert_allclose(i[~on], 100.0, atol=1e-6)
