"""The bundled example networks: well-formed files, written by make_examples.py, and each one showing
the behaviour its paper describes when simulated headless."""

import math

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import CurrentInput, DatasetInput, PoissonInput, SpikeTimesInput
from spikestudio.engine.simulation.results import cv_isi
from spikestudio.resources.examples import DEFAULT_EXAMPLE, example_path, list_examples, make_examples

EXAMPLES = ["single_neuron", "cuba", "brunel", "izhikevich", "digits"]
EXAMPLES += ["coba", "hh_coba", "brunel_sr", "brunel_si_fast", "brunel_si_slow", "wang_buzsaki", "ping"]  # gal1
EXAMPLES += ["ring_attractor", "tap_withdrawal"]  # gal3
EXAMPLES += ["song_stdp", "vogels_istdp", "polychronization", "mongillo_wm"]  # gal2
EXAMPLES += ["microcircuit"]  # micro
EXAMPLES += ["synaptic_scaling"]  # guifix
TRANSIENT_MS = 200.0  # left out of the rhythm and stationarity measures


# --- the files ---------------------------------------------------------------------------------------


def test_every_example_is_bundled():
    assert list_examples() == sorted(EXAMPLES)
    assert DEFAULT_EXAMPLE == "single_neuron"
    assert example_path("cuba") == example_path("cuba.json")
    with pytest.raises(KeyError, match="no bundled example"):
        example_path("no_such_example")
    with pytest.raises(KeyError):
        example_path("../examples/cuba")


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_loads_validates_and_round_trips_byte_for_byte(name, tmp_path):
    path = example_path(name)
    net = fileformat.load(path)
    assert net.validate() == []
    copy = tmp_path / path.name
    fileformat.save(net, copy)
    assert copy.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_file_is_what_make_examples_writes(name):
    """The files are generated through the public API; regenerate them with make_examples.py after a change."""
    assert fileformat.dumps(make_examples.build(name)) == example_path(name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_metadata_layout_and_recorders(name):
    net = fileformat.load(example_path(name))
    md = net.metadata
    assert md.title and md.author == "SpikeStudio" and md.license == "CC0-1.0"
    assert len(md.description) > 200 and "\n" not in md.description
    years = (1907, 1996, 2000, 2003, 2005, 2006, 2007, 2008, 2011, 2014, 2015)
    assert any(str(year) in md.description for year in years)  # cites its source
    nodes = {**net.populations, **net.inputs}
    assert set(net.layout) == set(nodes)
    for nid, place in net.layout.items():
        red, green, blue = (int(place.color[i: i + 2], 16) for i in (1, 3, 5))
        if isinstance(nodes[nid], (PoissonInput, CurrentInput, DatasetInput, SpikeTimesInput)):
            assert red == green == blue, f"input {nid} should be grey"
        elif nid.endswith("I"):  # I, L23I, ...
            assert blue > red, "inhibitory populations are blue-ish"
        elif receptors(net, nid) == {"excitatory"}:
            assert red > blue, f"excitatory population {nid} should be red-ish"
    positions = {(p.x, p.y) for p in net.layout.values()}
    assert len(positions) == len(net.layout), "nodes must not sit on top of each other"
    kinds = {}
    for rec in net.recorders.values():
        kinds.setdefault(rec.kind, set()).add(rec.target)
    graded = {pid for pid, pop in net.populations.items()  # non-spiking cells: their voltage is their output
              if pop.model in net.models and net.models[pop.model].threshold is None}
    assert kinds.get("spikes", set()) == set(net.populations) - graded
    assert kinds.get("rate", set()) == set(net.populations) - graded
    assert kinds["state"] >= graded
    assert kinds["state"] and any(r.variable == "v" for r in net.recorders.values() if r.kind == "state")


def receptors(net, pop):
    """The receptors of the projections a population makes (one that projects nowhere counts as excitatory)."""
    return {p.synapse.receptor for p in net.projections.values() if p.source == pop} or {"excitatory"}


# --- the dynamics ------------------------------------------------------------------------------------

_RUNS = {}


def run_example(name):
    """Results of the example's own duration (each example is simulated once per test session)."""
    if name not in _RUNS:
        net = spikestudio.load(example_path(name))
        _RUNS[name] = (net, spikestudio.Simulator(net).run())
    return _RUNS[name]


def late_rate(res, pop, bin_ms=1.0):
    """The population rate (Hz) after the transient, in bins of ``bin_ms``."""
    t, rate = res.rate(f"rate:{pop}")
    rate = rate[t >= TRANSIENT_MS]
    k = int(round(bin_ms / (t[1] - t[0])))
    return rate[: rate.size // k * k].reshape(-1, k).mean(axis=1)


def synchrony(res, pop):
    """Coefficient of variation of the population rate in 5 ms bins (about 0.1 for independent Poisson
    neurons at these sizes and rates, above 1 for a network firing in population bursts)."""
    x = late_rate(res, pop, 5.0)
    return float(x.std() / x.mean())


def test_single_neuron_fires_at_the_analytic_lif_rate():
    net, res = run_example("single_neuron")
    p = net.populations["neuron"].params
    current = net.inputs["dc"].params["amplitude"]
    r_i = p["tau_m"] / p["C_m"] * current  # R I, mV
    period = p["t_ref"] + p["tau_m"] * math.log(r_i / (r_i - (p["V_th"] - p["E_L"])))
    analytic = 1000.0 / period
    assert analytic == pytest.approx(68.26, abs=0.01)
    times, _ = res.spikes("neuron")
    assert 1000.0 / np.diff(times).mean() == pytest.approx(analytic, rel=0.01)
    assert res.mean_rate("neuron") == pytest.approx(analytic, rel=0.01)
    t, v = res.trace("v:neuron")
    assert v.max() < p["V_th"] and v.min() >= p["V_reset"] - 1e-9


BRIAN2_CUBA_RATE_HZ = 5.77  # Brian2's CUBA example, same network and parameters: an independent simulator


def test_cuba_is_asynchronous_irregular():
    """Vogels & Abbott (2005) / Brian2's CUBA: Brian2 fires at 5.77 Hz; here E 5.73 Hz and I 5.64 Hz with
    a CV of ISI of 0.54 (both measured). So: rates within 20 % of Brian2's, CV 0.45-0.65, no population bursts."""
    net, res = run_example("cuba")
    for row in res.summary():
        assert row["rate_hz"] == pytest.approx(BRIAN2_CUBA_RATE_HZ, rel=0.2), row
        assert 0.45 <= row["cv_isi"] <= 0.65, row
    assert synchrony(res, "E") < 0.5
    _, izh = run_example("izhikevich")  # a network that does fire in bursts, for scale
    assert synchrony(res, "E") < 0.25 * synchrony(izh, "E")


def test_brunel_is_asynchronous_irregular_at_the_mean_field_rate():
    """Brunel (2000), g = 5, nu_ext = 2 nu_thr (Fig. 8C). The diffusion approximation gives 46.5 Hz for this
    scaling (J = 0.2 mV, C_E = 400) and a CV of 0.79; Brian2 with the same parameters (random instead of fixed
    in-degree) fires at 48 Hz with a CV of 0.48, since weak fast oscillations make firing more regular. So:
    rates 30-60 Hz, CV above 0.5, a population rate constant in time and no population bursts."""
    net, res = run_example("brunel")
    nu_thr, ext = make_examples.brunel_rates()
    assert nu_thr == pytest.approx(12.5) and ext == pytest.approx(10_000.0)
    assert res.mean_rate("ext_E") == pytest.approx(ext, rel=0.01)
    for pop in ("E", "I"):
        assert 30.0 < res.mean_rate(pop) < 60.0
        times, ids = res.spikes(pop)
        late = times >= TRANSIENT_MS
        assert cv_isi(ids[late], times[late], net.populations[pop].size) > 0.5
        windows = late_rate(res, pop, 100.0)
        assert np.all(np.abs(windows / windows.mean() - 1.0) < 0.15), windows
        assert synchrony(res, pop) < 0.6
    assert res.mean_rate("E") == pytest.approx(res.mean_rate("I"), rel=0.05)  # identical inputs, identical rates


def test_izhikevich_network_shows_a_population_rhythm():
    """Izhikevich (2003): rhythmic population activity; here a dominant alpha-band (about 10 Hz) peak."""
    net, res = run_example("izhikevich")
    rate = late_rate(res, "E")
    freqs = np.fft.rfftfreq(rate.size, 1e-3)
    power = np.abs(np.fft.rfft(rate - rate.mean())) ** 2
    considered = (freqs >= 1.0) & (freqs <= 200.0)
    peak = freqs[considered][np.argmax(power[considered])]
    assert 5.0 <= peak <= 60.0
    band = (freqs >= 5.0) & (freqs <= 60.0)
    assert power[band].max() > 10 * np.median(power[considered])  # measured: 52 times
    assert synchrony(res, "E") > 1.0
    for pop in ("E", "I"):
        assert 3.0 < res.mean_rate(pop) < 40.0


def test_digits_example_learns_a_feature_per_neuron():
    """Diehl & Cook (2015) on 8x8 digits: its first 20 s (40 digits) already make the weights onto different
    neurons differ and raise the thresholds of the neurons that won. (Accuracy: tests/test_digits_learning.py.)"""
    net = spikestudio.load(example_path("digits"))
    net.duration = 20_000.0
    sim = spikestudio.Simulator(net)
    res = sim.run()
    onsets, labels = res.presented("digits")
    assert onsets.size == 1000 and labels[:10].tolist() == list(range(10))
    _, _, w = sim.connections("learn")
    w = w.reshape(64, 100)
    np.testing.assert_allclose(w.sum(axis=0), 640.0, rtol=1e-6)  # synaptic scaling holds the sums
    t, theta = res.trace("theta:E")
    assert theta[-1].max() > 1.0
    decay = np.exp(-(t[1] - t[0]) / net.populations["E"].params["tau_theta"])
    assert np.all(theta[1:] >= theta[:-1] * decay - 1e-12)  # between spikes a threshold only decays, slowly
    per_digit = res.spike_counts("E").sum() / 40
    assert 3 < per_digit < 50  # a few winners answer each digit (measured: 14 spikes)
