"""Arrays an exported script reads: inline when small, else ``.npy`` files written beside the script.

A realised network's synapse lists run to hundreds of thousands of entries; as literals they would make a
script of many megabytes that Python parses slowly, so they travel as plain ``.npy`` files (no pickles).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..files.archive_writer import atomic_write
from ._common import array_literal

__all__ = ["ScriptArrays", "INLINE_MAX", "write_script"]

INLINE_MAX = 2000  # values; a larger array goes into a file when the script has a place to put it
DTYPES = {"np.int64": np.int64, "float": np.float64, "np.uint8": np.uint8}


class ScriptArrays:
    """Collects the arrays a script loads; ``stem`` (the script's file name without suffix) names their files.

    Without a stem every array is written inline (a script with no files beside it).
    """

    def __init__(self, stem: str | None = None, inline_max: int = INLINE_MAX):
        self.stem, self.inline_max = stem, inline_max
        self.files: dict[str, np.ndarray] = {}

    def literal(self, values, dtype: str) -> str:
        """The script's expression for ``values``: ``np.array([...])`` or ``load_array('<stem>.<k>.npy')``."""
        a = np.asarray(values)
        if self.stem is None or (a.size <= self.inline_max and a.ndim <= 1):
            return array_literal(a, dtype)
        name = f"{self.stem}.{len(self.files)}.npy"
        self.files[name] = np.ascontiguousarray(a, DTYPES[dtype])
        return f"load_array({name!r})"


def write_script(path: Path, text: str, arrays: ScriptArrays) -> list[Path]:
    """Write the arrays beside ``path``, then the script, each atomically; returns the files written."""
    path = Path(path)
    written = []
    for name, a in arrays.files.items():
        target = path.with_name(name)
        atomic_write(target, lambda f, a=a: np.save(f, a, allow_pickle=False))
        written.append(target)
    atomic_write(path, lambda f: f.write(text.encode("utf-8")))
    return [*written, path]
