"""Analysis after a run: ISI histograms and CV against hand-computed intervals, F-I curves against the analytic
LIF rate and the Izhikevich rheobase, weight matrices and receptive fields against the synapse lists."""

import numpy as np
import pytest
from spikestudio.engine.analysis.spike_stats import (
    block_weight_matrix,
    cv_by_population,
    fi_curve,
    isi_histogram,
    isi_values,
    lif_rate,
    receptive_fields,
    tile_fields,
    weight_matrix,
)
from spikestudio.engine.model.network import Network, Population
from spikestudio.engine.simulation.results import cv_isi


def test_isis_are_taken_within_each_neuron_only():
    times = np.array([5.0, 1.0, 2.0, 10.0, 4.0, 30.0])
    ids = np.array([0, 1, 0, 1, 1, 0])
    # neuron 0: 2, 5, 30 -> 3, 25; neuron 1: 1, 4, 10 -> 3, 6
    assert sorted(isi_values(times, ids).tolist()) == [3.0, 3.0, 6.0, 25.0]
    counts, edges = isi_histogram(times, ids, 2, bins=[0, 5, 10, 50])
    assert counts.tolist() == [2, 1, 1] and edges.tolist() == [0, 5, 10, 50]


def test_isi_histogram_refuses_ids_outside_the_population():
    with pytest.raises(ValueError, match=r"neuron ids must lie in \[0, 2\), got 0 to 2"):
        isi_histogram(np.array([1.0, 2.0]), np.array([0, 2]), 2)
    with pytest.raises(ValueError, match="same length"):
        isi_values(np.array([1.0, 2.0]), np.array([0]))


def test_an_empty_population_gives_an_empty_histogram():
    counts, edges = isi_histogram(np.zeros(0), np.zeros(0, np.int64), 5, bins=4)
    assert counts.tolist() == [0, 0, 0, 0] and edges[0] == 0.0 and edges[-1] == 1.0


def test_histogram_and_cv_of_a_real_run(simulate):
    net = Network(dt=0.1, seed=3)
    net.add_poisson("P", 30, 40.0)
    net.add_population("E", 20, "lif")
    net.add_population("quiet", 5, "lif")
    net.connect("P", "E", "fixed_probability", p=0.5, weight=120.0)
    net.record_spikes("P")
    net.record_spikes("E")
    _, res = simulate(net, 1.0)
    times, ids = res.spikes("P")
    isi = np.concatenate([np.diff(np.sort(times[ids == i])) for i in range(30)])
    counts, edges = isi_histogram(times, ids, 30, bins=20)
    assert np.array_equal(counts, np.histogram(isi, bins=20)[0]) and counts.sum() == isi.size
    cvs = cv_by_population(res)
    assert set(cvs) == {"P", "E"}  # "quiet" has no spike recorder
    assert cvs["P"] == cv_isi(ids, times, 30)
    assert 0.8 < cvs["P"] < 1.2  # Poisson trains: CV close to 1


def test_lif_fi_curve_matches_the_analytic_rate_within_a_step(probe):
    currents = np.arange(0.0, 1001.0, 25.0)
    curve = fi_curve("lif", currents, 1000.0, dt=0.1)
    rheobase = (probe.V_TH - probe.E_L) / probe.resistance()
    below = currents <= rheobase
    assert np.all(curve.rate_hz[below] == 0) and np.all(curve.steady_hz[below] == 0)
    for current, steady, rate in zip(currents[~below], curve.steady_hz[~below], curve.rate_hz[~below]):
        isi = 1000.0 / steady
        assert isi == pytest.approx(probe.lif_isi_discrete(current, 0.1), abs=1e-6)
        assert abs(isi - probe.lif_isi(current)) <= 0.1
        assert abs(rate - 1000.0 / isi) <= 1.0  # the first spike comes early: it climbs from rest, no t_ref
    assert np.allclose(lif_rate(currents[~below]), 1000.0 / np.array([probe.lif_isi(c) for c in currents[~below]]))
    assert np.all(lif_rate(currents[below]) == 0)


def test_fi_curve_takes_a_network_and_keeps_its_parameters(probe):
    net = Network(dt=0.05)
    net.add_population("cell", 1, "lif", tau_m=20.0, I_e=100.0)
    curve = fi_curve(net, [300.0, 400.0], 500.0)
    assert curve.dt == 0.05 and curve.params["tau_m"] == 20.0
    for current, steady in zip(curve.currents, curve.steady_hz):
        isi = probe.lif_isi_discrete(current + 100.0, 0.05, tau_m=20.0)
        assert 1000.0 / steady == pytest.approx(isi, abs=1e-6)
    assert np.allclose(lif_rate(curve.currents, curve.params), 1000.0 / np.array(
        [probe.lif_isi(c + 100.0, tau_m=20.0) for c in curve.currents]))


def test_izhikevich_regular_spiking_fires_above_its_rheobase_only():
    # RS (a=0.02, b=0.2): rest loses stability (Hopf) at I = 3.7975 pA, where 0.08 v + 5 - a = 0
    curve = fi_curve(Population("rs", 1, "izhikevich"), [0.0, 2.0, 3.7, 4.5, 10.0, 20.0], 1000.0, transient=200.0)
    assert curve.rate_hz[:3].tolist() == [0.0, 0.0, 0.0]
    assert np.all(curve.rate_hz[3:] > 0) and np.all(np.diff(curve.rate_hz[3:]) > 0)
    assert 5.0 < curve.rate_hz[4] < 30.0  # RS at I = 10: tonic spiking at tens of Hz at most


def test_fi_curve_names_what_is_wrong():
    with pytest.raises(ValueError, match="unknown neuron model 'nope'"):
        fi_curve("nope", [1.0])
    with pytest.raises(ValueError, match="currents must be"):
        fi_curve("lif", [])
    with pytest.raises(ValueError, match="transient"):
        fi_curve("lif", [1.0], 100.0, transient=100.0)
    with pytest.raises(ValueError, match="unknown parameters for model 'lif': tau_x"):
        fi_curve("lif", [1.0], params={"tau_x": 1.0})
    with pytest.raises(ValueError, match="current 2e\\+06 pA: the total bias I_e"):
        fi_curve("lif", [2e6])
    two = Network()
    two.add_population("A", 1)
    two.add_population("B", 1)
    with pytest.raises(ValueError, match="2 populations; name the one"):
        fi_curve(two, [1.0])
    with pytest.raises(ValueError, match="no population 'C'"):
        fi_curve(two, [1.0], population="C")


def test_weight_matrix_is_target_by_source_and_adds_multapses():
    pre, post, w = np.array([0, 2, 2, 1]), np.array([1, 0, 0, 1]), np.array([1.0, 2.0, 0.5, 3.0])
    assert weight_matrix(pre, post, w, 3, 2).tolist() == [[0.0, 0.0, 2.5], [1.0, 3.0, 0.0]]
    with pytest.raises(ValueError, match="sources must lie in \\[0, 2\\)"):
        weight_matrix(pre, post, w, 2, 2)


def test_block_matrix_is_the_dense_matrix_averaged_over_blocks():
    rng = np.random.default_rng(0)
    pre, post = rng.integers(0, 12, 200), rng.integers(0, 10, 200)
    w = rng.uniform(0, 1, 200)
    dense = weight_matrix(pre, post, w, 12, 10)
    assert np.allclose(block_weight_matrix(pre, post, w, 12, 10), dense)
    blocks = block_weight_matrix(pre, post, w, 12, 10, max_shape=(5, 4))
    assert np.allclose(blocks, dense.reshape(5, 2, 4, 3).mean(axis=(1, 3)))
    uneven = block_weight_matrix(pre, post, w, 12, 10, max_shape=(3, 5))  # blocks of 4, 3, 3 rows; 3, 2, ... cols
    rows, cols = np.arange(10) * 3 // 10, np.arange(12) * 5 // 12
    for r, c in [(0, 0), (2, 4), (1, 2)]:
        assert np.isclose(uneven[r, c], dense[rows == r][:, cols == c].mean())


def test_receptive_fields_lay_each_targets_weights_on_the_source_grid():
    grid = (2, 3)
    pre, post, w = np.array([0, 5, 4, 1]), np.array([0, 0, 1, 1]), np.array([1.0, 2.0, 3.0, 4.0])
    fields = receptive_fields(pre, post, w, grid, 2)
    assert fields.shape == (2, 2, 3)
    assert fields[0].tolist() == [[1.0, 0.0, 0.0], [0.0, 0.0, 2.0]]  # neuron 5 = row 1, column 2
    assert fields[1].tolist() == [[0.0, 4.0, 0.0], [0.0, 3.0, 0.0]]
    mosaic = tile_fields(fields, columns=2)
    assert mosaic.shape == (2, 7) and np.isnan(mosaic[:, 3]).all()
    assert np.array_equal(mosaic[:, :3], fields[0]) and np.array_equal(mosaic[:, 4:], fields[1])
    assert tile_fields(np.ones((5, 2, 2))).shape == (5, 8)  # 3 columns, 2 lines of 2 px plus a gap
