"""Autosave and crash recovery: unsaved work is written to a recovery folder every few minutes.

Each running window owns one recovery set (``<id>.snn`` plus ``<id>.json`` saying which process wrote
it, the document's own path and when). A clean close deletes its set; a set whose process is gone is
what a crash left behind, and the next launch offers it back.
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

    @property
    def network_path(self) -> Path:
        return self.folder / f"{self.session}.snn"

    @property
    def info_path(self) -> Path:
        return self.folder / f"{self.session}.json"

    def save(self, network, original: str | None, title: str) -> None:
        """Write the current network (atomically, like any save) and who wrote it."""
        fileformat.save(network, self.network_path)
        info = {"pid": os.getpid(), "original": original, "saved_at": time.time(), "title": title}
        data = json.dumps(info).encode("utf-8")
        atomic_write(self.info_path, lambda f: f.write(data))

    def discard(self) -> None:
        for path in (self.network_path, self.info_path):
            path.unlink(missing_ok=True)

    def orphans(self) -> list[Orphan]:
        """Recovery sets whose writer is no longer running, newest first."""
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
            if network_path.is_file() and not _alive(pid):
                found.append(Orphan(network_path, info_path, info.get("original"), float(info.get("saved_at", 0)),
                                    str(info.get("title", ""))))
        return sorted(found, key=lambda o: -o.saved_at)

    @staticmethod
    def remove(orphan: Orphan) -> None:
        orphan.network_path.unlink(missing_ok=True)
        orphan.info_path.unlink(missing_ok=True)


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
