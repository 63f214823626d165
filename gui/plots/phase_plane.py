"""The phase plane of an Izhikevich or AdEx population: nullclines, vector field, fixed points, the reset line,
the live trajectory of one probed neuron, and "where does the neuron go from here?" on a click.

Everything drawn comes from the model's description (``engine.teaching.phase_plane`` for the built-ins,
``described_phase`` for models from equations); the view follows the document (a parameter edit moves the
nullclines) and asks the run controller, through ``probes_changed``, to sample its neuron's two variables.
The sums run on a pool thread (``phase_worker``): one job at a time, the newest question waiting for it, and an
answer to an older question dropped; meanwhile the note says "Computing…" and the app keeps drawing.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QToolButton, QVBoxLayout, QWidget

from ...engine.simulation.live import LiveFrame
from ...engine.teaching import phase_plane as pp
from ...engine.teaching.described_phase import DescribedPlane, plane_description
from ...engine.teaching.plane_marks import reset_parameter
from ..base.theme import current
from .export import add_export_actions
from .live_common import legend_above
from .phase_worker import PlaneJob, PlaneRequest, PlaneResult
from .plot_theme import follow_theme

__all__ = ["PhasePlaneView", "FIELD_GRID", "CLICK_MS"]

FIELD_GRID = (21, 15)  # arrows across and up
CLICK_MS = 300.0  # how far a trajectory started by a click is followed
V_COLOR, X_COLOR = "#1f77b4", "#ff7f0e"  # the two nullclines
LIVE_COLOR, HEAD_COLOR, CLICK_COLOR, FIELD_COLOR = (60, 60, 60, 170), "#d62728", "#2ca02c", "#b8b8b8"
RESET_COLOR = "#9467bd"
# by theme: fixed points' ink, the fill of an unstable one, and the live trail (dark on light plots, light on dark)
INK = {"light": ("#222222", "#ffffff", (60, 60, 60, 170)), "dark": ("#e6e9ed", "#1d2025", (215, 220, 228, 170))}


class PhasePlaneView(QWidget):
    """Phase plane of one population of ``doc``'s network; ``probes_changed`` carries the probes it needs,
    ``finished`` says the answer to the latest question is drawn (or its failure shown)."""

    probes_changed = Signal(list)
    finished = Signal()

    def __init__(self, doc, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("phase_plane_view")
        self.doc = doc
        self.active = True  # probing only while the dock is open
        self.shown = True  # drawn only while it can be seen: a described model's plane costs a simulation
        self._stale: bool | None = None  # while hidden: a redraw is owed (True: with a refit)
        self.model: str | None = None
        self.params: dict = {}
        self.current = 0.0
        self.points: list[pp.FixedPoint] = []
        self.probes: list[tuple[str, int, str]] = []
        self.click_trajectory: pp.Trajectory | None = None
        self.plane: PlaneResult | None = None  # what is drawn
        self.error = ""  # why the latest question could not be answered
        self._click: tuple[float, float, float] | None = None  # the start (v0, x0, ms) of the clicked trajectory
        self._generation = 0  # of the latest question; an answer to an older one is dropped
        self._job: PlaneJob | None = None
        self._waiting: PlaneRequest | None = None  # the newest question, asked while a job runs
        self._asked: PlaneRequest | None = None  # the latest question (a click asks it again, with its start)
        self._refit = False  # fit the view to the next answer
        self._since = 0.0  # when the latest question was asked
        self._clock = QTimer(self, interval=500)
        self._clock.timeout.connect(self._say_computing)
        self.backend = pp  # the phase-plane functions: the built-ins', or a DescribedPlane for equations
        self.drop = 1.0  # how far v must fall between samples to count as a reset (the live line breaks there)
        self.population = QComboBox(objectName="phase_population", toolTip="Izhikevich and AdEx populations")
        self.neuron = QSpinBox(objectName="phase_neuron", toolTip="The neuron whose trajectory is drawn live")
        self.neuron.setPrefix("#")
        self.note = QLabel(objectName="phase_note", wordWrap=True, textFormat=Qt.PlainText)
        # tool buttons and no "Population" label: the dock shares a tab row whose narrowest width sets the window's
        fit = QToolButton(objectName="phase_fit", text="Fit", toolTip="Show both nullclines and every fixed point")
        clear = QToolButton(objectName="phase_clear", text="Clear",
                            toolTip="Remove the trajectory started by a click")
        self._build_plot()
        self.export = add_export_actions(self.plot, self.data, "phase plane", self)
        top = QHBoxLayout()
        top.addWidget(self.population, 1)
        top.addWidget(self.neuron)
        top.addWidget(fit)
        top.addWidget(clear)
        top.addWidget(self.export.menu_button())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.plot, 1)
        self.population.currentIndexChanged.connect(lambda _: self._population_chosen())
        self.neuron.valueChanged.connect(lambda _: self._emit_probes())
        fit.clicked.connect(self.fit)
        clear.clicked.connect(self.clear_click)
        for event in (doc.items_added, doc.items_removed, doc.item_changed, doc.network_replaced):
            event.connect(self._doc_changed)
        self._doc_changed()

    def _build_plot(self) -> None:
        self.plot = pg.PlotWidget()
        self.plot.getPlotItem().setMenuEnabled(True)
        self.legend = legend_above(self.plot, 3, brush=(255, 255, 255, 0), labelTextSize="8pt", verSpacing=-6)
        self.field = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(FIELD_COLOR, width=1))
        self.field.setZValue(-10)
        self.plot.addItem(self.field)
        self.v_null = self.plot.plot([], [], pen=pg.mkPen(V_COLOR, width=2.5), name="v-nullcline")
        self.x_null = self.plot.plot([], [], pen=pg.mkPen(X_COLOR, width=2.5), name="u-nullcline")
        dash = pg.mkPen(RESET_COLOR, width=2, style=Qt.DashLine)
        self.reset_line = pg.InfiniteLine(0.0, angle=90, pen=dash)
        self.reset_line.setZValue(-5)
        self.plot.addItem(self.reset_line)
        self.reset_sample = pg.PlotDataItem(pen=dash)
        self.legend.addItem(self.reset_sample, "reset")
        self.live = self.plot.plot([], [], pen=pg.mkPen(LIVE_COLOR, width=1.2), name="probed neuron")
        self.live.setZValue(5)
        self.head = pg.ScatterPlotItem(size=12, pen=pg.mkPen("w", width=1.5), brush=pg.mkBrush(HEAD_COLOR))
        self.head.setZValue(10)
        self.plot.addItem(self.head)
        self.clicked = pg.PlotDataItem([], [], pen=pg.mkPen(CLICK_COLOR, width=2.5))
        self.click_resets = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(CLICK_COLOR, width=1.5, style=Qt.DotLine))
        self.click_start = pg.ScatterPlotItem(size=10, pen=pg.mkPen("w", width=1.5), brush=pg.mkBrush(CLICK_COLOR))
        for z, item in enumerate((self.click_resets, self.clicked, self.click_start)):
            item.setZValue(6 + z)  # over the live trail, which can be dense
            self.plot.addItem(item)  # in the legend only while it shows something
        self.fixed = pg.ScatterPlotItem(size=13)
        self.fixed.setZValue(9)
        self.plot.addItem(self.fixed)
        self.fixed_samples = [pg.ScatterPlotItem(size=11, symbol="o") for _ in range(2)]
        for sample, text in zip(self.fixed_samples, ("stable fixed point", "unstable fixed point")):
            self.legend.addItem(sample, text)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).enableAutoSIPrefix(False)
        self.plot.getViewBox().sigRangeChanged.connect(lambda *_: self._draw_field())
        self.plot.scene().sigMouseClicked.connect(self._mouse_clicked)
        self._ink()
        current().changed.connect(self._ink)  # before follow_theme's restyle, which scales the new pens
        follow_theme(self.plot)

    def _ink(self) -> None:
        """Fixed points and the live trail in the theme's ink (the plot's own colours follow ``follow_theme``)."""
        ink, paper, trail = INK[current().name]
        self.live.setPen(pg.mkPen(trail, width=1.2))
        self.fixed.setPen(pg.mkPen(ink, width=2))
        for sample, fill in zip(self.fixed_samples, (ink, paper)):
            sample.setPen(pg.mkPen(ink, width=2))
            sample.setBrush(pg.mkBrush(fill))
        self._draw_fixed()

    def _draw_fixed(self) -> None:
        ink, paper, _ = INK[current().name]
        self.fixed.setData([{"pos": (f.v, f.x), "brush": pg.mkBrush(ink if f.stable else paper), "data": f.kind}
                            for f in self.points])

    # --- what is shown -------------------------------------------------------------------------------
    @property
    def population_id(self) -> str | None:
        return self.population.currentData()

    def set_population(self, population_id: str) -> None:
        """Show this population (of a two-variable model); ValueError naming it otherwise."""
        index = self.population.findData(population_id)
        if index < 0:
            pop = self.doc.network.populations.get(population_id)
            if pop is None:
                raise ValueError(f"the network has no population {population_id!r}")
            if not self._plane_of(pop):
                pp.check_phase_model(pop.model)
        self.population.setCurrentIndex(index)

    def set_active(self, active: bool) -> None:
        """Probe the neuron only while the plane can be seen (its dock is open)."""
        self.active = bool(active)
        self._emit_probes()

    def set_shown(self, shown: bool) -> None:
        """Whether the plane can be seen (its dock open and in front). Hidden, it computes nothing: a model described
        by equations (the adaptive LIF too) runs a simulation for its ranges, which on a cold compile cache compiles
        for seconds, unasked; the owed redraw is asked for when it is shown."""
        self.shown = bool(shown)
        if self.shown and self._stale is not None:
            refit, self._stale = self._stale, None
            self._redraw(refit)

    def _doc_changed(self, *_) -> None:
        """Any change may add, remove or re-model populations, or move the nullclines."""
        net = self.doc.network
        chosen = self.population_id
        names = [(pid, f"{pop.name} ({pop.model})") for pid, pop in net.populations.items()
                 if self._plane_of(pop)]
        if names != [(self.population.itemData(i), self.population.itemText(i))
                     for i in range(self.population.count())]:
            self.population.blockSignals(True)
            self.population.clear()
            for pid, text in names:
                self.population.addItem(text, pid)
            index = self.population.findData(chosen)
            self.population.setCurrentIndex(max(index, 0) if names else -1)
            self.population.blockSignals(False)
            if self.population_id != chosen:
                self._population_chosen()
                return
        self._redraw(refit=False)

    def _population_chosen(self) -> None:
        self.clear_click()
        self._redraw(refit=True)

    def _redraw(self, refit: bool) -> None:
        pop = self.doc.network.populations.get(self.population_id) if self.population_id else None
        if pop is None or not self._plane_of(pop):
            self.model, self.plane, self.points, self.error = None, None, [], ""
            self._drop_questions()
            self.clear_click()
            self._clear_curves()
            self.live.setData([], [])
            self.head.setData([])
            self.note.setText("No Izhikevich or AdEx population, nor another model with two state variables: the "
                              "phase plane draws two-variable models")
            self._emit_probes()
            return
        model_changed = pop.model != self.model
        self.model, self.params = pop.model, dict(pop.params)
        desc = plane_description(self.doc.network, pop.model) if pop.model not in pp.PHASE_MODELS else None
        if desc is None:
            self.backend = pp
        elif not (isinstance(self.backend, DescribedPlane) and self.backend.desc is desc):
            self.backend = DescribedPlane(pop.model, desc)
        self.current = self.backend.constant_current(self.doc.network, pop.id)
        self.neuron.blockSignals(True)
        self.neuron.setRange(0, pop.size - 1)
        self.neuron.blockSignals(False)
        (v_name, v_unit), (x_name, x_unit) = self.backend.phase_axes(self.model)
        self.plot.setLabel("bottom", v_name, units=v_unit)
        self.plot.setLabel("left", x_name, units=x_unit)
        self.legend.getLabel(self.x_null).setText(f"{x_name}-nullcline")
        if not self.shown:
            self._stale = bool(self._stale) or refit or model_changed
            self._drop_questions()  # asked again when shown
            self._emit_probes()
            return
        self._ask(self._request(pop), refit or model_changed)
        self._emit_probes()

    def _request(self, pop) -> PlaneRequest:
        return PlaneRequest(self.backend, self.model, self.params, self.current, self.doc.network.dt, pop.name,
                            self._click)

    # --- asking the pool thread, and its answers ---------------------------------------------------------
    @property
    def computing(self) -> bool:
        """Whether the latest question is being answered (or waits for the job before it); a job whose answer will
        be dropped does not count."""
        return self._waiting is not None or (self._job is not None and self._job.generation == self._generation)

    def _ask(self, request: PlaneRequest, refit: bool = False) -> None:
        """Ask for ``request``'s plane; an older question's answer, still to come, will be dropped."""
        self._generation += 1
        self._asked = request
        self._refit = self._refit or refit
        self._since = time.perf_counter()
        if self._job is not None:
            self._waiting = request
        else:
            self._start(request)
        self._say_computing()
        self._clock.start()

    def _drop_questions(self) -> None:
        """Forget what was asked: the running job's answer will be dropped, the waiting question never asked."""
        self._generation += 1
        self._waiting = None

    def _start(self, request: PlaneRequest) -> None:
        self._waiting = None
        job = PlaneJob(self._generation, request, self.plane)
        job.signals.finished.connect(self._answered)
        job.signals.failed.connect(self._failed)
        self._job = job
        QThreadPool.globalInstance().start(job)

    def _say_computing(self) -> None:
        if not self.computing:
            return self._clock.stop()
        seconds = time.perf_counter() - self._since
        self.note.setText("Computing the phase plane…" + (f" {seconds:.0f} s (a model described by equations "
                                                          "simulates one neuron; the first time, it compiles)"
                                                          if seconds >= 1.0 else ""))

    def _job_done(self, generation: int) -> bool:
        """The job ended: start the waiting question, if any; True when the answer is to the latest question."""
        if not shiboken6.isValid(self):  # the window closed while it computed: nothing to draw into
            return False
        self._job = None
        if self._waiting is not None:
            self._start(self._waiting)
        else:
            self._clock.stop()
        return generation == self._generation

    def _answered(self, generation: int, result: PlaneResult) -> None:
        if self._job_done(generation):
            self.error = ""
            self._draw(result)
            self.finished.emit()

    def _failed(self, generation: int, message: str) -> None:
        """Say why in the note; a plane drawn for other parameters or another model is taken away (a failed click
        leaves its plane)."""
        request = self._job.request if self._job is not None else None
        if self._job_done(generation):
            self.error = message
            if request is None or not request.same_plane(self.plane.request if self.plane else None):
                self.plane, self.points = None, []
                self._clear_curves()
            self.note.setText(f"The phase plane could not be computed: {message}")
            self.finished.emit()

    def _draw(self, result: PlaneResult) -> None:
        """Draw an answer: the plane, and the clicked trajectory when it is still the one asked for."""
        self.plane, self.points = result, result.points
        self.reset_line.setVisible(result.reset is not None)
        if result.reset is not None:
            self.reset_line.setValue(result.reset)
            self.legend.getLabel(self.reset_sample).setText(self._reset_text(result))
        self.drop = result.drop
        if self._refit:
            self._refit = False
            self.fit()
        self.v_null.setData(result.v, result.v_null)
        self.x_null.setData(result.v, result.x_null)
        self._draw_field()
        self._draw_fixed()
        if result.click is not None and result.request.click == self._click:
            self._draw_click(result.click)
        self.note.setText(self._summary(result))

    def _reset_text(self, result: PlaneResult) -> str:
        """"reset v = c = -65 mV": the variable, the parameter its reset line names (if one alone), the value."""
        (name, unit), _ = self.backend.phase_axes(result.request.model)
        desc = plane_description(self.doc.network, result.request.model)
        param = reset_parameter(desc) if desc is not None else None
        return f"reset {name} = {f'{param} = ' if param else ''}{result.reset:g} {unit}".rstrip()

    def _summary(self, result: PlaneResult) -> str:
        rest = "; ".join(f"{f.kind} at v = {f.v:.1f} mV" for f in result.points)
        rest = rest[:1].upper() + rest[1:] if rest else "No fixed point: the neuron fires at this current"
        return f"{result.request.name}: {_current_text(result.request)}. {rest}. Click to start a trajectory there."

    def _clear_curves(self) -> None:
        for item in (self.v_null, self.x_null):
            item.setData([], [])
        self.field.setData([], [])
        self.fixed.setData([])
        self.reset_line.hide()

    def fit(self) -> None:
        """Show both nullclines' interesting parts and every fixed point (of the plane being computed: once it is)."""
        if self.computing:
            self._refit = True
        if self.plane is not None:
            (v_lo, v_hi), (x_lo, x_hi) = self.plane.ranges
            self.plot.setRange(xRange=(v_lo, v_hi), yRange=(x_lo, x_hi), padding=0)

    def _draw_field(self) -> None:
        """Arrows of equal length on screen pointing along (dv/dt, dx/dt): the flow's direction, not its speed."""
        if self.plane is None:
            return
        r = self.plane.request
        box = self.plot.getViewBox()
        (v_lo, v_hi), (x_lo, x_hi) = box.viewRange()
        cols, rows = FIELD_GRID
        dv_cell, dx_cell = (v_hi - v_lo) / cols, (x_hi - x_lo) / rows
        v, x, dv, dx = r.backend.vector_field(r.model, r.params, r.current, (v_lo + dv_cell / 2, v_hi - dv_cell / 2),
                                              (x_lo + dx_cell / 2, x_hi - dx_cell / 2), FIELD_GRID)
        width, height = max(box.width(), 1.0), max(box.height(), 1.0)
        px_v, px_x = (v_hi - v_lo) / width, (x_hi - x_lo) / height  # view units per pixel
        sx, sy = dv / px_v, dx / px_x  # directions in pixels (y up)
        norm = np.hypot(sx, sy)
        with np.errstate(invalid="ignore", divide="ignore"):
            ux, uy = np.where(norm > 0, sx / norm, 0.0), np.where(norm > 0, sy / norm, 0.0)
        keep = np.isfinite(ux) & np.isfinite(uy) & (norm > 0)
        ux, uy, v, x = ux[keep], uy[keep], v[keep], x[keep]
        length = 0.7 * min(width / cols, height / rows)  # pixels
        tail = (v - 0.5 * length * ux * px_v, x - 0.5 * length * uy * px_x)
        tip = (v + 0.5 * length * ux * px_v, x + 0.5 * length * uy * px_x)
        head = 0.35 * length
        segments = [(tail, tip)]
        for angle in (2.6, -2.6):  # the two strokes of the head, about 150 degrees back from the direction
            c, s = np.cos(angle), np.sin(angle)
            hx, hy = c * ux - s * uy, s * ux + c * uy
            segments.append((tip, (tip[0] + head * hx * px_v, tip[1] + head * hy * px_x)))
        xs = np.stack([np.stack([a[0], b[0]], axis=1) for a, b in segments], axis=1).ravel()
        ys = np.stack([np.stack([a[1], b[1]], axis=1) for a, b in segments], axis=1).ravel()
        self.field.setData(xs, ys)

    def _plane_of(self, pop) -> bool:
        """Whether a population has a phase plane: a model with two state variables, built-in or described."""
        return pop.model in pp.PHASE_MODELS or plane_description(self.doc.network, pop.model) is not None

    # --- the live neuron -----------------------------------------------------------------------------
    def _emit_probes(self) -> None:
        probes = []
        if self.active and self.model is not None:
            (first, _), (second, _) = self.backend.phase_axes(self.model)
            probes = [(self.population_id, self.neuron.value(), first), (self.population_id, self.neuron.value(),
                                                                         second)]
        if probes != self.probes:
            self.probes = probes
            self.live.setData([], [])
            self.head.setData([])
            self.legend.getLabel(self.live).setText(
                f"{self.doc.network.populations[self.population_id].name}:{self.neuron.value()} (live)" if probes
                else "probed neuron")
            self.probes_changed.emit(probes)

    def show_frame(self, frame: LiveFrame | None) -> None:
        """Draw the probed neuron's (v, x) over the plots' time window; a reset breaks the line."""
        if frame is None or len(self.probes) != 2:
            self.live.setData([], [])
            self.head.setData([])
            return
        empty = (np.zeros(0), np.zeros(0))
        _, v = frame.traces.get(self.probes[0], empty)
        _, x = frame.traces.get(self.probes[1], empty)
        n = min(v.size, x.size)
        v, x = v[v.size - n:], x[x.size - n:]
        self.live.setData(v, x, connect=_unbroken(v, self.drop if self.model else None))
        self.head.setData([v[-1]] if n else [], [x[-1]] if n else [])

    def live_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The (v, x) the live trajectory holds now."""
        if self.live.xData is None:
            return np.zeros(0), np.zeros(0)
        return self.live.xData, self.live.yData

    # --- a click starts a trajectory -----------------------------------------------------------------
    def _mouse_clicked(self, event) -> None:
        if event.button() != Qt.LeftButton or self.model is None or event.double():
            return
        box = self.plot.getViewBox()
        if not box.sceneBoundingRect().contains(event.scenePos()):
            return
        point = box.mapSceneToView(event.scenePos())
        self.start_from(point.x(), point.y())

    def start_from(self, v0: float, x0: float, duration: float = CLICK_MS) -> None:
        """Ask where the neuron goes from (v0, x0) at the constant current, stepped as the engine steps it; it is
        drawn (and ``click_trajectory`` set) when the answer comes."""
        if self._asked is None or self.model is None:
            return
        self._click = (float(v0), float(x0), float(duration))
        r = self._asked
        self._ask(PlaneRequest(r.backend, r.model, r.params, r.current, r.dt, r.name, self._click))

    def _draw_click(self, traj: pp.Trajectory) -> None:
        self.click_trajectory = traj
        joined = _unbroken(traj.v, self.drop)
        self.clicked.setData(traj.v, traj.x, connect=joined)
        jumps = np.flatnonzero(~joined[:-1])  # a reset: from the last state before it to the first after
        self.click_resets.setData(np.stack([traj.v[jumps], traj.v[jumps + 1]], 1).ravel(),
                                  np.stack([traj.x[jumps], traj.x[jumps + 1]], 1).ravel())
        self.click_start.setData([traj.v[0]], [traj.x[0]])
        if self.legend.getLabel(self.clicked) is None:
            self.legend.addItem(self.clicked, f"from a click ({self._click[2]:g} ms)")

    def clear_click(self) -> None:
        self._click = None
        self.click_trajectory = None
        self.clicked.setData([], [])
        self.click_resets.setData([], [])
        self.click_start.setData([])
        self.legend.removeItem(self.clicked)

    def data(self) -> dict[str, np.ndarray]:
        """What the plane shows, for "Export data…"."""
        out = {}
        for key, item in (("v_nullcline", self.v_null), ("second_nullcline", self.x_null), ("live", self.live),
                          ("from_click", self.clicked)):
            if item.xData is not None and item.xData.size:
                out[f"{key}_v"], out[f"{key}_second"] = item.xData, item.yData
        if self.points:
            out["fixed_points_v"] = np.array([f.v for f in self.points])
            out["fixed_points_second"] = np.array([f.x for f in self.points])
            out["fixed_points_stable"] = np.array([f.stable for f in self.points])
        return out


def _unbroken(v: np.ndarray, drop: float | None) -> np.ndarray:
    """pyqtgraph's ``connect`` array: join each sample to the next unless v fell by more than ``drop`` (a reset)."""
    if v.size < 2 or drop is None:
        return np.ones(v.size, bool)
    joined = np.ones(v.size, bool)
    joined[:-1] = np.diff(v) > -drop
    return joined


def _current_text(request: PlaneRequest) -> str:
    """The constant current the plane is drawn for. A built-in's is its I_e plus the DC inputs; a model from
    equations gets only the DC inputs as I_syn, its own I_e (if it has one) being a parameter of its equations."""
    if not isinstance(request.backend, DescribedPlane):
        return f"I = {request.current:g} pA (I_e plus DC inputs)"
    own = next((p for p in request.backend.desc.params if p.name == "I_e"), None)
    text = f"DC input {request.current:g} pA"
    if own is not None:
        value = request.params.get("I_e", own.default)
        text += f", I_e = {float(value):g} {own.unit.text}".rstrip() + " in its parameters"
    return text

