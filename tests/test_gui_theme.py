"""Light and dark themes and presentation mode: the application, the canvas and every plot follow the switch, and
switching back restores exactly what was there; the choice outlives the window."""

import numpy as np
import pytest
from PySide6.QtGui import QAction, QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication
from spikestudio.gui.base import theme as theme_module
from spikestudio.gui.base.theme import DARK, FONT_SCALE, LIGHT, LINE_SCALE, Theme, current


@pytest.fixture
def look(window):
    """The theme singleton, light and normal before and after the test (whatever the test switched)."""
    original = current()
    original.set_theme(LIGHT)
    original.set_presentation(False)
    yield original
    for theme in {id(t): t for t in (theme_module._current, original) if t is not None}.values():
        theme.set_theme(LIGHT)
        theme.set_presentation(False)
    theme_module._current = original


def dominant_color(image: QImage) -> QColor:
    """The commonest pixel colour (the background of a canvas or plot)."""
    image = image.convertToFormat(QImage.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32, image.width() * image.height())
    values, counts = np.unique(pixels & 0xFFFFFF, return_counts=True)
    return QColor.fromRgb(int(values[counts.argmax()]))


def built(w, qtbot):
    """``w`` once its network has been built ahead of a run (which sets the traces' probes again)."""
    from spikestudio.gui.simulation.run_controller import READY

    qtbot.waitUntil(lambda: w.simulation.controller.state == READY, timeout=120_000)
    return w


def canvas_color(w) -> QColor:
    QApplication.processEvents()
    return dominant_color(w.view.viewport().grab().toImage())


def plot_backgrounds(w) -> list[QColor]:
    ui = w.simulation
    plots = [ui.views.raster.plot, ui.views.traces.plot, ui.views.rates.plot, ui.weights.plots, ui.analysis.plot]
    return [p.backgroundBrush().color() for p in plots]


def probe_widths(w, probes) -> list[float]:
    traces = w.simulation.views.traces
    return [traces.curves[p].opts["pen"].widthF() for p in probes]


def test_dark_theme_colours_the_application_canvas_and_plots_and_light_restores_them(window, look, qtbot):
    w = built(window("cuba"), qtbot)
    w.simulation.controller.set_probes([("E", 0, "v")])
    app = QApplication.instance()
    palette, canvas, plots = QPalette(app.palette()), canvas_color(w), plot_backgrounds(w)
    assert canvas == QColor("#f7f8fa")
    assert plots == [QColor("#ffffff")] * 5

    w.actions["theme_dark"].trigger()
    assert look.name == DARK and w.actions["theme_dark"].isChecked() and not w.actions["theme_light"].isChecked()
    assert app.palette().color(QPalette.Window) == QColor("#2b2f36") != palette.color(QPalette.Window)
    assert app.style().name().lower() == "fusion"
    assert canvas_color(w) == look.canvas_colors().background == QColor("#1d2025")
    assert plot_backgrounds(w) == [look.plot_colors().background] * 5
    axis = w.simulation.views.rates.plot.getAxis("bottom")
    assert axis.textPen().color() == look.plot_colors().foreground
    assert f"color: {look.plot_colors().foreground.name()}" in axis.labelString()
    legend_label = w.simulation.views.traces.legend.items[0][1]  # a legend label made in the light theme
    assert look.plot_colors().foreground.name() in legend_label.item.toHtml()

    w.actions["theme_light"].trigger()
    assert app.palette() == palette
    assert canvas_color(w) == canvas
    assert plot_backgrounds(w) == plots


def test_presentation_mode_enlarges_fonts_and_thickens_existing_and_new_lines_then_restores_them(window, look,
                                                                                                 qtbot):
    from spikestudio.gui.plots.analysis import FICurveDialog

    w = built(window("cuba"), qtbot)
    app = QApplication.instance()
    traces = w.simulation.views.traces
    w.simulation.controller.set_probes([("E", 0, "v")])
    w.simulation.analysis.plot.setTitle("intervals")
    title = w.simulation.analysis.plot.getPlotItem().titleLabel
    assert title.opts["size"] == "11pt"
    font_pt = app.font().pointSizeF()
    edge = next(e for e in w.scene.edges.values() if e.kind == "projection")
    edge_width = edge._looks[False][0].widthF()
    level = traces.levels[0].pen.widthF()
    assert probe_widths(w, [("E", 0, "v")]) == [1.0] and edge_width == 2.0
    inspector_width = w.inspector_dock.width()

    w.actions["presentation"].trigger()
    QApplication.processEvents()
    assert w.inspector_dock.width() > inspector_width  # room for the larger text
    assert look.presentation and w.actions["presentation"].isChecked()
    assert app.font().pointSizeF() == pytest.approx(font_pt * FONT_SCALE)
    assert probe_widths(w, [("E", 0, "v")]) == [LINE_SCALE]  # a curve that existed
    w.simulation.controller.set_probes([("E", 0, "v"), ("I", 3, "v")])
    assert probe_widths(w, [("E", 0, "v"), ("I", 3, "v")]) == [LINE_SCALE, LINE_SCALE]  # curves made after
    assert traces.levels[0].pen.widthF() == level * LINE_SCALE
    assert edge._looks[False][0].widthF() > edge_width
    tick_font = traces.plot.getAxis("left").style["tickFont"]
    assert tick_font is not None and tick_font.pointSizeF() > font_pt
    w.simulation.analysis.plot.setTitle("intervals of E")  # a title set after the switch
    assert title.opts["size"] == f"{11 * FONT_SCALE:g}pt"
    fi = FICurveDialog(w.doc.network, "E", w)  # a plot opened in presentation mode
    fi.show()
    assert fi.rate_curve.opts["pen"].widthF() == 2 * LINE_SCALE and fi.rate_curve.opts["symbolSize"] > 6
    assert fi.plot.backgroundBrush().color() == look.plot_colors().background

    w.actions["presentation"].trigger()
    QApplication.processEvents()
    assert not look.presentation
    assert abs(w.inspector_dock.width() - inspector_width) <= 2
    assert app.font().pointSizeF() == font_pt
    assert probe_widths(w, [("E", 0, "v"), ("I", 3, "v")]) == [1.0, 1.0]
    assert traces.levels[0].pen.widthF() == level
    assert edge._looks[False][0].widthF() == edge_width
    assert traces.plot.getAxis("left").style["tickFont"] is None
    assert title.opts["size"] == "11pt"
    assert fi.rate_curve.opts["pen"].widthF() == 2 and fi.rate_curve.opts["symbolSize"] == 6
    fi.close()


def test_a_pen_the_plot_gives_a_curve_later_keeps_the_presentation_width(window, look, qtbot):
    w = built(window("cuba"), qtbot)
    ui = w.simulation
    ui.duration.setValue(20.0)
    ui.controller.run()
    qtbot.waitUntil(lambda: ui.controller.state == "done", timeout=120_000)
    rates = ui.views.rates
    assert set(rates.curves) == {"E", "I"}
    look.set_presentation(True)
    assert [c.opts["pen"].widthF() for c in rates.curves.values()] == [LINE_SCALE] * 2
    rates.set_colors({"E": QColor("#123456")})  # new pens (at the normal width) for the existing curves
    assert [c.opts["pen"].widthF() for c in rates.curves.values()] == [LINE_SCALE] * 2
    assert rates.curves["E"].opts["pen"].color() == QColor("#123456")


def test_the_choice_persists_to_a_new_window(window, look):
    w = window("cuba")
    w.actions["theme_dark"].trigger()
    w.actions["presentation"].trigger()
    saved = Theme.from_settings()
    assert (saved.name, saved.presentation) == (DARK, True)

    theme_module._current = None  # as in a new session: the look is read from the settings again
    second = window("cuba")
    assert second.actions["theme_dark"].isChecked() and second.actions["presentation"].isChecked()
    assert QApplication.instance().palette().color(QPalette.Window) == QColor("#2b2f36")
    assert canvas_color(second) == QColor("#1d2025")


def test_an_unknown_theme_is_refused_by_name_and_ignored_in_the_settings(window, look):
    from spikestudio.gui.base.app_settings import app_settings

    window()
    with pytest.raises(ValueError, match='unknown theme "purple"'):
        look.set_theme("purple")
    app_settings().setValue("view/theme", "purple")
    assert Theme.from_settings().name == LIGHT


def test_a_network_picture_is_drawn_light_in_the_dark_theme(window, look):
    from spikestudio.gui.canvas.scene_picture import scene_png

    w = window("cuba")
    look.set_theme(DARK)
    image = QImage.fromData(scene_png(w.scene))
    pixels = image.convertToFormat(QImage.Format_RGB32)
    colors = set((np.frombuffer(pixels.constBits(), np.uint32, image.width() * image.height()) & 0xFFFFFF).tolist())
    assert dominant_color(image) == QColor("#ffffff")
    assert QColor(look.canvas_colors().card).rgb() & 0xFFFFFF not in colors  # cards are white, not dark grey
    assert canvas_color(w) == QColor("#1d2025")  # and the canvas is dark again after


def test_the_presentation_shortcut_switches_the_mode_and_no_other_action_has_it(window, look, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence

    w = window("cuba")
    owners = [a.objectName() for a in w.findChildren(QAction) if QKeySequence("Ctrl+Shift+P") in a.shortcuts()]
    assert owners == ["presentation"]
    qtbot.keyClick(w.view, Qt.Key_P, Qt.ControlModifier | Qt.ShiftModifier)
    assert look.presentation and w.actions["presentation"].isChecked()
    qtbot.keyClick(w.view, Qt.Key_P, Qt.ControlModifier | Qt.ShiftModifier)
    assert not look.presentation


def test_a_plot_made_by_another_panel_follows_the_theme_once_it_asks_to(window, look, qtbot):
    import pyqtgraph as pg
    from spikestudio.gui.plots.plot_theme import follow_theme

    window()
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    curve = pg.PlotCurveItem([0, 1], [0, 1], pen=pg.mkPen("r", width=1))
    dots = pg.ScatterPlotItem([0.5], [0.5], size=5)
    plot.addItem(curve)
    plot.addItem(dots)
    follow_theme(plot)
    plot.show()
    look.set_presentation(True)
    look.set_theme(DARK)
    assert curve.opts["pen"].widthF() == LINE_SCALE and dots.opts["size"] > 5
    assert plot.backgroundBrush().color() == look.plot_colors().background
    plot.hide()  # a closed plot is restyled only when it is shown again
    look.set_presentation(False)
    assert curve.opts["pen"].widthF() == LINE_SCALE
    plot.show()
    assert curve.opts["pen"].widthF() == 1 and dots.opts["size"] == 5


def test_the_phase_plane_follows_the_theme(window, look, qtbot):
    w = window("izhikevich")
    view = w.simulation.show_phase_plane()
    qtbot.waitUntil(lambda: not view.computing, timeout=60_000)
    assert view.points, "the example's population has fixed points to draw"
    ink = [s.brush().color() for s in view.fixed.points()]
    nullcline = view.v_null.opts["pen"].widthF()

    look.set_theme(DARK)
    look.set_presentation(True)
    assert view.plot.backgroundBrush().color() == look.plot_colors().background
    assert all(s.brush().color() != c for s, c in zip(view.fixed.points(), ink))  # light ink on the dark plot
    assert view.live.opts["pen"].color().lightness() > 128
    assert view.live.opts["pen"].widthF() == pytest.approx(1.2 * LINE_SCALE)
    assert view.v_null.opts["pen"].widthF() == nullcline * LINE_SCALE

    look.set_theme(LIGHT)
    look.set_presentation(False)
    assert [s.brush().color() for s in view.fixed.points()] == ink
    assert view.live.opts["pen"].widthF() == pytest.approx(1.2)
    assert view.v_null.opts["pen"].widthF() == nullcline


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_presentation_mode_fits_a_laptop_and_a_projector_and_turning_it_off_gives_the_sizes_back(window, look, size):
    """At 1366×768 and 1920×1080: the canvas keeps room, the side docks stay within a quarter of the window,
    dock tabs show whole titles, the inspector never scrolls sideways; off again, every dock is as before."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QTabBar

    w = window("cuba")
    w.resize(*size)
    QApplication.processEvents()
    docks = [w.palette_dock, w.inspector_dock] + [w.simulation.docks[k] for k in ("raster", "traces", "rates")]
    before = [(d.width(), d.height()) for d in docks]
    w.actions["presentation"].trigger()
    QApplication.processEvents()
    assert look.presentation
    assert w.palette_dock.width() <= 0.25 * size[0] + 1 and w.inspector_dock.width() <= 0.25 * size[0] + 1
    assert w.view.width() >= 0.4 * size[0]  # not a 330 px strip
    inspector = w.inspector
    assert inspector.horizontalScrollBar().maximum() == 0 or not inspector.horizontalScrollBar().isVisible()
    assert inspector.widget().width() <= inspector.viewport().width()  # nothing clipped on the right
    bars = [bar for bar in w.findChildren(QTabBar) if bar.isVisible()]
    assert bars and all(bar.elideMode() == Qt.ElideNone for bar in bars)
    assert {bar.tabText(i) for bar in bars for i in range(bar.count())} >= {"ISI analysis", "Phase plane"}
    w.actions["presentation"].trigger()
    for _ in range(3):
        QApplication.processEvents()
    after = [(d.width(), d.height()) for d in docks]
    assert after[:2] == before[:2]  # palette and inspector exactly as they were
    for (width, height), (old_width, old_height) in zip(after[2:], before[2:]):  # the plots within what the
        assert height == old_height and abs(width - old_width) <= 50       # tabbed docks' minimum allows


def test_a_synapses_equations_follow_the_theme_like_a_models(window, look):
    """The frame of the equations under a projection's synapse rows takes the theme's muted colour on a switch."""
    from PySide6.QtWidgets import QLabel

    w = window("cuba")
    w.scene.select_ids(["E->I"])
    QApplication.processEvents()

    def frame() -> str:
        [label] = w.inspector.form_host.findChildren(QLabel, "synapse_equations")
        return label.styleSheet()

    assert current().ui_colors().muted.name() in frame()
    w.actions["theme_dark"].trigger()
    QApplication.processEvents()
    dark = current().ui_colors().muted.name()
    assert dark in frame()
    w.actions["theme_light"].trigger()
    QApplication.processEvents()
    assert dark not in frame() and current().ui_colors().muted.name() in frame()
