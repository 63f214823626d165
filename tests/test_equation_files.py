"""A network file carries the descriptions of its custom models: it saves, reopens and simulates identically,
is written as version 2 only when it has some, and every problem in a model is located by model, line, column."""

import json
from pathlib import Path

import numpy as np
import pytest
import spikestudio
from hypothesis import given, settings
from hypothesis import strategies as st
from spikestudio.engine.errors import FileFormatError
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network
from test_fileformat import JSON_VALUES, corrupted, json_paths

MODELS = Path(__file__).parent / "data" / "models"


def network() -> Network:
    net = Network(dt=0.1, duration=200.0, seed=2)
    net.add_model("fhn", (MODELS / "fitzhugh_nagumo.model").read_text())
    net.add_model("ml", (MODELS / "morris_lecar.model").read_text())
    net.add_population("F", 5, "fhn", I_e=20.0)
    net.add_population("M", 5, "ml", initial={"v": spikestudio.Distribution("uniform", low=-65.0, high=-55.0)})
    net.add_poisson("drive", 10, rate=50.0)
    net.connect("drive", "F", "fixed_probability", p=0.5, weight=5.0)
    net.connect("F", "M", "all_to_all", weight=20.0, synapse="conductance", tau=3.0, E_rev=0.0)
    net.record_spikes("F")
    net.record_spikes("M")
    net.record_state("M", "w", neurons=[0, 1])
    return net


@pytest.mark.parametrize("suffix", [".snn", ".json"])
def test_a_network_with_custom_models_saves_reopens_and_simulates_identically(tmp_path, suffix):
    net = network()
    path = tmp_path / f"custom{suffix}"
    spikestudio.save(net, path)
    again = spikestudio.load(path)
    assert list(again.models) == ["fhn", "ml"] and again.populations["F"].params["I_e"] == 20.0
    second = tmp_path / f"again{suffix}"
    spikestudio.save(again, second)
    assert second.read_bytes() == path.read_bytes()
    a, b = spikestudio.Simulator(net).run(0.2), spikestudio.Simulator(again).run(0.2)
    for pid in ("F", "M"):
        assert len(a.spikes(pid)[0]) > 0
        assert all(np.array_equal(x, y) for x, y in zip(a.spikes(pid), b.spikes(pid)))
    assert np.array_equal(a.trace("w:M")[1], b.trace("w:M")[1]) and np.ptp(a.trace("w:M")[1]) > 0


def test_the_file_holds_the_description_as_plain_data_and_version_2_only_when_needed():
    data = json.loads(fileformat.dumps(network()))
    assert data["version"] == 2 and list(data)[-1] == "models"
    fhn = data["models"]["fhn"]
    assert fhn["equations"]["w"] == "eps*(v + a*V_s - b*w)/tau" and fhn["parameters"]["tau"]["unit"] == "ms"
    plain = Network()
    plain.add_population("E", 3, "lif")
    assert json.loads(fileformat.dumps(plain))["version"] == 1 and "models" not in json.loads(fileformat.dumps(plain))


def test_problems_in_a_files_model_are_located_by_model_line_and_column():
    data = json.loads(fileformat.dumps(network()))
    data["models"]["fhn"]["equations"]["w"] = "eps*(v + a*V_s - b*w)/tau + w.real"
    data["models"]["ml"]["threshold"] = "v > 10"
    data["models"]["ml"]["parameters"]["C"]["unit"] = "furlong"
    with pytest.raises(FileFormatError) as err:
        fileformat.loads(json.dumps(data))
    got = [(p.location, p.message) for p in err.value.problems]
    assert got == [
        ('models["fhn"], line 13, column 38', "attribute access is not allowed"),
        ('models["ml"], line 4, column 13', "unknown unit 'furlong'"),
        ('models["ml"], line 19, column 81', "unknown name 'C'"),  # the parameter whose unit is unknown
        ('models["ml"], line 21, column 13', "units do not match: mV and 1"),
    ]


_HOSTILE = ["__import__('os').system('x')", "v.__class__", "lambda: 0", "exec('1')", "v[0]", "1e999", "((((",
            "\u202ev", "v\nparam x = 1", "eval", "\"", "#", "open('f')", "v if v else v", "v; import os"]


@settings(max_examples=150, deadline=None)
@given(field=st.sampled_from(["equation", "threshold", "reset", "unit", "title", "param", "refractory"]),
       value=st.one_of(st.sampled_from(_HOSTILE), st.text(max_size=30)))
def test_a_hostile_model_in_a_file_ends_in_located_problems_or_a_valid_network(field, value):
    data = json.loads(fileformat.dumps(network()))
    model = data["models"]["fhn"]
    if field == "equation":
        model["equations"]["v"] = value
    elif field == "threshold":
        model["threshold"] = value
    elif field == "reset":
        model["reset"] = [value]
    elif field == "unit":
        model["parameters"]["tau"]["unit"] = value
    elif field == "title":
        model["title"] = value
    elif field == "param":
        model["parameters"] = {value: {"default": 1.0}}
    else:
        model["refractory"] = {"period": value}
    try:
        net = fileformat.loads(json.dumps(data))
    except FileFormatError as exc:
        assert exc.problems and all(p.location for p in exc.problems)
    else:
        assert net.validate() == [] and "fhn" in net.models


def test_copy_and_paste_carry_the_models_and_rename_a_clashing_one():
    """The clipboard holds a network file; pasting into a network whose "fhn" is another model renames ours."""
    from spikestudio.engine.editing.document import NetworkDocument
    from spikestudio.engine.editing.subnetwork import extract, fit_into, models_to_add

    piece = fileformat.loads(fileformat.dumps(extract(network(), ["F", "M"])))
    assert set(piece.models) == {"fhn", "ml"}
    doc = NetworkDocument()
    other = (MODELS / "exponential_if.model").read_text()
    doc.network.add_model("fhn", other)  # the same id for another model
    doc.network.add_population("Z", 2, "fhn")
    doc.add_models(models_to_add(doc.network, piece))
    items, layouts = fit_into(doc.network, piece, (10.0, 10.0))
    doc.add_items(items, layouts)
    pasted = doc.network.populations
    assert (pasted["F"].model, pasted["M"].model, pasted["Z"].model) == ("fhn_2", "ml", "fhn")
    assert doc.network.validate() == []
    assert doc.network.models["fhn_2"].title == "FitzHugh-Nagumo"
    assert doc.network.models["fhn"].title == "Exponential integrate-and-fire"
    rows = {row["id"]: row for row in spikestudio.Simulator(doc.network).run(0.2).summary()}
    assert rows["F"]["spikes"] > 0 and rows["Z"]["spikes"] > 0


def test_a_file_holds_only_the_models_its_populations_use():
    net = network()
    net.add_model("spare", (MODELS / "gated.model").read_text())
    assert "spare" not in json.loads(fileformat.dumps(net))["models"]


def _with_rule() -> dict:
    """The file of ``network()`` with a learning rule carried as text (Vogels-Sprekeler) on a projection."""
    from spikestudio.engine.model.network import Plasticity

    net = network()
    net.add_rule("vogels_sprekeler", (Path(__file__).parent / "data" / "rules" / "vogels_sprekeler.rule").read_text())
    net.connect("drive", "M", "all_to_all", weight=5.0, receptor="inhibitory", id="IM",
                plasticity=Plasticity("vogels_sprekeler", {}))
    assert net.validate() == []
    return json.loads(fileformat.dumps(net))


WITH_RULE = _with_rule()


@settings(max_examples=200, deadline=None)
@given(path=st.sampled_from([p for p in json_paths(WITH_RULE) if p[:1] in (("models",), ("rules",)) and len(p) > 1]),
       value=JSON_VALUES | st.just("<delete>"))
def test_any_corrupted_part_of_the_models_and_rules_a_file_carries_is_a_located_problem_or_loads(path, value):
    """Issue 17's safety test on the parts of a file that are equations: any value of any JSON type (or none) in
    place of any part of the models' and rules' descriptions ends in file problems that each say where, or in a
    network that validates and writes back what it read."""
    data = corrupted(WITH_RULE, path, value)
    try:
        net = fileformat.loads(json.dumps(data))
    except FileFormatError as exc:
        assert exc.problems and all(p.location and p.message for p in exc.problems), exc.problems
        return
    assert net.validate() == []
    text = fileformat.dumps(net)
    assert fileformat.dumps(fileformat.loads(text)) == text


def test_a_projection_onto_a_receptor_the_model_does_not_declare_is_a_located_problem(tmp_path):
    """Issue 17: a description names its synaptic receptors; a model with ``receptors excitatory`` takes no
    inhibitory projection (before, the line was read and then ignored)."""
    net = Network()
    net.add_model("exc_only", "state v = -65 mV\nparam tau = 10 ms\ndv/dt = (-65*mV - v)/tau + I_syn*1*Gohm/tau\n"
                              "threshold v > -50*mV\nreset v = -65*mV\nreceptors excitatory\n")
    net.add_population("P", 2, "exc_only")
    net.add_poisson("d", 2, 10.0)
    net.connect("d", "P", "all_to_all", weight=1.0, id="ok")
    assert net.validate() == []
    net.connect("d", "P", "all_to_all", weight=1.0, receptor="inhibitory", id="bad")
    assert [(p.location, p.message) for p in net.validate()] == [
        ('projections["bad"].synapse.receptor', 'model "exc_only" has no inhibitory receptor (its receptors: '
                                                'excitatory)')]
    with pytest.raises(FileFormatError, match="has no inhibitory receptor"):
        fileformat.loads(fileformat.dumps(net))
