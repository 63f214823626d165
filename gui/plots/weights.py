"""The weights of one projection: a histogram and a matrix image (or the targets' receptive fields), live.

The view knows nothing of the simulator: it asks a provider ``connections(projection_id) -> (pre, post, w)``
(``Simulator.connections`` is one) and is told each projection's sizes. It recomputes only in ``refresh()``
(or on its own timer, ``start_live``), and caps the image: a projection bigger than ``max_shape`` is shown
block-averaged, built from the synapse list without ever making the full matrix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QTimer
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QToolButton, QVBoxLayout, QWidget

from ...engine.analysis.spike_stats import block_weight_matrix, receptive_fields, tile_fields
from ...engine.model.catalog import WEIGHT_UNITS
from ...engine.model.names import display_name
from ...engine.model.network import Network
from ..base.flow_layout import FlowLayout
from ..base.style import plain_html
from .export import add_export_actions
from .plot_theme import follow_theme

__all__ = ["ProjectionShape", "projection_shapes", "WeightsView", "Connections"]

Connections = Callable[[str], tuple[np.ndarray, np.ndarray, np.ndarray]]
MATRIX, FIELDS = "Weight matrix", "Receptive fields"


@dataclass(frozen=True)
class ProjectionShape:
    """What the view needs to know of a projection besides its synapses."""

    id: str
    n_pre: int
    n_post: int
    source_grid: tuple[int, int] | None = None
    unit: str = ""
    name: str = ""  # what the chooser and titles call it


def projection_shapes(net: Network, named: Network | None = None) -> list[ProjectionShape]:
    """Sizes, source grid and weight unit of every projection of ``net``, in file order, with its name in
    ``named`` (the document, whose names may be newer than the running network's)."""
    nodes = net.spiking_nodes()
    named = named if named is not None else net
    return [ProjectionShape(p.id, nodes[p.source].size, nodes[p.target].size,
                            getattr(nodes[p.source], "grid", None), WEIGHT_UNITS.get(p.synapse.kind, ""),
                            display_name(named if p.id in named.projections else net, p.id))
            for p in net.projections.values()]


class WeightsView(QWidget):
    """Projection chooser, weight histogram and weight matrix (or receptive-field tiles when the source has a grid)."""

    def __init__(self, connections: Connections, shapes: list[ProjectionShape] = (), parent: QWidget | None = None,
                 bins: int = 40, max_shape: tuple[int, int] = (400, 400), max_fields: int = 100):
        super().__init__(parent)
        self.connections, self.bins, self.max_shape, self.max_fields = connections, bins, max_shape, max_fields
        self._shapes: dict[str, ProjectionShape] = {}
        self.edges, self.counts = np.zeros(bins + 1), np.zeros(bins, np.int64)
        self.matrix = np.zeros((0, 0))
        self.shown = True  # see ``set_shown``
        self._owed = False  # a refresh asked for while hidden
        self._build()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._live_tick)
        self.set_projections(list(shapes))

    # --- building ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.chooser = QComboBox(objectName="projection_chooser", toolTip="The projection whose weights are shown")
        self.mode = QComboBox(objectName="weights_mode")
        self.mode.addItems([MATRIX, FIELDS])
        self.mode.setToolTip("Receptive fields: each target neuron's incoming weights laid out on the source's grid")
        self.summary = QLabel(objectName="weights_summary")
        self.chooser.currentIndexChanged.connect(self._projection_changed)
        self.mode.currentIndexChanged.connect(lambda _: self.refresh())
        self.plots = pg.GraphicsLayoutWidget()
        self.hist_plot = self.plots.addPlot(row=0, col=0)
        self.hist_plot.setLabel("left", "synapses")
        self.hist_curve = self.hist_plot.plot(stepMode="center", fillLevel=0, brush=(90, 140, 230, 160),
                                              pen=pg.mkPen((90, 140, 230), width=1))
        self.matrix_plot = self.plots.addPlot(row=1, col=0)
        self.matrix_plot.invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.matrix_plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=pg.colormap.get("viridis"), interactive=False, width=12)
        self.colorbar.setImageItem(self.image, insert_in=self.matrix_plot)
        self._side_by_side = False
        self._arrange(side_by_side=True)
        follow_theme(self.plots)
        self.hist_export = add_export_actions(self.hist_plot, self.histogram_data, "weight histogram", self)
        self.matrix_export = add_export_actions(self.matrix_plot, self.matrix_data, "weight matrix", self)
        self.chooser.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.setMinimumContentsLength(10)  # long names elide rather than widen the dock
        self.toolbar = QWidget(objectName="weights_toolbar")
        top = FlowLayout(self.toolbar)
        top.add(QLabel("Projection"))
        top.add(self.chooser, grow=True)
        top.add(self.mode)
        top.add(self._export_button())
        layout = QVBoxLayout(self)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.plots, 1)
        layout.addWidget(self.summary)

    def _arrange(self, side_by_side: bool) -> None:
        """Histogram beside the matrix in a wide, low dock (under the canvas); above it in a tall one."""
        if side_by_side == self._side_by_side:
            return
        self._side_by_side = side_by_side
        layout = self.plots.ci
        for item in (self.hist_plot, self.matrix_plot):
            layout.removeItem(item)
        layout.addItem(self.hist_plot, row=0, col=0)
        layout.addItem(self.matrix_plot, row=0 if side_by_side else 1, col=1 if side_by_side else 0)
        grid = layout.layout
        grid.setRowStretchFactor(0, 1)
        grid.setRowStretchFactor(1, 0 if side_by_side else 2)  # an empty row takes no room
        grid.setColumnStretchFactor(0, 1)
        grid.setColumnStretchFactor(1, 2 if side_by_side else 0)

    def resizeEvent(self, event) -> None:
        self._arrange(side_by_side=event.size().width() > 1.4 * event.size().height())
        super().resizeEvent(event)

    def _export_button(self) -> QToolButton:
        button = QToolButton(self, text="Export", toolTip="Export the histogram or the matrix (data or picture)")
        button.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(button)
        for title, export in (("Histogram", self.hist_export), ("Matrix", self.matrix_export)):
            menu.addMenu(title).addActions(export.actions)
        button.setMenu(menu)
        return button

    # --- what is shown -------------------------------------------------------------------------
    def set_projections(self, shapes: list[ProjectionShape]) -> None:
        """Replace the projections on offer (after the network changed); keeps the chosen one when it is still there."""
        current = self.chooser.currentData()
        self._shapes = {s.id: s for s in shapes}
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for shape in shapes:
            self.chooser.addItem(shape.name or shape.id, shape.id)
        if current in self._shapes:
            self.chooser.setCurrentIndex(self.chooser.findData(current))
        self.chooser.blockSignals(False)
        self._projection_changed()

    def select(self, projection_id: str) -> None:
        self.chooser.setCurrentIndex(self.chooser.findData(projection_id))

    @property
    def projection(self) -> ProjectionShape | None:
        return self._shapes.get(self.chooser.currentData())

    def _projection_changed(self, *_) -> None:
        shape = self.projection
        self.mode.setEnabled(shape is not None and shape.source_grid is not None)
        if not self.mode.isEnabled():
            self.mode.setCurrentText(MATRIX)  # refreshes when the mode changes
        self.refresh()

    def showing_fields(self) -> bool:
        return self.mode.isEnabled() and self.mode.currentText() == FIELDS

    # --- refreshing ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Ask the provider for the chosen projection's synapses and redraw both plots."""
        self._owed = False
        shape = self.projection
        if shape is None:
            self._clear()
            return
        pre, post, w = self.connections(shape.id)
        top = float(w.max()) if w.size else 1.0
        self.counts, self.edges = np.histogram(w, bins=self.bins, range=(0.0, top if top > 0 else 1.0))
        self.hist_curve.setData(self.edges, self.counts)
        unit = f" ({shape.unit})" if shape.unit else ""
        self.hist_plot.setLabel("bottom", f"weight{unit}")
        self.hist_plot.setTitle(plain_html(f"Weights of {shape.name or shape.id}"))
        if self.showing_fields():
            self._show_fields(shape, pre, post, w)
        else:
            self._show_matrix(shape, pre, post, w)
        levels = (0.0, max(float(np.nanmax(self.matrix)) if np.isfinite(self.matrix).any() else 0.0, 1e-12))
        self.colorbar.setLevels(levels)
        self.summary.setText(_summary_text(w, unit))

    def _show_matrix(self, shape: ProjectionShape, pre, post, w) -> None:
        self.matrix = block_weight_matrix(pre, post, w, shape.n_pre, shape.n_post, self.max_shape)
        self.image.setImage(self.matrix, autoLevels=False)
        self.image.setRect(QRectF(0, 0, shape.n_pre, shape.n_post))  # axes in neuron indices, even when averaged
        averaged = self.matrix.shape != (shape.n_post, shape.n_pre)
        self.matrix_plot.setTitle(f"Weight matrix{' (block-averaged)' if averaged else ''}")
        self._axes(True)

    def _show_fields(self, shape: ProjectionShape, pre, post, w) -> None:
        n = min(shape.n_post, self.max_fields)
        keep = post < n
        fields = receptive_fields(pre[keep], post[keep], w[keep], shape.source_grid, n)
        self.matrix = tile_fields(fields)
        self._fields = fields
        self.image.setImage(self.matrix, autoLevels=False)
        self.image.setRect(QRectF(0, 0, self.matrix.shape[1], self.matrix.shape[0]))
        rows, cols = shape.source_grid
        more = f", first {n} of {shape.n_post}" if n < shape.n_post else ""
        self.matrix_plot.setTitle(f"Receptive fields on the {rows} x {cols} source grid{more}")
        self._axes(False)

    def _axes(self, indices: bool) -> None:
        """Neuron-index axes for the matrix; none for the tiles (square pixels, no meaningful coordinates)."""
        for side, label in (("bottom", "source neuron"), ("left", "target neuron")):
            self.matrix_plot.setLabel(side, label)  # (setting a label shows the axis)
            self.matrix_plot.showAxis(side, indices)
        self.matrix_plot.setAspectLocked(not indices)
        self.matrix_plot.enableAutoRange()  # and keep fitting as the dock is resized

    def _clear(self) -> None:
        self.counts, self.edges = np.zeros(self.bins, np.int64), np.linspace(0.0, 1.0, self.bins + 1)
        self.hist_curve.setData(self.edges, self.counts)
        self.matrix = np.zeros((0, 0))
        self.image.clear()
        self.hist_plot.setTitle("")
        self.matrix_plot.setTitle("")
        self.summary.setText("No projection to show")

    # --- live updates --------------------------------------------------------------------------
    def start_live(self, interval_ms: int = 250) -> None:
        """Refresh every ``interval_ms`` while the view is visible (for plastic projections during a run)."""
        self._timer.start(interval_ms)

    def stop_live(self) -> None:
        self._timer.stop()

    def _live_tick(self) -> None:
        if self.shown and self.isVisible():
            self.refresh()

    def set_shown(self, shown: bool) -> None:
        """Whether the view can be seen (its dock open and in front: a tab behind another counts as visible to
        Qt); a refresh owed while hidden is done when it is shown."""
        self.shown = bool(shown)
        if self.shown and self._owed:
            self.refresh()

    def refresh_when_shown(self) -> None:
        """Refresh now if the view can be seen, else when it is shown (after a run: a large projection's
        histogram and matrix took tens of ms for a tab behind another)."""
        if self.shown:
            self.refresh()
        else:
            self._owed = True

    # --- export --------------------------------------------------------------------------------
    def histogram_data(self) -> dict[str, np.ndarray]:
        return {"edges": self.edges, "counts": self.counts}

    def matrix_data(self) -> dict[str, np.ndarray]:
        """The image as shown; receptive fields as one flattened (row-major) field per target with the grid."""
        if self.showing_fields():
            return {"fields": self._fields.reshape(self._fields.shape[0], -1),
                    "grid": np.array(self._fields.shape[1:])}
        return {"matrix": self.matrix}


def _summary_text(w: np.ndarray, unit: str) -> str:
    if w.size == 0:
        return "No synapses"
    with np.errstate(over="ignore"):  # weights near the float limit (a blow-up test) have an infinite mean
        mean = w.mean()
    return f"{w.size:,} synapses; weight mean {mean:.4g}, min {w.min():.4g}, max {w.max():.4g}{unit}"
