"""The plasticity and dynamics classics of the gallery (resources/examples/plasticity_classics.py): each example,
run headless with the engine, shows its paper's signature; its Brian2 export gives the same rates where the
export can express it."""

import subprocess

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.files import fileformat
from spikestudio.engine.interop import brian2_export
from spikestudio.plugins.registry import default_registry
from spikestudio.resources.examples import example_path, first_sentence, make_examples

# Each example's published signature, by the test that asserts it (read by tests/test_gallery.py).
SIGNATURES = {
    "song_stdp": "test_song_stdp_drives_the_weights_to_a_bimodal_distribution",
    "vogels_istdp": "test_vogels_istdp_brings_the_rate_to_rho0_and_inhibition_tracks_excitation",
    "polychronization": "test_polychronization_weights_go_bimodal",
    "mongillo_wm": "test_mongillo_cued_population_reactivates_after_its_cue",
    "synaptic_scaling": "test_synaptic_scaling_brings_the_rate_back_by_scaling_every_weight_by_one_factor",
}

pytestmark = pytest.mark.timeout(600)

CLASSICS = ["song_stdp", "vogels_istdp", "polychronization", "mongillo_wm", "synaptic_scaling"]


def load(name):
    return spikestudio.load(example_path(name))


@pytest.mark.parametrize("name", CLASSICS)
def test_classic_is_what_make_examples_writes_and_cites_its_paper(name):
    net = load(name)
    assert net.validate() == []
    assert fileformat.dumps(make_examples.build(name)) == \
        example_path(name).read_text(encoding="utf-8")
    summary = first_sentence(net.metadata.description)  # the gallery's sentence
    assert summary.endswith(".") and ". " not in summary and 20 <= len(summary) <= 120, summary
    [note] = net.notes.values()
    year = {"song_stdp": "2000", "vogels_istdp": "2011", "polychronization": "2006", "mongillo_wm": "2008",
            "synaptic_scaling": "1998"}[name]
    assert year in note.text and year in net.metadata.description.split(". ")[0] + net.metadata.description


# --- Song, Miller & Abbott (2000): additive STDP makes the input weights bimodal ---------------------------------


def outer_fractions(w, w_max):
    """(fraction of weights in the lowest tenth of [0, w_max], in the highest tenth, in the middle 40 %)."""
    x = w / w_max
    return float((x < 0.1).mean()), float((x >= 0.9).mean()), float(((x >= 0.3) & (x < 0.7)).mean())


def test_song_stdp_drives_the_weights_to_a_bimodal_distribution():
    """The example's own 200 s (published parameters, no time scaling; Brian2's example runs 100 s). Measured
    (seed 2000): uniform start 10 % / 10 % / 40 %; after 200 s 28.5 % of the weights below 0.1 g_max, 21.5 %
    above 0.9 g_max and 17 % in the middle 40 %; the rate falls from 41.8 Hz in the first 10 s to 20.7 Hz."""
    net = load("song_stdp")
    w_max = net.projections["stdp"].plasticity.params["w_max"]
    sim = spikestudio.Simulator(net)
    _, _, w0 = sim.connections("stdp")
    low, high, middle = outer_fractions(w0, w_max)
    assert low < 0.15 and high < 0.15 and middle > 0.3  # starts flat
    first = sim.run(10.0).mean_rate("neuron")
    res = sim.run(190.0)
    _, _, w = sim.connections("stdp")
    low, high, middle = outer_fractions(w, w_max)
    assert low > 0.2 and high > 0.15, (low, high)  # both ends fill up ...
    assert low + high > 0.4 and middle < 0.28, (low, high, middle)  # ... and the middle empties: bimodal
    assert w.min() >= 0.0 and w.max() <= w_max
    spikes = res.spike_counts("neuron").sum()
    late = (spikes - first * 10.0) / 190.0
    assert 25.0 < first < 60.0 and late < 0.8 * first, (first, late)  # the output rate is brought down



# --- Vogels, Sprekeler et al. (2011): inhibitory STDP balances excitation --------------------------------------


def window_counts(sim, seconds):
    """(spikes per neuron, all populations in order, during the next ``seconds`` of the run; its results)."""
    before = sim.built.state.spike_count.copy()
    res = sim.run(seconds)
    return sim.built.state.spike_count - before, res


def drive_per_neuron(sim, proj, rates_hz, n_post):
    """Each target neuron's mean synaptic conductance (nS) from ``proj``: sum of w r tau over its synapses."""
    pre, post, w = sim.connections(proj)
    tau = sim.network.projections[proj].synapse.tau / 1000.0
    return np.bincount(post, weights=w * rates_hz[pre] * tau, minlength=n_post)


def test_vogels_istdp_brings_the_rate_to_rho0_and_inhibition_tracks_excitation():
    """The example's network (scaled to 2500 neurons keeping every in-degree; eta ten times Brian2's). The E rate
    falls from 38 Hz (first 0.3 s, before inhibition has grown) to 4.4 Hz in the last 2 s of 8 s (rho0 = 3 Hz;
    the symmetric rule's fixed point lies a little above rho0 here, since an inhibitory spike delays the next
    excitatory one); the learned inhibitory current (mean conductance times driving force at the mean v) cancels
    81 % of the excitatory and background current, and follows it neuron by neuron (correlation 0.47 across the
    2000 E neurons, against 0 for shuffled neurons), where every inhibitory synapse onto E started at 0."""
    net = load("vogels_istdp")
    assert net.rules and "vogels_sprekeler" in net.rules  # the rule travels in the file
    n_e = net.populations["E"].size
    rho0 = net.projections["istdp"].plasticity.params["rho0"]
    sim = spikestudio.Simulator(net)
    assert sim.connections("istdp")[2].max() == 0.0
    early = window_counts(sim, 0.3)[0][:n_e].mean() / 0.3
    window_counts(sim, 5.7)
    counts, res = window_counts(sim, 2.0)
    rates = counts / 2.0
    late = rates[:n_e].mean()
    assert early > 25.0, early  # measured 38 Hz (164 Hz in the first second without the rule)
    assert 0.5 * rho0 < late < 2.0 * rho0, late  # measured 4.4 Hz
    assert 0.5 < rates[n_e:].mean() < 20.0  # the inhibitory neurons keep firing
    ge = drive_per_neuron(sim, "E->E", rates[:n_e], n_e)
    gi = drive_per_neuron(sim, "istdp", rates[n_e:], n_e)
    t, v = res.trace("v:E")
    v_mean = float(v[t >= 6000.0].mean())  # the driving forces at the mean membrane potential
    exc = ge * (0.0 - v_mean) + net.populations["E"].params["I_e"]  # pA: recurrent excitation and background
    inh = gi * (v_mean + 80.0)
    assert 0.7 < inh.mean() / exc.mean() < 1.1, (inh.mean(), exc.mean())  # measured 0.81: all but the leak
    assert np.corrcoef(ge, gi)[0, 1] > 0.3  # measured 0.47: more excitation, more inhibition, neuron by neuron
    shuffled = np.random.default_rng(0).permutation(gi)
    assert abs(np.corrcoef(ge, shuffled)[0, 1]) < 0.15



# --- Izhikevich (2006): delays and STDP split the excitatory weights ------------------------------------------


def test_polychronization_weights_go_bimodal():
    """The example's own 180 s (no time scaling: each pairing moves a weight by the paper's accumulated change at
    once). Measured (seed 2006), in five bins of [0, 10]: 25 % of the E->E weights below 2 and 36 % above 8, each
    of the three middle bins 12-14 %, from all 6 at the start; E fires at about 2 Hz, I at about 23 Hz."""
    net = load("polychronization")
    sim = spikestudio.Simulator(net)
    res = sim.run(net.duration / 1000.0)
    _, _, w = sim.connections("E->E")
    assert w.size == 800 * 80
    hist = np.histogram(w, bins=5, range=(0.0, 10.0))[0] / w.size
    assert hist[0] > 0.18 and hist[4] > 0.28, hist  # both ends fill up ...
    assert min(hist[0], hist[4]) > max(hist[1:4]), hist  # ... more than any middle bin: bimodal
    assert w.min() >= 0.0 and w.max() <= 10.0
    assert 0.5 < res.mean_rate("E") < 10.0 and 5.0 < res.mean_rate("I") < 60.0



# --- Mongillo, Barak & Tsodyks (2008): working memory held by synaptic facilitation ----------------------------


def reactivations(res, pop, start_ms, stop_ms, threshold_hz=10.0):
    """Population spikes of ``pop`` between the times: runs of 10 ms bins whose rate exceeds the threshold."""
    t, rate = res.rate(f"rate:{pop}")
    high = (rate > threshold_hz) & (t >= start_ms) & (t < stop_ms)
    return int(np.sum(high[1:] & ~high[:-1]) + high[0]), rate[(t >= start_ms) & (t < stop_ms)]


def run_mongillo(seconds, **stp):
    net = load("mongillo_wm")
    for proj in net.projections.values():
        if proj.plasticity is not None:
            proj.plasticity.params.update(stp)
    return spikestudio.Simulator(net).run(seconds)


def test_mongillo_cued_population_reactivates_after_its_cue():
    """The example (neuron counts halved, in-degrees kept), 2.5 s: the cue (1.0-1.35 s) makes S1 fire at about
    22 Hz; in the second after it (1.4-2.4 s) S1 reactivates in 4 population spikes (peaks near 100 Hz in 10 ms
    bins, about every 250 ms) while the uncued S2 stays at 0.5 Hz (never above 2 Hz); S1's mean rate in that
    second, 6.5 Hz, is 12 times S2's (all measured, seed 2008).
    Control: the same network without facilitation (tau_facil = 0, so every spike uses U) does not reactivate:
    the memory is in the facilitated synapses."""
    res = run_mongillo(2.5)
    _, cue = reactivations(res, "S1", 1000.0, 1350.0)
    assert cue.mean() > 15.0  # the cue drives S1 (measured 21.7 Hz)
    events, s1 = reactivations(res, "S1", 1400.0, 2400.0)
    _, s2 = reactivations(res, "S2", 1400.0, 2400.0)
    assert events >= 3, events
    assert s2.max() < 8.0 and s1.mean() > 3.0 * s2.mean(), (s1.mean(), s2.mean())
    _, before = reactivations(res, "S1", 200.0, 1000.0)
    assert before.max() < 8.0  # no bursts before the cue
    control = run_mongillo(2.5, tau_facil=0.0)
    events, s1 = reactivations(control, "S1", 1400.0, 2400.0)
    assert events <= 1, events


# --- Turrigiano et al. (1998): synaptic scaling brings the rate back, every weight by one factor -----------------


def rate_over(sim, seconds, n):
    """Mean rate (Hz) of the first ``n`` neurons over the next ``seconds`` of the run."""
    return float(window_counts(sim, seconds)[0][:n].mean() / seconds)


def scaling_run(eta=None):
    """The example, with the rule's eta replaced when given; (simulator, neurons, cut in s, rho0 in Hz)."""
    net = load("synaptic_scaling")
    rule = net.projections["scaled"].plasticity
    if eta is not None:
        rule.params["eta"] = eta
    return spikestudio.Simulator(net), net.populations["E"].size, net.inputs["tonic"].params["stop"] / 1000.0, \
        rule.params["rho0"]


def test_synaptic_scaling_brings_the_rate_back_by_scaling_every_weight_by_one_factor():
    """The example's own 40 s (scaling within seconds, not the paper's hours). Measured (seed 1998): 10.2 Hz over
    the 5 s before the tonic current stops at 15 s, 1.2 Hz in the second after, 10.4 Hz over the last 10 s
    (rho0 = 10 Hz); the weights grew by a factor 1.35 on average (1.23-1.50 by neuron), and every decile of the
    weights by 1.34-1.36: the distribution keeps its shape, stretched (the paper's Fig. 2 test of multiplicative
    scaling). Control: with eta = 0 the rate stays below 2 Hz after the cut."""
    sim, n, cut, rho0 = scaling_run()
    assert sim.network.rules and "homeostatic_scaling" in sim.network.rules  # the rule travels in the file
    rate_over(sim, cut - 5.0, n)
    set_point = rate_over(sim, 5.0, n)
    _, post, before = sim.connections("scaled")
    before = before.copy()
    dropped = rate_over(sim, 1.0, n)
    rate_over(sim, 14.0, n)
    recovered = rate_over(sim, 10.0, n)
    _, post_after, after = sim.connections("scaled")
    assert np.array_equal(post, post_after)
    assert abs(set_point - rho0) < 0.1 * rho0, set_point  # at the set point before the cut
    assert dropped < 0.3 * rho0, dropped  # the rate drops when the drive is taken away ...
    assert abs(recovered - rho0) < 0.1 * rho0, recovered  # ... and comes back to within 10 % of rho0
    factor = after / before
    by_neuron = [factor[post == j] for j in range(n)]
    assert min(f.min() for f in by_neuron) > 1.1, min(f.min() for f in by_neuron)  # every weight scaled up
    onto0 = np.flatnonzero(post == 0)
    strong, weak = onto0[np.argmax(before[onto0])], onto0[np.argmin(before[onto0])]
    assert before[strong] > 1.5 * before[weak]
    kept = (after[strong] / after[weak]) / (before[strong] / before[weak])
    assert abs(kept - 1.0) < 0.01, kept  # the ratio of two weights onto a neuron is kept
    deciles = np.linspace(0.1, 0.9, 9)
    stretch = np.quantile(after, deciles) / np.quantile(before, deciles)
    assert np.all(np.abs(stretch / factor.mean() - 1.0) < 0.05), stretch  # the distribution, stretched
    control, n, cut, _ = scaling_run(eta=0.0)
    rate_over(control, cut + 5.0, n)
    assert rate_over(control, 10.0, n) < 0.2 * rho0  # without scaling the rate does not come back


# --- Brian2: the exported scripts give the same rates --------------------------------------------------------


def brian2_python():
    """A Python that imports brian2 ($SPIKESTUDIO_BRIAN2_PYTHON or the bench venv's), else skip."""
    import os
    from pathlib import Path

    repo = Path(spikestudio.__file__).resolve().parent
    for python in filter(None, [os.environ.get("SPIKESTUDIO_BRIAN2_PYTHON"), str(repo / ".venv-bench/bin/python")]):
        if Path(python).exists() and subprocess.run([python, "-c", "import brian2"], capture_output=True,
                                                    timeout=120).returncode == 0:
            return python
    pytest.skip("brian2 cannot be imported; set SPIKESTUDIO_BRIAN2_PYTHON")


def brian2_rates(net, tmp_path, wiring="realised", timeout=600) -> dict[str, float]:
    """Export ``net`` (with the learning-rule plugins) and run it in Brian2; its RATE lines."""
    python = brian2_python()
    text, report = brian2_export(net, wiring=wiring, rules=default_registry().learning_rules())
    assert report.ok, report
    script = tmp_path / "exported.py"
    script.write_text(text)
    done = subprocess.run([python, str(script)], capture_output=True, text=True, timeout=timeout, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    return {line.split()[1]: float(line.split()[2]) for line in done.stdout.splitlines() if line.startswith("RATE ")}


@pytest.mark.slow
def test_song_stdp_in_brian2_gives_the_same_rate(tmp_path):
    """20 s with the realised wiring (the same initial weights: the rate depends mostly on them, 38-54 Hz between
    seeds), STDP as Brian2 synapse equations, Poisson inputs drawn by Brian2. Measured: 37.05 Hz here, 37.55 Hz
    in Brian2 2.9 (+1.3 %); about a minute in Brian2."""
    net = load("song_stdp")
    net.duration = 20_000.0
    ours = spikestudio.Simulator(net).run(20.0).mean_rate("neuron")
    theirs = brian2_rates(net, tmp_path)
    assert theirs["neuron"] == pytest.approx(ours, rel=0.10)


def test_vogels_istdp_brian2_export_emits_its_described_rule():
    """The rule the network carries travels as Brian2 synapse code, nothing left out."""
    net = load("vogels_istdp")
    text, report = brian2_export(net, rules=default_registry().learning_rules())
    assert report.ok, report
    assert "Learning rule 'vogels_sprekeler'" in text


@pytest.mark.slow
def test_vogels_istdp_in_brian2_learns_to_the_same_rates(tmp_path):
    """3 s of learning with the realised wiring (no input is drawn at run time), the rule as Brian2 synapse code.
    Measured: E 9.632 / I 8.989 Hz and a mean I -> E weight of 1.7105 nS in both; about 2 minutes in Brian2 (most of
    it reading the 500,000 synapses written into the script)."""
    net = load("vogels_istdp")
    net.duration = 3000.0
    sim = spikestudio.Simulator(net)
    res = sim.run(3.0)
    ours_w = float(np.mean(sim.learned_network().projections["istdp"].weights))
    python = brian2_python()
    text, report = brian2_export(net, wiring="realised", rules=default_registry().learning_rules())
    assert report.ok, report
    (tmp_path / "exported.py").write_text(text)
    done = subprocess.run([python, str(tmp_path / "exported.py")], capture_output=True, text=True, timeout=900,
                          cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    out = [line.split() for line in done.stdout.splitlines()]
    theirs = {words[1]: float(words[2]) for words in out if words[:1] == ["RATE"]}  # TRACE lines have more words
    [w] = [float(words[2]) for words in out if words[:2] == ["WEIGHT", "istdp"]]
    assert ours_w > 1.0 and w == pytest.approx(ours_w, rel=0.10)
    for pop in ("E", "I"):
        assert theirs[pop] == pytest.approx(res.mean_rate(pop), rel=0.10), pop


@pytest.mark.slow
def test_polychronization_in_brian2_gives_the_same_rates(tmp_path):
    """10 s with the realised wiring (SpikeStudio's synapses, delays and initial weights), STDP as Brian2 synapse
    equations (approximated: with per-synapse delays a spike carries the weight it has when it arrives), thalamic
    Poisson input drawn by Brian2. Measured: E 2.35 / I 19.57 Hz here, 2.19 / 18.35 Hz in Brian2 2.9 (-6.7 %,
    -6.2 %)."""
    net = load("polychronization")
    net.duration = 10_000.0
    res = spikestudio.Simulator(net).run(10.0)
    theirs = brian2_rates(net, tmp_path)
    for pop in ("E", "I"):
        assert theirs[pop] == pytest.approx(res.mean_rate(pop), rel=0.10), pop


def test_mongillo_brian2_export_emits_its_short_term_plasticity():
    """Tsodyks-Markram synapses (nine E->E projections) travel as Brian2 synapse code from the rule's description:
    each spike sends w*gain. With wiring by rule the script is 35 kB (Brian2 draws the 10 million synapses)."""
    net = load("mongillo_wm")
    text, report = brian2_export(net, rules=default_registry().learning_rules())
    assert report.ok, report
    assert text.count("emitted from its description") == 9 and "v_post += (w_syn*gain)*mV" in text
    assert len(text) < 100_000


def window_rate(steps_ms, size, start_ms, stop_ms):
    t = np.asarray(steps_ms)
    return np.count_nonzero((t >= start_ms) & (t < stop_ms)) / size / ((stop_ms - start_ms) / 1000.0)


@pytest.mark.slow
def test_mongillo_in_brian2_holds_the_memory_at_the_same_rates(tmp_path):
    """2.5 s of the example, wiring by rule (Brian2's script draws its own 10 million synapses and OU noise; numpy
    target, 1.4 GB and 1.5-2.5 minutes here). The rates the large populations and the cue set agree within 10 %
    (measured: NS 0.552 / 0.566 Hz and I 5.19 / 5.19 Hz before the cue, S1 21.69 / 21.62 Hz and I 9.46 / 9.47 Hz
    during it, I 6.28 / 6.25 Hz in the delay), and Brian2 holds the memory: S1 reactivates after the cue at more
    than 3 times S2's rate. Not compared run against run: the delay rates of S1 (400 neurons, moving in steps of one
    population spike) and S2, and the before-cue rates of S1 and S2, which differ 12-25 % between one run and
    another of either simulator (seeds, or Brian2's own noise on SpikeStudio's synapses); their means over seeds
    are in benchmarks/README.md ("Mongillo in Brian2")."""
    net = load("mongillo_wm")
    net.duration = 2500.0
    sim = spikestudio.Simulator(net)
    res = sim.run(2.5)
    python = brian2_python()
    text, report = brian2_export(net, wiring="rules", rules=default_registry().learning_rules())
    assert report.ok, report
    (tmp_path / "exported.py").write_text(text)
    done = subprocess.run([python, str(tmp_path / "exported.py"), str(tmp_path / "spikes.npz")], capture_output=True,
                          text=True, timeout=900, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    got = np.load(tmp_path / "spikes.npz")
    sizes = {pop: net.populations[pop].size for pop in ("S1", "S2", "NS", "I")}

    def both(pop, start, stop):
        ours = window_rate(res.spikes(pop)[0], sizes[pop], start, stop)
        return ours, window_rate(got[pop + ".steps"] * net.dt, sizes[pop], start, stop)

    for pop, start, stop in (("NS", 200.0, 1000.0), ("I", 200.0, 1000.0), ("S1", 1000.0, 1350.0),
                             ("I", 1000.0, 1350.0), ("I", 1400.0, 2400.0)):
        ours, theirs = both(pop, start, stop)
        assert theirs == pytest.approx(ours, rel=0.10), (pop, start, ours, theirs)
    s1, s2 = both("S1", 1400.0, 2400.0)[1], both("S2", 1400.0, 2400.0)[1]
    assert s1 > 3.0 * s2 and s1 > 3.0, (s1, s2)
    counts, _ = np.histogram(got["S1.steps"] * net.dt, bins=np.arange(1400.0, 2400.1, 10.0))
    high = counts / sizes["S1"] / 0.01 > 10.0
    assert int(np.sum(high[1:] & ~high[:-1]) + high[0]) >= 3  # population spikes of the held item


@pytest.mark.slow
def test_vogels_istdp_learned_network_in_brian2_gives_the_same_rates(tmp_path):
    """The rule itself is left out of the export (above), but the balanced network it learns exports whole: after
    8 s of learning, the learned network (its inhibitory weights as explicit synapses, plasticity off) runs 2 s
    here and, with the realised wiring, in Brian2. Measured: E 4.70 / I 7.00 Hz in both, spike for spike the same
    counts (no input is drawn at run time)."""
    from spikestudio.engine.interop.script_export import export_script

    sim = spikestudio.Simulator(load("vogels_istdp"))
    sim.run(8.0)
    learned = sim.learned_network()
    for proj in learned.projections.values():
        proj.plasticity = None
    learned.rules = {}
    learned.duration = 2000.0
    ours = spikestudio.Simulator(learned).run(2.0)
    report, _ = export_script(learned, tmp_path / "learned.py", "brian2", wiring="realised")
    assert report.ok, report
    done = subprocess.run([brian2_python(), str(tmp_path / "learned.py")], capture_output=True, text=True,
                          timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    theirs = {line.split()[1]: float(line.split()[2]) for line in done.stdout.splitlines() if line.startswith("RATE ")}
    assert ours.mean_rate("E") < 10.0  # the learned, balanced state
    for pop in ("E", "I"):
        assert theirs[pop] == pytest.approx(ours.mean_rate(pop), rel=0.10), pop


@pytest.mark.slow
def test_synaptic_scaling_in_brian2_gives_the_same_rate(tmp_path):
    """The example's 40 s with the realised wiring, the scaling rule as Brian2 code (its weight read on arrival, an
    approximation the export notes). Measured: 9.290 Hz here, 9.255 Hz in Brian2 2.9 (-0.4 %); under a minute in
    Brian2."""
    net = load("synaptic_scaling")
    ours = spikestudio.Simulator(net).run(net.duration / 1000.0).mean_rate("E")
    theirs = brian2_rates(net, tmp_path)
    assert ours > 5.0 and theirs["E"] == pytest.approx(ours, rel=0.10)
