"""The plots of a sweep's results: a line plot (one parameter), a heat map (two) and small multiples of rasters.

They only draw what they are given (the sweep, its rows so far, a few runs' spikes, the measure to show), so the
Experiment panel can redraw them as rows arrive.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

__all__ = ["SweepPlots", "grid_means", "MAX_RASTERS"]

MAX_RASTERS = 12  # small multiples: the first runs' rasters, four to a row
RASTER_BRUSHES = ((200, 60, 60), (60, 90, 200), (60, 160, 90), (150, 90, 190))  # one per population


def grid_means(sweep, rows: list[dict], column: str | None):
    """(x values, y values, the mean of ``column`` over repeats per cell, shape (len x, len y)) of a 2-D grid
    sweep, NaN where no run finished yet; None for any other sweep."""
    if sweep is None or len(sweep.parameters) != 2 or sweep.combine != "grid":
        return None
    px, py = sweep.parameters
    sums, counts = np.zeros((len(px.values), len(py.values))), np.zeros((len(px.values), len(py.values)))
    for row in rows:
        value = row.get(column, math.nan)
        if isinstance(value, float) and math.isfinite(value):
            i, j = px.values.index(row[px.name]), py.values.index(row[py.name])
            sums[i, j] += value
            counts[i, j] += 1
    with np.errstate(invalid="ignore"):
        return list(px.values), list(py.values), np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


class SweepPlots:
    """``plot`` (line plot or heat map with a colour bar) and ``rasters_view`` (small multiples)."""

    def __init__(self):
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("sweep_plot")
        self.rasters_view = pg.GraphicsLayoutWidget()
        self.image, self.colorbar = None, None
        self._drawn_rasters: list[int] = []

    def draw(self, sweep, rows: list[dict], rasters: dict, column: str | None) -> None:
        self.plot.clear()
        cells = grid_means(sweep, rows, column)
        if cells is not None:
            self._heat_map(sweep, *cells, column)
        elif sweep is not None and column:
            self._lines(sweep, rows, column)
        self._rasters(sweep, rows, rasters)

    def _heat_map(self, sweep, xs, ys, values, column) -> None:
        finite = values[np.isfinite(values)]
        # row-major (the app's setting): rows are y, so the (x, y) grid goes in transposed
        self.image = pg.ImageItem(np.nan_to_num(values, nan=finite.min() if finite.size else 0.0).T,
                                  axisOrder="row-major")
        levels = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        levels = levels if levels[1] > levels[0] else (levels[0], levels[0] + 1.0)
        self.plot.addItem(self.image)
        if self.colorbar is None:
            self.colorbar = pg.ColorBarItem(values=levels, colorMap=pg.colormap.get("viridis"), interactive=False,
                                            width=14)
            self.colorbar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        else:
            self.colorbar.setImageItem(self.image)
        self.colorbar.setLevels(levels)
        self.colorbar.show()
        px, py = sweep.parameters
        self.plot.setLabel("bottom", px.name)
        self.plot.setLabel("left", py.name)
        self.plot.setTitle(f"{column} (mean over repeats)")
        self.plot.getAxis("bottom").setTicks([[(i + 0.5, f"{v:g}") for i, v in enumerate(xs)]])
        self.plot.getAxis("left").setTicks([[(j + 0.5, f"{v:g}") for j, v in enumerate(ys)]])
        self.plot.autoRange()

    def _lines(self, sweep, rows: list[dict], column: str) -> None:
        """Every run's value (points) and the mean per value of the first parameter (a line)."""
        if self.colorbar is not None:
            self.colorbar.hide()
        first = sweep.parameters[0]
        self.plot.setLabel("bottom", first.name)
        self.plot.setLabel("left", column)
        self.plot.setTitle(column)
        self.plot.getAxis("bottom").setTicks(None)
        self.plot.getAxis("left").setTicks(None)
        done = [r for r in sorted(rows, key=lambda r: r["run"]) if math.isfinite(r.get(column, math.nan))]
        xs, ys = [r[first.name] for r in done], [r[column] for r in done]
        self.plot.plot(xs, ys, pen=None, symbol="o", symbolSize=6)
        means: dict[float, list[float]] = {}
        for x, y in zip(xs, ys):
            means.setdefault(x, []).append(y)
        keys = sorted(means)
        self.plot.plot(keys, [float(np.mean(means[k])) for k in keys], pen=pg.mkPen(width=2))
        self.plot.enableAutoRange()  # a heat map before may have fixed the range

    def _rasters(self, sweep, rows: list[dict], rasters: dict) -> None:
        runs = sorted(rasters)[:MAX_RASTERS]
        if runs == self._drawn_rasters:
            return
        self._drawn_rasters = runs
        self.rasters_view.clear()
        for k, run in enumerate(runs):
            plot = self.rasters_view.addPlot(row=k // 4, col=k % 4)
            row = next(r for r in rows if r["run"] == run)
            plot.setTitle(", ".join(f"{p.name}={row[p.name]:g}" for p in sweep.parameters), size="8pt")
            offset = 0
            for n, (times, ids) in enumerate(rasters[run].values()):
                plot.plot(times, ids + offset, pen=None, symbol="s", symbolSize=2, symbolPen=None,
                          symbolBrush=pg.mkBrush(*RASTER_BRUSHES[n % len(RASTER_BRUSHES)]))
                offset += int(ids.max()) + 2 if ids.size else 2
            plot.hideAxis("left")
