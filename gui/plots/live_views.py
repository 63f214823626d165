"""The live plots of one window as a group: the run controller hands every frame to all of them at once."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ...engine.simulation.live import LiveFrame
from .live_common import configure_pyqtgraph
from .raster import RasterView
from .rates import RateView
from .traces import TraceView

__all__ = ["LiveViews"]


class LiveViews(QObject):
    """Raster, traces and rates; a click in the raster asks for a probe like typing one does."""

    probes_requested = Signal(list)

    def __init__(self, parent=None):
        super().__init__(parent)
        configure_pyqtgraph()
        self.raster = RasterView()
        self.traces = TraceView()
        self.rates = RateView()
        self.last: LiveFrame | None = None
        self.window: float | None = None
        self.traces.probes_requested.connect(self.probes_requested)
        self.raster.neuron_clicked.connect(lambda node, i: self.traces.add_probe((node, i, "v")))
        self.rates.inputs.toggled.connect(lambda _: self.redraw())
        self.rates.smoothing.valueChanged.connect(lambda _: self.redraw())

    def show_frame(self, frame: LiveFrame, window: float | None, running: bool = False) -> None:
        """Draw ``frame``; ``running``: more frames follow at once (y ranges may lag the data a little)."""
        self.last, self.window = frame, window
        self.traces.running = self.rates.running = running
        views = (self.raster, self.traces, self.rates)
        for view in views:
            view.show_frame(frame, window)
        for view in views:  # pyqtgraph applies new ranges when a plot paints, which asks for a second paint:
            view.plot.scene().prepareForPaint()  # applied now, each plot paints once per frame

    def redraw(self) -> None:
        if self.last is not None:
            self.show_frame(self.last, self.window)

    def set_colors(self, colors) -> None:
        self.raster.set_colors(colors)
        self.rates.set_colors(colors)

    def clear(self) -> None:
        """Forget the last frame (a reset); the raster's choice of rows stays."""
        self.last = None
        self.raster.last = None
