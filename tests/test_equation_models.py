"""Models defined only in test data run in networks through generated code: spike times against a fine-step
reference integration written out by hand here, the integration method chosen from the equations' form, the
LIF description giving the hand-written kernel's exact spikes, live parameter changes, and the disk cache."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.equations.description import ModelError
from spikestudio.engine.equations.layout import layout_of
from spikestudio.engine.equations.text import parse_model
from spikestudio.engine.model.network import Network
from spikestudio.resources.examples import example_path

MODELS = Path(__file__).parent / "data" / "models"


def text(name: str) -> str:
    return (MODELS / f"{name}.model").read_text()


def single(name: str, dt: float = 0.1, n: int = 1, model_id: str = "", **params) -> Network:
    net = Network(dt=dt, duration=400.0, seed=3)
    net.add_model(model_id or name, text(name))
    net.add_population("P", n, model_id or name, **params)
    net.record_spikes("P")
    return net


# The same models written out by hand (mV, ms, pA, nS, pF): derivative, threshold, reset, refractory steps
# at dt = 0.1 ms, clamped variables, initial state.
def _fhn(x):
    v, w = x
    return np.array([(v - v ** 3 / (3 * 30.0 ** 2) - w + 1.0 * 15.0) / 1.0, 0.08 * (v + 0.7 * 30.0 - 0.8 * w) / 1.0])


def _ml(x):
    v, w = x
    m_inf = 0.5 * (1 + np.tanh((v + 1.2) / 18.0))
    w_inf = 0.5 * (1 + np.tanh((v - 2.0) / 30.0))
    i_ion = 2.0 * (v + 60.0) + 4.4 * m_inf * (v - 120.0) + 8.0 * w * (v + 84.0)
    return np.array([(90.0 - i_ion) / 20.0, 0.04 * np.cosh((v - 2.0) / 60.0) * (w_inf - w)])


def _eif(x):
    v = x[0]
    return np.array([(10.0 * (-65.0 - v) + 10.0 * 2.0 * np.exp(min((v + 50.0) / 2.0, 20.0)) + 200.0) / 200.0])


def _adaptive(x):
    v, w = x
    return np.array([(-70.0 - v) / 10.0 + (500.0 - w) / 250.0, (4.0 * (v + 70.0) - w) / 100.0])


def _gated(x):
    v, n = x
    n_inf = 1 / (1 + np.exp((-45.0 - v) / 5.0))
    return np.array([(5.0 * (-70.0 - v) + 20.0 * n * (-90.0 - v) + 250.0) / 100.0, (n_inf - n) / 50.0])


def _reset_v(value):
    def reset(x):
        x[0] = value
    return reset


def _reset_adaptive(x):
    x[0], x[1] = -70.0, x[1] + 40.0


def _reset_gated(x):
    x[0], x[1] = -65.0, x[1] + 0.05


REFERENCES = {  # name: (f, threshold, reset, refractory steps or condition, clamped rows, initial state, method)
    "fitzhugh_nagumo": (_fhn, lambda x: x[0] > 30.0, None, lambda x: x[0] > 30.0, (), [-36.0, -19.0], "rk4"),
    "morris_lecar": (_ml, lambda x: x[0] > 10.0, None, 500, (), [-60.0, 0.015], "rk4"),
    "exponential_if": (_eif, lambda x: x[0] > 0.0, _reset_v(-68.0), 20, (0,), [-65.0], "rk4"),
    "adaptive_exact": (_adaptive, lambda x: x[0] >= -55.0, _reset_adaptive, 0, (), [-70.0, 0.0], "exact"),
    "gated": (_gated, lambda x: x[0] > -50.0, _reset_gated, 0, (), [-70.0, 0.0], "exponential_euler"),
}


def reference_spikes(name: str, dt: float, duration: float, sub: int = 200) -> np.ndarray:
    """Spike times (ms) by RK4 at dt / sub, with the simulator's rules: the threshold is read at the end of
    each step of dt (a spike is stamped with the step's start), reset then; refractory steps hold clamped rows
    and skip the threshold; a refractory condition skips it while it held at the step's start."""
    f, crossed, reset, ref_steps, clamped, x0, _ = REFERENCES[name]
    x = np.array(x0, float)
    h = dt / sub
    spikes, refractory = [], 0
    for step in range(int(round(duration / dt))):
        start = x.copy()
        for _ in range(sub):
            k1 = f(x)
            k2 = f(x + 0.5 * h * k1)
            k3 = f(x + 0.5 * h * k2)
            k4 = f(x + h * k3)
            x = x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        if callable(ref_steps):
            if not ref_steps(start) and crossed(x):
                spikes.append(step * dt)
            continue
        was_refractory = refractory > 0
        if was_refractory:
            refractory -= 1
            for row in clamped:
                x[row] = start[row]
        elif crossed(x):
            spikes.append(step * dt)
            if reset is not None:
                reset(x)
            refractory = ref_steps
    return np.array(spikes)


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_the_method_is_chosen_from_the_equations(name):
    assert layout_of(parse_model(text(name))).plan.method == REFERENCES[name][-1]


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_spike_times_agree_with_a_fine_step_reference(name):
    dt, duration = 0.1, 400.0
    res = spikestudio.Simulator(single(name, dt)).run(duration / 1000)
    got = res.spikes("P")[0]
    want = reference_spikes(name, dt, duration)
    assert len(want) >= 4, "the reference must spike for the comparison to mean something"
    assert len(got) == len(want)
    if REFERENCES[name][-1] == "exponential_euler":  # first order: its error grows with each interval
        assert np.max(np.abs(got - want)) <= 3 * dt + 1e-9
    else:  # fourth order or exact: within one step (where a crossing is read), mostly the very same step
        assert np.max(np.abs(got - want)) <= dt + 1e-9
        assert np.mean(np.isclose(got, want)) >= 0.75


def test_exponential_euler_converges_at_first_order():
    """Halving dt twice shrinks the drift of the gated model's spikes from the reference about fourfold."""
    def drift(dt):
        got = spikestudio.Simulator(single("gated", dt)).run(0.4).spikes("P")[0]
        want = reference_spikes("gated", dt, 400.0, sub=max(20, int(round(20 / dt))))
        n = min(len(got), len(want))
        return np.max(np.abs(got[:n] - want[:n])) + dt * abs(len(got) - len(want))

    coarse, fine = drift(0.2), drift(0.05)
    assert 0 < fine < coarse / 2


def test_a_forced_method_overrides_the_choice_and_a_wrong_one_is_located():
    forced = text("fitzhugh_nagumo") + "method rk2\n"
    assert layout_of(parse_model(forced)).plan.method == "rk2"
    wrong = text("fitzhugh_nagumo") + "method exact\n"
    with pytest.raises(ModelError) as err:
        layout_of(parse_model(wrong), "fhn")
    line = len(wrong.rstrip("\n").split("\n"))
    assert [(p.line, p.col) for p in err.value.problems] == [(line, 8)] and "linear" in str(err.value)
    net = single("fitzhugh_nagumo")
    net.models["fitzhugh_nagumo"] = parse_model(wrong)
    assert [str(p) for p in net.validate()] == [
        f'models["fitzhugh_nagumo"], line {line}, column 8: exact integration needs equations linear in the state '
        "variables, with constant coefficients"]


@pytest.mark.slow
def test_the_described_lif_gives_the_hand_written_kernels_spikes_on_cuba():
    """The CUBA benchmark (4000 neurons, current synapses, 1 s) with its populations switched to the LIF
    description: every spike on the same step of the same neuron."""
    hand = spikestudio.load(example_path("cuba"))
    described = spikestudio.load(example_path("cuba"))
    described.add_model("lif_eq", text("lif"))
    for pop in described.populations.values():
        pop.model = "lif_eq"
    assert described.validate() == []
    a, b = spikestudio.Simulator(hand).run(1.0), spikestudio.Simulator(described).run(1.0)
    for pid in hand.populations:
        (ta, ia), (tb, ib) = a.spikes(pid), b.spikes(pid)
        assert len(ta) > 1000 and np.array_equal(ta, tb) and np.array_equal(ia, ib)


def test_the_described_lif_fires_at_the_analytic_rate(probe):
    """With a constant current above rheobase, the exact integration gives the analytic ISI, on the step grid."""
    dt = 0.1
    net = single("lif", dt, model_id="lif_eq", I_e=500.0)
    res = spikestudio.Simulator(net).run(1.0)
    isi = np.diff(res.spikes("P")[0])
    assert np.allclose(isi, probe.lif_isi_discrete(500.0, dt), atol=1e-9)


def test_custom_models_take_every_synapse_kind_in_a_network():
    """Poisson drive onto each model through delta, current and conductance synapses raises its rate; a custom
    population drives a built-in LIF population in turn."""
    net = Network(dt=0.1, duration=300.0, seed=5)
    net.add_poisson("drive", 100, rate=40.0)
    for name, size in (("exponential_if", 20), ("morris_lecar", 20), ("gated", 20)):
        net.add_model(name, text(name))
        quiet = {"exponential_if": {"I_e": 0.0}, "morris_lecar": {"I_e": 0.0}, "gated": {"I_e": 0.0}}[name]
        net.add_population(name, size, name, **quiet)
        net.record_spikes(name)
    net.add_population("L", 20, "lif")
    net.record_spikes("L")
    net.connect("drive", "exponential_if", "fixed_probability", p=0.5, weight=3.0, synapse="delta")
    net.connect("drive", "morris_lecar", "fixed_probability", p=0.5, weight=40.0, synapse="current", tau=5.0)
    net.connect("drive", "gated", "fixed_probability", p=0.5, weight=2.0, synapse="conductance", tau=5.0,
                E_rev=0.0)
    net.connect("exponential_if", "L", "all_to_all", weight=400.0)
    assert net.validate() == []
    res = spikestudio.Simulator(net).run(0.3)
    rates = {row["id"]: row["rate_hz"] for row in res.summary()}
    assert all(rates[k] > 1.0 for k in ("exponential_if", "morris_lecar", "gated", "L")), rates


def test_a_parameter_changed_between_chunks_takes_effect_without_a_rebuild():
    sim = spikestudio.Simulator(single("adaptive_exact"))
    before = len(sim.run(0.2).spikes("P")[0])
    sim.set_param("P", "I_e", 1500.0)
    after = len(sim.run(0.2).spikes("P")[0]) - before
    assert after > 2 * before > 0


def test_a_second_process_loads_the_generated_loop_from_the_disk_cache(tmp_path):
    script = f"""
import json, spikestudio
from spikestudio.engine.model.network import Network
net = Network(dt=0.1, duration=50.0)
net.add_model("eif", open({str(MODELS / "exponential_if.model")!r}).read())
net.add_population("P", 3, "eif")
sim = spikestudio.Simulator(net)
sim.run(0.01)
stats = sim.built.loop.stats
print(json.dumps({{"hits": sum(stats.cache_hits.values()), "misses": sum(stats.cache_misses.values())}}))
"""
    env = dict(os.environ, SPIKESTUDIO_MODEL_CACHE=str(tmp_path / "models"))

    def launch():
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env,
                             timeout=600)
        return json.loads(out.stdout.strip().splitlines()[-1])

    launch()
    assert launch() == {"hits": 1, "misses": 0}
    generated = list((tmp_path / "models").glob("spikestudio_generated_*.py"))
    assert len(generated) == 1 and "exec(" not in generated[0].read_text() and "eval(" not in generated[0].read_text()
