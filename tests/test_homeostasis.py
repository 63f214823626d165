"""Periodic statements in the rule language (``every INTERVAL: w = ...``) and the built-in homeostatic synaptic
scaling written with them: located problems, the update against a numpy re-computation, rates driven to the
target from above and from below, a file round trip, the registration and the Brian2 export's report."""

import importlib.metadata
import json
import tomllib
from pathlib import Path

import numpy as np
import pytest
from spikestudio.engine.equations.rule_codegen import RuleLayout, rules_source
from spikestudio.engine.equations.rule_description import RuleError
from spikestudio.engine.equations.rule_text import parse_rule
from spikestudio.engine.equations.tex import rule_tex
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.engine.simulation.simulator import Simulator
from spikestudio.plugins.api import described_rule
from spikestudio.plugins.builtin.described_rules import HOMEOSTASIS_TEXT, HOMEOSTATIC_SCALING
from spikestudio.plugins.registry import BUILTIN_SOURCE, GROUPS, PluginRecord, Registry

pytestmark = pytest.mark.timeout(600)

RULE = "homeostatic_scaling"
ROOT = Path(__file__).resolve().parents[1]


# --- the statement: parsed, checked, located ----------------------------------------------------------------------

@pytest.mark.parametrize("line, col, said", [
    ("every 100*ms w = 1", 1, "expected every INTERVAL: VARIABLE = EXPRESSION"),
    ("every : w = 1", 1, "expected every INTERVAL: VARIABLE = EXPRESSION"),
    ("every tau: 3", 12, "expected every INTERVAL: VARIABLE = EXPRESSION (or += or -=)"),
    ("every 3: w = 1", 7, "every INTERVAL: this must be in time, not 1"),
    ("every x > 1: w = 1", 9, "every INTERVAL: this must be in time, not a condition"),
    ("every tau*x: w = 1", 10, "every INTERVAL: made of parameters and numbers, not x"),
    ("every 10*dt: w = 1", 9, "made of parameters and numbers, not dt"),
    ("every tau: y = 0", 12, "every INTERVAL runs once per synapse: it sets synapse variables (w, ...), not y"),
    ("every tau: q = 1", 12, "assignment to undeclared name 'q' (declare it: synapse q = 0)"),
    ("every tau: tau = 1*ms", 12, "'tau' is a parameter; every INTERVAL can set variables only"),
    ("every tau: w = w + tau", 18, "units do not match: 1 and ms"),
    ("every tau: w = x > 1", 18, "w is in 1, this is in a condition"),
    ("every tau: w = w + nope", 20, "unknown name 'nope'"),
    ("every tau: w = w.real", 17, "attribute access is not allowed"),
    ("every tau: w = (w", 18, "expected ')'"),
    ("synapse every = 0", 9, "'every' is a keyword"),
])
def test_a_misused_every_is_a_problem_at_its_line_and_column(line, col, said):
    text = "param tau = 20 ms (0, inf)\npre x = 0\npost y = 0\n" + line
    with pytest.raises(RuleError) as info:
        parse_rule(text, "bad")
    [problem] = info.value.problems
    assert (problem.line, problem.col) == (4, col) and said in problem.message, problem


def test_every_line_is_checked_and_all_problems_are_found_at_once():
    text = "param tau = 20 ms\npost y = 0\nevery 3: w = 1\nevery tau: y = 0\nevery tau: w = w*2\n" \
           "on_post w = w + ms\n"
    with pytest.raises(RuleError) as info:
        parse_rule(text)
    assert [(p.line, p.col) for p in info.value.problems] == [(3, 7), (4, 12), (6, 15)]


def test_lines_with_the_same_interval_run_together_in_order():
    desc = parse_rule("param T = 10 ms\nsynapse c = 1\nevery T: c = c*2\nevery 5*ms: w = w + 1\n"
                      "every  T : w = w*c\n", "r")
    assert [[(st.var, st.line) for st in b.statements] for b in desc.periodic] == [[("c", 3), ("w", 5)],
                                                                                  [("w", 4)]]
    assert [b.line for b in desc.periodic] == [3, 4]


def test_at_most_four_different_intervals():
    lines = [f"every {k}*ms: w = w + 1" for k in range(1, 6)]
    with pytest.raises(RuleError) as info:
        parse_rule("\n".join(lines + lines[:1]))
    assert [(p.line, p.col, p.message) for p in info.value.problems] == [
        (5, 7, "a rule has at most 4 different intervals")]


def test_the_statement_is_typeset_and_generated_without_allocation():
    desc = HOMEOSTATIC_SCALING.description
    tex = rule_tex(desc)
    assert tex[-1] == (r"\mathrm{every}\ interval:\ w \leftarrow \mathrm{clip}(w\,(1 + \eta\,(\rho_{0} - r)\,"
                       r"interval), w_{min}, w_{max})")
    assert r"\mathrm{at\ a\ post\ spike}:\ r \mathrel{+}= \frac{1}{\tau_{r}}" in tex
    source = rules_source([RuleLayout(desc, RULE)], "digest")
    block = source[source.index("every = np.int64"):source.index("return")]
    assert "if step % every == every - 1:" in block and "for syn in range(lo, hi):" in block
    assert "np.zeros" not in block and "np.empty" not in block and "[:]" not in block


# --- the update, step by step, against numpy ------------------------------------------------------------------------

def tiny_network(params: dict, weight=None, seed: int = 7) -> Network:
    net = Network(dt=0.1, duration=1000.0, seed=seed)
    net.add_poisson("P", 20, rate=40.0)
    net.add_population("N", 4, "lif")
    rng = np.random.default_rng(seed)
    matrix = rng.uniform(60.0, 140.0, (20, 4)) if weight is None else np.full((20, 4), weight)
    net.connect("P", "N", "explicit", id="PN", matrix=matrix, plasticity=Plasticity(RULE, params))
    net.connect("P", "N", "fixed_probability", p=0.5, id="drive", weight=90.0)
    return net


def replayed(res, sim, params: dict, w0: np.ndarray, steps: int, every_chunk: int):
    """The rule's weights and rate estimates recomputed in numpy from the recorded postsynaptic spikes, after each
    chunk of ``every_chunk`` steps: each step r decays exactly, a spike adds 1/tau_r, and at the last step of each
    interval w = clip(w (1 + eta (rho0 - r) interval), w_min, w_max) for every synapse onto the neuron (engine
    units: ms, 1/ms)."""
    spec = {p.name: p.default for p in HOMEOSTATIC_SCALING.description.params} | params
    dt = sim.network.dt
    tau, rho0, eta, interval = spec["tau_r"], spec["rho0"] / 1000.0, spec["eta"], spec["interval"]
    every = max(1, round(interval / dt))
    times, ids = res.spikes("N")
    spiking = np.zeros((steps, 4), bool)
    spiking[np.round(times / dt).astype(int), ids] = True
    decay = np.exp(-dt / tau)
    post = sim.built.state.post[sim.built.synapses["PN"]]
    r, w, out = np.zeros(4), w0.copy(), []
    for k in range(steps):
        r = r * decay
        r[spiking[k]] += 1.0 / tau
        if k % every == every - 1:
            w = np.clip(w * (1.0 + eta * (rho0 - r[post]) * interval), spec["w_min"], spec["w_max"])
        if k % every_chunk == every_chunk - 1:
            out.append((w.copy(), r.copy()))
    return out


@pytest.mark.parametrize("params", [
    {"tau_r": 50.0, "eta": 0.05, "rho0": 45.0, "interval": 10.0},
    {"tau_r": 30.0, "eta": 0.2, "rho0": 45.0, "interval": 2.55, "w_min": 70.0, "w_max": 120.0},
])
def test_the_update_is_the_numpy_recomputation(params):
    """Bit for bit after every 100 ms, with intervals of whole steps and of 25.5 steps (rounded to 26), with and
    without the bounds acting (the initial weights, 60 to 140, lie partly outside [70, 120])."""
    net = tiny_network(params)
    sim = Simulator(net, rules={RULE: HOMEOSTATIC_SCALING}, record_all=True)
    ids = sim.built.synapses["PN"]
    w0 = sim.built.state.weight[ids].copy()
    post0 = sim.built.state.pl_post_off[0]
    got = []
    for _ in range(10):
        res = sim.run(0.1)
        got.append((sim.built.state.weight[ids].copy(), sim.built.state.post_trace[post0:post0 + 4].copy()))
    want = replayed(res, sim, params, w0, 10_000, 1000)
    assert res.spikes("N")[0].size > 100  # the targets fire, so r moves
    assert np.abs(got[-1][0] - w0).max() > 10.0  # and so do the weights, by each neuron's own rate
    post = sim.built.state.post[ids]
    change = [np.median(got[-1][0][post == j] / w0[post == j]) for j in range(4)]
    assert np.ptp(change) > 0.05, change
    for (w_got, r_got), (w_want, r_want) in zip(got, want, strict=True):
        assert np.array_equal(w_got, w_want) and np.array_equal(r_got, r_want)


# --- the rule drives the rate to its target -----------------------------------------------------------------------

def driven(weight: float, plastic: bool = True, seed: int = 11) -> Network:
    """30 LIF neurons, each driven by 50 Poisson inputs at 10 Hz through homeostatic synapses."""
    net = Network(dt=0.1, duration=20_000.0, seed=seed)
    net.add_poisson("P", 200, rate=10.0)
    net.add_population("E", 30, "lif")
    rule = Plasticity(RULE, {"rho0": 10.0, "tau_r": 200.0, "eta": 0.05, "interval": 50.0}) if plastic else None
    net.connect("P", "E", "fixed_indegree", k=50, id="PE", weight=weight, plasticity=rule)
    return net


def rate_after(sim: Simulator, learn_s: float, measure_s: float) -> float:
    sim.run(learn_s)
    before = sim.built.state.spike_count[:30].copy()
    sim.run(measure_s)
    return float((sim.built.state.spike_count[:30] - before).sum() / 30 / measure_s)


@pytest.mark.parametrize("weight, far", [(160.0, lambda rate: rate > 30.0), (60.0, lambda rate: rate < 2.0)])
def test_the_rate_settles_at_its_target_from_above_and_from_below(weight, far):
    rules = {RULE: HOMEOSTATIC_SCALING}
    fixed = rate_after(Simulator(driven(weight, plastic=False), rules={}), 0.0, 5.0)
    assert far(fixed), fixed  # without the rule the rate is far from 10 Hz
    learning = Simulator(driven(weight), rules=rules)
    learned = rate_after(learning, 10.0, 5.0)
    assert abs(learned - 10.0) < 1.0, learned  # within 10 % of rho0
    w = learning.built.state.weight[learning.built.synapses["PE"]]
    assert (w.mean() < weight) if weight > 100.0 else (w.mean() > weight), w.mean()


# --- registered, carried by files, exported ----------------------------------------------------------------------

def test_the_rule_is_a_built_in_plugin_with_ranges_and_descriptions():
    [entry] = [e for e in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"][
        GROUPS["learning_rules"]].items() if e[0] == RULE]
    point = importlib.metadata.EntryPoint(RULE, entry[1], GROUPS["learning_rules"])
    assert point.load() is HOMEOSTATIC_SCALING
    registry = Registry([PluginRecord(RULE, "learning_rules", f"spikestudio ({entry[1]})", loader=point.load)])
    assert registry.records[("learning_rules", RULE)].source.startswith(BUILTIN_SOURCE)
    info = registry.learning_rules()[RULE].info
    assert info.display_name == "Homeostatic synaptic scaling" and info.id == RULE
    assert list(info.params) == ["rho0", "tau_r", "eta", "interval", "w_min", "w_max"]
    assert info.params["rho0"].unit == "Hz" and info.params["tau_r"].low_open
    assert all(spec.description != name for name, spec in info.params.items())


def test_a_file_carries_the_rule_and_runs_it_identically(tmp_path):
    from spikestudio.engine.files import fileformat
    from spikestudio.plugins.rule_texts import with_rule_texts

    registry = Registry([PluginRecord(RULE, "learning_rules", "spikestudio (spikestudio.plugins.builtin.rules)",
                                      loader=lambda: HOMEOSTATIC_SCALING)])
    net = driven(160.0)
    path = tmp_path / "homeostasis.json"
    fileformat.save(with_rule_texts(net, registry), path)
    assert json.loads(path.read_text())["rules"][RULE] == HOMEOSTASIS_TEXT.split("\n")
    loaded = fileformat.load(path)
    assert loaded.rules[RULE] == HOMEOSTATIC_SCALING.description
    fileformat.save(loaded, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text() == path.read_text()  # save -> load -> save is identical
    carried, installed = Simulator(loaded, rules={}), Simulator(driven(160.0), rules={RULE: HOMEOSTATIC_SCALING})
    for sim in (carried, installed):
        sim.run(1.0)
    ids = carried.built.synapses["PE"]
    assert np.array_equal(carried.built.state.weight[ids], installed.built.state.weight[ids])
    assert carried.built.state.weight[ids].mean() < 160.0


def test_the_brian2_export_runs_the_rule_as_synapse_code():
    """The rule travels as Brian2 code (tests/test_brian2_rules.py runs it): a clock-driven rate trace read by a
    run_regularly every 50 ms."""
    from spikestudio.engine.interop import brian2_export

    text, report = brian2_export(driven(100.0), rules={RULE: HOMEOSTATIC_SCALING})
    assert report.ok, report
    assert "dr/dt = ((-r)/(200.0*ms)) : second**-1 (clock-driven)" in text
    assert 'dt=50.0*ms, when="start", order=0)' in text


def test_a_third_party_rule_can_use_every_with_synapse_variables():
    """``every`` sets any synapse variable and reads per-synapse, presynaptic and postsynaptic ones: a weight that
    relaxes towards a consolidated copy c each interval, c following the weight slowly; and an eligibility e (kept
    over the projection's scale, as R-STDP's) cleared at the end of each interval of its own (20 ms)."""
    rule = described_rule("consolidate", "1", "param k = 0.5 [0, 1]\npre x = 0\npost y = 0\nsynapse c = 50\n"
                          "synapse e = 0\nde/dt = -e/(20*ms)\non_pre x += 1\non_pre e += 1\non_post y += 1\n"
                          "every 1*ms: w = w + k*(c - w) + 0*x*y*e\nevery 1*ms: c = c + 0.1*(w - c)\n"
                          "every 20*ms: e = 0\n")
    assert [len(b.statements) for b in rule.description.periodic] == [2, 1]
    assert RuleLayout(rule.description).lazy == "e"
    net = tiny_network({}, weight=100.0)
    net.projections["PN"].plasticity = Plasticity("consolidate", {})
    sim = Simulator(net, rules={"consolidate": rule})
    sim.run(0.09)  # 900 steps: e was last cleared at step 800, the pre spikes since stay in it
    assert np.abs(sim.built.state.elig).max() > 0.0
    sim.run(0.01)  # 1,000 steps: 100 intervals of 1 ms and 5 of 20 ms, the last of each ends now
    w, c = 100.0, 50.0
    for _ in range(100):
        w = w + 0.5 * (c - w)
        c = c + 0.1 * (w - c)
    ids = sim.built.synapses["PN"]
    np.testing.assert_allclose(sim.built.state.weight[ids], w, rtol=1e-12)
    assert not sim.built.state.elig.any()
