"""The threads setting: the same spikes, state and learned weights for 1, 2 and 4 threads; files, checks, CLI."""

import sys

import numpy as np
import pytest
from spikestudio.api import Simulator
from spikestudio.engine.equations.codegen import module_source
from spikestudio.engine.equations.layout import layout_of
from spikestudio.engine.equations.text import parse_model
from spikestudio.engine.files import fileformat
from spikestudio.engine.kernels import parallel
from spikestudio.engine.kernels.codes import CUSTOM
from spikestudio.engine.kernels.compile_status import needs_compile
from spikestudio.engine.model.catalog import builtin_text
from spikestudio.engine.model.network import Distribution, Network, Plasticity
from spikestudio.engine.simulation.build import hand_written_kernels

COMPARED = ("state", "refractory", "syn", "ring", "spike_count", "weight", "pre_trace", "post_trace", "stp_u",
            "stp_x", "rng_state")


def mixed_network() -> Network:
    """CUBA-like, with a Poisson drive, delays of one and of several steps (shared and per synapse), current,
    conductance and delta synapses, STDP and short-term plasticity."""
    net = Network(dt=0.1, seed=7)
    net.add_poisson("P", 300, rate=40.0)
    net.add_population("E", 800, "lif", I_e=300.0)
    net.add_population("I", 200, "lif")
    net.connect("P", "E", "fixed_indegree", k=20, weight=60.0, synapse="current", tau=5.0)
    net.connect("P", "I", "fixed_indegree", k=10, weight=2.0, synapse="delta")
    net.connect("E", "E", "fixed_probability", p=0.05, weight=Distribution("uniform", low=10.0, high=30.0),
                delay=Distribution("uniform", low=0.1, high=2.0), synapse="current", tau=5.0,
                plasticity=Plasticity("stdp"))
    net.connect("E", "I", "fixed_probability", p=0.1, weight=0.5, delay=1.5, synapse="conductance")
    net.connect("I", "E", "fixed_probability", p=0.1, weight=40.0, delay=0.1, synapse="current",
                receptor="inhibitory", tau=10.0, plasticity=Plasticity("tsodyks_markram"))
    net.record_spikes("E")
    net.record_spikes("I")
    return net


def run(threads: int, monkeypatch) -> Simulator:
    monkeypatch.setattr(parallel, "cores", lambda: 4)  # 4 target ranges even on a 2-core machine
    sim = Simulator(mixed_network(), threads=threads, chunk_steps=500)
    sim.built.state.par[1:3] = (64, 1)  # every LIF pass and every step's spikes take the parallel path
    sim.run(0.15)
    return sim


def test_the_same_spikes_state_and_weights_for_1_2_and_4_threads(monkeypatch):
    runs = {n: run(n, monkeypatch) for n in (1, 2, 4)}
    one = runs[1]
    assert one.built.state.spike_count.sum() > 500  # enough spikes to exercise the parallel passes
    for n in (2, 4):
        other = runs[n]
        for pop in ("E", "I"):
            a, b = one.results.spikes(pop), other.results.spikes(pop)
            assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True)), (n, pop)
        for name in COMPARED:
            assert np.array_equal(getattr(one.built.state, name), getattr(other.built.state, name)), (n, name)


def test_the_threads_gate_compiles_parallel_passes_only_into_runs_that_may_take_them(monkeypatch):
    """``kernel.threads_gate``: None (no parallel pass compiled) for one thread, for the app's setting 0 on two
    cores (one kept for drawing) and for a network too small for any parallel pass; True otherwise, and again
    True when a run lowers the sizes that take the parallel path."""
    monkeypatch.setattr(parallel, "cores", lambda: 2)
    assert Simulator(mixed_network(), threads=2).built.gates.threads is True  # 32,000 synapses E -> E
    assert Simulator(mixed_network(), threads=0).built.gates.threads is True
    assert Simulator(mixed_network(), threads=1).built.gates.threads is None
    assert Simulator(mixed_network(), threads=0, spare_cores=1).built.gates.threads is None
    small = Network(dt=0.1, seed=1)
    small.add_poisson("P", 20, rate=40.0)
    small.add_population("E", 30, "lif")
    small.connect("P", "E", "fixed_indegree", k=5, weight=60.0)
    sim = Simulator(small, threads=2)
    assert sim.built.gates.threads is None
    sim.built.state.par[1:3] = (16, 1)
    sim.run(0.001)
    assert sim.built.gates.threads is True


def test_threads_for_uses_every_core_for_zero_and_caps_at_the_cores(monkeypatch):
    monkeypatch.setattr(parallel, "cores", lambda: 6)
    assert [parallel.threads_for(n) for n in (0, 1, 3, 6, 64)] == [6, 1, 3, 6, 6]


def test_the_setting_survives_a_file_round_trip_and_older_files_are_unchanged(tmp_path):
    net = mixed_network()
    fileformat.save(net, tmp_path / "default.json")
    assert "threads" not in (tmp_path / "default.json").read_text()  # a file of every core reads as before
    assert fileformat.load(tmp_path / "default.json").threads == 0
    net.threads = 3
    fileformat.save(net, tmp_path / "three.json")
    assert fileformat.load(tmp_path / "three.json").threads == 3


@pytest.mark.parametrize("value", [-1, 2000])
def test_a_thread_count_out_of_range_is_a_located_problem(value):
    net = mixed_network()
    net.threads = value
    problems = net.validate()
    assert any("threads" in p.location for p in problems), problems


def test_a_file_with_a_bad_thread_count_is_refused_with_its_location(tmp_path):
    import json

    from spikestudio.engine.errors import FileFormatError

    net = mixed_network()
    fileformat.save(net, tmp_path / "net.json")
    data = json.loads((tmp_path / "net.json").read_text())
    data["settings"]["threads"] = "many"
    (tmp_path / "net.json").write_text(json.dumps(data))
    with pytest.raises(FileFormatError) as err:
        fileformat.load(tmp_path / "net.json")
    assert "settings.threads" in str(err.value)


def test_cli_run_takes_threads_and_refuses_a_negative_count(monkeypatch, capsys):
    from spikestudio import cli
    from spikestudio.engine.simulation import simulator

    seen = []
    real = simulator.Simulator._run_steps
    monkeypatch.setattr(simulator.Simulator, "_run_steps",
                        lambda self, *a: (seen.append(self.network.threads), real(self, *a))[1])
    assert cli.main(["run", "single_neuron", "--duration", "0.05", "--threads", "1"]) == 0
    assert seen == [1]
    assert cli.main(["run", "single_neuron", "--threads", "-1"]) == 2
    assert "threads" in capsys.readouterr().err


def test_split_propagation_adds_as_the_one_thread_pass_for_any_number_of_parts():
    """Called directly (a test of the split itself): random sorted rows, per-synapse delays and weights, a short-term
    gain, a projection with one shared weight and delay, and one of delta synapses sent in the other pass."""
    from spikestudio.engine.kernels import kernel as K

    rng = np.random.default_rng(3)
    n_src, n_tgt, depth = 50, 97, 6
    rows = [np.sort(rng.choice(n_tgt, rng.integers(0, 40), replace=False)) for _ in range(n_src)]
    sizes = np.array([len(r) for r in rows])
    one = np.concatenate([[0], np.cumsum(sizes)])
    rowptr = np.concatenate([one, one[-1] + one, 2 * one[-1] + one]).astype(np.int64)  # three projections
    post = np.tile(np.concatenate(rows), 3).astype(np.int32)
    weight = rng.uniform(0.1, 3.0, post.size)
    delay = rng.integers(1, depth, post.size).astype(np.int32)
    chan = np.zeros((2, 8))
    chan[0, K.CH_KIND], chan[1, K.CH_KIND] = K.CURRENT, K.DELTA
    chan_off = np.array([0, n_tgt, 2 * n_tgt], np.int64)
    proj_src = np.zeros(3, np.int64)
    proj_chan = np.array([0, 0, 1], np.int64)
    proj_row = np.array([0, n_src + 1, 2 * (n_src + 1)], np.int64)
    proj_w, proj_d = np.array([0.0, 1.7, 0.0]), np.array([0, 3, 0], np.int64)
    proj_stp, stp_gain = np.array([0, -1, -1], np.int64), rng.uniform(0.2, 1.0, n_src)
    node_start, node_spk = np.array([0, n_src], np.int64), np.array([0, 30], np.int64)
    spikes = rng.integers(0, n_src, 30).astype(np.int64)  # repeats, as a Poisson source's
    for lagged in (True, False):
        want_syn, want_ring = rng.uniform(0, 1, 2 * n_tgt), rng.uniform(0, 1, (depth, 2 * n_tgt))
        args = (proj_src, proj_chan, proj_row, proj_w, proj_d, rowptr, post, weight, delay, chan, chan_off,
                node_start, node_spk, spikes)
        syn0, ring0 = want_syn.copy(), want_ring.copy()
        K.propagate(*args, want_syn, want_ring, proj_stp, stp_gain, 11, lagged)
        for parts in (1, 2, 3, 7):
            syn, ring = syn0.copy(), ring0.copy()
            parallel.propagate_split(parts, *args, syn, ring, proj_stp, stp_gain, 11, lagged)
            assert np.array_equal(syn, want_syn) and np.array_equal(ring, want_ring), (lagged, parts)


def test_the_editor_leaves_a_core_free_unless_the_network_asks_for_more(monkeypatch):
    from spikestudio.gui.simulation.preparation import GUI_SPARE_CORES

    monkeypatch.setattr(parallel, "cores", lambda: 4)
    assert parallel.threads_for(0, GUI_SPARE_CORES) == 3
    assert parallel.threads_for(4, GUI_SPARE_CORES) == 4
    monkeypatch.setattr(parallel, "cores", lambda: 1)
    assert parallel.threads_for(0, GUI_SPARE_CORES) == 1


def test_every_core_is_tried_against_one_and_the_faster_kept(monkeypatch):
    from spikestudio.engine.simulation import threads

    monkeypatch.setattr(parallel, "cores", lambda: 2)
    chooser = threads.ThreadChooser(0)
    assert chooser.next() == 2
    chooser.took(2, 5.0, 1000)  # every core slow (a busy machine)
    assert chooser.next() == 1
    chooser.took(1, 1.0, 1000)
    used = []
    for _ in range(threads.PROBE_EVERY * 2):
        used.append(chooser.next())
        chooser.took(used[-1], 5.0 if used[-1] == 2 else 1.0, 1000)
    assert used.count(2) == 2 and used.count(1) == len(used) - 2  # tried again now and then
    chooser.took(2, 0.1, 1000)  # the machine became idle
    assert chooser.next() == 2
    assert threads.ThreadChooser(2).candidates == (2,)  # a setting is used as given
    assert threads.ThreadChooser(0, spare=1).candidates == (1,)


def lif_only_network(model: str = "lif") -> Network:
    """Three LIF populations the parallel update takes in different ways: two of at most two channels (one region
    a step for both, one with an OU current input), one of three channels (its own region). ``described``: the
    LIF's description run as a model from equations (its generated code), whatever the built-in runs."""
    net = Network(dt=0.1, seed=11)
    if model == "described":
        net.add_model("described", builtin_text("lif"))
    net.add_poisson("P", 200, rate=30.0)
    net.add_population("A", 700, model, I_e=420.0)
    net.add_population("B", 300, model)
    net.add_population("C", 500, model, I_e=380.0)
    net.add_current("noise", "A", "ou", mean=50.0, std=40.0, tau=5.0)
    net.connect("P", "B", "fixed_indegree", k=20, weight=60.0, synapse="current", tau=5.0)
    net.connect("A", "B", "fixed_probability", p=0.1, weight=30.0, synapse="current", tau=5.0)
    net.connect("B", "A", "fixed_probability", p=0.1, weight=20.0, synapse="current", receptor="inhibitory", tau=10.0)
    net.connect("A", "C", "fixed_probability", p=0.1, weight=20.0, synapse="current", tau=5.0)
    net.connect("B", "C", "fixed_probability", p=0.1, weight=20.0, synapse="current", receptor="inhibitory", tau=10.0)
    net.connect("P", "C", "fixed_indegree", k=10, weight=1.0, synapse="delta")
    for pop in ("A", "B", "C"):
        net.record_spikes(pop)
    return net


@pytest.mark.parametrize("model", ["hand-written", "described"])
def test_every_way_a_lif_population_runs_on_threads_gives_the_one_thread_spikes(monkeypatch, model):
    """The hand-written LIF kernel (``parallel.lif_nodes``, ``lif_blocks``) and the generated code of the LIF's
    description (its module's ``region``, in the prepass and for a node of three channels)."""
    monkeypatch.setattr(parallel, "cores", lambda: 4)
    runs = {}
    for n in (1, 2, 4):
        with hand_written_kernels():
            sim = Simulator(lif_only_network("lif" if model == "hand-written" else model), threads=n,
                            chunk_steps=500)
        assert (sim.built.nodes["A"].code >= CUSTOM) == (model == "described")
        sim.built.state.par[1:3] = (64, 1)
        sim.run(0.1)
        runs[n] = sim
        if model == "described":  # on one thread, the models' entry generated without the threads' region
            assert sim.built.gates.threads is (True if n > 1 else None)
            module = sys.modules[sim.built.gates.custom.py_func.__module__]
            assert ("region" in vars(module)) == (n > 1), n
    one = runs[1]
    for pop in ("A", "B", "C"):
        assert one.results.spike_counts(pop).sum() > 100, pop  # every population fires: each path is exercised
    for n in (2, 4):
        for pop in ("A", "B", "C"):
            a, b = one.results.spikes(pop), runs[n].results.spikes(pop)
            assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True)), (n, pop)
        for name in ("state", "refractory", "syn", "spike_count", "rng_state", "ou"):
            assert np.array_equal(getattr(one.built.state, name), getattr(runs[n].built.state, name)), (n, name)


def test_the_lif_region_sends_only_into_the_current_channels_of_the_nodes_it_updates():
    """E (two current channels) is updated and fed by the parallel region; I (a conductance and a delta channel)
    is not; below the size threshold nothing is."""
    sim = Simulator(mixed_network(), threads=2)
    s = sim.built.state

    def sent(node_id, least):
        k = sim.built.nodes[node_id].index
        return [bool(parallel.sent_by_region(c, s.node_code, s.node_start, s.node_chan, s.chan, least))
                for c in range(s.node_chan[k], s.node_chan[k + 1])]

    assert sent("E", 64) == [True, True]
    assert sent("I", 64) == [False, False]
    assert sent("E", 10_000) == [False, False]


def microcircuit_run(threads: int, monkeypatch, fused: bool = False) -> Simulator:
    """Potjans & Diesmann's eight populations at 2 % (per-synapse delays, a Poisson background per population),
    its background drawn from counter-based numbers as a full-scale one is, every population in the region."""
    from spikestudio.engine.kernels.rng import counter_key
    from spikestudio.resources.examples.microcircuit import microcircuit

    monkeypatch.setattr(parallel, "cores", lambda: 4)
    sim = Simulator(microcircuit(0.02, 0.05), threads=threads, chunk_steps=400)
    assert sim.built.state.par[3] == 0  # 1,543 Poisson neurons: the loop's stream, unless asked
    sim.built.state.par[1:4] = (64, 1, counter_key(3))
    if fused:  # as the build fuses a background of counter-based draws
        from spikestudio.engine.simulation.fusion import fuse

        assert len(fuse(sim.built.state, {sim.built.nodes[p].index for p in sim.built.spike_recorded})) == 8
    sim.run(0.1)
    return sim


def test_a_microcircuit_with_a_counter_drawn_background_gives_the_same_spikes_for_1_2_and_4_threads(monkeypatch):
    runs = {n: microcircuit_run(n, monkeypatch) for n in (1, 2, 4)}
    one = runs[1]
    pops = [p for p in one.network.populations]
    assert len(pops) == 8 and one.built.state.spike_count.sum() > 20_000
    assert (one.built.state.proj_stp == parallel.SORTED_ROWS).sum() == 8  # each background's one_to_one
    for n in (2, 4):
        for pop in pops:
            a, b = one.results.spikes(pop), runs[n].results.spikes(pop)
            assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True)), (n, pop)
        for name in COMPARED + ("spikes_prev",):
            assert np.array_equal(getattr(one.built.state, name), getattr(runs[n].built.state, name)), (n, name)


def test_a_microcircuit_with_fused_backgrounds_gives_the_same_spikes_for_1_2_and_4_threads(monkeypatch):
    """The backgrounds fused (``engine.simulation.fusion``, as a full-scale build decides: counter-based draws, each
    only one_to_one onto its population and not recorded): drawn by the task that owns the target block, into the
    synapses straight, on any number of threads the additions of one thread."""
    runs = {n: microcircuit_run(n, monkeypatch, fused=True) for n in (1, 2, 4)}
    one = runs[1]
    assert (one.built.state.proj_stp == parallel.FUSED).sum() == 8
    assert one.built.state.spike_count.sum() > 200  # the populations' (the backgrounds' spikes are never made)
    for n in (2, 4):
        for pop in one.network.populations:
            a, b = one.results.spikes(pop), runs[n].results.spikes(pop)
            assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True)), (n, pop)
        for name in COMPARED + ("spikes_prev",):
            assert np.array_equal(getattr(one.built.state, name), getattr(runs[n].built.state, name)), (n, name)


def test_a_large_background_is_drawn_counter_based_with_poisson_counts_and_small_populations_join_the_region():
    net = Network(dt=0.1, seed=11)
    net.add_poisson("bg", 10_000, rate=8000.0)  # 0.8 spikes a step each
    net.add_population("E", 9_000, "lif")
    net.add_population("I", 1_500, "lif")
    net.add_population("tiny", 500, "lif")
    net.connect("bg", "E", "fixed_indegree", k=1, weight=1.0, synapse="current", tau=0.5)
    sim = Simulator(net, threads=1)
    par = sim.built.state.par
    assert par[3] != 0  # 10,000 Poisson neurons: counter-based draws
    assert par[1] == parallel.REGION_SMALLEST  # E and I hold 10,500 neurons in populations of 1,000 or more
    sim.run(0.05)  # 500 steps
    bg = sim.built.nodes["bg"]
    counts = sim.built.state.spike_count[bg.start: bg.start + bg.size]
    assert abs(counts.mean() - 400.0) < 0.6  # 4 million spikes: 5 standard errors of the mean (0.1)
    assert abs(counts.var() / counts.mean() - 1.0) < 0.05  # Poisson: variance = mean
    small = Network(dt=0.1, seed=11)
    small.add_poisson("bg", 9_999, rate=10.0)
    small.add_population("E", 9_999, "lif")
    par = Simulator(small, threads=1).built.state.par
    assert par[3] == 0 and par[1] == parallel.PARALLEL_NEURONS


def test_the_entry_of_a_vectorised_model_under_no_threads_gate_holds_no_parallel_region():
    """The threads gate None (the app on two cores, a small network) generates the LIF-like model without the
    threads' region and its prange (most of its compile), from a source of its own (another cache entry); a model
    without the vectorised pass has no region either way, so one source serves both."""
    lif = [layout_of(parse_model(builtin_text("lif"), "described"))]
    threaded, single = module_source(lif, "d", threaded=True), module_source(lif, "d", threaded=None)
    assert "prange(" in threaded and "region(" in threaded
    assert "prange" not in single and "region(" not in single and "jit_parallel" not in single
    assert "def update_0(" in single and "def pass_0(" in single  # the vectorised pass itself stays
    izh = [layout_of(parse_model(builtin_text("izhikevich"), "described"))]
    assert module_source(izh, "d", threaded=True) == module_source(izh, "d", threaded=None)


def test_needs_compile_asks_about_the_entry_the_threads_gate_chose():
    """The gate swaps the entry of models from equations; the compile status reads the one the loop will call: the
    one-thread entry once run is ready, the threaded one (a source of its own, never compiled here) is not."""
    text = builtin_text("lif").replace("title Leaky integrate-and-fire", "title LIF (threads gate test)", 1)
    net = Network(dt=0.1, seed=1)
    net.add_model("m", text)
    net.add_population("P", 2, "m", I_e=400.0)
    net.record_spikes("P")
    sim = Simulator(net, threads=1)
    sim.run(0.05)
    assert sim.results.spike_counts("P").sum() > 0  # it ran the generated code
    assert not needs_compile(sim.built)
    one = sim.built.gates.custom
    sim.built.set_threads(True)
    assert sim.built.gates.custom is not one and needs_compile(sim.built)
    sim.built.set_threads(None)
    assert sim.built.gates.custom is one and not needs_compile(sim.built)


def test_a_one_thread_build_writes_only_the_entry_it_runs(monkeypatch, tmp_path):
    """The build knows the run's thread count: a model from equations on one thread gets the entry without the
    parallel region only, not first the all-cores one (written and imported for nothing) and then that."""
    from spikestudio.engine.equations.model_cache import PREFIX

    monkeypatch.setattr(parallel, "cores", lambda: 4)  # every core would take the parallel path here
    monkeypatch.setenv("SPIKESTUDIO_MODEL_CACHE", str(tmp_path))
    net = Network(dt=0.1, seed=1)
    net.add_model("m", builtin_text("lif").replace("title Leaky integrate-and-fire", "title LIF (one entry)", 1))
    net.add_poisson("drive", 50, rate=20.0)
    net.add_population("P", 50, "m", I_e=400.0)
    net.connect("drive", "P", "all_to_all", weight=1.0)  # 2,500 synapses: the all-cores gate would be on
    sim = Simulator(net, threads=1)
    assert sim.built.gates.threads is None
    (written,) = sorted(tmp_path.glob(f"{PREFIX}*.py"))
    assert "prange(" not in written.read_text()
    assert Simulator(net, threads=4).built.gates.threads is True  # more threads: the threaded entry, as before
    assert len(list(tmp_path.glob(f"{PREFIX}*.py"))) == 2
