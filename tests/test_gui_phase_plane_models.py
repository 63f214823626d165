"""The canvas menu offers the phase plane for any two-variable model, built-in or described by equations, and the
plane probes that model's own two variables; probing a membrane traces the model's first state variable."""

import pytest
from spikestudio.engine.model.network import Network
from test_gui_live import open_network, wait_for

pytestmark = pytest.mark.timeout(90)

# A two-variable model whose variables are not called v (first) and u/w (second).
RESONATOR = """
title Linear resonator
state x = -65 mV
state y = 0 mV
param tau = 10 ms (0, inf)
param E = -65 mV
param R = 40 Mohm (0, inf)
dx/dt = (E - x - y + R*I_syn)/tau
dy/dt = (x - E - y)/(5*tau)
threshold x > -50*mV
reset x = E
"""


def network() -> Network:
    net = Network(dt=0.1, seed=5, duration=200.0)
    net.add_model("resonator", RESONATOR)
    net.add_population("R", 2, "resonator")
    net.add_population("T", 2, "lif_adaptive")
    net.add_population("L", 2, "lif")
    net.add_current("dc", "T", "dc", amplitude=500.0)
    return net


def menu_texts(ui, node_id, w):
    ui._node_menu(node_id, w.view.mapToGlobal(w.view.rect().center()))
    texts = [a.text() for a in ui.node_menu.actions()]
    ui.node_menu.close()
    return texts


def test_every_two_variable_population_offers_its_phase_plane(window, tmp_path):
    w = open_network(window, tmp_path, network())
    ui = w.simulation
    assert "Show in the phase plane" in menu_texts(ui, "R", w)  # described by equations
    assert "Show in the phase plane" in menu_texts(ui, "T", w)  # built-in adaptive LIF: v and theta
    assert "Show in the phase plane" not in menu_texts(ui, "L", w)  # one variable
    ui._node_menu("T", w.view.mapToGlobal(w.view.rect().center()))
    action = next(a for a in ui.node_menu.actions() if a.text() == "Show in the phase plane")
    ui.node_menu.close()
    action.trigger()
    view = ui.phase
    assert view.population_id == "T" and ui.docks["phase_plane"].isVisible()
    assert wait_for(lambda: not view.computing, 60)
    axis = view.plot.getPlotItem()
    assert axis.getAxis("bottom").labelText == "v" and axis.getAxis("left").labelText == "theta"
    assert axis.getAxis("left").labelUnits == "mV"
    assert view.probes == [("T", 0, "v"), ("T", 0, "theta")]
    assert view.reset_line.value() == -70.0  # V_reset of the adaptive LIF's description
    view.set_population("R")
    assert view.probes == [("R", 0, "x"), ("R", 0, "y")]
    assert axis.getAxis("bottom").labelText == "x"


def test_probing_a_membrane_traces_the_models_first_variable(window, tmp_path):
    w = open_network(window, tmp_path, network())
    ui = w.simulation
    asked = []
    ui.views.traces.probes_requested.connect(asked.append)
    ui.probe("R", 1)
    ui.probe("T", 0)
    assert ("R", 1, "x") in asked[0] and ("T", 0, "v") in asked[-1]


def test_the_plane_behind_its_tab_draws_only_once_shown(window, tmp_path):
    """A described plane costs a simulation (seconds of compiling on a cold cache): none while nobody can see it."""
    w = open_network(window, tmp_path, network())
    ui, view = w.simulation, w.simulation.phase
    ui.docks["analysis"].raise_()  # the phase plane's tab is behind
    view.set_population("T")
    assert view.probes == [("T", 0, "v"), ("T", 0, "theta")]  # the live neuron is still sampled
    assert view.v_null.xData is None or view.v_null.xData.size == 0
    assert not view.backend._ranges  # no trajectory was simulated for the ranges
    ui.docks["phase_plane"].raise_()  # the user clicks its tab
    assert wait_for(lambda: view.v_null.xData is not None and view.v_null.xData.size > 0, 30)
    assert view.backend._ranges and view.reset_line.value() == -70.0 and view.note.text().startswith("T:")
