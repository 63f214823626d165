"""The Qt-free side of the live view: bounded rings, the tap, the worker-thread runner, live edits and probes."""

import threading
import time

import numpy as np
import pytest
from spikestudio.engine.editing.subnetwork import extract
from spikestudio.engine.errors import SimulationError
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation.live import LiveTap, Ring
from spikestudio.engine.simulation.live_diff import live_changes
from spikestudio.engine.simulation.runner import DONE, FAILED, PAUSED, RUNNING, Runner
from spikestudio.engine.simulation.simulator import Simulator


def driven_network(rate=40.0, seed=3):
    net = Network(dt=0.1, seed=seed)
    net.add_poisson("P", 50, rate=rate)
    net.add_population("E", 40, "lif")
    net.add_population("I", 10, "izhikevich")
    net.connect("P", "E", "fixed_indegree", k=10, weight=120.0)
    net.connect("P", "I", "fixed_indegree", k=10, weight=5.0, synapse="delta")
    net.connect("E", "I", "fixed_probability", p=0.3, weight=2.0, synapse="delta")
    return net


def copy_of(net):
    return extract(net, list(net.all_ids()))


# --- rings ---------------------------------------------------------------------------------------------
def test_ring_keeps_the_newest_rows_in_order_across_wraps():
    ring = Ring(7, t=np.float64, k=np.int32)
    for start in range(0, 40, 3):
        ring.push(t=np.arange(start, start + 3, dtype=float), k=np.arange(start, start + 3, dtype=np.int32))
        newest = np.arange(max(0, start + 3 - 7), start + 3)
        np.testing.assert_array_equal(ring.recent("t", -1.0)["t"], newest)
        np.testing.assert_array_equal(ring.recent("t", start + 1.5)["k"], newest[newest >= start + 1.5])
        np.testing.assert_array_equal(ring.last(2)["t"], newest[-2:])
    ring.push(t=np.arange(100.0, 120.0), k=np.zeros(20, np.int32))  # more than fits: only the newest 7
    np.testing.assert_array_equal(ring.recent("t", 0)["t"], np.arange(113.0, 120.0))


# --- the tap: what a live plot receives ---------------------------------------------------------------
def test_tap_holds_the_spikes_rates_and_probe_traces_the_engine_produced():
    net = driven_network()
    net.record_state("E", neurons=[3], interval=0.1, id="v3")
    sim = Simulator(net, record_all=True, chunk_steps=300)
    tap = LiveTap(window=10_000.0, rate_bin=1.0)
    tap.attach(sim)
    sim.set_probes([("E", 3, "v"), ("I", 2, "u")])
    res = sim.run(0.25)
    frame = tap.frame()
    assert frame.t == pytest.approx(250.0)
    names = [row.id for row in frame.nodes]
    for node in ("P", "E", "I"):
        times, ids = res.spikes(node)
        mine = frame.spikes_node == names.index(node)
        assert mine.sum() > 5
        np.testing.assert_allclose(frame.spikes_t[mine], times)
        np.testing.assert_array_equal(frame.spikes_neuron[mine], ids)
        counts = np.histogram(times, bins=np.arange(0.0, 250.0 + 1e-9, 1.0))[0]
        size = net.spiking_nodes()[node].size
        np.testing.assert_allclose(frame.rates[node], counts / size / 1e-3)
    t, v = frame.traces[("E", 3, "v")]
    rt, rv = res.trace("v3")
    np.testing.assert_allclose(t, rt)
    np.testing.assert_array_equal(v, rv[:, 0])
    assert frame.traces[("I", 2, "u")][1].size == 2500
    assert frame.total_spikes == sum(int(res.spike_counts(n).sum()) for n in ("P", "E", "I"))


def test_tap_window_and_capacity_bound_what_it_holds():
    sim = Simulator(driven_network(rate=200.0), record_all=True)
    tap = LiveTap(window=50.0, max_spikes=1000, max_samples=300, history=100.0)
    tap.attach(sim)
    sim.set_probes([("E", 0, "v")])
    sim.run(0.5)
    frame = tap.frame()
    assert frame.spikes_t.min() >= 450.0 - 1e-9 and frame.spikes_t.size <= 1000
    assert frame.traces[("E", 0, "v")][0].min() >= 450.0 - 1e-9
    assert all(ring.capacity == 1000 // 3 for ring in tap._spikes.values())  # the budget is shared by node
    assert tap._traces[("E", 0, "v")].columns["t"].size == 300
    assert frame.rate_t.size == 50 and len(tap._rate_t) == 100


def test_tap_continues_time_after_a_rebuild_and_keeps_the_history():
    net = driven_network()
    sim = Simulator(net, record_all=True)
    tap = LiveTap(window=1e6)
    tap.attach(sim)
    sim.run(0.1)
    before = tap.frame().spikes_t.size
    edited = copy_of(net)
    edited.add_population("X", 5, "lif")
    sim2 = Simulator(edited, record_all=True)
    tap.attach(sim2)
    sim2.run(0.1)
    frame = tap.frame()
    assert frame.t == pytest.approx(200.0) and frame.rebuilds == [pytest.approx(100.0)]
    assert (frame.spikes_t < 100.0).sum() == before and (frame.spikes_t >= 100.0).sum() > 0
    assert np.isnan(frame.rates["X"][:100]).all() and not np.isnan(frame.rates["X"][100:]).any()
    assert sim.listeners == []  # the old simulator no longer feeds the tap


def test_results_bound_their_memory_but_keep_counts_and_trace_times():
    net = driven_network(rate=100.0)
    net.record_state("E", neurons=[0], interval=0.5, id="v0")
    full = Simulator(net, record_all=True).run(1.0)
    bounded = Simulator(net, record_all=True, max_spikes=2000, chunk_steps=500).run(1.0)
    assert bounded.kept_from > 0
    t_full, ids_full = full.spikes("E")
    t_b, ids_b = bounded.spikes("E")
    keep = t_full >= bounded.kept_from
    np.testing.assert_array_equal(t_b, t_full[keep])
    np.testing.assert_array_equal(ids_b, ids_full[keep])
    np.testing.assert_array_equal(bounded.spike_counts("E"), full.spike_counts("E"))
    tt, vv = bounded.trace("v0")  # traces have their own budget: the spikes' bound leaves them whole
    ft, fv = full.trace("v0")
    assert bounded.traces_kept_from == 0.0 and bounded.kept_from == bounded.spikes_kept_from
    np.testing.assert_allclose(tt, ft)
    np.testing.assert_array_equal(vv, fv)


def test_probes_are_checked_and_name_what_is_wrong():
    sim = Simulator(driven_network())
    with pytest.raises(ValueError, match="only populations"):
        sim.set_probes([("P", 0, "v")])
    with pytest.raises(ValueError, match='neuron 40 of "E": it has 40'):
        sim.set_probes([("E", 40, "v")])
    with pytest.raises(ValueError, match="no state variable 'w'"):
        sim.set_probes([("E", 0, "w")])


# --- the runner -----------------------------------------------------------------------------------------
def test_runner_runs_a_duration_pauses_resumes_and_steps_exactly():
    sim = Simulator(driven_network())
    runner = Runner(sim)
    try:
        runner.run(300.0)
        assert runner.wait(60) and runner.state == DONE and sim.step == 3000
        runner.step(1)
        assert runner.wait(10) and runner.state == PAUSED and sim.step == 3001
        runner.step(250)
        assert runner.wait(10) and sim.step == 3251
        runner.set_speed(0.1)  # slowed down, so the pause lands mid-run
        runner.run(None)
        time.sleep(0.2)
        assert runner.state == RUNNING
        runner.pause()
        assert runner.wait(10) and runner.state == PAUSED
        paused_at = sim.step
        time.sleep(0.1)
        assert sim.step == paused_at and 3251 < paused_at < 3251 + 1000
    finally:
        assert runner.stop()


def test_runner_says_when_a_run_or_step_ends_by_itself_and_only_then():
    sim = Simulator(driven_network())
    runner = Runner(sim)
    told, ended = [], threading.Event()

    def settled():
        told.append((runner.state, sim.step))
        ended.set()

    runner.on_settled = settled
    try:
        runner.run(50.0)
        assert ended.wait(60) and told == [(DONE, 500)]
        ended.clear()
        runner.step(7)
        assert ended.wait(10) and told[-1] == (PAUSED, 507)
        ended.clear()
        runner.set_speed(0.1)  # slowed down, so the pause lands mid-run
        runner.run(None)
        time.sleep(0.1)
        runner.pause()  # asked for by the viewer, which knows: not told
        assert runner.wait(10) and runner.state == PAUSED
        assert not ended.wait(0.2) and len(told) == 2
    finally:
        assert runner.stop()


def test_paced_runner_never_runs_ahead_of_the_clock():
    sim = Simulator(driven_network())
    runner = Runner(sim)
    runner.set_speed(1.0)
    started = time.perf_counter()
    runner.run(150.0)
    assert runner.wait(30)
    wall = time.perf_counter() - started
    runner.stop()
    assert sim.step == 1500 and wall >= 0.15 - 1 / 30  # one frame of slack at the first chunk


def test_runner_reports_a_blow_up_and_keeps_what_ran():
    net = Network(dt=0.1)
    net.add_spike_times("S", 2, [0, 1], [25.0, 25.0])
    net.add_population("E", 3, "izhikevich")
    net.connect("S", "E", "all_to_all", weight=1e308, synapse="delta")  # two at once sum to infinity
    sim = Simulator(net)
    runner = Runner(sim)
    failed = threading.Event()
    runner.on_settled = lambda: failed.set() if runner.state == FAILED else None
    runner.run(100.0)
    assert runner.wait(30) and runner.state == FAILED
    assert failed.wait(10)  # the viewer is told at once
    assert isinstance(runner.error, SimulationError) and '"E"' in str(runner.error)
    assert 25.0 <= sim.t < 100.0
    runner.run(10.0)  # a failed run stays failed until it is rebuilt
    assert runner.state == FAILED
    assert runner.stop()


# --- live edits ------------------------------------------------------------------------------------------
def test_live_changes_sort_parameter_edits_from_rebuilds():
    net = driven_network()
    edited = copy_of(net)
    edited.populations["E"].params["tau_m"] = 15.0
    edited.inputs["P"].rate = 80.0
    edited.projections["P->E"].weight.value = 60.0
    edited.populations["I"].name = "Inhibitory"  # cosmetic
    edits, reasons = live_changes(net, edited)
    assert sorted(edits) == sorted([("E", "tau_m", 15.0), ("P", "rate", 80.0), ("P->E", "weight", 60.0)])
    assert reasons == []
    edited.populations["E"].size = 41
    edited.projections["E->I"].rule_params["p"] = 0.5
    edited.add_population("X", 3)
    edits, reasons = live_changes(net, edited)
    assert "“X” was added" in reasons and "“E”: size changed" in reasons
    assert "“E → Inhibitory”: rule_params changed" in reasons  # the projection after its target's new name


def test_a_live_weight_scale_scales_every_synapse_and_survives_a_reset():
    net = driven_network()
    sim = Simulator(net)
    _, _, w0 = sim.connections("P->E")
    sim.run(0.05)
    sim.set_param("P->E", "weight", 30.0)
    np.testing.assert_allclose(sim.connections("P->E")[2], w0 / 4)
    sim.reset()
    np.testing.assert_allclose(sim.connections("P->E")[2], w0 / 4)
    quiet = sim.run(0.3).mean_rate("E")
    assert quiet < Simulator(driven_network()).run(0.3).mean_rate("E")


def test_results_bound_trace_memory_too():
    net = Network(dt=0.1)
    net.add_population("Quiet", 20, "lif")  # never fires: only the trace grows
    net.record_state("Quiet", neurons=range(20), interval=0.1, id="v")
    res = Simulator(net, max_trace_values=50_000, chunk_steps=500).run(1.0)
    t, v = res.trace("v")
    assert v.size <= 50_000 and res.kept_from > 0
    np.testing.assert_allclose(t, np.arange(round(res.kept_from / 0.1), 10_000) * 0.1)


def test_tap_queue_stays_short_without_a_viewer_and_frames_match_the_results():
    """The simulating thread only copies chunks; with no viewer taking frames it sorts them itself every
    MAX_QUEUED chunks, so what waits stays bounded, and nothing is lost or counted twice."""
    from spikestudio.engine.simulation.live import MAX_QUEUED

    net = driven_network()
    sim = Simulator(net, record_all=True, chunk_steps=50)
    tap = LiveTap(window=1e6)
    tap.attach(sim)
    longest = [0]
    sim.listeners.append(lambda *_: longest.__setitem__(0, max(longest[0], len(tap._queue))))
    res = sim.run(0.2)  # 40 chunks
    assert 0 < longest[0] < MAX_QUEUED
    frame = tap.frame()
    assert tap._queue == [] and frame.t == pytest.approx(200.0)
    for k, row in enumerate(frame.nodes):
        times, ids = res.spikes(row.id)
        np.testing.assert_allclose(frame.spikes_t[frame.spikes_node == k], times)
        np.testing.assert_array_equal(frame.spikes_neuron[frame.spikes_node == k], ids)
    assert frame.total_spikes == sum(int(res.spike_counts(n).sum()) for n in ("P", "E", "I"))


def test_spikes_sorted_by_neuron_as_lexsort_would():
    from spikestudio.engine.simulation.results import by_neuron

    rng = np.random.default_rng(5)
    for n, neurons in ((0, 3), (1, 3), (5_000, 40), (5_000, 70_000)):  # 70,000 neurons: past 16-bit ids
        ids = rng.integers(0, neurons, n)
        in_time = np.sort(rng.uniform(0.0, 100.0, n))
        shuffled = rng.uniform(0.0, 100.0, n)
        for times in (in_time, shuffled):
            np.testing.assert_array_equal(by_neuron(times, ids), np.lexsort((times, ids)))
