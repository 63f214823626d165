"""Neuron models against their equations: LIF exactly, Izhikevich/AdEx/HH by their published behaviour.

Conventions of the engine used below (see engine/kernels/kernel.py): a trace sample at time k*dt is the value
at the start of step k; a spike labelled k*dt was emitted during step k (v reached threshold by the
end of that step, at (k+1)*dt).
"""

import numpy as np
import pytest
from spikestudio.engine.model.catalog import IZHIKEVICH_PRESETS, NEURON_MODELS

# ---------------------------------------------------------------------------------------------------
# LIF: rates, rheobase, subthreshold relaxation, refractoriness
# ---------------------------------------------------------------------------------------------------

LIF_DEFAULTS = {name: spec.default for name, spec in NEURON_MODELS["lif"].params.items()}


def test_probe_constants_match_catalogue(probe):
    """The formulas below assume the catalogue's LIF defaults (V_reset = E_L)."""
    assert LIF_DEFAULTS["tau_m"] == probe.TAU_M and LIF_DEFAULTS["C_m"] == probe.C_M
    assert LIF_DEFAULTS["E_L"] == probe.E_L == LIF_DEFAULTS["V_reset"] == probe.V_RESET
    assert LIF_DEFAULTS["V_th"] == probe.V_TH and LIF_DEFAULTS["t_ref"] == probe.T_REF


# Currents whose climb to threshold is not within 2 % of a whole number of steps (dt = 0.1 ms), so the
# discretised interval is unambiguous; the largest keeps the quantisation error below 1 %.
LIF_CURRENTS = [400.0, 450.0, 500.0, 600.0]


@pytest.mark.parametrize("current", LIF_CURRENTS)
@pytest.mark.parametrize("via", ["I_e", "dc"])
def test_lif_fires_at_analytic_rate(current, via, probe, simulate):
    dt = 0.1
    climb = probe.lif_time_to_threshold(current)
    assert 0.02 < (climb / dt) % 1.0 < 0.98  # guard on the test's own choice of currents
    net = probe.network(dt)
    if via == "I_e":
        net.add_population("N", 1, "lif", I_e=current)
    else:
        net.add_population("N", 1, "lif")
        net.add_current("drive", "N", "dc", amplitude=current)
    net.record_spikes("N")
    _, res = simulate(net, 2.0)
    times, ids = res.spikes("N")
    assert times.size > 20 and np.all(ids == 0)
    isi = np.diff(times)
    # the measured rate is the analytic one within 1 %
    assert 1000.0 / isi.mean() == pytest.approx(1000.0 / probe.lif_isi(current), rel=0.01)
    # each interval is the analytic one with the climb rounded up to whole steps
    np.testing.assert_allclose(isi, probe.lif_isi_discrete(current, dt), rtol=0, atol=1e-9)
    # starting at rest, the first spike is emitted in the step during which v crosses threshold
    assert times[0] <= climb + 1e-9 < times[0] + dt
    assert res.spike_counts("N")[0] == times.size


@pytest.mark.parametrize("fraction, fires", [(0.99, False), (0.999, False), (1.01, True)])
def test_lif_silent_below_rheobase_and_fires_just_above(fraction, fires, probe, simulate):
    rheobase = (probe.V_TH - probe.E_L) / probe.resistance()  # 375 pA
    current = fraction * rheobase
    net = probe.network(0.1)
    net.add_population("N", 1, "lif", I_e=current)
    net.record_spikes("N")
    net.record_state("N", interval=100.0)
    _, res = simulate(net, 20.0)  # 2000 membrane time constants
    n = res.spike_counts("N")[0]
    if fires:
        expected = 20000.0 / probe.lif_isi(current)
        assert abs(n - expected) <= 0.01 * expected + 1
    else:
        assert n == 0
        _, v = res.trace("v:N")
        # after thousands of time constants v sits at the steady state E_L + R I, below threshold
        assert v[-1, 0] == pytest.approx(probe.E_L + probe.resistance() * current, abs=1e-9)


@pytest.mark.parametrize("current, v0", [(300.0, -70.0), (300.0, -60.0), (-200.0, -70.0), (0.0, -56.0)])
def test_lif_subthreshold_trace_is_the_analytic_exponential(current, v0, probe, simulate):
    dt = 0.1
    net = probe.network(dt)
    net.add_population("N", 1, "lif", I_e=current, initial={"v": v0})
    net.record_state("N", interval=dt, id="fine")
    net.record_state("N", interval=0.5, id="coarse")
    net.record_spikes("N")
    _, res = simulate(net, 0.1)
    steady = probe.E_L + probe.resistance() * current
    for rid, every in (("fine", dt), ("coarse", 0.5)):
        t, v = res.trace(rid)
        assert v.shape == (round(100.0 / every), 1)
        np.testing.assert_allclose(t, np.arange(v.shape[0]) * every, atol=1e-9)
        expected = steady + (v0 - steady) * np.exp(-t / probe.TAU_M)
        np.testing.assert_allclose(v[:, 0], expected, rtol=0, atol=1e-9)
    assert res.spike_counts("N")[0] == 0


def test_lif_refractory_clamps_v_at_reset_for_t_ref(probe, simulate):
    dt, t_ref, v_reset, current = 0.1, 3.0, -65.0, 600.0
    net = probe.network(dt)
    net.add_population("N", 1, "lif", I_e=current, V_reset=v_reset, t_ref=t_ref)
    net.record_spikes("N")
    net.record_state("N", interval=dt)
    _, res = simulate(net, 0.2)
    times, _ = res.spikes("N")
    t, v = res.trace("v:N")
    v = v[:, 0]
    n_ref = round(t_ref / dt)
    steady = probe.E_L + probe.resistance() * current
    p22 = np.exp(-dt / probe.TAU_M)
    assert times.size >= 5
    for ts in times:
        k = round(ts / dt)
        if k + n_ref + 3 > v.size:
            break
        assert v[k] < probe.V_TH  # the sample at the start of the spiking step is below threshold
        # reset at the end of the spiking step, then held for t_ref (first to last held sample)
        held = v[k + 1: k + 2 + n_ref]
        assert np.all(held == v_reset), (ts, held)
        # then free again: one exact step of the membrane from V_reset
        assert v[k + 2 + n_ref] == pytest.approx(steady + (v_reset - steady) * p22, abs=1e-9)
    # with V_reset above E_L the climb is shorter: interval = t_ref + steps to climb from V_reset
    climb = probe.TAU_M * np.log((steady - v_reset) / (steady - probe.V_TH))
    expected = n_ref * dt + np.ceil(climb / dt - 1e-9) * dt
    np.testing.assert_allclose(np.diff(times), expected, atol=1e-9)


def test_lif_refractory_zero_allows_back_to_back_climbs(probe, simulate):
    """t_ref = 0: the interval is just the climb, rounded up to whole steps."""
    dt, current = 0.1, 500.0
    net = probe.network(dt)
    net.add_population("N", 1, "lif", I_e=current, t_ref=0.0)
    net.record_spikes("N")
    _, res = simulate(net, 1.0)
    isi = np.diff(res.spikes("N")[0])
    np.testing.assert_allclose(isi, probe.lif_isi_discrete(current, dt, t_ref=0.0), atol=1e-9)


# ---------------------------------------------------------------------------------------------------
# Izhikevich presets under a 10 pA step (Izhikevich 2003, Fig. 2; 2004)
# ---------------------------------------------------------------------------------------------------

STEP_ON, STEP_OFF = 50.0, 1050.0


def izhikevich_spikes(preset, simulate, amplitude=10.0):
    from spikestudio.engine.model.network import Network

    net = Network(dt=0.1, seed=1)
    net.add_population("N", 1, "izhikevich", **IZHIKEVICH_PRESETS[preset])
    net.add_current("step", "N", "step", amplitude=amplitude, start=STEP_ON, stop=STEP_OFF)
    net.record_spikes("N")
    _, res = simulate(net, 1.1)
    times = res.spikes("N")[0]
    assert not np.any(times < STEP_ON), "a cell at rest must not fire before the step"
    return times


def bursts(times, gap=10.0):
    """Spike counts of groups separated by intervals longer than ``gap`` ms."""
    isi = np.diff(times)
    edges = np.flatnonzero(isi > gap)
    return np.diff(np.concatenate([[0], edges + 1, [times.size]]))


def test_izhikevich_regular_spiking_adapts(simulate):
    times = izhikevich_spikes("RS", simulate)
    isi = np.diff(times)
    assert times.size >= 8
    assert np.all(isi > 10.0), "regular spiking cells do not burst"
    assert isi[-1] > 1.5 * isi[0], "frequency adaptation: later intervals clearly longer"
    assert np.all(np.diff(isi) > -0.25), "intervals never shorten (beyond a grid step)"
    assert 1000.0 / isi[-1] < 40.0  # adapted rate is low


def test_izhikevich_fast_spiking_is_tonic_and_fast(simulate):
    times = izhikevich_spikes("FS", simulate)
    rate = times.size / ((STEP_OFF - STEP_ON) * 1e-3)
    assert rate > 100.0
    steady = np.diff(times[times > STEP_ON + 50.0])
    assert steady.size > 50
    assert steady.max() / steady.min() < 1.1, "fast spiking: no adaptation once firing"
    assert np.all(steady < 10.0)
    rs = np.diff(izhikevich_spikes("RS", simulate))
    assert 1000.0 / steady.mean() > 3 * 1000.0 / rs[-1]


def test_izhikevich_intrinsically_bursting_bursts_then_fires_tonically(simulate):
    times = izhikevich_spikes("IB", simulate)
    isi = np.diff(times)
    groups = bursts(times)
    assert groups[0] >= 3, "an initial burst of several spikes"
    assert np.all(isi[: groups[0] - 1] < 10.0)
    assert np.all(groups[1:] == 1), "then single (tonic) spikes"
    assert groups.size >= 10
    assert np.all(isi[groups[0] - 1:] > 20.0)


def test_izhikevich_chattering_bursts_repeatedly(simulate):
    times = izhikevich_spikes("CH", simulate)
    isi = np.diff(times)
    # bimodal intervals: short within bursts, long between them, nothing in between
    short, long_ = isi[isi < 10.0], isi[isi > 20.0]
    assert short.size + long_.size == isi.size
    assert long_.size >= 5 and short.size >= 3 * long_.size
    groups = bursts(times)
    assert np.all(groups[:-1] >= 3), "every complete burst has several spikes"
    ib_groups = bursts(izhikevich_spikes("IB", simulate))
    assert groups[1:-1].mean() > ib_groups[1:].mean() + 1.5, "CH keeps bursting where IB fires single spikes"


# ---------------------------------------------------------------------------------------------------
# AdEx
# ---------------------------------------------------------------------------------------------------

ADEX_DEFAULTS = {name: spec.default for name, spec in NEURON_MODELS["adex"].params.items()}


def test_adex_adapts_under_dc(simulate):
    from spikestudio.engine.model.network import Network

    net = Network(dt=0.1, seed=1)
    net.add_population("N", 1, "adex")
    net.add_current("dc", "N", "dc", amplitude=1000.0)
    net.record_spikes("N")
    net.record_state("N", "w", interval=1.0)
    _, res = simulate(net, 1.0)
    times = res.spikes("N")[0]
    isi = np.diff(times)
    assert times.size >= 10
    assert isi[-1] > 1.5 * isi[0]
    assert np.all(np.diff(isi) > -0.25)
    # the adaptation current grows from zero and stays positive while firing
    _, w = res.trace("w:N")
    assert w[0, 0] == 0.0 and w[-1, 0] > ADEX_DEFAULTS["b"]


def test_adex_silent_without_input(simulate):
    from spikestudio.engine.model.network import Network

    net = Network(dt=0.1, seed=1)
    net.add_population("N", 3, "adex")
    net.record_spikes("N")
    net.record_state("N", interval=10.0)
    _, res = simulate(net, 2.0)
    assert res.spike_counts("N").sum() == 0
    _, v = res.trace("v:N")
    assert np.all(np.abs(v - ADEX_DEFAULTS["E_L"]) < 0.01)


# ---------------------------------------------------------------------------------------------------
# Hodgkin-Huxley (C_m = 100 pF, i.e. 1e-4 cm^2 of membrane: 1 uA/cm^2 = 100 pA)
# ---------------------------------------------------------------------------------------------------


def hh_run(simulate, waveform, seconds, **params):
    from spikestudio.engine.model.network import Network

    net = Network(dt=0.1, seed=1)
    net.add_population("H", 1, "hh")
    net.add_current("I", "H", waveform, **params)
    net.record_spikes("H")
    net.record_state("H", interval=0.1)
    _, res = simulate(net, seconds)
    t, v = res.trace("v:H")
    return res.spikes("H")[0], t, v[:, 0]


# Thresholds are found by bisection on the engine itself (about 0.2 s for both) and must sit where the
# squid axon has them; the tests then bracket them at 0.9x (below) and 1.1x (above).
# Measured (dt = 0.1 ms): a 1 ms pulse at 20 ms needs 695.2 pA (6.95 uA/cm^2: 0.70 pC, about 7 mV of
# depolarisation on 100 pF); sustained DC from rest fires repetitively from 626.7 pA = 6.27 uA/cm^2, the
# textbook onset of repetitive firing of the squid axon (6-7 uA/cm^2; the HH saddle-node of periodic orbits
# lies at about 6.26). Between 600 and 626 pA the neuron fires two or three spikes and falls silent.
PULSE = {"start": 20.0, "stop": 21.0}
_THRESHOLDS = {}


def bisect_threshold(fires, lo, hi, tol=1.0):
    """The amplitude (pA) where ``fires`` switches from False to True, to within ``tol``."""
    assert not fires(lo) and fires(hi)
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if fires(mid) else (mid, hi)
    return 0.5 * (lo + hi)


def fires_repetitively(times, seconds):
    """Spikes still coming in the second half of the run."""
    return np.count_nonzero(times >= 500.0 * seconds) >= 2


def hh_threshold(kind, simulate):
    """The pulse threshold (``"pulse"``) or the rheobase for repetitive firing (``"dc"``), in pA."""
    if kind not in _THRESHOLDS:
        if kind == "pulse":
            fires = lambda a: hh_run(simulate, "step", 0.1, amplitude=a, **PULSE)[0].size >= 1
        else:
            fires = lambda a: fires_repetitively(hh_run(simulate, "dc", 0.5, amplitude=a)[0], 0.5)
        _THRESHOLDS[kind] = bisect_threshold(fires, 0.0, 2000.0)
    return _THRESHOLDS[kind]


def test_hh_thresholds_are_the_squid_axon_values(simulate):
    assert 650.0 < hh_threshold("pulse", simulate) < 750.0  # measured 695.2 pA
    assert 6.0 < hh_threshold("dc", simulate) / 100.0 < 6.5  # uA/cm^2; measured 6.27, textbook about 6.26


def test_hh_brief_pulse_above_threshold_gives_exactly_one_full_spike(simulate):
    amplitude = 1.1 * hh_threshold("pulse", simulate)
    times, t, v = hh_run(simulate, "step", 0.1, amplitude=amplitude, **PULSE)
    assert times.size == 1
    assert 20.0 <= times[0] < 25.0
    assert v.max() > 20.0, "a full action potential overshoots"
    assert np.all(np.abs(v[t < 20.0] + 65.0) < 0.01), "rests near -65 mV before the pulse"
    assert abs(v[-1] + 65.0) < 3.0, "and recovers afterwards"


def test_hh_brief_pulse_below_threshold_gives_no_spike(simulate):
    amplitude = 0.9 * hh_threshold("pulse", simulate)
    times, t, v = hh_run(simulate, "step", 0.1, amplitude=amplitude, **PULSE)
    assert times.size == 0
    assert v.max() < -55.0
    assert v[(t > 20.0) & (t < 22.0)].max() > -65.0 + 4.0  # the pulse did depolarise the membrane
    assert abs(v[-1] + 65.0) < 1.0, "and the membrane returns to rest"


def test_hh_dc_above_rheobase_fires_repetitively(simulate):
    times, _, _ = hh_run(simulate, "dc", 0.5, amplitude=1.1 * hh_threshold("dc", simulate))
    assert times.size >= 20 and times[-1] > 450.0
    isi = np.diff(times)
    assert isi[2:].std() / isi[2:].mean() < 0.05


def test_hh_dc_below_rheobase_does_not_fire_repetitively(simulate):
    times, t, v = hh_run(simulate, "dc", 0.5, amplitude=0.9 * hh_threshold("dc", simulate))
    assert times.size <= 1 and not np.any(times > 50.0)  # at most the onset spike
    assert np.ptp(v[t > 400.0]) < 1.0, "settles to a steady depolarised level"


def test_hh_sustained_current_fires_repetitively(simulate):
    # 10 uA/cm^2: the squid axon fires regularly at roughly 70 Hz
    times, t, v = hh_run(simulate, "dc", 0.5, amplitude=1000.0)
    isi = np.diff(times)
    assert times.size >= 25
    assert 50.0 < 1000.0 / isi[2:].mean() < 90.0
    assert isi[2:].std() / isi[2:].mean() < 0.05
    # every counted spike is a full action potential: one peak above +20 mV per spike
    above = v > 20.0
    assert np.count_nonzero(above[1:] & ~above[:-1]) == pytest.approx(times.size, abs=1)
