"""Small SVG line plots for the lessons' pictures, written as plain text (no plotting library, no Qt).

``line_plot(panels)`` stacks panels of curves sharing one x axis; each panel is a ``Panel`` with its
curves, y label and y range. The lesson scripts call it with numbers from analytic formulas or short runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import numpy as np

__all__ = ["Curve", "Panel", "line_plot"]

WIDTH, PANEL_HEIGHT, GAP = 420, 110, 18
LEFT, RIGHT, TOP, BOTTOM = 66, 14, 12, 36
FONT = 'font-family="sans-serif" font-size="11"'


@dataclass
class Curve:
    x: np.ndarray
    y: np.ndarray
    color: str = "#1f77b4"
    label: str = ""


@dataclass
class Panel:
    curves: list[Curve]
    ylabel: str = ""
    yrange: tuple[float, float] | None = None
    marks: list[tuple[float, str]] = field(default_factory=list)  # (x, label) drawn as dashed verticals


def line_plot(panels: list[Panel], xlabel: str, xrange: tuple[float, float], panel_height: int = PANEL_HEIGHT
              ) -> str:
    """The SVG text of ``panels`` stacked top to bottom over the x range ``xrange``."""
    height = TOP + len(panels) * panel_height + (len(panels) - 1) * GAP + BOTTOM
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}">', f'<rect width="{WIDTH}" height="{height}" fill="white"/>']
    for k, panel in enumerate(panels):
        out += _panel(panel, TOP + k * (panel_height + GAP), panel_height, xrange, k == len(panels) - 1)
    out.append(f'<text x="{LEFT + (WIDTH - LEFT - RIGHT) / 2:.1f}" y="{height - 6}" text-anchor="middle" '
               f'{FONT}>{escape(xlabel)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _panel(panel: Panel, top: float, height: int, xrange: tuple[float, float], last: bool) -> list[str]:
    x0, x1 = xrange
    y0, y1 = panel.yrange or _span(np.concatenate([c.y for c in panel.curves]))
    right, bottom = WIDTH - RIGHT, top + height

    def sx(x):
        return LEFT + (np.asarray(x, float) - x0) / (x1 - x0) * (right - LEFT)

    def sy(y):
        return bottom - (np.asarray(y, float) - y0) / (y1 - y0) * height

    out = [f'<rect x="{LEFT}" y="{top}" width="{right - LEFT}" height="{height}" fill="none" '
           'stroke="#888" stroke-width="0.8"/>']
    for y, anchor in ((y0, bottom), (y1, top + 9)):
        out.append(f'<text x="{LEFT - 4}" y="{anchor:.1f}" text-anchor="end" {FONT}>{_num(y)}</text>')
    out.append(f'<text transform="translate(12 {top + height / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'{FONT}>{escape(panel.ylabel)}</text>')
    if last:
        for x in (x0, x1):
            out.append(f'<text x="{sx(x):.1f}" y="{bottom + 13}" text-anchor="middle" {FONT}>{_num(x)}</text>')
    if y0 < 0.0 < y1:
        out.append(f'<line x1="{LEFT}" y1="{sy(0.0):.1f}" x2="{right}" y2="{sy(0.0):.1f}" stroke="#ccc"/>')
    for x, label in panel.marks:
        out.append(f'<line x1="{sx(x):.1f}" y1="{top}" x2="{sx(x):.1f}" y2="{bottom}" stroke="#999" '
                   'stroke-dasharray="3 3"/>')
        out.append(f'<text x="{sx(x) + 3:.1f}" y="{top + 11}" {FONT} fill="#555">{escape(label)}</text>')
    for k, curve in enumerate(panel.curves):
        inside = (curve.x >= x0) & (curve.x <= x1)
        xs, ys = _decimate(curve.x[inside], curve.y[inside])
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(sx(xs), np.clip(sy(ys), top, bottom)))
        out.append(f'<polyline points="{points}" fill="none" stroke="{curve.color}" stroke-width="1.6"/>')
        if curve.label:
            out.append(f'<text x="{LEFT + 6}" y="{top + 14 + 13 * k}" {FONT} '
                       f'fill="{curve.color}">{escape(curve.label)}</text>')
    return out


def _decimate(x: np.ndarray, y: np.ndarray, bins: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """At most two points (the lowest and highest, in time order) per bin: spikes a sample wide stay drawn."""
    if x.size <= 2 * bins:
        return x, y
    xs, ys = [], []
    for idx in np.array_split(np.arange(x.size), bins):
        lo, hi = sorted((idx[np.argmin(y[idx])], idx[np.argmax(y[idx])]))
        xs += [x[lo], x[hi]]
        ys += [y[lo], y[hi]]
    return np.array(xs), np.array(ys)


def _span(values: np.ndarray) -> tuple[float, float]:
    lo, hi = float(np.min(values)), float(np.max(values))
    pad = 0.05 * (hi - lo) or 1.0
    return lo - pad, hi + pad


def _num(value: float) -> str:
    return f"{value:g}" if abs(value) >= 0.01 or value == 0 else f"{value:.1e}"
