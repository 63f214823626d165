"""Replacing a file atomically, and sweeping up the temporary files that writers killed mid-save left behind.

A writer fills a hidden temporary file beside its target and renames it over the target, so readers (and the
target itself, on a full disk or a crash) never see half a file. While it writes, it holds an advisory lock on
the temporary file (on systems with ``flock``): the lock dies with the process, so the next save to the folder
can tell a killed writer's leftover from a file still being written, and deletes only the former.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows: a file open for writing cannot be deleted there anyway
    fcntl = None

__all__ = ["atomic_write", "remove_stale_temps", "temp_name", "STALE_AFTER_S"]

STALE_AFTER_S = 60.0  # a leftover must also be this long untouched (writers without the lock, old versions)
_TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{12}\.tmp|\.nir-[a-z0-9_]{8}\.tmp", re.DOTALL)  # ours (and old NIR exports)


def temp_name(path: Path) -> Path:
    """The hidden temporary file a write of ``path`` fills: ``.<name>.<12 hex digits>.tmp`` beside it."""
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], object]) -> None:
    """Write a temporary file beside ``path`` and rename it over, so readers never see half a file.

    ``write`` gets the temporary file open for reading and writing (HDF5 writers read back what they wrote);
    if it raises, the old ``path`` is untouched and the temporary file is removed.
    """
    path = Path(path)
    remove_stale_temps(path.parent)
    mode = path.stat().st_mode & 0o7777 if path.is_file() else None
    tmp = temp_name(path)
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "w+b") as f:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX)  # held until renamed: a sweep leaves this file alone
            write(f)
            f.flush()
            os.fsync(f.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            if fcntl is not None:
                os.replace(tmp, path)
        if fcntl is None:  # Windows renames only closed files
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def remove_stale_temps(folder: str | os.PathLike, now: float | None = None) -> list[Path]:
    """Delete the temporary files of writes that never finished (the writer was killed); returns them.

    Only files named as ``atomic_write`` names them, that no live writer holds locked and that nobody has
    touched for ``STALE_AFTER_S``; anything else in the folder, and any error, is left alone.
    """
    now = time.time() if now is None else now
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if _TEMP_NAME.fullmatch(entry.name) and _remove_if_stale(Path(entry.path), now):
                removed.append(Path(entry.path))
    return removed


def _remove_if_stale(path: Path, now: float) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return False  # gone (renamed by its writer), a symlink, or not ours to read
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < STALE_AFTER_S or not _unlocked(fd):
            return False
        if not os.path.samestat(st, os.stat(path, follow_symlinks=False)):
            return False  # the name now points at another file
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _unlocked(fd: int) -> bool:
    """True when no process holds the writer's lock (taking it for a moment to find out)."""
    if fcntl is None:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    fcntl.flock(fd, fcntl.LOCK_UN)
    return True
