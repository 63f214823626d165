"""Event-camera recordings in the N-MNIST / N-Caltech101 binary format: 40-bit events, read and written.

Each event is 5 bytes: x (8 bits), y (8 bits), then polarity (1 bit) and a 23-bit timestamp in
microseconds, most significant bits first (Orchard et al. 2015).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...engine.files.atomic_file import atomic_write
from ..api import EVENT_DTYPE, DatasetError

__all__ = ["read_events", "write_events", "MAX_EVENTS"]

MAX_EVENTS = 50_000_000


def read_events(path: str | os.PathLike) -> np.ndarray:
    """All events of a recording as an ``EVENT_DTYPE`` array, in file order."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such file (N-MNIST recordings are .bin files)")
    size = path.stat().st_size
    if size % 5:
        raise DatasetError(f"{path.name}: {size} bytes is not a whole number of 5-byte events")
    if size // 5 > MAX_EVENTS:
        raise DatasetError(f"{path.name}: {size // 5} events, more than {MAX_EVENTS} in one recording")
    raw = np.fromfile(path, np.uint8).reshape(-1, 5).astype(np.int64)
    events = np.empty(len(raw), EVENT_DTYPE)
    events["x"], events["y"] = raw[:, 0], raw[:, 1]
    events["p"] = raw[:, 2] >> 7
    events["t"] = ((raw[:, 2] & 0x7F) << 16) | (raw[:, 3] << 8) | raw[:, 4]
    return events


def write_events(path: str | os.PathLike, events: np.ndarray) -> None:
    """Write events in the same 40-bit format (x, y < 256; t < 2**23 us)."""
    events = np.asarray(events, EVENT_DTYPE)
    if len(events) and (events["x"].max() > 255 or events["y"].max() > 255 or events["t"].max() >= 1 << 23
                        or events["x"].min() < 0 or events["y"].min() < 0 or events["t"].min() < 0):
        raise DatasetError("events out of the format's range (x, y in [0, 255], t in [0, 2**23) us)")
    raw = np.empty((len(events), 5), np.uint8)
    t = events["t"].astype(np.int64)
    raw[:, 0], raw[:, 1] = events["x"], events["y"]
    raw[:, 2] = (events["p"].astype(np.int64) << 7) | ((t >> 16) & 0x7F)
    raw[:, 3], raw[:, 4] = (t >> 8) & 0xFF, t & 0xFF
    atomic_write(path, lambda f: f.write(raw.tobytes()))
