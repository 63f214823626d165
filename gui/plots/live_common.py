"""What the live plots share: pyqtgraph's look, population colours, and the rows of the raster."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from ..base.theme import current
from .legend_row import legend_above
from .plot_theme import follow_theme

__all__ = ["configure_pyqtgraph", "plot_color", "CATEGORICAL", "spike_levels", "smooth", "time_range", "time_plot",
           "TimeAxis", "legend_above", "peak_decimated", "since", "kept_range", "HELD_FILL"]

# While a run draws, a y range is kept as long as the data still fit in it and fill at least this share of it.
HELD_FILL = 0.6

# Distinct colours for nodes whose layout has none (a colour-blind-safe categorical set).
CATEGORICAL = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
               "#bcbd22"]


def configure_pyqtgraph() -> None:
    """Plots in the theme's colours (see ``gui.theme``); antialiasing off for speed (set once)."""
    colors = current().plot_colors()
    pg.setConfigOptions(background=colors.background, foreground=colors.foreground, antialias=False,
                        imageAxisOrder="row-major")


def plot_color(network, node_id: str, index: int) -> QColor:
    """The node's colour on the canvas when the user gave it one, else a distinct colour by position."""
    layout = network.layout.get(node_id)
    if layout is not None and layout.color and QColor(layout.color).isValid():
        return QColor(layout.color)
    return QColor(CATEGORICAL[index % len(CATEGORICAL)])


class TimeAxis(pg.AxisItem):
    """Tick labels in plain ms with thousands separators ("13,788,600"), never "1.37886e+07" after long runs."""

    def tickStrings(self, values, scale, spacing):
        step = spacing * scale
        decimals = next((d for d in range(7) if abs(round(step, d) - step) <= 1e-9 * max(1.0, step)), 6)
        return [f"{v * scale:,.{decimals}f}" for v in values]


def time_plot(quantity: str, units: str, columns: int = 4) -> tuple[pg.PlotWidget, pg.LegendItem]:
    """A plot against simulated time in ms (units as written, never rescaled to s or kV), with its legend above
    the data."""
    plot = pg.PlotWidget(axisItems={"bottom": TimeAxis("bottom")})
    for side, label, unit in (("left", quantity, units), ("bottom", "time", "ms")):
        plot.setLabel(side, label, units=unit)
        plot.getAxis(side).enableAutoSIPrefix(False)
    plot.setMouseEnabled(x=False, y=True)
    legend = legend_above(plot, columns, brush=(255, 255, 255, 0))
    follow_theme(plot)
    return plot, legend


def spike_levels(population) -> tuple[float | None, float | None]:
    """(threshold, reset) in mV to mark on a membrane trace, None where the model has no such level."""
    p = population.params
    if population.model == "lif":
        return p["V_th"], p["V_reset"]
    if population.model == "izhikevich":
        return p["V_peak"], p["c"]
    if population.model == "adex":
        return p["V_T"], p["V_reset"]
    if population.model == "hh":
        return p["V_spike"], None
    return p.get("V_th"), p.get("V_reset")


def time_range(t: float, window: float | None, first: float = 0.0) -> tuple[float, float]:
    """The x range a live plot shows at time ``t``: the last ``window`` ms, or [0, window] while filling up
    (so a new run grows from the left, as on an oscilloscope); everything since ``first`` without a window."""
    if window is None:
        return first, max(t, first + 1e-6)
    start = max(0.0, t - window)
    return start, start + window


def smooth(values: np.ndarray, width_bins: int) -> np.ndarray:
    """Trailing mean over the last ``width_bins`` bins (causal, so the newest value never waits for the future).

    Bins with NaN (before a node existed) stay NaN and count as zero for their neighbours.
    """
    if width_bins <= 1 or values.size == 0:
        return values
    total = np.concatenate([[0.0], np.cumsum(np.nan_to_num(values))])
    i = np.arange(1, values.size + 1)
    lo = np.maximum(i - width_bins, 0)
    out = (total[i] - total[lo]) / (i - lo)
    out[np.isnan(values)] = np.nan
    return out


def since(t: np.ndarray, t0: float, *columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """``t`` and ``columns`` from the first time >= ``t0`` on (``t`` sorted): views, not copies."""
    i = int(np.searchsorted(t, t0))
    return (t[i:],) + tuple(c[i:] for c in columns)


def peak_decimated(x: np.ndarray, y: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """At most two points per pixel column, the lowest and the highest sample of each, for a curve ``columns``
    pixels wide: a spike still reaches its peak on screen, and 10,000 samples cost what 2 x ``columns`` cost to
    draw. Samples past the last whole column are kept as they are (the newest value ends the curve)."""
    per = y.size // max(1, columns)
    if per < 3:  # two points per column would save little
        return x, y
    whole = y.size // per * per
    blocks = y[:whole].reshape(-1, per)
    ys = np.empty(2 * blocks.shape[0] + y.size - whole, y.dtype)
    ys[0:2 * blocks.shape[0]:2] = blocks.min(axis=1)
    ys[1:2 * blocks.shape[0]:2] = blocks.max(axis=1)
    ys[2 * blocks.shape[0]:] = y[whole:]
    xs = np.empty(ys.size, x.dtype)
    xs[:2 * blocks.shape[0]] = np.repeat(x[:whole:per], 2)
    xs[2 * blocks.shape[0]:] = x[whole:]
    return xs, ys


def kept_range(shown: tuple[float, float], wanted: tuple[float, float], running: bool) -> tuple[float, float] | None:
    """The y range a live plot should change to, or None to keep the one ``shown``.

    While a run draws (``running``), the shown range stays while ``wanted`` lies inside it and fills at least
    ``HELD_FILL`` of it: a new range makes pyqtgraph lay out the axis's ticks and labels again, which would
    otherwise happen every frame for a trace that wobbles. Once the run stops, the plot is framed exactly.
    """
    (a, b), (lo, hi) = shown, wanted
    if running and a <= lo and hi <= b and hi - lo >= HELD_FILL * (b - a):
        return None
    return wanted
