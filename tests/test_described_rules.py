"""Learning rules described by equations: located problems, generated code in the real time loop, a third-party
rule contributed through an entry point (Vogels-Sprekeler inhibitory STDP), and the built-in STDP rules as
descriptions against the hand-written kernels."""

import ast
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spikestudio.engine.equations.rule_codegen import rules_source
from spikestudio.engine.equations.rule_description import RuleError
from spikestudio.engine.equations.rule_text import parse_rule
from spikestudio.engine.errors import BuildError
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.engine.simulation.build import build_problems
from spikestudio.engine.simulation.simulator import Simulator
from spikestudio.plugins.api import described_rule
from spikestudio.plugins.builtin.described_rules import (
    DESCRIBED_PAIR_STDP,
    DESCRIBED_REWARD_STDP,
    DESCRIBED_TRIPLET_STDP,
    DESCRIBED_TSODYKS_MARKRAM,
)
from spikestudio.plugins.builtin.rules import (
    PAIR_STDP,
    REWARD_STDP,
    TRIPLET_STDP,
    TSODYKS_MARKRAM,
    PairSTDP,
    RewardSTDP,
    TripletSTDP,
    TsodyksMarkram,
)
from spikestudio.plugins.registry import GROUPS, default_registry

pytestmark = pytest.mark.timeout(600)

VS_TEXT = (Path(__file__).parent / "data" / "rules" / "vogels_sprekeler.rule").read_text()


# --- the text: every problem located ---------------------------------------------------------------------------

@pytest.mark.parametrize("line, col, said", [
    ("dx/dt = -x/tau + y", 16, "units do not match: 1/ms and 1"),
    ("dz/dt = -z/tau", 2, "'z' is not a variable of the rule"),
    ("dx/dt = -x*x/tau", 13, "must be linear in x"),
    ("dx/dt = -x/tau + y/tau", 16, "may read parameters only, not y"),
    ("on_pre y += 1", 8, "y belongs to the postsynaptic neurons; set it in on_post"),
    ("on_pre q = 2", 8, "assignment to undeclared name 'q'"),
    ("on_pre w = w + tau", 14, "units do not match: 1 and ms"),
    ("on_post tau = 3", 9, "'tau' is a parameter"),
    ("on_pre x = w", 12, "x is set once per presynaptic spike; it cannot read w"),
    ("on_pre w = w + unknown", 16, "unknown name 'unknown'"),
    ("on_pre w = w.real", 13, "attribute access is not allowed"),
    ("on_pre w = __import__('os')", 23, "strings are not allowed"),
    ("pre w = 1", 5, "w is the weight of each synapse"),
    ("whatever x", 1, "a line starts with a keyword"),
    ("on_reward w += 1", 11, "declare one (modulator reward)"),
    ("scale w to x every tau", 12, "made of parameters and numbers, not x"),
    ("scale w to 2 every 3", 20, "this must be in time, not 1"),
    ("scale w by 2", 1, "expected scale w to TOTAL every INTERVAL"),
    ("pre dt = 0", 5, "'dt' is the time step"),
    ("dx/dt = -x*step/tau", 16, "the factor of x in dx/dt must be made of parameters, not step"),
])
def test_a_mistake_is_a_problem_at_its_line_and_column(line, col, said):
    text = "param tau = 20 ms (0, inf)\npre x = 0\npost y = 0\n" + line
    with pytest.raises(RuleError) as info:
        parse_rule(text, "bad")
    [problem] = info.value.problems
    assert (problem.line, problem.col) == (4, col) and said in problem.message, problem
    assert "rule 'bad', line 4" in str(info.value)


def test_synapse_statements_of_one_event_must_follow_each_other():
    text = "pre x = 0\non_pre w += x\non_pre x += 1\non_pre w += 1\n"
    with pytest.raises(RuleError) as info:
        parse_rule(text)
    assert [(p.line, "must follow each other" in p.message) for p in info.value.problems] == [(4, True)]


def test_on_reward_sets_synapse_variables_only():
    text = "pre x = 0\nmodulator r\non_reward x += r\non_reward w = w + r*x\n"
    with pytest.raises(RuleError) as info:
        parse_rule(text)
    assert [(p.line, p.col) for p in info.value.problems] == [(3, 11)]
    assert "it sets synapse variables (w, ...), not x" in info.value.problems[0].message


def test_every_problem_is_found_at_once():
    text = "param tau = 20 ms\npre x = 0\ndx/dt = -x*ms\non_pre q = 1\non_post w = w + tau\n"
    with pytest.raises(RuleError) as info:
        parse_rule(text)
    assert [p.line for p in info.value.problems] == [3, 4, 5]


def test_the_generated_source_reads_only_declared_names_and_prefixes_them():
    desc = parse_rule(VS_TEXT, "vs")
    from spikestudio.engine.equations.rule_codegen import RuleLayout

    source = rules_source([RuleLayout(desc, "vs")], "digest")
    assert "P_eta" in source and "V_x_post" in source and "def custom_rules(s, step)" in source
    assert "eval" not in source and "exec" not in source
    assert "((2.0*P_rho0)*P_tau)" in source  # alpha inlined; rho0 is converted from Hz when the row is built


# --- a third party's rule through an entry point: Vogels-Sprekeler inhibitory STDP -------------------------------

@pytest.fixture
def vs_plugin(example_plugin):
    """The registry, with Vogels-Sprekeler inhibitory STDP installed through the entry point of the example
    third-party package (``tests/example_plugin``: the rule's text is its package data)."""
    return default_registry()


def balanced_network(plastic: bool, seed: int = 3) -> Network:
    """40 LIF neurons driven by Poisson excitation (about 70 Hz alone), with inhibitory Poisson synapses."""
    net = Network(dt=0.1, duration=25_000.0, seed=seed)
    net.add_population("E", 40, "lif")
    net.add_poisson("exc", 400, rate=10.0)
    net.add_poisson("inh", 100, rate=10.0)
    net.connect("exc", "E", "fixed_probability", p=0.5, weight=60.0)
    net.connect("inh", "E", "fixed_probability", p=0.5, weight=10.0, receptor="inhibitory", id="IE",
                plasticity=Plasticity("vogels_sprekeler", {"rho0": 10.0}) if plastic else None)
    return net


def late_rate(sim: Simulator, learn_s: float, measure_s: float) -> float:
    sim.run(learn_s)
    before = sim.built.state.spike_count[:40].copy()
    sim.run(measure_s)
    return float((sim.built.state.spike_count[:40] - before).sum() / 40 / measure_s)


def test_vogels_sprekeler_plugin_drives_the_rate_to_its_target(vs_plugin):
    rules = vs_plugin.learning_rules()
    plugin = rules["vogels_sprekeler"]
    assert "spikestudio-example" in vs_plugin.records[("learning_rules", "vogels_sprekeler")].source
    assert plugin.info.params["rho0"].unit == "Hz" and plugin.info.params["tau"].low_open
    fixed = late_rate(Simulator(balanced_network(False), rules=rules), 20.0, 5.0)
    learning = Simulator(balanced_network(True), rules=rules)
    learned = late_rate(learning, 20.0, 5.0)
    assert fixed > 40.0, fixed  # far above the target without plasticity
    assert abs(learned - 10.0) < 2.0, learned  # within 20 % of rho0 = 10 Hz after learning
    w = learning.built.state.weight[learning.built.synapses["IE"]]
    assert w.mean() > 30.0 and w.max() <= 1000.0  # inhibition grew from 10 pA
    assert learning.built.rules and learning.built.rules[0].rule_id == "vogels_sprekeler"


def test_a_broken_rule_text_is_recorded_with_its_line(tmp_path, monkeypatch):
    info = tmp_path / "bad_rules-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: bad-rules\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{GROUPS['learning_rules']}]\nbad_rule = bad_rules:RULE\n")
    (tmp_path / "bad_rules.py").write_text("from spikestudio.plugins.api import described_rule\n"
                                           "RULE = described_rule('bad_rule', '0.1', 'pre x = 0\\non_pre x += y')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        registry = default_registry()
        assert registry.get("learning_rules", "bad_rule") is None
        error = registry.records[("learning_rules", "bad_rule")].error
        assert "RuleError" in error and "line 2, column 13: unknown name 'y'" in error
    finally:
        sys.modules.pop("bad_rules", None)


def test_parameters_that_leave_no_finite_step_are_a_build_problem():
    rule = described_rule("r", "1", "param tau = 20 ms (0, inf)\npre x = 0\ndx/dt = x/tau\non_pre x += 1\n")
    net = Network(dt=0.1, duration=10.0, seed=1)
    net.add_poisson("P", 3, rate=50.0)
    net.add_population("N", 2, "lif")
    net.connect("P", "N", "all_to_all", id="PN", weight=1.0, plasticity=Plasticity("r", {"tau": 1e-6}))
    [problem] = build_problems(net, {"r": rule})
    assert problem.startswith('projections["PN"].plasticity: the learning rule "r"'), problem
    with pytest.raises(BuildError):
        Simulator(net, rules={"r": rule})


# --- the built-in STDP rules as descriptions give the hand-written kernels' results ------------------------------

class HandPair(PairSTDP):
    """Pair STDP always through the hand-written family (what every parameter set ran before descriptions)."""

    def description_for(self, params):
        return None


class HandTriplet(TripletSTDP):
    def description_for(self, params):
        return None


class HandReward(RewardSTDP):
    def description_for(self, params):
        return None


class HandTsodyksMarkram(TsodyksMarkram):
    def description_for(self, params):
        return None


def test_every_built_in_rule_runs_its_description():
    for plugin, described in ((PAIR_STDP, DESCRIBED_PAIR_STDP), (TRIPLET_STDP, DESCRIBED_TRIPLET_STDP),
                              (REWARD_STDP, DESCRIBED_REWARD_STDP), (TSODYKS_MARKRAM, DESCRIBED_TSODYKS_MARKRAM)):
        assert plugin.description_for({}) is described.description
        assert type(plugin)().description_for({}) is described.description
    sim = Simulator(rewarded_network("rstdp", 1.0), rules={"rstdp": REWARD_STDP})
    assert [r.desc.title for r in sim.built.rules] == ["Reward-modulated STDP (from equations)"]
    assert sim.built.state.pl_family.tolist() == [4]


def test_the_built_in_stdp_rules_run_their_descriptions_also_when_they_scale_weights():
    for plugin, described in ((PAIR_STDP, DESCRIBED_PAIR_STDP), (TRIPLET_STDP, DESCRIBED_TRIPLET_STDP)):
        assert plugin.description_for({"norm_total": 78.0}) is described.description
    sim = Simulator(stdp_network("stdp", {"norm_total": 500.0}), rules={"stdp": PAIR_STDP})
    assert [r.desc.title for r in sim.built.rules] == ["Pair-based STDP (from equations)"]
    assert sim.built.state.pl_family.tolist() == [4]
    sim = Simulator(stdp_network("stdp", {"norm_total": 500.0}), rules={"stdp": HandPair()})
    assert not sim.built.rules and sim.built.state.pl_family.tolist() == [1]


def stdp_network(rule: str, params: dict, seed: int = 5) -> Network:
    net = Network(dt=0.1, duration=2000.0, seed=seed)
    net.add_poisson("P", 30, rate=20.0)
    net.add_population("N", 10, "lif")
    net.connect("P", "N", "all_to_all", id="PN", weight=40.0, plasticity=Plasticity(rule, params))
    net.connect("P", "N", "fixed_probability", p=0.3, id="drive", weight=120.0)
    return net


def run_both(rule_id: str, hand, described, params: dict, seconds: float = 2.0):
    out = []
    for plugin in (hand, described):
        sim = Simulator(stdp_network(rule_id, params), rules={rule_id: plugin}, record_all=True)
        res = sim.run(seconds)
        out.append((sim.built.state.weight[sim.built.synapses["PN"]].copy(), res.spikes("N"),
                    sim.built.state.spike_count.copy(), sim))
    return out


@pytest.mark.parametrize("params", [{}, {"A_plus": 0.05, "A_minus": 0.06, "multiplicative": 1},
                                    {"A_plus": 0.05, "nearest": 1, "tau_minus": 35.0}])
def test_pair_stdp_as_a_description_gives_the_same_weights_and_spikes(params):
    (w_hand, spikes_hand, count_hand, _), (w_desc, spikes_desc, count_desc, sim) = run_both(
        "stdp", HandPair(), DESCRIBED_PAIR_STDP, params)
    assert sim.built.rules, "the described rule ran through generated code"
    assert count_hand[30:].sum() > 100  # the targets fire, so pairings happen
    assert not np.array_equal(w_hand, np.full_like(w_hand, 40.0))  # and the weights moved
    assert np.array_equal(w_hand, w_desc)
    assert all(np.array_equal(a, b) for a, b in zip(spikes_hand, spikes_desc))
    assert np.array_equal(count_hand, count_desc)


@pytest.mark.parametrize("rule, hand, params", [
    ("stdp", HandPair(), {"A_plus": 0.05, "A_minus": 0.04, "norm_total": 500.0, "norm_interval": 25.0}),
    ("stdp", HandPair(), {"A_plus": 0.05, "nearest": 1, "multiplicative": 1, "norm_total": 350.0,
                          "norm_interval": 0.1}),
    ("triplet_stdp", HandTriplet(), {"A2_plus": 0.01, "A3_plus": 0.02, "A2_minus": 0.02, "norm_total": 900.0,
                                     "norm_interval": 33.3}),
])
def test_synaptic_scaling_from_the_description_gives_the_same_weights_and_spikes(rule, hand, params):
    """``scale w to norm_total every norm_interval``: the hand-written STDP family's scaling, bit for bit (an
    interval rounded to whole steps, at least one)."""
    plugin = PAIR_STDP if rule == "stdp" else TRIPLET_STDP
    (w_hand, spikes_hand, count_hand, _), (w_desc, spikes_desc, count_desc, sim) = run_both(rule, hand, plugin,
                                                                                            params, 1.0)
    assert sim.built.rules and sim.built.rules[0].desc.scaling is not None
    sums = w_hand.reshape(30, 10).sum(axis=0)  # all-to-all, 30 sources: the weights onto each target
    assert np.abs(sums - params["norm_total"]).max() < 0.2 * params["norm_total"]  # scaling acted
    assert not np.array_equal(w_hand, np.full_like(w_hand, 40.0))
    assert np.array_equal(w_hand, w_desc) and np.array_equal(count_hand, count_desc)
    assert all(np.array_equal(a, b) for a, b in zip(spikes_hand, spikes_desc))


def test_triplet_stdp_as_a_description_gives_the_same_weights_and_spikes():
    params = {"A2_plus": 0.01, "A3_plus": 0.02, "A2_minus": 0.02, "A3_minus": 0.004}
    (w_hand, _, count_hand, _), (w_desc, _, count_desc, _) = run_both(
        "triplet_stdp", HandTriplet(), DESCRIBED_TRIPLET_STDP, params)
    assert not np.array_equal(w_hand, np.full_like(w_hand, 40.0))
    assert np.array_equal(w_hand, w_desc) and np.array_equal(count_hand, count_desc)


def rewarded_network(rule: str, reward_value: float) -> Network:
    net = Network(dt=0.1, duration=1000.0, seed=2)
    net.add_poisson("P", 20, rate=20.0)
    net.add_population("N", 5, "lif")
    net.add_reward("R", times=[0.0], values=[reward_value])
    net.connect("P", "N", "all_to_all", id="PN", weight=40.0, plasticity=Plasticity(rule, {"reward": "R"}))
    net.connect("P", "N", "fixed_probability", p=0.5, id="drive", weight=150.0)
    return net


@pytest.mark.parametrize("reward_value", [0.0, 1.0, -0.5])
def test_r_stdp_as_a_description_gives_the_hand_written_weights_eligibilities_and_spikes(reward_value):
    """Bit for bit: the eligibility kept as the kernel keeps it (stored / a per-projection scale), the weight moved
    by lr times the reward times the integral of c after the step's pairings, only in a step with reward."""
    out = []
    for plugin in (HandReward(), REWARD_STDP):
        sim = Simulator(rewarded_network("rstdp", reward_value), rules={"rstdp": plugin}, record_all=True)
        res = sim.run(1.0)
        st = sim.built.state
        out.append((st.weight[sim.built.synapses["PN"]].copy(), st.elig.copy(), st.pl_scale.copy(),
                    st.spike_count.copy(), res.spikes("N"), bool(sim.built.rules)))
    hand, desc = out
    assert not hand[5] and desc[5]  # the kernel, then generated code
    assert np.abs(hand[1]).max() > 0.1 and hand[3][20:].sum() > 50  # pairings happened
    moved = np.abs(hand[0] - 40.0).max()
    assert moved == 0.0 if reward_value == 0.0 else moved > 1.0
    for a, b in zip(hand[:4], desc[:4]):
        assert np.array_equal(a, b)
    assert all(np.array_equal(a, b) for a, b in zip(hand[4], desc[4]))


def stp_network(rule: str, params: dict) -> Network:
    net = Network(dt=0.1, duration=1000.0, seed=4)
    net.add_poisson("P", 20, rate=30.0)
    net.add_population("N", 10, "lif")
    net.connect("P", "N", "all_to_all", id="PN", weight=60.0, plasticity=Plasticity(rule, params))
    return net


@pytest.mark.parametrize("params", [{}, {"U": 0.1, "tau_rec": 100.0, "tau_facil": 500.0},
                                    {"U": 0.3, "tau_rec": 50.0, "tau_facil": 20.0}])
def test_tsodyks_markram_as_a_description_carries_the_same_gains(params):
    """The description solves u and x once per spike over the time since the neuron's last spike, as the kernel
    does: the very same gains and spikes."""
    out = []
    for plugin in (HandTsodyksMarkram(), TSODYKS_MARKRAM):
        sim = Simulator(stp_network("tm", params), rules={"tm": plugin}, record_all=True)
        res = sim.run(1.0)
        out.append((sim.built.state.stp_gain.copy(), sim.built.state.spike_count.copy(), res.spikes("N"),
                    bool(sim.built.rules)))
    (g_hand, n_hand, s_hand, r_hand), (g_desc, n_desc, s_desc, r_desc) = out
    assert not r_hand and r_desc
    assert g_hand.shape == g_desc.shape == (20,)
    assert np.ptp(g_hand) > 0.01  # the gains differ between neurons: spikes came at different times
    assert np.array_equal(g_desc, g_hand)
    assert n_hand[20:].sum() > 0 and np.array_equal(n_hand, n_desc)
    assert all(np.array_equal(a, b) for a, b in zip(s_hand, s_desc))


# --- files: a network carries the text of the described rules it uses -----------------------------------------

def test_a_file_carries_its_described_rule_and_runs_without_the_plugin(vs_plugin, example_plugin, tmp_path):
    import spikestudio
    from spikestudio.engine.files import fileformat

    rules = vs_plugin.learning_rules()  # loaded while the plugin is installed
    net = balanced_network(True)
    net.duration = 2000.0
    path = tmp_path / "balanced.json"
    spikestudio.save(net, path)  # the plugin is installed: its text goes into the file
    data = __import__("json").loads(path.read_text())
    assert data["version"] == 2 and data["rules"]["vogels_sprekeler"] == VS_TEXT.split("\n")
    example_plugin.uninstall()
    loaded = fileformat.load(path)
    assert loaded.rules["vogels_sprekeler"] == parse_rule(VS_TEXT, "vogels_sprekeler")
    fileformat.save(loaded, tmp_path / "again.json")
    assert (tmp_path / "again.json").read_text() == path.read_text()  # save -> load -> save is identical
    # without the plugin (rules={} : nothing installed), the carried text runs, as the plugin did
    carried = Simulator(loaded, rules={})
    carried.run(2.0)
    with_plugin = Simulator(balanced_network(True), rules=rules)
    with_plugin.network.duration = 2000.0
    with_plugin.run(2.0)
    ids = carried.built.synapses["IE"]
    assert np.array_equal(carried.built.state.weight[ids], with_plugin.built.state.weight[ids])
    assert not np.array_equal(carried.built.state.weight[ids], np.full(ids.stop - ids.start, 10.0))


def test_a_bad_rule_in_a_file_is_reported_at_its_line(tmp_path):
    import json

    from spikestudio.engine.errors import FileFormatError
    from spikestudio.engine.files import fileformat

    net = balanced_network(True)
    net.add_rule("vogels_sprekeler", VS_TEXT)
    path = tmp_path / "n.json"
    fileformat.save(net, path)
    data = json.loads(path.read_text())
    data["rules"]["vogels_sprekeler"][12] = "on_pre w = w + nope"
    path.write_text(json.dumps(data))
    with pytest.raises(FileFormatError) as info:
        fileformat.load(path)
    assert 'rules["vogels_sprekeler"], line 13, column 16: unknown name \'nope\'' in str(info.value)


# --- hostile text: a located problem, never another exception -------------------------------------------------

_RULE_PIECES = ["pre ", "post ", "synapse ", "param ", "let ", "on_pre ", "on_post ", "modulator ", "x", "w", "gain",
                "tau", " = ", " += ", " -= ", "dx/dt = ", "-x/tau", "20 ms", "(0, inf)", '"d"', "1", "0", "*", "/",
                "(", ")", "clip(", ", ", "\n", "__import__", "'os'", ".", "[", "]", "exp(", "reward", "Hz", "#",
                "every ", ": ", "ms", "scale w to "]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(_RULE_PIECES), max_size=40).map("".join), st.text(max_size=80)))
def test_any_text_is_a_rule_or_located_problems(text):
    try:
        desc = parse_rule(text, "fuzz")
    except RuleError as exc:
        assert exc.problems and all(p.line >= 0 and p.col >= 0 and p.message for p in exc.problems)
        return
    from spikestudio.engine.equations.rule_codegen import RuleLayout

    source = rules_source([RuleLayout(desc, "fuzz")], "digest")  # what parses also generates code
    ast.parse(source)  # valid Python (parsed, never run)


def test_the_brian2_export_emits_described_rules_the_built_in_stdp_included():
    from spikestudio.engine.interop import brian2_export

    net = balanced_network(True)
    rule = described_rule("vogels_sprekeler", "0.1", VS_TEXT)
    text, report = brian2_export(net, rules={"vogels_sprekeler": rule})
    assert not any("vogels_sprekeler" in p for p in map(str, report.problems)), report
    assert "Learning rule 'vogels_sprekeler'" in text and "(event-driven)" in text
    text, builtin = brian2_export(stdp_network("stdp", {}), rules={"stdp": PAIR_STDP})
    assert not any("stdp" in str(p) for p in builtin.problems), builtin
    assert "Learning rule 'stdp' (Pair-based STDP (from equations))" in text


def test_described_and_hand_written_rules_share_one_network():
    """Tables of hand-written families (R-STDP, Tsodyks-Markram) and described rules side by side: the offsets into
    the shared trace arrays hold, so every projection learns as it does in the all-hand-written network; and with
    every rule described, too."""

    def network():
        net = Network(dt=0.1, duration=1000.0, seed=8)
        net.add_poisson("P", 25, rate=20.0)
        for pop in ("A", "B", "C"):
            net.add_population(pop, 6, "lif")
            net.connect("P", pop, "fixed_probability", p=0.5, id=f"drive{pop}", weight=130.0)
        net.add_reward("R", times=[0.0], values=[1.0])
        net.connect("P", "A", "all_to_all", id="pair", weight=40.0,
                    plasticity=Plasticity("stdp", {"A_plus": 0.03, "A_minus": 0.035}))
        net.connect("A", "B", "all_to_all", id="reward", weight=40.0, plasticity=Plasticity("rstdp", {"reward": "R"}))
        net.connect("P", "B", "all_to_all", id="stp", weight=30.0, plasticity=Plasticity("tm", {}))
        net.connect("B", "C", "all_to_all", id="triplet", weight=60.0,
                    plasticity=Plasticity("triplet_stdp", {"A2_plus": 0.01, "A3_plus": 0.02, "A2_minus": 0.02}))
        return net

    common = {"rstdp": HandReward(), "tm": HandTsodyksMarkram()}
    hand = {**common, "stdp": HandPair(), "triplet_stdp": HandTriplet()}
    built_in = {"rstdp": REWARD_STDP, "tm": TSODYKS_MARKRAM, "stdp": PAIR_STDP, "triplet_stdp": TRIPLET_STDP}
    runs = []
    for rules in ({**common, "stdp": PAIR_STDP, "triplet_stdp": TRIPLET_STDP}, hand, built_in):
        sim = Simulator(network(), rules=rules, record_all=True)
        sim.run(1.0)
        runs.append((sim.built.state.weight.copy(), sim.built.state.spike_count.copy(), len(sim.built.rules)))
    (w_mixed, n_mixed, described), (w_hand, n_hand, none), (w_all, n_all, every) = runs
    assert (described, none, every) == (2, 0, 4)
    assert n_hand.sum() > 0 and not np.array_equal(w_hand, Simulator(network(), rules=hand).built.state.weight)
    assert np.array_equal(w_mixed, w_hand) and np.array_equal(n_mixed, n_hand)
    assert np.array_equal(w_all, w_hand) and np.array_equal(n_all, n_hand)



def test_the_editors_save_carries_a_plugins_rule_text_too(vs_plugin, example_plugin, tmp_path, window):
    """Save in the window, like ``spikestudio.save``, writes the text of a plugin's described rule into the file
    (the open network is left as it was)."""
    import json

    from spikestudio.engine.files import fileformat

    net = balanced_network(True)
    w = window()
    w.doc.replace_network(net)
    path = tmp_path / "saved.json"
    assert w.files._write(path)
    assert json.loads(path.read_text())["rules"]["vogels_sprekeler"] == VS_TEXT.split("\n")
    assert w.doc.network.rules == {}
    example_plugin.uninstall()
    assert fileformat.load(path).rules["vogels_sprekeler"] == parse_rule(VS_TEXT, "vogels_sprekeler")
