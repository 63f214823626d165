"""A sweep worker draws a projection's synapses once and reuses them: the table is the same as without reuse."""

import numpy as np
import pytest
from spikestudio.engine.experiments import worker
from spikestudio.engine.experiments.sweep_run import make_setup, run_sweep
from spikestudio.engine.experiments.sweep_spec import Parameter, Sweep
from spikestudio.engine.simulation.build import draw_synapses
from spikestudio.engine.simulation.connection_cache import ConnectionCache, active_cache, reusing_connections
from sweep_helpers import sweep_network, without_times


def mixed_sweep() -> Sweep:
    """A weight (synapses reusable), a connection probability (synapses redrawn) and two seeds."""
    return Sweep([Parameter.of("EI.weight", [100.0, 200.0]), Parameter.of("IE.p", [0.2, 0.4])], repeats=2,
                 measures=["rate", "spikes", "cv_isi"])


def test_rows_with_reused_synapses_equal_rows_built_from_scratch():
    net, sweep = sweep_network(), mixed_sweep()
    rows = run_sweep(net, sweep)  # the worker reuses synapses across runs
    setup = make_setup(net, sweep)
    assert active_cache() is None
    fresh = [worker.run_network(net, p, setup, setup.measure_catalog()).row for p in sweep.points(net.seed)]
    assert without_times(rows) == without_times(fresh)
    assert len({r["rate:E"] for r in rows}) == len(rows)  # weight, p and seed each change the outcome


def test_only_runs_with_the_same_rule_parameters_and_seed_share_synapses():
    net = sweep_network()
    with reusing_connections() as cache:
        first = draw_synapses(net, net.projections["EI"])
        net.projections["EI"].weight.value = 300.0  # a weight: same synapses, from the cache
        again = draw_synapses(net, net.projections["EI"])
        assert cache.hits == 1 and again[0] is first[0] and again[1] is first[1]
        net.projections["EI"].rule_params["p"] = 0.5  # another probability: drawn anew
        denser = draw_synapses(net, net.projections["EI"])
        net.seed += 1  # another seed: drawn anew
        reseeded = draw_synapses(net, net.projections["EI"])
        assert cache.hits == 1 and cache.misses == 3
    assert denser[0].size > first[0].size and not np.array_equal(reseeded[1], first[1])
    assert active_cache() is None
    with pytest.raises(ValueError):
        first[1][0] = 1  # shared arrays are read-only


def test_the_cache_keeps_at_most_its_budget():
    cache = ConnectionCache(max_bytes=1000)
    for k in range(5):
        cache.put(k, np.zeros(50, np.int32), np.zeros(50, np.int32))  # 400 bytes each
    assert cache.get(0) is None and cache.get(4) is not None
    assert sum(a.nbytes + b.nbytes for a, b in cache._items.values()) <= 1000


def test_the_cache_is_used_only_in_the_thread_that_switched_it_on():
    import threading

    seen = []
    with reusing_connections():
        thread = threading.Thread(target=lambda: seen.append(active_cache()))
        thread.start()
        thread.join()
        assert active_cache() is not None
    assert seen == [None]  # the editor's thread builds as always while a serial sweep runs in another
