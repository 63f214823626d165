"""Compile the kernels once: for a tiny network that uses every model, input, synapse and rule, and
for any networks given (``spikestudio warmup`` passes the bundled examples).

numba caches compiled code on disk, so after this runs (done by ``make`` after installing) those
networks start without compiling. The time loop is compiled per set of parts a network uses (see
``kernel.run_chunk``), so a network with a new mix of models compiles once, in a few seconds; models and learning
rules described by equations are entries the loop is given, compiled on their own (a built-in rule's, alone, is
warmed here too).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable

from ..model.catalog import CONNECTIVITY_RULES, GENERATED_BUILTINS, builtin_text
from ..model.network import DatasetInput, Distribution, Network, Plasticity, SpikeTimesInput
from .described_rules import description_of
from .simulator import Simulator
from .threads import APP_SPARE_CORES

__all__ = ["warmup_network", "warmup_simulator", "equation_networks", "described_rule_ids", "warmup"]


def warmup_network(learning_rules: Iterable[str] = (), rewarded: Iterable[str] = ()) -> Network:
    """A few neurons of every kind, wired with every rule and synapse kind, recording everything;
    one projection learns with each of ``learning_rules`` (ids of installed rules, with their defaults;
    those in ``rewarded`` read the network's reward node)."""
    net = Network(dt=0.1, duration=2.0, seed=1)
    net.add_population("lif", 4, "lif", grid=(2, 2), initial={"v": Distribution("uniform", low=-70.0, high=-60.0)})
    net.add_population("izh", 4, "izhikevich", grid=(2, 2))
    net.add_population("adex", 2, "adex")
    net.add_population("hh", 2, "hh")
    net.add_population("adaptive", 2, "lif_adaptive")
    net.add_poisson("poisson", 4, rate=50.0, grid=(2, 2))
    net.add_spike_times("times", 2, [0, 1], [0.5, 1.0])
    for waveform in ("dc", "step", "ramp", "sine", "ou"):
        net.add_current(f"i_{waveform}", "lif", waveform)
    rules = [r for r in CONNECTIVITY_RULES if r not in ("explicit",)]
    kinds = ["current", "delta", "conductance"]
    for n, rule in enumerate(rules):
        params = {"k": 1} if "degree" in rule else {"n": 3} if rule == "fixed_total" else {}
        net.connect("poisson", ["lif", "izh"][n % 2], rule, id=f"w{n}", synapse=kinds[n % 3],
                    delay=Distribution("uniform", low=0.1, high=0.5), **params)
    net.connect("times", "adex", "explicit", pre=[0, 1], post=[1, 0], weights=[1.0, 2.0], delays=[0.1, 0.3])
    net.connect("lif", "hh", "all_to_all", receptor="inhibitory", synapse="conductance")
    net.connect("poisson", "adaptive", "all_to_all", weight=200.0)
    net.add_reward("reward", [0.0, 1.0], [1.0, -1.0], source="lif")
    rewarded = set(rewarded)
    for rule in learning_rules:
        params = {"reward": "reward"} if rule in rewarded else {}
        net.connect("poisson", "lif", "all_to_all", id=f"learn:{rule}", plasticity=Plasticity(rule, params))
    for node in ("lif", "izh", "poisson"):
        net.record_spikes(node)
        net.record_rate(node)
    net.record_state("lif", "syn_exc", [0, 1])
    net.record_state("hh", "v", [0])
    return net


def warmup_simulator(rules: dict | None = None, learning: Iterable[str] | None = None) -> Simulator:
    """The warm-up network built with ``rules`` (installed learning rules by id), one projection learning with
    each of ``learning`` (all of them when None): running it for its duration compiles (or loads) the time loop
    with every part."""
    rules = rules or {}
    learning = list(rules if learning is None else learning)
    net = warmup_network(learning, [r for r in learning if "reward" in rules[r].info.text_params])
    return Simulator(net, rules, record_all=True, spare_cores=APP_SPARE_CORES)


def described_rule_ids(rules: dict) -> list[str]:
    """The installed rules that run from a description (with their defaults): each rule set has an entry of its
    own (``rule_loader.generated_rules_entry``), so each of these alone, the set a network most often has, is
    warmed besides the warm-up network's set of all of them."""
    return [r for r, plugin in rules.items() if description_of(plugin, {}) is not None]


def equation_networks() -> list[Network]:
    """A model from equations (the LIF's description) in the mixes of parts a new model meets first: the model
    editor's preview and F–I curve (a step current) and a population driven by Poisson input. One loop serves
    every model from equations (``kernel.run_chunk``'s ``custom``), so once these are compiled a new model compiles
    only its own update (these small networks run under the threads gate None, as the app on two cores does: the
    entry without the threads' region, ``loader.generated_entry``). The built-ins' generated updates are parts of
    the loop, as the hand-written kernels were: the warm-up network compiles them all together, but each built-in
    that runs its description's generated code alone under a step current (its phase plane's one-neuron
    simulation, its F–I curve) is a loop of its own, so it is compiled here too: otherwise the first phase plane
    compiles it on a worker thread, holding the GIL, and the window stops turning for as long."""
    out = []
    for model in ["described"] + sorted(GENERATED_BUILTINS - {"lif"}):
        stepped, driven = Network(dt=0.1, duration=1.0, seed=1), Network(dt=0.1, duration=1.0, seed=1)
        for net in (stepped, driven):
            if model == "described":
                net.add_model("described", builtin_text("lif"))
            net.add_population("cell", 2, model)
        stepped.add_current("step", "cell", "step")
        driven.add_poisson("drive", 2, rate=50.0)
        driven.connect("drive", "cell", "all_to_all", synapse="current")
        out += [stepped, driven] if model == "described" else [stepped]
    return out


def _without_datasets(net: Network) -> Network:
    """``net`` with each dataset input as an empty spike-times input: the same compiled parts, no data needed
    (so warming up works without scikit-learn or MNIST at hand)."""
    if not any(isinstance(item, DatasetInput) for item in net.inputs.values()):
        return net
    net = copy.deepcopy(net)
    net.inputs = {k: SpikeTimesInput(k, item.size, name=item.name) if isinstance(item, DatasetInput) else item
                  for k, item in net.inputs.items()}
    return net


def warmup(networks: Iterable[Network] = (), rules: dict | None = None, progress=None) -> float:
    """Compile (or load from the cache) the kernels of the warm-up network and of ``networks``; seconds taken.

    ``rules`` are the installed learning rules by id (the plugin registry's); with them the warm-up network
    learns too, so networks with plasticity also start without compiling. ``progress(done, total, name)`` is
    called before each network (a cold warm-up takes a minute or more: the command line shows where it is).
    """
    start = time.perf_counter()
    rules = rules or {}
    jobs = [("a network with every model, input and rule", None)]
    jobs += [(other.metadata.title or f"network {k + 1}", other) for k, other in enumerate(networks)]
    for done, (name, other) in enumerate(jobs):
        if progress is not None:
            progress(done, len(jobs), name)
        if other is None:
            sim = warmup_simulator(rules)
            sim.run(sim.network.duration * 1e-3)
            for rule in described_rule_ids(rules):  # the same loop: only the rule's entry compiles
                sim = warmup_simulator(rules, [rule])
                sim.run(sim.network.dt * 1e-3)
            for net in equation_networks():
                Simulator(net).run(net.dt * 1e-3)
        else:  # one step compiles everything the network uses
            # as the app runs it: the same threads gate (``kernel.threads_gate``), so the same compiled loop
            Simulator(_without_datasets(other), rules, spare_cores=APP_SPARE_CORES).run(other.dt * 1e-3)
    return time.perf_counter() - start
