"""Every root of a smooth function of one variable over sample points: the samples find its turning points,
each refined to machine precision, and between two turning points the function is monotonic, so a sign change
there is one root. Two roots closer than the samples (a saddle-node about to happen) are found too: the turning
point between them is refined and falls below zero. Refining samples a bracket at ``ZOOM`` points at a time
(one vectorised call each), so a root costs a dozen calls of ``f``, not a hundred."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["roots", "ZOOM"]

ZOOM = 33  # samples per refining call


def roots(f, x: np.ndarray) -> list[float]:
    """The roots of ``f`` (vectorised over numpy arrays) between ``x[0]`` and ``x[-1]`` (sorted samples),
    ascending."""
    x = np.asarray(x, float)
    y = np.asarray(f(x), float)
    slope = np.sign(np.diff(y))
    turns = np.flatnonzero(slope[:-1] * slope[1:] < 0) + 1  # a sample next to a maximum or a minimum
    edges = [float(x[0])] + [_turning_point(f, x[k - 1], x[k + 1], slope[k - 1] < 0) for k in turns] + [float(x[-1])]
    values = np.asarray(f(np.array(edges)), float)
    out: list[float] = []
    for (lo, hi), (f_lo, f_hi) in zip(zip(edges, edges[1:]), zip(values, values[1:])):
        if f_lo == 0.0:
            found = lo
        elif f_hi != 0.0 and (f_lo < 0.0) != (f_hi < 0.0) and math.isfinite(f_lo) and math.isfinite(f_hi):
            found = _sign_change(f, lo, hi, f_lo < 0.0)
        else:
            continue
        if not out or found != out[-1]:
            out.append(found)
    if values[-1] == 0.0 and (not out or out[-1] != edges[-1]):
        out.append(edges[-1])
    return out


def _turning_point(f, lo: float, hi: float, minimum: bool) -> float:
    """The minimum (or maximum) of ``f`` between ``lo`` and ``hi``: the bracket narrowed around the best sample."""
    sign = 1.0 if minimum else -1.0
    for _ in range(60):
        x = np.linspace(lo, hi, ZOOM)
        k = int(np.nanargmin(sign * np.asarray(f(x), float)))
        new_lo, new_hi = x[max(k - 1, 0)], x[min(k + 1, ZOOM - 1)]
        if (new_lo, new_hi) == (lo, hi) or not new_lo < new_hi:
            break
        lo, hi = new_lo, new_hi
    return 0.5 * (lo + hi)


def _sign_change(f, lo: float, hi: float, rising: bool) -> float:
    """Where monotonic ``f`` crosses zero between ``lo`` and ``hi`` (negative at ``lo`` when ``rising``)."""
    for _ in range(60):
        x = np.linspace(lo, hi, ZOOM)
        below = np.asarray(f(x), float) < 0.0
        k = int(np.argmax(below != rising))  # the first sample past the crossing
        if k == 0:
            break
        new_lo, new_hi = x[k - 1], x[k]
        if (new_lo, new_hi) == (lo, hi) or not new_lo < new_hi:
            break
        lo, hi = new_lo, new_hi
    return 0.5 * (lo + hi)
