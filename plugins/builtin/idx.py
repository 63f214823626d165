"""Reader for the IDX format of MNIST and Fashion-MNIST (raw or gzip), checking every header field."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from ...engine.files.atomic_file import atomic_write
from ..api import DatasetError

__all__ = ["read_idx", "write_idx"]

# The third byte of the magic number gives the element type; MNIST uses unsigned bytes.
IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
             0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
MAX_BYTES = 1 << 31


def _open(path: Path):
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """The array in an IDX file; ``DatasetError`` says what is wrong with a missing, truncated or foreign file."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such file (MNIST files are named like train-images-idx3-ubyte.gz)")
    try:
        with _open(path) as f:
            header = f.read(4)
            if len(header) < 4 or header[:2] != b"\x00\x00" or header[2] not in IDX_TYPES or header[3] == 0:
                raise DatasetError(f"{path.name}: not an IDX file (bad magic number {header.hex() or 'empty'})")
            dtype, ndim = np.dtype(IDX_TYPES[header[2]]), header[3]
            dims_bytes = f.read(4 * ndim)
            if len(dims_bytes) < 4 * ndim:
                raise DatasetError(f"{path.name}: header ends early ({ndim} dimensions announced)")
            dims = tuple(int(d) for d in np.frombuffer(dims_bytes, ">u4"))
            size = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
            if size > MAX_BYTES:
                raise DatasetError(f"{path.name}: header announces {size} bytes, more than an IDX file may hold")
            data = f.read(size + 1)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DatasetError(f"{path.name}: cannot be read ({exc})") from None
    if len(data) != size:
        what = "more" if len(data) > size else "fewer"
        raise DatasetError(f"{path.name}: {what} data bytes than its header announces ({len(data)} vs {size})")
    return np.frombuffer(data, dtype).reshape(dims).astype(dtype.newbyteorder("="))


def write_idx(path: str | os.PathLike, array: np.ndarray, compress: bool = False) -> None:
    """Write an unsigned-byte IDX file (tests and small examples make their own files with it)."""
    array = np.asarray(array, np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    data = header + array.tobytes()
    data = gzip.compress(data) if compress else data
    atomic_write(path, lambda f: f.write(data))
