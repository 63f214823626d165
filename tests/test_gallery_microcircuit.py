"""The Potjans & Diesmann (2014) microcircuit: the bundled 10 % network fires like the paper's model at that scale
(rates, irregularity, no synchrony), the full scale has the paper's numbers and fits in 8 GB by the estimate
``spikestudio info`` prints before building, and a build reports its progress projection by projection."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest
import spikestudio
from spikestudio import cli
from spikestudio.engine.analysis.population_stats import synchrony
from spikestudio.engine.errors import BuildCancelledError
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation.build import build, draw_synapses, estimate_memory
from spikestudio.engine.simulation.results import cv_isi
from spikestudio.resources.examples import example_path
from spikestudio.resources.examples.microcircuit import (
    BUNDLED_SCALE,
    FULL_SIZES,
    POPULATIONS,
    REFERENCE_RATES,
    dc_compensation,
    microcircuit,
    psc_over_psp,
)

WARMUP_MS, RUN_S = 200.0, 2.2
# NEST 3.10 running the same 10 % network, mean of three seeds (benchmarks/microcircuit.py --scale 0.1 --warmup 0.2
# --duration 2 --seeds 2014 1 2, its PyNEST script; one seed's rate lies up to 13 % from another's, in L2/3E):
# the downscaled model's own rates, below the full model's (REFERENCE_RATES) in every layer.
NEST_AT_10_PERCENT = {"L23E": 0.394, "L23I": 1.998, "L4E": 3.971, "L4I": 4.915, "L5E": 6.471, "L5I": 7.690,
                      "L6E": 0.820, "L6I": 6.956}
# SpikeStudio's seed 2014 (the bundled file) lies within 5 % of that mean (L2/3E -4.6 %); 10 % leaves room for one
# realisation against a mean (the seed-to-seed spread above), no room for a wrong model (before the synapses were
# drawn as NEST draws them, L6E fired 18 % below NEST).
RATE_TOLERANCE = 0.10


# The published signature, by the test that asserts it (read by tests/test_gallery.py).
SIGNATURES = {"microcircuit": "test_bundled_microcircuit_fires_at_the_rates_of_the_model_at_its_scale"}


@pytest.fixture(scope="module", params=["emitted", "fused"])
def bundled_run(request):
    """The bundled network as built (7,717 background neurons: emitted spikes from the loop's stream) and with its
    backgrounds drawn counter-based and fused, as a build of 10,000 background neurons or more does
    (``engine.simulation.fusion``): another realisation of the same background, added as weight x count."""
    net = spikestudio.load(example_path("microcircuit"))
    sim = spikestudio.Simulator(net)
    if request.param == "fused":
        from spikestudio.engine.kernels.rng import counter_key
        from spikestudio.engine.simulation.fusion import fuse

        sim.built.state.par[3] = counter_key(net.seed)
        assert len(fuse(sim.built.state, {sim.built.nodes[p].index for p in sim.built.spike_recorded})) == 8
    res = sim.run(RUN_S)
    return net, res


def _late(res, pop):
    times, ids = res.spikes(pop)
    keep = times >= WARMUP_MS
    return times[keep], ids[keep]


@pytest.mark.slow
def test_bundled_microcircuit_fires_at_the_rates_of_the_model_at_its_scale(bundled_run):
    """Rates within 10 % of NEST's for the same 10 % network, and the paper's pattern: L2/3E and L6E near 1 Hz or
    below, every inhibitory population faster than the excitatory one of its layer, L5 the fastest layer.

    A network with 10 % of the neurons and 10 % of the in-degrees keeps each neuron's mean and variance of input
    (weights / sqrt(0.1) and a DC current, as NEST's example), not its correlations: NEST fires 10 to 60 % below
    the full model's rates at this scale (L2/3E 0.4 against 0.94 Hz), and so does SpikeStudio (measured over these
    2 s: L2/3E 0.38, L2/3I 1.98, L4E 3.93, L4I 4.91, L5E 6.66, L5I 7.65, L6E 0.84, L6I 6.95 Hz). So the published
    rates bound it loosely (0.3 to 1.1 times), and NEST at the same scale closely (``RATE_TOLERANCE``). Before
    the synapses were drawn as NEST draws them (multapses) SpikeStudio fired up to 18 % below NEST here (L6E 0.67
    against 0.83 Hz)."""
    net, res = bundled_run
    rates = {}
    for k, pop in enumerate(POPULATIONS):
        times, _ = _late(res, pop)
        rates[pop] = times.size / net.populations[pop].size / (RUN_S - WARMUP_MS / 1000.0)
        assert rates[pop] == pytest.approx(NEST_AT_10_PERCENT[pop], rel=RATE_TOLERANCE), (pop, rates[pop])
        assert 0.3 * REFERENCE_RATES[k] < rates[pop] < 1.1 * REFERENCE_RATES[k], (pop, rates[pop])
    assert rates["L23E"] < 1.0 and rates["L6E"] < 1.0
    for layer in ("L23", "L4", "L5", "L6"):
        assert rates[layer + "I"] > rates[layer + "E"]
    assert rates["L5E"] == max(rates[p] for p in POPULATIONS if p.endswith("E"))


@pytest.mark.slow
def test_bundled_microcircuit_is_irregular_and_asynchronous(bundled_run):
    """CV of ISI: 0.6 to 1.0 in L4E and L5E (measured 0.69 and 0.70), at least 0.45 in L2/3E and L6E, whose
    sub-hertz neurons fire only a few times in one second (a window that short cuts off the long intervals, so
    their CV reads low: measured 0.56 and 0.61). Golomb's synchrony below 0.15 everywhere (measured 0.03 to 0.11;
    a population firing in bursts is near 1)."""
    net, res = bundled_run
    for pop in POPULATIONS:
        times, ids = _late(res, pop)
        size = net.populations[pop].size
        cv = cv_isi(ids, times, size)
        if pop in ("L4E", "L5E"):
            assert 0.6 <= cv <= 1.0, (pop, cv)
        elif pop.endswith("E"):
            assert cv >= 0.45, (pop, cv)
        chi = synchrony(times - WARMUP_MS, ids, size, RUN_S * 1000.0 - WARMUP_MS, 2.0)
        assert chi < 0.15, (pop, chi)


def test_full_scale_has_the_papers_numbers_and_fits_in_8_gb():
    """77,169 neurons, about 0.3 billion synapses, 87.8 pA for a 0.15 mV PSP; estimated before building."""
    net = microcircuit(1.0)
    assert [net.populations[p].size for p in POPULATIONS] == FULL_SIZES.tolist()
    assert sum(p.size for p in net.populations.values()) == 77_169
    assert 0.15 * psc_over_psp() == pytest.approx(87.81, abs=0.01)
    assert np.all(dc_compensation(1.0) == 0.0) and all(p.params["I_e"] == 0.0 for p in net.populations.values())
    w = {pid: proj.weight.mean for pid, proj in net.projections.items() if not proj.source.startswith("bg_")}
    assert w["L23E->L4E"] == pytest.approx(87.81, abs=0.01)
    assert w["L4E->L23E"] == pytest.approx(2 * 87.81, abs=0.01)  # doubled, as in the paper
    assert w["L23I->L23E"] == pytest.approx(4 * 87.81, abs=0.01)  # g = 4
    assert net.inputs["bg_L4E"].rate == 2100 * 8.0
    n_syn, n_bytes = estimate_memory(net)
    recurrent = sum(proj.rule_params["n"] for proj in net.projections.values() if proj.rule == "fixed_total")
    assert 2.95e8 < recurrent < 3.05e8 and n_syn == recurrent + 77_169
    assert n_bytes < 8 * 2**30


def test_info_gives_the_full_scale_estimate_before_building(tmp_path, capsys):
    path = tmp_path / "full.json"
    fileformat.save(microcircuit(1.0), path)
    assert cli.main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    n_syn, _ = estimate_memory(microcircuit(1.0))
    assert f"expected synapses:   {n_syn:,}" in out and "estimated memory:    7." in out


def test_a_reduced_network_keeps_the_mean_input_with_a_dc_current():
    """NEST's rule: DC = 0.001 tau_syn (1 - sqrt(k)) x (recurrent + external mean input of the full model)."""
    net = microcircuit(0.05)
    assert net.populations["L4E"].size == round(21915 * 0.05)
    assert net.populations["L4E"].params["I_e"] == pytest.approx(dc_compensation(0.05)[2], abs=1e-6)
    assert dc_compensation(0.05)[2] > 0
    assert net.projections["bg_L4E->L4E"].weight.value == pytest.approx(87.81 / 0.05 ** 0.5, abs=0.01)
    assert BUNDLED_SCALE == 0.1 and fileformat.load(example_path("microcircuit")).populations["L23E"].size == 2068


def small_network() -> Network:
    return microcircuit(0.02)


def test_build_reports_progress_per_projection_and_wires_the_same_synapses():
    net = small_network()
    calls = []
    built = build(net, progress=lambda done, total, pid: calls.append((done, total, pid)))
    total = estimate_memory(net)[0]
    assert len(calls) == 2 * len(net.projections) and all(c[1] == total for c in calls)
    assert [c[0] for c in calls] == sorted(c[0] for c in calls) and calls[0][0] == 0 and calls[-1][0] == total
    assert [c[2] for c in calls[::2]] == list(net.projections)
    st = built.state
    for pid, proj in net.projections.items():  # the arrays joined piece by piece hold each projection's draws
        _, post, w, d = draw_synapses(net, proj)
        sl = built.synapses[pid]
        np.testing.assert_array_equal(st.post[sl], post)
        np.testing.assert_array_equal(st.weight[sl], w)
        np.testing.assert_array_equal(st.delay[sl], d)


def test_a_build_is_cancelled_between_projections():
    cancel = threading.Event()
    seen = []

    def progress(done, total, pid):
        seen.append(pid)
        if len(seen) == 3:
            cancel.set()

    with pytest.raises(BuildCancelledError):
        build(small_network(), cancel=cancel, progress=progress)
    assert len(seen) == 3


def test_run_prints_the_build_progress(tmp_path, capsys, monkeypatch):
    """A slow build (here: any) ends with a summary line in a log; a terminal sees the count as it grows."""
    path = tmp_path / "small.json"
    fileformat.save(small_network(), path)
    monkeypatch.setattr(cli._BuildProgress, "SLOW_S", 0.0)
    assert cli.main(["run", str(path), "--duration", "0.01"]) == 0
    err = capsys.readouterr().err
    n_syn = estimate_memory(small_network())[0]
    assert err.startswith(f"built {n_syn:,} synapses in ")
    live = io.StringIO()
    live.isatty = lambda: True
    bar = cli._BuildProgress(live)
    bar.update(0, 10, "A->B")
    bar.update(10, 10, "A->B")
    bar.finish()
    assert "\rbuilding: 10 of 10 synapses (100%), A->B" in live.getvalue()
    assert "\rbuilt 10 synapses in " in live.getvalue() and live.getvalue().endswith("\n")
