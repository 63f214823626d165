"""Neuron models from plugins in the window: a "Plugin models" heading in the palette, a drop that adds a population
whose network carries the equations (Undo takes it back), a run, and broken plugins in red in Help > Plugins."""

from pathlib import Path

import pytest
import spikestudio
from model_plugin_helpers import forget_modules, install_models, qif_rate
from PySide6.QtWidgets import QApplication
from spikestudio.engine.files import fileformat
from spikestudio.gui.canvas.palette import PLUGIN_MODEL_PREFIX, PLUGIN_MODELS_HEADING
from spikestudio.gui.shell.plugin_dialog import BROKEN, COLUMNS, PluginDialog

pytestmark = pytest.mark.timeout(300)
EIF = Path(__file__).parent / "data" / "models" / "exponential_if.model"


@pytest.fixture
def site(tmp_path, monkeypatch):
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    install_models(root, EIF)
    yield root
    forget_modules()


def palette_headings(w) -> dict[str, list[str]]:
    tops = [w.palette.topLevelItem(i) for i in range(w.palette.topLevelItemCount())]
    return {top.text(0): [top.child(j).text(0) for j in range(top.childCount())] for top in tops}


def test_the_palette_lists_plugin_models_under_their_own_heading(window, site):
    w = window()
    headings = palette_headings(w)
    assert list(headings)[:2] == ["Populations", PLUGIN_MODELS_HEADING]
    assert headings[PLUGIN_MODELS_HEADING] == ["Quadratic integrate-and-fire (plugin)",
                                               "Exponential integrate-and-fire"]
    entry = w.palette.item_for(PLUGIN_MODEL_PREFIX + "qif")
    assert "qif-models (qif_models:QIF)" in entry.toolTip(0)
    assert "LIF population" in headings["Populations"]  # the built-ins are where they were


def test_no_heading_without_plugin_models(window):
    assert PLUGIN_MODELS_HEADING not in palette_headings(window())


def test_dropping_a_plugin_model_adds_a_population_that_carries_its_equations_and_runs(window, site, tmp_path,
                                                                                        qtbot):
    w = window()
    w.doc.replace_network(spikestudio.Network(dt=0.1, duration=400.0))
    w.stack.clear()
    pid = w.edits.add_template(PLUGIN_MODEL_PREFIX + "qif")
    net = w.doc.network
    pop = net.populations[pid]
    assert pop.model == "qif" and pop.size == 10 and pop.params["V_c"] == -50.0 and "qif" in net.models
    w.actions["undo"].trigger()
    assert pid not in w.doc.network.populations
    w.actions["redo"].trigger()
    assert w.doc.network.populations[pid].model == "qif"
    second = w.edits.add_template(PLUGIN_MODEL_PREFIX + "qif")  # the same description: the same model id
    assert w.doc.network.populations[second].model == "qif" and list(w.doc.network.models) == ["qif"]
    w.actions["undo"].trigger()
    w.scene.select_ids([pid])
    current = w.edits.add_template("in:current")  # attached to the selected population: the plugin's one
    assert w.doc.network.inputs[current].target == pid
    w.doc.network.inputs[current].params["amplitude"] = 300.0
    w.edits.add_template("rec:spikes")
    path = tmp_path / "plugin_model.json"
    fileformat.save(w.doc.network, path)
    c = w.simulation.controller
    w.actions["run"].trigger()
    qtbot.waitUntil(lambda: c.state == "done", timeout=200_000)
    counts = c.sim.results.spike_counts(pid)
    assert counts.min() == counts.max() == pytest.approx(0.4 * qif_rate(300.0), abs=1)
    assert fileformat.load(path).models["qif"].equations[0].var == "v"  # the file carries the description


def test_help_plugins_shows_the_models_and_the_broken_ones_in_red(window, site):
    w = window()
    w.actions["plugins"].trigger()
    dialog = w.findChild(PluginDialog)
    rows = {row.id: (r, row) for r, row in enumerate(dialog.rows)}
    r, qif = rows["qif"]
    assert (qif.group, qif.name, qif.version, qif.error) == ("neuron model", "Quadratic integrate-and-fire (plugin)",
                                                             "1.2", None)
    for broken in ("typo", "number", "crash"):
        r, row = rows[broken]
        assert row.error and dialog.cell_text(r, "Description").startswith("Failed to load: ")
        assert all(dialog.table.item(r, c).foreground().color() == BROKEN for c in range(len(COLUMNS)))
    assert "equations do not read: line 4" in rows["typo"][1].error
    assert "spikestudio.neuron_models" in dialog.summary.text()
    dialog.close()
    QApplication.processEvents()
