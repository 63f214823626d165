"""The folder of generated model modules: where it is, marking an entry used, and bounded cleanup.

An entry is one ``spikestudio_generated_<key>.py`` or ``spikestudio_rules_<key>.py`` (and Python's ``.pyc`` of
it, and numba's cache files of its compiled entries when they are kept beside it). Using an entry sets its access
time, not its modification time, so Python's ``.pyc`` stays valid; "last used" is the later of the two. Cleanup
keeps the ``keep`` most recently used entries and every entry used within ``max_age`` seconds, and never removes
one used within ``GRACE`` seconds: another process may be writing or importing it (it marks an entry used before
importing it, and writes it again if a cleaner removed it in between, see ``loader.generated_module``). Only
files whose names this module writes are ever removed.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

__all__ = ["PREFIX", "RULES_PREFIX", "KEEP", "MAX_AGE", "GRACE", "cache_dir", "mark_used", "last_used", "clean"]

PREFIX = "spikestudio_generated_"
RULES_PREFIX = "spikestudio_rules_"  # the generated learning rules' modules (``rule_loader``), kept alike
KEEP = 64  # entries kept whatever their age
MAX_AGE = 14 * 24 * 3600.0  # seconds: entries used this recently are kept too
GRACE = 3600.0  # seconds: an entry or temporary file this fresh is never removed

_ENTRY = re.compile(f"(?:{re.escape(PREFIX)}|{re.escape(RULES_PREFIX)})" + r"[0-9a-f]{24}\.py")
_TEMP = re.compile(r"tmp[^/\\]*\.tmp")  # tempfile.mkstemp(suffix=".tmp") names, left by a crash mid-write


def cache_dir() -> Path:
    """``SPIKESTUDIO_MODEL_CACHE``, else ``$XDG_CACHE_HOME/spikestudio/models`` (``~/.cache`` by default)."""
    if os.environ.get("SPIKESTUDIO_MODEL_CACHE"):
        return Path(os.environ["SPIKESTUDIO_MODEL_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "spikestudio" / "models"


def mark_used(path: Path) -> None:
    """Set ``path``'s access time to now and keep its modification time (a missing file is left alone)."""
    try:
        st = path.stat()
        os.utime(path, ns=(time.time_ns(), st.st_mtime_ns))
    except OSError:
        pass


def last_used(path: Path) -> float:
    """When ``path`` was last written or marked used (seconds since the epoch); raises OSError when missing."""
    st = path.stat()
    return max(st.st_atime, st.st_mtime)


def clean(folder: Path, keep: int | None = None, max_age: float | None = None, now: float | None = None) -> list[Path]:
    """Remove the entries of ``folder`` beyond the ``keep`` most recently used that were not used within
    ``max_age`` seconds (nor within ``GRACE``), their ``.pyc`` files, and temporary files older than ``GRACE``.
    ``keep`` and ``max_age`` default to ``KEEP`` and ``MAX_AGE``.

    Returns what it removed. Errors (a file gone already, no permission) skip that file.
    """
    now = time.time() if now is None else now
    keep = KEEP if keep is None else keep
    max_age = MAX_AGE if max_age is None else max_age
    oldest = now - max(max_age, GRACE)
    entries = []
    for path in _listing(folder, _ENTRY):
        try:
            entries.append((last_used(path), path))
        except OSError:
            continue
    entries.sort(reverse=True)
    removed = [path for _, path in entries[keep:] if _remove_if_older(path, oldest)]
    for path in removed:
        for pyc in _listing(folder / "__pycache__", re.compile(re.escape(path.stem) + r"\..*\.(?:pyc|nbi|nbc)")):
            _remove_if_older(pyc, now)
    removed += [path for path in _listing(folder, _TEMP) if _remove_if_older(path, now - GRACE)]
    return removed


def _listing(folder: Path, pattern: re.Pattern) -> list[Path]:
    try:
        return [folder / name for name in os.listdir(folder) if pattern.fullmatch(name)]
    except OSError:
        return []


def _remove_if_older(path: Path, oldest: float) -> bool:
    """Remove ``path`` if it was last used before ``oldest``, checked again just before removing it."""
    try:
        if last_used(path) >= oldest:
            return False
        path.unlink()
        return True
    except OSError:
        return False
