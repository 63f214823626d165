"""Choosing a projection's learning rule in the inspector, as a user does: pick a rule from the list, run and see
the weights learn, undo and redo, save and reopen, a reward-modulated rule and its reward node, and None."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from gui_helpers import field
from PySide6.QtWidgets import QApplication, QLabel
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network, NodeLayout, Plasticity
from spikestudio.engine.model.params import fill_params
from spikestudio.gui.base import dialogs
from spikestudio.plugins.builtin.rules import PAIR_STDP, REWARD_STDP, TRIPLET_STDP

pytestmark = pytest.mark.timeout(300)  # the first test compiles cuba with STDP when no cache has it

CUBA_WEIGHT = 20.25  # cuba's E->E weight, the same for every synapse
VS_TEXT = (Path(__file__).parent / "data" / "rules" / "vogels_sprekeler.rule").read_text()


@pytest.fixture(scope="module", autouse=True)
def _compiled_on_this_thread():
    """Compile the loops the windows build (cuba, with and without pair STDP) before any window opens: a garbage
    collection on the GUI thread while the worker compiles can deadlock numba's and llvmlite's locks."""
    import spikestudio
    from spikestudio.resources.examples import example_path

    net = spikestudio.load(example_path("cuba"))
    spikestudio.Simulator(net).run(net.dt / 1000.0)
    net.projections["E->E"].plasticity = Plasticity("stdp", {})
    spikestudio.Simulator(net).run(net.dt / 1000.0)


def choose(widget, data) -> None:
    """Pick the entry holding ``data``, as a click in the open list does."""
    widget.setCurrentIndex(widget.findData(data))
    widget.activated.emit(widget.currentIndex())


def entries(box) -> dict:
    """The dropdown's entries: value -> (label, tooltip, enabled)."""
    return {box.itemData(k): (box.itemText(k), box.model().item(k).toolTip(), box.model().item(k).isEnabled())
            for k in range(box.count())}


def run_to_end(w, qtbot) -> np.ndarray:
    """Press Run, wait for the end of the run, and return E->E's weights as the simulation holds them now."""
    c = w.simulation.controller
    w.actions["run"].trigger()
    qtbot.waitUntil(lambda: c.state == "done", timeout=100_000)
    return c.sim.connections("E->E")[2]


def short_cuba(window):
    w = window("cuba")
    w.doc.set_settings(dataclasses.replace(w.doc.settings(), duration=100.0))
    w.scene.select_ids(["E->E"])
    QApplication.processEvents()
    assert w.inspector.item_id == "E->E"
    return w


def test_pair_stdp_chosen_in_the_inspector_changes_the_weights_and_undo_takes_it_away(window, qtbot, monkeypatch,
                                                                                        tmp_path):
    w = short_cuba(window)
    box = field(w, "plasticity.rule")
    shown = entries(box)
    assert shown[""][0] == "None (static)" and box.currentData() == ""
    assert shown["stdp"][:2] == ("Pair-based STDP", PAIR_STDP.info.description) and shown["stdp"][2]
    assert {"triplet_stdp", "tsodyks_markram", "rstdp"} <= set(shown)
    assert field(w, "plasticity.params.A_plus") is None
    choose(box, "stdp")
    proj = w.doc.network.projections["E->E"]
    assert proj.plasticity.rule == "stdp" and proj.plasticity.params == fill_params(PAIR_STDP.info.params, {})
    assert w.stack.count() == 1 and w.stack.undoText() == "Set learning rule of E → E to Pair-based STDP"
    edge = w.scene.edges["E->E"]
    assert "learning rule stdp" in edge.toolTip()  # the canvas tells a plastic projection apart
    assert edge._looks[False][0].widthF() > w.scene.edges["E->I"]._looks[False][0].widthF()
    QApplication.processEvents()  # the form shows the rule's equations and parameters
    assert field(w, "plasticity.params.A_plus").value() == 0.01
    assert w.inspector.findChild(QLabel, "equations") is not None
    box = field(w, "plasticity.rule")
    assert box.currentData() == "stdp" and box.currentText() == "Pair-based STDP"
    top = box.mapTo(w.inspector.widget(), box.rect().topLeft()).y()
    w.inspector.verticalScrollBar().setValue(top - 60)  # the learning rule at the top, its equations below
    QApplication.processEvents()
    w.inspector.grab().save(str(tmp_path / "inspector_stdp.png"))  # looked at by hand while building
    box.showPopup()
    QApplication.processEvents()
    box.view().window().grab().save(str(tmp_path / "rule_list.png"))
    box.hidePopup()

    learned = run_to_end(w, qtbot)
    assert learned.size > 100_000 and not np.all(learned == CUBA_WEIGHT)  # the weights learned something
    assert learned.min() >= 0.0 and learned.max() <= PAIR_STDP.info.params["w_max"].default

    w.actions["undo"].trigger()
    assert w.doc.network.projections["E->E"].plasticity is None
    assert "static weights" in edge.toolTip()
    assert edge._looks[False][0].widthF() == w.scene.edges["E->I"]._looks[False][0].widthF()
    QApplication.processEvents()
    assert field(w, "plasticity.rule").currentData() == "" and field(w, "plasticity.params.A_plus") is None
    monkeypatch.setattr(dialogs, "ask_yes_no", lambda *a: True)  # "Rebuild the network?" Yes
    static = run_to_end(w, qtbot)
    assert static.size == learned.size and np.all(static == CUBA_WEIGHT)

    w.actions["redo"].trigger()
    assert w.doc.network.projections["E->E"].plasticity.params == fill_params(PAIR_STDP.info.params, {})
    QApplication.processEvents()
    assert field(w, "plasticity.rule").currentData() == "stdp"


def test_each_change_of_rule_is_its_own_undo_step_and_undo_brings_back_the_edited_parameters(window):
    w = short_cuba(window)
    choose(field(w, "plasticity.rule"), "stdp")
    QApplication.processEvents()
    field(w, "plasticity.params.A_plus").committed.emit(0.05)
    before = dict(w.doc.network.projections["E->E"].plasticity.params)
    choose(field(w, "plasticity.rule"), "triplet_stdp")
    assert w.doc.network.projections["E->E"].plasticity.params == fill_params(TRIPLET_STDP.info.params, {})
    assert w.stack.count() == 3
    choose(field(w, "plasticity.rule"), "")
    assert w.doc.network.projections["E->E"].plasticity is None
    assert w.stack.undoText() == "Remove learning rule of E → E" and w.stack.count() == 4
    w.actions["undo"].trigger()
    assert w.doc.network.projections["E->E"].plasticity.rule == "triplet_stdp"
    w.actions["undo"].trigger()
    plasticity = w.doc.network.projections["E->E"].plasticity
    assert plasticity.rule == "stdp" and plasticity.params == before and before["A_plus"] == 0.05
    QApplication.processEvents()
    assert field(w, "plasticity.params.A_plus").value() == 0.05


def test_a_chosen_rule_is_saved_and_reopens(window, monkeypatch, tmp_path):
    w = short_cuba(window)
    choose(field(w, "plasticity.rule"), "triplet_stdp")
    path = tmp_path / "cuba_triplet.snn"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": str(path))
    w.actions["save_as"].trigger()
    again = window(path)
    plasticity = again.doc.network.projections["E->E"].plasticity
    assert plasticity.rule == "triplet_stdp" and plasticity.params == fill_params(TRIPLET_STDP.info.params, {})
    assert fileformat.dumps(again.doc.network) == fileformat.dumps(w.doc.network)
    again.scene.select_ids(["E->E"])
    QApplication.processEvents()
    assert field(again, "plasticity.rule").currentData() == "triplet_stdp"


@pytest.fixture
def drive_file(tmp_path):
    """A Poisson drive onto a population, with or without reward nodes (as ``drive_file(rewards)``)."""

    def make(rewards=()):
        net = Network(dt=0.1, duration=200.0, seed=3)
        net.add_poisson("drive", 20, 20.0)
        net.add_population("E", 10)
        net.connect("drive", "E", "fixed_probability", id="learn", p=0.5, weight=50.0)
        net.layout = {"drive": NodeLayout(-300, 0), "E": NodeLayout(0, 0)}
        for k, reward in enumerate(rewards):
            net.add_reward(reward, [50.0], [1.0])
            net.layout[reward] = NodeLayout(-300, -160 + 320 * k)
        path = tmp_path / f"drive{len(rewards)}.snn"
        fileformat.save(net, path)
        return path

    return make


def test_a_reward_rule_reads_the_only_reward_node_and_none_takes_its_link_away(window, drive_file, tmp_path):
    w = window(drive_file(["R"]))
    w.scene.select_ids(["learn"])
    QApplication.processEvents()
    assert "reward:learn" not in w.scene.edges
    choose(field(w, "plasticity.rule"), "rstdp")
    plasticity = w.doc.network.projections["learn"].plasticity
    assert plasticity.params == {**fill_params(REWARD_STDP.info.params, {}), "reward": "R"}
    assert w.scene.edges["reward:learn"].source.item_id == "R"  # the dashed reward link appears on the canvas
    QApplication.processEvents()
    assert field(w, "plasticity.params.reward").currentData() == "R"
    w.actions["fit"].trigger()
    box = field(w, "plasticity.rule")
    w.inspector.verticalScrollBar().setValue(box.mapTo(w.inspector.widget(), box.rect().topLeft()).y() - 60)
    QApplication.processEvents()
    w.grab().save(str(tmp_path / "reward_rule.png"))  # looked at by hand while building
    assert w.doc.network.validate() == []
    choose(field(w, "plasticity.rule"), "")
    assert w.doc.network.projections["learn"].plasticity is None and "reward:learn" not in w.scene.edges
    w.actions["undo"].trigger()
    assert w.doc.network.projections["learn"].plasticity.params["reward"] == "R"
    assert w.scene.edges["reward:learn"].source.item_id == "R"


def test_a_reward_rule_keeps_the_reward_node_the_projection_read(window, drive_file):
    w = window(drive_file(["R", "punish"]))
    w.scene.select_ids(["learn"])
    QApplication.processEvents()
    choose(field(w, "plasticity.rule"), "rstdp")
    assert w.doc.network.projections["learn"].plasticity.params["reward"] == "R"  # the first: one must be chosen
    QApplication.processEvents()
    choose(field(w, "plasticity.params.reward"), "punish")
    choose(field(w, "plasticity.rule"), "stdp")
    assert "reward" not in w.doc.network.projections["learn"].plasticity.params
    w.actions["undo"].trigger()
    assert w.doc.network.projections["learn"].plasticity.params["reward"] == "punish"


def test_without_a_reward_node_a_reward_rule_is_disabled_and_says_why(window, drive_file):
    w = window(drive_file())
    w.scene.select_ids(["learn"])
    QApplication.processEvents()
    box = field(w, "plasticity.rule")
    label, tip, enabled = entries(box)["rstdp"]
    assert label == "Reward-modulated STDP" and not enabled
    assert "no reward node chosen" in tip and "add a reward node" in tip
    assert entries(box)["stdp"][2] and entries(box)["tsodyks_markram"][2]
    box.committed.emit("rstdp")  # were it picked anyway, the engine's validation refuses it, saying why
    assert w.doc.network.projections["learn"].plasticity is None and w.stack.count() == 0
    assert "no reward node chosen" in w.inspector.error.text()


def test_a_rule_the_network_carries_is_offered_too(window, tmp_path):
    net = Network(dt=0.1, duration=100.0, seed=1)
    net.add_population("E", 4, "lif")
    net.add_poisson("inh", 4, rate=10.0)
    net.connect("inh", "E", "all_to_all", id="IE", receptor="inhibitory")
    net.connect("inh", "E", "all_to_all", id="IE2", receptor="inhibitory",
                plasticity=Plasticity("vogels_sprekeler", {}))
    net.add_rule("vogels_sprekeler", VS_TEXT)  # no plugin installed: only the file has the rule
    net.layout = {"E": NodeLayout(0, 0), "inh": NodeLayout(-300, 0)}
    path = tmp_path / "carried.snn"
    fileformat.save(net, path)
    w = window(path)
    w.scene.select_ids(["IE"])
    QApplication.processEvents()
    label, tip, enabled = entries(field(w, "plasticity.rule"))["vogels_sprekeler"]
    assert label == "Vogels-Sprekeler inhibitory STDP (carried by this network)" and enabled
    choose(field(w, "plasticity.rule"), "vogels_sprekeler")
    assert w.doc.network.projections["IE"].plasticity.params == {"eta": 1.0, "tau": 20.0, "rho0": 10.0,
                                                                 "w_max": 1000.0}
    QApplication.processEvents()
    assert field(w, "plasticity.params.rho0").value() == 10.0


def test_a_rule_nobody_provides_is_shown_as_not_installed(window, tmp_path):
    net = Network(dt=0.1, duration=100.0, seed=1)
    net.add_population("E", 4, "lif")
    net.add_poisson("drive", 4, rate=10.0)
    net.connect("drive", "E", "all_to_all", id="DE", plasticity=Plasticity("someones_rule", {}))
    net.layout = {"E": NodeLayout(0, 0), "drive": NodeLayout(-300, 0)}
    path = tmp_path / "missing.snn"
    fileformat.save(net, path)
    w = window(path)
    w.scene.select_ids(["DE"])
    QApplication.processEvents()
    box = field(w, "plasticity.rule")
    assert box.currentData() == "someones_rule" and box.currentText() == "someones_rule (not installed)"
    choose(box, "stdp")  # the user replaces it with one that runs
    assert w.doc.network.projections["DE"].plasticity.rule == "stdp"
