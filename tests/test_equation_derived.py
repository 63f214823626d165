"""What the tools derive from a description alone: the F-I curve of a model defined only in test data, and the
phase plane of any two-variable model (nullclines, Jacobian, fixed points and their stability)."""

from pathlib import Path

import numpy as np
import pytest
from spikestudio.engine.analysis.spike_stats import fi_curve
from spikestudio.engine.equations.text import parse_model
from spikestudio.engine.model.network import Network, Population
from spikestudio.engine.teaching.model_phase_plane import model_plane

MODELS = Path(__file__).parent / "data" / "models"


def desc(name):
    return parse_model((MODELS / f"{name}.model").read_text())


def test_the_fi_curve_of_a_model_known_only_from_its_equations():
    """EIF: silent below its rheobase, then a rate rising with the current; the rheobase lies where the leak
    can no longer balance the current at the exponential's knee: g_L (V_T - E_L - Delta_T) = 10 * 13 = 130 pA."""
    net = Network()
    net.add_model("eif", (MODELS / "exponential_if.model").read_text())
    net.add_population("P", 1, "eif", I_e=0.0)
    curve = fi_curve(net, [100.0, 125.0, 135.0, 200.0, 300.0, 400.0], duration=1000.0, transient=100.0)
    assert list(curve.rate_hz[:2]) == [0.0, 0.0] and curve.rate_hz[2] > 0
    assert np.all(np.diff(curve.rate_hz[2:]) > 0)


def _fi_and_stability(name, currents, box):
    """The F-I curve of a test-only model from its equations, and whether its phase plane's one fixed point is
    stable at each current."""
    net = Network()
    net.add_model(name, (MODELS / f"{name}.model").read_text())
    net.add_population("P", 1, name, I_e=0.0)
    rates = fi_curve(net, currents, duration=1000.0, transient=200.0).rate_hz
    stable = []
    for current in currents:
        (point,) = model_plane(desc(name), {"I_e": 0.0}, current=current).fixed_points(*box)
        stable.append(point.stable)
    return rates, stable


def test_the_fi_curve_of_fitzhugh_nagumo_starts_where_its_fixed_point_loses_stability():
    """FitzHugh-Nagumo: silent while its rest is a stable focus, a relaxation oscillation once the Hopf point is
    passed (I = 30 mV x 0.331 = 9.9 pA here), its period set by eps: about 40 tau (25 Hz at tau = 1 ms) whatever
    the current. Past the upper Hopf point (about 43 pA) the rest is stable again, above the 30 mV threshold: a
    spike is an upward crossing, so the neuron is silent there, and near that point it still fires at the
    oscillation's rate, not every refractory period (a level test gave 47.5 Hz at 40 pA and 1/20 ms at 60 pA)."""
    currents = [0.0, 5.0, 8.0, 12.0, 15.0, 25.0, 35.0, 40.0, 60.0]
    rates, stable = _fi_and_stability("fitzhugh_nagumo", currents, ((-80.0, 80.0), (-40.0, 80.0)))
    assert stable == [True, True, True, False, False, False, False, False, True]
    assert [bool(r > 0) for r in rates] == [not s for s in stable]
    assert np.all((rates[3:8] > 20.0) & (rates[3:8] < 30.0)), rates
    assert rates[-1] == 0.0


def test_the_fi_curve_of_morris_lecar_jumps_to_a_finite_rate_as_a_class_2_neuron():
    """Morris-Lecar with Rinzel & Ermentrout's (1989) Hopf parameters: no firing up to the onset near 88 pA, then a
    rate that starts at about 10 Hz (not near zero, as the class 1 EIF's does) and grows slowly; the rest is
    unstable above the subcritical Hopf point (about 97.8 pA), and at 90 pA the neuron fires although its rest
    is still stable (the bistable range between the two)."""
    currents = [60.0, 80.0, 85.0, 90.0, 100.0, 110.0, 150.0, 200.0]
    rates, stable = _fi_and_stability("morris_lecar", currents, ((-80.0, 60.0), (0.0, 1.0)))
    assert list(rates[:3]) == [0.0, 0.0, 0.0]
    assert 8.0 <= rates[3] <= 12.0 and stable[3]
    assert np.all(np.diff(rates[3:]) >= 0) and rates[-1] < 2.5 * rates[3]
    assert stable[:4] == [True] * 4 and not any(stable[4:])


def test_a_population_alone_with_a_model_described_by_equations_is_a_clear_error():
    """Its description lives in a network; without one the sweep says so (not an AttributeError)."""
    with pytest.raises(ValueError, match="unknown neuron model 'eif'"):
        fi_curve(Population("P", 1, "eif"), [100.0], duration=100.0)


def _fhn_fixed_point(current_hat):
    """The textbook FitzHugh-Nagumo fixed point: the real root of v - v^3/3 - (v + a)/b + I = 0."""
    a, b = 0.7, 0.8
    roots = np.roots([-1 / 3, 0.0, 1 - 1 / b, current_hat - a / b])
    v = float(next(r.real for r in roots if abs(r.imag) < 1e-9))
    return v, (v + a) / b


@pytest.mark.parametrize("current, stable", [(-15.0, True), (0.0, True), (15.0, False)])
def test_fitzhugh_nagumo_fixed_point_and_its_stability(current, stable):
    """In mV (30 mV per textbook unit; R = 1 mV/pA): one fixed point, a stable focus at rest, an unstable one
    (a limit cycle around it) when driven; the Jacobian's trace decides."""
    plane = model_plane(desc("fitzhugh_nagumo"), {"I_e": 0.0}, current=current)
    points = plane.fixed_points((-80.0, 80.0), (-40.0, 60.0))
    v, w = _fhn_fixed_point(current / 30.0)
    assert len(points) == 1
    assert points[0].x == pytest.approx(30 * v, abs=1e-6) and points[0].y == pytest.approx(30 * w, abs=1e-6)
    assert points[0].stable is stable
    jac = plane.jacobian(points[0].x, points[0].y)
    assert jac == pytest.approx(np.array([[1 - v * v, -1.0], [0.08, -0.08 * 0.8]]), abs=1e-6)


def test_nullclines_are_the_zero_contours_of_the_grid():
    plane = model_plane(desc("morris_lecar"), {"I_e": 0.0})
    x, y, dx, dy = plane.grid((-80.0, 60.0), (0.0, 1.0), 50)
    w_nullcline = 0.5 * (1 + np.tanh((x - 2.0) / 30.0))  # dw/dt = 0 exactly there
    assert np.allclose(plane.derivatives(x[0], w_nullcline[0])[1], 0.0, atol=1e-12)
    assert np.sign(dy[0, 0]) != np.sign(dy[-1, 0])
    (rest,) = plane.fixed_points((-80.0, 60.0), (0.0, 1.0))
    assert rest.stable and -62 < rest.x < -59


def test_a_nullcline_is_solved_exactly_where_the_derivative_is_affine_in_the_second_variable_and_only_there():
    fhn = model_plane(desc("fitzhugh_nagumo"), {"I_e": 0.0})
    v = np.linspace(-60.0, 60.0, 13)
    np.testing.assert_allclose(fhn.nullcline(0, v), v - v**3 / (3 * 30.0**2), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fhn.nullcline(1, v), (v + 0.7 * 30.0) / 0.8, rtol=1e-12)
    cubic = parse_model("title Cubic recovery\nstate v = -65 mV\nstate w = 0 mV\nparam tau = 10 ms (0, inf)\n"
                        "dv/dt = (-65*mV - v - w)/tau\ndw/dt = (v + 65*mV - w**3/mV**2)/tau\n")
    plane = model_plane(cubic)
    np.testing.assert_allclose(plane.nullcline(0, v), -65.0 - v, rtol=1e-12)
    assert plane.nullcline(1, v) is None  # w**3: a zero contour of the grid, not a formula


def test_a_phase_plane_needs_two_variables():
    with pytest.raises(ValueError, match="has 1 state variables"):
        model_plane(desc("exponential_if"))


def test_the_equations_shown_are_typeset_from_the_same_trees():
    from spikestudio.engine.equations.tex import model_tex, name_tex

    assert [name_tex(n) for n in ("tau_m", "V_th", "Delta_T", "eps", "g_Ca")] == [
        r"\tau_{m}", r"V_{th}", r"\Delta_{T}", r"\epsilon", r"g_{Ca}"]
    lines = model_tex(desc("exponential_if"))
    assert lines[0] == (r"\frac{dv}{dt} = \frac{g_{L}\,(E_{L} - v) + g_{L}\,\Delta_{T}\,\exp(\min(\frac{(v - V_{T})}"
                        r"{\Delta_{T}}, 20)) + I_{e} + I_{syn}}{C}")
    assert lines[1:] == (r"\mathrm{spike\ when}\ v > V_{peak}", r"v \leftarrow V_{reset}",
                         r"\mathrm{refractory\ for}\ t_{ref}\ \mathrm{holding}\ v",
                         r"\mathrm{integrated\ by\ RK4,\ chosen\ from\ the\ equations}")


@pytest.mark.parametrize("name, method", [("exponential_if", "RK4"), ("gated", "exponential Euler"),
                                          ("adaptive_exact", "exact propagators")])
def test_the_equations_shown_say_which_method_was_chosen_for_them(name, method):
    """Issue 17: the integration method, chosen from the form of the equations, is shown with them; one written in
    the model is shown as written."""
    from spikestudio.engine.equations.tex import model_tex

    chosen = method.replace(" ", r"\ ")
    assert model_tex(desc(name))[-1] == rf"\mathrm{{integrated\ by\ {chosen},\ chosen\ from\ the\ equations}}"
    forced = parse_model((MODELS / f"{name}.model").read_text() + "\nmethod rk2\n")
    assert model_tex(forced)[-1] == r"\mathrm{integrated\ by\ RK2}"


def test_a_sweep_can_address_a_described_models_parameter():
    from spikestudio.engine.experiments.addresses import parameter_names, resolve

    net = Network()
    net.add_model("fhn", (MODELS / "fitzhugh_nagumo.model").read_text())
    net.add_population("F", 2, "fhn")
    assert "eps" in parameter_names(net.populations["F"], net)
    target = resolve(net, "F.tau")
    assert target.path == ("params", "tau") and target.spec.unit == "ms" and target.spec.low_open


def test_the_dt_warning_reads_a_described_models_time_constants():
    """A model known only from its equations gets the same coarse-dt warning as a built-in, from its own tau."""
    from spikestudio.engine.model.step_size import dt_warnings

    net = Network(dt=0.1)
    net.add_model("fhn", (MODELS / "fitzhugh_nagumo.model").read_text())
    net.add_population("F", 3, "fhn")
    assert dt_warnings(net) == []
    net.dt = 0.5  # the model's tau is 1 ms: ten steps need dt <= 0.1 ms
    assert any("tau = 1 ms" in w for w in dt_warnings(net))
