"""The analysis widgets driven by real runs: the ISI bars are the histogram of the true intervals, the CV is
the engine's, and the F-I dialog's curve (run on a worker thread) is engine.analysis.fi_curve's."""

import numpy as np
import pytest
from spikestudio.engine.analysis.spike_stats import fi_curve, lif_rate
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation.results import cv_isi
from spikestudio.gui.plots.analysis import FICurveDialog, ISIView


@pytest.fixture
def results(simulate):
    net = Network(dt=0.1, seed=5)
    net.add_poisson("drive", 40, 30.0)
    net.add_population("E", 25, "lif")
    net.add_population("silent", 3, "lif")
    net.connect("drive", "E", "fixed_probability", p=0.5, weight=110.0)
    net.record_spikes("drive")
    net.record_spikes("E")
    net.record_spikes("silent")
    return simulate(net, 1.0)[1]


def true_isis(times, ids, size):
    return np.concatenate([np.diff(np.sort(times[ids == i])) for i in range(size)])


def test_isi_bars_are_the_histogram_of_the_true_intervals(qtbot, results):
    view = ISIView(results)
    qtbot.addWidget(view)
    assert [view.chooser.itemData(i) for i in range(view.chooser.count())] == ["drive", "E", "silent"]
    for nid, size in (("drive", 40), ("E", 25)):
        view.chooser.setCurrentIndex(view.chooser.findData(nid))
        times, ids = results.spikes(nid)
        isi = true_isis(times, ids, size)
        assert view.edges[0] == 0.0 and view.edges[-1] == isi.max() and view.counts.size == 50
        assert np.array_equal(view.counts, np.histogram(isi, bins=view.edges)[0]) and view.counts.sum() == isi.size
        assert np.array_equal(view.bars.opts["height"], view.counts)
        assert np.array_equal(view.bars.opts["x0"], view.edges[:-1])
        cv = cv_isi(ids, times, size)
        assert f"CV {cv:.3f}" in view.summary.text() and f"(CV {cv:.2f})" in view.chooser.currentText()
    assert np.array_equal(view.histogram_data()["counts"], view.counts)
    view.bins.setValue(20)
    assert view.counts.size == 20 and view.counts.sum() == isi.size


def test_isi_view_without_intervals_or_results(qtbot, results):
    view = ISIView(results)
    qtbot.addWidget(view)
    view.chooser.setCurrentIndex(view.chooser.findData("silent"))
    assert view.counts.sum() == 0 and "no intervals" in view.summary.text()
    assert "CV unknown" in view.chooser.currentText()
    view.set_results(None)
    assert view.chooser.count() == 0 and "No recorded spikes" in view.summary.text()
    view.set_results(results)
    assert view.population == "drive"


def run_dialog(qtbot, dialog):
    dialog.run_button.click()
    assert dialog.running and not dialog.run_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)


def test_fi_dialog_plots_the_engines_curve_and_the_analytic_lif_rate(qtbot):
    net = Network(dt=0.1)
    net.add_population("cell", 1, "lif", tau_m=15.0)
    dialog = FICurveDialog(net)
    qtbot.addWidget(dialog)
    assert (dialog.low.value(), dialog.high.value()) == (0.0, 1000.0)
    dialog.points.setValue(11)
    dialog.duration.setValue(500.0)
    dialog.transient.setValue(50.0)
    run_dialog(qtbot, dialog)
    expected = fi_curve(net, np.linspace(0, 1000, 11), 500.0, transient=50.0)
    x, y = dialog.rate_curve.getData()
    assert np.array_equal(x, expected.currents) and np.array_equal(y, expected.rate_hz)
    assert np.array_equal(dialog.steady_curve.getData()[1], expected.steady_hz)
    ax, ay = dialog.analytic_curve.getData()
    assert ax.size == 400 and np.allclose(ay, lif_rate(ax, {"tau_m": 15.0}))
    data = dialog.curve_data()
    assert np.array_equal(data["rate_hz"], expected.rate_hz)
    assert np.abs(data["steady_hz"] - data["analytic_lif_hz"]).max() < 3.0  # within a time step of the ISI
    assert "fires from 300 pA" in dialog.status.text()
    assert [label.text for _, label in dialog.legend.items][-1] == "analytic LIF"


def test_fi_dialog_for_an_izhikevich_population_has_no_analytic_curve(qtbot):
    net = Network(dt=0.1)
    net.add_population("E", 10, "lif")
    net.add_population("rs", 1, "izhikevich")
    dialog = FICurveDialog(net, population="rs")
    qtbot.addWidget(dialog)
    assert (dialog.low.value(), dialog.high.value()) == (0.0, 20.0)
    dialog.points.setValue(5)
    dialog.duration.setValue(300.0)
    run_dialog(qtbot, dialog)
    expected = fi_curve(net, np.linspace(0, 20, 5), 300.0, population="rs", transient=100.0)
    assert np.array_equal(dialog.rate_curve.getData()[1], expected.rate_hz)
    assert dialog.analytic_curve.getData()[0] is None or dialog.analytic_curve.getData()[0].size == 0
    assert "analytic_lif_hz" not in dialog.curve_data()
    assert [label.text for _, label in dialog.legend.items] == ["spike count / time", "1 / mean ISI"]


def test_fi_dialog_reports_problems_instead_of_running(qtbot):
    net = Network()
    net.add_population("cell", 1, "lif", I_e=5e5)
    dialog = FICurveDialog(net)
    qtbot.addWidget(dialog)
    dialog.transient.setValue(2000.0)
    dialog.run_button.click()
    assert not dialog.running and "transient must be shorter" in dialog.status.text()
    dialog.points.setValue(1)
    dialog.duration.setValue(-5.0)
    dialog.run_button.click()
    assert not dialog.running and dialog.status.text() == ("Cannot run: points: 1 is outside the valid range "
                                                           "[2, 2000]; duration: -5 is outside the valid range "
                                                           "(0, 1e+07] ms")
    dialog.points.setValue(21)
    dialog.duration.setValue(1000.0)
    dialog.transient.setValue(0.0)
    dialog.high.setValue(1e6)  # the bias I_e 5e5 plus 1e6 is beyond the range of I_e
    run_dialog(qtbot, dialog)
    assert dialog.status.text().startswith("The sweep failed: current 550000 pA: the total bias I_e 1.05e+06 is "
                                           "outside the valid range") and dialog.run_button.isEnabled()
    empty = FICurveDialog(Network())
    qtbot.addWidget(empty)
    assert not empty.run_button.isEnabled() and "no population" in empty.status.text()



def test_the_fi_tool_opened_from_a_window_sweeps_the_edited_network(window, tmp_path, qtbot):
    """Lesson 1's order: the tool is opened, then I_e is typed to 0 in the inspector; its next sweep uses
    I_e = 0 (fires from 400 pA, not from 100 pA as a copy made at opening with I_e = 300 pA would)."""
    from gui_helpers import click_node, field
    from spikestudio.engine.files import fileformat
    from test_gui_inspector import type_into

    net = Network(dt=0.1)
    net.add_population("cell", 1, "lif", I_e=300.0)
    net.populations["cell"].name = "Cell"
    fileformat.save(net, tmp_path / "one.json")
    w = window(tmp_path / "one.json")
    click_node(w, "cell")
    dialog = w.simulation.show_fi_curve()
    assert dialog.population.currentText() == "Cell" and "I_e = 300 pA" in dialog.status.text()
    type_into(field(w, "params.I_e"), "0")
    assert w.doc.network.populations["cell"].params["I_e"] == 0.0
    assert "I_e = 0 pA" in dialog.status.text()  # the tool says what it will sweep
    dialog.points.setValue(11)
    dialog.duration.setValue(300.0)
    dialog.transient.setValue(0.0)
    run_dialog(qtbot, dialog)
    assert "fires from 400 pA" in dialog.status.text(), dialog.status.text()
    dialog.close()
