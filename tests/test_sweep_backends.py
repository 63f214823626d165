"""The same 2-D sweep gives the same table in this process, on a process pool and on a real Dask LocalCluster."""

import sys
import time

import distributed
import pytest
from spikestudio.engine.experiments import worker
from spikestudio.engine.experiments.backends import DaskBackend, PoolBackend, _executing_keys
from spikestudio.engine.experiments.sweep_run import Control, execute, make_setup, run_sweep
from spikestudio.engine.experiments.sweep_spec import Parameter, Sweep
from spikestudio.engine.model.network import Network
from sweep_helpers import grid_sweep, sweep_network, without_times


@pytest.fixture(scope="module")
def serial_rows():
    return run_sweep(sweep_network(), grid_sweep(repeats=2))


def test_the_serial_table_is_whole_and_varies(serial_rows):
    assert [r["run"] for r in serial_rows] == list(range(12))
    assert all(r["error"] == "" for r in serial_rows)
    assert len({r["rate:E"] for r in serial_rows}) == 12  # every point and seed changes the outcome


def test_a_process_pool_gives_the_same_table(serial_rows):
    rows = run_sweep(sweep_network(), grid_sweep(repeats=2), PoolBackend(2))
    assert without_times(rows) == without_times(serial_rows)


@pytest.mark.slow
def test_a_dask_local_cluster_gives_the_same_table(serial_rows):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            rows = run_sweep(sweep_network(), grid_sweep(repeats=2), DaskBackend(client))
            workers = set(client.run(lambda: 1))
    assert len(workers) == 2
    assert without_times(rows) == without_times(serial_rows)


def uneven_sweep():
    """Six runs: the first takes a few ms, the other five most of a second each."""
    net = Network(dt=0.1, duration=1000.0, seed=5)
    net.add_population("E", 10, "lif")
    net.add_poisson("drive", 100, rate=20.0)
    net.connect("drive", "E", "fixed_probability", id="dE", p=0.05, weight=300.0)
    sweep = Sweep([Parameter.of("E.size", [10, *[60000] * 5]), Parameter.of("drive.rate", [20, 21, 22, 23, 24, 25])],
                  combine="zip", measures=["rate"])
    return net, sweep


@pytest.mark.slow
def test_cancel_on_a_dask_cluster_keeps_the_runs_in_progress():
    net, sweep = uneven_sweep()
    control, kept, busy = Control(), [], []

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            def on_outcome(outcome):  # the short run has ended: cancel once both workers run a long one
                kept.append(outcome.row["run"])
                deadline = time.monotonic() + 30
                while len(busy) < 2 and time.monotonic() < deadline:
                    busy[:] = [k for keys in client.run(_executing_keys).values() for k in keys]
                control.cancel()

            outcomes = execute(sweep.points(net.seed), make_setup(net, sweep), DaskBackend(client), control,
                               on_outcome)
            left = client.run(lambda: sorted(worker._CONTEXT))
            tuned = client.run(worker.keep_freed_memory)  # Dask's workers trim malloc; a sweep's workers need not
            client.run(worker.release, "")
    runs = sorted(o.row["run"] for o in outcomes)
    assert kept[0] == 0 and len(busy) == 2
    assert 3 <= len(runs) < 6 and runs[0] == 0  # the runs in progress finished; the last had not started
    reference = {r["run"]: r for r in without_times(run_sweep(net, sweep))}
    for row in without_times([o.row for o in outcomes]):
        assert row == reference[row["run"]] and row["error"] == ""
    assert all(keys == [] for keys in left.values())  # the workers forgot the sweep's network
    assert all(tuned.values()) or not sys.platform.startswith("linux")
