"""Pieces shared by the script exporters: literals, identifiers, the header and helper code for the scripts."""

from __future__ import annotations

import numpy as np

from ..model.network import Distribution, Network
from .report import ExportReport
from .script_text import docstring, identifier, literal

__all__ = ["num", "ident", "array_literal", "dist_args", "header", "skips_autapses", "delay_steps", "HELPERS",
           "constant_value"]


def num(x) -> str:
    """A float literal that reads back to the same value (infinities as ``np.inf``)."""
    x = float(x)
    return repr(x) if np.isfinite(x) else ("np.inf" if x > 0 else "-np.inf")


def ident(item_id: str, prefix: str, used: set[str]) -> str:
    """A unique Python identifier for an item id (``E->E`` becomes ``S_E__E``)."""
    return identifier(item_id, prefix, used)


def array_literal(a, dtype: str) -> str:
    """``np.array([...], dtype=...)`` with every value written out."""
    values = np.asarray(a).ravel().tolist()
    return f"np.array({values!r}, dtype={dtype})"


def dataset_input_reason(item) -> str:
    """Why a dataset input is left out of an exported script or graph."""
    return (f"a dataset input ({item.dataset}, {item.encoder} encoding) is not exported: SpikeStudio encodes its "
            "samples when it builds the network")


def initial_values(dist, size: int, arrays=None) -> str:
    """The scripts' expression for a population's initial values: drawn, or written out one per neuron
    (through ``arrays``, a ``ScriptArrays``, when given)."""
    if isinstance(dist, np.ndarray):
        return arrays.literal(dist, "float") if arrays is not None else array_literal(dist, "float")
    return f"draw(rng, {size}, {dist_args(dist)})"


def dist_args(dist: Distribution) -> str:
    """The arguments of the scripts' ``draw`` helper after ``rng, n``."""
    a, b = {"constant": (dist.value, 0.0), "uniform": (dist.low, dist.high)}.get(dist.kind, (dist.mean, dist.std))
    lo = "None" if dist.min is None else num(dist.min)
    hi = "None" if dist.max is None else num(dist.max)
    redraw = ", redraw=True" if dist.redraw else ""
    return f'{literal(dist.kind)}, {num(a)}, {num(b)}, {lo}, {hi}{redraw}'


def constant_value(dist: Distribution) -> float | None:
    """The value a constant distribution gives (after clipping), else None."""
    if dist.kind != "constant":
        return None
    return float(np.clip(dist.value, dist.min, dist.max)) if (dist.min, dist.max) != (None, None) else dist.value


def skips_autapses(proj) -> bool:
    return proj.source == proj.target and not proj.allow_autapses


def delay_steps(delay_ms: float, dt: float) -> int:
    """Whole steps of a delay, at least one, as the engine rounds them."""
    return max(1, int(np.rint(min(delay_ms, 1e4) / dt)))


def header(net: Network, report: ExportReport, how_to_run: str) -> list[str]:
    """The script's module docstring: provenance, how to run it, what was left out or approximated (escaped)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("spikestudio")
    except PackageNotFoundError:
        ours = "unknown version"
    title = " ".join((net.metadata.title or "untitled network").split())
    lines = [f"Exported from SpikeStudio {ours}: a standalone {report.target} script.",
             f"Network: {title} (dt {net.dt} ms, duration {net.duration} ms, seed {net.seed}).", how_to_run,
             'It prints one line "RATE <population id> <mean rate in Hz>" per exported population.',
             *report.header_lines()]
    return [docstring(lines)]


HELPERS = '''
def draw(rng, n, kind, a, b, lo=None, hi=None, redraw=False):
    """n values: constant a, uniform in [a, b), normal (mean a, std b) or lognormal (values' mean a, std b),
    clipped to [lo, hi], or with redraw drawn again while outside it."""
    x = draw(rng, n, kind, a, b) if redraw else None
    while redraw:
        out = np.flatnonzero((x < (-np.inf if lo is None else lo)) | (x > (np.inf if hi is None else hi)))
        if not out.size:
            return x
        x[out] = draw(rng, out.size, kind, a, b)
    if kind == "constant":
        x = np.full(n, float(a))
    elif kind == "uniform":
        x = rng.uniform(a, b, n)
    elif kind == "normal":
        x = rng.normal(a, b, n)
    else:
        s2 = np.log1p((b / a) ** 2)
        x = rng.lognormal(np.log(a) - 0.5 * s2, np.sqrt(s2), n)
    return np.clip(x, lo, hi) if lo is not None or hi is not None else x


def load_array(name):
    """An array the export saved beside this script (a plain .npy file)."""
    import os
    return np.load(os.path.join(os.path.dirname(os.path.abspath(__file__)), name), allow_pickle=False)


def delay_steps(d, dt):
    """Delays in whole steps, at least one (SpikeStudio's rounding)."""
    return np.maximum(np.rint(np.minimum(d, 1e4) / dt), 1)


def distinct_rows(rng, counts, m, skip):
    """counts[r] distinct indices of range(m) per row r, without r itself when skip, concatenated."""
    rows = []
    for r, c in enumerate(counts):
        x = np.sort(rng.choice(m - skip, int(c), replace=False))
        rows.append(x + (x >= r) if skip else x)
    return np.concatenate(rows).astype(np.int64) if rows else np.zeros(0, np.int64)


def fixed_indegree(rng, n_pre, n_post, k, skip):
    return distinct_rows(rng, np.full(n_post, k), n_pre, skip), np.repeat(np.arange(n_post), k)


def fixed_outdegree(rng, n_pre, n_post, k, skip):
    return np.repeat(np.arange(n_pre), k), distinct_rows(rng, np.full(n_pre, k), n_post, skip)


def fixed_total(rng, n_pre, n_post, n, skip, multapses=0):
    m = n_post - skip
    flat = np.sort(rng.choice(n_pre * m, n, replace=bool(multapses) or n > n_pre * m))
    pre = flat // m
    post = flat - pre * m
    return pre, post + (post >= pre) if skip else post
'''
