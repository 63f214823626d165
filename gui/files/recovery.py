"""Autosave and crash recovery: unsaved work is written to a recovery folder every few minutes.

Each running window owns one recovery set (``<id>.snn`` plus ``<id>.json`` saying which process wrote
it, the document's own path and when) and holds a lock on ``<id>.lock`` while it lives. A clean close deletes
its set; a set whose lock nobody holds is what a crash left behind, and the next launch offers it back. The
window that takes it back takes over the set and its lock, so the set stays on disk (and is offered again
after another crash) until the recovered document is saved, autosaved over or discarded.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from ...engine.files import fileformat
from ...engine.files.archive_writer import atomic_write
from .session_lock import SessionLock

__all__ = ["RecoveryStore", "Orphan"]


@dataclass(frozen=True)
class Orphan:
    """Work a crashed session left: the recovered file, the file it came from (if any) and when it was saved."""

    network_path: Path
    info_path: Path
    original: str | None
    saved_at: float
    title: str


class RecoveryStore:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.session = uuid.uuid4().hex[:12]
        self.lock: SessionLock | None = None  # taken at the first autosave, let go of when the set is deleted

    @property
    def network_path(self) -> Path:
        return self.folder / f"{self.session}.snn"

    @property
    def info_path(self) -> Path:
        return self.folder / f"{self.session}.json"

    def save(self, network, original: str | None, title: str) -> None:
        """Write the current network (atomically, like any save) and who wrote it."""
        if self.lock is None:
            self.lock = SessionLock.acquire(self._lock_path(self.session))
        fileformat.save(network, self.network_path)
        info = {"pid": os.getpid(), "original": original, "saved_at": time.time(), "title": title}
        data = json.dumps(info).encode("utf-8")
        atomic_write(self.info_path, lambda f: f.write(data))

    def discard(self) -> None:
        """Delete this window's set (saved, undone to the file, or closed cleanly), then its lock."""
        for path in (self.network_path, self.info_path):
            path.unlink(missing_ok=True)
        if self.lock is not None:
            self.lock.release(remove=True)
            self.lock = None

    def claim(self, orphan: Orphan) -> SessionLock | None:
        """Lock a crashed session's set for this process, or None when another process took it first."""
        return SessionLock.acquire(self._lock_path(orphan.info_path.stem))

    def adopt(self, orphan: Orphan, lock: SessionLock) -> None:
        """Make a claimed set this window's own: kept, and locked, until this window autosaves over it, saves or
        closes, so a crash before then offers it again."""
        self.discard()
        self.session, self.lock = orphan.info_path.stem, lock

    def _lock_path(self, session: str) -> Path:
        return self.folder / f"{session}.lock"

    def orphans(self) -> list[Orphan]:
        """Recovery sets whose writer is no longer running (nobody holds their lock), newest first."""
        found = []
        for info_path in self.folder.glob("*.json"):
            if info_path == self.info_path:
                continue
            try:
                info = json.loads(info_path.read_text("utf-8"))
                pid = int(info["pid"])
            except (OSError, ValueError, KeyError, TypeError):
                continue
            network_path = info_path.with_suffix(".snn")
            if network_path.is_file() and not self._running(info_path.stem, pid):
                found.append(Orphan(network_path, info_path, info.get("original"), float(info.get("saved_at", 0)),
                                    str(info.get("title", ""))))
        return sorted(found, key=lambda o: -o.saved_at)

    def _running(self, session: str, pid: int) -> bool:
        held = SessionLock.is_held(self._lock_path(session))
        return _alive(pid) if held is None else held  # no lock file: a set from a version without locks

    def remove(self, orphan: Orphan, lock: SessionLock | None = None) -> None:
        """Delete a declined set (and its lock file, once claimed)."""
        orphan.network_path.unlink(missing_ok=True)
        orphan.info_path.unlink(missing_ok=True)
        if lock is not None:
            lock.release(remove=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
