"""A small xorshift64* generator for compiled kernels: seeded explicitly, identical in every thread.

numba's own ``np.random`` state is per thread, so a run in the GUI's worker thread would not repeat
a run in the main thread; this generator keeps its state in an array the simulator owns.
"""

import numba
import numpy as np

from .jit import jit_inline

__all__ = ["seed_state", "next_u64", "uniform", "normal"]

_M = np.uint64(2685821657736338717)
_S12, _S25, _S27, _S11 = np.uint64(12), np.uint64(25), np.uint64(27), np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53


def seed_state(seed: int) -> np.ndarray:
    """A non-zero state from any seed (splitmix64 scrambling, so nearby seeds give unrelated streams)."""
    z = (int(seed) + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    z ^= z >> 31
    return np.array([z or 1], dtype=np.uint64)


@jit_inline
def next_u64(state):
    x = state[0]
    x ^= x >> _S12
    x ^= x << _S25
    x ^= x >> _S27
    state[0] = x
    return x * _M


@jit_inline
def uniform(state):
    """A float in [0, 1) with 53 random bits."""
    return numba.float64(next_u64(state) >> _S11) * _TO_UNIT


@jit_inline
def normal(state):
    """A standard normal deviate (Box-Muller; one of the pair is dropped to keep no hidden state)."""
    u1 = 1.0 - uniform(state)
    u2 = uniform(state)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
