"""The simulator: reproducibility, continuation, stopping, progress, errors, memory, live changes, results."""

import json
import re
import threading
import time

import numpy as np
import pytest
from spikestudio.engine.errors import BuildError, SimulationError
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Distribution, Network, Plasticity, Population
from spikestudio.engine.model.params import ValidationError
from spikestudio.engine.simulation.simulator import Simulator

# ---------------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------------


def noisy_network(seed=5):
    """Poisson drive, OU noise, random initial states, weights and delays, three neuron models."""
    net = Network(dt=0.1, seed=seed)
    net.add_poisson("P", 200, rate=20.0)
    net.add_population("E", 100, "lif", initial={"v": Distribution("uniform", low=-70.0, high=-55.0)})
    net.add_population("I", 25, "izhikevich", **{"a": 0.1, "d": 2.0})
    net.add_population("A", 10, "adex")
    net.add_current("noise", "E", "ou", mean=200.0, std=100.0, tau=5.0)
    net.add_current("bias", "A", "dc", amplitude=700.0)
    net.connect("P", "E", "fixed_probability", p=0.1, weight=Distribution("normal", mean=60.0, std=10.0, min=0.0),
                delay=Distribution("uniform", low=0.5, high=3.0))
    net.connect("P", "I", "fixed_indegree", k=20, weight=3.0, synapse="conductance", tau=3.0)
    net.connect("E", "I", "fixed_indegree", k=10, weight=2.0, synapse="conductance")
    net.connect("I", "E", "fixed_probability", p=0.2, receptor="inhibitory", weight=30.0, delay=1.5)
    net.connect("E", "A", "fixed_outdegree", k=2, weight=1.0, synapse="delta", delay=0.7)
    net.add_poisson("Q", 20, rates=np.linspace(0.0, 400.0, 20))
    net.connect("Q", "A", "fixed_indegree", k=5, weight=40.0, synapse="current", tau=2.0)
    net.add_spike_times("S", 4, [0, 1, 2, 3, 0], [0.0, 123.45, 500.0, 999.9, 700.05])
    net.connect("S", "E", "all_to_all", weight=5.0, synapse="delta", delay=Distribution("uniform", low=1, high=9))
    for node in NODES:
        net.record_spikes(node)
    net.record_state("E", neurons=[0, 1, 2], interval=0.5)
    net.record_state("I", "u", neurons=[0])
    net.record_state("E", "syn_inh", neurons=[3], id="gi")
    net.record_rate("E", bin=5.0)
    return net


NODES = ("P", "E", "I", "A", "Q", "S")


def assert_same_results(a, b, nodes=NODES):
    for node in nodes:
        ta, ia = a.spikes(node)
        tb, ib = b.spikes(node)
        np.testing.assert_array_equal(ta, tb)
        np.testing.assert_array_equal(ia, ib)
        np.testing.assert_array_equal(a.spike_counts(node), b.spike_counts(node))
    for rid in ("v:E", "u:I", "gi"):
        for x, y in zip(a.trace(rid), b.trace(rid), strict=True):
            np.testing.assert_array_equal(x, y)
    for x, y in zip(a.rate("rate:E"), b.rate("rate:E"), strict=True):
        np.testing.assert_array_equal(x, y)
    assert a.t == pytest.approx(b.t)


def spike_signature(res):
    return [(n, res.spikes(n)[0].copy(), res.spikes(n)[1].copy()) for n in NODES]


@pytest.fixture(scope="module")
def reference():
    """One second of the noisy network in a fresh simulator."""
    res = Simulator(noisy_network()).run(1.0)
    for node in ("P", "E", "I", "A", "Q"):
        assert res.spike_counts(node).sum() > 20, f"{node} must be active for the comparisons to mean something"
    return res


# ---------------------------------------------------------------------------------------------------
# reproducibility and continuation
# ---------------------------------------------------------------------------------------------------


def test_same_seed_gives_bit_identical_results(reference):
    assert_same_results(reference, Simulator(noisy_network()).run(1.0))


@pytest.mark.parametrize("suffix", [".snn", ".json"])
def test_saved_and_reloaded_network_gives_identical_results(suffix, reference, tmp_path):
    path = tmp_path / f"net{suffix}"
    fileformat.save(noisy_network(), path)
    assert_same_results(reference, Simulator(fileformat.load(path)).run(1.0))


def test_run_in_a_worker_thread_gives_identical_results(reference):
    sim = Simulator(noisy_network())
    thread, errors = start_run(sim, 1.0)
    thread.join(timeout=60.0)
    assert not thread.is_alive() and not errors
    assert_same_results(reference, sim.results)


def test_different_seed_gives_different_spikes(reference):
    other = Simulator(noisy_network(seed=6)).run(1.0)
    for node in ("P", "E"):
        a, b = reference.spikes(node), other.spikes(node)
        assert not (a[0].size == b[0].size and np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]))


def test_continuation_equals_one_long_run(reference):
    sim = Simulator(noisy_network())
    sim.run(0.3)
    assert sim.t == pytest.approx(300.0)
    res = sim.run(0.7)
    assert sim.t == pytest.approx(1000.0)
    assert_same_results(reference, res)


def test_continuation_in_uneven_pieces(reference):
    sim = Simulator(noisy_network(), chunk_steps=777)
    for piece in (0.0123, 0.0, 0.4877, 0.25, 0.25):
        res = sim.run(piece)
    assert_same_results(reference, res)


def test_reset_then_run_equals_first_run():
    sim = Simulator(noisy_network())
    first = spike_signature(sim.run(1.0))
    first_trace = sim.results.trace("v:E")[1].copy()
    sim.reset()
    assert sim.t == 0.0 and sim.results.t == 0.0
    assert sim.results.spike_counts("E").sum() == 0
    again = sim.run(1.0)
    for (n, t1, i1), (_, t2, i2) in zip(first, spike_signature(again), strict=True):
        np.testing.assert_array_equal(t1, t2, err_msg=n)
        np.testing.assert_array_equal(i1, i2, err_msg=n)
    np.testing.assert_array_equal(first_trace, again.trace("v:E")[1])


@pytest.mark.parametrize("chunk_steps", [100, 333])
def test_chunk_size_does_not_change_results(chunk_steps, reference):
    assert_same_results(reference, Simulator(noisy_network(), chunk_steps=chunk_steps).run(1.0))


def test_spike_buffer_overflow_mid_chunk_loses_nothing():
    """More spikes in one chunk than the recorder's buffer holds: the chunk is split, nothing is lost."""
    net = Network(dt=0.1, seed=3)
    net.add_poisson("P", 200, rate=20000.0)  # ~400 spikes per step, ~2.4e6 in the single 6000-step chunk
    net.add_population("E", 1, "lif", I_e=500.0)
    net.record_spikes("P")
    net.record_spikes("E")
    net.record_state("E", interval=0.1)
    net.record_rate("P", bin=1.0)
    res = Simulator(net, chunk_steps=6000).run(0.6)
    times, ids = res.spikes("P")
    assert times.size == res.spike_counts("P").sum() > 2_000_000
    np.testing.assert_array_equal(np.bincount(ids, minlength=200), res.spike_counts("P"))
    assert np.all(np.diff(times) >= 0)
    assert res.t == pytest.approx(600.0)
    # traces and rate bins stay continuous across the early return
    t, v = res.trace("v:E")
    assert t.size == 6000
    np.testing.assert_allclose(t, np.arange(6000) * 0.1, atol=1e-9)
    _, rate = res.rate("rate:P")
    assert rate.size == 600
    assert rate.sum() * 200 * 1e-3 == pytest.approx(times.size)
    e_times = res.spikes("E")[0]
    assert np.diff(e_times).max() - np.diff(e_times).min() < 1e-9  # the LIF keeps its clockwork


# ---------------------------------------------------------------------------------------------------
# stopping, threads and progress
# ---------------------------------------------------------------------------------------------------


def busy_network():
    net = Network(dt=0.1, seed=1)
    net.add_poisson("P", 2000, rate=10.0)
    net.add_population("E", 2000, "lif")
    net.connect("P", "E", "fixed_indegree", k=100, weight=20.0)
    return net


def start_run(sim, seconds, progress=None):
    errors = []

    def work():
        try:
            sim.run(seconds, progress)
        except BaseException as exc:  # pragma: no cover - reported by the test
            errors.append(exc)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread, errors


def test_stop_from_another_thread():
    """Waits on the run's own progress (never on sleeps), so a first chunk that is still compiling cannot fail it."""
    sim = Simulator(busy_network())
    chunks, stopped_at = [], []
    progressed = threading.Condition()

    def progress(done_ms, total_ms):
        with progressed:
            chunks.append(done_ms)
            progressed.notify_all()

    thread, errors = start_run(sim, 100.0, progress)
    with progressed:
        assert progressed.wait_for(lambda: len(chunks) >= 2 or errors, timeout=600), "no two chunks in 10 minutes"
        t_mid = sim.t
        assert progressed.wait_for(lambda: sim.t > t_mid or errors, timeout=60), "the run progresses on its thread"
        sim.stop()
        stopped_at.append(len(chunks))
    thread.join(timeout=60.0)
    assert not thread.is_alive()
    assert len(chunks) <= stopped_at[0] + 1  # it ended at the next chunk boundary
    assert not errors
    assert 0.0 < sim.t < 100_000.0
    assert sim.results.t == pytest.approx(sim.t)
    # a later run continues from where it stopped
    before = sim.t
    sim.run(0.01)
    assert sim.t == pytest.approx(before + 10.0)


def test_compiled_chunk_releases_the_gil():
    """While the worker is inside one long compiled chunk, this thread keeps running Python code."""
    calibration = Simulator(busy_network())
    t0 = time.perf_counter()
    calibration.run(0.2)
    per_step = (time.perf_counter() - t0) / 2000
    chunk = int(min(max(2.0 / per_step, 10_000), 1_000_000))  # a chunk of about two seconds
    sim = Simulator(busy_network(), chunk_steps=chunk)
    thread, errors = start_run(sim, 100.0)
    time.sleep(0.05)
    start = last = time.perf_counter()
    longest = 0.0
    while last - start < 0.3:
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    assert sim.step == 0, "still inside the first chunk"
    assert longest < 0.5, f"this thread was blocked for {longest:.2f} s"
    sim.stop()
    thread.join(timeout=60.0)
    assert not thread.is_alive() and not errors
    assert sim.step == chunk  # stopped at the first chunk boundary


def test_progress_reports_increasing_done_ending_at_total():
    net = Network(dt=0.1, seed=1)
    net.add_population("E", 5, "lif", I_e=400.0)
    calls = []
    sim = Simulator(net, chunk_steps=1000)
    sim.run(0.35, progress=lambda done, total: calls.append((done, total)))
    done = np.array([c[0] for c in calls])
    assert len(calls) >= 4
    assert np.all(np.diff(done) > 0)
    assert all(total == pytest.approx(350.0) for _, total in calls)
    assert done[-1] == pytest.approx(350.0)
    # a second run reports its own progress from zero to its own total
    calls.clear()
    sim.run(0.2, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1][0] == pytest.approx(calls[-1][1]) and calls[-1][1] == pytest.approx(200.0)
    assert calls[0][0] <= 100.0 + 1e-9


def test_run_without_duration_uses_the_network_duration_and_rejects_negative():
    net = Network(dt=0.1, duration=123.4, seed=1)
    net.add_population("E", 1, "lif")
    sim = Simulator(net)
    sim.run()
    assert sim.t == pytest.approx(123.4)
    with pytest.raises(ValueError):
        sim.run(-1.0)
    assert sim.t == pytest.approx(123.4)


# ---------------------------------------------------------------------------------------------------
# NaN and blow-up
# ---------------------------------------------------------------------------------------------------


def check_nan_error(exc, sim, lo_ms, hi_ms):
    err = exc.value
    assert "Victim cells" in str(err)
    times = [float(x) for x in re.findall(r"(\d+(?:\.\d+)?)\s*ms", str(err))]
    assert any(lo_ms - 1e-6 <= x <= hi_ms + 1e-6 for x in times), str(err)
    assert err.population in ("V", "Victim cells")
    assert err.time_ms is not None and lo_ms - 1e-6 <= err.time_ms <= hi_ms + 1e-6
    # results up to the failure are kept
    assert lo_ms - 0.2 <= sim.results.t <= hi_ms + 0.2
    t, v = sim.results.trace("v:V")
    assert t.size >= round(lo_ms / 0.1) - 1
    assert np.all(np.isfinite(v[t < lo_ms - 1e-9]))


@pytest.mark.parametrize("receptor", ["excitatory", "inhibitory"])
@pytest.mark.parametrize("model", ["lif", "izhikevich", "adex", "hh"])
def test_overflowing_input_raises_simulation_error(model, receptor):
    """Two simultaneous delta inputs of 1e308 mV sum to an infinite jump: the run must stop and say so."""
    net = Network(dt=0.1, seed=1)
    net.add_spike_times("S", 2, [0, 1], [5.0, 5.0])
    net.add(Population("V", 3, model, name="Victim cells"))
    net.connect("S", "V", "all_to_all", weight=1e308, delay=1.0, synapse="delta", receptor=receptor)
    net.record_spikes("S")
    net.record_state("V", interval=0.1)
    sim = Simulator(net)
    with pytest.raises(SimulationError) as exc:
        sim.run(0.05)
    # the inputs act in step 60 (5.0 ms + 1.0 ms): the state is infinite by the end of that step
    check_nan_error(exc, sim, 6.0, 6.1)
    times, ids = sim.results.spikes("S")
    np.testing.assert_allclose(times, [5.0, 5.0])


@pytest.mark.parametrize("model", ["lif", "izhikevich", "adex", "hh"])
def test_runaway_hyperpolarisation_raises_simulation_error(model):
    """Two inhibitory delta inputs of 1e308 mV one step apart drive v to -inf: that is a blow-up too."""
    net = Network(dt=0.1, seed=1)
    net.add_spike_times("S", 1, [0, 0], [5.0, 5.1])
    net.add(Population("V", 3, model, name="Victim cells"))
    net.connect("S", "V", "all_to_all", weight=1e308, delay=1.0, synapse="delta", receptor="inhibitory")
    net.record_spikes("S")
    net.record_state("V", interval=0.1)
    sim = Simulator(net)
    with pytest.raises(SimulationError) as exc:
        sim.run(0.05)
    # the inputs act in steps 60 and 61: the state is non-finite by the end of step 61 at the latest
    check_nan_error(exc, sim, 6.0, 6.2)


def test_hh_blow_up_under_gigantic_current_raises():
    net = Network(dt=0.1, seed=1)
    net.add(Population("V", 2, "hh", {"I_e": -1e6}, name="Victim cells"))
    net.record_state("V", interval=0.1)
    sim = Simulator(net)
    with pytest.raises(SimulationError) as exc:
        sim.run(1.0)
    assert 0.0 < exc.value.time_ms < 10.0
    check_nan_error(exc, sim, exc.value.time_ms, exc.value.time_ms)


# ---------------------------------------------------------------------------------------------------
# memory
# ---------------------------------------------------------------------------------------------------


def test_huge_network_refused_before_allocation():
    net = Network()
    net.add_population("A", 100_000)
    net.add_population("B", 100_000)
    net.connect("A", "B", "all_to_all")
    t0 = time.perf_counter()
    with pytest.raises(BuildError) as exc:
        Simulator(net)
    assert time.perf_counter() - t0 < 2.0  # nothing was wired or allocated
    msg = str(exc.value)
    assert "10,000,000,000" in msg or "10000000000" in msg
    gib = re.search(r"([\d.]+)\s*GiB", msg)
    assert gib, msg
    # at least an index and a double weight per synapse; at most 96 bytes: the arrays plus the temporaries of
    # wiring the largest projection (here the only one, so all of them)
    assert 1e10 * 12 / 2**30 <= float(gib.group(1)) <= 1e10 * 96 / 2**30


def test_memory_limit_refuses_a_modest_network():
    net = Network()
    net.add_population("A", 100)
    net.add_population("B", 100)
    net.connect("A", "B", "all_to_all")
    with pytest.raises(BuildError) as exc:
        Simulator(net, memory_limit=10_000)
    assert "10,000" in str(exc.value) or "10000" in str(exc.value)
    Simulator(net, memory_limit=50 * 2**20)  # fits in 50 MiB


# ---------------------------------------------------------------------------------------------------
# live parameter changes
# ---------------------------------------------------------------------------------------------------


def isis_after(res, node, t_from):
    times = res.spikes(node)[0]
    return np.diff(times[times >= t_from])[1:]  # skip the interval spanning the change


def test_set_param_lif_bias_changes_rate_without_rebuild(probe):
    net = probe.network(0.1)
    net.add_population("E", 1, "lif", I_e=400.0)
    net.record_spikes("E")
    sim = Simulator(net)
    built = sim.built
    res = sim.run(1.0)
    np.testing.assert_allclose(np.diff(res.spikes("E")[0]), probe.lif_isi_discrete(400.0, 0.1), atol=1e-9)
    sim.set_param("E", "I_e", 500.0)
    assert sim.built is built
    res = sim.run(1.0)
    isi = isis_after(res, "E", 1000.0)
    assert isi.size > 50
    np.testing.assert_allclose(isi, probe.lif_isi_discrete(500.0, 0.1), atol=1e-9)
    assert 1000.0 / isi.mean() == pytest.approx(1000.0 / probe.lif_isi(500.0), rel=0.01)


def test_set_param_tau_m_updates_derived_constants(probe):
    net = probe.network(0.1)
    net.add_population("E", 1, "lif", I_e=400.0)
    net.record_spikes("E")
    sim = Simulator(net)
    sim.run(0.5)
    sim.set_param("E", "tau_m", 20.0)
    sim.set_param("E", "t_ref", 3.0)
    res = sim.run(1.0)
    isi = isis_after(res, "E", 500.0)
    expected = probe.lif_isi_discrete(400.0, 0.1, tau_m=20.0, t_ref=3.0)
    assert abs(expected - probe.lif_isi_discrete(400.0, 0.1)) > 5.0  # a real change
    np.testing.assert_allclose(isi, expected, atol=1e-9)


def test_set_param_dc_amplitude(probe):
    net = probe.network(0.1)
    net.add_population("E", 1, "lif")
    net.add_current("dc", "E", "dc", amplitude=400.0)
    net.record_spikes("E")
    sim = Simulator(net)
    sim.run(0.5)
    sim.set_param("dc", "amplitude", 600.0)
    res = sim.run(1.0)
    np.testing.assert_allclose(isis_after(res, "E", 500.0), probe.lif_isi_discrete(600.0, 0.1), atol=1e-9)


def test_set_param_poisson_rate():
    net = Network(dt=0.1, seed=2)
    net.add_poisson("P", 2000, rate=5.0)
    sim = Simulator(net)
    first = sim.run(1.0).spike_counts("P").sum()
    sim.set_param("P", "rate", 50.0)
    second = sim.run(1.0).spike_counts("P").sum() - first
    assert abs(first - 10_000) <= 4 * np.sqrt(10_000)
    assert abs(second - 100_000) <= 4 * np.sqrt(100_000)


def test_set_param_survives_reset(probe):
    """Parameters edited while running survive a reset (the documented behaviour)."""
    net = probe.network(0.1)
    net.add_population("E", 1, "lif", I_e=400.0)
    net.record_spikes("E")
    sim = Simulator(net)
    sim.set_param("E", "I_e", 500.0)
    sim.reset()
    isi = np.diff(sim.run(0.5).spikes("E")[0])
    np.testing.assert_allclose(isi, probe.lif_isi_discrete(500.0, 0.1), atol=1e-9)


@pytest.mark.parametrize("node, name, value, location", [
    ("E", "tau_m", -1.0, 'populations["E"].params.tau_m'),
    ("E", "tau_m", 0.0, 'populations["E"].params.tau_m'),
    ("E", "C_m", float("nan"), 'populations["E"].params.C_m'),
    ("E", "I_e", float("inf"), 'populations["E"].params.I_e'),
    ("E", "tau_x", 1.0, 'populations["E"].params.tau_x'),
    ("P", "rate", -5.0, 'inputs["P"].rate'),
    ("dc", "amplitude", float("nan"), 'inputs["dc"].params.amplitude'),
    ("dc", "amplitude", "loud", 'inputs["dc"].params.amplitude'),
])
def test_set_param_rejects_invalid_values(node, name, value, location, probe):
    net = probe.network(0.1)
    net.add_population("E", 1, "lif", I_e=400.0)
    net.add_poisson("P", 3, rate=5.0)
    net.add_current("dc", "E", "dc", amplitude=0.0)
    net.record_spikes("E")
    sim = Simulator(net)
    params_before = sim.built.state.node_params.copy()
    with pytest.raises(ValidationError) as exc:
        sim.set_param(node, name, value)
    assert location in str(exc.value)
    assert any(p.location == location for p in exc.value.problems)
    # nothing changed: the neuron keeps firing at its old rate
    np.testing.assert_array_equal(sim.built.state.node_params, params_before)
    isi = np.diff(sim.run(0.5).spikes("E")[0])
    np.testing.assert_allclose(isi, probe.lif_isi_discrete(400.0, 0.1), atol=1e-9)


@pytest.mark.parametrize("model, name, value, location", [
    ("lif", "V_reset", -50.0, "V_reset"),  # above V_th = -55
    ("lif", "V_th", -75.0, "V_"),  # below V_reset = -70
    ("adex", "V_reset", 10.0, "V_reset"),  # above V_peak = 0
])
def test_set_param_enforces_the_same_rules_as_validation(model, name, value, location):
    """A live change may not create a network that validation would refuse (reset at or above threshold)."""
    net = Network(dt=0.1, seed=1)
    net.add_population("E", 1, model)
    sim = Simulator(net)
    with pytest.raises(ValidationError) as exc:
        sim.set_param("E", name, value)
    assert f'populations["E"].params.{location}' in str(exc.value)
    # the same values given up front are refused by validation
    bad = Network(dt=0.1, seed=1)
    bad.add_population("E", 1, model, **{name: value})
    assert bad.validate()


# ---------------------------------------------------------------------------------------------------
# build-time checks: plasticity slot and invalid parameters
# ---------------------------------------------------------------------------------------------------


def test_plasticity_without_plugin_is_refused():
    net = Network()
    net.add_population("E", 10)
    net.connect("E", "E", "fixed_probability", id="recurrent E", p=0.2, plasticity=Plasticity("stdp", {}))
    with pytest.raises(BuildError) as exc:
        Simulator(net)
    assert "recurrent E" in str(exc.value) and "stdp" in str(exc.value)


@pytest.mark.parametrize("params, location", [
    ({"tau_m": -1.0}, 'populations["E"].params.tau_m'),
    ({"t_ref": -0.5}, 'populations["E"].params.t_ref'),
    ({"C_m": "big"}, 'populations["E"].params.C_m'),
    ({"V_reset": -50.0}, 'populations["E"].params.V_reset'),  # above V_th = -55
    ({"tau_n": 3.0}, 'populations["E"].params.tau_n'),
])
def test_invalid_population_parameter_names_node_and_parameter(params, location):
    net = Network()
    net.add_population("E", 10, "lif", **params)
    with pytest.raises(ValidationError) as exc:
        Simulator(net)
    assert location in str(exc.value)


def test_every_invalid_value_is_reported_at_once():
    net = Network()
    net.add_population("E", 10, "lif", tau_m=-1.0)
    net.add_poisson("P", 5, rate=-3.0)
    net.connect("P", "E", "fixed_indegree", k=2, weight=-1.0)
    with pytest.raises(ValidationError) as exc:
        Simulator(net)
    locations = {p.location for p in exc.value.problems}
    assert 'populations["E"].params.tau_m' in locations
    assert 'inputs["P"].rate' in locations
    assert any(loc.startswith('projections["P->E"].weight') for loc in locations)


# ---------------------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_run():
    net = Network(dt=0.1, seed=4)
    net.add_population("E", 4, "lif", I_e=450.0, initial={"v": Distribution("uniform", low=-70.0, high=-56.0)})
    net.add_poisson("P", 500, rate=40.0)
    net.record_spikes("E")
    net.record_spikes("P")
    net.record_state("E", neurons=[0, 2], interval=0.5)
    net.record_rate("E", bin=10.0)
    net.record_rate("P", bin=20.0)
    net.metadata.title = "results test"
    sim = Simulator(net)
    return sim, sim.run(1.0)


def test_results_shapes(small_run):
    _, res = small_run
    times, ids = res.spikes("E")
    assert times.shape == ids.shape and times.ndim == 1
    assert set(ids.tolist()) == {0, 1, 2, 3}
    assert np.all((times >= 0) & (times < 1000.0))
    np.testing.assert_array_equal(np.bincount(ids, minlength=4), res.spike_counts("E"))
    t, v = res.trace("v:E")
    assert v.shape == (2000, 2) and t.shape == (2000,)
    np.testing.assert_allclose(t, np.arange(2000) * 0.5, atol=1e-9)
    tr, rate = res.rate("rate:E")
    assert tr.shape == rate.shape == (100,)
    np.testing.assert_allclose(tr, np.arange(100) * 10.0, atol=1e-9)
    assert res.node_ids == ["E", "P"]
    with pytest.raises(KeyError):
        res.spikes("nope")


def test_rate_recorder_bins_give_the_mean_rate(small_run, probe):
    _, res = small_run
    _, rate_e = res.rate("rate:E")
    assert rate_e.mean() == pytest.approx(res.mean_rate("E"), rel=1e-12)
    # each LIF fires regularly at the analytic rate
    assert res.mean_rate("E") == pytest.approx(1000.0 / probe.lif_isi(450.0), rel=0.03)
    _, rate_p = res.rate("rate:P")
    assert rate_p.size == 50
    assert abs(rate_p.mean() * 500 - 40.0 * 500) <= 4 * np.sqrt(40.0 * 500)
    # bins hold exactly the recorded spikes
    times, _ = res.spikes("P")
    counts = np.histogram(times, np.arange(0, 1000.0 + 20.0, 20.0) - 1e-9)[0]
    np.testing.assert_allclose(rate_p, counts / 500 / 0.02)


def test_results_save_npz_without_pickles(small_run, tmp_path):
    _, res = small_run
    path = res.save(tmp_path / "out.npz")
    with np.load(path, allow_pickle=False) as data:
        keys = set(data.files)
        np.testing.assert_array_equal(data["spikes/E/times_ms"], res.spikes("E")[0])
        np.testing.assert_array_equal(data["spikes/E/ids"], res.spikes("E")[1])
        np.testing.assert_array_equal(data["counts/P"], res.spike_counts("P"))
        np.testing.assert_array_equal(data["traces/v:E/values"], res.trace("v:E")[1])
        np.testing.assert_array_equal(data["rates/rate:E/rate_hz"], res.rate("rate:E")[1])
        meta = json.loads(str(data["metadata"]))
    assert {"counts/E", "spikes/P/times_ms", "traces/v:E/t_ms"} <= keys
    assert meta["title"] == "results test" and meta["seed"] == 4 and meta["dt_ms"] == 0.1
    assert not list(tmp_path.glob(".*tmp"))  # no temporary left behind


def test_summary_rows(small_run, probe):
    _, res = small_run
    rows = {row["id"]: row for row in res.summary()}
    assert set(rows) == {"E", "P"}
    e, p = rows["E"], rows["P"]
    assert e["neurons"] == 4 and p["neurons"] == 500
    assert e["spikes"] == res.spike_counts("E").sum() and p["spikes"] == res.spike_counts("P").sum()
    assert p["rate_hz"] == pytest.approx(p["spikes"] / 500 / 1.0)
    assert e["cv_isi"] == pytest.approx(0.0, abs=1e-6)  # clockwork firing
    assert p["cv_isi"] == pytest.approx(1.0, abs=0.1)  # Poisson


def test_record_all_records_every_node():
    net = Network(dt=0.1, seed=1)
    net.add_population("E", 2, "lif", I_e=500.0)
    net.add_poisson("P", 10, rate=100.0)
    res = Simulator(net, record_all=True).run(0.2)
    for node in ("E", "P"):
        times, ids = res.spikes(node)
        assert times.size == res.spike_counts(node).sum() > 0
