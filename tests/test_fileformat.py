"""Network files: exact round trips, strict reading with located problems, hostile archives, atomic saving."""

import copy
import io
import json
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spikestudio.engine.errors import FileFormatError
from spikestudio.engine.files import fileformat, migrations
from spikestudio.engine.model.catalog import CURRENT_WAVEFORMS, NEURON_MODELS, SYNAPTIC_VARIABLES
from spikestudio.engine.model.network import (
    CurrentInput,
    Distribution,
    Metadata,
    Network,
    NodeLayout,
    Plasticity,
    PoissonInput,
    Population,
    Projection,
    Recorder,
    SpikeTimesInput,
    Synapse,
)
from spikestudio.engine.model.params import Problem, ValidationError
from spikestudio.engine.model.plain_text import INVISIBLE

ODD_ID = '../evil "id"\\ü/x.npy'


# --- helpers -----------------------------------------------------------------------------------------


def full_network() -> Network:
    """Every kind of item, every distribution kind, explicit and learned arrays, an id with odd characters."""
    net = Network(dt=0.05, duration=250.0, seed=12345,
                  metadata=Metadata("Every item", "Ada", "all kinds\nof things, ünïcode ✓", "CC-BY-4.0"))
    net.add(Population("E", 6, "lif", {"tau_m": 20}, {"v": Distribution("uniform", low=-70, high=-55)}, grid=(2, 3)))
    net.add(Population("I", 3, "izhikevich", {"a": 0.1},
                       {"v": Distribution("normal", mean=-65, std=2, min=-80, max=-50), "u": -13}))
    net.add(Population("A", 2, "adex", initial={"w": Distribution("lognormal", mean=5, std=1)}))
    net.add(Population("H", 1, "hh", name="squid axon"))
    net.add(Population(ODD_ID, 2, "lif"))
    net.add(PoissonInput("P", 6, 20.0, rates=np.linspace(0, 50, 6), grid=(2, 3)))
    net.add(PoissonInput("P2", 2, 3.5))
    net.add(SpikeTimesInput("S", 2, [0, 1, 1], [1.0, 2.5, 10.125]))
    for waveform in CURRENT_WAVEFORMS:
        net.add(CurrentInput(f"I_{waveform}", "E", waveform))
    net.connect("E", "I", "fixed_probability", p=0.25, weight=Distribution("normal", mean=2, std=0.5, min=0),
                synapse="conductance")
    net.connect("I", "E", "fixed_indegree", k=2, receptor="inhibitory",
                weight=Distribution("uniform", low=0.5, high=1.5),
                delay=Distribution("lognormal", mean=2, std=0.5, min=0.1, max=5))
    net.connect("P", "E", "one_to_one", synapse="delta")
    net.connect("S", "I", "all_to_all", tau=3.0)
    net.connect("E", "E", "gaussian", sigma=1.5, allow_autapses=True)
    net.connect("E", "A", "fixed_outdegree", k=1)
    net.connect("P2", "H", "fixed_total", n=3)
    net.connect("E", ODD_ID, "explicit", id="explicit", pre=[0, 5, 3], post=[1, 0, 1],
                weights=[0.5, 0.25, 1e-300], delays=[1.0, 2.0, 0.1])
    net.connect("I", "A", "explicit", id="learned",
                plasticity=Plasticity("stdp", {"A_plus": 0.01, "window": 20, "symmetric": False, "mode": "nearest"}),
                pre=[0, 1], post=[1, 1], weights=[0.1 + 0.2, 1 / 3], delays=[1.5, 2.5])
    net.record_spikes("E")
    net.record_spikes("P")
    net.record_state("I", "u", [0, 2])
    net.record_state("E", "syn_exc", [5], interval=0.5)
    net.record_rate("E", bin=5.0)
    net.layout.update({"E": NodeLayout(10.5, -3, "#ff0000"), ODD_ID: NodeLayout(0, 0, ""), "P": NodeLayout(1, 2)})
    assert net.validate() == []
    return net


def small_network() -> Network:
    net = Network()
    net.add_population("E", 4)
    net.add_population("I", 2)
    net.add_poisson("P", 3, 5.0)
    net.connect("E", "I", weight=Distribution("normal", mean=1.0, std=0.1, min=0.0))
    net.record_spikes("E")
    return net


def small_dict() -> dict:
    return json.loads(fileformat.dumps(small_network()))


def problems(exc_info) -> list[tuple[str, str]]:
    return [(p.location, p.message) for p in exc_info.value.problems]


def locations(exc_info) -> list[str]:
    return sorted(p.location for p in exc_info.value.problems)


def load_dict(tmp_path, data, name="net.json") -> pytest.ExceptionInfo:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.load(path)
    return exc_info


def load_text(tmp_path, text: str) -> pytest.ExceptionInfo:
    path = tmp_path / "net.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.load(path)
    return exc_info


def write_zip(path, members, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members:
            zf.writestr(name, data)
    return path


def load_zip(tmp_path, members, compression=zipfile.ZIP_DEFLATED) -> pytest.ExceptionInfo:
    path = write_zip(tmp_path / "net.snn", members, compression)
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.load(path)
    return exc_info


def npy(array, allow_pickle=False) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def npy_with_shape(shape) -> bytes:
    """A .npy header claiming ``shape`` followed by one float: np.load would try to allocate all of it."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buffer.getvalue() + bytes(8)


def with_rates_member(member="arrays/0.npy") -> bytes:
    """network.json of the small network whose poisson rates are the archive member ``member``."""
    data = small_dict()
    data["inputs"]["P"]["rates"] = {"npy": member}
    return json.dumps(data).encode()


def set_declared_size(path, name: str, size: int):
    """Rewrite a member's uncompressed size in the zip's central directory (what ZipInfo.file_size reports)."""
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        length = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + length] == name.encode():
            struct.pack_into("<I", data, pos + 24, size)
            path.write_bytes(bytes(data))
            return
        pos = data.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(f"no member {name}")


# --- round trips -------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".snn", ".json"])
def test_round_trip_is_byte_identical(tmp_path, suffix):
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    fileformat.save(full_network(), first)
    fileformat.save(fileformat.load(first), second)
    assert first.read_bytes() == second.read_bytes()
    # and saving over an existing file gives the same bytes again
    fileformat.save(fileformat.load(second), second)
    assert first.read_bytes() == second.read_bytes()


def test_redraw_is_kept_and_checked(tmp_path):
    """A redrawn distribution reads back redrawn; one without the flag is written as before (no new key)."""
    net = Network()
    net.add_population("E", 4)
    net.connect("E", "E", "fixed_total", n=5, delay=Distribution("normal", mean=1.0, std=0.5, min=0.05, redraw=True))
    path = tmp_path / "redraw.json"
    fileformat.save(net, path)
    assert fileformat.load(path).projections["E->E"].delay.redraw is True
    assert '"redraw"' not in fileformat.dumps(full_network())
    text = path.read_text().replace('"redraw": true', '"redraw": "yes"')
    with pytest.raises(FileFormatError, match=r'projections\["E->E"\].delay.redraw'):
        fileformat.loads(text)


@pytest.mark.parametrize("suffix", [".snn", ".json"])
def test_loaded_network_holds_everything(tmp_path, suffix):
    original = full_network()
    path = tmp_path / f"net{suffix}"
    fileformat.save(original, path)
    net = fileformat.load(path)
    assert fileformat.to_dict(net) == fileformat.to_dict(original)
    assert list(net.populations) == list(original.populations) and list(net.inputs) == list(original.inputs)
    assert isinstance(net.seed, int) and net.seed == 12345
    assert net.metadata.description == "all kinds\nof things, ünïcode ✓"
    assert net.populations["H"].name == "squid axon"
    assert net.populations["E"].params["tau_m"] == 20.0 and net.populations["E"].grid == (2, 3)
    assert net.populations["I"].initial["u"].kind == "constant" and net.populations["I"].initial["u"].value == -13
    assert net.projections["I->E"].rule_params == {"k": 2} and type(net.projections["I->E"].rule_params["k"]) is int
    assert net.projections["I->E"].delay.max == 5.0 and net.projections["E->I"].weight.max is None
    assert net.projections["E->I"].synapse.kind == "conductance"
    assert net.projections["E->E"].allow_autapses is True
    explicit, learned = net.projections["explicit"], net.projections["learned"]
    assert explicit.target == ODD_ID
    np.testing.assert_array_equal(explicit.pre, [0, 5, 3])
    assert explicit.pre.dtype == np.int64 and explicit.weights.dtype == np.float64
    assert explicit.weights[2] == 1e-300 and learned.weights[0] == 0.1 + 0.2 and learned.weights[1] == 1 / 3
    assert learned.plasticity.params == {"A_plus": 0.01, "window": 20, "symmetric": False, "mode": "nearest"}
    assert type(learned.plasticity.params["window"]) is int
    assert net.projections["P->E"].pre is None
    np.testing.assert_array_equal(net.inputs["P"].rates, np.linspace(0, 50, 6))
    assert net.inputs["P2"].rates is None
    np.testing.assert_array_equal(net.inputs["S"].times, [1.0, 2.5, 10.125])
    assert net.recorders["syn_exc:E"].interval == 0.5 and net.recorders["u:I"].neurons == [0, 2]
    assert net.layout[ODD_ID].x == 0.0 and net.layout["E"].color == "#ff0000"
    assert net.validate() == []


def test_json_layout():
    net = Network(dt=0.1, duration=100, seed=7, metadata=Metadata(title="t"))
    net.add_population("E", 2, "lif", initial={"v": Distribution("normal", mean=-65, std=3, max=-50)})
    net.add_spike_times("S", 1, [0], [5])
    net.connect("S", "E", "fixed_indegree", k=1, weight=2)
    net.record_rate("E")
    net.layout["E"] = NodeLayout(1, 2, "red")
    text = fileformat.dumps(net)
    assert text.startswith('{\n  "format": "spikestudio.network",\n  "version": 1,\n  "metadata": {\n')
    assert text.endswith("}\n")
    data = json.loads(text)
    assert list(data) == ["format", "version", "metadata", "settings", "populations", "inputs", "projections",
                          "recorders", "layout"]
    assert data["settings"] == {"dt": 0.1, "duration": 100.0, "seed": 7}
    assert '"duration": 100.0,' in text and '"seed": 7\n' in text
    assert data["populations"] == {"E": {
        "name": "E", "size": 2, "model": "lif",
        "params": {"tau_m": 10.0, "C_m": 250.0, "E_L": -70.0, "V_th": -55.0, "V_reset": -70.0, "t_ref": 2.0,
                   "I_e": 0.0},
        "initial": {"v": {"kind": "normal", "mean": -65.0, "std": 3.0, "min": None, "max": -50.0}},
        "grid": None}}
    assert list(data["populations"]["E"]["params"]) == list(NEURON_MODELS["lif"].params)
    assert data["inputs"] == {"S": {"type": "spike_times", "name": "S", "size": 1, "neurons": [0], "times": [5.0]}}
    proj = data["projections"]["S->E"]
    assert list(proj) == ["name", "source", "target", "rule", "rule_params", "weight", "delay", "synapse",
                          "allow_autapses", "plasticity", "pre", "post", "weights", "delays"]
    assert proj["rule_params"] == {"k": 1} and '"k": 1\n' in text
    assert proj["weight"] == {"kind": "constant", "value": 2.0, "min": None, "max": None}
    assert proj["synapse"] == {"kind": "current", "receptor": "excitatory", "tau": 5.0, "E_rev": 0.0}
    assert data["recorders"] == {"rate:E": {"name": "rate:E", "kind": "rate", "target": "E", "variable": "v",
                                            "neurons": [0], "interval": 0.1, "bin": 1.0}}
    assert data["layout"] == {"E": {"x": 1.0, "y": 2.0, "color": "red"}}


def test_snn_archive_is_a_deterministic_zip(tmp_path):
    path = tmp_path / "net.snn"
    fileformat.save(full_network(), path)
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == ["network.json"] + [f"arrays/{i}.npy" for i in range(11)]
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) and i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
        assert all(i.external_attr >> 16 == 0o100644 and i.create_system == 3 for i in infos)
        data = json.loads(zf.read("network.json"))
    assert data["inputs"]["P"]["rates"] == {"npy": "arrays/0.npy"}
    assert data["projections"]["explicit"]["pre"] == {"npy": "arrays/3.npy"}
    assert data["projections"]["learned"]["delays"] == {"npy": "arrays/10.npy"}
    assert data["projections"]["E->I"]["pre"] is None
    assert ODD_ID in data["populations"]


def test_highly_compressible_array_is_stored_so_it_still_loads(tmp_path):
    net = small_network()
    net.inputs["P"] = PoissonInput("P", 300_000, 5.0, rates=np.zeros(300_000))
    path = tmp_path / "net.snn"
    fileformat.save(net, path)
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("arrays/0.npy").compress_type == zipfile.ZIP_STORED
        assert zf.getinfo("network.json").compress_type == zipfile.ZIP_DEFLATED
    assert fileformat.load(path).inputs["P"].rates.shape == (300_000,)


def test_to_dict_and_from_dict_with_custom_arrays():
    net = full_network()
    stored = {}

    def writer(array, location):
        stored[f"{len(stored)}.npy"] = array.copy()
        return {"npy": f"{len(stored) - 1}.npy"}

    data = fileformat.to_dict(net, writer)
    assert data["projections"]["explicit"]["weights"] == {"npy": "5.npy"}
    loaded = fileformat.from_dict(copy.deepcopy(data), stored)
    assert fileformat.dumps(loaded) == fileformat.dumps(net)
    assert fileformat.loads(fileformat.dumps(net)).projections["explicit"].delays.tolist() == [1.0, 2.0, 0.1]


# --- property test -----------------------------------------------------------------------------------

# ids and names refuse control characters (C0, DEL, C1) and bidi controls; '<' is fine
PLAIN = st.characters(codec="utf-8", exclude_categories=["Cc"], exclude_characters="".join(INVISIBLE))
IDS = st.text(PLAIN, min_size=1, max_size=5)
TEXT = st.text(max_size=8)
NAMES = st.text(PLAIN, max_size=8)


def floats(low=-1e4, high=1e4, **kw):
    return st.floats(low, high, allow_nan=False, allow_infinity=False, **kw)


def param_values(specs):
    def one(spec):
        if spec.integer:
            return st.integers(int(max(spec.low, 0)), int(min(spec.high, 50)))
        low, high = max(spec.low, -1e4), min(spec.high, 1e4)
        return floats(low, high, exclude_min=spec.low_open and low == spec.low,
                      exclude_max=spec.high_open and high == spec.high)

    return st.lists(st.sampled_from(list(specs)), unique=True).flatmap(
        lambda names: st.fixed_dictionaries({n: one(specs[n]) for n in names}) if names else st.just({}))


@st.composite
def distributions(draw, nonnegative=False):
    low = 0.0 if nonnegative else -1e4
    kind = draw(st.sampled_from(["constant", "uniform", "normal", "lognormal"]))
    a, b = sorted([draw(floats(low)), draw(floats(low))])
    lo = draw(st.none() | floats(low))
    hi = draw(st.none() | floats(lo if lo is not None else low))
    # fields of other kinds get random values: they are not written, so they must not break the round trip
    return Distribution(kind, value=draw(floats(low)), low=a, high=b,
                        mean=draw(floats(1e-6) if kind == "lognormal" else floats()), std=draw(floats(0.0)),
                        min=lo, max=hi)


@st.composite
def networks(draw):
    ids = iter(draw(st.lists(IDS, min_size=14, max_size=14, unique=True)))
    dt = draw(st.sampled_from([0.1, 0.05, 0.025, 1.0]))
    net = Network(dt=dt, duration=draw(floats(1e-3)), seed=draw(st.integers(0, 2**62)),
                  metadata=Metadata(*(draw(TEXT) for _ in range(4))))
    for _ in range(draw(st.integers(1, 3))):
        model = NEURON_MODELS[draw(st.sampled_from(sorted(NEURON_MODELS)))]
        size = draw(st.integers(1, 4))
        initial = {var: draw(distributions()) for var in draw(st.lists(st.sampled_from(list(model.state)),
                                                                         unique=True, max_size=2))}
        pop = Population(next(ids), size, model.id, draw(param_values(model.params)), initial,
                         draw(st.sampled_from([None, (1, size), (size, 1)])))
        top = "V_th" if "V_th" in pop.params else "V_peak"
        if "V_reset" in pop.params and pop.params["V_reset"] >= pop.params[top]:  # validation demands reset < top
            pop.params["V_reset"], pop.params[top] = -80.0, -40.0
        net.add(pop)
    pops = list(net.populations.values())
    for _ in range(draw(st.integers(0, 3))):
        kind, item_id = draw(st.sampled_from(["poisson", "spike_times", "current"])), next(ids)
        size = draw(st.integers(1, 3))
        if kind == "poisson":
            rates = draw(st.none() | st.lists(floats(0.0, 1e3), min_size=size, max_size=size))
            net.add(PoissonInput(item_id, size, draw(floats(0.0, 1e3)), rates,
                                 draw(st.sampled_from([None, (size, 1)]))))
        elif kind == "spike_times":
            n = draw(st.integers(0, 4))
            neurons = draw(st.lists(st.integers(0, size - 1), min_size=n, max_size=n))
            net.add(SpikeTimesInput(item_id, size, neurons, draw(st.lists(floats(0.0), min_size=n, max_size=n))))
        else:
            waveform = draw(st.sampled_from(list(CURRENT_WAVEFORMS)))
            target = draw(st.sampled_from(pops)).id
            net.add(CurrentInput(item_id, target, waveform, draw(param_values(CURRENT_WAVEFORMS[waveform]))))
    for _ in range(draw(st.integers(0, 3))):
        net.add(draw(projections(net, next(ids))))
    for _ in range(draw(st.integers(0, 3))):
        net.add(draw(recorders(net, next(ids))))
    for item_id in draw(st.lists(st.sampled_from(sorted(net.all_ids())), unique=True, max_size=3)):
        color = draw(st.sampled_from(["", "red", "SteelBlue", "#abc"]) | st.from_regex("#[0-9a-f]{6}", fullmatch=True))
        net.layout[item_id] = NodeLayout(draw(floats()), draw(floats()), color)
    return net


@st.composite
def projections(draw, net, proj_id):
    source = draw(st.sampled_from(list(net.spiking_nodes().values())))
    target = draw(st.sampled_from(list(net.populations.values())))
    autapses = draw(st.booleans())
    rules = ["all_to_all", "fixed_probability", "fixed_total", "fixed_indegree", "explicit"]
    rules += ["one_to_one"] if source.size == target.size else []
    rules += ["gaussian"] if getattr(source, "grid", None) and target.grid else []
    rule = draw(st.sampled_from(rules))
    arrays, params = {}, {}
    if rule == "fixed_indegree":
        params["k"] = draw(st.integers(0, source.size - (source.id == target.id and not autapses)))
    elif rule == "fixed_probability":
        params["p"] = draw(floats(0.0, 1.0))
    elif rule == "fixed_total":
        params["n"] = draw(st.integers(0, 10**12))
    if rule == "explicit":  # explicit (or learned) connections carry per-synapse arrays
        n = draw(st.integers(0, 4))
        arrays["pre"] = draw(st.lists(st.integers(0, source.size - 1), min_size=n, max_size=n))
        arrays["post"] = draw(st.lists(st.integers(0, target.size - 1), min_size=n, max_size=n))
        for name in ("weights", "delays"):
            arrays[name] = draw(st.none() | st.lists(floats(0.0), min_size=n, max_size=n))
    plasticity = draw(st.none() | st.builds(Plasticity, IDS, st.dictionaries(
        TEXT, floats() | st.integers(-10**20, 10**20) | st.booleans() | TEXT, max_size=3)))
    receptor = draw(st.sampled_from(["excitatory", "inhibitory"]))
    synapse = Synapse(draw(st.sampled_from(["delta", "current", "conductance"])), receptor,
                      draw(st.none() | floats(1e-3, 1e3)), draw(st.none() | floats(-200.0, 200.0)))
    return Projection(proj_id, source.id, target.id, rule, params, draw(distributions(nonnegative=True)),
                      draw(distributions(nonnegative=True)), synapse, autapses, plasticity, name=draw(NAMES), **arrays)


@st.composite
def recorders(draw, net, rec_id):
    kind = draw(st.sampled_from(["spikes", "state", "rate"]))
    slow = floats(net.dt, 100.0)
    if kind == "state":
        pop = draw(st.sampled_from(list(net.populations.values())))
        variable = draw(st.sampled_from(list(NEURON_MODELS[pop.model].state) + list(SYNAPTIC_VARIABLES)))
        neurons = draw(st.lists(st.integers(0, pop.size - 1), min_size=1, max_size=3))
        return Recorder(rec_id, kind, pop.id, variable, neurons, draw(slow), draw(floats()), name=draw(NAMES))
    target = draw(st.sampled_from(sorted(net.spiking_nodes())))
    return Recorder(rec_id, kind, target, draw(TEXT), draw(st.lists(st.integers(-5, 5), max_size=2)), draw(floats()),
                    draw(slow if kind == "rate" else floats()))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(net=networks(), suffix=st.sampled_from([".snn", ".json"]))
def test_random_networks_round_trip_exactly(tmp_path, net, suffix):
    assert net.validate() == []
    first, second = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    fileformat.save(net, first)
    loaded = fileformat.load(first)
    fileformat.save(loaded, second)
    assert first.read_bytes() == second.read_bytes()
    assert fileformat.dumps(loaded) == fileformat.dumps(net)


def json_paths(value, path=()):
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from json_paths(child, (*path, key))


FULL_DICT = json.loads(fileformat.dumps(full_network()))
def corrupted(data, path, value):
    """A deep copy of ``data`` with ``value`` at ``path`` (a key path from ``json_paths``), or that part deleted
    when ``value`` is "<delete>"."""
    data = copy.deepcopy(data)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if value == "<delete>":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                         max_size=3), max_leaves=4)


@settings(max_examples=100, deadline=None)
@given(path=st.sampled_from(list(json_paths(FULL_DICT))[1:]), value=JSON_VALUES | st.just("<delete>"))
def test_any_corrupted_field_is_a_file_format_error_or_loads_exactly(path, value):
    data = corrupted(FULL_DICT, path, value)
    try:
        net = fileformat.loads(json.dumps(data))
    except FileFormatError as error:
        assert error.problems and all(isinstance(p, Problem) and p.message for p in error.problems)
        return
    text = fileformat.dumps(net)
    assert fileformat.dumps(fileformat.loads(text)) == text


# --- malformed files: locations ------------------------------------------------------------------------


def test_missing_file_is_a_file_format_error(tmp_path):
    for name in ("nothing.snn", "nothing.json"):
        with pytest.raises(FileFormatError) as exc_info:
            fileformat.load(tmp_path / name)
        assert problems(exc_info) == [(str(tmp_path / name), "no such file")]
        assert isinstance(exc_info.value, ValidationError)


def test_snn_that_is_not_a_zip(tmp_path):
    path = tmp_path / "net.snn"
    path.write_text(fileformat.dumps(small_network()))
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.load(path)
    assert problems(exc_info) == [(str(path), "not a SpikeStudio .snn file (not a zip archive)")]


def test_invalid_json_names_line_and_column(tmp_path):
    exc_info = load_text(tmp_path, '{\n  "format": "spikestudio.network",\n  "version": 1,\n  oops\n}\n')
    assert problems(exc_info) == [("net.json", "not valid JSON: Expecting property name enclosed in double quotes "
                                               "(line 4, column 3)")]
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.loads("[1, 2")
    assert exc_info.value.problems[0].location == "network.json"
    assert "line 1, column 6" in exc_info.value.problems[0].message


def test_json_that_is_not_utf8(tmp_path):
    path = tmp_path / "net.json"
    path.write_bytes(b'{"format": "\xff"}')
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.load(path)
    assert problems(exc_info) == [("net.json", "not UTF-8 text (invalid byte at offset 12)")]


def test_deeply_nested_json_is_reported_not_crashing():
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.loads("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in str(exc_info.value)


@pytest.mark.parametrize("change, expected", [
    (lambda d: d.pop("format"), ("format", 'missing: not a SpikeStudio network file (expected "format": '
                                           '"spikestudio.network")')),
    (lambda d: d.update(format="other.app"), ("format", 'expected "spikestudio.network", got "other.app": not a '
                                                        "SpikeStudio network file")),
    (lambda d: d.pop("version"), ("version", "missing (expected a whole number, such as 1)")),
    (lambda d: d.update(version="1"), ("version", 'expected a whole number, got "1"')),
    (lambda d: d.update(version=1.0), ("version", "expected a whole number, got 1.0")),
    (lambda d: d.update(version=True), ("version", "expected a whole number, got true")),
    (lambda d: d.update(version=0), ("version", "0 is not a file version (versions start at 1)")),
    (lambda d: d.update(version=7), ("version", "written by a newer SpikeStudio (file version 7); this version "
                                                "reads up to 2")),
])
def test_header_problems(tmp_path, change, expected):
    data = small_dict()
    change(data)
    assert problems(load_dict(tmp_path, data)) == [expected]


def test_top_level_must_be_an_object():
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.loads("[]")
    assert problems(exc_info) == [("network.json", 'expected a JSON object with "format": "spikestudio.network", '
                                                   "got a list")]


def test_every_problem_is_reported_with_its_location(tmp_path):
    data = small_dict()
    data["metadata"]["title"] = 5
    data["settings"]["seed"] = True
    data["populations"]["E"]["size"] = 2.5
    data["populations"]["I"]["model"] = "nope"
    data["inputs"]["P"]["rates"] = [1, "x", 3]
    data["projections"]["E->I"]["weight"]["mean"] = "abc"
    data["projections"]["E->I"]["allow_autapses"] = "no"
    data["recorders"]["spikes:E"]["neurons"] = ["a"]
    exc_info = load_dict(tmp_path, data)
    assert sorted(problems(exc_info)) == sorted([
        ("metadata.title", "expected a string, got 5"),
        ("settings.seed", "expected a whole number, got true"),
        ('populations["E"].size', "expected a whole number, got 2.5"),
        ('populations["I"].model', 'unknown neuron model "nope" (known: lif, izhikevich, adex, hh, lif_adaptive)'),
        ('inputs["P"].rates[1]', 'expected a number, got "x"'),
        ('projections["E->I"].weight.mean', 'expected a number, got "abc"'),
        ('projections["E->I"].allow_autapses', 'expected true or false, got "no"'),
        ('recorders["spikes:E"].neurons', "expected a list of whole numbers, got a list"),
    ])
    assert 'projections["E->I"].weight.mean: expected a number, got "abc"' in str(exc_info.value)


def test_wrong_shapes_of_items_and_sections(tmp_path):
    data = small_dict()
    data["populations"]["E"] = [4]
    data["inputs"] = "none"
    data["projections"]["E->I"]["synapse"] = None
    data["projections"]["E->I"]["delay"] = 1.0
    data["projections"]["E->I"]["plasticity"] = {"rule": "stdp", "params": {"a": [1]}}
    data["projections"]["E->I"]["pre"] = "0 1"
    data["layout"] = {"I": {"x": "1", "y": 0, "color": None}}
    assert locations(load_dict(tmp_path, data)) == sorted([
        'populations["E"]', "inputs", 'projections["E->I"].delay', 'projections["E->I"].synapse',
        'projections["E->I"].plasticity.params.a', 'projections["E->I"].pre', 'layout["I"].x',
        'layout["I"].color'])


def test_unknown_and_missing_keys_are_reported(tmp_path):
    data = small_dict()
    data["extra"] = 1
    data["populations"]["E"]["colour"] = "red"
    data["populations"]["E"]["params"]["tau_x"] = 1.0
    del data["populations"]["I"]["params"]["V_th"]
    data["projections"]["E->I"]["weight"]["value"] = 3.0  # a field of another distribution kind
    del data["projections"]["E->I"]["synapse"]["tau"]
    del data["recorders"]["spikes:E"]["bin"]
    data["settings"].pop("dt")
    exc_info = load_dict(tmp_path, data)
    assert sorted(problems(exc_info)) == sorted([
        ("extra", "unknown field (expected: format, version, metadata, settings, populations, inputs, projections, "
                  "recorders, layout, notes, models, rules)"),
        ("settings.dt", "missing"),
        ('populations["E"].colour', "unknown field (expected: name, size, model, params, initial, grid)"),
        ('populations["E"].params.tau_x', "unknown parameter (known: tau_m, C_m, E_L, V_th, V_reset, t_ref, I_e)"),
        ('populations["I"].params.V_th', "missing"),
        ('projections["E->I"].weight.value', "unknown field (expected: kind, mean, std, min, max, redraw)"),
        ('projections["E->I"].synapse.tau', "missing"),
        ('recorders["spikes:E"].bin', "missing"),
    ])


def test_unknown_names_from_the_catalog(tmp_path):
    data = small_dict()
    data["projections"]["E->I"]["rule"] = "small_world"
    data["projections"]["E->I"]["weight"]["kind"] = "gamma"
    data["inputs"]["P"]["type"] = "noise"
    data["recorders"]["spikes:E"]["kind"] = "voltage"
    assert sorted(problems(load_dict(tmp_path, data))) == [
        ('inputs["P"].type', 'unknown input type "noise" (known: poisson, spike_times, current, reward, dataset)'),
        ('projections["E->I"].rule', 'unknown connectivity rule "small_world" (known: all_to_all, one_to_one, '
                                     "fixed_probability, fixed_indegree, fixed_outdegree, fixed_total, gaussian, "
                                     "explicit)"),
        ('projections["E->I"].weight.kind', 'unknown distribution "gamma" (known: constant, uniform, normal, '
                                            "lognormal)"),
        ('recorders["spikes:E"].kind', 'unknown recorder kind "voltage" (known: spikes, state, rate)'),
    ]


def test_dangling_references(tmp_path):
    data = small_dict()
    data["projections"]["E->I"]["target"] = "ghost"
    data["recorders"]["spikes:E"]["target"] = "phantom"
    data["layout"]["nowhere"] = {"x": 0.0, "y": 0.0, "color": ""}
    data["inputs"]["C"] = {"type": "current", "name": "C", "target": "P", "waveform": "dc",
                           "params": {"amplitude": 1.0}}
    assert sorted(problems(load_dict(tmp_path, data))) == [
        ('inputs["C"].target', '"P" is an input; it cannot receive input'),
        ('layout["nowhere"]', 'refers to "nowhere", which does not exist'),
        ('projections["E->I"].target', 'refers to "ghost", which does not exist'),
        ('recorders["spikes:E"].target', 'refers to "phantom", which does not exist'),
    ]


def test_ids_must_be_unique_across_sections(tmp_path):
    data = small_dict()
    data["recorders"]["E"] = data["recorders"].pop("spikes:E")
    assert problems(load_dict(tmp_path, data)) == [('recorders["E"]', 'duplicate id "E" (also populations["E"])')]


def test_follow_on_problems_of_a_bad_value_are_not_reported(tmp_path):
    data = small_dict()
    data["populations"]["E"]["size"] = "ten"
    data["recorders"]["v:E"] = {"name": "v:E", "kind": "state", "target": "E", "variable": "v", "neurons": [7],
                                "interval": 0.1, "bin": 1.0}
    data["settings"]["dt"] = "0.1"
    assert problems(load_dict(tmp_path, data)) == [('settings.dt', 'expected a number, got "0.1"'),
                                                   ('populations["E"].size', 'expected a whole number, got "ten"')]


def test_validation_problems_use_file_locations(tmp_path):
    data = small_dict()
    data["settings"]["dt"] = 100.0
    data["populations"]["E"]["params"]["tau_m"] = -1.0
    data["projections"]["E->I"]["rule_params"]["p"] = 2
    assert sorted(problems(load_dict(tmp_path, data))) == [
        ('populations["E"].params.tau_m', "-1 is outside the valid range (0, inf) ms"),
        ('projections["E->I"].rule_params.p', "2 is outside the valid range [0, 1]"),
        ("settings.dt", "100 is outside the valid range [0.001, 10] ms"),
    ]


def test_duplicate_keys_are_reported(tmp_path):
    text = fileformat.dumps(small_network())
    text = text.replace('"size": 4,', '"size": 4,\n      "size": 40,', 1)
    text = text.replace('"populations": {', '"populations": {\n    "I": {},', 1)
    text = text.replace('"layout": {}', '"layout": {}, "layout": {}', 1)
    exc_info = load_text(tmp_path, text)
    assert sorted(problems(exc_info)) == [
        ("layout", "duplicate key (only the last would be kept)"),
        ('populations["E"].size', "duplicate key (only the last would be kept)"),
        ('populations["I"]', "duplicate key (only the last would be kept)"),
    ]


@pytest.mark.parametrize("literal, shown", [("NaN", "NaN"), ("Infinity", "Infinity"), ("-Infinity", "-Infinity"),
                                            ("1e999", "1e999")])
def test_non_finite_numbers_are_refused(tmp_path, literal, shown):
    text = fileformat.dumps(small_network()).replace('"rate": 5.0', f'"rate": {literal}')
    assert problems(load_text(tmp_path, text)) == [('inputs["P"].rate', f"expected a finite number, got {shown}")]


def test_from_dict_refuses_python_nan_too():
    data = small_dict()
    data["inputs"]["P"]["rate"] = float("nan")
    data["inputs"]["P"]["rates"] = [1.0, float("inf"), 2.0]
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.from_dict(data)
    assert problems(exc_info) == [('inputs["P"].rate', "expected a finite number, got nan"),
                                  ('inputs["P"].rates', "holds a value that is not a finite 64-bit number")]


def test_huge_integers_are_reported(tmp_path):
    data = small_dict()
    data["inputs"]["P"]["rates"] = [1, 2, 10**400]
    data["populations"]["E"]["params"]["C_m"] = 10**400
    assert locations(load_dict(tmp_path, data)) == ['inputs["P"].rates', 'populations["E"].params.C_m']


def test_text_that_could_not_be_saved_again_is_refused():
    text = fileformat.dumps(small_network()).replace('"title": ""', '"title": "\\ud800"')
    text = text.replace('"P": {', '"P\\udfff": {')
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.loads(text)
    assert locations(exc_info) == ['inputs["P\udfff"]', "metadata.title"]


def test_npy_reference_in_a_bare_json_file(tmp_path):
    data = small_dict()
    data["inputs"]["P"]["rates"] = {"npy": "arrays/0.npy"}
    assert problems(load_dict(tmp_path, data)) == [
        ('inputs["P"].rates', 'refers to archive member "arrays/0.npy", but a .json file has no archive (write '
                              "arrays as lists)")]


def test_explicit_array_problems_from_validation(tmp_path):
    net = full_network()
    data = json.loads(fileformat.dumps(net))
    data["projections"]["explicit"]["pre"] = [0, 6, 3]
    data["projections"]["explicit"]["weights"] = [1.0]
    assert sorted(problems(load_dict(tmp_path, data))) == [
        ('projections["explicit"].pre', "indices must lie in [0, 5]"),
        ('projections["explicit"].weights', "1 values for 3 synapses"),
    ]


# --- hostile and broken archives ---------------------------------------------------------------------


def test_path_traversal_member_names_are_reported(tmp_path):
    json_bytes = fileformat.dumps(small_network()).encode()
    names = ["../evil.npy", "/etc/passwd", "a\\..\\b.npy", "C:/x.npy", "arrays/./0.npy"]
    exc_info = load_zip(tmp_path, [("network.json", json_bytes)] + [(n, b"x") for n in names])
    assert problems(exc_info) == [(f'archive["{n}"]', "unsafe member name (absolute path, '..', backslash or drive)")
                                  for n in names]
    assert not (tmp_path.parent / "evil.npy").exists()


def test_declared_size_above_the_limit_is_refused_before_reading(tmp_path):
    path = write_zip(tmp_path / "net.snn", [("network.json", with_rates_member()), ("arrays/0.npy", npy(np.ones(3)))])
    set_declared_size(path, "arrays/0.npy", 3 << 30)
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.load(path)
    assert problems(exc_info) == [
        ('archive["arrays/0.npy"]', f"declares {3 << 30} bytes; the limit is {1 << 30}"),
        ("archive", f"declares {(3 << 30) + len(with_rates_member())} bytes in all; the limit is {2 << 30}"),
    ]


def test_header_that_understates_the_size_cannot_blow_memory(tmp_path):
    path = write_zip(tmp_path / "net.snn", [("network.json", fileformat.dumps(small_network()).encode())])
    set_declared_size(path, "network.json", 5)
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.load(path)
    [(location, message)] = problems(exc_info)
    assert location == 'archive["network.json"]' and message.startswith("cannot be read: Bad CRC-32")


def test_bounded_reader_stops_at_the_limit(tmp_path, monkeypatch):
    path = write_zip(tmp_path / "net.snn", [("network.json", fileformat.dumps(small_network()).encode())])
    monkeypatch.setattr(fileformat, "MAX_MEMBER_SIZE", 1000)
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.load(path)
    assert exc_info.value.problems[0].location == 'archive["network.json"]'
    assert "the limit is 1000" in exc_info.value.problems[0].message
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("network.json")
        info.file_size = 10**9  # a header claiming more than the limit: the reader still stops at the limit
        with pytest.raises(ValueError, match="more data than its header declares"):
            fileformat._read_member(zf, info)


def test_too_many_members(tmp_path):
    members = [("network.json", fileformat.dumps(small_network()).encode())]
    members += [(f"m{i}", b"") for i in range(10_000)]
    assert problems(load_zip(tmp_path, members, zipfile.ZIP_STORED)) == [
        ("archive", "10001 members; a network file has at most 10000")]


def test_duplicate_missing_and_odd_members(tmp_path):
    json_bytes = fileformat.dumps(small_network()).encode()
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = write_zip(tmp_path / "a.snn", [("network.json", json_bytes), ("network.json", json_bytes)])
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.load(path)
    assert problems(exc_info) == [('archive["network.json"]', "appears 2 times in the archive")]
    assert problems(load_zip(tmp_path, [("other.json", json_bytes)])) == [
        ("archive", 'no "network.json" member: not a SpikeStudio network file')]
    exc_info = load_zip(tmp_path, [("network.json", json_bytes)], zipfile.ZIP_BZIP2)
    assert problems(exc_info) == [('archive["network.json"]',
                                   "unsupported compression method 12 (only stored or deflate)")]


def test_unreferenced_members_are_reported(tmp_path):
    exc_info = load_zip(tmp_path, [("network.json", with_rates_member()), ("arrays/0.npy", npy(np.ones(3))),
                                   ("notes.txt", b"hello")])
    assert problems(exc_info) == [('archive["notes.txt"]', "not referenced by network.json (unknown content)")]


@pytest.mark.parametrize("member, data, message", [
    ("arrays/9.npy", None, 'archive member "arrays/9.npy" does not exist'),
    ("notes.txt", b"1,2,3", 'archive member "notes.txt" is not a .npy file'),
    ("network.json", None, 'archive member "network.json" is not a .npy file'),
    ("arrays/0.npy", npy(np.array([1, "a"], dtype=object), allow_pickle=True),
     'archive member "arrays/0.npy" holds Python objects; only numeric arrays are read (a file never runs code)'),
    ("arrays/0.npy", npy(np.zeros(3, dtype=[("a", "<f8")])),
     "archive member \"arrays/0.npy\" holds [('a', '<f8')] data; only numeric arrays are allowed"),
    ("arrays/0.npy", npy(np.array(["a", "b", "c"])),
     'archive member "arrays/0.npy" holds <U1 data; only numeric arrays are allowed'),
    ("arrays/0.npy", npy(np.ones((3, 1))), 'archive member "arrays/0.npy" has shape (3, 1); expected a 1-D array'),
    ("arrays/0.npy", npy(np.ones(3))[:-4],
     'archive member "arrays/0.npy" is truncated or has extra bytes (its size does not match its header)'),
    ("arrays/0.npy", npy_with_shape((10**13,)),
     'archive member "arrays/0.npy" is truncated or has extra bytes (its size does not match its header)'),
    ("arrays/0.npy", b"not an array", 'archive member "arrays/0.npy" is not a valid .npy array'),
    ("arrays/0.npy", npy(np.array([1.0, np.nan, 2.0])), 'archive member "arrays/0.npy" holds NaN or infinite values'),
])
def test_bad_array_members(tmp_path, monkeypatch, member, data, message):
    def no_pickle(*args, **kwargs):
        raise AssertionError("a file must never unpickle")

    monkeypatch.setattr(pickle, "load", no_pickle)
    monkeypatch.setattr(pickle, "loads", no_pickle)
    members = [("network.json", with_rates_member(member))]
    if data is not None and member != "network.json":
        members.append((member, data))
    assert problems(load_zip(tmp_path, members)) == [('inputs["P"].rates', message)]


def test_npz_disguised_as_npy_is_not_opened(tmp_path):
    buffer = io.BytesIO()
    np.savez(buffer, a=np.ones(3))
    exc_info = load_zip(tmp_path, [("network.json", with_rates_member()), ("arrays/0.npy", buffer.getvalue())])
    assert problems(exc_info) == [('inputs["P"].rates', 'archive member "arrays/0.npy" is not a valid .npy array')]


def test_index_arrays_must_hold_integers(tmp_path):
    net = full_network()
    path = tmp_path / "net.snn"
    fileformat.save(net, path)
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    members = [(n, npy(np.array([0.0, 5.0, 3.0])) if n == "arrays/3.npy" else d) for n, d in members]
    members = [(n, npy(np.array([0, 1, 2**64 - 1], dtype=np.uint64)) if n == "arrays/4.npy" else d)
               for n, d in members]
    assert problems(load_zip(tmp_path, members)) == [
        ('projections["explicit"].pre', 'archive member "arrays/3.npy" holds float64 data of shape (3,); expected '
                                        "a 1-D array of whole numbers"),
        ('projections["explicit"].post', 'archive member "arrays/4.npy" holds whole numbers too large for 64 bits'),
    ]


def test_other_numeric_dtypes_are_converted(tmp_path):
    path = write_zip(tmp_path / "net.snn", [("network.json", with_rates_member()),
                                            ("arrays/0.npy", npy(np.array([1, 2, 3], dtype=">f4")))])
    rates = fileformat.load(path).inputs["P"].rates
    assert rates.dtype == np.float64 and rates.tolist() == [1.0, 2.0, 3.0]


# --- versions and migrations -------------------------------------------------------------------------


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the migration registry, restored after the test."""
    monkeypatch.setattr(migrations, "MIGRATIONS", dict(migrations.MIGRATIONS))
    return migrations.MIGRATIONS


def test_the_one_real_migration_adds_the_models_section():
    """Version 2 added custom models; a version 1 file upgrades unchanged, and one claiming models is refused."""
    assert fileformat.CURRENT_VERSION == 2 and set(migrations.MIGRATIONS) == {1}
    data = small_dict()
    assert migrations.migrate(json.loads(json.dumps(data))) == {**data, "version": 2}
    data["models"] = {}
    with pytest.raises(FileFormatError) as exc_info:
        migrations.migrate(data)
    assert problems(exc_info) == [("version", "cannot upgrade from file version 1: ValueError: custom models need "
                                              "file version 2")]


def test_migration_chain_is_applied_in_order(tmp_path, monkeypatch, registry):
    registry.clear()  # the chain under test replaces the real steps
    monkeypatch.setattr(fileformat, "CURRENT_VERSION", 3)
    calls = []

    @migrations.migration(1)
    def one_to_two(data):
        calls.append(("1->2", data["version"]))
        data["metadata"]["title"] += " (from v1)"
        return data

    @migrations.migration(2)
    def two_to_three(data):
        calls.append(("2->3", data["version"]))
        data["settings"]["seed"] += 100
        return data

    path = tmp_path / "old.snn"
    fileformat.save(small_network(), path)  # written as version 3 now
    with zipfile.ZipFile(path) as zf:
        data = json.loads(zf.read("network.json"))
    assert data["version"] == 3
    data["version"] = 1
    net = fileformat.loads(json.dumps(data))
    assert calls == [("1->2", 1), ("2->3", 2)]
    assert net.metadata.title == " (from v1)" and net.seed == 101
    data["version"] = 2
    calls.clear()
    assert fileformat.loads(json.dumps(data)).seed == 101 and calls == [("2->3", 2)]
    assert set(registry) == {1, 2}


def test_migration_problems(monkeypatch, registry):
    registry.clear()  # the steps under test replace the real ones
    data = small_dict()
    monkeypatch.setattr(fileformat, "CURRENT_VERSION", 2)
    with pytest.raises(FileFormatError) as exc_info:
        fileformat.loads(json.dumps(data))
    assert problems(exc_info) == [("version", "no upgrade from file version 1 to 2")]

    @migrations.migration(1)
    def broken(data):
        return data["no such key"]

    with pytest.raises(FileFormatError) as exc_info:
        fileformat.loads(json.dumps(data))
    assert problems(exc_info) == [("version", "cannot upgrade from file version 1: KeyError: 'no such key'")]
    with pytest.raises(ValueError, match="already registered"):
        migrations.migration(1)(broken)
    with pytest.raises(ValueError):
        migrations.migration(0)


def test_migrate_refuses_newer_files():
    with pytest.raises(FileFormatError) as exc_info:
        migrations.migrate({"version": 3})
    assert str(exc_info.value) == "version: written by a newer SpikeStudio (file version 3); this version reads up to 2"
    assert migrations.migrate({"version": 2}) == {"version": 2}


# --- saving ------------------------------------------------------------------------------------------


def listing(path):
    return sorted(p.name for p in path.iterdir())


@pytest.mark.parametrize("suffix", [".snn", ".json"])
def test_saving_an_invalid_network_leaves_the_file_untouched(tmp_path, suffix):
    path = tmp_path / f"net{suffix}"
    fileformat.save(small_network(), path)
    before = path.read_bytes()
    net = small_network()
    net.populations["E"].size = 0
    net.projections["E->I"].target = "ghost"
    with pytest.raises(ValidationError) as exc_info:
        fileformat.save(net, path)
    assert {p.location for p in exc_info.value.problems} == {'populations["E"].size', 'projections["E->I"].target'}
    assert path.read_bytes() == before and listing(tmp_path) == [path.name]


def test_values_json_cannot_hold_are_refused_on_save(tmp_path):
    path = tmp_path / "net.snn"
    net = small_network()
    net.populations["E"].params["tau_m"] = float("inf")  # a time constant must be finite
    net.layout["ghost"] = NodeLayout()
    with pytest.raises(ValidationError) as exc_info:
        fileformat.save(net, path)
    assert [p.location for p in exc_info.value.problems] == ['populations["E"].params.tau_m', 'layout["ghost"]']
    del net.layout["ghost"]
    net.projections["E->I"].weights = np.array([np.nan])
    with pytest.raises(ValidationError) as exc_info:
        fileformat.save(net, path)
    assert [p.location for p in exc_info.value.problems] == ['populations["E"].params.tau_m',
                                                             'projections["E->I"].weights']
    assert "explicit rule" in str(exc_info.value)
    assert listing(tmp_path) == []


@pytest.mark.parametrize("error", [OSError(28, "No space left on device"), MemoryError("out of memory")])
def test_a_failure_while_writing_leaves_the_original_intact(tmp_path, monkeypatch, error):
    path = tmp_path / "net.snn"
    fileformat.save(small_network(), path)
    before = path.read_bytes()
    real_writestr = zipfile.ZipFile.writestr
    calls = []

    def failing_writestr(self, info, data, *args, **kwargs):
        calls.append(info)
        if len(calls) == 2:
            raise error
        return real_writestr(self, info, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing_writestr)
    with pytest.raises(type(error)):
        fileformat.save(full_network(), path)
    assert len(calls) == 2
    assert path.read_bytes() == before and listing(tmp_path) == ["net.snn"]


def test_a_failing_rename_leaves_the_original_intact(tmp_path, monkeypatch):
    path = tmp_path / "net.json"
    fileformat.save(small_network(), path)
    before = path.read_bytes()

    def failing_replace(src, dst):
        assert os.path.exists(src) and os.path.dirname(src) == str(tmp_path)
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(PermissionError):
        fileformat.save(full_network(), path)
    assert path.read_bytes() == before and listing(tmp_path) == ["net.json"]


def test_errors_read_as_location_and_message():
    error = FileFormatError([Problem('populations["E"].size', "expected a whole number, got 2.5"),
                             Problem("", "whole file")])
    assert str(error) == 'populations["E"].size: expected a whole number, got 2.5\nwhole file'
