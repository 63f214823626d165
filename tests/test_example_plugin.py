"""The example third-party plugin (``tests/example_plugin``), installed as pip leaves it: its neuron model
(exponential integrate-and-fire) and learning rule (Vogels-Sprekeler inhibitory STDP) are description files shipped
as package data, found through the registry's entry points; a network using both fires as the model says and
learns as the rule says; its file carries both texts and runs the same once the plugin is uninstalled."""

import json
from pathlib import Path

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.equations.data import to_data
from spikestudio.engine.equations.rule_text import parse_rule
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.plugins.neuron_models import neuron_models
from spikestudio.plugins.registry import default_registry

pytestmark = pytest.mark.timeout(600)

DATA = Path(__file__).parent / "data"
EIF_TEXT = (DATA / "models" / "exponential_if.model").read_text()  # the plugin ships copies of these two texts
VS_TEXT = (DATA / "rules" / "vogels_sprekeler.rule").read_text()
EIF = {"C": 200.0, "g_L": 10.0, "E_L": -65.0, "V_T": -50.0, "Delta_T": 2.0, "V_peak": 0.0, "V_reset": -68.0,
       "t_ref": 2.0, "I_e": 200.0}  # the defaults of the shipped exponential_if.model
VS = {"eta": 0.05, "tau": 20.0, "rho0": 10.0, "w_max": 1000.0}  # rho0 in Hz; the others as the rule declares them
DT, SECONDS, W0 = 0.1, 2.0, 2.0


def eif_isi(current: float, p: dict = EIF) -> float:
    """ms: t_ref plus the climb from V_reset to V_peak under a constant ``current``, the integral of C dv over
    g_L (E_L - v) + g_L Delta_T exp(min((v - V_T)/Delta_T, 20)) + I (trapezoids on a fine grid)."""
    v = np.linspace(p["V_reset"], p["V_peak"], 2_000_001)
    drive = p["g_L"] * (p["E_L"] - v) + p["g_L"] * p["Delta_T"] * np.exp(np.minimum((v - p["V_T"]) / p["Delta_T"],
                                                                                      20.0)) + current
    return p["t_ref"] + float(np.trapezoid(p["C"] / drive, v))


def plastic_network() -> Network:
    """A probe of the plugin's model at its default current; two populations of it, one firing above rho0 and one
    below, each inhibited all-to-all through the plugin's rule by 20 Poisson neurons. Names the model and the rule
    only: the descriptions come from the installed plugin."""
    net = Network(dt=DT, duration=SECONDS * 1000.0, seed=4)
    net.add_population("probe", 1, "exp_if")
    net.add_population("fast", 10, "exp_if", I_e=250.0)
    net.add_population("slow", 10, "exp_if", I_e=140.0)
    net.add_poisson("inh", 20, rate=20.0)
    for post in ("fast", "slow"):
        net.connect("inh", post, "all_to_all", id=f"inh->{post}", weight=W0, receptor="inhibitory",
                    plasticity=Plasticity("vogels_sprekeler", {"eta": VS["eta"]}))
    for node in ("probe", "fast", "slow", "inh"):
        net.record_spikes(node)
    return net


def spike_steps(results, node: str) -> tuple[np.ndarray, np.ndarray]:
    times, ids = results.spikes(node)
    return np.rint(times / DT).astype(np.int64), ids


def replay_vogels_sprekeler(pre_spikes, post_spikes, pre, post, n_steps: int, p: dict = VS) -> np.ndarray:
    """The rule's weights from the recorded spikes, its text step by step in numpy: both traces decay by
    exp(-dt/tau), then each presynaptic spike adds 1 to x_pre and moves its synapses by eta (x_post - 2 rho0 tau),
    then each postsynaptic spike adds 1 to x_post and moves its synapses by eta x_pre, clipped to [0, w_max]."""
    decay, alpha = np.exp(-DT / p["tau"]), 2.0 * p["rho0"] * 1e-3 * p["tau"]
    x_pre, x_post = np.zeros(pre.max() + 1), np.zeros(post.max() + 1)
    w = np.full(pre.shape, W0)
    by_step = [([], []) for _ in range(n_steps)]
    for side, (steps, ids) in enumerate((pre_spikes, post_spikes)):
        for step, i in zip(steps.tolist(), ids.tolist(), strict=True):
            by_step[step][side].append(i)
    for fired_pre, fired_post in by_step:
        x_pre *= decay
        x_post *= decay
        for i in fired_pre:
            x_pre[i] += 1.0
            w[pre == i] = np.clip(w[pre == i] + p["eta"] * (x_post[post[pre == i]] - alpha), 0.0, p["w_max"])
        for j in fired_post:
            x_post[j] += 1.0
            w[post == j] = np.clip(w[post == j] + p["eta"] * x_pre[pre[post == j]], 0.0, p["w_max"])
    return w


def test_the_registry_lists_the_packages_model_rule_and_dataset(example_plugin):
    registry = default_registry()
    for group, plugin_id, attribute in [("neuron_models", "exp_if", "EXP_IF"),
                                        ("learning_rules", "vogels_sprekeler", "VOGELS_SPREKELER")]:
        assert registry.records[(group, plugin_id)].source == \
            f"spikestudio-example (spikestudio_example.descriptions:{attribute})"
    assert "bars" in registry.ids("datasets")
    model = neuron_models(registry)["exp_if"]
    assert (model.name, model.version) == ("Exponential integrate-and-fire (example plugin)", "0.2.0")
    assert model.text == EIF_TEXT  # the package data, read as text
    assert {p.name: p.default for p in model.desc.params} == EIF
    rule = registry.learning_rules()["vogels_sprekeler"]
    assert rule.text == VS_TEXT
    assert rule.info.display_name == "Vogels-Sprekeler inhibitory STDP" and rule.info.params["rho0"].unit == "Hz"
    example_plugin.uninstall()
    registry = default_registry()
    assert "exp_if" not in registry.ids("neuron_models") and "vogels_sprekeler" not in registry.ids("learning_rules")


def test_its_model_fires_and_its_rule_moves_the_weights_as_they_say(example_plugin):
    """The probe's interspike interval is the model's, within one step; the weights are the rule's replayed from
    the spikes, to the last bit; the mean change follows the rule's rate form, 2 eta r_pre tau (r_post - rho0) a
    second: up onto the population firing above rho0, down onto the one below."""
    sim = spikestudio.Simulator(plastic_network())  # the scripting API fills in the model and the rule
    results = sim.run(SECONDS)
    assert sorted(sim.network.models) == ["exp_if"] and sim.built.rules[0].rule_id == "vogels_sprekeler"
    isi = np.diff(results.spikes("probe")[0])
    assert isi.size > 40 and abs(isi.mean() - eif_isi(EIF["I_e"])) < DT, (isi.mean(), eif_isi(EIF["I_e"]))
    n_steps = int(round(SECONDS * 1000.0 / DT))
    pre_rate = results.spikes("inh")[0].size / 20 / SECONDS
    for post, direction in [("fast", 1.0), ("slow", -1.0)]:
        pre, post_ids, w = sim.connections(f"inh->{post}")
        replayed = replay_vogels_sprekeler(spike_steps(results, "inh"), spike_steps(results, post), pre, post_ids,
                                           n_steps)
        assert np.array_equal(w, replayed), np.abs(w - replayed).max()
        post_rate = results.spikes(post)[0].size / 10 / SECONDS
        drift = 2.0 * VS["eta"] * pre_rate * VS["tau"] * 1e-3 * (post_rate - VS["rho0"]) * SECONDS
        assert np.sign(post_rate - VS["rho0"]) == direction
        assert w.mean() - W0 == pytest.approx(drift, rel=0.1), (post, post_rate, w.mean() - W0, drift)


def test_a_saved_network_carries_both_texts_and_runs_the_same_without_the_plugin(example_plugin, tmp_path):
    net = plastic_network()
    sim = spikestudio.Simulator(net)
    results = sim.run(0.5)
    path = tmp_path / "plastic.json"
    spikestudio.save(net, path)
    data = json.loads(path.read_text())
    assert data["rules"]["vogels_sprekeler"] == VS_TEXT.split("\n")
    assert "exp_if" in data["models"]
    example_plugin.uninstall()
    assert "exp_if" not in neuron_models(default_registry())
    again = fileformat.load(path)
    assert to_data(again.models["exp_if"]) == to_data(net.models["exp_if"])
    assert again.rules["vogels_sprekeler"] == parse_rule(VS_TEXT, "vogels_sprekeler")
    carried = spikestudio.Simulator(again)
    carried_results = carried.run(0.5)
    for node in ("probe", "fast", "slow", "inh"):
        assert all(np.array_equal(a, b) for a, b in zip(carried_results.spikes(node), results.spikes(node),
                                                        strict=True))
    for projection in ("inh->fast", "inh->slow"):
        assert np.array_equal(carried.connections(projection)[2], sim.connections(projection)[2])
