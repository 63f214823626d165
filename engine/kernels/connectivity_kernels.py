"""The compiled sampling kernels behind the connectivity rules: counter-based random streams, distinct
sorted draws per row, regrouping by source, and the gaussian rule's outward walks.

Every row of a kernel gets its own splitmix64 stream from (seed, row), so the wiring depends only on the
seed and the row, never on the thread or on numba's per-thread random state.

Compile time: these functions use element loops where numpy offers a one-liner. Array-to-array slice
assignment (``a[:k] = b``) and reductions such as ``.sum()``/``.max()`` pull numba's shape-error
formatting into the compiled code, which costs seconds of cold compile.
"""

from __future__ import annotations

import math

import numpy as np

from .jit import jit, jit_inline, jit_part

__all__ = ["sample_rows", "regroup_by_source", "gaussian_kernel", "axis_sum"]

# splitmix64 constants
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S11, _S27, _S30, _S31 = np.uint64(11), np.uint64(27), np.uint64(30), np.uint64(31)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_DIRECT_ABOVE = 0.25  # gaussian pairs likelier than this are drawn one by one rather than skipped to
_SCAN_FRACTION = 8  # a row keeping more than 1/8 of its candidates is read off the marks instead of sorted


# --- random streams ------------------------------------------------------------------------------


@jit_inline
def _mix(z):
    """splitmix64's finaliser: a bijection scrambling all 64 bits."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@jit_inline
def _stream(seed, row):
    """The start of row ``row``'s stream (a splitmix64 counter)."""
    return _mix(seed ^ (np.uint64(row) * _GOLDEN))


@jit_inline
def _uniform(state):
    """(next state, a float in [0, 1) with 53 random bits)."""
    state = state + _GOLDEN
    return state, np.float64(_mix(state) >> _S11) * _TO_UNIT


@jit_inline
def _below(state, m):
    """(next state, an integer uniform in [0, m))."""
    state, u = _uniform(state)
    return state, min(np.int64(u * m), m - 1)


# --- distinct sorted rows (fixed_probability, fixed_indegree, fixed_outdegree) -------------------


@jit_inline
def _floyd(row, k, m, mark, state):
    """``k`` distinct values of [0, m) into ``row`` (Floyd's algorithm, O(k) with a mark array)."""
    for i in range(k):
        j = m - k + i
        state, t = _below(state, j + 1)
        if mark[t]:
            t = j
        mark[t] = True
        row[i] = t
    return state


@jit_inline
def _bucket_sort(row, k, m, tmp, start):
    """Sort ``k`` values spread uniformly over [0, m) in O(k): k buckets, then an insertion pass."""
    for b in range(k + 1):
        start[b] = 0
    for i in range(k):
        start[row[i] * np.int64(k) // m + 1] += 1
    for b in range(k):
        start[b + 1] += start[b]
    for i in range(k):
        b = row[i] * np.int64(k) // m
        tmp[start[b]] = row[i]
        start[b] += 1
    for i in range(k):
        v, j = tmp[i], i - 1
        while j >= 0 and tmp[j] > v:
            tmp[j + 1] = tmp[j]
            j -= 1
        tmp[j + 1] = v
    for i in range(k):  # an element loop: a slice copy would compile numba's shape-mismatch error path
        row[i] = tmp[i]


@jit_inline
def _sorted_distinct(row, k, m, mark, tmp, start, state):
    """Distinct sorted values; the marks are cleared again for the next row."""
    state = _floyd(row, k, m, mark, state)
    if k * _SCAN_FRACTION >= m:
        i = 0
        for v in range(m):
            if mark[v]:
                row[i] = v
                i += 1
                mark[v] = False
    else:
        for i in range(k):
            mark[row[i]] = False
        _bucket_sort(row, k, m, tmp, start)
    return state


@jit
def sample_rows(counts, m, skip_diagonal, seed, out, mark, tmp, bucket_start):
    """Row r gets ``counts[r]`` distinct sorted values of [0, m) in ``out``, shifted past r when skipping the diagonal.

    The caller allocates (``connectivity._draw_distinct_rows``): allocating here would compile numba's
    ``np.empty`` for each dtype, a quarter of a second of cold compile. Sizes, unchecked: ``out`` holds
    ``sum(counts)``, ``mark`` ``m`` (all False), ``tmp`` ``max(counts)`` and ``bucket_start`` ``max(counts) + 1``.
    """
    start = 0
    for r in range(counts.size):
        k = counts[r]
        if k == 0:
            continue
        row = out[start:start + k]
        state = _stream(seed, r)
        _sorted_distinct(row, k, m, mark, tmp, bucket_start, state)
        if skip_diagonal:
            for i in range(k):
                if row[i] >= r:
                    row[i] += 1
        start += k


@jit
def regroup_by_source(sources, counts, n_pre):
    """(pre, post) sorted by pre then post from per-target source lists (stable counting sort)."""
    start = np.zeros(n_pre + 1, np.int64)
    for s in sources:
        start[s + 1] += 1
    for i in range(n_pre):
        start[i + 1] += start[i]
    pre = np.empty(sources.size, np.int32)
    post = np.empty(sources.size, np.int32)
    at = 0
    for t in range(counts.size):
        for _ in range(counts[t]):
            s = sources[at]
            pre[start[s]] = s
            post[start[s]] = t
            start[s] += 1
            at += 1
    return pre, post


# --- gaussian rule ------------------------------------------------------------------------------


@jit_part
def _walk(buf, a, c, coords, first, step, inv_two_s2, state):
    """Columns from ``first`` outwards (by ``step``) each kept with a * exp(-dx^2 / 2 sigma^2).

    Probabilities fall outwards, so the last one computed bounds all the rest: where it is small,
    skip ahead geometrically with it and thin by the true value; where large, draw pair by pair.
    Returns (count, state).
    """
    n, pos, end = 0, first, coords.size
    if pos < 0 or pos >= end:
        return 0, state
    dx = coords[pos] - c
    q = a * np.exp(-dx * dx * inv_two_s2)
    while q > 0.0:
        if q < _DIRECT_ABOVE:
            state, u = _uniform(state)
            jump = np.floor(np.log1p(-u) / np.log1p(-q))
            if jump > (pos if step < 0 else end - 1 - pos):
                break
            pos += step * np.int64(jump)
        dx = coords[pos] - c
        p = a * np.exp(-dx * dx * inv_two_s2)
        state, u = _uniform(state)
        if u * (q if q < _DIRECT_ABOVE else 1.0) < p:
            buf[n] = pos
            n += 1
        q = p
        pos += step
        if pos < 0 or pos >= end:
            break
    return n, state


@jit_part
def _faint_rows(pre, post, n, i, r, c, t, t_stop, step, ty, tx, p_max, inv_two_s2, skip_self, state):
    """Targets with flat index from ``t`` towards ``t_stop`` (exclusive) by ``step``, in one walk.

    Rows fade with distance from the source row, so the row factor of the latest row bounds every
    later pair: skip geometrically with it across row ends, thin by the true value.
    Returns (pre, post, n, state), the arrays grown when full.
    """
    n_tcols = tx.size
    q = 1.0
    if t != t_stop:
        dy = ty[t // n_tcols] - r
        q = p_max * np.exp(-dy * dy * inv_two_s2)
    while t != t_stop and q > 0.0:
        state, u = _uniform(state)
        jump = np.floor(np.log1p(-u) / np.log1p(-q))
        if jump >= (t_stop - t) * step:
            break
        t += step * np.int64(jump)
        tr, col = t // n_tcols, t % n_tcols
        dy, dx = ty[tr] - r, tx[col] - c
        a = p_max * np.exp(-dy * dy * inv_two_s2)
        state, u = _uniform(state)
        keep = u * q < a * np.exp(-dx * dx * inv_two_s2)
        q = a
        if keep and not (skip_self and t == i):
            if n == pre.size:
                pre, post = _grow(pre, n + 1), _grow(post, n + 1)
            pre[n] = i
            post[n] = t
            n += 1
        t += step
    return pre, post, n, state


@jit_part
def _reverse(arr, start, stop):
    """Reverse ``arr[start:stop]`` in place."""
    stop -= 1
    while start < stop:
        arr[start], arr[stop] = arr[stop], arr[start]
        start += 1
        stop -= 1


@jit_part
def _grow(arr, need):
    """A copy of ``arr`` with room for at least ``need`` elements (doubling)."""
    bigger = np.empty(max(2 * arr.size, need), arr.dtype)
    for i in range(arr.size):
        bigger[i] = arr[i]
    return bigger


@jit
def gaussian_kernel(n_cols, core_lo, core_hi, col_split, ty, tx, p_max, inv_two_s2, skip_self, seed, capacity):
    """Sorted (pre, post) of the gaussian rule, one source at a time in index order.

    Per source: faint rows above (walked backwards, then reversed), bright rows column by column
    outwards from the source column, faint rows below.
    """
    pre = np.empty(capacity, np.int32)
    post = np.empty(capacity, np.int32)
    left = np.empty(tx.size, np.int64)
    right = np.empty(tx.size, np.int64)
    n_tcols, n = tx.size, 0
    for i in range(core_lo.size * n_cols):
        r, c = i // n_cols, i % n_cols
        state = _stream(seed, i)
        first = n
        pre, post, n, state = _faint_rows(pre, post, n, i, r, c, core_lo[r] * n_tcols - 1, -1, -1, ty, tx, p_max,
                                          inv_two_s2, skip_self, state)
        _reverse(post, first, n)
        for tr in range(core_lo[r], core_hi[r]):
            dy = ty[tr] - r
            a = p_max * np.exp(-dy * dy * inv_two_s2)
            n_left, state = _walk(left, a, c, tx, col_split[c] - 1, -1, inv_two_s2, state)
            n_right, state = _walk(right, a, c, tx, col_split[c], 1, inv_two_s2, state)
            if n + n_left + n_right > pre.size:
                pre, post = _grow(pre, n + n_left + n_right), _grow(post, n + n_left + n_right)
            base = tr * n_tcols
            for j in range(n_left + n_right):
                col = left[n_left - 1 - j] if j < n_left else right[j - n_left]
                if skip_self and base + col == i:
                    continue
                pre[n] = i
                post[n] = base + col
                n += 1
        pre, post, n, state = _faint_rows(pre, post, n, i, r, c, core_hi[r] * n_tcols, ty.size * n_tcols, 1, ty, tx,
                                          p_max, inv_two_s2, skip_self, state)
    return pre[:n].copy(), post[:n].copy()


# --- expected gaussian counts -------------------------------------------------------------------


@jit
def axis_sum(n_src, coords, inv_two_s2):
    """Sum over source positions s and target coords t of exp(-(t-s)^2 / 2 sigma^2).

    Wide windows use Euler-Maclaurin (integral + end corrections), exact to rounding for a Gaussian
    many spacings wide, so the cost stays O(n_src * 256) whatever the grid.
    """
    h = coords[1] - coords[0] if coords.size > 1 else 1.0
    sigma = np.sqrt(0.5 / inv_two_s2)
    reach = 40.0 * sigma  # beyond this exp() underflows to 0
    total = 0.0
    for s in range(n_src):
        lo = np.searchsorted(coords, s - reach, side="left")
        hi = np.searchsorted(coords, s + reach, side="right")
        if hi - lo <= 256:
            for t in range(lo, hi):
                d = coords[t] - s
                total += np.exp(-d * d * inv_two_s2)
        else:
            total += _gauss_sum(coords[lo] - s, coords[hi - 1] - s, h, sigma)
    return total


@jit_part
def _gauss_sum(x0, x1, h, sigma):
    """Sum of exp(-x^2 / 2 sigma^2) over x0, x0 + h, ..., x1 by Euler-Maclaurin."""
    k = sigma * math.sqrt(2.0)
    f0, f1 = math.exp(-0.5 * (x0 / sigma) ** 2), math.exp(-0.5 * (x1 / sigma) ** 2)
    integral = sigma * math.sqrt(0.5 * math.pi) * (math.erf(x1 / k) - math.erf(x0 / k))
    slope = (-x1 * f1 + x0 * f0) / sigma**2
    return integral / h + 0.5 * (f0 + f1) + h / 12.0 * slope
