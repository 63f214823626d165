"""A lock on a file that lives exactly as long as the process holding it (the system drops it when the process
ends, however it ends): how the recovery folder tells a crashed session from a running one, where a process id
alone can have been reused by an unrelated live process.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

__all__ = ["SessionLock"]

_HELD = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES}  # what a lock another process holds fails with


class SessionLock:
    """An exclusive lock on ``path``, held (by an open file) until ``release`` or the end of the process."""

    def __init__(self, path: Path, fd: int):
        self.path, self._fd = path, fd

    @classmethod
    def acquire(cls, path: str | os.PathLike) -> SessionLock | None:
        """Take the lock, creating its file; None when a live process holds it (or it cannot be taken here)."""
        path = Path(path)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        except OSError:  # a folder we may not write to
            return None
        try:
            if _try_lock(fd) and _names(path, fd):
                return cls(path, fd)
        except OSError:
            pass  # a file system without locks: is_held says so, and the process id decides
        os.close(fd)
        return None

    @staticmethod
    def is_held(path: str | os.PathLike) -> bool | None:
        """Whether a live process holds the lock on ``path``; None when there is no such file or the file
        system has no locks (then only the process id can tell)."""
        try:
            fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
        except OSError:
            return None
        try:
            return not _try_lock(fd)
        except OSError:
            return None
        finally:
            os.close(fd)  # and with it the lock, if this took it

    def release(self, remove: bool = False) -> None:
        """Let go of the lock; with ``remove``, delete its file first (so nobody takes the stale one for a crash)."""
        if self._fd is None:
            return
        if remove:
            with contextlib.suppress(OSError):
                self.path.unlink()
        os.close(self._fd)  # closing the file drops the lock
        self._fd = None


def _try_lock(fd: int) -> bool:
    """True when locked, False when another process holds the lock; other errors (no locks here) raise."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError as exc:
        if exc.errno in _HELD:
            return False
        raise
    return True


def _names(path: Path, fd: int) -> bool:
    """True when ``path`` still names the locked file (its owner may have removed it while we waited)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False
