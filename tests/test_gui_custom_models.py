"""A network file with a model described only by equations opens in the editor: the inspector offers the model,
shows its equations typeset from the same trees the kernel is generated from, and its parameters with units."""

import re
from pathlib import Path

import numpy as np
import pytest
import spikestudio
from gui_helpers import click_node, field
from PySide6.QtWidgets import QApplication, QLabel
from spikestudio.engine.model.network import Network
from test_gui_inspector import type_into

pytestmark = pytest.mark.timeout(120)
MODELS = Path(__file__).parent / "data" / "models"


@pytest.fixture
def custom_file(tmp_path):
    net = Network(dt=0.1, duration=200.0, seed=1)
    net.add_model("fhn", (MODELS / "fitzhugh_nagumo.model").read_text())
    net.add_model("eif", (MODELS / "exponential_if.model").read_text())
    net.add_population("F", 10, "fhn")
    net.add_population("L", 10, "lif")
    net.add_population("X", 3, "eif")
    net.record_spikes("F")
    path = tmp_path / "custom.json"
    spikestudio.save(net, path)
    return path


def test_the_inspector_shows_a_described_models_equations_and_parameters(window, custom_file):
    w = window(custom_file)
    click_node(w, "F")
    QApplication.processEvents()
    label = w.inspector.findChild(QLabel, "equations")
    assert label is not None
    html = label.text()
    text = re.sub(r"<[^>]+>", "", html).replace("\u2009", " ").replace("&nbsp;", " ")
    assert "ε (v + a Vs − b w)" in text and "v3/(3 Vs2)" in text and "\\" not in html
    assert "spike when" in html and "refractory while" in html  # an upward crossing: refractory while above
    assert "integrated by RK4, chosen from the equations" in text
    eps = field(w, "params.eps")
    assert eps is not None and field(w, "params.tau") is not None and field(w, "params.V_s").suffix() == " mV"
    assert "Ratio of the time constants" in eps.toolTip() and "(0, 1]" in eps.toolTip()  # from the model's text
    type_into(eps, "2")
    assert w.doc.network.populations["F"].params["eps"] == 0.08
    assert "outside the valid range" in w.inspector.error.text()
    model = field(w, "model")
    assert model.findData("fhn") >= 0 and model.findData("eif") >= 0 and model.findData("lif") >= 0
    model.setCurrentIndex(model.findData("eif"))
    model.activated.emit(model.currentIndex())
    QApplication.processEvents()
    assert "Δ" in w.inspector.findChild(QLabel, "equations").text()
    assert w.doc.network.populations["F"].params["Delta_T"] == 2.0
    w.actions["undo"].trigger()
    assert w.doc.network.populations["F"].model == "fhn"


def test_a_described_model_runs_in_the_editor(window, custom_file, qtbot):
    """Run builds and compiles the generated loop on the worker thread, then simulates to the end."""
    w = window(custom_file)
    c = w.simulation.controller
    w.actions["run"].trigger()
    qtbot.waitUntil(lambda: c.state == "done", timeout=100_000)
    assert c.sim.results.spike_counts("F").sum() > 0


def test_the_fi_tool_sweeps_a_described_model(qtbot):
    from spikestudio.engine.analysis.spike_stats import fi_curve
    from spikestudio.gui.plots.analysis import FICurveDialog
    from test_plot_analysis import run_dialog

    net = Network(dt=0.1)
    net.add_model("eif", (MODELS / "exponential_if.model").read_text())
    net.add_population("cell", 1, "eif", I_e=0.0)
    dialog = FICurveDialog(net)
    qtbot.addWidget(dialog)
    assert "DC input" in dialog.status.text()
    dialog.points.setValue(5)
    dialog.duration.setValue(300.0)
    run_dialog(qtbot, dialog)
    expected = fi_curve(net, np.linspace(0, 1000, 5), 300.0, transient=dialog.transient.value())
    assert np.array_equal(dialog.rate_curve.getData()[1], expected.rate_hz) and expected.rate_hz[-1] > 0
    assert "analytic_lif_hz" not in dialog.curve_data()


def test_the_phase_plane_of_a_two_variable_model_known_only_from_its_equations(window, tmp_path):
    """FitzHugh-Nagumo: nullclines from its trees, its one fixed point (unstable when driven), no reset line, and a
    click trajectory that is the engine's own one-neuron run."""
    from spikestudio.engine.teaching.described_phase import DescribedPlane
    from test_gui_live import open_network, wait_for

    net = Network(dt=0.1, seed=5, duration=200.0)
    net.add_model("fhn", (MODELS / "fitzhugh_nagumo.model").read_text())
    net.add_population("F", 2, "fhn")
    net.add_population("L", 2, "lif")
    w = open_network(window, tmp_path, net)
    view = w.simulation.show_phase_plane()
    assert wait_for(lambda: not view.computing, 60)
    assert [view.population.itemData(i) for i in range(view.population.count())] == ["F"]
    v, w_on_v_null = view.v_null.xData, view.v_null.yData
    np.testing.assert_allclose(w_on_v_null, v - v ** 3 / (3 * 30.0 ** 2) + 15.0, atol=0.5)  # w where dv/dt = 0
    np.testing.assert_allclose(view.x_null.yData, (view.x_null.xData + 21.0) / 0.8, atol=0.5)
    (point,) = view.points
    assert not point.stable and point.v == pytest.approx(-24.145, abs=1e-3)
    assert not view.reset_line.isVisible()
    # its I_e is a parameter of its equations, not a current added to the plane's: said as such (the drawn plane is
    # at I_e = 15 pA, no DC input)
    assert view.note.text().startswith("F: DC input 0 pA, I_e = 15 pA in its parameters. Unstable")
    assert view.probes == [("F", 0, "v"), ("F", 0, "w")]
    view.start_from(-36.0, -19.0, 100.0)  # computed on the pool thread, drawn when it is done
    assert wait_for(lambda: not view.computing, 60)
    traj = view.click_trajectory
    again = DescribedPlane("fhn", w.doc.network.models["fhn"]).trajectory(None, {}, 0.0, -36.0, -19.0, 100.0, 0.1)
    assert np.array_equal(traj.v, again.v) and traj.spikes.size == 3


def test_the_inspector_shows_a_six_variable_model(window, tmp_path):
    """More state variables than the loop's first four: equations, parameters and every variable to record."""
    net = Network(dt=0.1, duration=100.0, seed=1)
    net.add_model("two", (MODELS / "two_compartment.model").read_text())
    net.add_population("T", 2, "two")
    net.record_state("T", "i2", id="trace")
    path = tmp_path / "six.json"
    spikestudio.save(net, path)
    w = window(path)
    w.inspector.show_item("T")
    QApplication.processEvents()
    text = re.sub(r"<[^>]+>", "", w.inspector.findChild(QLabel, "equations").text())
    for var in ("v", "vd", "w", "c", "i1", "i2"):  # typeset as fractions, v_d as v with a subscript d
        assert f"d{var}dt&nbsp;=" in text, var
    assert field(w, "params.tau_f") is not None and field(w, "params.I_d") is not None
    w.inspector.show_item("trace")
    QApplication.processEvents()
    choice = field(w, "variable")
    items = [choice.itemData(i) for i in range(choice.count())]
    assert items[:6] == ["v", "v_d", "w", "c", "i1", "i2"] and choice.currentData() == "i2"


def test_wrapped_headings_and_equations_get_the_height_of_their_wrapped_text(window, custom_file, qtbot):
    """At the inspector's default width "Exponential integrate-and-fire: equations" and the line naming its chosen
    method wrap: each label gets the height its wrapped text needs (they were laid out one line short, the second
    line cut off)."""
    w = window(custom_file)
    w.inspector.show_item("X")

    def cut_off():
        labels = w.inspector.findChildren(QLabel, "inspector_heading") + w.inspector.findChildren(QLabel, "equations")
        return [label.text()[:40] for label in labels if label.isVisible()
                and label.height() < label.heightForWidth(label.width())]

    qtbot.wait(50)
    heading = next(label for label in w.inspector.findChildren(QLabel, "inspector_heading") if label.isVisible())
    assert heading.heightForWidth(heading.width()) > heading.fontMetrics().height() * 2  # it does wrap here
    qtbot.waitUntil(lambda: not cut_off(), timeout=3000)
