"""Every bundled lesson, run headless as a student would: each step's tasks applied with ``apply_task`` to the
network the step leaves open, and the behaviour the step's text tells the student to look for, measured."""

import math
import re

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.analysis.spike_stats import fi_curve, lif_rate
from spikestudio.engine.files import fileformat
from spikestudio.engine.simulation.results import cv_isi
from spikestudio.engine.teaching.lesson import Highlight, Open, RunTask, Show, Task, bundled_lessons, check_lesson
from spikestudio.engine.teaching.phase_plane import fixed_points
from spikestudio.resources.lessons.make_lessons import LESSON_NETWORKS, LESSON_PICTURES, build, picture
from spikestudio.resources.lessons.walkthrough import walk

FOLDERS = list(LESSON_NETWORKS)


def lesson(folder: str):
    return next(item for item in bundled_lessons() if item.folder.name == folder)


def step_networks(folder: str) -> dict:
    """Step title -> the network open once the step's tasks are done (tasks carry over, as in the app)."""
    return {state.step.title: state.network for state in walk(lesson(folder))}


def run(net):
    return spikestudio.Simulator(net, record_all=True).run(net.duration / 1000.0)


def spike_times(results, node: str, neuron: int | None = None) -> np.ndarray:
    times, ids = results.spikes(node)
    return times if neuron is None else times[ids == neuron]


def trace(results, recorder: str) -> tuple[np.ndarray, np.ndarray]:
    t, values = results.trace(recorder)
    return t, values[:, 0]


def measured_rate(times: np.ndarray) -> float:
    """Hz from the mean inter-spike interval of a regular train."""
    return 1000.0 / float(np.mean(np.diff(times)))


def bursts(times: np.ndarray, gap: float = 20.0) -> list[np.ndarray]:
    """Spike trains split wherever two spikes are more than ``gap`` ms apart."""
    return np.split(times, np.nonzero(np.diff(times) > gap)[0] + 1) if times.size else []


# --- every lesson -------------------------------------------------------------------------------------------
def test_every_bundled_lesson_parses_and_references_only_what_its_networks_have():
    lessons = bundled_lessons()
    assert [item.folder.name for item in lessons] == FOLDERS
    for item in lessons:
        assert check_lesson(item) == [], item.title
        assert 4 <= len(item.steps) - 1 <= 8, f"{item.title}: {len(item.steps) - 1} steps after the introduction"
        assert all(step.text for step in item.steps), item.title


def test_every_student_sees_the_same_run_seeds_are_fixed_in_every_lesson_and_example():
    """Two students opening the same lesson or example get identical spikes (first 100 ms, built afresh)."""
    from spikestudio.resources.examples import example_path, list_examples

    names = [(item, name) for item in bundled_lessons() for name in [item.network] + [
        a.file for step in item.steps for a in step.actions if isinstance(a, Open)]]
    paths = sorted({item.network_path(name) for item, name in names if name and not name.startswith("example:")})
    paths += [example_path(name) for name in list_examples() if name != "digits"]  # digits: needs its plugin data
    spiking = set()
    for path in paths:
        runs = []
        for _ in range(2):
            net = fileformat.load(path)
            results = spikestudio.Simulator(net, record_all=True).run(min(net.duration, 100.0) / 1000.0)
            runs.append({node: results.spikes(node) for node in net.populations})
        if any(t.size for t, _ in runs[0].values()):
            spiking.add(path.stem)
        for node, (t, i) in runs[0].items():
            assert np.array_equal(t, runs[1][node][0]) and np.array_equal(i, runs[1][node][1]), f"{path.name}: {node}"
    assert {"cuba", "brunel", "izhikevich", "balance", "half_centre"} <= spiking  # the noisy ones were compared


def test_every_step_that_asks_for_a_change_then_asks_for_a_run_or_opens_a_tool():
    for item in bundled_lessons():
        for step in item.steps:
            if any(isinstance(a, Task) for a in step.actions):
                assert any(isinstance(a, RunTask) or a == Show("fi_curve") for a in step.actions), step.title


def test_lessons_highlight_nodes_on_the_canvas_not_projections():
    for item in bundled_lessons():
        for state in walk(item):
            nodes = set(state.network.populations) | set(state.network.inputs)
            for action in state.step.actions:
                if isinstance(action, Highlight):
                    assert set(action.ids) <= nodes, (item.title, state.step.title)


@pytest.mark.parametrize("folder", FOLDERS)
def test_lesson_files_are_what_make_lessons_writes(folder, tmp_path):
    shipped = lesson(folder).folder
    for name in LESSON_NETWORKS[folder]:
        fileformat.save(build(folder, name), tmp_path / name)
        assert (tmp_path / name).read_text() == (shipped / name).read_text(), f"{folder}/{name}: run make_lessons.py"
    for name in LESSON_PICTURES.get(folder, {}):
        assert picture(folder, name) == (shipped / name).read_text(), f"{folder}/{name}: run make_lessons.py"


def test_every_picture_a_lesson_shows_is_in_its_folder():
    shown = 0
    for item in bundled_lessons():
        for step in item.steps:
            for name in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", step.text):
                assert item.picture_path(name) is not None, f"{item.title}: {name}"
                shown += 1
    assert shown == sum(len(pictures) for pictures in LESSON_PICTURES.values())


# --- 1. one neuron ------------------------------------------------------------------------------------------
def test_one_neuron_is_silent_below_rheobase_and_fires_at_the_lif_rate_above():
    nets = step_networks("01-one-neuron")
    res = run(nets["The membrane potential"])
    t, v = trace(res, "v:neuron")
    assert spike_times(res, "neuron").size == 0
    # v relaxes to E_L + R I_e = -58 mV with tau_m = 10 ms.
    assert v[-1] == pytest.approx(-58.0, abs=1e-3)
    assert v[np.argmin(np.abs(t - 10.0))] == pytest.approx(-70.0 + 12.0 * (1.0 - math.exp(-1.0)), abs=0.05)
    for title, near in (("Threshold and rheobase", 33.6), ("Reset and a strong drive", 357.0),
                        ("The refractory period caps the rate", 93.0)):
        net = nets[title]
        params = net.populations["neuron"].params
        rate = measured_rate(spike_times(run(net), "neuron"))
        assert rate == pytest.approx(lif_rate([0.0], params)[0], rel=0.015), title
        assert rate == pytest.approx(near, rel=0.01), title
        assert rate < 1000.0 / params["t_ref"]


def test_one_neuron_fi_curve_is_zero_below_rheobase_and_matches_the_analytic_one():
    net = step_networks("01-one-neuron")["The F–I curve"]
    assert net.populations["neuron"].params["I_e"] == 0.0
    currents = [0.0, 300.0, 370.0, 380.0, 400.0, 600.0, 1000.0]
    curve = fi_curve(net, currents, duration=1000.0, population="neuron")
    expected = lif_rate(currents, net.populations["neuron"].params)
    assert curve.rate_hz[:3].tolist() == [0.0, 0.0, 0.0]
    assert np.all(curve.steady_hz[3:] > 0)
    assert curve.steady_hz[3:] == pytest.approx(expected[3:], rel=0.02)


# --- 2. firing patterns -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def zoo():
    nets = step_networks("02-firing-patterns")
    return nets, run(nets["Regular spiking (RS)"])


def test_rs_adapts_and_ib_bursts_once_and_ch_bursts_repeatedly(zoo):
    _, res = zoo
    rs = np.diff(spike_times(res, "RS"))
    assert rs.min() > 10.0 and rs[-1] > 1.5 * rs[0]  # single spikes, intervals lengthening
    assert rs[0] == pytest.approx(20.0, abs=1.5) and rs[-1] == pytest.approx(45.0, abs=1.5)
    ib = bursts(spike_times(res, "IB"))
    assert ib[0].size == 3 and np.all(np.diff(ib[0]) < 5.0)  # one initial burst of three
    assert all(b.size == 1 for b in ib[1:]) and len(ib) > 5  # then single spikes
    ch = bursts(spike_times(res, "CH"))
    assert len(ch) >= 6 and all(b.size >= 4 for b in ch[:-1])  # repeated bursts
    assert all(np.all(np.diff(b) < 6.0) for b in ch)


def test_fs_fires_fast_without_adapting_and_lts_adapts_from_a_high_rate(zoo):
    _, res = zoo
    fs, lts, rs = (np.diff(spike_times(res, k)) for k in ("FS", "LTS", "RS"))
    late = fs[fs.size // 2:]
    assert 1000.0 / late.mean() == pytest.approx(130.0, rel=0.05)
    assert late.max() / late.min() < 1.05  # constant intervals once going
    assert lts[0] < 5.0 and lts[-1] > 3.0 * lts[0]  # > 200 Hz at first, then strong adaptation
    assert 1000.0 / lts[-1] == pytest.approx(75.0, rel=0.1)
    assert fs[-1] / fs[0] < rs[-1] / rs[0] and fs[-1] / fs[0] < lts[-1] / lts[0]


def test_tc_fires_a_rebound_burst_only_after_release_from_hyperpolarisation(zoo):
    _, res = zoo
    tc = spike_times(res, "TC")
    t, v = trace(res, "v:TC")
    assert v[t < 200.0].min() == pytest.approx(-78.0, abs=1.0)
    assert tc.size >= 3 and tc.min() > 200.0
    assert np.sum(tc < 235.0) >= 3 and np.all(np.diff(tc[:3]) < 12.0)  # the burst, within 35 ms of release
    assert np.all(tc < 300.0)  # then silence


def test_rz_rings_as_its_stable_focus_predicts_and_fires_once_the_focus_is_unstable(zoo):
    nets, res = zoo
    params = nets["The resonator (RZ)"].populations["RZ"].params
    assert spike_times(res, "RZ").size == 0
    focus = next(f for f in fixed_points("izhikevich", params, 0.1) if f.kind != "saddle")
    assert focus.kind == "stable focus" and focus.v == pytest.approx(-62.1, abs=0.05)
    rate, omega = focus.eigenvalues[0].real, abs(focus.eigenvalues[0].imag)
    assert (rate, omega) == pytest.approx((-0.034, 0.147), abs=0.0005)
    t, v = trace(res, "v:RZ")
    early = t < 250.0
    dv = np.diff(v[early])
    peaks = np.nonzero((dv[:-1] > 0) & (dv[1:] <= 0))[0] + 1
    assert peaks.size >= 5
    assert np.diff(t[early][peaks]).mean() == pytest.approx(2 * math.pi / omega, rel=0.02)  # about 43 ms
    swings = v[early][peaks] - focus.v
    assert swings[1:4] / swings[:3] == pytest.approx(math.exp(rate * 2 * math.pi / omega), rel=0.1)  # ~0.24
    raised = nets["The phase plane"]
    assert raised.inputs["dc_RZ"].params["amplitude"] == 0.3
    assert [f.kind for f in fixed_points("izhikevich", params, 0.3)] == ["unstable focus", "saddle"]
    hopf = [next(f for f in fixed_points("izhikevich", params, i) if f.kind != "saddle").stable for i in (0.25, 0.27)]
    assert hopf == [True, False]  # "above about 0.26 pA the focus turns unstable"
    fired = spike_times(run(raised), "RZ")
    assert fired.size >= 5 and np.diff(fired)[1:].mean() == pytest.approx(36.0, abs=1.0)


def test_ch_with_the_rs_reset_stops_bursting(zoo):
    nets, _ = zoo
    ch = spike_times(run(nets["What makes a burst?"]), "CH")
    isi = np.diff(ch)
    assert isi[0] < 5.0 and np.all(isi[4:] == pytest.approx(19.0, abs=1.0))  # single spikes after a quick start
    assert len(bursts(ch, gap=10.0)) > 10


# --- 3. the action potential --------------------------------------------------------------------------------
def test_hh_threshold_current_no_spike_below_spike_above():
    nets = step_networks("03-action-potential")
    below = run(nets["Below threshold"])
    assert spike_times(below, "axon").size == 0
    assert trace(below, "v:axon")[1].max() == pytest.approx(-61.0, abs=1.0)
    above = run(nets["The threshold current"])
    assert spike_times(above, "axon").size == 1 and trace(above, "v:axon")[1].max() > 35.0
    for amplitude, spikes in ((690.0, 0), (700.0, 1)):  # "the threshold lies at about 694 pA"
        net = nets["Below threshold"]
        net.inputs["pulse"].params["amplitude"] = amplitude
        assert spike_times(run(net), "axon").size == spikes, amplitude


def test_hh_spikes_are_all_or_none_and_the_gates_open_in_order():
    nets = step_networks("03-action-potential")
    weak, strong = run(nets["The threshold current"]), run(nets["All or none"])
    assert spike_times(strong, "axon")[0] < spike_times(weak, "axon")[0]
    assert trace(strong, "v:axon")[1].max() == pytest.approx(trace(weak, "v:axon")[1].max(), abs=3.0)
    res = run(nets["The gates"])
    t, v = trace(res, "v:axon")
    (_, m), (_, h), (_, n) = (trace(res, f"{g}:axon") for g in "mhn")
    spike = (t > 20.0) & (t < 30.0)
    t_m, t_h, t_n = t[spike][np.argmax(m[spike])], t[spike][np.argmin(h[spike])], t[spike][np.argmax(n[spike])]
    assert m[spike].max() > 0.95 and t_m < t_n < t_h and t_h - t_m > 0.5
    assert h[spike].min() < 0.1 and n[spike].max() == pytest.approx(0.77, abs=0.02)
    assert v[t > 22.0].min() == pytest.approx(-76.0, abs=1.0)  # after-hyperpolarisation, near E_K


def test_hh_fires_repetitively_on_a_long_step_but_not_at_low_rates():
    nets = step_networks("03-action-potential")
    train = spike_times(run(nets["Repetitive firing"]), "axon")
    assert train.size >= 7 and np.diff(train).mean() == pytest.approx(10.0, abs=0.5)
    net = nets["A minimum rate"]
    assert spike_times(run(net), "axon").size == 1  # an onset spike, then quiet
    net.inputs["pulse"].params["amplitude"] = 700.0  # "Try 700 pA"
    faster = spike_times(run(net), "axon")
    assert faster.size >= 4 and measured_rate(faster) == pytest.approx(58.0, rel=0.05)


# --- 4. synapses --------------------------------------------------------------------------------------------
def psp(res, start: float, stop: float) -> tuple[float, float]:
    """(largest deviation from rest in mV, its time) within [start, stop)."""
    t, v = trace(res, "v:cell")
    window = (t >= start) & (t < stop)
    k = np.argmax(np.abs(v[window] + 70.0))
    return float(v[window][k] + 70.0), float(t[window][k])


def test_epsp_is_positive_ipsp_negative_and_two_close_epsps_sum():
    nets = step_networks("04-synapses")
    res = run(nets["The EPSP"])
    t, v = trace(res, "v:cell")
    assert np.all(v[t <= 51.0] == -70.0)  # nothing before the 1 ms delay
    epsp, t_epsp = psp(res, 50.0, 100.0)
    ipsp, _ = psp(res, 150.0, 200.0)
    pair, _ = psp(res, 250.0, 300.0)
    assert epsp == pytest.approx(2.0, abs=0.2) and t_epsp - 50.0 == pytest.approx(8.0, abs=0.5)
    assert ipsp == pytest.approx(-2.9, abs=0.2) and -ipsp > epsp
    assert epsp < pair < 2.0 * epsp and pair == pytest.approx(3.8, abs=0.2)
    assert spike_times(res, "cell").size == 0


def test_two_strong_epsps_together_reach_threshold_and_a_delay_shifts_everything():
    nets = step_networks("04-synapses")
    res = run(nets["Summation"])
    assert psp(res, 50.0, 100.0)[0] == pytest.approx(10.0, abs=0.5)
    fired = spike_times(res, "cell")
    assert fired.size == 1 and fired[0] == pytest.approx(257.0, abs=1.0)
    delayed = run(nets["Delays"])
    assert spike_times(delayed, "cell")[0] - fired[0] == pytest.approx(4.0, abs=1e-6)
    assert psp(delayed, 50.0, 100.0)[1] - psp(res, 50.0, 100.0)[1] == pytest.approx(4.0, abs=1e-6)


# --- 5. balance ---------------------------------------------------------------------------------------------
def brunel_state(net) -> dict:
    """Over 100-300 ms: the rate (Hz) and mean CV of ISIs of E; the Fano factor of its spike count in 1 ms bins
    (1 for independent Poisson neurons, large when they fire together); and its rhythm, the largest
    autocorrelation of the population activity (0.1 ms bins) after it first drops below zero."""
    res = run(net)
    times, ids = res.spikes("E")
    keep = times >= 100.0
    counts = np.bincount((times[keep] - 100.0).astype(np.int64), minlength=200)[:200]
    fine = np.bincount(np.round((times[keep] - 100.0) / 0.1).astype(np.int64), minlength=2000)[:2000].astype(np.float64)
    fine -= fine.mean()
    auto = np.correlate(fine, fine, "full")[fine.size - 1:] / (fine @ fine)
    return {"rate": keep.sum() / net.populations["E"].size / 0.2, "cv": cv_isi(ids[keep], times[keep], 2000),
            "fano": counts.var() / counts.mean(), "rhythm": auto[np.argmax(auto < 0):200].max(),
            "period": (np.argmax(auto < 0) + np.argmax(auto[np.argmax(auto < 0):200])) * 0.1}


def test_brunel_ai_and_sr_states_differ_in_rate_regularity_and_synchrony():
    nets = step_networks("05-balance")
    ai = brunel_state(nets["Asynchronous irregular"])
    sr = brunel_state(nets["Weaken inhibition: synchronous regular"])
    more = brunel_state(nets["Back to balance, with more input"])
    assert ai["rate"] == pytest.approx(50.0, rel=0.15) and 0.55 < ai["cv"] < 0.9
    assert sr["rate"] == pytest.approx(300.0, rel=0.1) and sr["cv"] < 0.2
    assert sr["fano"] > 3.0 * ai["fano"]
    assert ai["rhythm"] < 0.3 and sr["rhythm"] > 0.7 and sr["period"] == pytest.approx(1.5, abs=0.15)
    assert more["rate"] == pytest.approx(110.0, rel=0.15) and 0.55 < more["cv"] < 0.9
    assert more["fano"] < sr["fano"] / 2.0 and more["rhythm"] < 0.3


def test_brunel_fast_synchronous_irregular_state_the_lesson_suggests_exploring():
    net = step_networks("05-balance")["Explore"]  # g = 6, eta = 4, as the step says
    for proj in ("inh_E", "inh_I"):
        net.projections[proj].weight.value = 2.4
    for source in ("ext_E", "ext_I"):
        net.inputs[source].rate = 10000.0
    si = brunel_state(net)
    assert si["cv"] == pytest.approx(0.9, abs=0.1) and si["rate"] == pytest.approx(75.0, rel=0.1)
    assert si["rhythm"] > 0.25 and 1000.0 / si["period"] == pytest.approx(160.0, rel=0.15)


# --- 6. chains and rhythms ----------------------------------------------------------------------------------
def volley_times(res) -> list:
    out = []
    for g in range(1, 7):
        times, ids = res.spikes(f"g{g}")
        assert times.size in (0, 20) and (times.size == 0 or np.unique(ids).size == 20)
        out.append(float(times.min()) if times.size else None)
    return out


def test_synfire_volley_travels_one_delay_per_group_and_dies_when_a_link_is_too_weak():
    nets = step_networks("06-chains-and-rhythms")
    first = volley_times(run(nets["The volley"]))
    assert first == pytest.approx([20.1 + 2.0 * k for k in range(6)], abs=1e-6)
    slower = volley_times(run(nets["Delays set the pace"]))
    assert slower == pytest.approx(first[:3] + [t + 3.0 for t in first[3:]], abs=1e-6)
    assert volley_times(run(nets["Too weak to pass on"])) == pytest.approx(first[:3] + [None] * 3)


def turns(res, side: str) -> np.ndarray:
    """Start times of one side's turns: its neuron 0's spikes after a silence of more than 60 ms."""
    times = spike_times(res, side, 0)
    return times[np.r_[True, np.diff(times) > 60.0]]


def test_half_centre_alternates_with_a_period_set_by_adaptation_and_needs_inhibition():
    nets = step_networks("06-chains-and-rhythms")
    res = run(nets["The half-centre oscillator"])
    left, right = turns(res, "left"), turns(res, "right")
    merged = sorted([(t, "L") for t in left] + [(t, "R") for t in right])
    assert [s for _, s in merged] == ["L", "R"] * (len(merged) // 2) + ["L"] * (len(merged) % 2)
    period = np.diff(left[1:]).mean()  # the first turn starts from rest
    assert period == pytest.approx(380.0, rel=0.05) and len(merged) >= 8
    fast = run(nets["Adaptation sets the rhythm"])
    assert np.diff(turns(fast, "left")[1:]).mean() == pytest.approx(220.0, rel=0.05)
    free = run(nets["No inhibition, no rhythm"])
    for side in ("left", "right"):  # both fire all the time, at the steady rate adaptation allows
        times = spike_times(free, side, 0)
        assert np.histogram(times, bins=10, range=(0.0, 2000.0))[0].min() > 0
        assert np.diff(times[times > 1000.0]) == pytest.approx(95.0, abs=1.0)


# --- 7. learning --------------------------------------------------------------------------------------------
def stdp_run(net) -> tuple[float, float]:
    """(learned weight of syn, the weight the pair STDP rule predicts from the spike times that occurred)."""
    sim = spikestudio.Simulator(net, record_all=True)
    res = sim.run(net.duration / 1000.0)
    p = net.projections["syn"].plasticity.params
    pre, post = spike_times(res, "pre"), spike_times(res, "post")
    lag = post[None, :] - pre[:, None]  # every pair counts (all-to-all)
    change = np.where(lag >= 0, p["A_plus"] * np.exp(-lag / p["tau_plus"]),
                      -p["A_minus"] * np.exp(lag / p["tau_minus"])) * p["w_max"]
    return float(sim.connections("syn")[2][0]), net.projections["syn"].weight.value + float(change.sum())


def test_stdp_pre_before_post_potentiates_post_before_pre_depresses():
    nets = step_networks("07-learning")
    up, up_expected = stdp_run(nets["Pre before post"])
    down, down_expected = stdp_run(nets["Post before pre"])
    wide, wide_expected = stdp_run(nets["The window"])
    assert up == pytest.approx(up_expected, rel=1e-9) and up == pytest.approx(0.62, abs=0.005)
    assert down == pytest.approx(down_expected, rel=1e-9) and down == pytest.approx(0.33, abs=0.005)
    assert wide == pytest.approx(wide_expected, rel=1e-9) and 0.5 < wide < up
    assert wide == pytest.approx(0.52, abs=0.005)


def test_learning_lesson_ends_on_the_digits_example():
    net = step_networks("07-learning")["A network that learns digits"]
    assert net.projections["learn"].plasticity.rule == "stdp" and net.populations["E"].size == 100
