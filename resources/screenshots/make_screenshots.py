"""Render the editor with the bundled examples, idle and mid-run, to the PNGs the README shows (no display needed).

Run ``QT_QPA_PLATFORM=offscreen .venv/bin/python resources/screenshots/make_screenshots.py`` (all of them), or
with file names (``… make_screenshots.py welcome.png``) to render only those.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SPIKESTUDIO_HOME", tempfile.mkdtemp(prefix="spikestudio-shots-"))

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

HERE = Path(__file__).resolve().parent
SHOTS = {"editor-brunel.png": ("brunel", "E"), "editor-cuba.png": ("cuba", "I->E")}
# example, simulated ms before the picture, neurons probed
RUNNING = {"running-cuba.png": ("cuba", 1500.0, [("E", 0), ("E", 1), ("I", 0)]),
           "running-brunel.png": ("brunel", 400.0, [("E", 0), ("I", 0)])}
# the CUBA run again in another look: (theme, presentation mode)
THEMED = {"dark.png": ("dark", False), "presentation.png": ("light", True)}
# a lesson on a laptop and on a projector, in both looks: (width, height, presentation mode)
CLASSROOM = {f"classroom-{w}x{h}{'-presentation' if p else ''}.png": (w, h, p)
             for w, h in ((1366, 768), (1920, 1080)) for p in (False, True)}


def shown_window(example: str, width: int, height: int):
    """A window on ``example`` at a fixed size, on screen (offscreen), the network fitted to the canvas."""
    from spikestudio.gui.shell.app import make_window

    window = make_window(example, recover=False)
    window.keep_layout = False
    window.resize(width, height)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.view.fit_all()
    return window


def render(example: str, selected: str, out: Path) -> None:
    window = shown_window(example, 1400, 860)
    window.scene.select_ids([selected])
    QApplication.processEvents()
    window.grab().save(str(out))
    window.stack.setClean()  # the toolbar's Duration is the network's: not a change to ask about
    window.close()


def render_running(example: str, ms: float, probes, out: Path) -> None:
    """The window mid-run: paused after ``ms`` simulated, with the probes' traces drawn."""
    run_and_grab(shown_window(example, 1600, 1000), ms, probes, out)


def run_and_grab(window, ms: float, probes, out: Path) -> None:
    ui = window.simulation
    for node, i in probes:
        ui.probe(node, i)
    ui.duration.setValue(ms)
    ui.controller.run()
    while ui.controller.state != "done":
        QTest.qWait(20)
    QApplication.processEvents()
    window.grab().save(str(out))
    window.stack.setClean()  # the toolbar's Duration is the network's: not a change to ask about
    window.close()


def render_themed(theme: str, presentation: bool, out: Path) -> None:
    """The CUBA run in the dark theme or in presentation mode, switched as a user would with the window open;
    the look goes back to light and normal after."""
    from spikestudio.gui.base.theme import current

    look = current()
    window = shown_window("cuba", 1600, 1000)
    try:
        window.actions[f"theme_{theme}"].trigger()
        if presentation:
            window.actions["presentation"].trigger()
        window.view.fit_all()
        run_and_grab(window, 1500.0, [("E", 0), ("E", 1), ("I", 0)], out)
    finally:
        look.set_theme("light")
        look.set_presentation(False)


def render_learning(out: Path) -> None:
    """The digits example after 300 simulated seconds of training: receptive fields in the Weights dock."""
    from PySide6.QtCore import Qt

    window = shown_window("digits", 1600, 1000)
    ui = window.simulation
    ui.docks["weights"].raise_()
    window.resizeDocks([ui.docks["weights"]], [560], Qt.Vertical)
    window.resizeDocks([ui.docks["raster"], ui.docks["traces"], ui.docks["weights"]], [420, 260, 920],
                       Qt.Horizontal)
    ui.duration.setValue(300_000.0)
    ui.controller.run()
    while ui.controller.state != "done":
        QTest.qWait(50)
    ui.weights.mode.setCurrentIndex(1)  # receptive fields on the 8 x 8 grid
    QApplication.processEvents()
    window.grab().save(str(out))
    window.stack.setClean()  # the toolbar's Duration is the network's: not a change to ask about
    window.close()


def render_welcome(out: Path) -> None:
    """The welcome page over the default example, as at first launch."""
    from spikestudio.gui.shell.app import greet, make_window

    window = make_window(None, recover=False)
    greet(window, None)
    window.keep_layout = False
    window.resize(1400, 860)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.view.fit_all()
    QTest.qWait(50)  # the page follows the window's layout once it has settled
    window.grab().save(str(out))
    window.stack.setClean()  # the toolbar's Duration is the network's: not a change to ask about
    window.close()


def render_lesson(out: Path) -> None:
    """Lesson 1 at its rheobase step: the neuron highlighted, the math, a task done with "Show me", a run."""
    from spikestudio.engine.teaching.lesson import bundled_lessons

    window = shown_window("single_neuron", 1400, 860)
    lesson = bundled_lessons()[0]
    window.open_lesson(lesson.folder)
    panel = window.lessons.panel
    while panel.next.isEnabled() and not any(row.button for row in panel.rows()):
        panel.next.click()
    panel.rows()[0].button.click()
    ui = window.simulation
    ui.duration.setValue(500.0)
    ui.window_ms.setValue(500.0)
    ui.controller.run()
    while ui.controller.state != "done":
        QTest.qWait(20)
    window.view.fit_all()
    QApplication.processEvents()
    window.grab().save(str(out))
    window.stack.setClean()
    window.close()


def render_own_neuron(out: Path, show_me: bool = True) -> None:
    """Lesson 8 at "The quadratic term": the student's model checked by running it (after "Show me" wrote the
    quadratic one in, unless ``show_me`` is False: the leaky start, with the check saying why it does not fire)."""
    from spikestudio.engine.teaching.lesson import bundled_lessons
    from spikestudio.resources.lessons.own_neuron import FOLDER

    window = shown_window("single_neuron", 1400, 860)
    window.open_lesson(next(item for item in bundled_lessons() if item.folder.name == FOLDER).folder)
    panel, lessons = window.lessons.panel, window.lessons
    while lessons.lesson.steps[lessons.index].title != "The quadratic term":
        panel.next.click()
    if show_me:
        panel.rows()[1].button.click()
    ui = window.simulation
    ui.window_ms.setValue(500.0)
    ui.controller.run()
    while ui.controller.state != "done" or lessons.checks.busy():
        QTest.qWait(20)
    window.scene.select_ids(["neuron"])
    window.view.fit_all()
    QApplication.processEvents()
    window.grab().save(str(out))
    window.stack.setClean()
    window.close()


def render_classroom(width: int, height: int, presentation: bool, out: Path) -> None:
    """Lesson 2 at its bursting step, run as a student runs it, on a laptop or a projector screen; presentation
    mode switched on with the window open (and off again after), as a teacher would."""
    from spikestudio.engine.teaching.lesson import bundled_lessons
    from spikestudio.gui.base.theme import current

    window = shown_window("single_neuron", width, height)
    try:
        if presentation:
            window.actions["presentation"].trigger()
        lesson = next(item for item in bundled_lessons() if item.folder.name.startswith("02"))
        window.open_lesson(lesson.folder)
        panel = window.lessons.panel
        while window.lessons.lesson.steps[window.lessons.index].title != "Bursting (IB) and chattering (CH)":
            panel.next.click()
        ui = window.simulation
        ui.controller.run()
        while ui.controller.state != "done":
            QTest.qWait(20)
        QApplication.processEvents()
        window.grab().save(str(out))
        window.stack.setClean()
        window.close()
    finally:
        current().set_presentation(False)


def render_phase_plane(out: Path) -> None:
    """The Izhikevich network paused mid-run: the phase plane of E with neuron 0's trajectory, and where a
    neuron would go from a clicked state."""
    from PySide6.QtCore import Qt

    window = shown_window("izhikevich", 1600, 1000)
    ui = window.simulation
    ui.probe("E", 0)
    plane = ui.show_phase_plane("E")
    window.resizeDocks([ui.docks["phase_plane"]], [540], Qt.Vertical)
    window.resizeDocks([ui.docks["raster"], ui.docks["traces"], ui.docks["phase_plane"]], [430, 330, 840],
                       Qt.Horizontal)
    ui.window_ms.setValue(400.0)
    ui.duration.setValue(700.0)
    ui.controller.run()
    while ui.controller.state != "done":
        QTest.qWait(20)
    plane.start_from(-45.0, -12.0)  # right of the saddle: one spike, then back to rest
    QApplication.processEvents()
    window.grab().save(str(out))
    window.stack.setClean()  # the toolbar's Duration is the network's: not a change to ask about
    window.close()


def render_phase_diagram(out: Path) -> None:
    """The Brunel example's phase-diagram sweep (its brunel.sweep.json) run in the Experiment panel on two
    workers, the CV of the interspike intervals as a heat map: Brunel's four states as four regions."""
    from PySide6.QtCore import Qt
    from spikestudio.resources.examples import example_path

    window = shown_window("brunel", 1600, 1000)
    experiments = window.experiments
    experiments.show(example_path("brunel"))
    for name in ("raster", "traces", "rates"):  # the panel alone across the bottom
        window.simulation.docks[name].hide()
    window.resizeDocks([experiments.dock], [600], Qt.Vertical)
    panel = experiments.panel
    panel.workers.setValue(2)
    panel.start()
    while panel.runner.busy:
        QTest.qWait(50)
    panel.measure.setCurrentText("cv_isi:E")
    panel.plot.getPlotItem().vb.autoRange()
    QApplication.processEvents()
    window.grab().save(str(out))
    window.close()


def render_model_editor(out: Path) -> None:
    """The model editor on a quadratic integrate-and-fire neuron: its trace and F–I curve, then a typo on line 9
    (listed, underlined, the Save buttons off); the palette's My models with a file that cannot be used."""
    models = HERE.parents[1] / "tests" / "data" / "models"
    library = Path(tempfile.mkdtemp(prefix="spikestudio-models-"))
    os.environ["SPIKESTUDIO_MODEL_LIBRARY"] = str(library)
    (library / "eif.model").write_text((models / "exponential_if.model").read_text())
    (library / "leaky.model").write_text("state v = -65 mV\ndv/dt = (E_L - v)/tau\n")
    qif = (models / "qif.model").read_text()
    window = shown_window("single_neuron", 1600, 1000)
    editor = window.models.new_model()
    editor.open_text("qif", qif)
    editor.save_to_library()
    while editor.preview.busy or editor.preview.preview is None:
        QTest.qWait(50)
    editor.open_text("qif", qif.replace("(v - V_c)", "(v - V_cc)"))
    window.scene.select_ids(["neuron"])  # the inspector offers "Duplicate as custom model…"
    window.view.fit_all()
    editor.go_to(9, 26)
    QTest.qWait(100)
    window.grab().save(str(out))
    window.stack.setClean()
    window.close()


def main(argv: list[str] | None = None) -> int:
    wanted = set(sys.argv[1:] if argv is None else argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    jobs = {name: (lambda e=example, s=selected, n=name: render(e, s, HERE / n))
            for name, (example, selected) in SHOTS.items()}
    jobs |= {name: (lambda e=example, m=ms, p=probes, n=name: render_running(e, m, p, HERE / n))
             for name, (example, ms, probes) in RUNNING.items()}
    jobs["learning-digits.png"] = lambda: render_learning(HERE / "learning-digits.png")
    jobs["phase-plane.png"] = lambda: render_phase_plane(HERE / "phase-plane.png")
    jobs["brunel-phase-diagram.png"] = lambda: render_phase_diagram(HERE / "brunel-phase-diagram.png")
    jobs["model-editor.png"] = lambda: render_model_editor(HERE / "model-editor.png")
    jobs["welcome.png"] = lambda: render_welcome(HERE / "welcome.png")
    jobs["lesson.png"] = lambda: render_lesson(HERE / "lesson.png")
    jobs["lesson-own-neuron.png"] = lambda: render_own_neuron(HERE / "lesson-own-neuron.png")
    jobs |= {name: (lambda t=theme, p=presentation, n=name: render_themed(t, p, HERE / n))
             for name, (theme, presentation) in THEMED.items()}
    jobs |= {name: (lambda w=w, h=h, p=p, n=name: render_classroom(w, h, p, HERE / n))
             for name, (w, h, p) in CLASSROOM.items()}
    for name, job in jobs.items():
        if not wanted or name in wanted:
            job()
            print(f"wrote {HERE / name}")
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
