"""Reuse drawn connectivity across builds of the same network: what a sweep worker does between runs.

A sweep that varies weights, rates or neuron parameters rebuilds its network every run with the same sizes,
rules and seed, so every run would draw the same synapses again (a fifth of a 1 s CUBA run). While a cache is
switched on in a thread (``reusing_connections``), ``connectivity.connect_with_order`` there keeps each
projection's (pre, post) arrays under a key made of everything they are drawn from (rule, its parameters,
sizes, grids, autapses, seed); a different key draws afresh, so results are identical with and without it.
Arrays handed out are read-only. Off by default: the editor's one-off builds keep nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager

import numpy as np

__all__ = ["ConnectionCache", "reusing_connections", "active_cache"]

DEFAULT_BYTES = 256 * 2**20


class ConnectionCache:
    """Least recently used (pre, post) pairs by key, at most ``max_bytes`` of arrays; safe across threads."""

    def __init__(self, max_bytes: int = DEFAULT_BYTES):
        self.max_bytes = int(max_bytes)
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key, pre: np.ndarray, post: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        size = pre.nbytes + post.nbytes
        if size > self.max_bytes:
            return pre, post
        for a in (pre, post):
            a.setflags(write=False)
        with self._lock:
            if key not in self._items:
                self._items[key] = (pre, post)
                self._bytes += size
            while self._bytes > self.max_bytes:
                _, (a, b) = self._items.popitem(last=False)
                self._bytes -= a.nbytes + b.nbytes
        return pre, post

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


_LOCAL = threading.local()  # per thread: a serial sweep's thread reuses synapses, the editor's builds never do


def active_cache() -> ConnectionCache | None:
    """The cache builds in this thread use, if any."""
    stack = getattr(_LOCAL, "stack", None)
    return stack[-1] if stack else None


@contextmanager
def reusing_connections(cache: ConnectionCache | None = None):
    """Builds in this thread reuse ``cache`` (a new one when None) until the block ends; the cache itself may be
    shared by several threads (a Dask worker's)."""
    cache = cache if cache is not None else ConnectionCache()
    stack = _LOCAL.__dict__.setdefault("stack", [])
    stack.append(cache)
    try:
        yield cache
    finally:
        stack.pop()
