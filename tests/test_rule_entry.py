"""Learning rules described by equations reach the time loop as a compiled entry (``kernel.Gates.rules``): one loop
serves every rule set, a new rule compiles its own code only, and a network without described rules carries none."""

import math
import re

import pytest
from spikestudio.engine.equations.rule_codegen import DESCRIBED, RuleLayout, rules_source
from spikestudio.engine.equations.rule_text import parse_rule
from spikestudio.engine.kernels import kernel as K
from spikestudio.engine.kernels.compile_status import compiled_parts, needs_compile
from spikestudio.engine.kernels.plasticity_kernels import DESCRIBED as KERNEL_DESCRIBED
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.engine.simulation.simulator import Simulator
from spikestudio.plugins.api import described_rule
from spikestudio.plugins.builtin.described_rules import (
    DESCRIBED_PAIR_STDP,
    DESCRIBED_REWARD_STDP,
    DESCRIBED_TRIPLET_STDP,
    DESCRIBED_TSODYKS_MARKRAM,
    HOMEOSTATIC_SCALING,
)
from spikestudio.plugins.builtin.rules import PAIR_STDP, PairSTDP

pytestmark = pytest.mark.timeout(900)

# every presynaptic spike adds eta to each of its synapses' weights
STEP_RULE = "title Steps\nparam eta = 0.5 [0, 10]\non_pre w += eta\n"
# every presynaptic spike adds eta times its trace (1 just after the spike, plus the last spike's decayed trace)
TRACE_RULE = ("title Traces\nparam eta = 0.25 [0, 10]\nparam tau = 20 ms (0, inf)\npre x = 0\ndx/dt = -x/tau\n"
              "on_pre x += 1\non_pre w += eta*x\n")
W0 = 1.0
SPIKES_MS = [1.0, 6.0]  # each source neuron's two spikes, 5 ms apart


@pytest.fixture
def model_folder(tmp_path, monkeypatch):
    """A fresh folder for the generated modules: their entries are new to this process and to the disk cache."""
    monkeypatch.setenv("SPIKESTUDIO_MODEL_CACHE", str(tmp_path / "models"))
    return tmp_path / "models"


def spike_network(rule: str) -> Network:
    """Two sources that spike at ``SPIKES_MS`` onto three LIF neurons (too weakly to make them spike)."""
    net = Network(dt=0.1, duration=10.0, seed=1)
    net.add_spike_times("S", 2, [0, 1, 0, 1], [SPIKES_MS[0], SPIKES_MS[0], SPIKES_MS[1], SPIKES_MS[1]])
    net.add_population("N", 3, "lif")
    net.connect("S", "N", "all_to_all", id="SN", weight=W0, plasticity=Plasticity(rule, {}))
    return net


def run_rule(rule_id: str, text: str) -> Simulator:
    sim = Simulator(spike_network(rule_id), rules={rule_id: described_rule(rule_id, "1.0", text)})
    sim.run(0.01)
    return sim


def test_two_new_rules_run_in_one_loop_each_with_its_own_effect_on_the_weights(model_folder):
    first = run_rule("steps", STEP_RULE)
    loops = dict(K.run_chunk.overloads)  # whatever other tests compiled, and the first rule's loop
    second = run_rule("traces", TRACE_RULE)
    assert dict(K.run_chunk.overloads) == loops, "the second rule set compiled a loop of its own"
    assert first.built.loop is K.run_chunk and second.built.loop is K.run_chunk
    assert first.built.gates.rules is not second.built.gates.rules  # each rule set has its entry
    assert first.built.gates._replace(rules=None) == second.built.gates._replace(rules=None)

    steps = first.built.state.weight[first.built.synapses["SN"]]
    assert steps.tolist() == [W0 + 2 * 0.5] * 6  # two spikes of each source, eta each
    traces = second.built.state.weight[second.built.synapses["SN"]]
    decayed = math.exp(-(SPIKES_MS[1] - SPIKES_MS[0]) / 20.0)  # the trace 5 ms after the first spike
    assert traces == pytest.approx([W0 + 0.25 * (1.0 + (1.0 + decayed))] * 6, rel=1e-12, abs=0)
    for sim in (first, second):  # no postsynaptic spike: on_pre alone moved the weights
        n = sim.built.nodes["N"]
        assert sim.built.state.spike_count[n.start: n.start + n.size].sum() == 0


def test_the_entry_is_asked_for_by_needs_compile_and_named_among_the_parts(model_folder):
    text = TRACE_RULE.replace("title Traces", "title Traces again")  # a source no other test compiles
    sim = Simulator(spike_network("traces"), rules={"traces": described_rule("traces", "1.0", text)})
    assert needs_compile(sim.built)  # its module is new: no entry in memory or on disk
    assert "learning rules from equations" in compiled_parts(sim.built)
    sim.run(0.001)
    assert not needs_compile(sim.built)
    again = Simulator(spike_network("traces"), rules={"traces": described_rule("traces", "1.0", text)})
    assert again.built.gates.rules is sim.built.gates.rules  # one entry per rule set and process
    assert not needs_compile(again.built)


def test_the_entrys_numba_type_is_made_once_not_on_every_chunk(model_folder, monkeypatch):
    """numba types the entry on each call of the loop (every chunk): the type of the rules' wide signature is
    built once per entry, not built and interned again each time (30-130 us a chunk, benchmarks/rule_sides.py)."""
    from numba import typeof
    from spikestudio.engine.kernels import jit

    rules = {"steps": described_rule("steps", "1.0", STEP_RULE)}
    entry = Simulator(spike_network("steps"), rules=rules).built.gates.rules
    made = []
    function_type = jit.types.FunctionType
    monkeypatch.setattr(jit.types, "FunctionType", lambda sig: made.append(sig) or function_type(sig))
    first = typeof(entry)
    assert first == function_type(entry.fixed_signature) and len(first.signature.args) == 2
    for _ in range(3):  # three chunks
        assert typeof(entry) is first
    assert len(made) <= 1


def test_the_loop_finds_the_entrys_compiled_code_without_hashing_its_signature_again(model_folder, monkeypatch):
    """Each call of the loop unboxes the entry to its addresses, asking numba's ``get_compile_result`` twice with
    the same signature object: the answer is kept, so the wide signature's types are not hashed again."""
    from numba.core.registry import CPUDispatcher

    rules = {"steps": described_rule("steps", "1.0", STEP_RULE)}
    sim = Simulator(spike_network("steps"), rules=rules)
    sim.run(0.001)
    entry, asked = sim.built.gates.rules, []
    numba_answer = CPUDispatcher.get_compile_result
    monkeypatch.setattr(CPUDispatcher, "get_compile_result", lambda self, sig: asked.append(sig) or
                        numba_answer(self, sig))
    sig = entry._numba_type_.signature
    first = entry.get_compile_result(sig)
    assert all(entry.get_compile_result(sig) is first for _ in range(3)) and len(asked) <= 1
    synapses = sim.built.synapses["SN"]
    assert sim.built.state.weight[synapses].tolist() == [W0] * 6  # the first spikes come at 1 ms
    sim.run(0.01)  # the loop still calls the rule through the kept answer: both spikes of each source count
    assert sim.built.state.weight[synapses].tolist() == [W0 + 2 * 0.5] * 6


def test_a_network_without_described_rules_has_no_entry():
    class HandPair(PairSTDP):
        def description_for(self, params):
            return None

    plain = spike_network("stdp")
    plain.projections["SN"].plasticity = None
    assert Simulator(plain).built.gates.rules is None
    hand = Simulator(spike_network("stdp"), rules={"stdp": HandPair()})
    assert hand.built.state.pl_family.tolist() == [1] and hand.built.gates.rules is None
    assert "learning rules from equations" not in compiled_parts(hand.built)
    described = Simulator(spike_network("stdp"), rules={"stdp": PAIR_STDP})
    assert described.built.gates.rules is not None and described.built.gates.plastic


def test_the_generated_rules_read_only_what_the_entry_is_given():
    """``kernel.RuleState`` is the entry's argument: every field the generated code of the built-in rules reads
    is in it (numba would refuse to compile otherwise: this names the field), and the family codes agree."""
    assert DESCRIBED == KERNEL_DESCRIBED
    rules = [DESCRIBED_PAIR_STDP, DESCRIBED_TRIPLET_STDP, DESCRIBED_REWARD_STDP, DESCRIBED_TSODYKS_MARKRAM,
             HOMEOSTATIC_SCALING]
    source = rules_source([RuleLayout(r.description, r.info.id) for r in rules]
                          + [RuleLayout(parse_rule(TRACE_RULE, "traces"))], "digest")
    read = set(re.findall(r"\bs\.([a-z_]+)", source))
    assert read and read <= set(K.RuleState._fields), read - set(K.RuleState._fields)


def test_the_warm_up_warms_each_described_built_in_rule_alone_in_the_loop_it_compiles():
    """``spikestudio warmup`` runs the warm-up network once with every installed rule, then with each described one
    alone: the same loop (every gate alike), another entry (the rule set differs)."""
    from spikestudio.engine.simulation.warmup import described_rule_ids, warmup_simulator
    from spikestudio.plugins.registry import default_registry

    rules = default_registry().learning_rules()
    ids = described_rule_ids(rules)
    assert {"stdp", "triplet_stdp", "rstdp", "tsodyks_markram", "homeostatic_scaling"} <= set(ids)
    every = warmup_simulator(rules).built
    alone = warmup_simulator(rules, ["stdp"]).built
    assert alone.gates._replace(rules=None) == every.gates._replace(rules=None)
    assert alone.gates.rules is not every.gates.rules and [r.rule_id for r in alone.rules] == ["stdp"]
