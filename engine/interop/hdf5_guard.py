"""Checks a HDF5 file before anything in it is read: a NIR graph from a stranger must be safe to open.

HDF5 can declare datasets far larger than the file (compressed), link to other files or point at
external raw data; reading such a file could exhaust memory or read files the user never chose.
"""

from __future__ import annotations

from pathlib import Path

from ..model.params import Problem

__all__ = ["hdf5_problems", "MAX_BYTES", "MAX_OBJECTS"]

MAX_BYTES = 1 << 30  # what all datasets together may hold once read (a NIR graph of a big network is ~100 MB)
MAX_OBJECTS = 100_000


def hdf5_problems(path: Path) -> list[Problem]:
    """Why reading ``path`` would be unsafe (empty when it is fine to read); opens the file without reading data."""
    import h5py

    where = str(path)
    problems: list[Problem] = []
    total, count = 0, 0
    with h5py.File(path, "r") as f:
        pending = [("", f)]
        while pending:
            name, group = pending.pop()
            for key in group.keys():
                link = group.get(key, getlink=True)
                full = f"{name}/{key}"
                if isinstance(link, (h5py.ExternalLink, h5py.SoftLink)):
                    problems.append(Problem(f"{where}:{full}", "a link to elsewhere (NIR files hold their data)"))
                    continue
                count += 1
                if count > MAX_OBJECTS:
                    return [Problem(where, f"more than {MAX_OBJECTS} objects; not a NIR graph SpikeStudio reads")]
                item = group[key]
                if isinstance(item, h5py.Group):
                    pending.append((full, item))
                    continue
                if item.external or item.is_virtual:
                    problems.append(Problem(f"{where}:{full}", "data stored outside the file"))
                    continue
                total += item.size * max(item.dtype.itemsize, 1)
                if total > MAX_BYTES:
                    return [Problem(where, f"its datasets would take more than {MAX_BYTES >> 20} MiB of memory "
                                    "once read")]
    return problems
