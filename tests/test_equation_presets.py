"""Presets are part of a model's description: Izhikevich's come from its .model file, a copy keeps them, a user
model declares its own (values with units, checked against the parameters), and files carry them."""

import json

import pytest
import spikestudio
from spikestudio.engine.equations.data import from_data, to_data, to_text
from spikestudio.engine.equations.description import ModelError
from spikestudio.engine.equations.text import parse_model
from spikestudio.engine.model.builtin_text import builtin_model_text
from spikestudio.engine.model.catalog import IZHIKEVICH_PRESETS, NEURON_MODELS
from spikestudio.engine.model.custom import catalog_entry

# Izhikevich (2003), Fig. 2, in the parameters' units (a in 1/ms, c in mV, d in mV/ms)
PUBLISHED = {
    "RS": (0.02, 0.2, -65.0, 8.0), "IB": (0.02, 0.2, -55.0, 4.0), "CH": (0.02, 0.2, -50.0, 2.0),
    "FS": (0.1, 0.2, -65.0, 2.0), "LTS": (0.02, 0.25, -65.0, 2.0), "TC": (0.02, 0.25, -65.0, 0.05),
    "RZ": (0.1, 0.26, -65.0, 2.0),
}

LEAKY = """title Leaky
state v = -70 mV
param tau = 10 ms (0, 1000] "time constant"
param E_L = -70 mV
param g = 1 [0, 5]
dv/dt = (E_L - v)/tau + g*I_syn*mV/(pA*ms)
"""


def test_the_izhikevich_presets_are_read_from_its_description():
    want = {name: dict(zip("abcd", values)) for name, values in PUBLISHED.items()}
    assert IZHIKEVICH_PRESETS == want and NEURON_MODELS["izhikevich"].presets == want
    assert list(IZHIKEVICH_PRESETS) == list(PUBLISHED)  # in the order the buttons show
    assert "preset RS a = 0.02 1/ms, b = 0.2, c = -65 mV, d = 8 mV/ms" in builtin_model_text("izhikevich")
    assert NEURON_MODELS["lif"].presets == {}


def test_a_duplicate_of_izhikevich_keeps_its_presets():
    copy = catalog_entry("izh_copy", parse_model(builtin_model_text("izhikevich")))
    assert copy.presets == IZHIKEVICH_PRESETS


def test_a_user_model_declares_presets_in_any_unit_of_the_right_dimension():
    d = parse_model(LEAKY + "preset slow tau = 0.05 second, g = 2\npreset cold E_L = -0.08 volt\n")
    assert d.preset_values() == {"slow": {"tau": 50.0, "g": 2.0}, "cold": {"E_L": -80.0}}
    assert catalog_entry("leaky", d).presets == {"slow": {"tau": 50.0, "g": 2.0}, "cold": {"E_L": -80.0}}


def test_a_preset_before_the_parameters_it_sets_is_checked_all_the_same():
    d = parse_model("preset fast tau = 2 ms\n" + LEAKY)
    assert d.preset_values() == {"fast": {"tau": 2.0}}


@pytest.mark.parametrize("line, col, message", [
    ("preset a x = 1 mV", 10, "'x' is not a parameter of this model"),
    ("preset a tau = 5 mV", 16, "tau is in ms, this is in mV (such as 5 ms)"),
    ("preset a tau = 5", 16, "tau is in ms, this is in 1 (such as 5 ms)"),
    ("preset a g = 2 ms", 14, "g is in 1, this is in ms"),
    ("preset a tau = 0 ms", 16, "preset a: tau = 0 lies outside its range"),
    ("preset a g = 6", 14, "preset a: g = 6 lies outside its range"),
    ("preset a tau = 5 ms, tau = 6 ms", 22, "preset a sets 'tau' twice"),
    ("preset a tau = 5 ms, g", 22, "expected p = VALUE UNIT"),
    ("preset a tau = five ms", 10, "expected p = VALUE UNIT"),
    ("preset a tau = 5 furlong", 18, "unknown unit 'furlong'"),
    ("preset a", 9, "a preset sets at least one parameter"),
    ("preset = 3", 8, "expected preset NAME"),
    ("preset slow tau = 5 ms\npreset slow g = 1", 8, "a second preset named 'slow'"),
])
def test_every_problem_in_a_preset_is_located(line, col, message):
    with pytest.raises(ModelError) as err:
        parse_model(LEAKY + line)
    (problem,) = err.value.problems
    assert (problem.line, problem.col) == (LEAKY.count("\n") + line.count("\n") + 1, col), problem
    assert message in problem.message, problem


def test_presets_round_trip_through_the_data_form_and_json():
    d = parse_model(LEAKY + "preset slow tau = 50 ms, g = 2\n")
    data = json.loads(json.dumps(to_data(d)))
    assert data["presets"] == {"slow": {"tau": 50.0, "g": 2.0}}
    again = from_data(data)
    assert again.preset_values() == d.preset_values() and to_text(again) == to_text(d)
    assert "preset slow tau = 50 ms, g = 2" in to_text(d).splitlines()


def test_a_model_without_presets_has_the_data_form_it_had_before():
    data = to_data(parse_model(LEAKY))
    assert "presets" not in data and from_data(data).presets == ()


@pytest.mark.parametrize("presets", [[1], {"a": 3}, {"a": {"tau": "5"}}, {"a": {"tau": True}}])
def test_malformed_presets_in_data_are_refused(presets):
    data = to_data(parse_model(LEAKY))
    data["presets"] = presets
    with pytest.raises(ModelError, match="presets maps names to objects"):
        from_data(data)


def test_a_preset_for_an_unknown_parameter_in_data_is_located():
    data = to_data(parse_model(LEAKY))
    data["presets"] = {"slow": {"tau": 50.0, "x": 1.0}}
    with pytest.raises(ModelError) as err:
        from_data(data, "leaky")
    (problem,) = err.value.problems
    assert "'x' is not a parameter" in problem.message and problem.line > 0


def test_a_network_file_carries_a_custom_models_presets(tmp_path):
    net = spikestudio.Network(dt=0.1, duration=50.0)
    net.add_model("izh_copy", builtin_model_text("izhikevich"))
    net.add_population("N", 1, "izh_copy", **IZHIKEVICH_PRESETS["CH"])
    path = tmp_path / "copy.json"
    spikestudio.save(net, path)
    assert json.loads(path.read_text())["models"]["izh_copy"]["presets"]["CH"] == {"a": 0.02, "b": 0.2, "c": -50.0,
                                                                                    "d": 2.0}
    again = spikestudio.load(path)
    assert again.models["izh_copy"].preset_values() == IZHIKEVICH_PRESETS
    assert again.populations["N"].params["c"] == -50.0
