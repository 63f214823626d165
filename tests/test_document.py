"""The editing model without Qt: checked edits, events, removal with dependents and exact restore,
auto-layout, copy/paste pieces and connection rules."""

import pytest
from spikestudio.engine.editing.document import NetworkDocument
from spikestudio.engine.editing.layout import auto_layout
from spikestudio.engine.editing.subnetwork import extract, fit_into
from spikestudio.engine.editing.templates import PROJECTION, RETARGET, TEMPLATES, connection_kind, make_item
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network, NodeLayout, Population
from spikestudio.engine.model.params import ValidationError
from spikestudio.resources.examples import example_path


def small() -> Network:
    net = Network()
    net.add_population("E", 20)
    net.add_population("I", 5)
    net.add_poisson("drive", 10, 5.0)
    net.connect("drive", "E", "all_to_all", weight=30.0)
    net.connect("E", "I", p=0.5, weight=20.0)
    net.connect("I", "E", p=0.5, weight=50.0, receptor="inhibitory")
    net.add_current("bias", "I", "dc", amplitude=10.0)
    net.record_spikes("E")
    net.record_state("I", "v", neurons=[0, 4])
    net.layout = {"E": NodeLayout(0, 0), "I": NodeLayout(300, 0), "drive": NodeLayout(-300, 0)}
    return net


class Log:
    def __init__(self, doc):
        self.events = []
        for name in ("items_added", "items_removed", "item_changed", "nodes_moved", "settings_changed"):
            getattr(doc, name).connect(lambda *a, n=name: self.events.append((n, *a)))


def test_an_edit_that_breaks_the_network_is_refused_and_changes_nothing():
    doc = NetworkDocument(small())
    log = Log(doc)
    before = fileformat.dumps(doc.network)
    bad = doc.edited_copy("E")
    bad.params["tau_m"] = -1.0
    with pytest.raises(ValidationError) as exc:
        doc.replace_item("E", bad)
    assert [p.location for p in exc.value.problems] == ['populations["E"].params.tau_m']
    shrink = doc.edited_copy("I")
    shrink.size = 3  # the recorder probes neuron 4
    problems = doc.check_replace("I", shrink)
    assert problems and problems[0].location.startswith('recorders["v:I"]')
    assert fileformat.dumps(doc.network) == before and log.events == []


def test_remove_takes_dependents_and_restore_puts_everything_back_in_file_order():
    doc = NetworkDocument(small())
    before = fileformat.dumps(doc.network)
    log = Log(doc)
    removal = doc.remove_items(["I"])
    assert set(removal.ids) == {"I", "E->I", "I->E", "bias", "v:I"}
    assert "I" not in doc.network.layout and set(doc.network.projections) == {"drive->E"}
    doc.restore(removal)
    assert fileformat.dumps(doc.network) == before
    assert [e[0] for e in log.events] == ["items_removed", "items_added"]


def test_add_refuses_id_clashes_and_dangling_references():
    doc = NetworkDocument(small())
    assert doc.check_add([Population("E", 3)])[0].message == "an item with this id already exists"
    rec = make_item("rec:rate", "r", target="nowhere")
    assert doc.check_add([rec]) and "r" not in doc.network.recorders
    ids = doc.add_items([Population("new", 3)], {"new": NodeLayout(5, 6)})
    assert ids == ["new"] and doc.layout_of("new").x == 5


def test_settings_and_moves_round_trip():
    doc = NetworkDocument(small())
    old = doc.settings()
    from dataclasses import replace

    with pytest.raises(ValidationError):
        doc.set_settings(replace(old, dt=0.0))
    assert doc.network.dt == old.dt
    doc.set_settings(replace(old, dt=0.05, title="T"))
    assert (doc.network.dt, doc.network.metadata.title) == (0.05, "T")
    previous = doc.move_nodes({"E": (10.0, 20.0)})
    assert previous == {"E": (0.0, 0.0)} and (doc.layout_of("E").x, doc.layout_of("E").y) == (10.0, 20.0)


def test_unused_id_avoids_ids_and_names():
    doc = NetworkDocument(small())
    assert doc.unused_id("E") == "E_2" and doc.unused_id("fresh") == "fresh"


def test_auto_layout_places_every_node_apart_and_keeps_given_positions():
    for name in ("cuba", "brunel", "izhikevich", "single_neuron"):
        net = fileformat.load(example_path(name))
        given = {k: (v.x, v.y) for k, v in net.layout.items()}
        placed = auto_layout(net)
        assert not set(placed) & set(given)
        everything = {**given, **{k: (v.x, v.y) for k, v in placed.items()}}
        nodes = set(net.populations) | set(net.inputs) | set(net.recorders)
        assert set(everything) == nodes
        points = list(everything.values())
        assert len(set(points)) == len(points), name
    net = Network()
    for k in range(20):
        net.add_population(f"P{k}", 5)
    spots = {(v.x, v.y) for v in auto_layout(net).values()}
    assert len(spots) == 20


def test_extract_and_fit_into_rename_and_keep_projections_between_chosen_nodes():
    net = small()
    piece = extract(net, ["E", "I", "v:I", "bias"])
    assert set(piece.projections) == {"E->I", "I->E"} and "drive->E" not in piece.projections
    assert set(piece.inputs) == {"bias"} and set(piece.recorders) == {"v:I"}
    piece = fileformat.loads(fileformat.dumps(piece))  # what the clipboard carries
    items, layouts = fit_into(net, piece, (40.0, 40.0))
    ids = [i.id for i in items]
    assert ids == ["E_2", "I_2", "bias_2", "E->I_2", "I->E_2", "v:I_2"]
    proj = next(i for i in items if i.id == "I->E_2")
    assert (proj.source, proj.target, proj.synapse.receptor) == ("I_2", "E_2", "inhibitory")
    assert layouts["I_2"].x == 340.0
    doc = NetworkDocument(net)
    doc.add_items(items, layouts)
    assert doc.network.validate() == []


def test_a_current_input_alone_is_not_copied_without_its_target():
    piece = extract(small(), ["bias"])
    assert piece.all_ids() == set()


@pytest.mark.parametrize("source, target, kind, why", [
    ("E", "I", PROJECTION, ""),
    ("E", "E", PROJECTION, ""),
    ("drive", "E", PROJECTION, ""),
    ("E", "drive", None, "it has no incoming connections"),
    ("bias", "E", RETARGET, ""),
    ("bias", "drive", None, "no incoming"),
    ("E", "v:I", RETARGET, ""),
    ("drive", "v:I", None, "records a population"),
    ("spikes:E", "E", None, "a recorder has no outputs"),
])
def test_connection_rules(source, target, kind, why):
    got, message = connection_kind(small(), source, target)
    assert got == kind and why in message


def test_every_template_makes_a_valid_item():
    for key in TEMPLATES:
        doc = NetworkDocument(small())
        item = make_item(key, doc.unused_id(TEMPLATES[key].base_id), target="E")
        doc.add_items([item])
        assert doc.network.validate() == [], key


def test_display_names_follow_renames_for_projections_nobody_named():
    from spikestudio.engine.model.names import display_name

    net = Network()
    net.add_population("LIF", 2, "lif")
    net.add_population("LIF_2", 2, "lif")
    net.connect("LIF_2", "LIF", "all_to_all", id="LIF_2->LIF")
    net.connect("LIF", "LIF_2", "all_to_all", id="back")
    net.populations["LIF_2"].name = "Sensory"
    assert display_name(net, "LIF_2->LIF") == "Sensory → LIF"
    assert display_name(net, "back") == "back" and display_name(net, "LIF_2") == "Sensory"


def test_errors_read_with_names_ids_of_other_things_left_alone():
    from spikestudio.engine.errors import Problem, SimulationError, ValidationError
    from spikestudio.engine.model.names import readable_error, readable_text

    net = Network()
    net.add_population("LIF", 2, "lif")
    net.add_population("LIF_2", 2, "lif")
    net.connect("LIF_2", "LIF", "all_to_all", id="LIF_2->LIF")
    net.populations["LIF"].name, net.populations["LIF_2"].name = "Pyramids", "Baskets"
    text = readable_text(net, 'projections["LIF_2->LIF"].plasticity.rule: no plugin; '
                              'population "LIF_2" is fine, dataset "LIF" and population "elsewhere" are not ids')
    assert text == ('projection “Baskets → Pyramids”, plasticity.rule: no plugin; population “Baskets” is fine, '
                    'dataset "LIF" and population "elsewhere" are not ids')
    invalid = ValidationError([Problem('populations["LIF"].params.tau_m', "must be > 0"), Problem("network.dt", "x")])
    assert readable_error(net, invalid) == "population “Pyramids”, params.tau_m: must be > 0\nnetwork.dt: x"
    stopped = SimulationError('population "Old name" neuron 1: membrane state became NaN', "LIF", 2.0)
    assert readable_error(net, stopped) == "population “Pyramids” neuron 1: membrane state became NaN"
