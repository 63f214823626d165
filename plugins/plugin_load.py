"""Run a plugin's loader in a thread of its own with a time limit, catching everything it may raise.

A plugin's import is a stranger's code: it may raise ``SystemExit`` (which would end the app), or never
return (which would freeze the window that waits on it). The loader runs in a daemon thread; the caller waits
at most ``LOAD_SECONDS`` from the moment that load began, and a load still running after that is reported as
hanging. A hanging load is remembered for the whole process (its import holds Python's import lock for
that module), so every later request for it is answered at once instead of waiting again.
"""

from __future__ import annotations

import threading
import time

__all__ = ["LOAD_SECONDS", "PluginLoadError", "load_within"]

LOAD_SECONDS = 5.0


class PluginLoadError(Exception):
    """A plugin could not be loaded; the message says why (its exception, or that it hangs)."""


class _Load:
    """One loader running in its own thread."""

    def __init__(self, loader):
        self.started = time.monotonic()
        self.done = threading.Event()
        self.value = self.error = None
        self.thread = threading.Thread(target=self._run, args=(loader,), name="spikestudio-plugin-load", daemon=True)
        self.thread.start()

    def _run(self, loader) -> None:
        try:
            self.value = loader()
        except BaseException as exc:  # SystemExit included: a plugin never ends the app
            self.error = exc
        finally:
            self.done.set()


_running: dict[object, _Load] = {}  # loads not yet collected (a hanging one stays here)
_lock = threading.Lock()


def load_within(loader, seconds: float = LOAD_SECONDS, key=None):
    """``loader()``'s result; ``PluginLoadError`` for anything it raises or when it is still running
    ``seconds`` after it started. ``key`` names the plugin across registries (a load already running under it
    is waited on, not started again). A ``KeyboardInterrupt`` raised by the loader is passed on."""
    key = loader if key is None else key
    with _lock:
        load = _running.get(key)
        if load is None:
            load = _running[key] = _Load(loader)
    if not load.done.wait(max(0.0, load.started + seconds - time.monotonic())):
        raise PluginLoadError(f"hanging: still importing {time.monotonic() - load.started:.0f} s after it started "
                              f"(the limit is {seconds:g} s); skipped")
    with _lock:
        _running.pop(key, None)
    if isinstance(load.error, KeyboardInterrupt):
        raise load.error
    if load.error is not None:
        raise PluginLoadError(f"{type(load.error).__name__}: {load.error}")
    return load.value
