"""The inspector shows the parameters of a learning rule that only the network carries (as its text)."""

import os
from pathlib import Path

import pytest
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.gui.editing.forms import _plasticity_rows

VS_TEXT = (Path(__file__).parent / "data" / "rules" / "vogels_sprekeler.rule").read_text()


def test_the_inspector_shows_the_parameters_of_a_rule_the_network_carries(qtbot):
    net = Network()
    net.add_population("E", 4, "lif")
    net.add_poisson("inh", 4, rate=10.0)
    net.connect("inh", "E", "all_to_all", id="IE", receptor="inhibitory",
                plasticity=Plasticity("vogels_sprekeler", {}))
    assert [row.label for row in _plasticity_rows(net.projections["IE"], net)[1:]] == []  # nothing provides it
    net.add_rule("vogels_sprekeler", VS_TEXT)  # no plugin installed: only the network has the rule
    rows = _plasticity_rows(net.projections["IE"], net)[1:]
    assert [row.label for row in rows] == ["eta", "tau", "rho0", "w_max"]
    assert rows[2].spec.unit == "Hz" and rows[2].spec.default == 10.0


def test_the_inspector_shows_the_selected_projections_rule_equations(window):
    """Typeset from the trees the rule's code is generated from, above its parameters, no TeX left over."""
    from gui_helpers import field
    from PySide6.QtWidgets import QApplication, QLabel

    w = window("song_stdp")
    w.scene.select_ids(["stdp"])
    QApplication.processEvents()
    assert w.inspector.item_id == "stdp"
    label = w.inspector.findChild(QLabel, "equations")
    assert label is not None and label.isVisibleTo(w.inspector)
    html = label.text()
    assert "<i>x</i><sub>pre</sub>" in html and "at a pre spike" in html and "at a post spike" in html
    assert "every" in html and "<i>τ</i><sub>plus</sub>" in html  # the scaling statement; tau_plus as τ
    assert "\\" not in html
    rows = [w.inspector.form.itemAt(i).widget() for i in range(w.inspector.form.count())]
    assert rows.index(label) < rows.index(field(w, "plasticity.params.A_plus"))
    w.scene.clearSelection()
    QApplication.processEvents()
    assert w.inspector.findChild(QLabel, "equations") is None


def test_short_term_plasticity_shows_the_gain_each_spike_carries(window):
    from PySide6.QtWidgets import QApplication, QLabel

    w = window("mongillo_wm")
    plastic = [k for k, p in w.doc.network.projections.items() if p.plasticity is not None]
    w.scene.select_ids(plastic[:1])
    QApplication.processEvents()
    html = w.inspector.findChild(QLabel, "equations").text()
    assert "gain" in html and "step" in html and "<i>τ</i><sub>rec</sub>" in html


def test_the_inspector_typesets_homeostatic_scaling_and_its_periodic_statement(window):
    """The built-in homeostatic rule (carried by the network, as a file carries it): its ``every`` line typeset
    with ρ₀ and τ_r, above parameters with their units."""
    from gui_helpers import field
    from PySide6.QtWidgets import QApplication, QLabel
    from spikestudio.plugins.builtin.described_rules import HOMEOSTASIS_TEXT

    net = Network()
    net.add_poisson("P", 10, rate=10.0)
    net.add_population("E", 4, "lif")
    net.connect("P", "E", "all_to_all", id="PE", weight=50.0, plasticity=Plasticity("homeostatic_scaling", {}))
    net.add_rule("homeostatic_scaling", HOMEOSTASIS_TEXT)
    w = window()
    w.doc.replace_network(net)
    w.scene.select_ids(["PE"])
    QApplication.processEvents()
    html = w.inspector.findChild(QLabel, "equations").text()
    assert "every" in html and "<i>ρ</i><sub>0</sub>" in html and "<i>τ</i><sub>r</sub>" in html
    assert "at a post spike" in html and "\\" not in html
    assert field(w, "plasticity.params.rho0") is not None and field(w, "plasticity.params.interval") is not None


def test_help_plugins_lists_homeostatic_scaling_as_a_built_in_rule():
    """Through the entry point pyproject.toml declares (what an install registers), as the other built-ins."""
    import importlib.metadata
    import tomllib

    from spikestudio.gui.shell.plugin_dialog import plugin_rows
    from spikestudio.plugins.registry import GROUPS, PluginRecord, Registry

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    value = project["entry-points"][GROUPS["learning_rules"]]["homeostatic_scaling"]
    point = importlib.metadata.EntryPoint("homeostatic_scaling", value, GROUPS["learning_rules"])
    registry = Registry([PluginRecord(point.name, "learning_rules", f"spikestudio ({value})", loader=point.load)])
    [row] = plugin_rows(registry)
    assert (row.group, row.name, row.origin, row.error) == ("learning rule", "Homeostatic synaptic scaling",
                                                           "built-in", None)
    assert row.description.startswith("Each interval every weight onto a neuron is multiplied by")


@pytest.mark.parametrize("example, item", [("song_stdp", "stdp"), ("synaptic_scaling", "scaled"),
                                           ("hh_coba", "E")])
def test_long_equations_wrap_inside_the_inspector(window, qtbot, example, item):
    """A rule's lines ("at a post spike: w ← min(w + A_plus x_pre where(…), w_max)", 540 px on one line) and a
    model's wrap within the inspector's width at its default size: nothing reaches past the viewport's right edge
    (the inspector never scrolls sideways), and each label is as tall as its wrapped text."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtWidgets import QLabel

    w = window(example)
    w.scene.select_ids([item])
    qtbot.waitUntil(lambda: w.inspector.item_id == item and w.inspector.findChild(QLabel, "equations") is not None)
    qtbot.wait(50)
    inspector = w.inspector
    viewport = inspector.viewport().width()
    assert inspector.widget().width() <= viewport, (inspector.widget().width(), viewport)
    labels = inspector.findChildren(QLabel, "equations") + inspector.findChildren(QLabel, "inspector_heading")
    for label in labels:
        left = label.mapTo(inspector.viewport(), QPoint(0, 0)).x()
        assert 0 <= left and left + label.width() <= viewport, (label.text()[:60], left, label.width(), viewport)
        assert label.height() >= label.heightForWidth(label.width()), label.text()[:60]  # no line cut off below
    [equations] = inspector.findChildren(QLabel, "equations")
    unwrapped = QLabel(equations.text(), textFormat=Qt.RichText)  # as the label was: every line on one line
    assert unwrapped.sizeHint().width() > viewport or example == "hh_coba"  # a rule's equations need wrapping
    if os.environ.get("SPIKESTUDIO_SHOTS"):
        w.inspector_dock.grab().save(os.path.join(os.environ["SPIKESTUDIO_SHOTS"], f"equations-{example}.png"))
