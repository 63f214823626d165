"""Reward nodes in the editor: the palette entry, the inspector's reward dropdown for an R-STDP projection,
the dashed links on the canvas, attaching a spiking source by a drag, and deleting a reward node."""

import pytest
from gui_helpers import double_click, field
from PySide6.QtWidgets import QApplication
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network, NodeLayout, Plasticity, RewardInput
from spikestudio.gui.editing.fields import ChoiceField

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def reward_file(tmp_path):
    net = Network(dt=0.1, duration=500.0, seed=2)
    net.add_poisson("drive", 20, 20.0)
    net.add_population("E", 10)
    net.add_reward("R", [100.0, 200.0], [1.0, 0.0])
    net.add_reward("punish", [300.0], [-1.0])
    net.connect("drive", "E", "fixed_probability", id="learn", p=0.5, weight=50.0,
                plasticity=Plasticity("rstdp", {"reward": "R"}))
    net.layout = {"drive": NodeLayout(-300, 0), "E": NodeLayout(0, 0), "R": NodeLayout(-300, -160),
                  "punish": NodeLayout(-300, 160)}
    path = tmp_path / "reward.snn"
    fileformat.save(net, path)
    return path


def test_the_palette_offers_a_reward_node(window):
    w = window()
    entry = w.palette.item_for("in:reward")
    assert entry is not None
    double_click(w.palette.viewport(), w.palette.visualItemRect(entry).center())
    item = w.doc.network.inputs["reward"]
    assert isinstance(item, RewardInput) and "reward" in w.scene.nodes and w.inspector.item_id == "reward"
    assert field(w, "schedule").text() == "100: 1, 200: 0"
    assert w.scene.nodes["reward"].icon_name == "reward"


def test_the_inspector_shows_a_dropdown_of_reward_nodes_for_an_rstdp_projection(window, reward_file, tmp_path):
    w = window(reward_file)
    assert w.scene.edges["reward:learn"].source.item_id == "R"  # dashed link to the projection's target
    w.scene.select_ids(["learn"])
    assert w.inspector.item_id == "learn"
    box = field(w, "plasticity.params.reward")
    assert isinstance(box, ChoiceField)
    assert [box.itemData(k) for k in range(box.count())] == ["R", "punish"] and box.currentData() == "R"
    assert field(w, "plasticity.params.tau_c").value() == 1000.0
    w.actions["fit"].trigger()
    QApplication.processEvents()  # the form shows its fields on the next turn of the event loop
    w.grab().save(str(tmp_path / "reward_inspector.png"))  # looked at by hand while building
    box.committed.emit("punish")
    assert w.doc.network.projections["learn"].plasticity.params["reward"] == "punish"
    assert w.scene.edges["reward:learn"].source.item_id == "punish"
    w.actions["undo"].trigger()
    assert w.doc.network.projections["learn"].plasticity.params["reward"] == "R"
    assert w.scene.edges["reward:learn"].source.item_id == "R"
    field(w, "plasticity.params.tau_c").committed.emit(500.0)  # the rule's parameters are edited here too
    assert w.doc.network.projections["learn"].plasticity.params["tau_c"] == 500.0
    assert w.stack.undoText() == "Set tau_c of learn"


def test_a_population_dragged_onto_a_reward_node_drives_its_pulses(window, reward_file, tmp_path):
    w = window(reward_file)
    assert w.scene.connect_nodes("E", "R")
    assert w.doc.network.inputs["R"].source == "E"
    assert w.scene.edges["link:R"].source.item_id == "E"
    w.scene.select_ids(["R"])
    QApplication.processEvents()
    assert field(w, "source").currentData() == "E" and field(w, "tau").value() == 200.0
    w.grab().save(str(tmp_path / "reward_node.png"))  # looked at by hand while building
    assert not w.scene.connect_nodes("R", "E")
    assert "reward node" in w.statusBar().currentMessage()


def test_deleting_the_reward_node_leaves_a_problem_naming_it_and_undo_brings_it_back(window, reward_file):
    w = window(reward_file)
    w.scene.select_ids(["R"])
    w.actions["delete"].trigger()
    assert "R" not in w.doc.network.inputs and "reward:learn" not in w.scene.edges
    assert any('refers to reward node "R", which does not exist' in str(p) for p in w.doc.network.validate())
    w.actions["undo"].trigger()
    assert "R" in w.doc.network.inputs and w.scene.edges["reward:learn"].source.item_id == "R"
    assert w.doc.network.validate() == []
