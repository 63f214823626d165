"""The weights view against a real run with STDP: its histogram counts the simulator's weights, its image is
the dense weight matrix (block-averaged when big), its tiles are the receptive fields, and it follows learning."""

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.analysis.spike_stats import (
    block_weight_matrix,
    receptive_fields,
    tile_fields,
    weight_matrix,
)
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.gui.plots.weights import FIELDS, MATRIX, ProjectionShape, WeightsView, projection_shapes


@pytest.fixture
def learning():
    """A 4 x 6 Poisson grid onto 5 LIF neurons through STDP, plus a fixed inhibitory projection, run 0.3 s."""
    net = Network(dt=0.1, seed=2)
    net.add_poisson("grid", 24, 50.0, grid=(4, 6))
    net.add_population("E", 5)
    net.connect("grid", "E", "fixed_probability", id="learn", p=0.6, weight=120.0,
                plasticity=Plasticity("stdp", {"w_max": 240.0, "A_plus": 0.05, "A_minus": 0.055}))
    net.connect("E", "E", "all_to_all", id="inh", weight=5.0, receptor="inhibitory")
    sim = spikestudio.Simulator(net)
    sim.run(0.3)
    return sim


@pytest.fixture
def view(qtbot, learning):
    v = WeightsView(learning.connections, projection_shapes(learning.network))
    v.resize(520, 640)
    qtbot.addWidget(v)
    return v


def test_shapes_come_from_the_network(learning):
    shapes = projection_shapes(learning.network)
    assert shapes == [ProjectionShape("learn", 24, 5, (4, 6), "pA", "learn"),
                      ProjectionShape("inh", 5, 5, None, "pA", "inh")]


def test_histogram_and_matrix_show_the_learned_weights(view, learning):
    pre, post, w = learning.connections("learn")
    assert np.std(w) > 1.0  # STDP moved them
    assert view.chooser.currentText() == "learn" and view.mode.isEnabled()
    assert view.edges[0] == 0.0 and view.edges[-1] == w.max()
    assert np.array_equal(view.counts, np.histogram(w, bins=view.edges)[0]) and view.counts.sum() == w.size
    x, y = view.hist_curve.getData()
    assert np.array_equal(x, view.edges) and np.array_equal(y, view.counts)
    dense = weight_matrix(pre, post, w, 24, 5)
    assert view.image.image.shape == (5, 24) and np.allclose(view.image.image, dense)
    assert view.colorbar.levels() == pytest.approx((0.0, dense.max()))
    assert f"{w.size:,} synapses" in view.summary.text()
    assert np.array_equal(view.matrix_data()["matrix"], view.image.image)
    data = view.histogram_data()
    assert np.array_equal(data["counts"], view.counts) and np.array_equal(data["edges"], view.edges)


def test_receptive_fields_tile_each_targets_weights_on_the_grid(view, learning):
    pre, post, w = learning.connections("learn")
    view.mode.setCurrentText(FIELDS)
    fields = receptive_fields(pre, post, w, (4, 6), 5)
    assert np.array_equal(view.image.image, tile_fields(fields), equal_nan=True)
    data = view.matrix_data()
    assert np.array_equal(data["fields"], fields.reshape(5, 24)) and data["grid"].tolist() == [4, 6]
    view.select("inh")  # no grid: back to the matrix
    assert not view.mode.isEnabled() and view.mode.currentText() == MATRIX
    pre, post, w = learning.connections("inh")
    assert np.allclose(view.image.image, weight_matrix(pre, post, w, 5, 5))


def test_refresh_follows_learning_and_keeps_the_choice(view, learning):
    before = view.image.image.copy()
    learning.run(0.3)
    assert np.array_equal(view.image.image, before)  # nothing recomputed until asked
    view.refresh()
    pre, post, w = learning.connections("learn")
    assert not np.array_equal(view.image.image, before)
    assert np.allclose(view.image.image, weight_matrix(pre, post, w, 24, 5))
    view.select("inh")
    view.set_projections(projection_shapes(learning.network))
    assert view.chooser.currentText() == "inh"


def test_live_timer_refreshes_while_visible(view, learning, qtbot):
    view.show()
    qtbot.waitExposed(view)
    before = view.image.image.copy()
    learning.run(0.2)
    view.start_live(20)
    qtbot.waitUntil(lambda: not np.array_equal(view.image.image, before), timeout=2000)
    view.stop_live()


def test_a_big_projection_is_block_averaged(qtbot):
    net = Network(dt=0.1, seed=3)
    net.add_poisson("P", 1000, 5.0)
    net.add_population("E", 700)
    net.connect("P", "E", "fixed_probability", id="big", p=0.05, weight=2.0)
    sim = spikestudio.Simulator(net)
    view = WeightsView(sim.connections, projection_shapes(net), max_shape=(100, 100))
    qtbot.addWidget(view)
    pre, post, w = sim.connections("big")
    assert view.image.image.shape == (100, 100)
    assert np.allclose(view.image.image, block_weight_matrix(pre, post, w, 1000, 700, (100, 100)))
    assert np.isclose(view.image.image.mean(), w.sum() / (1000 * 700))
    assert "block-averaged" in view.matrix_plot.titleLabel.text
    rect = view.image.mapRectToParent(view.image.boundingRect())
    assert (rect.width(), rect.height()) == (1000, 700)  # axes still count neurons


def test_no_projections_and_empty_projections(qtbot):
    view = WeightsView(lambda pid: (np.zeros(0, int), np.zeros(0, int), np.zeros(0)), [])
    qtbot.addWidget(view)
    assert view.summary.text() == "No projection to show" and view.counts.sum() == 0
    view.set_projections([ProjectionShape("none", 3, 2)])
    assert view.summary.text() == "No synapses" and np.array_equal(view.image.image, np.zeros((2, 3)))
