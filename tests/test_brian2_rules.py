"""Learning rules described by equations export to Brian2 as Synapses code printed from their trees, and the
exported scripts learn as SpikeStudio does: the same rates and mean weights for inhibitory STDP (Vogels-Sprekeler),
the homeostatic rate reached in both, ``every`` and ``scale`` at the very steps of the kernel, reward-modulated STDP
with the very weights of the engine (the reward node as a network operation). What Brian2 scripts cannot carry (a
reward node whose source is not exported) is named; hostile rule text ends in located problems or in comments."""

import ast
import re

import numpy as np
import pytest
import spikestudio
from hypothesis import given, settings
from hypothesis import strategies as st
from spikestudio import Distribution, Network, Simulator
from spikestudio.engine.equations.rule_description import RuleError
from spikestudio.engine.equations.rule_text import parse_rule
from spikestudio.engine.interop import brian2_export
from spikestudio.engine.interop.brian2_rules import rule_lines, rule_plan
from spikestudio.engine.model.network import Plasticity
from spikestudio.plugins.api import described_rule
from spikestudio.plugins.builtin.described_rules import HOMEOSTATIC_SCALING
from spikestudio.resources.examples.plasticity_classics import VOGELS_SPREKELER_RULE
from test_interop_scripts import NO_BRIAN2, brian2_python, rates, run_script

WEIGHT_LINE = re.compile(r"^WEIGHT (\S+) ([0-9.eE+-]+)$", re.MULTILINE)
HOMEOSTASIS = "homeostatic_scaling"


def weights(stdout: str) -> dict[str, float]:
    return {pid: float(w) for pid, w in WEIGHT_LINE.findall(stdout)}


def run_in_brian2(net, tmp_path, rules=None, args=()) -> tuple[dict, dict]:
    """(rates, mean weights) of ``net`` exported with SpikeStudio's synapses and run in Brian2."""
    python = brian2_python()
    if python is None:
        pytest.skip(NO_BRIAN2)
    text, report = brian2_export(net, wiring="realised", rules=rules)
    assert report.ok, report
    script = tmp_path / "exported.py"
    script.write_text(text)
    import subprocess

    done = subprocess.run([python, str(script), *args], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    return rates(done.stdout), weights(done.stdout)


def vogels(duration=2000.0) -> Network:
    """The gallery's Vogels-Sprekeler network at a tenth of its size: 200 E and 50 I LIF neurons (p = 0.2), the
    I -> E synapses starting at 0 and learning with the rule the network carries."""
    net = Network(dt=0.1, duration=duration, seed=5)
    net.add_rule("vogels_sprekeler", VOGELS_SPREKELER_RULE)
    lif = {"tau_m": 20.0, "C_m": 200.0, "E_L": -60.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 5.0, "I_e": 200.0,
           "initial": {"v": Distribution("uniform", low=-60.0, high=-50.0)}}
    net.add_population("E", 200, "lif", **lif)
    net.add_population("I", 50, "lif", **lif)
    exc = {"synapse": "conductance", "delay": 0.1, "tau": 5.0, "E_rev": 0.0}
    inh = {"synapse": "conductance", "delay": 0.1, "tau": 10.0, "E_rev": -80.0, "receptor": "inhibitory"}
    net.connect("E", "E", "fixed_probability", p=0.2, weight=0.12, **exc)
    net.connect("E", "I", "fixed_probability", p=0.2, weight=0.12, **exc)
    net.connect("I", "I", "fixed_probability", p=0.2, weight=1.2, **inh)
    rule = Plasticity("vogels_sprekeler", {"eta": 0.1, "tau": 20.0, "rho0": 3.0, "w_max": 100.0})
    net.connect("I", "E", "fixed_probability", id="istdp", p=0.2, weight=0.0, plasticity=rule, **inh)
    return net.check()


def test_the_rule_becomes_synapse_equations_with_its_text_as_a_comment():
    text, report = brian2_export(vogels())
    assert report.ok and not report.notes, report
    ast.parse(text)
    assert "# Learning rule 'vogels_sprekeler' (Vogels-Sprekeler inhibitory STDP), emitted from its description:" \
        in text
    assert "#   on_pre w = clip(w + eta*(x_post - alpha), 0, w_max)" in text  # the source, line by line
    # x_pre / x_post are Brian2's names for the neurons' variables: the per-synapse copies are renamed
    assert "dx_pre_/dt = ((-x_pre_)/(20.0*ms)) : 1 (event-driven)" in text
    assert "'plastic': 'x_pre_ += 1\\nw_syn = clip((w_syn + (0.1*(x_post_ - ((2*(0.003*kHz))*(20.0*ms))))), 0, " \
           "100.0)" in text
    assert "on_post='x_post_ += 1\\nw_syn = clip((w_syn + (0.1*x_pre_)), 0, 100.0)" in text


def test_vogels_in_brian2_learns_as_spikestudio(tmp_path):
    """2 s of learning with SpikeStudio's synapses and initial values (no input is drawn at run time). Measured:
    E 9.805 / I 26.35 Hz and a mean I -> E weight of 1.4549 nS in both (identical to six digits)."""
    net = vogels()
    sim = Simulator(net)
    res = sim.run(2.0)
    ours_w = float(np.mean(sim.learned_network().projections["istdp"].weights))
    theirs, w = run_in_brian2(net, tmp_path)
    assert ours_w > 0.5  # inhibition grew from 0
    assert w["istdp"] == pytest.approx(ours_w, rel=0.10)
    for pop in ("E", "I"):
        assert theirs[pop] == pytest.approx(res.mean_rate(pop), rel=0.10), pop


def homeostatic(weight: float, duration: float = 6000.0) -> Network:
    """30 LIF neurons, each driven by 50 Poisson inputs at 10 Hz through homeostatic synapses (rho0 = 10 Hz)."""
    net = Network(dt=0.1, duration=duration, seed=11)
    net.add_poisson("P", 200, rate=10.0)
    net.add_population("E", 30, "lif")
    net.record_spikes("E")
    rule = Plasticity(HOMEOSTASIS, {"rho0": 10.0, "tau_r": 200.0, "eta": 0.05, "interval": 50.0})
    net.connect("P", "E", "fixed_indegree", k=50, id="PE", weight=weight, plasticity=rule)
    return net


@pytest.mark.slow
@pytest.mark.parametrize("weight", [160.0, 60.0])
def test_homeostatic_scaling_brings_the_rate_to_its_target_in_brian2_too(weight, tmp_path):
    """From above (about 40 Hz without the rule) and from below (about 1 Hz): 6 s, Poisson inputs drawn by each
    simulator. Both reach 10 Hz within 10 % over the last 3 s, with mean weights within 10 % of each other.
    Measured (160 pA): 11.37 / 11.36 Hz over the run, 9.62 / 9.76 Hz over the last 3 s, mean weight 111.7 /
    112.9 pA here / in Brian2; about 20 s in Brian2."""
    rules = {HOMEOSTASIS: HOMEOSTATIC_SCALING}
    net = homeostatic(weight)
    sim = Simulator(net, rules=rules)
    res = sim.run(6.0)
    steps = np.asarray(res.spikes("E")[0])
    ours_late = float((steps > 3000.0).sum() / 30 / 3.0)
    ours_w = float(sim.built.state.weight[sim.built.synapses["PE"]].mean())
    theirs, w = run_in_brian2(net, tmp_path, rules, args=("spikes.npz",))
    spikes = np.load(tmp_path / "spikes.npz")
    theirs_late = float((spikes["E.steps"] * 0.1 > 3000.0).sum() / 30 / 3.0)
    assert ours_late == pytest.approx(10.0, rel=0.10) and theirs_late == pytest.approx(10.0, rel=0.10)
    assert (ours_w < weight) == (weight > 100.0) and w["PE"] == pytest.approx(ours_w, rel=0.10)
    assert theirs["E"] == pytest.approx(res.mean_rate("E"), rel=0.10)


PERIODIC = """\
title Periodic test rule
param k = 0.01 [0, 1]
param total = 300 [0, 1e6]
post y = 0
dy/dt = -y/(10*ms)
on_post y += 1
every 3*ms: w = w*(1 + k*y) + k*step*dt/ms
scale w to total every 7*ms
"""


def periodic_network() -> Network:
    """Spike times through a periodic rule onto 3 LIF neurons: nothing is random, so the weights must agree."""
    net = Network(dt=0.1, duration=100.0, seed=3)
    net.add_rule("periodic", PERIODIC)
    times = np.arange(1.0, 95.0, 2.5)
    net.add_spike_times("S", 4, neurons=np.arange(times.size) % 4, times=times)
    net.add_population("N", 3, "lif", I_e=380.0)
    net.connect("S", "N", "all_to_all", id="SN", weight=20.0, delay=0.1, plasticity=Plasticity("periodic", {}))
    return net.check()


def test_every_and_scale_run_at_the_kernel_steps(tmp_path):
    """``every`` and ``scale`` in Brian2 act at the end of each interval's last step, as the kernel does (with
    ``step`` the kernel's), so deterministic drive gives the very same weights (to rounding)."""
    net = periodic_network()
    text, report = brian2_export(net)
    assert "(clock-driven)" in text and 'when="start"' in text and "scale_S_SN" in text
    sim = Simulator(net)
    res = sim.run(0.1)
    ours = float(sim.built.state.weight[sim.built.synapses["SN"]].mean())
    assert 60.0 < ours < 90.0  # 300 over the 4 synapses onto each neuron at the last scaling, then grown a little
    theirs, w = run_in_brian2(net, tmp_path)
    assert w["SN"] == pytest.approx(ours, abs=1e-6)  # printed to six decimals
    assert theirs["N"] == pytest.approx(res.mean_rate("N"), rel=0.02)


class CoefficientsOnly:
    """A built-in STDP rule without its description: what a third party's STDP-family plugin is to the exporter."""

    def __init__(self, plugin):
        self.info, self.engine_part = plugin.info, plugin.engine_part


@pytest.mark.parametrize("rule, params", [
    ("stdp", {}), ("stdp", {"multiplicative": 1, "nearest": 1, "norm_total": 1500.0, "norm_interval": 50.0}),
    ("triplet_stdp", {"A2_plus": 0.005, "norm_total": 1500.0})])
def test_built_in_stdp_from_its_description_learns_as_the_coefficient_path_and_the_engine(rule, params, tmp_path):
    """Spike times into 5 LIF neurons (one-step delays): the script printed from the description, the script from
    the kernel's coefficients and the engine give the very same rate and mean weight. Measured with delays of 1,
    2 and 15 steps too: the two scripts agree to six digits in all; with 15 steps both differ a little from the
    engine (a spike carries the weight it has when it arrives)."""
    from spikestudio.plugins.registry import default_registry

    rng = np.random.default_rng(1)
    times = np.sort(rng.uniform(0, 1900, 1500))
    net = Network(dt=0.1, duration=2000.0, seed=3)
    net.add_spike_times("S", 50, neurons=rng.integers(0, 50, times.size), times=times)
    net.add_population("N", 5, "lif", I_e=300.0)
    net.connect("S", "N", "all_to_all", id="SN", weight=Distribution("uniform", low=20.0, high=80.0), delay=0.1,
                plasticity=Plasticity(rule, params))
    sim = Simulator(net)
    res = sim.run(2.0)
    ours = float(sim.built.state.weight[sim.built.synapses["SN"]].mean())
    plugin = default_registry().learning_rules()[rule]
    described, w_described = run_in_brian2(net, tmp_path, {rule: plugin})
    coefficients, w_coefficients = run_in_brian2(net, tmp_path, {rule: CoefficientsOnly(plugin)})
    assert described == coefficients == {"N": pytest.approx(res.mean_rate("N"), abs=1e-6)}
    assert w_described == w_coefficients == {"SN": pytest.approx(ours, abs=1e-6)}


@pytest.mark.parametrize("synapse", ["current", "delta"])
def test_tsodyks_markram_sends_the_same_gains_in_brian2(synapse, tmp_path):
    """Spike times through facilitating Tsodyks-Markram synapses (``last = step`` read as Brian2's time step, each
    spike sending w*gain) onto 5 LIF neurons, one-step delays: the same rate as the engine, and not the rate of
    the same synapses without the rule."""
    from spikestudio.plugins.registry import default_registry

    def network(plastic: bool) -> Network:
        rng = np.random.default_rng(4)
        times = np.sort(rng.uniform(0, 950, 600))
        net = Network(dt=0.1, duration=1000.0, seed=4)
        net.add_spike_times("S", 20, neurons=rng.integers(0, 20, times.size), times=times)
        net.add_population("N", 5, "lif", I_e=250.0)
        rule = Plasticity("tsodyks_markram", {"U": 0.2, "tau_rec": 200.0, "tau_facil": 500.0}) if plastic else None
        weight = 60.0 if synapse == "current" else 1.5
        net.connect("S", "N", "all_to_all", id="SN", weight=weight, delay=0.1, synapse=synapse, plasticity=rule)
        return net.check()

    ours = Simulator(network(True)).run(1.0).mean_rate("N")
    static = Simulator(network(False)).run(1.0).mean_rate("N")
    theirs, _ = run_in_brian2(network(True), tmp_path, default_registry().learning_rules())
    assert abs(ours - static) > 2.0, (ours, static)
    assert theirs["N"] == pytest.approx(ours, abs=1e-6)


def reward_network(source_kind: str = "spikes") -> Network:
    """Fixed spike times: pairs at 90/100 ms and 400/395 ms through R-STDP (a weak delta synapse) onto one LIF
    neuron kicked to fire; the reward node's schedule (2 from 150 to 250 ms, -1 from 500 ms on) plus pulses of
    0.7 decaying with 50 ms at each spike of "dopamine" (spike times, or the LIF neuron itself)."""
    net = Network(dt=0.1, duration=700.0, seed=1)
    pre, post = [90.0, 400.0], [100.0, 395.0]
    net.add_spike_times("pre", 1, [0] * len(pre), pre)
    net.add_spike_times("kick", 1, [0] * len(post), [t - 0.1 for t in post])
    net.add_population("post", 1, "lif", tau_m=20.0)
    net.add_spike_times("dopamine", 1, [0, 0, 0], [300.0, 320.0, 600.0])
    source = "dopamine" if source_kind == "spikes" else "post"
    net.add_reward("R", [150.0, 250.0, 500.0], [2.0, 0.0, -1.0], source=source, pulse=0.7, tau=50.0)
    net.connect("kick", "post", "one_to_one", weight=40.0, synapse="delta", delay=0.1)
    rule = {"tau_c": 300.0, "lr": 0.05, "w_max": 1e6, "reward": "R"}
    net.connect("pre", "post", "one_to_one", id="syn", weight=5.0, synapse="delta", delay=0.1,
                plasticity=Plasticity("rstdp", rule))
    return net.check()


def test_the_reward_node_becomes_a_network_operation_setting_the_modulator():
    from spikestudio.plugins.registry import default_registry

    text, report = brian2_export(reward_network(), rules=default_registry().learning_rules())
    ast.parse(text)
    assert report.ok, report.lines()  # neither the node nor the on_reward statements are left out
    assert "reward : 1 (shared)" in text and 'def reward_R(t):' in text
    assert "b2.SpikeMonitor(G_dopamine, record=False" in text
    assert "reward_R_steps = np.array([1500, 2500, 5000], dtype=np.int64)" in text
    assert "fire = int(reward != 0)" in text and 'when="synapses", order=2)  # on_reward (rule lines 24)' in text


@pytest.mark.parametrize("source_kind", ["spikes", "population"])
def test_reward_modulated_stdp_in_brian2_learns_as_the_engine(source_kind, tmp_path):
    """Schedule and spike-driven pulses, distal reward, both signs: the weight Brian2 ends with is the engine's
    (printed to six decimals), and it moved (the reward acted, not only the pairings)."""
    from spikestudio.plugins.registry import default_registry

    net = reward_network(source_kind)
    sim = Simulator(net, record_all=True)
    res = sim.run(0.7)
    ours = float(sim.built.state.weight[sim.built.synapses["syn"]].mean())
    assert res.spikes("post")[0].size >= 2
    unrewarded = reward_network(source_kind)
    unrewarded.inputs["R"].values[:] = 0.0
    unrewarded.inputs["R"].pulse = 0.0
    sim0 = Simulator(unrewarded)
    sim0.run(0.7)
    assert abs(ours - float(sim0.built.state.weight[sim0.built.synapses["syn"]].mean())) > 0.05
    theirs, w = run_in_brian2(net, tmp_path, default_registry().learning_rules())
    assert w["syn"] == pytest.approx(ours, abs=2e-6)
    assert theirs["post"] == pytest.approx(res.mean_rate("post"), abs=1e-6)


def test_a_reward_node_no_rule_reads_is_a_note_and_a_folded_source_stays_a_group():
    """A Poisson source counted by a reward node is built as a PoissonGroup (not folded into PoissonInput), so
    its spikes reach the reward; a node no exported rule reads is only noted."""
    from spikestudio.plugins.registry import default_registry

    net = Network(dt=0.1, duration=100.0, seed=1)
    net.add_poisson("drive", 10, 20.0)
    net.add_poisson("dopamine", 10, 5.0)
    net.add_population("E", 10)
    net.add_population("F", 10)
    net.add_reward("R", [0.0], [1.0], source="dopamine")
    net.add_reward("unused", [0.0], [1.0])
    net.connect("dopamine", "F", "one_to_one", weight=50.0)
    net.connect("drive", "E", "fixed_probability", id="syn", p=0.5, weight=50.0,
                plasticity=Plasticity("rstdp", {"reward": "R"}))
    text, report = brian2_export(net, rules=default_registry().learning_rules())
    ast.parse(text)
    assert report.ok, report.lines()
    assert 'inputs["unused"]' in dict(report.notes) and "no exported learning rule reads" in \
        dict(report.notes)['inputs["unused"]']
    assert "G_dopamine = b2.PoissonGroup(10" in text and "b2.SpikeMonitor(G_dopamine, record=False" in text


def test_a_reward_whose_source_is_not_exported_names_it_and_leaves_out_on_reward():
    from spikestudio.plugins.registry import default_registry

    net = Network(dt=0.1, duration=100.0, seed=1)
    net.add_poisson("drive", 10, 20.0)
    net.add_population("E", 10)
    net.add_dataset("Q", 64, "digits", "rate", samples=1)  # dataset inputs are not exported (the encoding is ours)
    net.add_reward("R", [0.0], [1.0], source="Q")
    net.connect("drive", "E", "fixed_probability", id="syn", p=0.5, weight=50.0,
                plasticity=Plasticity("rstdp", {"reward": "R"}))
    text, report = brian2_export(net, rules=default_registry().learning_rules())
    lines = report.lines()
    assert any(line.startswith('inputs["R"]: the signal of reward node \'R\', whose source \'Q\' is not exported')
               for line in lines), lines
    [why] = [line for line in lines if line.startswith('projections["syn"]')]
    assert "on_reward statements (rule lines 24)" in why and "'reward'" in why, why


HOSTILE = """\
title x\"\"\"); import os; os.system("touch MARKER")  # \u2028import os
about \\" + __import__('os').system('touch MARKER') + \"\"\"
param lastspike = 1 [0, 1]
pre i = 0
post lastupdate = 0
synapse N = 0
dN/dt = -N/(5*ms)
on_pre i += lastspike
on_post lastupdate += 1
on_pre N += i*lastupdate
on_pre w = clip(w + N, 0, 10)
"""


def test_hostile_rule_text_stays_in_comments_and_names_brian2_reserves_are_renamed(tmp_path):
    rule = described_rule("hostile", "1", HOSTILE)
    net = Network(dt=0.1, duration=50.0, seed=2)
    net.add_poisson("P", 5, 200.0)
    net.add_population("E", 3, "lif")
    net.connect("P", "E", "all_to_all", id="PE", weight=5.0, plasticity=Plasticity("hostile", {}))
    text, report = brian2_export(net, rules={"hostile": rule})
    assert report.ok, report
    tree = ast.parse(text)
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in node.names}
    units = {"Gohm", "Hz", "kHz", "ms", "mV", "nS", "pA", "pF", "second", "um"}
    assert imported <= {"sys", "os", "numpy", "brian2"} | units  # os: the helper that loads saved arrays
    assert "i_ : 1" in text and "dN_/dt" in text and "i_ += 1" in text and "lastupdate_ += 1" in text
    if brian2_python() is not None:
        marker_before = set(p.name for p in tmp_path.iterdir())
        done = run_script(brian2_python(), text, tmp_path, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        assert set(p.name for p in tmp_path.iterdir()) - marker_before == {"exported.py"}


def test_a_hostile_expression_is_a_located_problem_before_any_export():
    with pytest.raises(RuleError) as err:
        parse_rule("pre x = 0\non_pre x = __import__('os').system('true')\non_pre w = w.real\n", "evil")
    assert [p.line for p in err.value.problems] == [2, 3] and all(p.col > 0 for p in err.value.problems)


_PIECES = ["pre x = 0\n", "post y = 0\n", "synapse c = 0\n", "param tau = 20 ms (0, inf)\n", "dx/dt = -x/tau\n",
           "dy/dt = (1 - y)/tau\n", "dc/dt = -c/tau + x*y/tau\n", "on_pre x += 1\n", "on_post y = y + 1\n",
           "on_pre w = clip(w + c - y, 0, 5)\n", "on_post w = where(x > 0.5, w*1.1, w)\n", "on_pre gain = exp(-x)\n",
           "every 2*ms: w = w + 0.1*(x - y)\n", "every tau: c = 0\n", "scale w to 10 every 5 ms\n",
           "pre last = -1\n", "on_pre last = step\n", "let a = 2*tau\n", "on_post c += a/tau\n"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_any_rule_that_parses_prints_valid_python_and_brian2_statements(pieces):
    try:
        desc = parse_rule("".join(pieces), "fuzz")
    except RuleError:
        return
    plan, why = rule_plan("fuzz", desc, {}, 0.1)
    assert plan is not None, why
    lines, _ = rule_lines("S", "G_A", "G_B", "I_c0_post += w_syn*pA", plan, 1, 0, 0.1)
    after = plan.initial_lines("S") + plan.periodic_lines("S", 0.1) + plan.scaling_lines("S", 0.1, 4)
    ast.parse("\n".join(lines + after))


def test_the_gallery_rules_export_whole():
    """Vogels iSTDP (a carried rule) and Mongillo's Tsodyks-Markram synapses (a built-in described rule) now export:
    nothing is left out."""
    from spikestudio.plugins.registry import default_registry
    from spikestudio.resources.examples import example_path

    for name in ("vogels_istdp", "mongillo_wm"):
        net = spikestudio.load(example_path(name))
        text, report = brian2_export(net, rules=default_registry().learning_rules())
        assert report.ok, (name, report)
        assert "emitted from its description" in text
