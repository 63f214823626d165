"""Values at the edges: what used to crash or silently misbehave is now refused with a clear message."""

import threading
import zipfile

import numpy as np
import pytest
from spikestudio.engine.errors import BuildError, FileFormatError
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Distribution, Network
from spikestudio.engine.model.params import ValidationError
from spikestudio.engine.simulation.simulator import Simulator


def locations(exc) -> list[str]:
    return [p.location for p in exc.value.problems]


def one_lif(**params) -> Network:
    net = Network(dt=0.1, seed=1)
    net.add_population("N", 1, "lif", **params)
    net.record_spikes("N")
    return net


def test_a_delay_beyond_the_longest_is_refused_not_overflowed():
    net = one_lif()
    net.add_spike_times("S", 1, [0], [1.0])
    net.connect("S", "N", "all_to_all", delay=3e8, synapse="delta")
    net.connect("S", "N", "explicit", id="list", pre=[0], post=[0], delays=[2e4], synapse="delta")
    with pytest.raises(ValidationError) as exc:
        Simulator(net)
    assert locations(exc) == ['projections["S->N"].delay.value', 'projections["list"].delays']
    assert "longer than the longest delay (10000 ms)" in str(exc.value)


def test_the_longest_delay_still_arrives_exactly():
    net = one_lif(tau_m=1e6, V_th=150.0)  # a near-perfect integrator that never fires
    net.add_spike_times("S", 1, [0], [0.0])
    net.connect("S", "N", "all_to_all", delay=10_000.0, synapse="delta", weight=5.0)
    net.record_state("N", "v", [0], interval=0.1)
    sim = Simulator(net)
    t, v = sim.run(10.0005).trace("v:N")
    jump = np.flatnonzero(np.diff(v[:, 0]) > 4.0)
    assert jump.size == 1 and t[jump[0] + 1] == pytest.approx(10_000.1)  # visible from the step after arrival


def test_parameters_are_read_by_name_not_by_dict_order():
    net = one_lif(I_e=400.0)
    pop = net.populations["N"]
    pop.params = dict(reversed(list(pop.params.items())))  # same values, other order
    rate = Simulator(net).run(1.0).mean_rate("N")
    expected = 1000.0 / (2.0 + 10.0 * np.log(16.0 / (16.0 - 15.0)))  # R I = 16 mV, gap 15 mV, t_ref 2 ms
    assert rate == pytest.approx(expected, rel=0.02)


@pytest.mark.parametrize("field, value, location", [
    ("t_ref", 1e9, 'populations["N"].params.t_ref'),
])
def test_absurd_refractory_period_is_refused(field, value, location):
    with pytest.raises(ValidationError) as exc:
        Simulator(one_lif(**{field: value}))
    assert locations(exc) == [location]


@pytest.mark.parametrize("kind, attr, value", [("state", "interval", 1e300), ("rate", "bin", float("inf")),
                                               ("state", "interval", 0.05)])
def test_recorder_times_are_bounded(kind, attr, value):
    net = one_lif()
    rec = net.record_state("N") if kind == "state" else net.record_rate("N")
    setattr(rec, attr, value)
    with pytest.raises(ValidationError) as exc:
        Simulator(net)
    assert locations(exc) == [f'recorders["{rec.id}"].{attr}']


def test_stop_pressed_before_the_run_starts_is_not_lost():
    sim = Simulator(one_lif(I_e=400.0))
    sim.stop()
    sim.run(1.0)
    assert sim.t == 0.0
    sim.run(0.5)  # the stop was used up by the run it ended
    assert sim.t == pytest.approx(500.0)


def test_live_edit_during_a_run_applies_between_chunks_and_reaches_the_description():
    net = Network(dt=0.1, seed=3)
    net.add_poisson("P", 2000, rate=5.0)
    net.record_rate("P", bin=100.0)
    sim = Simulator(net, chunk_steps=500)
    reached, edited = threading.Event(), threading.Event()

    def progress(done_ms, total_ms):  # holds the worker at 1 s until the edit is made, so timing cannot race
        if done_ms >= 1000.0 and not reached.is_set():
            reached.set()
            edited.wait(30)

    worker = threading.Thread(target=sim.run, args=(4.0,), kwargs={"progress": progress})
    worker.start()
    assert reached.wait(60)
    sim.set_param("P", "rate", 50.0)  # the worker is mid-run: the edit waits for the next chunk boundary
    edit_time = sim.t
    edited.set()
    worker.join()
    t, rate = sim.results.rate("rate:P")
    assert net.inputs["P"].rate == 50.0
    before, after = rate[t < 900.0], rate[t >= edit_time + 150.0]
    assert before.mean() == pytest.approx(5.0, rel=0.15) and after.mean() == pytest.approx(50.0, rel=0.05)


def test_a_huge_network_json_is_refused_before_it_is_read(tmp_path, monkeypatch):
    net = one_lif()
    net.metadata.description = "x" * 20_000
    snn, bare = tmp_path / "big.snn", tmp_path / "big.json"
    fileformat.save(net, snn)
    fileformat.save(net, bare)
    monkeypatch.setattr(fileformat, "MAX_JSON_SIZE", 10_000)
    with pytest.raises(FileFormatError) as exc:
        fileformat.load(snn)
    assert locations(exc) == ['archive["network.json"]'] and "large arrays belong in .npy" in str(exc.value)
    with pytest.raises(FileFormatError) as exc:
        fileformat.load(bare)
    assert "save large arrays in a .snn file" in str(exc.value)
    assert zipfile.is_zipfile(snn)


def test_memory_estimate_counts_the_trace_buffer():
    net = Network(dt=0.1)
    net.add_population("E", 1_000_000, "lif")
    net.record_state("E", "v", range(1_000_000))  # 2000 steps x 1e6 columns x 8 B = 16 GB of trace buffer
    with pytest.raises(BuildError, match=r"GiB"):
        Simulator(net, memory_limit=4 << 30)


def test_a_weight_matrix_makes_explicit_connections():
    net = Network(dt=0.1)
    net.add_spike_times("S", 3, [0, 1, 2], [1.0, 1.0, 1.0])
    net.add_population("T", 2, "lif", tau_m=1e6, V_th=150.0)
    matrix = np.array([[0.0, 1.5], [2.0, 0.0], [0.5, 0.25]])
    proj = net.connect("S", "T", "explicit", matrix=matrix, synapse="delta")
    assert proj.pre.tolist() == [0, 1, 2, 2] and proj.post.tolist() == [1, 0, 0, 1]
    net.record_state("T", "v", [0, 1])
    _, v = Simulator(net).run(0.005).trace("v:T")
    assert v[-1] - v[0] == pytest.approx(matrix.sum(axis=0), rel=1e-4)  # tau_m = 1e6 ms: almost no leak


def test_normal_weights_are_clipped_at_zero_not_made_negative():
    net = Network(dt=0.1, seed=2)
    net.add_poisson("P", 200, rate=10.0)
    net.add_population("T", 50, "lif")
    net.connect("P", "T", "all_to_all", weight=Distribution("normal", mean=0.0, std=1.0))
    weights = Simulator(net).built.state.weight
    assert weights.min() == 0.0 and (weights > 0).mean() == pytest.approx(0.5, abs=0.05)
