"""NIR export and import: parameter and unit mapping, the report of what NIR cannot express, exact round trips,
graphs written the way snnTorch and Norse write them, and clear errors for malformed files."""

import h5py
import nir
import numpy as np
import pytest
import spikestudio
from spikestudio.engine.errors import FileFormatError
from spikestudio.engine.interop.nir_export import nir_export, write_nir
from spikestudio.engine.interop.nir_import import nir_import, read_nir
from spikestudio.engine.interop.report import ExportError
from spikestudio.engine.interop.sparse import projection_synapses
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.resources.examples import example_path


def lif(net, pid, size, **params):
    return net.add_population(pid, size, "lif", **{"t_ref": 0.0, **params})


def driven_network(synapse: str = "current") -> Network:
    """Spike times drive E, E drives I, I inhibits E: deterministic, nothing random at run time."""
    net = Network(dt=0.1, duration=200.0, seed=5)
    rng = np.random.default_rng(0)
    times = np.sort(rng.uniform(0, 190, 300)).round(1)
    net.add_spike_times("In", 10, neurons=rng.integers(0, 10, 300), times=times)
    lif(net, "E", 40, tau_m=20.0, C_m=200.0, E_L=-65.0, V_th=-52.0, V_reset=-68.0)
    lif(net, "I", 10, tau_m=10.0)
    big = synapse == "current"
    net.connect("In", "E", "fixed_probability", p=0.5, weight=900.0 if big else 6.0, delay=1.5, synapse=synapse)
    net.connect("E", "I", "fixed_probability", p=0.4, weight=300.0 if big else 3.0, delay=1.0, synapse=synapse)
    net.connect("I", "E", "all_to_all", weight=100.0 if big else 1.0, receptor="inhibitory", tau=5.0, delay=0.1,
                synapse=synapse)
    net.record_spikes("E")
    net.record_spikes("I")
    return net


# --- the mapping of each parameter -----------------------------------------------------------------------


def test_lif_with_current_synapses_maps_to_cubalif_in_seconds_mv_pa_gohm():
    net = driven_network("current")
    graph, report = nir_export(net)
    e = graph.nodes["E"]
    assert isinstance(e, nir.CubaLIF)
    assert np.allclose(e.tau_mem, 0.020) and np.allclose(e.tau_syn, 0.005)  # ms -> s
    assert np.allclose(e.r, 20.0 / 200.0)  # r = tau_m / C_m: ms / pF = GOhm = mV / pA
    assert np.all(e.v_leak == -65.0) and np.all(e.v_threshold == -52.0) and np.all(e.v_reset == -68.0)  # mV
    assert np.all(e.w_in == 1.0) and e.tau_mem.shape == (40,)
    # weights: a (target x source) matrix, W = w * tau_syn (a unit Dirac spike makes the current jump by W / tau_syn)
    pre, post, w, _ = projection_synapses(net, net.projections["In->E"])
    W = graph.nodes["In->E"].weight
    assert W.shape == (40, 10)
    assert np.allclose(W[post, pre], w * 0.005) and np.count_nonzero(W) == pre.size
    assert np.all(graph.nodes["I->E"].weight <= 0) and np.allclose(graph.nodes["I->E"].weight, -100.0 * 0.005)
    assert report.lines() == ['inputs["In"]: 300 spike times cannot be stored in a NIR graph; '
                              'written as an nir.Input of 10 neurons']


def test_lif_with_delta_synapses_maps_to_nir_lif():
    graph, _ = nir_export(driven_network("delta"))
    i = graph.nodes["I"]
    assert isinstance(i, nir.LIF)
    assert np.allclose(i.tau, 0.010) and np.allclose(i.r, 10.0 / 250.0)
    assert np.all(i.v_leak == -70.0) and np.all(i.v_threshold == -55.0) and np.all(i.v_reset == -70.0)
    # a jump of w mV = r * W / tau  =>  W = w * tau / r
    W = graph.nodes["E->I"].weight
    assert np.allclose(W[W != 0], 3.0 * 0.010 / 0.04)


def test_delays_become_delay_nodes_and_one_step_needs_none():
    graph, _ = nir_export(driven_network())
    assert isinstance(graph.nodes["In->E.delay"], nir.Delay)
    assert np.allclose(graph.nodes["In->E.delay"].delay, 0.0015) and graph.nodes["In->E.delay"].delay.shape == (40,)
    assert ("In->E", "In->E.delay") in graph.edges and ("In->E.delay", "E") in graph.edges
    assert "I->E.delay" not in graph.nodes and ("I->E", "E") in graph.edges  # 0.1 ms = one step = an edge
    assert isinstance(graph.nodes["In"], nir.Input) and isinstance(graph.nodes["spikes:E"], nir.Output)


# --- what NIR cannot express ----------------------------------------------------------------------------


def unmappable_network() -> Network:
    net = Network(seed=2)
    net.add_population("E", 20, "lif")  # t_ref 2 ms by default
    lif(net, "B", 5, I_e=50.0)
    net.add_population("Z", 10, "izhikevich")
    net.add_population("A", 10, "adex")
    net.add_population("H", 10, "hh")
    net.add_poisson("P", 20, rate=900.0)
    net.add_current("dc", "B", "dc", amplitude=100.0)
    net.connect("P", "E", "one_to_one", weight=2.0, synapse="delta")
    net.connect("E", "B", "fixed_probability", p=0.2, synapse="conductance", id="cond")
    net.connect("B", "E", "all_to_all", weight=5.0, synapse="current", id="plastic",
                plasticity=Plasticity("stdp"))
    net.connect("Z", "E", "all_to_all", weight=1.0, synapse="delta", id="fromZ")
    return net


def test_the_report_names_everything_nir_cannot_express():
    _, report = nir_export(unmappable_network())
    text = "\n".join(report.lines())
    for expected in ['populations["E"]: refractory period 2 ms cannot be expressed in NIR',
                     'populations["B"]: bias current I_e = 50 pA cannot be expressed in NIR',
                     'populations["Z"]: the Izhikevich model cannot be expressed in NIR',
                     'populations["A"]: the Adaptive exponential IF (AdEx) model cannot be expressed in NIR',
                     'populations["H"]: the Hodgkin-Huxley (squid axon) model cannot be expressed in NIR',
                     'inputs["P"]: a Poisson source (rate 900 Hz) cannot be expressed in NIR',
                     'inputs["dc"]: a current input (dc) cannot be expressed in NIR',
                     'projections["cond"]: conductance synapses cannot be expressed in NIR',
                     'projections["plastic"].plasticity: the learning rule "stdp" cannot be expressed in NIR',
                     'projections["fromZ"]: left out with its source or target']:
        assert expected in text, expected


def test_strict_export_raises_listing_everything_and_writes_nothing(tmp_path):
    out = tmp_path / "x.nir"
    with pytest.raises(ExportError) as info:
        write_nir(unmappable_network(), out, strict=True)
    assert 'populations["Z"]' in str(info.value) and 'inputs["dc"]' in str(info.value)
    assert len(info.value.report.problems) >= 10 and not out.exists()


def test_non_strict_export_writes_what_maps(tmp_path):
    out = tmp_path / "x.nir"
    report = write_nir(unmappable_network(), out)
    assert not report.ok and out.exists()
    net = read_nir(out)
    assert set(net.populations) == {"E", "B"} and set(net.inputs) == {"P"}
    assert set(net.projections) == {"plastic", "P->E"} and net.projections["plastic"].plasticity is None


def test_a_nul_in_the_title_is_exported_escaped_and_reported_not_an_internal_error(tmp_path, capsys):
    from spikestudio import cli
    from spikestudio.engine.files import fileformat

    net = driven_network()
    net.metadata.title, net.metadata.author = "a\x00b", "\x00"
    report = write_nir(net, tmp_path / "x.nir")
    assert dict(report.notes)["metadata.title"].startswith("HDF5 strings cannot hold NUL characters")
    assert "metadata.author" in dict(report.notes)
    back = read_nir(tmp_path / "x.nir")
    assert (back.metadata.title, back.metadata.author) == ("a\\x00b", "\\x00")
    fileformat.save(net, tmp_path / "n.json")
    assert cli.main(["export", str(tmp_path / "n.json"), "--to", "nir", "-o", str(tmp_path / "y.nir")]) == 0
    assert "internal error" not in capsys.readouterr().err and read_nir(tmp_path / "y.nir").metadata.title == "a\\x00b"


# --- round trips --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("synapse", ["current", "delta"])
def test_round_trip_gives_identical_spike_trains(tmp_path, synapse):
    net = driven_network(synapse)
    write_nir(net, tmp_path / "net.nir")
    back = read_nir(tmp_path / "net.nir")
    assert (back.dt, back.seed) == (net.dt, net.seed)
    assert set(back.populations) == set(net.populations) and set(back.projections) == set(net.projections)
    for pid, pop in net.populations.items():
        assert back.populations[pid].params == pop.params and back.populations[pid].size == pop.size
    for pid, proj in net.projections.items():
        got = back.projections[pid]
        assert (got.synapse.kind, got.synapse.receptor) == (proj.synapse.kind, proj.synapse.receptor)
        assert synapse == "delta" or got.synapse.tau == proj.synapse.tau  # a delta synapse has no time constant
    assert set(back.layout) >= {"E", "I", "In"}  # laid out for the editor
    back.inputs["In"].neurons, back.inputs["In"].times = net.inputs["In"].neurons, net.inputs["In"].times
    first, second = spikestudio.Simulator(net).run(0.2), spikestudio.Simulator(back).run(0.2)
    for pid in ("E", "I"):
        (t1, n1), (t2, n2) = first.spikes(pid), second.spikes(pid)
        assert t1.size > 20
        assert np.array_equal(t1, t2) and np.array_equal(n1, n2)


def test_explicit_matrix_with_mixed_signs_imports_as_two_projections():
    W = np.array([[0.0, 2.0, -1.0], [0.5, 0.0, 0.0]])  # (target x source)
    graph = nir.NIRGraph(nodes={"in": nir.Input(np.array([3])), "w": nir.Linear(weight=W),
                                "out": _lif_node(2)}, edges=[("in", "w"), ("w", "out")], type_check=False)
    net = nir_import(graph, spike_step=1.0)  # unit Dirac deltas
    exc, inh = net.projections["w"], net.projections["w:inh"]
    assert exc.synapse.receptor == "excitatory" and inh.synapse.receptor == "inhibitory"
    assert sorted(zip(exc.pre, exc.post, exc.weights)) == [(0, 1, 0.5 * 0.1 / 0.01), (1, 0, 2.0 * 0.1 / 0.01)]
    assert list(zip(inh.pre, inh.post, inh.weights)) == [(2, 0, 1.0 * 0.1 / 0.01)]


def _lif_node(n, tau=0.01, r=0.1):
    return nir.LIF(tau=np.full(n, tau), r=np.full(n, r), v_leak=np.zeros(n), v_threshold=np.ones(n))


# --- graphs written by other frameworks -------------------------------------------------------------------


def snntorch_style_graph(dt=1e-4) -> nir.NIRGraph:
    """As snnTorch's export_to_nir writes Linear + Synaptic layers: float32 per-neuron arrays, numbered names."""
    rng = np.random.default_rng(1)

    def synaptic(n, alpha=0.9, beta=0.8):
        tau_syn, tau_mem = np.full(n, dt / (1 - alpha), np.float32), np.full(n, dt / (1 - beta), np.float32)
        return nir.CubaLIF(tau_syn=tau_syn, tau_mem=tau_mem, r=tau_mem / dt, v_leak=np.zeros(n, np.float32),
                           v_threshold=np.ones(n, np.float32), w_in=tau_syn / dt)

    nodes = {"input": nir.Input(np.array([4])),
             "0": nir.Affine(rng.normal(0, 1, (6, 4)).astype(np.float32), np.zeros(6, np.float32)),
             "1": synaptic(6),
             "2": nir.Affine(rng.normal(0, 1, (3, 6)).astype(np.float32), np.zeros(3, np.float32)),
             "3": synaptic(3),
             "output": nir.Output(np.array([3]))}
    edges = [("input", "0"), ("0", "1"), ("1", "2"), ("2", "3"), ("3", "output")]
    return nir.NIRGraph(nodes=nodes, edges=edges)


def test_snntorch_style_graph_imports(tmp_path):
    nir.write(tmp_path / "snntorch.nir", snntorch_style_graph())
    net = read_nir(tmp_path / "snntorch.nir")
    assert set(net.populations) == {"cubalif_1", "cubalif_3"} and net.inputs["input"].size == 4
    pop = net.populations["cubalif_1"]
    assert pop.size == 6 and pop.params["tau_m"] == pytest.approx(0.5) and pop.params["V_th"] == 1.0
    assert pop.params["C_m"] == pytest.approx(0.5 / 5.0, rel=1e-6)  # C_m = tau_m / r, r = tau_mem / dt = 5 GOhm
    kinds = {(p.source, p.target, p.synapse.kind) for p in net.projections.values()}
    assert kinds == {("input", "cubalif_1", "current"), ("cubalif_1", "cubalif_3", "current")}
    assert [p.synapse.tau for p in net.projections.values()] == pytest.approx([1.0] * len(net.projections))
    assert set(net.projections) == {"affine_0", "affine_0:inh", "affine_2", "affine_2:inh"}  # by sign
    assert "spikes:cubalif_3" in net.recorders and set(net.layout) >= {"input", "cubalif_1", "cubalif_3"}
    net.inputs["input"].neurons, net.inputs["input"].times = np.arange(4), np.full(4, 5.0)
    spikestudio.Simulator(net).run(0.02)  # it runs


def test_spike_step_reads_spikes_as_one_step_pulses_like_snntorch(tmp_path):
    """snnTorch: syn += W per input spike. Here the current jumps by w_in * W * step / tau_syn = W (pA)."""
    graph = snntorch_style_graph()
    net = nir_import(graph, spike_step=1e-4)
    W = graph.nodes["0"].weight.astype(np.float64)
    proj = net.projections["affine_0"]
    assert np.allclose(proj.weights, W[proj.post, proj.pre], rtol=1e-6) and np.all(proj.weights > 0)
    plain = nir_import(graph, spike_step=1.0)  # unit Dirac deltas, as the NIR spec reads them
    assert np.allclose(plain.projections["affine_0"].weights, proj.weights * 1e4)
    notes = []
    chosen = nir_import(graph, notes=notes)  # the default: the step snnTorch's r = tau_mem / dt gives
    assert np.allclose(chosen.projections["affine_0"].weights, proj.weights, rtol=1e-6)
    assert any("one step of 0.0001 s" in note for note in notes)
    with pytest.raises(ValueError, match="spike_step must be a positive"):
        nir_import(graph, spike_step=0.0)


def test_snntorch_cubalif_without_shapes_and_with_scalar_parameters_gets_its_size_from_the_weights(tmp_path):
    """snnTorch issue 410: CubaLIF nodes written without shapes, beta and threshold as scalars."""
    dt, rng = 1e-4, np.random.default_rng(3)
    tau_syn, tau_mem = dt / (1 - 0.9), dt / (1 - 0.8)
    one = (lambda x: np.array([x]))  # one value for every neuron (h5py cannot compress a 0-d dataset)
    scalar = nir.CubaLIF(tau_syn=one(tau_syn), tau_mem=one(tau_mem), r=one(tau_mem / dt), v_leak=one(0.0),
                         v_threshold=one(1.0), w_in=one(tau_syn / dt))
    nodes = {"input": nir.Input(np.array([4])), "0": nir.Linear(rng.normal(0, 1, (6, 4))), "1": scalar,
             "2": nir.Linear(rng.normal(0, 1, (3, 6))), "3": scalar, "output": nir.Output(np.array([3]))}
    edges = [("input", "0"), ("0", "1"), ("1", "2"), ("2", "3"), ("3", "output")]
    nir.write(tmp_path / "s.nir", nir.NIRGraph(nodes=nodes, edges=edges, type_check=False))
    notes = []
    net = read_nir(tmp_path / "s.nir", notes=notes)
    assert net.populations["cubalif_1"].size == 6 and net.populations["cubalif_3"].size == 3
    assert net.populations["cubalif_1"].params["V_th"] == 1.0
    assert 'nodes["1"]: no shape and scalar parameters; 6 neurons inferred from the weights of "0"' in notes
    assert 'nodes["3"]: no shape and scalar parameters; 3 neurons inferred from the weights of "2"' in notes
    net.inputs["input"].neurons, net.inputs["input"].times = np.arange(4), np.full(4, 1.0)
    spikestudio.Simulator(net).run(0.01)


def test_norse_style_linear_and_lif_graph_imports_with_bias_as_current():
    n_in, n = 3, 5
    nodes = {"input": nir.Input(np.array([n_in])), "linear": nir.Linear(np.full((n, n_in), 0.2)),
             "lif": nir.LIF(tau=np.full(n, 0.01), r=np.ones(n), v_leak=np.zeros(n), v_threshold=np.ones(n),
                            v_reset=np.zeros(n)),
             "affine": nir.Affine(np.eye(2, n), np.full(2, 0.3)),
             "li": nir.LI(tau=np.full(2, 0.02), r=np.ones(2), v_leak=np.zeros(2)), "output": nir.Output(np.array([2]))}
    edges = [("input", "linear"), ("linear", "lif"), ("lif", "affine"), ("affine", "li"), ("li", "output")]
    notes = []
    net = nir_import(nir.NIRGraph(nodes=nodes, edges=edges), notes=notes)
    assert net.populations["lif"].params["tau_m"] == 10.0 and net.populations["lif"].params["C_m"] == 10.0
    proj = net.projections["linear"]
    # r W / tau (mV) for a spike of 1 lasting Norse's default step of 1 ms (r = 1 does not tell the step)
    assert proj.synapse.kind == "delta" and np.allclose(proj.weights, 0.2 * 1.0 / 0.01 * 1e-3)
    assert any("Norse's default step" in note for note in notes)
    assert net.populations["li"].params["I_e"] == 0.3 and net.populations["li"].params["V_th"] == 200.0


# --- malformed files --------------------------------------------------------------------------------------


def test_a_text_file_named_nir_is_refused_clearly(tmp_path):
    path = tmp_path / "notes.nir"
    path.write_text("this is not a graph\n")
    with pytest.raises(FileFormatError, match="not a NIR file"):
        read_nir(path)
    with pytest.raises(FileFormatError, match="no such file"):
        read_nir(tmp_path / "missing.nir")


def test_an_edge_to_a_missing_node_is_named(tmp_path):
    path = tmp_path / "dangling.nir"
    write_nir(driven_network(), path)
    with h5py.File(path, "r+") as f:
        edges = [list(e) for e in f["node/edges"][()]] + [[b"E", b"ghost"]]
        del f["node/edges"]
        f["node"].create_dataset("edges", data=np.array(edges, dtype=object), dtype=h5py.string_dtype())
    with pytest.raises(FileFormatError, match='no node named "ghost"'):
        read_nir(path)


def test_an_hdf5_file_without_a_graph_is_refused(tmp_path):
    path = tmp_path / "empty.nir"
    with h5py.File(path, "w") as f:
        f.create_dataset("something", data=np.zeros(3))
    with pytest.raises(FileFormatError, match="not a valid NIR graph"):
        read_nir(path)


def test_a_weight_matrix_of_the_wrong_shape_is_named(tmp_path):
    graph = nir.NIRGraph(nodes={"in": nir.Input(np.array([3])), "w": nir.Linear(np.ones((4, 5))),
                                "pop": _lif_node(4)}, edges=[("in", "w"), ("w", "pop")], type_check=False)
    nir.write(tmp_path / "shape.nir", graph)
    with pytest.raises(FileFormatError, match=r'weight matrix of "w" has shape \(4, 5\) but its input has 3'):
        read_nir(tmp_path / "shape.nir")
    graph.nodes["w"] = nir.Linear(np.ones((2, 3)))
    with pytest.raises(FileFormatError, match='"pop" has 4 neurons but receives 2 values'):
        nir_import(graph)


def test_per_neuron_parameters_and_unsupported_nodes_are_named():
    node = _lif_node(3)
    node.tau = np.array([0.01, 0.02, 0.01])
    with pytest.raises(FileFormatError, match=r'nodes\["pop"\].tau: per-neuron values differ'):
        nir_import(nir.NIRGraph(nodes={"pop": node}, edges=[], type_check=False))
    graph = nir.NIRGraph(nodes={"t": nir.Threshold(np.ones(2))}, edges=[], type_check=False)
    with pytest.raises(FileFormatError, match="nir.Threshold nodes are not supported"):
        nir_import(graph)


def test_if_node_has_no_leak_and_delta_jumps_of_r_times_w():
    nodes = {"in": nir.Input(np.array([1])), "w": nir.Linear(np.full((2, 1), 0.5)),
             "if": nir.IF(r=np.full(2, 4.0), v_threshold=np.full(2, 3.0), v_reset=np.zeros(2))}
    net = nir_import(nir.NIRGraph(nodes=nodes, edges=[("in", "w"), ("w", "if")], type_check=False), spike_step=1.0)
    pop = net.populations["if"]
    assert pop.params["C_m"] == 250.0 and pop.params["tau_m"] >= 1e12  # dv/dt = r I (per s): C_m = 1000 / r pF
    assert pop.params["E_L"] == 0.0 and pop.params["V_th"] == 3.0
    assert np.allclose(net.projections["w"].weights, 2.0)  # v jumps by r W = 2 mV per spike
    net.inputs["in"].neurons, net.inputs["in"].times = np.array([0, 0]), np.array([1.0, 3.0])
    net.record_spikes("if")
    res = spikestudio.Simulator(net).run(0.01)
    assert res.spikes("if")[0].size == 2  # 2 mV, then 4 mV > 3 mV: both neurons fire once


def test_hostile_hdf5_files_are_refused_before_anything_is_read(tmp_path):
    import h5py
    from spikestudio.engine.errors import FileFormatError
    from spikestudio.engine.interop.nir_import import read_nir

    bomb = tmp_path / "bomb.nir"
    with h5py.File(bomb, "w") as f:  # 8 GB declared, a few kB on disk
        f.create_group("node").create_dataset("huge", shape=(1 << 30,), dtype="f8", compression="gzip",
                                              chunks=(1 << 20,))
    with pytest.raises(FileFormatError, match="more than 1024 MiB"):
        read_nir(bomb)
    secret = tmp_path / "secret.h5"
    with h5py.File(secret, "w") as f:
        f["data"] = np.arange(3)
    linked = tmp_path / "linked.nir"
    with h5py.File(linked, "w") as f:
        f.create_group("node")["peek"] = h5py.ExternalLink(str(secret), "/data")
    with pytest.raises(FileFormatError, match="a link to elsewhere"):
        read_nir(linked)
    raw = tmp_path / "raw.bin"
    raw.write_bytes(b"\0" * 64)
    external = tmp_path / "external.nir"
    with h5py.File(external, "w") as f:
        f.create_group("node").create_dataset("outside", shape=(8,), dtype="f8", external=[(str(raw), 0, 64)])
    with pytest.raises(FileFormatError, match="data stored outside the file"):
        read_nir(external)


# --- every example, and CUBA whole ------------------------------------------------------------------------


@pytest.mark.parametrize("example", ["single_neuron", "cuba", "brunel", "izhikevich", "digits", "ring_attractor",
                                     "tap_withdrawal"])
def test_every_example_export_opens_with_nir_read_defaults(example, tmp_path):
    """nir.read with its type checks needs an Input entry point: recurrent networks (CUBA) get one per neuron node
    no Input reaches; they carry no spikes and SpikeStudio's reader leaves them out."""
    net = spikestudio.load(example_path(example))
    write_nir(net, tmp_path / "x.nir")
    graph = nir.read(tmp_path / "x.nir")  # type_check=True: raises on a graph it cannot check
    assert isinstance(graph, nir.NIRGraph)
    back = read_nir(tmp_path / "x.nir")
    assert not any(i.endswith(".entry") for i in back.inputs)


def test_cuba_exports_whole_with_one_synapse_filter_per_tau_and_round_trips_to_identical_spikes(tmp_path):
    """CUBA's excitatory (5 ms) and inhibitory (10 ms) currents become two LI filters feeding each LIF node, so no
    projection is left out; refractoriness and drawn initial v travel as node metadata, so the run is the same."""
    net = spikestudio.load(example_path("cuba"))
    net.duration = 300.0
    graph, report = nir_export(net)
    assert not any(where.startswith("projections") for where in report.locations())
    assert isinstance(graph.nodes["E"], nir.LIF) and isinstance(graph.nodes["E.syn_tau_10ms"], nir.LI)
    assert {("E.syn_tau_5ms", "E"), ("E.syn_tau_10ms", "E"), ("I->E", "E.syn_tau_10ms")} <= set(graph.edges)
    write_nir(net, tmp_path / "cuba.nir")
    back = read_nir(tmp_path / "cuba.nir")
    assert set(back.projections) == set(net.projections) and set(back.populations) == {"E", "I"}
    for pid, proj in net.projections.items():
        got = back.projections[pid]
        assert (got.synapse.kind, got.synapse.receptor, got.synapse.tau) == \
            (proj.synapse.kind, proj.synapse.receptor, proj.synapse.tau)
    first, second = spikestudio.Simulator(net).run(0.3), spikestudio.Simulator(back).run(0.3)
    for pid in ("E", "I"):
        (t1, n1), (t2, n2) = first.spikes(pid), second.spikes(pid)
        assert t1.size > 500
        assert np.array_equal(t1, t2) and np.array_equal(n1, n2)
