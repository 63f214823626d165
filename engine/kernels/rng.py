"""A small xorshift64* generator for compiled kernels: seeded explicitly, identical in every thread.

numba's own ``np.random`` state is per thread, so a run in the GUI's worker thread would not repeat
a run in the main thread; this generator keeps its state in an array the simulator owns.
"""

import numba
import numpy as np

from .jit import jit_inline

__all__ = ["seed_state", "next_u64", "uniform", "normal", "counter_key", "counter_base", "counter_uniform"]

_M = np.uint64(2685821657736338717)
_S12, _S25, _S27, _S11 = np.uint64(12), np.uint64(25), np.uint64(27), np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_GAMMA = np.uint64(0x9E3779B97F4A7C15)  # splitmix64's increment (odd: step * stride + i -> base is one-to-one)
_GAMMA2 = np.uint64(0xD1B54A32D192ED03)  # between the draws of one neuron and step
_MIX1, _MIX2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S31 = np.uint64(30), np.uint64(31)


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


def counter_key(seed: int) -> int:
    """A key for ``counter_base`` from a network's seed: not zero (0 means "no counter-based draws"), below 2**63
    (it lives in an int64 array), unrelated to ``seed_state``'s stream."""
    return int(seed_state(int(seed) ^ 0x5DEECE66D)[0]) >> 1 or 1


@jit_inline
def counter_base(key, step, i, stride):
    """The start of neuron ``i``'s draws in ``step`` (counter-based: no state, so any thread may draw any
    neuron's numbers and get the same ones: ``stride`` > every ``i``)."""
    return numba.uint64(key) + (numba.uint64(step) * numba.uint64(stride) + numba.uint64(i)) * _GAMMA


@jit_inline
def counter_uniform(base, j):
    """Draw ``j`` (0, 1, ...) of a ``counter_base``: splitmix64's finaliser, a float in [0, 1) with 53 bits."""
    z = base + numba.uint64(j) * _GAMMA2
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    z = z ^ (z >> _S31)
    return numba.float64(z >> _S11) * _TO_UNIT
