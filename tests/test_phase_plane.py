"""Phase planes of Izhikevich and AdEx neurons: nullclines, fixed points and stability against the analytic
formulas, and trajectories that match a simulation of one neuron step for step, resets included."""

import math

import numpy as np
import pytest
from spikestudio.engine.model.catalog import IZHIKEVICH_PRESETS, NEURON_MODELS
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation.live import LiveTap
from spikestudio.engine.simulation.simulator import Simulator
from spikestudio.engine.teaching import phase_plane as pp

RS = {**IZHIKEVICH_PRESETS["RS"]}
ADEX = {name: spec.default for name, spec in NEURON_MODELS["adex"].params.items()}


def probed_run(net: Network, node: str, second: str, ms: float):
    """(t, v, x) of neuron 0 of ``node`` sampled every step by simulator probes, as the live views read them."""
    sim = Simulator(net)
    tap = LiveTap(max_samples=10 * int(ms / net.dt))
    tap.attach(sim)
    sim.set_probes([(node, 0, "v"), (node, 0, second)])
    sim.run(ms / 1000.0)
    traces = tap.frame(window=10 * ms).traces
    t, v = traces[(node, 0, "v")]
    _, x = traces[(node, 0, second)]
    return t, v, x


# --- Izhikevich ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("current", [0.0, 4.0, 10.0])
def test_izhikevich_nullclines_are_the_parabola_and_the_line(current):
    v = np.linspace(-90, 30, 121)
    v_null, u_null = pp.nullclines("izhikevich", RS, current, v)
    np.testing.assert_allclose(v_null, 0.04 * v**2 + 5 * v + 140 + current, rtol=0, atol=1e-12)
    np.testing.assert_allclose(u_null, 0.2 * v, rtol=0, atol=1e-12)
    dv, du = pp.derivatives("izhikevich", RS, current, v, v_null)  # on the v-nullcline v stands still
    np.testing.assert_allclose(dv, 0.0, atol=1e-10)
    dv, du = pp.derivatives("izhikevich", RS, current, v, u_null)
    np.testing.assert_allclose(du, 0.0, atol=1e-12)


def test_izhikevich_fixed_points_solve_the_quadratic_with_the_analytic_jacobian():
    params = {**IZHIKEVICH_PRESETS["LTS"]}  # b = 0.25
    b, a, current = params["b"], params["a"], 0.5
    disc = (5 - b) ** 2 - 4 * 0.04 * (140 + current)
    expected = sorted([(-(5 - b) - math.sqrt(disc)) / 0.08, (-(5 - b) + math.sqrt(disc)) / 0.08])
    points = pp.fixed_points("izhikevich", params, current)
    assert [p.v for p in points] == pytest.approx(expected, abs=1e-9)
    assert [p.x for p in points] == pytest.approx([b * v for v in expected], abs=1e-9)
    for p in points:
        tr, det = 0.08 * p.v + 5 - a, -(0.08 * p.v + 5) * a + a * b  # the Jacobian [[0.08v+5, -1], [ab, -a]]
        lam = np.roots([1, -tr, det])
        assert sorted(p.eigenvalues, key=lambda e: e.real) == pytest.approx(sorted(lam, key=lambda e: e.real))
    assert points[0].stable and not points[1].stable and points[1].kind == "saddle"


def test_the_regular_spiking_neuron_rests_at_a_stable_point_near_minus_70_mv_and_loses_it_above_rheobase():
    rest = pp.fixed_points("izhikevich", RS, 0.0)
    assert len(rest) == 2
    assert rest[0].v == pytest.approx(-70.0, abs=0.5) and rest[0].stable
    assert rest[0].x == pytest.approx(0.2 * rest[0].v)
    # the two fixed points meet (saddle-node) where the parabola just touches u = b v: (5 - b)^2 = 0.16 (140 + I)
    rheobase = (5 - 0.2) ** 2 / 0.16 - 140
    assert len(pp.fixed_points("izhikevich", RS, rheobase - 0.01)) == 2
    assert pp.fixed_points("izhikevich", RS, rheobase + 0.01) == []


@pytest.mark.parametrize("preset, current", [("RS", 10.0), ("CH", 10.0), ("FS", 0.0), ("RS", 0.0)])
def test_izhikevich_trajectory_equals_a_probed_one_neuron_simulation_including_resets(preset, current):
    net = Network(dt=0.1, seed=3)
    net.add_population("N", 1, "izhikevich", **IZHIKEVICH_PRESETS[preset], I_e=current / 2)
    net.add_current("dc", "N", "dc", amplitude=current / 2)  # I_e and a DC input add up
    net.add_current("sine", "N", "sine", amplitude=0.0)  # a time-varying input is not constant current
    total = pp.constant_current(net, "N")
    assert total == current
    t, v, u = probed_run(net, "N", "u", 300.0)
    traj = pp.trajectory("izhikevich", net.populations["N"].params, total, -65.0, 0.2 * -65.0, 300.0 - 0.1)
    np.testing.assert_allclose(traj.t, t, atol=1e-9)
    np.testing.assert_allclose(traj.v, v, rtol=0, atol=1e-9)
    np.testing.assert_allclose(traj.x, u, rtol=0, atol=1e-9)
    if current > 0:
        assert traj.spikes.size >= 3  # the resets are part of what matched
        assert np.sum(np.diff(traj.v) < -50) == traj.spikes.size


# --- AdEx ---------------------------------------------------------------------------------------------
def test_adex_nullclines_follow_the_formula():
    v = np.linspace(-90, -40, 51)
    p, current = ADEX, 300.0
    v_null, w_null = pp.nullclines("adex", p, current, v)
    expected = -p["g_L"] * (v - p["E_L"]) + p["g_L"] * p["Delta_T"] * np.exp((v - p["V_T"]) / p["Delta_T"]) + current
    np.testing.assert_allclose(v_null, expected, rtol=1e-12)
    np.testing.assert_allclose(w_null, p["a"] * (v - p["E_L"]), rtol=1e-12)


def test_adex_fixed_points_are_where_the_nullclines_cross_and_their_stability_is_the_jacobians():
    p = ADEX
    points = pp.fixed_points("adex", p, 0.0)
    assert len(points) == 2
    for fp in points:
        v_null, w_null = pp.nullclines("adex", p, 0.0, np.array([fp.v]))
        assert v_null[0] == pytest.approx(w_null[0], abs=1e-6) == pytest.approx(fp.x, abs=1e-6)
        slope = p["g_L"] * (math.exp((fp.v - p["V_T"]) / p["Delta_T"]) - 1)
        jac = np.array([[slope / p["C_m"], -1 / p["C_m"]], [p["a"] / p["tau_w"], -1 / p["tau_w"]]])
        lam = sorted(np.linalg.eigvals(jac), key=lambda e: e.real)
        assert sorted(fp.eigenvalues, key=lambda e: e.real) == pytest.approx(lam)
    rest, saddle = points
    assert rest.v == pytest.approx(p["E_L"], abs=0.1) and rest.stable
    assert saddle.kind == "saddle" and rest.v < p["V_T"] < saddle.v
    # rheobase: the two meet where f(v) = -(g_L + a)(v - E_L) + g_L Delta_T exp(...) + I has its minimum at 0
    g = p["g_L"] + p["a"]
    v_min = p["V_T"] + p["Delta_T"] * math.log(g / p["g_L"])
    rheobase = g * (v_min - p["E_L"]) - p["g_L"] * p["Delta_T"] * math.exp((v_min - p["V_T"]) / p["Delta_T"])
    assert len(pp.fixed_points("adex", p, rheobase - 0.01)) == 2
    assert pp.fixed_points("adex", p, rheobase + 0.01) == []


def test_adex_trajectory_equals_a_probed_simulation_with_refractory_clamp_and_adaptation():
    net = Network(dt=0.1, seed=3)
    net.add_population("A", 1, "adex", t_ref=2.0, I_e=800.0)
    t, v, w = probed_run(net, "A", "w", 400.0)
    p = net.populations["A"].params
    traj = pp.trajectory("adex", p, None, p["E_L"], 0.0, 400.0 - 0.1)
    assert traj.spikes.size >= 3
    np.testing.assert_allclose(traj.v, v, rtol=0, atol=1e-9)
    np.testing.assert_allclose(traj.x, w, rtol=0, atol=1e-9)
    isi = np.diff(traj.spikes)
    assert isi[-1] > isi[0]  # w builds up: the neuron adapts


# --- other models and ranges ----------------------------------------------------------------------------
@pytest.mark.parametrize("model", ["lif", "hh", "lif_adaptive"])  # lif_adaptive: its cut-off moves with theta
def test_models_without_a_two_variable_phase_plane_are_refused_by_name(model):
    with pytest.raises(ValueError, match=f"'{model}'.*not a two-variable model"):
        pp.fixed_points(model, {}, 0.0)
    with pytest.raises(ValueError, match=f"'{model}'"):
        pp.phase_axes(model)


def test_unknown_parameters_and_populations_are_named():
    with pytest.raises(ValueError, match="unknown parameters for model 'izhikevich': tau_m"):
        pp.nullclines("izhikevich", {"tau_m": 3.0}, 0.0, [0.0])
    with pytest.raises(ValueError, match="no population 'X'"):
        pp.constant_current(Network(), "X")


def test_axes_carry_the_catalogue_units():
    assert pp.phase_axes("izhikevich") == (("v", "mV"), ("u", "mV/ms"))
    assert pp.phase_axes("adex") == (("v", "mV"), ("w", "pA"))


@pytest.mark.parametrize("model, params, current", [("izhikevich", RS, 0.0), ("izhikevich", RS, 10.0),
                                                    ("adex", ADEX, 0.0), ("adex", ADEX, 500.0)])
def test_default_ranges_hold_the_fixed_points_the_reset_and_the_knee_of_the_v_nullcline(model, params, current):
    (v_lo, v_hi), (x_lo, x_hi) = pp.default_ranges(model, params, current)
    assert v_lo < pp.reset_potential(model, params) < v_hi == params.get("V_peak", 30.0)
    for fp in pp.fixed_points(model, params, current):
        assert v_lo < fp.v < v_hi and x_lo < fp.x < x_hi
    v = np.linspace(v_lo, v_hi, 500)
    assert x_lo < pp.nullclines(model, params, current, v)[0].min() < x_hi


def test_vector_field_is_the_derivative_on_a_grid():
    v, u, dv, du = pp.vector_field("izhikevich", RS, 5.0, (-80, -40), (-20, 0), (5, 4))
    assert v.shape == u.shape == dv.shape == du.shape == (4, 5)
    np.testing.assert_allclose(dv, 0.04 * v**2 + 5 * v + 140 - u + 5.0)
    np.testing.assert_allclose(du, 0.02 * (0.2 * v - u))


# --- derived from the descriptions: what the kernel does at the cut-off -----------------------------------------
def test_the_adex_v_nullcline_caps_the_exponential_at_the_cut_off_as_the_kernel_does():
    p = {**ADEX, "V_peak": -45.0}
    v = np.linspace(-60.0, -30.0, 61)
    cap = (p["V_peak"] - p["V_T"]) / p["Delta_T"]
    spike = p["g_L"] * p["Delta_T"] * np.exp(np.minimum((v - p["V_T"]) / p["Delta_T"], cap))
    np.testing.assert_allclose(pp.nullclines("adex", p, 0.0, v)[0], -p["g_L"] * (v - p["E_L"]) + spike, rtol=1e-12)


def test_a_crossing_of_the_capped_nullclines_at_or_above_the_cut_off_is_no_fixed_point_the_neuron_spikes_there():
    p = {**ADEX, "V_peak": -45.0}  # capped, dv/dt falls again above V_peak and meets the w-nullcline at about -44.3
    g = p["g_L"] + p["a"]
    above = p["E_L"] + p["g_L"] * p["Delta_T"] * math.exp((p["V_peak"] - p["V_T"]) / p["Delta_T"]) / g
    assert above > p["V_peak"]
    points = pp.fixed_points("adex", p, 0.0)
    assert [f.kind for f in points] == ["stable node", "saddle"] and all(f.v < p["V_peak"] for f in points)
    traj = pp.trajectory("adex", p, 0.0, above, p["a"] * (above - p["E_L"]), 1.0)
    assert traj.spikes.size == 1 and traj.v[1] == p["V_reset"]  # the kernel resets it on the first step


@pytest.mark.parametrize("model, params", [("izhikevich", RS), ("adex", ADEX)])
def test_on_the_v_nullcline_one_kernel_step_leaves_v_where_it_was(model, params):
    v = np.array([-75.0, -62.0, -52.0])
    x = pp.nullclines(model, params, 3.0, v)[0]
    for v0, x0 in zip(v, x):
        traj = pp.trajectory(model, params, 3.0, v0, x0, 0.1)
        assert traj.v[1] == pytest.approx(v0, abs=1e-9)


@pytest.mark.parametrize("model, params", [("izhikevich", RS), ("adex", ADEX)])
def test_the_kernel_rests_at_the_stable_point_and_leaves_the_saddle_the_way_its_side_says(model, params):
    rest, saddle = pp.fixed_points(model, params, 0.0)
    stay = pp.trajectory(model, params, 0.0, rest.v, rest.x, 200.0)
    np.testing.assert_allclose(stay.v, rest.v, atol=1e-9)
    right = pp.trajectory(model, params, 0.0, saddle.v + 0.5, saddle.x, 200.0)
    left = pp.trajectory(model, params, 0.0, saddle.v - 0.5, saddle.x, 1000.0)  # AdEx's w relaxes in 144 ms
    assert right.spikes.size >= 1 and left.spikes.size == 0
    assert left.v[-1] == pytest.approx(rest.v, abs=0.05)


def test_roots_close_together_are_both_found_between_coarse_samples():
    from spikestudio.engine.teaching.curve_roots import roots

    def f(x):
        return (x - 1.0) * (x - 1.0 - 1e-5) * (x + 3.0)

    found = roots(f, np.linspace(-10.0, 10.0, 41))  # samples 0.5 apart
    assert found == pytest.approx([-3.0, 1.0, 1.0 + 1e-5], abs=1e-12)
    assert roots(lambda x: (x - 1.0) ** 2 + 1e-9, np.linspace(-10.0, 10.0, 41)) == []
