"""Arrays whose data start on a cache-line boundary.

The vectorised neuron passes stream v, refractory counts and synaptic state with 64-byte (AVX-512)
loads; numpy only promises 16-byte alignment, and a start off the cache line made the CUBA loop up
to 20 % slower, differently in each process (see benchmarks/README.md).

Only the array starts are aligned: a later population's slice is aligned when the sizes before it are
multiples of 8 neurons (as in every bundled example), otherwise its pass simply loses that speed-up.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ALIGN", "aligned_zeros", "aligned_copy", "is_aligned"]

ALIGN = 64  # bytes: one cache line, one AVX-512 register


def aligned_zeros(shape, dtype=np.float64) -> np.ndarray:
    """``np.zeros(shape, dtype)`` starting on an ``ALIGN``-byte boundary (C order)."""
    dtype = np.dtype(dtype)
    count = int(np.prod(shape, dtype=np.int64))
    raw = np.zeros(count * dtype.itemsize + ALIGN, np.uint8)
    skip = -raw.ctypes.data % ALIGN
    return raw[skip: skip + count * dtype.itemsize].view(dtype).reshape(shape)


def aligned_copy(array: np.ndarray) -> np.ndarray:
    """A C-ordered copy of ``array`` starting on an ``ALIGN``-byte boundary."""
    out = aligned_zeros(array.shape, array.dtype)
    out[...] = array
    return out


def is_aligned(array: np.ndarray) -> bool:
    """True when the data start on an ``ALIGN``-byte boundary (always for an empty array: nothing is loaded)."""
    return array.size == 0 or array.ctypes.data % ALIGN == 0
