"""The same 2-D sweep gives the same table in this process, on a process pool and on a real Dask LocalCluster."""

import distributed
import pytest
from spikestudio.engine.experiments.backends import DaskBackend, PoolBackend
from spikestudio.engine.experiments.sweep_run import run_sweep
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
