"""The F-I tool (``engine.analysis.fi_curve``, behind the F-I dialog) on every non-LIF model, against what is known
of each: where it starts firing (from the phase plane's bifurcations, or the literature) and how the rate rises.

The LIF curve against its analytic formula is in test_analysis.py and, through the dialog, test_plot_analysis.py.
"""

import numpy as np
import pytest
from spikestudio.engine.analysis.spike_stats import fi_curve, lif_rate
from spikestudio.engine.teaching import phase_plane as pp


def onset(curve) -> float:
    """The first current that makes the neuron fire (after the transient)."""
    fires = curve.rate_hz > 0
    assert fires.any() and not fires[0]
    assert np.all(fires[np.argmax(fires):])  # once it fires it keeps firing at every larger current
    return float(curve.currents[np.argmax(fires)])


def bifurcation(model: str, currents: np.ndarray) -> tuple[float, float]:
    """(first current whose resting state is unstable, first current with no resting state), from the phase plane."""
    stable = [bool(fp) and fp[0].stable for fp in (pp.fixed_points(model, None, i) for i in currents)]
    exists = [bool(pp.fixed_points(model, None, i)) for i in currents]
    return float(currents[np.argmin(stable)]), float(currents[np.argmin(exists)])


def test_izhikevich_rs_starts_firing_between_3_and_5_pa_where_its_phase_plane_loses_the_resting_state():
    curve = fi_curve("izhikevich", np.arange(3.0, 5.001, 0.02), 2000.0, transient=500.0)
    first = onset(curve)
    hopf, saddle_node = bifurcation("izhikevich", np.arange(3.0, 5.0, 0.001))
    assert hopf == pytest.approx(3.798, abs=0.002) and saddle_node == pytest.approx(4.0, abs=0.002)
    assert 3.0 < first <= saddle_node < 5.0
    assert first == pytest.approx(hopf, abs=0.05)  # forward Euler at 0.1 ms moves it a little
    assert np.all(np.diff(curve.steady_hz[curve.rate_hz > 0]) >= -0.1)  # rising (to within one interval)
    assert curve.rate_hz[-1] > curve.rate_hz[curve.rate_hz > 0][0]


def test_adex_starts_firing_at_its_phase_plane_bifurcation_and_its_adapted_rate_rises_with_the_current():
    curve = fi_curve("adex", np.arange(600.0, 1000.1, 4.0), 2000.0, transient=500.0)
    first = onset(curve)
    lost, _ = bifurcation("adex", np.arange(600.0, 650.0, 0.1))
    assert lost == pytest.approx(627.2, abs=0.2)
    assert lost - 4.0 < first <= lost + 4.0
    fired = curve.steady_hz[curve.rate_hz > 0]
    assert np.all(np.diff(fired) > 0) and fired[-1] > 20.0
    early, late = fi_curve("adex", [900.0], 60.0), fi_curve("adex", [900.0], 1000.0, transient=500.0)
    assert early.rate_hz[0] > 2.0 * late.rate_hz[0]  # it adapts: w builds up, the first intervals are the short ones


def test_hodgkin_huxley_fires_repetitively_from_about_6_2_ua_per_cm2_jumping_to_about_50_hz():
    # C_m = 100 pF is 1e-4 cm^2 of membrane at 1 uF/cm^2, so 100 pA is 1 uA/cm^2. Repetitive firing under a
    # step from rest starts near 6.2-6.3 uA/cm^2 (Rinzel & Miller 1980), a type II onset at about 50 Hz.
    curve = fi_curve("hh", np.arange(500.0, 1000.1, 10.0), 1000.0, transient=200.0)
    first = onset(curve)
    assert 600.0 <= first <= 650.0
    assert 40.0 < curve.rate_hz[curve.rate_hz > 0][0] < 60.0  # no slow firing: the rate jumps
    fired = curve.steady_hz[curve.rate_hz > 0]
    assert np.all(np.diff(fired) >= -0.5) and fired[-1] > fired[0] + 10.0
    single = fi_curve("hh", [200.0, 300.0], 200.0)  # below it, a step gives one spike at most
    assert single.rate_hz.tolist() == [0.0, 5.0]


def test_lif_with_adaptive_threshold_is_lif_without_adaptation_and_slower_with_it():
    currents = np.arange(0.0, 1000.1, 50.0)
    lif = fi_curve("lif", currents, 1000.0)
    plain = fi_curve("lif_adaptive", currents, 1000.0, params={"theta_plus": 0.0})
    np.testing.assert_array_equal(plain.rate_hz, lif.rate_hz)
    assert onset(plain) == 400.0  # rheobase (V_th - E_L) C_m / tau_m = 375 pA
    adapting = fi_curve("lif_adaptive", currents, 1000.0, params={"theta_plus": 2.0, "tau_theta": 100.0})
    fires = lif.rate_hz > 0
    assert onset(adapting) == 400.0
    assert np.all(adapting.rate_hz[fires] < lif.rate_hz[fires]) and np.all(np.diff(adapting.rate_hz[fires]) > 0)
    assert np.all(lif_rate(currents[~fires]) == 0)
