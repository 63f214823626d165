"""Where a sweep's runs go: this process, a local process pool, or a Dask distributed cluster.

Each backend prepares its workers once per sweep (parse the network, warm the kernels), then takes runs one by
one and hands back futures; ``sweep_run`` drives them all the same way. Dask is imported only when used.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import multiprocessing
import os
import time

from .worker import Setup, keep_freed_memory, pool_initializer, prepare, release, run_task, worker_ready

__all__ = ["Backend", "SerialBackend", "PoolBackend", "DaskBackend", "default_workers"]

SLOTS_MAX_AGE = 1.0  # s: how long a Dask cluster's thread count is trusted (workers may join or leave)


def default_workers() -> int:
    """Every core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class Backend:
    """The interface: ``start`` prepares the workers, ``submit`` one run, ``wait`` for some, ``close``."""

    name = "backend"
    batches = True  # whether sending several short runs per task saves anything (not in this process)

    def slots(self) -> int:
        """How many runs to keep in flight (enough to keep every worker busy)."""
        return 1

    def start(self, key: str, setup: Setup) -> None:
        raise NotImplementedError

    def submit(self, key: str, points: list):
        """Run ``points`` (a few at a time amortise the cost of sending them); a future of their outcomes."""
        raise NotImplementedError

    def wait(self, futures: list, timeout: float) -> list:
        """The futures among ``futures`` that are done, waiting up to ``timeout`` s for the first."""
        done, _ = cf.wait(futures, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return list(done)

    def cancel(self, futures: list) -> None:
        """Cancel the runs not started yet; runs in progress go on (``drain`` waits for them)."""
        for f in futures:
            f.cancel()

    def drain(self, futures: list) -> None:
        """Wait for the runs in progress among ``futures`` (the ones ``cancel`` left) to finish."""
        cf.wait([f for f in futures if not f.cancelled()])

    def close(self) -> None:
        """Release the workers."""


class SerialBackend(Backend):
    """Runs in this process, one at a time: the reference every other backend must match."""

    name = "serial"
    batches = False

    def start(self, key: str, setup: Setup) -> None:
        prepare(key, setup)

    def submit(self, key: str, points: list) -> cf.Future:
        future = cf.Future()
        future.set_result(run_task(key, points))
        return future


class PoolBackend(Backend):
    """A pool of ``workers`` fresh processes (spawned, so safe beside Qt's threads), each warmed once."""

    name = "pool"

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()
        self._executor: cf.ProcessPoolExecutor | None = None
        self._args = None

    def slots(self) -> int:
        return 2 * self.workers

    def start(self, key: str, setup: Setup) -> None:
        """Start every worker now, and wait until each has parsed the network and warmed its kernels."""
        self._args = (key, setup)
        self._executor = self._new_executor()
        cf.wait([self._executor.submit(worker_ready, 0.05) for _ in range(self.workers)])

    def submit(self, key: str, points: list) -> cf.Future:
        try:
            return self._executor.submit(run_task, key, points)
        except cf.process.BrokenProcessPool:  # a worker died (killed, out of memory): start a fresh pool
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = self._new_executor()
            return self._executor.submit(run_task, key, points)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _new_executor(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                      initializer=pool_initializer, initargs=self._args)


class DaskBackend(Backend):
    """A Dask distributed cluster: a scheduler ``address`` ("tcp://host:8786") or a ``distributed.Client``.

    The setup is sent to every worker once (``Client.scatter`` with broadcast) and each worker is warmed up
    front; a worker that joins later prepares itself on its first run.
    """

    name = "dask"

    def __init__(self, address_or_client):
        self._given = address_or_client
        self.client = None
        self._setup = None
        self._key = None
        self._slots = (1, -math.inf)  # (slots, when asked)

    def slots(self) -> int:
        """Two runs per worker thread; asked of the scheduler at most once a second (a round trip each time)."""
        now = time.monotonic()
        if now - self._slots[1] > SLOTS_MAX_AGE:
            threads = sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values())
            self._slots = (2 * max(1, threads), now)
        return self._slots[0]

    def start(self, key: str, setup: Setup) -> None:
        from distributed import Client

        self.client = self._given if isinstance(self._given, Client) else Client(self._given)
        self._key = key
        self._setup = self.client.scatter(setup, broadcast=True, hash=False)
        self.client.run(keep_freed_memory)
        self.client.run(prepare, key, setup)

    def submit(self, key: str, points: list):
        return self.client.submit(run_task, key, points, self._setup, pure=False)

    def wait(self, futures: list, timeout: float) -> list:
        from distributed import wait

        try:
            wait(futures, timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            pass
        return [f for f in futures if f.done()]

    def cancel(self, futures: list) -> None:
        """Cancel the runs no worker has started; the ones executing go on and keep their rows."""
        if not futures:
            return
        try:
            executing = {k for keys in self.client.run(_executing_keys).values() for k in keys}
        except Exception:  # a worker gone or not answering: cancel everything rather than wait on it
            executing = set()
        waiting = [f for f in futures if f.key not in executing]
        if waiting:
            self.client.cancel(waiting)

    def drain(self, futures: list) -> None:
        from distributed import wait

        wait([f for f in futures if not f.cancelled()])

    def close(self) -> None:
        if self.client is not None and self._key is not None:
            try:
                self.client.run(release, self._key)  # the workers outlive the sweep: free its network
            except Exception:  # a cluster gone already has nothing left to free
                pass
        if self.client is not None and self.client is not self._given:
            self.client.close()
        self.client, self._key = None, None


def _executing_keys(dask_worker) -> list:
    """The keys of the tasks a Dask worker is executing now (``Client.run`` passes the worker)."""
    return [ts.key for ts in dask_worker.state.executing]
