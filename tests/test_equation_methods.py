"""The integration method follows the equations' form (exact, exponential Euler, RK4), a forced method is
honoured or refused, and the exact propagators are the hand-written kernel's numbers, bit for bit."""

import math

import numpy as np
import pytest
from spikestudio.engine.equations.description import ModelError
from spikestudio.engine.equations.evaluate import evaluate
from spikestudio.engine.equations.layout import expm, layout_of
from spikestudio.engine.equations.methods import plan_integration
from spikestudio.engine.equations.parser import parse_expression
from spikestudio.engine.equations.text import parse_model
from spikestudio.engine.kernels import codes
from spikestudio.engine.simulation.build import derive_params

HEAD = "state v = -70 mV\nstate w = 0 mV\nparam tau = 10 ms\nparam E = -70 mV\nparam g = 2\n"


@pytest.mark.parametrize("equations, method", [
    ("dv/dt = (E - v)/tau + I_syn*mV/pA/tau\ndw/dt = (v - w)/(g*tau)", "exact"),
    ("dv/dt = (E - v)/tau\ndw/dt = (v - E)/(tau + g*ms)", "exact"),  # a coefficient made of parameters
    ("dv/dt = (E - v)*(1 + w/mV)/tau\ndw/dt = (exp(v/mV) - w/mV)*mV/tau", "exponential_euler"),
    ("dv/dt = (E - v)*sin(t/ms)/tau\ndw/dt = -w/tau", "exponential_euler"),  # time-dependent: not exact
    ("dv/dt = -v**3/(mV**2*tau)\ndw/dt = -w/tau", "rk4"),
    ("dv/dt = -v*w/(mV*tau)\ndw/dt = -w*v/(mV*tau)", "exponential_euler"),
    ("dv/dt = exp(-v/mV)*mV/tau\ndw/dt = -w/tau", "rk4"),
])
def test_the_method_follows_the_form_of_the_equations(equations, method):
    assert plan_integration(parse_model(HEAD + equations)).method == method


def test_a_forced_method_that_cannot_apply_is_a_located_problem():
    text = HEAD + "dv/dt = -v**3/(mV**2*tau)\nmethod exponential_euler"
    with pytest.raises(ModelError) as err:
        plan_integration(parse_model(text), "cubic")
    assert [(p.line, p.col) for p in err.value.problems] == [(7, 8)] and "its own variable" in str(err.value)
    assert plan_integration(parse_model(HEAD + "dv/dt = (E - v)/tau\nmethod euler")).method == "euler"


def test_the_one_variable_propagator_is_the_hand_written_lifs_bit_for_bit():
    lif = parse_model("state v = -70 mV\nparam tau_m = 20 ms\nparam C_m = 250 pF\nparam E_L = -49 mV\n"
                      "param V_th = -50 mV\nparam V_reset = -60 mV\nparam t_ref = 5 ms\nparam I_e = 0 pA\n"
                      "dv/dt = (E_L - v)/tau_m + (I_e + I_syn)/C_m\nthreshold v >= V_th\nreset v = V_reset\n"
                      "refractory t_ref clamp v")
    layout = layout_of(lif)
    assert layout.scalar_exact
    for dt in (0.1, 0.05, 0.013):
        row = np.zeros(layout.width)
        row[: layout.n_params] = [20.0, 250.0, -49.0, -50.0, -60.0, 5.0, 0.0]
        layout.derive(row, dt)
        hand = np.zeros(codes.N_PARAM)
        hand[:7] = [20.0, 250.0, -49.0, -50.0, -60.0, 5.0, 0.0]
        derive_params(codes.LIF, hand, dt)
        base, p22, gain, tau, r = row[layout.ref_col + 1: layout.ref_col + 6]
        assert (p22, tau, r, row[layout.ref_col]) == (hand[12], 20.0, hand[13], hand[14])
        assert base == hand[2] * (1.0 - hand[12]) and gain == hand[13] * (1.0 - hand[12])


def test_the_propagator_of_a_linear_system_solves_it():
    """Two coupled linear equations: the propagator over dt equals the matrix exponential's closed form."""
    text = HEAD + "dv/dt = (E - v)/tau - w/tau\ndw/dt = (v - E - w)/(g*tau)"
    layout = layout_of(parse_model(text))
    values = {"tau": 10.0, "E": -70.0, "g": 2.0}
    p, q, g = layout.propagator(values, 0.1)
    a = np.array([[-0.1, -0.1], [0.05, -0.05]])
    b = np.array([-7.0, 3.5])
    w, vecs = np.linalg.eig(a)
    closed = (vecs @ np.diag(np.exp(w * 0.1)) @ np.linalg.inv(vecs)).real
    assert np.allclose(p, closed, rtol=1e-13, atol=1e-15)
    assert np.allclose(q, (closed - np.eye(2)) @ np.linalg.solve(a, b), rtol=1e-12)
    assert np.allclose(g, 0.0)
    assert np.allclose(expm(np.array([[0.0, 1.0], [-1.0, 0.0]]) * math.pi), -np.eye(2), atol=1e-12)


def test_build_time_values_come_from_the_tree():
    assert evaluate(parse_expression("where(a > 1, clip(a*2, 0, 3), -a)"), {"a": 2.0}) == 3.0
    assert evaluate(parse_expression("10*ms + 1*second"), {}) == 1010.0
    with pytest.raises(ZeroDivisionError):
        evaluate(parse_expression("1/a"), {"a": 0.0})
