"""The phase-plane dock: its curves are the engine's, they follow edits, and the live trajectory is the probed
neuron's own, sampled alongside (never instead of) the membrane traces' probes."""

import numpy as np
import pytest
from gui_helpers import click_node, field
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton
from spikestudio.engine.model.network import Network
from spikestudio.engine.teaching import phase_plane as pp
from test_gui_inspector import type_into
from test_gui_live import open_network, reference, run_to_end, wait_for

pytestmark = pytest.mark.timeout(90)


def neurons(model="izhikevich", **params):
    """Three unconnected neurons of one model driven by a DC input, plus a LIF population the plane ignores."""
    net = Network(dt=0.1, seed=5, duration=200.0)
    net.add_population("N", 3, model, **params)
    net.add_current("dc", "N", "dc", amplitude=6.0 if model == "izhikevich" else 300.0)
    net.add_population("L", 2, "lif")
    net.record_spikes("N")
    return net


def settled(view):
    """Wait for the plane's pool thread to answer the latest question (the view keeps drawing meanwhile)."""
    assert wait_for(lambda: not view.computing, 60), view.note.text()
    return view


def shown_plane(window, tmp_path, net):
    w = open_network(window, tmp_path, net)
    view = settled(w.simulation.show_phase_plane())
    assert w.simulation.docks["phase_plane"].isVisible()
    QTest.qWait(20)  # the dock laid out (its legend row sized) before a person clicks in it
    return w, view


def test_the_dock_draws_the_engines_nullclines_fixed_points_and_reset_with_labelled_axes(window, tmp_path):
    net = neurons(I_e=-4.0)  # 2 pA in all: below rheobase, so it rests
    w, view = shown_plane(window, tmp_path, net)
    assert [view.population.itemData(i) for i in range(view.population.count())] == ["N"]  # not the LIF one
    assert view.current == 2.0
    v, u = view.v_null.xData, view.v_null.yData
    expected_v_null, expected_u_null = pp.nullclines("izhikevich", net.populations["N"].params, 2.0, v)
    np.testing.assert_array_equal(u, expected_v_null)
    np.testing.assert_array_equal(view.x_null.yData, expected_u_null)
    np.testing.assert_array_equal(view.x_null.yData, 0.2 * view.x_null.xData)
    points = pp.fixed_points("izhikevich", net.populations["N"].params, 2.0)
    spots = view.fixed.points()
    np.testing.assert_allclose([(s.pos().x(), s.pos().y()) for s in spots], [(p.v, p.x) for p in points])
    assert [s.brush().color().name() for s in spots] == ["#222222", "#ffffff"]  # stable filled, unstable open
    assert view.reset_line.value() == -65.0
    assert view.legend.getLabel(view.reset_sample).text == "reset v = c = -65 mV"  # read from "reset v = c"
    axis = view.plot.getPlotItem()
    assert axis.getAxis("bottom").labelText == "v" and axis.getAxis("bottom").labelUnits == "mV"
    assert axis.getAxis("left").labelText == "u" and axis.getAxis("left").labelUnits == "mV/ms"
    assert "I = 2 pA" in view.note.text() and "Stable node at v = -67.1 mV; saddle at v = -52.9" in view.note.text()
    assert view.field.xData.size == 6 * np.prod((21, 15))  # shaft and two head strokes per arrow


def test_editing_b_in_the_inspector_moves_the_u_nullcline_and_the_fixed_points(window, tmp_path):
    w, view = shown_plane(window, tmp_path, neurons())
    before = view.x_null.yData.copy()
    click_node(w, "N")
    type_into(field(w, "params.b"), "0.25")
    assert w.doc.network.populations["N"].params["b"] == 0.25
    settled(view)
    np.testing.assert_allclose(view.x_null.yData, 0.25 * view.x_null.xData)
    assert not np.allclose(view.x_null.yData, before)
    w.actions["undo"].trigger()
    np.testing.assert_allclose(settled(view).x_null.yData, before)
    type_into(field(w, "params.I_e"), "-5")  # 1 pA in all: the v-nullcline drops by 5
    settled(view)
    np.testing.assert_allclose(view.v_null.yData, 0.04 * view.v_null.xData ** 2 + 5 * view.v_null.xData + 141.0)


def test_running_draws_the_probed_neurons_v_and_u_as_a_headless_run_computes_them(window, tmp_path):
    net = neurons()
    w, view = shown_plane(window, tmp_path, net)
    ui = w.simulation
    view.neuron.setValue(1)
    ui.probe("N", 2)  # the traces' own probe coexists with the plane's two
    c = run_to_end(w)
    assert set(c.sim.probes) == {("N", 2, "v"), ("N", 1, "v"), ("N", 1, "u")}
    assert ui.views.traces.probes == [("N", 2, "v")]  # the plane's probes are not drawn as traces
    ref_net = neurons()
    ref_net.record_state("N", "v", neurons=[1], id="ref:v")
    ref_net.record_state("N", "u", neurons=[1], id="ref:u")
    ref = reference(ref_net, 200.0)
    v, u = view.live_data()
    np.testing.assert_allclose(v, ref.trace("ref:v")[1][:, 0], rtol=0, atol=1e-9)
    np.testing.assert_allclose(u, ref.trace("ref:u")[1][:, 0], rtol=0, atol=1e-9)
    assert np.sum(np.diff(v) < -50) >= 2  # it fired, and the resets are in what matched
    head = view.head.points()[0].pos()
    assert (head.x(), head.y()) == (v[-1], u[-1])
    # the engine trajectory from the same start is the same curve
    traj = pp.trajectory("izhikevich", net.populations["N"].params, view.current, -65.0, -13.0, 199.9)
    np.testing.assert_allclose(traj.v, v, atol=1e-9)


def test_another_neuron_or_closing_the_dock_changes_what_is_probed(window, tmp_path):
    w, view = shown_plane(window, tmp_path, neurons())
    c = w.simulation.controller
    assert wait_for(lambda: c.sim is not None, 30)
    assert c.sim.probes == [("N", 0, "v"), ("N", 0, "u")]
    view.neuron.setValue(2)
    assert c.sim.probes == [("N", 2, "v"), ("N", 2, "u")]
    w.simulation.docks["phase_plane"].close()
    assert c.sim.probes == [] and view.probes == []
    w.actions["phase_plane"].trigger()
    assert c.sim.probes == [("N", 2, "v"), ("N", 2, "u")]


def test_the_canvas_menu_of_a_two_variable_population_opens_its_phase_plane(window, tmp_path):
    net = neurons()
    net.add_population("A", 1, "adex")
    w = open_network(window, tmp_path, net)
    ui = w.simulation
    assert ui.phase.population_id == "N"
    ui._node_menu("L", w.view.mapToGlobal(w.view.rect().center()))
    assert "Show in the phase plane" not in [a.text() for a in ui.node_menu.actions()]  # LIF has none
    ui._node_menu("A", w.view.mapToGlobal(w.view.rect().center()))
    action = next(a for a in ui.node_menu.actions() if a.text() == "Show in the phase plane")
    ui.node_menu.close()
    action.trigger()
    assert ui.phase.population_id == "A" and ui.docks["phase_plane"].isVisible()
    settled(ui.phase)
    assert ui.phase.plot.getPlotItem().getAxis("left").labelUnits == "pA"
    assert ui.phase.reset_line.value() == net.populations["A"].params["V_reset"]
    assert ui.phase.legend.getLabel(ui.phase.reset_sample).text == "reset v = V_reset = -70.6 mV"


def test_a_click_in_the_plane_draws_where_the_neuron_goes_from_there(window, tmp_path):
    w, view = shown_plane(window, tmp_path, neurons(model="adex"))
    assert view.plot.getPlotItem().getAxis("left").labelText == "w"
    box = view.plot.getViewBox()
    (v_lo, v_hi), (w_lo, w_hi) = box.viewRange()
    target = QPointF(v_lo + 0.3 * (v_hi - v_lo), w_lo + 0.6 * (w_hi - w_lo))
    where = view.plot.mapFromScene(box.mapViewToScene(target))
    QTest.mouseClick(view.plot.viewport(), Qt.LeftButton, Qt.NoModifier, where)
    traj = settled(view).click_trajectory
    assert traj is not None
    assert traj.v[0] == pytest.approx(target.x(), abs=(v_hi - v_lo) / 100)
    assert traj.x[0] == pytest.approx(target.y(), abs=(w_hi - w_lo) / 100)
    again = pp.trajectory("adex", w.doc.network.populations["N"].params, 300.0, traj.v[0], traj.x[0], 300.0)
    np.testing.assert_array_equal(view.clicked.xData, again.v)
    np.testing.assert_array_equal(view.clicked.yData, again.x)
    assert view.legend.getLabel(view.clicked).text.startswith("from a click")
    QTest.mouseClick(view.findChild(QToolButton, "phase_clear"), Qt.LeftButton)
    assert view.click_trajectory is None and view.legend.getLabel(view.clicked) is None
    assert "from_click_v" not in view.data()


def test_a_network_without_two_variable_models_says_so(window, tmp_path):
    net = Network(dt=0.1, seed=1)
    net.add_population("L", 2, "lif")
    w, view = shown_plane(window, tmp_path, net)
    assert view.population.count() == 0 and "No Izhikevich or AdEx population" in view.note.text()
    assert view.probes == []
    with pytest.raises(ValueError, match="'lif'.*not a two-variable model"):
        view.set_population("L")
    with pytest.raises(ValueError, match="no population 'X'"):
        view.set_population("X")
