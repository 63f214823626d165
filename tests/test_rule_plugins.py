"""What a learning-rule plugin hands the engine is checked and the plugin named; a slow one can be cancelled."""

import threading

import pytest
from spikestudio.engine.errors import BuildCancelledError, BuildError
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.engine.simulation.build import build, build_problems
from spikestudio.engine.simulation.plasticity import N_COEF, STDP
from spikestudio.engine.simulation.simulator import Simulator
from spikestudio.plugins.builtin.rules import PAIR_STDP, PairSTDP

pytestmark = pytest.mark.timeout(120)


class OddRule(PairSTDP):
    """Pair STDP's parameters, but ``engine_part`` returns what the test says."""

    def __init__(self, returns):
        self.returns = returns

    def engine_part(self, p, dt):
        if isinstance(self.returns, BaseException):
            raise self.returns
        return self.returns


def plastic_network(rule: str = "odd", projections: int = 1) -> Network:
    net = Network(dt=0.1, duration=10.0, seed=1)
    net.add_poisson("P", 5, rate=50.0)
    net.add_population("N", 3, "lif")
    for k in range(projections):
        net.connect("P", "N", "all_to_all", id=f"syn{k}", weight=10.0, plasticity=Plasticity(rule, {}))
    return net


GOOD = PAIR_STDP.engine_part({**{k: s.default for k, s in PAIR_STDP.info.params.items()}}, 0.1)


@pytest.mark.parametrize("returns, said", [
    (None, "returned None, not a RuleSpec(family, coefficients[, reward node])"),
    ((STDP,), "returned (1,), not a RuleSpec"),
    ((STDP, (0.5,) * 5), f"returned 5 coefficients; a rule has {N_COEF}"),
    ((STDP, "abc"), "returned coefficients 'abc', not a sequence of numbers"),
    ((STDP, None), "returned coefficients None, not a sequence of numbers"),
    ((STDP, GOOD.coef[:2] + (float("nan"),) + GOOD.coef[3:]), "not a finite number (nan at position 2)"),
    ((STDP, GOOD.coef[:4] + (float("inf"),) + GOOD.coef[5:]), "not a finite number (inf at position 4)"),
    ((99, GOOD.coef), "returned the rule family 99, which the engine does not know (known: 1 STDP, 2 STP, 3 RSTDP)"),
    (("STDP", GOOD.coef), "the rule family 'STDP', which the engine does not know"),
    ((STDP, GOOD.coef, 7), "the reward node 7, not a node id"),
    (SystemExit(2), "failed: SystemExit: 2"),
    (ZeroDivisionError("oops"), "failed: ZeroDivisionError: oops"),
])
def test_what_a_rule_plugin_returns_is_checked_and_the_plugin_named(returns, said):
    net, rules = plastic_network(), {"odd": OddRule(returns)}
    where = 'projections["syn0"].plasticity: the learning rule plugin "odd" '
    [problem] = build_problems(net, rules)  # what `validate` prints
    assert problem.startswith(where) and said in problem, problem
    with pytest.raises(BuildError) as info:
        build(net, rules)
    assert str(info.value) == problem


def test_a_good_spec_as_a_plain_tuple_builds_like_the_built_in():
    net = plastic_network()
    built = build(net, {"odd": OddRule(tuple(GOOD))})
    reference = build(plastic_network("stdp"), {"stdp": OddRule(GOOD)})  # PAIR_STDP itself runs its description
    assert (built.state.pl_coef == reference.state.pl_coef).all() and built.state.pl_family.tolist() == [STDP]


class SlowRule(PairSTDP):
    """Waits in ``engine_part`` until the test lets it go, counting its calls."""

    def __init__(self):
        self.entered, self.gate, self.calls = threading.Event(), threading.Event(), 0

    def engine_part(self, p, dt):
        self.calls += 1
        self.entered.set()
        self.gate.wait(30)
        return super().engine_part(p, dt)


def test_a_build_waiting_on_a_slow_rule_stops_at_the_next_plugin_call_once_cancelled():
    rule, cancel, outcome = SlowRule(), threading.Event(), []

    def run():
        try:
            outcome.append(Simulator(plastic_network("slow", projections=3), {"slow": rule}, cancel=cancel))
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    assert rule.entered.wait(30)
    cancel.set()
    rule.gate.set()
    worker.join(30)
    [result] = outcome
    assert isinstance(result, BuildCancelledError) and str(result) == "the build was cancelled"
    assert rule.calls == 1  # the other two projections' plugin calls never happened
    assert isinstance(Simulator(plastic_network("slow", projections=3), {"slow": rule}), Simulator)  # uncancelled
