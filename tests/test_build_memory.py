"""The memory estimate covers every array a build allocates, refuses a network over the limit before allocating
(naming its biggest part), and an allocation that fails anyway is a clear build error, never an internal error."""

from __future__ import annotations

import numpy as np
import pytest
from spikestudio import cli
from spikestudio.engine.errors import BuildError
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Distribution, Network, Plasticity
from spikestudio.engine.simulation.build import build, build_problems, estimate_memory, memory_parts
from spikestudio.engine.units import format_bytes
from spikestudio.plugins.registry import default_registry

RULES = default_registry().learning_rules()


def delayed_network(std: float = 50.0, target: int = 300) -> Network:
    """A normal delay distribution with a wide tail: the ring buffer is most of the memory."""
    net = Network(dt=0.1, duration=10.0)
    net.add_poisson("P", 50, rate=20.0)
    net.add_population("E", target)
    net.connect("P", "E", "fixed_probability", p=0.05, delay=Distribution("normal", mean=2.0, std=std, min=0.1),
                id="slow")
    net.connect("P", "E", "fixed_indegree", k=1, weight=1.0, synapse="conductance")
    return net


def every_part_network() -> Network:
    """Plastic (pair, triplet, short-term, reward-modulated) projections, delays, Poisson, traces and rates."""
    net = Network(dt=0.1, duration=10.0)
    net.add_poisson("P", 80, rate=3000.0)
    net.add_population("E", 120)
    net.add_population("I", 40, "izhikevich")
    net.add_reward("R", times=[1.0], values=[1.0])
    net.connect("P", "E", "fixed_probability", p=0.2, delay=Distribution("uniform", low=0.1, high=7.0),
                plasticity=Plasticity("stdp"))
    net.connect("E", "I", "fixed_indegree", k=20, plasticity=Plasticity("triplet_stdp"))
    net.connect("E", "E", "fixed_probability", p=0.1, plasticity=Plasticity("tsodyks_markram"))
    net.connect("I", "E", "all_to_all", receptor="inhibitory", delay=Distribution("lognormal", mean=2.0, std=1.0),
                plasticity=Plasticity("rstdp", {"reward": "R"}))
    net.record_state("E", "v", neurons=list(range(30)))
    net.record_rate("I")
    net.record_spikes("E")
    return net


def allocated(built) -> int:
    """Bytes of every array the build holds: the kernel's state and the reset copy's own arrays."""
    arrays = [v for v in built.state if isinstance(v, np.ndarray)]
    seen = {id(a) for a in arrays}
    arrays += [v for v in built.initial if isinstance(v, np.ndarray) and id(v) not in seen]
    return sum(a.nbytes for a in arrays)


@pytest.mark.parametrize("make", [delayed_network, every_part_network])
def test_the_estimate_covers_every_array_the_build_allocates(make):
    net = make()
    built = build(net, RULES)
    assert allocated(built) <= estimate_memory(net)[1]
    ring = built.state.ring.nbytes * 2  # and its reset copy
    assert ring > 0 and [v for k, v in memory_parts(net).items() if k.startswith("delay buffer")][0] >= ring


def test_just_under_the_limit_builds_and_just_over_is_refused_naming_the_biggest_part():
    net = delayed_network()
    needed = estimate_memory(net)[1]
    parts = memory_parts(net)
    biggest = max(parts, key=parts.get)
    assert biggest.startswith('delay buffer (4,021 steps for the delays of projections["slow"] x 600 synaptic slots')
    rows, slots = build(net, RULES, memory_limit=needed).state.ring.shape  # the draws' longest delay sizes it
    assert slots == 600 and 200 < rows <= 4021  # at most 2 + 8 x 50 ms = 402 ms: 4,020 steps, one row more
    [problem] = build_problems(net, RULES, memory_limit=needed - 1)
    assert f"the biggest part is the {biggest}: about {format_bytes(parts[biggest])}" in problem
    assert f"needs about {format_bytes(needed)}" in problem
    with pytest.raises(BuildError, match="the biggest part is the delay buffer"):
        build(net, RULES, memory_limit=needed - 1)


def test_validate_refuses_a_delay_distribution_needing_gigabytes_with_its_size(tmp_path, capsys):
    net = delayed_network(std=1e6, target=400_000)  # delays clipped at 10 s: 100,001 steps x 800,000 slots
    fileformat.save(net, tmp_path / "huge.json")
    assert cli.main(["validate", str(tmp_path / "huge.json")]) == 1
    out = capsys.readouterr()
    part = (100_001 * 800_000 * 16)
    assert "the biggest part is the delay buffer (100,001 steps" in out.out
    assert f"about {format_bytes(part)}" in out.out and "cannot run here" in out.err


def test_an_allocation_that_fails_anyway_is_a_clear_build_error():
    net = delayed_network(std=1e6, target=100_000)  # an 80 GB delay ring
    if not _refused_at_once(100_001 * 200_000 * 8):
        pytest.skip("this machine's kernel might hand out the ring lazily (and kill the process when it is used)")
    with pytest.raises(BuildError, match="out of memory while building the network"):
        build(net, RULES, memory_limit=10 ** 15)  # past the estimate, as when memory goes while building


def _refused_at_once(nbytes: int) -> bool:
    """Whether Linux refuses an allocation of ``nbytes`` outright: heuristic overcommit (mode 0) refuses one
    larger than memory and swap together."""
    try:
        mode = open("/proc/sys/vm/overcommit_memory").read().strip()
        info = dict(line.split(":", 1) for line in open("/proc/meminfo"))
    except OSError:
        return False
    total = sum(int(info[k].split()[0]) * 1024 for k in ("MemTotal", "SwapTotal") if k in info)
    return mode == "0" and nbytes > total
