"""Connectivity rules: which neurons connect, drawn reproducibly from a seed without dense matrices."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import numpy as np

from .catalog import CONNECTIVITY_RULES
from .errors import BuildError
from .jit import jit
from .network import Distribution, Projection
from .params import fill_params

__all__ = [
    "projection_seed",
    "connect",
    "connect_with_order",
    "draw_values",
    "expected_synapse_count",
]

# splitmix64 constants: each row of a kernel gets its own counter-based stream, so the wiring depends
# only on the seed and the row, never on the thread or on numba's per-thread random state.
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S11, _S27, _S30, _S31 = np.uint64(11), np.uint64(27), np.uint64(30), np.uint64(31)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_DIRECT_ABOVE = 0.25  # gaussian pairs likelier than this are drawn one by one rather than skipped to
_SCAN_FRACTION = 8  # a row keeping more than 1/8 of its candidates is read off the marks instead of sorted


# --- public API ---------------------------------------------------------------------------------


def projection_seed(network_seed: int, projection_id: str) -> int:
    """A 63-bit seed from the network seed and an id: adding a projection never rewires another."""
    h = hashlib.blake2b(digest_size=8, person=b"SpikeStudio-conn")
    h.update(int(network_seed).to_bytes(16, "little", signed=True))
    h.update(projection_id.encode("utf-8"))
    return int.from_bytes(h.digest(), "little") >> 1


def connect(proj: Projection, n_pre: int, n_post: int, pre_grid=None, post_grid=None,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The (pre, post) int32 synapse arrays of ``proj``, sorted by pre then post."""
    pre, post, _ = connect_with_order(proj, n_pre, n_post, pre_grid, post_grid, seed)
    return pre, post


def connect_with_order(proj: Projection, n_pre: int, n_post: int, pre_grid=None, post_grid=None,
                       seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Like ``connect``, plus the permutation that sorted explicit arrays (None for drawn rules).

    ``proj.weights[order]`` then lines up with the returned synapses. Explicit synapses are kept as
    given, autapses included; every drawn rule skips i -> i when source is target and autapses are off.
    ``fixed_total`` draws distinct pairs while n fits, otherwise pairs with replacement (multapses).
    """
    if proj.rule == "explicit":
        return _explicit(proj)
    build = _RULES.get(proj.rule)
    if build is None:
        raise BuildError(f'projection "{proj.id}": unknown connectivity rule "{proj.rule}"')
    job = _job(proj, n_pre, n_post, pre_grid, post_grid, seed)
    pre, post = build(job)
    return pre, post, None


def draw_values(dist: Distribution, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` float64 draws from ``dist``, clipped to [min, max]; lognormal mean/std are the values' own."""
    kind = dist.kind
    if kind == "constant":
        values = np.full(n, float(dist.value))
    elif kind == "uniform":
        values = rng.uniform(dist.low, dist.high, n)
    elif kind == "normal":
        values = rng.normal(dist.mean, dist.std, n)
    elif kind == "lognormal":
        values = rng.lognormal(*_lognormal_mu_sigma(dist.mean, dist.std), n)
    else:
        raise BuildError(f'unknown distribution "{kind}"')
    if dist.min is not None:
        np.maximum(values, dist.min, out=values)
    if dist.max is not None:
        np.minimum(values, dist.max, out=values)
    return values


def expected_synapse_count(proj: Projection, n_pre: int, n_post: int, pre_grid=None, post_grid=None) -> int:
    """Synapses ``proj`` will make on average, computed without allocating them (memory checks)."""
    if proj.rule == "explicit":
        return 0 if proj.pre is None else int(np.size(proj.pre))
    params = _params(proj)
    skip = _skips_autapses(proj)
    m = max(n_post - skip, 0)
    counts = {
        "all_to_all": lambda: n_pre * m,
        "one_to_one": lambda: 0 if skip else min(n_pre, n_post),
        "fixed_probability": lambda: round(params.get("p", 0.0) * n_pre * m),
        "fixed_indegree": lambda: int(params.get("k", 0)) * n_post,
        "fixed_outdegree": lambda: int(params.get("k", 0)) * n_pre,
        "fixed_total": lambda: int(params.get("n", 0)),
        "gaussian": lambda: round(_gaussian_expected(params, n_pre, n_post, skip, pre_grid, post_grid)),
    }
    count = counts.get(proj.rule)
    return 0 if count is None else int(count())


# --- rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """Everything a rule needs: sizes, whether i -> i is forbidden, grids, parameters and a generator."""

    name: str
    n_pre: int
    n_post: int
    skip: bool
    pre_grid: tuple | None
    post_grid: tuple | None
    params: dict
    rng: np.random.Generator

    def kernel_seed(self) -> np.uint64:
        """A seed for the compiled kernels, drawn from the projection's generator."""
        return np.uint64(self.rng.integers(0, 2**64, dtype=np.uint64))


def _job(proj, n_pre, n_post, pre_grid, post_grid, seed) -> _Job:
    skip = _skips_autapses(proj)
    if skip and n_pre != n_post:
        raise BuildError(f'projection "{proj.id}": a node connected to itself has one size, got {n_pre} and {n_post}')
    rng = np.random.default_rng(int(seed))
    return _Job(proj.id, int(n_pre), int(n_post), skip, pre_grid, post_grid, _params(proj), rng)


def _params(proj: Projection) -> dict:
    specs = CONNECTIVITY_RULES.get(proj.rule, {})
    return fill_params(specs, {k: v for k, v in proj.rule_params.items() if k in specs})


def _skips_autapses(proj: Projection) -> bool:
    return proj.source == proj.target and not proj.allow_autapses


def _empty() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(0, np.int32), np.zeros(0, np.int32)


def _all_to_all(job: _Job):
    """Inherently dense: every pre with every post (minus the diagonal when autapses are off)."""
    m = job.n_post - job.skip
    pre = np.repeat(np.arange(job.n_pre, dtype=np.int32), m)
    post = np.tile(np.arange(m, dtype=np.int32), job.n_pre)
    if job.skip:
        post += post >= pre
    return pre, post


def _one_to_one(job: _Job):
    """i -> i; a node onto itself without autapses therefore gets no synapses."""
    if job.n_pre != job.n_post:
        raise BuildError(f'projection "{job.name}": one_to_one needs equal sizes, got {job.n_pre} and {job.n_post}')
    if job.skip:
        return _empty()
    idx = np.arange(job.n_pre, dtype=np.int32)
    return idx, idx.copy()


def _fixed_probability(job: _Job):
    """Bernoulli per pair = a binomial count per source, then that many distinct targets uniformly."""
    m = job.n_post - job.skip
    counts = job.rng.binomial(m, float(job.params["p"]), job.n_pre) if m > 0 else np.zeros(job.n_pre, np.int64)
    return _rows_out(counts, m, job)


def _fixed_outdegree(job: _Job):
    k, m = int(job.params["k"]), job.n_post - job.skip
    _check_degree(job, k, m, "outputs per source", "targets")
    return _rows_out(np.full(job.n_pre, k, np.int64), m, job)


def _fixed_indegree(job: _Job):
    """Sources drawn per target, then regrouped by source with a stable counting sort."""
    k, m = int(job.params["k"]), job.n_pre - job.skip
    _check_degree(job, k, m, "inputs per target", "sources")
    counts = np.full(job.n_post, k, np.int64)
    sources = _sample_rows(counts, m, job.skip, job.kernel_seed())
    return _regroup_by_source(sources, counts, job.n_pre)


def _fixed_total(job: _Job):
    """Exactly n synapses over the flattened pair space, distinct while n fits in it."""
    n, m = int(job.params["n"]), job.n_post - job.skip
    if n == 0:
        return _empty()
    pairs = job.n_pre * max(m, 0)
    if not pairs:
        raise BuildError(f'projection "{job.name}": {n} synapses requested but there is no possible pair')
    if n <= pairs:
        flat = _distinct_sorted(pairs, n, job.rng)
    else:
        flat = np.sort(job.rng.integers(0, pairs, n))
    pre = flat // m
    post = flat - pre * m
    if job.skip:
        post += post >= pre
    return pre.astype(np.int32), post.astype(np.int32)


def _gaussian(job: _Job):
    """Per source, targets are walked outwards with thinned geometric skips: work grows with synapses."""
    geo = _GaussianGeometry.of(job.params, job.n_pre, job.n_post, job.pre_grid, job.post_grid, job.name)
    if geo.p_max <= 0.0:
        return _empty()
    capacity = int(1.1 * _gaussian_expected(job.params, job.n_pre, job.n_post, job.skip, job.pre_grid,
                                            job.post_grid)) + 1024
    return _gaussian_kernel(geo.src_shape[1], geo.core_lo, geo.core_hi, geo.col_split, geo.ty, geo.tx,
                            geo.p_max, geo.inv_two_s2, job.skip, job.kernel_seed(), capacity)


def _explicit(proj: Projection):
    """The given arrays, sorted by (pre, post); ``order`` lets weights and delays follow."""
    if proj.pre is None or proj.post is None:
        raise BuildError(f'projection "{proj.id}": the explicit rule needs pre and post arrays')
    pre, post = np.asarray(proj.pre), np.asarray(proj.post)
    if pre.shape != post.shape:
        raise BuildError(f'projection "{proj.id}": {post.size} post indices for {pre.size} pre indices')
    order = np.lexsort((post, pre))
    return pre[order].astype(np.int32), post[order].astype(np.int32), order


_RULES = {
    "all_to_all": _all_to_all,
    "one_to_one": _one_to_one,
    "fixed_probability": _fixed_probability,
    "fixed_indegree": _fixed_indegree,
    "fixed_outdegree": _fixed_outdegree,
    "fixed_total": _fixed_total,
    "gaussian": _gaussian,
}


def _check_degree(job: _Job, k: int, m: int, what: str, of: str) -> None:
    if not 0 <= k <= max(m, 0):
        raise BuildError(f'projection "{job.name}": {k} {what} but only {max(m, 0)} possible {of}')


def _rows_out(counts: np.ndarray, m: int, job: _Job):
    """Synapses grouped by source: ``counts[i]`` distinct targets of source i."""
    post = _sample_rows(counts, max(m, 0), job.skip, job.kernel_seed())
    return _source_index(counts), post


def _distinct_sorted(pairs: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` distinct values of [0, pairs), uniformly, sorted: rejection of repeats, or of the complement."""
    if n > pairs // 2:
        keep = np.ones(pairs, bool)
        keep[_distinct_sorted(pairs, pairs - n, rng)] = False
        return np.flatnonzero(keep)
    chosen = np.unique(rng.integers(0, pairs, n))
    while chosen.size < n:
        extra = np.unique(rng.integers(0, pairs, n - chosen.size))
        at = np.searchsorted(chosen, extra)
        new = chosen[np.minimum(at, chosen.size - 1)] != extra
        chosen = np.insert(chosen, at[new], extra[new])
    return chosen


def _lognormal_mu_sigma(mean: float, std: float) -> tuple[float, float]:
    """Parameters of the underlying normal giving values with this mean and std."""
    sigma2 = math.log1p((std / mean) ** 2)
    return math.log(mean) - 0.5 * sigma2, math.sqrt(sigma2)


# --- gaussian geometry ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _GaussianGeometry:
    """Target positions in the source grid's frame and, per source row/column, where walks start.

    Per source row, ``core_lo:core_hi`` are the target rows bright enough (p_max * row factor * target
    columns > 1) to walk column by column; fainter rows above and below are crossed in one skip.
    """

    src_shape: tuple[int, int]
    ty: np.ndarray
    tx: np.ndarray
    p_max: float
    inv_two_s2: float
    core_lo: np.ndarray
    core_hi: np.ndarray
    col_split: np.ndarray

    @classmethod
    def of(cls, params, n_pre, n_post, pre_grid, post_grid, name) -> _GaussianGeometry:
        src, tgt = _grid(pre_grid, n_pre, name, "source"), _grid(post_grid, n_post, name, "target")
        ty, tx = _frame(src[0], tgt[0]), _frame(src[1], tgt[1])
        p_max, sigma = float(params["p_max"]), float(params["sigma"])
        if not sigma > 0.0:
            raise BuildError(f'projection "{name}": gaussian sigma must be > 0, got {sigma}')
        bright = p_max * tgt[1]
        core = sigma * math.sqrt(2.0 * math.log(bright)) if bright > 1.0 else 0.0
        rows = np.arange(src[0], dtype=np.float64)
        split = np.searchsorted(ty, rows, "right")
        core_lo = np.minimum(np.searchsorted(ty, rows - core, "right"), split)
        core_hi = np.maximum(np.searchsorted(ty, rows + core, "left"), split)
        return cls(src, ty, tx, p_max, 0.5 / sigma**2, core_lo, core_hi,
                   np.searchsorted(tx, np.arange(src[1], dtype=np.float64), "right"))


def _grid(grid, n: int, name: str, end: str) -> tuple[int, int]:
    if grid is None or len(grid) != 2 or int(grid[0]) * int(grid[1]) != n:
        raise BuildError(f'projection "{name}": gaussian connectivity needs a {end} grid holding {n} neurons, '
                         f"got {grid}")
    return int(grid[0]), int(grid[1])


def _frame(n_src: int, n_tgt: int) -> np.ndarray:
    """Target coordinates along one axis in source spacings (centres aligned; identity for equal sizes)."""
    return (np.arange(n_tgt, dtype=np.float64) + 0.5) * (n_src / n_tgt) - 0.5


def _gaussian_expected(params, n_pre, n_post, skip, pre_grid, post_grid) -> float:
    """Exact by separability: p_max * (sum over row pairs) * (sum over column pairs) - self pairs."""
    geo = _GaussianGeometry.of(params, n_pre, n_post, pre_grid, post_grid, "?")
    row_sum = _axis_sum(geo.src_shape[0], geo.ty, geo.inv_two_s2)
    col_sum = _axis_sum(geo.src_shape[1], geo.tx, geo.inv_two_s2)
    return max(geo.p_max * row_sum * col_sum - skip * n_pre * geo.p_max, 0.0)


# --- compiled kernels ----------------------------------------------------------------------------


@jit
def _mix(z):
    """splitmix64's finaliser: a bijection scrambling all 64 bits."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@jit
def _stream(seed, row):
    """The start of row ``row``'s stream (a splitmix64 counter)."""
    return _mix(seed ^ (np.uint64(row) * _GOLDEN))


@jit
def _uniform(state):
    """(next state, a float in [0, 1) with 53 random bits)."""
    state = state + _GOLDEN
    return state, np.float64(_mix(state) >> _S11) * _TO_UNIT


@jit
def _below(state, m):
    """(next state, an integer uniform in [0, m))."""
    state, u = _uniform(state)
    return state, min(np.int64(u * m), m - 1)


@jit
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


@jit
def _bucket_sort(row, k, m, tmp, start):
    """Sort ``k`` values spread uniformly over [0, m) in O(k): k buckets, then an insertion pass."""
    start[:k + 1] = 0
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


@jit
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
def _sample_rows(counts, m, skip_diagonal, seed):
    """Row r gets ``counts[r]`` distinct sorted values of [0, m), shifted past r when skipping the diagonal."""
    total, widest = 0, 0
    for c in counts:  # plain loops: numpy's sum/max would add their own compile time
        total += c
        widest = max(widest, c)
    out = np.empty(total, np.int32)
    mark = np.zeros(m, np.bool_)
    tmp, bucket_start = np.empty(widest, np.int32), np.empty(widest + 1, np.int64)
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
    return out


@jit
def _source_index(counts):
    """Each source index repeated by its count (np.repeat, without its int64 temporaries)."""
    pre = np.empty(counts.sum(), np.int32)
    at = 0
    for i in range(counts.size):
        pre[at:at + counts[i]] = i
        at += counts[i]
    return pre


@jit
def _regroup_by_source(sources, counts, n_pre):
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


@jit
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


@jit
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


@jit
def _reverse(arr, start, stop):
    """Reverse ``arr[start:stop]`` in place."""
    stop -= 1
    while start < stop:
        arr[start], arr[stop] = arr[stop], arr[start]
        start += 1
        stop -= 1


@jit
def _grow(arr, need):
    bigger = np.empty(max(2 * arr.size, need), arr.dtype)
    bigger[:arr.size] = arr
    return bigger


@jit
def _gaussian_kernel(n_cols, core_lo, core_hi, col_split, ty, tx, p_max, inv_two_s2, skip_self, seed, capacity):
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


@jit
def _axis_sum(n_src, coords, inv_two_s2):
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


@jit
def _gauss_sum(x0, x1, h, sigma):
    """Sum of exp(-x^2 / 2 sigma^2) over x0, x0 + h, ..., x1 by Euler-Maclaurin."""
    k = sigma * math.sqrt(2.0)
    f0, f1 = math.exp(-0.5 * (x0 / sigma) ** 2), math.exp(-0.5 * (x1 / sigma) ** 2)
    integral = sigma * math.sqrt(0.5 * math.pi) * (math.erf(x1 / k) - math.erf(x0 / k))
    slope = (-x1 * f1 + x0 * f0) / sigma**2
    return integral / h + 0.5 * (f0 + f1) + h / 12.0 * slope
