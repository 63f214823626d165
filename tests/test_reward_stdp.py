"""Reward-modulated STDP and reward nodes against their defining equations (Izhikevich 2007):
dc/dt = -c / tau_c + STDP pairings, dw/dt = lr r(t) c(t); plus files, validation and the plain loop."""

import math

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.errors import BuildError
from spikestudio.engine.files import fileformat
from spikestudio.engine.kernels.plasticity_kernels import RSTDP as KERNEL_RSTDP
from spikestudio.engine.model.network import Network, Plasticity, RewardInput
from spikestudio.engine.model.params import ValidationError
from spikestudio.engine.simulation.plasticity import RSTDP

A_PLUS, A_MINUS, TAU_PLUS, TAU_MINUS, TAU_C, LR = 1.0, 1.5, 20.0, 20.0, 1000.0, 0.002
W0 = 0.5
RULE = {"tau_plus": TAU_PLUS, "tau_minus": TAU_MINUS, "A_plus": A_PLUS, "A_minus": A_MINUS, "tau_c": TAU_C,
        "lr": LR, "w_max": 1e6, "reward": "R"}


def reward_net(pre_times, post_times, times=(), values=(), duration=300.0, **reward_kw) -> Network:
    """One spike source onto one LIF neuron that a strong kick makes fire at ``post_times``; the plastic
    synapse is a weak delta synapse (0.5 mV) modulated by reward node "R"."""
    net = Network(dt=0.1, duration=duration, seed=1)
    net.add_spike_times("pre", 1, [0] * len(pre_times), pre_times)
    net.add_spike_times("kick", 1, [0] * len(post_times), [t - 0.1 for t in post_times])
    net.add_population("post", 1, "lif", tau_m=20.0)
    net.add_reward("R", times, values, **reward_kw)
    net.connect("kick", "post", "one_to_one", weight=40.0, synapse="delta", delay=0.1)
    net.connect("pre", "post", "one_to_one", id="syn", weight=W0, synapse="delta", delay=0.1,
                plasticity=Plasticity("rstdp", dict(RULE)))
    return net


def run(net: Network, duration: float):
    sim = spikestudio.Simulator(net, record_all=True)
    res = sim.run(duration / 1000.0)
    return sim.connections("syn")[2][0], res.spikes("pre")[0], res.spikes("post")[0], sim


def eligibility_after_one_pair(pre: float, post: float) -> float:
    lag = post - pre
    return A_PLUS * math.exp(-lag / TAU_PLUS) if lag >= 0 else -A_MINUS * math.exp(lag / TAU_MINUS)


def test_reward_zero_leaves_the_weights_alone_but_the_eligibility_remembers_the_pair():
    w, pre, post, sim = run(reward_net([60.0], [70.0], times=[0.0], values=[0.0]), 300.0)
    assert pre.tolist() == [60.0] and post.size == 1
    assert w == W0
    c = sim.built.state.elig[sim.built.synapses["syn"]][0] * sim.built.state.pl_scale[0]  # stored / scale
    expected = A_PLUS * math.exp(-(post[0] - pre[0]) / TAU_PLUS) * math.exp(-(300.0 - post[0] - 0.1) / TAU_C)
    assert c == pytest.approx(expected, rel=1e-9)
    w_none, _, _, _ = run(reward_net([60.0], [70.0]), 300.0)  # an empty schedule is no reward either
    assert w_none == W0


@pytest.mark.parametrize("lag", [-15.0, -4.0, 0.0, 4.0, 15.0])
@pytest.mark.parametrize("r", [0.5, -0.5])
def test_constant_reward_gives_the_integral_of_r_times_the_eligibility(lag, r):
    duration = 400.0
    w, pre, post, _ = run(reward_net([100.0], [100.0 + lag], times=[0.0], values=[r]), duration)
    t_pair = max(pre[0], post[0])  # the eligibility starts at the second spike of the pair
    c0 = eligibility_after_one_pair(pre[0], post[0])
    integral = r * c0 * TAU_C * (1.0 - math.exp(-(duration - t_pair) / TAU_C))  # of r c(t) from t_pair on
    assert w - W0 == pytest.approx(LR * integral, rel=1e-9)


def test_the_sign_of_the_reward_flips_the_sign_of_the_change():
    ups = [run(reward_net([50.0], [55.0], times=[0.0], values=[r]), 200.0)[0] - W0 for r in (0.8, -0.8)]
    assert ups[0] > 0 and ups[1] == pytest.approx(-ups[0], rel=1e-12)
    downs = [run(reward_net([55.0], [50.0], times=[0.0], values=[r]), 200.0)[0] - W0 for r in (0.8, -0.8)]
    assert downs[0] < 0 and downs[1] == pytest.approx(-downs[0], rel=1e-12)


def test_a_reward_after_a_delay_acts_through_the_decaying_eligibility():
    """Distal reward: a 50 ms reward 1 s after the pair changes w by lr r c0 tau_c (e^-(a/tau_c) - e^-(b/tau_c))."""
    start, stop, r = 1100.0, 1150.0, 2.0
    w, pre, post, _ = run(reward_net([90.0], [100.0], times=[start, stop], values=[r, 0.0]), 1500.0)
    c0 = eligibility_after_one_pair(pre[0], post[0])
    expected = LR * r * c0 * TAU_C * (math.exp(-(start - post[0]) / TAU_C) - math.exp(-(stop - post[0]) / TAU_C))
    assert w - W0 == pytest.approx(expected, rel=1e-9)
    early, _, _, _ = run(reward_net([90.0], [100.0], times=[100.0, 150.0], values=[r, 0.0]), 1500.0)
    assert (w - W0) / (early - W0) == pytest.approx(math.exp(-1000.0 / TAU_C), rel=1e-9)  # the trace's decay


def test_the_eligibility_stays_exact_when_its_stored_scale_is_folded_back():
    """With tau_c = 2 ms the per-projection scale would underflow after ~690 ms; pairs before and after that
    still change w by their own integrals."""
    tau_c, r, duration = 2.0, 1.5, 1000.0
    net = reward_net([100.0, 900.0], [105.0, 905.0], times=[0.0], values=[r], duration=duration)
    net.projections["syn"].plasticity.params["tau_c"] = tau_c
    w, pre, post, sim = run(net, duration)
    assert sim.built.state.pl_scale[0] > 1e-150 and post.tolist() == [105.0, 905.0]
    expected = sum(LR * r * eligibility_after_one_pair(a, b) * tau_c * (1.0 - math.exp(-(duration - b) / tau_c))
                   for a, b in zip(pre, post, strict=True))
    assert w - W0 == pytest.approx(expected, rel=1e-9)


def test_spikes_of_the_source_drive_the_reward_as_decaying_pulses():
    """Each spike of "dopamine" adds pulse to a level decaying with tau; w follows the sum over steps of
    lr * level * c * (the integral of c's decay over a step)."""
    pulse, tau, dt = 0.7, 50.0, 0.1
    net = reward_net([90.0], [100.0], source="dopamine", pulse=pulse, tau=tau)
    net.add_spike_times("dopamine", 1, [0, 0], [300.0, 320.0])
    w, pre, post, sim = run(net, 600.0)
    c0 = eligibility_after_one_pair(pre[0], post[0])
    steps = np.arange(6000)
    level = sum(pulse * np.exp(-(steps - s) * dt / tau) * (steps >= s) for s in (3000, 3200))
    n_post = round(post[0] / dt)
    c = c0 * np.exp(-(steps - n_post) * dt / TAU_C) * (steps >= n_post)
    expected = LR * TAU_C * -math.expm1(-dt / TAU_C) * np.sum(level * c)
    assert w - W0 == pytest.approx(expected, rel=1e-9)
    assert sim.built.state.rw_level[0] == pytest.approx(level[-1], rel=1e-9)


def test_weights_stay_between_zero_and_w_max():
    many = [10.0 + 4.0 * k for k in range(40)]
    net = reward_net(many, [t + 1.0 for t in many], times=[0.0], values=[50.0])
    net.projections["syn"].plasticity.params.update(w_max=0.9, A_minus=0.0)  # every pair potentiates
    assert run(net, 200.0)[0] == 0.9
    net.add_reward("P", [0.0], [-50.0])
    net.projections["syn"].plasticity.params["reward"] = "P"
    assert run(net, 200.0)[0] == 0.0


def test_reset_restores_the_eligibility_and_the_reward_schedule():
    net = reward_net([90.0], [100.0], times=[0.0, 150.0], values=[1.0, -1.0], source="pre", pulse=0.5)
    sim = spikestudio.Simulator(net)
    sim.run(0.3)
    first = sim.connections("syn")[2].copy()
    sim.reset()
    sim.run(0.3)
    assert np.array_equal(sim.connections("syn")[2], first) and first[0] != W0


def test_a_network_with_a_reward_node_and_rstdp_survives_a_file_round_trip(tmp_path):
    net = reward_net([90.0], [100.0], times=[0.0, 150.0, 200.0], values=[1.0, -0.5, 0.0], source="kick",
                     pulse=0.25, tau=80.0)
    for name in ("net.snn", "net.json"):
        fileformat.save(net, tmp_path / name)
        again = spikestudio.load(tmp_path / name)
        r = again.inputs["R"]
        assert isinstance(r, RewardInput) and (r.source, r.pulse, r.tau) == ("kick", 0.25, 80.0)
        assert r.times.tolist() == [0.0, 150.0, 200.0] and r.values.tolist() == [1.0, -0.5, 0.0]
        assert again.projections["syn"].plasticity.params == net.projections["syn"].plasticity.params
        fileformat.save(again, tmp_path / ("again_" + name))
        assert (tmp_path / name).read_bytes() == (tmp_path / ("again_" + name)).read_bytes()
        assert run(again, 300.0)[0] == run(net, 300.0)[0] != W0


def test_a_file_with_a_bad_reward_node_names_every_problem(tmp_path):
    net = reward_net([90.0], [100.0], times=[0.0], values=[1.0])
    fileformat.save(net, tmp_path / "net.json")
    text = (tmp_path / "net.json").read_text()
    bad = text.replace('"source": ""', '"source": "nowhere"').replace('"tau": 200.0', '"tau": -1.0')
    (tmp_path / "bad.json").write_text(bad)
    with pytest.raises(Exception) as info:
        spikestudio.load(tmp_path / "bad.json")
    message = str(info.value)
    assert 'inputs["R"].source: "nowhere" does not exist' in message
    assert 'inputs["R"].tau: -1 is outside the valid range' in message


def test_bad_reward_references_and_schedules_are_named():
    net = reward_net([90.0], [100.0], times=[0.0], values=[1.0])
    params = net.projections["syn"].plasticity.params
    loc = 'projections["syn"].plasticity.params.reward'
    params["reward"] = "ghost"
    assert f'{loc}: refers to reward node "ghost", which does not exist' in map(str, net.validate())
    params["reward"] = "post"
    assert f'{loc}: "post" is not a reward node' in map(str, net.validate())
    params["reward"] = ""
    assert f"{loc}: no reward node chosen: expected the id of a reward input" in map(str, net.validate())
    with pytest.raises(ValidationError, match="no reward node chosen"):
        spikestudio.Simulator(net)
    del params["reward"]
    with pytest.raises(BuildError, match=r"params\.reward: missing \(the id of the reward node"):
        spikestudio.Simulator(net)
    params["reward"] = "R"
    net.inputs["R"].times = np.array([10.0, 5.0])
    net.inputs["R"].values = np.array([1.0])
    problems = list(map(str, net.validate()))
    assert 'inputs["R"]: 2 times but 1 values' in problems
    assert 'inputs["R"].times: times must increase (each value holds until the next time)' in problems


def test_deleting_a_reward_node_leaves_a_problem_naming_it():
    from spikestudio.engine.editing.document import NetworkDocument

    doc = NetworkDocument(reward_net([90.0], [100.0], times=[0.0], values=[1.0]))
    removal = doc.remove_items(["R"])
    assert removal.ids == ["R"] and "syn" in doc.network.projections
    assert [str(p) for p in doc.network.validate()] == [
        'projections["syn"].plasticity.params.reward: refers to reward node "R", which does not exist']
    doc.restore(removal)
    assert doc.network.validate() == []


def test_a_reward_node_is_no_spiking_node_and_plain_networks_skip_the_plastic_loop():
    net = reward_net([90.0], [100.0], times=[0.0], values=[1.0])
    assert "R" not in net.spiking_nodes()
    sim = spikestudio.Simulator(net)
    assert sim.built.gates.plastic is True and "R" not in sim.built.nodes
    plain = Network()
    plain.add_population("A", 2)
    plain.add_reward("R", [0.0], [1.0])
    assert spikestudio.Simulator(plain).built.gates.plastic is None
    assert RSTDP == KERNEL_RSTDP


def test_exporters_name_the_reward_node_and_the_rule_they_leave_out():
    """PyNN and NIR cannot carry a reward node; Brian2 can, once the rule is exported."""
    from spikestudio.engine.interop import brian2_export, pynn_export
    from spikestudio.engine.interop.nir_export import nir_export

    net = Network(dt=0.1, duration=100.0, seed=1)
    net.add_poisson("drive", 10, 20.0)
    net.add_population("E", 10)
    net.add_reward("R", [0.0], [1.0], source="E")
    net.connect("drive", "E", "fixed_probability", id="syn", p=0.5, weight=50.0,
                plasticity=Plasticity("rstdp", {"reward": "R"}))
    for export in (pynn_export, nir_export):
        report = export(net)[1]
        lines = report.lines()
        assert any(line.startswith('inputs["R"]: a reward node') for line in lines), (export, lines)
        assert any(line.startswith('projections["syn"]') and "rstdp" in line for line in lines), (export, lines)
    # Brian2 carries a reward node (tests/test_brian2_rules.py); without the rule's plugin nothing reads it here
    report = brian2_export(net)[1]
    assert any(line.startswith('projections["syn"]') and "rstdp" in line for line in report.lines()), report
    assert "no exported learning rule reads" in dict(report.notes)['inputs["R"]']
    text, _ = pynn_export(net)
    compile(text, "script.py", "exec")  # the script around the left-out node still parses
    compile(brian2_export(net)[0], "script.py", "exec")


def test_copying_an_rstdp_projection_takes_its_reward_node_along():
    from spikestudio.engine.editing.subnetwork import extract, fit_into

    net = reward_net([90.0], [100.0], times=[0.0], values=[1.0], source="kick")
    piece = extract(net, ["pre", "post"])
    assert "R" in piece.inputs and piece.inputs["R"].source == "" and piece.validate() == []
    items, _ = fit_into(net, piece, (0.0, 0.0))
    copied = {item.id: item for item in items}
    assert copied["syn_2"].plasticity.params["reward"] == "R_2" and "R_2" in copied


def test_info_and_validate_on_the_command_line_show_the_reward_node(tmp_path, capsys):
    from spikestudio import cli

    net = reward_net([90.0], [100.0], times=[0.0, 50.0], values=[1.0, 0.0], source="kick")
    fileformat.save(net, tmp_path / "net.snn")
    assert cli.main(["info", str(tmp_path / "net.snn")]) == 0
    assert "reward (2 scheduled values, pulses at spikes of kick)" in capsys.readouterr().out
    net.projections["syn"].plasticity.params["reward"] = "kick"
    (tmp_path / "bad.json").write_text(fileformat.dumps(net))
    assert cli.main(["validate", str(tmp_path / "bad.json")]) == 1
    assert 'projections["syn"].plasticity.params.reward: "kick" is not a reward node' in capsys.readouterr().out
