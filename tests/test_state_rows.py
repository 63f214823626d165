"""Models with more than four state variables: the loop's state table grows to the largest model's state (at most
MAX_STATE rows), a six-variable two-compartment neuron runs, is recorded in every variable and agrees with a
fine-step reference written here by hand; beyond MAX_STATE the text gets a located message."""

import math
from pathlib import Path

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.equations.description import MAX_STATE, ModelError
from spikestudio.engine.equations.text import parse_model
from spikestudio.engine.kernels import codes
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation.build import initial_values

TEXT = (Path(__file__).parent / "data" / "models" / "two_compartment.model").read_text()
DEFAULTS = {p.name: p.default for p in parse_model(TEXT).params}


def two_compartment_net(dt: float = 0.01) -> Network:
    net = Network(dt=dt, duration=300.0, seed=1)
    net.add_model("two", TEXT)
    net.add_population("T", 1, "two", I_e=150.0)
    net.add_population("L", 3, "lif", I_e=400.0)  # a 1-variable model beside it, in the same (6-row) table
    net.record_spikes("T")
    net.record_spikes("L")
    net.record_state("T", "i2")
    net.record_state("T", "c")
    return net


def reference(p: dict, i_e: float, duration: float = 300.0, dt: float = 0.0005) -> list[float]:
    """Spike times (ms) of the two-compartment neuron by forward Euler at ``dt``, v held at V_reset for 2 ms
    after each spike; engine units (ms, mV, pA, nS, pF), the equations copied by hand from the model file."""
    v = vd = -70.0
    w = c = i1 = i2 = 0.0
    spikes, held = [], 0
    hold = int(round(2.0 / dt))
    for k in range(int(round(duration / dt))):
        dv = (p["g_L"] * (p["E_L"] - v) + p["g_c"] * (vd - v) - w + i_e) / p["C_s"]
        dvd = (p["g_L"] * (p["E_L"] - vd) + p["g_c"] * (v - vd) + p["g_Ca"] * c * (p["E_Ca"] - vd) + i2) / p["C_d"]
        dw = (p["a"] * (v - p["E_L"]) - w) / p["tau_w"]
        dc = (1.0 / (1.0 + math.exp(-(vd - p["V_h"]) / p["k_c"])) - c) / p["tau_c"]
        di1, di2 = (p["I_d"] - i1) / p["tau_f"], (i1 - i2) / p["tau_f"]
        vd, w, c, i1, i2 = vd + dt * dvd, w + dt * dw, c + dt * dc, i1 + dt * di1, i2 + dt * di2
        if held > 0:
            held -= 1
            v = p["V_reset"]
            continue
        v += dt * dv
        if v >= p["V_th"]:
            spikes.append((k + 1) * dt)
            v, w, held = p["V_reset"], w + p["b"], hold
    return spikes


def test_the_state_table_has_as_many_rows_as_the_largest_model():
    assert codes.SYN_EXC >= MAX_STATE and codes.SYN_INH >= MAX_STATE  # trace codes never read a state row
    start = initial_values(two_compartment_net())
    assert list(start["T"]) == ["v", "v_d", "w", "c", "i1", "i2"]
    assert start["T"]["v_d"][0] == -70.0 and start["L"]["v"].tolist() == [-70.0] * 3


@pytest.mark.slow  # compiles the generated loop of a six-variable model (about 30 s under load)
def test_a_six_variable_model_runs_and_matches_a_fine_step_reference():
    res = spikestudio.Simulator(two_compartment_net()).run()
    times, _ = res.spikes("T")
    expected = reference(DEFAULTS, 150.0)
    assert len(expected) >= 4
    assert len(times) == len(expected)
    assert np.max(np.abs(times - np.array(expected))) < 0.5  # exponential Euler at 0.01 ms against Euler at 0.5 us
    t, i2 = res.trace("i2:T")
    tau, drive = DEFAULTS["tau_f"], DEFAULTS["I_d"]  # the second filter stage: I_d (1 - (1 + t/tau) e^(-t/tau))
    exact = drive * (1.0 - (1.0 + t / tau) * np.exp(-t / tau))
    assert np.max(np.abs(i2.ravel() - exact)) < 0.01 * drive
    _, c = res.trace("c:T")
    assert 0.0 < c.max() < 1.0  # the gate opened, as a gate does
    assert (res.spike_counts("L") > 0).all()  # the LIF beside it is unaffected by the larger table


def test_more_state_variables_than_the_loop_holds_is_a_located_problem():
    lines = TEXT.splitlines()
    at = max(k for k, line in enumerate(lines) if line.startswith("state "))
    extra = [f"state z{k} = 0" for k in range(MAX_STATE - 6 + 1)]
    with pytest.raises(ModelError) as err:
        parse_model("\n".join(lines[: at + 1] + extra + lines[at + 1:]))
    problem = err.value.problems[0]
    assert problem.message == f"a model has at most {MAX_STATE} state variables"
    assert problem.line == at + 1 + len(extra) and problem.col > 0


def test_the_memory_estimate_counts_the_larger_state_table():
    """The estimate before building sizes the state table as the build does: six rows for every neuron once one
    population's model has six state variables, four otherwise."""
    from spikestudio.engine.simulation.build import memory_parts

    with_six = two_compartment_net()
    only_lif = Network(dt=0.01, duration=300.0, seed=1)
    only_lif.add_population("T", 1, "lif")
    only_lif.add_population("L", 3, "lif")
    extra = memory_parts(with_six)["neuron state"] - memory_parts(only_lif)["neuron state"]
    assert extra == 4 * 2 * 2 * 8  # 4 neurons x 2 more rows x (row + its reset copy) x 8 bytes
