"""Results written to disk as a run goes: everything recorded, in ``Results.save``'s .npz layout, in bounded memory.

Each chunk's spikes, trace samples and rate bins are appended to raw files in a hidden folder beside the target;
``finish`` writes the .npz from them piece by piece (atomically) and removes the folder. Memory stays that of
one piece however long the run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

from ..files.archive_writer import atomic_write
from .results import Results

__all__ = ["ResultsStream"]

_PIECE = 1 << 20  # values per piece when copying into the .npz


class ResultsStream:
    """A ``Results.sink`` that keeps every recording on disk; ``finish`` writes the .npz, ``close`` drops it all."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", dir=self.path.parent))
        self.columns: dict[str, tuple[np.dtype, int, int]] = {}  # key -> (dtype, columns, rows written)

    def add(self, results: Results, steps: np.ndarray, ids: np.ndarray, traces: dict, rates: dict) -> None:
        for nid in results.spike_recorded:
            start, size = results.node_range(nid)
            mask = (ids >= start) & (ids < start + size)
            self._append(f"spikes/{nid}/times_ms", steps[mask] * results.dt)
            self._append(f"spikes/{nid}/ids", ids[mask] - start)
        for rid, values in traces.items():
            self._append(f"traces/{rid}/values", values)
        for rid, counts in rates.items():
            self._append(f"rates/{rid}/counts", counts.astype(np.int64))

    def _append(self, key: str, values: np.ndarray) -> None:
        dtype, cols, rows = self.columns.get(key, (values.dtype, values.shape[1] if values.ndim == 2 else 0, 0))
        self.columns[key] = (dtype, cols, rows + values.shape[0])
        with open(self._file(key), "ab") as f:
            f.write(np.ascontiguousarray(values, dtype=dtype).tobytes())

    def _file(self, key: str) -> Path:
        return self.folder / f"{list(self.columns).index(key)}.raw"

    def _pieces(self, key: str):
        """The values appended under ``key``, read back a piece at a time (rows x columns for traces)."""
        if key not in self.columns:
            return
        dtype, cols, rows = self.columns[key]
        width = max(cols, 1)
        with open(self._file(key), "rb") as f:
            for first in range(0, rows, max(1, _PIECE // width)):
                n = min(max(1, _PIECE // width), rows - first)
                piece = np.frombuffer(f.read(n * width * dtype.itemsize), dtype)
                yield piece.reshape(n, cols) if cols else piece

    def finish(self, results: Results) -> Path:
        """Write the .npz: the same names as ``Results.save``, every recording whole (kept from 0 ms)."""
        try:
            atomic_write(self.path, lambda f: self._write_npz(f, results))
        finally:
            self.close()
        return self.path

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _write_npz(self, f, results: Results) -> None:
        small = {key: value for key, value in results.to_arrays().items()
                 if not key.startswith(("spikes/", "traces/", "rates/"))}
        small.update({key: np.array(0.0) for key in small if key.endswith("kept_from_ms")})
        with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            for key, value in small.items():
                _write_member(zf, key, value.dtype, value.shape, [value])
            for nid in results.spike_recorded:
                for name, dtype in (("times_ms", np.float64), ("ids", np.int64)):
                    key = f"spikes/{nid}/{name}"
                    rows = self.columns.get(key, (None, 0, 0))[2]
                    _write_member(zf, key, np.dtype(dtype), (rows,), self._pieces(key))
            for rid in results.trace_ids:
                self._write_trace(zf, results, rid)
            for rid in results.rate_ids:
                self._write_rate(zf, results, rid)

    def _write_trace(self, zf, results: Results, rid: str) -> None:
        key, n_cols = f"traces/{rid}/values", results.trace_columns(rid)
        rows = self.columns.get(key, (None, 0, 0))[2]
        step = results.trace_interval(rid)
        _write_member(zf, f"traces/{rid}/t_ms", np.dtype(np.float64), (rows,), _ramp(rows, step))
        _write_member(zf, key, np.dtype(np.float64), (rows, n_cols), self._pieces(key))

    def _write_rate(self, zf, results: Results, rid: str) -> None:
        key = f"rates/{rid}/counts"
        rows = self.columns.get(key, (None, 0, 0))[2]
        width, size = results.rate_bin(rid)
        _write_member(zf, f"rates/{rid}/t_ms", np.dtype(np.float64), (rows,), _ramp(rows, width))
        _write_member(zf, f"rates/{rid}/rate_hz", np.dtype(np.float64), (rows,),
                      (piece / size / (width * 1e-3) for piece in self._pieces(key)))


def _ramp(n: int, step: float):
    for first in range(0, n, _PIECE):
        yield (first + np.arange(min(_PIECE, n - first))) * step


def _write_member(zf: zipfile.ZipFile, key: str, dtype: np.dtype, shape: tuple, pieces) -> None:
    """One .npy member written piece by piece (what ``np.load`` of the .npz reads back as ``key``)."""
    with zf.open(f"{key}.npy", "w", force_zip64=True) as member:
        header = {"descr": npy_format.dtype_to_descr(dtype), "fortran_order": False, "shape": shape}
        npy_format.write_array_header_1_0(member, header)
        for piece in pieces:
            member.write(np.ascontiguousarray(piece, dtype=dtype).tobytes())
