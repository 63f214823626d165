"""What a lesson does in a window: open its networks read-only, show each step, perform the step's actions
(highlight, select, probe, show a panel) and tick its tasks as the open network and the run meet them. A step's
model checks run the open network's model off the GUI thread (``check_runner``) and tick when the answers say so.

The student's own copy of a lesson network (saved with Save As while on it, then opened again, say after editing
its equations in a text editor) counts as the lesson's network: the steps go on with it instead of reopening the
lesson's file.

A lesson never runs code: it is a ``engine.lesson.Lesson`` (parsed data) and every change it makes to the
network ("Show me") is an ordinary undoable edit on the window's stack.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QFileDialog

from ...engine.editing.document import ModelChange, Settings
from ...engine.teaching.lesson import (
    EXAMPLE_PREFIX,
    LESSON_FILE,
    AnswerError,
    Check,
    Highlight,
    Lesson,
    LessonError,
    Probe,
    Restart,
    RunTask,
    Select,
    Show,
    Task,
    Window,
    answer_change,
    apply_task,
    check_lesson,
    load_lesson,
    task_met,
)
from ..base import dialogs
from ..base.docks import tabify
from ..editing.commands import EditItem, EditSettings, SetModel, push
from .check_runner import CheckRunner

__all__ = ["LessonController", "install_lessons", "ask_lesson_path"]

PANEL_WIDTH = 360
RUN_TICKS = ("paused", "done")  # run controller states after which a step's @run counts as done


def ask_lesson_path(parent) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Open lesson", "", f"Lessons ({LESSON_FILE} *.md);;All files (*)")
    return path or None


class LessonController(QObject):
    """The lesson open in one window and the step it shows."""

    message = Signal(str)
    step_shown = Signal(int)

    def __init__(self, window, panel, dock: QDockWidget):
        super().__init__(window)
        self.window, self.panel, self.dock = window, panel, dock
        self.lesson: Lesson | None = None
        self.index = 0
        self.ran = False  # a run finished or paused since this step was shown
        self.highlighted: tuple[str, ...] = ()
        self.opened: tuple[Path, str] | None = None  # the lesson network last opened, and its label
        self.on_lesson_network = False  # the document is that network (maybe saved under a new name since)
        self.window_before: float | None = None  # the plot window before a step's @window changed it
        self._opening = False
        self.copies: set[Path] = set()  # where the student saved a lesson network (opening one goes on with it)
        self.checks = CheckRunner(self)
        self.checks.finished.connect(self.refresh_tasks)
        window.files.title_changed.connect(self._remember_copy)
        panel.back_clicked.connect(self.back)
        panel.next_clicked.connect(self.next)
        panel.close_clicked.connect(self.close)
        panel.show_me.connect(self.show_me)
        panel.browser.link_refused.connect(lambda url: self.message.emit(f"The lesson's link “{url}” is not opened"))
        panel.browser.picture_refused.connect(self._picture_refused)
        doc = window.doc
        for event in (doc.items_added, doc.items_removed, doc.item_changed, doc.settings_changed):
            event.connect(self.refresh_tasks)
        doc.network_replaced.connect(self._network_replaced)
        for event in (doc.items_added, doc.item_changed):  # an undone delete brings back an item without its glow
            event.connect(self._glow)
        window.simulation.controller.state_changed.connect(self._run_state)

    # --- opening -------------------------------------------------------------------------------------
    def open(self, path: Path | str | None = None) -> bool:
        """Start the lesson at ``path`` (a folder or its lesson.md); on any problem say so and change nothing."""
        if path is None:
            path = ask_lesson_path(self.window)
            if path is None:
                return False
        try:
            lesson = load_lesson(path)
            problems = check_lesson(lesson)
        except LessonError as exc:
            problems = exc.problems
        if problems:
            dialogs.show_problems(self.window, "Cannot open lesson", f"“{Path(path).name}” cannot be used as a "
                                  f"lesson: {len(problems)} problem{'s' * (len(problems) != 1)} found. Nothing "
                                  "was changed.", problems)
            return False
        if lesson.network and not self._open_network(lesson, lesson.network):
            return False
        self.lesson, self.opened = lesson, self.opened if lesson.network else None
        self.dock.setWindowTitle(f"Lesson: {lesson.title}")
        self.window.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)  # the text runs down the whole left
        self.dock.show()                                                  # side, beside canvas and plots
        self.dock.raise_()
        self.window.resizeDocks([self.dock], [PANEL_WIDTH], Qt.Horizontal)
        docks = self.window.simulation.docks  # the plots share what is left beside the text: the raster widest
        plots = [docks[k] for k in ("raster", "traces", "rates")]
        self.window.resizeDocks(plots, [40, 30, 30], Qt.Horizontal)
        self.window.layout().activate()  # the canvas is narrower now: fit the network (and its notes) to it
        self.window.view.fit_all()
        self.show_step(0)
        self.message.emit(f"Lesson “{lesson.title}”: {len(lesson.steps)} steps")
        return True

    def _open_network(self, lesson: Lesson, name: str) -> bool:
        """Open a lesson network afresh and read-only (Save asks for a new name); whether it is needed is
        ``_open_step_network``'s call."""
        path = lesson.network_path(name)
        label = f"{lesson.title}: {Path(name.removeprefix(EXAMPLE_PREFIX)).stem}"
        files = self.window.files
        if not files.maybe_save("opening the lesson's network"):
            return False
        self._opening = True
        try:
            if not files.open_path(path, example=label):
                return False
        finally:
            self._opening = False
        self.opened, self.on_lesson_network = (path, label), True
        self.window.simulation.controller.window_chosen = True  # the lesson frames its plots (@window), not a guess
        return True

    def close(self) -> None:
        self._set_highlight(())
        self._restore_window()
        self.lesson, self.opened, self.on_lesson_network = None, None, False
        self.window.simulation.controller.restart_when_done = False
        self.panel.show_empty()
        self.dock.setWindowTitle("Lesson")
        self.dock.hide()
        self.window.setCorner(Qt.BottomLeftCorner, Qt.BottomDockWidgetArea)

    # --- steps ---------------------------------------------------------------------------------------
    def next(self) -> None:
        if self.lesson is not None and self.index < len(self.lesson.steps) - 1:
            self.show_step(self.index + 1)

    def back(self) -> None:
        if self.lesson is not None and self.index > 0:
            self.show_step(self.index - 1)

    def show_step(self, index: int) -> None:
        lesson = self.lesson
        step = lesson.steps[index]
        self.index, self.ran = index, False
        self.panel.browser.picture_path = lesson.picture_path
        self.panel.show_step(lesson.title, step.title, step.text, index, len(lesson.steps))
        self.panel.set_tasks([(t, t.describe(), isinstance(t, Task) or (
            isinstance(t, Check) and step.answer_for(t.target) is not None)) for t in step.tasks])
        self._set_highlight(())
        if not any(isinstance(a, Window) for a in step.actions):
            self._restore_window()
        # a step about a stimulus shows it on every run, not only the first (a student tries another value)
        self.window.simulation.controller.restart_when_done = any(isinstance(a, Restart) for a in step.actions)
        if self._open_step_network(lesson, index):
            self._perform_all(step.actions)
        self.refresh_tasks()
        self.step_shown.emit(index)

    def _open_step_network(self, lesson: Lesson, index: int) -> bool:
        """Open the network the step is written for when another one is open (a step's ``@open``, or Back
        across one); False when the student kept the other one (the step's pointers would miss)."""
        name = lesson.network_at(index)
        if name is None or (self.on_lesson_network and self.opened[0] == lesson.network_path(name)):
            return True
        if self._open_network(lesson, name):
            return True
        self.message.emit("The step's network was not opened, so its highlights, probes and panels are skipped")
        return False

    def _picture_refused(self, name: str, reason: str) -> None:
        self.message.emit(f"The lesson's picture “{name[:80]}” is not shown: {reason}")

    def _perform_all(self, actions: list) -> None:
        """The step's actions in order; its highlights glow together (one pass over the canvas, not one each)."""
        ids = [i for action in actions if isinstance(action, Highlight) for i in action.ids]
        if ids:
            self._set_highlight(tuple(dict.fromkeys(self.highlighted + tuple(ids))))
        for action in actions:
            if not isinstance(action, Highlight):
                self._perform(action)

    def _perform(self, action) -> None:
        if isinstance(action, Select):
            self.window.scene.select_ids([action.id])
            self._show_dock(self.window.inspector_dock)
        elif isinstance(action, Probe):
            known = self.window.doc.network.populations
            probes = [(node, i, var) for node, i, var in action.probes if node in known and i < known[node].size]
            self.window.simulation.controller.set_probes(probes)
            self._show_dock(self.window.simulation.docks["traces"])
        elif isinstance(action, Show):
            self.show_panel(action.panel)
        elif isinstance(action, Restart):
            controller = self.window.simulation.controller
            if controller.sim is not None and controller.tap.t > 0.0:  # else the run starts at 0 anyway
                controller.reset()
                self.message.emit("The simulation is back at time 0: this step's run starts from the beginning")
        elif isinstance(action, Window):
            spin = self.window.simulation.window_ms
            if self.window_before is None:
                self.window_before = spin.value()
            spin.setValue(action.ms)

    def _restore_window(self) -> None:
        """The plot window the student had before a step's ``@window``."""
        if self.window_before is not None:
            self.window.simulation.window_ms.setValue(self.window_before)
            self.window_before = None

    def show_panel(self, panel: str) -> None:
        """Bring a panel forward; the F–I tool opens; the phase plane shows the selected population."""
        sim = self.window.simulation
        if panel == "fi_curve":
            sim.show_fi_curve()
        elif panel == "phase_plane":
            sim.show_phase_plane()
        elif panel == "inspector":
            self._show_dock(self.window.inspector_dock)
        elif panel == "experiment":  # with the sweep that sits beside the lesson's network, if there is one
            self.window.experiments.show(self.opened[0] if self.opened and self.on_lesson_network else None)
        elif panel in sim.docks:
            self._show_dock(sim.docks[panel])

    @staticmethod
    def _show_dock(dock: QDockWidget) -> None:
        dock.show()
        dock.raise_()

    # --- highlighting --------------------------------------------------------------------------------
    def _glow(self, *_) -> None:
        """The highlighted ids glow, and nothing else (items come and go with edits and undo)."""
        for item_id, item in {**self.window.scene.nodes, **self.window.scene.edges}.items():
            item.set_highlighted(self.on_lesson_network and item_id in self.highlighted)

    def _set_highlight(self, ids: tuple[str, ...]) -> None:
        """Make these nodes (and projections) glow, and scroll the canvas so they can be seen."""
        items = {**self.window.scene.nodes, **self.window.scene.edges}
        self.highlighted = tuple(ids)
        glowing = set(ids)
        for item_id, item in items.items():
            item.set_highlighted(item_id in glowing)
        shown = [items[i].sceneBoundingRect() for i in ids if i in items]
        if shown:
            area = QRectF(shown[0])
            for rect in shown[1:]:
                area = area.united(rect)
            self.window.view.ensureVisible(area, 40, 40)

    def _network_replaced(self) -> None:
        """The scene's items are new: highlight again on the lesson's network, on no other."""
        if not self._opening:  # the student opened another network (New, Open, Revert, an example), or a copy
            self.on_lesson_network = self.window.files.path in self.copies  # of the lesson's they saved
            if not self.on_lesson_network:
                self.window.simulation.controller.restart_when_done = False
        self._set_highlight(self.highlighted if self.on_lesson_network else ())
        self.refresh_tasks()

    def _remember_copy(self) -> None:
        path = self.window.files.path
        if self.lesson is not None and self.on_lesson_network and path is not None:
            self.copies.add(path)

    # --- tasks ---------------------------------------------------------------------------------------
    def refresh_tasks(self, *_) -> None:
        net = self.window.doc.network
        rows = self.panel.rows()
        checks = [row.task for row in rows if isinstance(row.task, Check)]
        results = dict(zip(checks, self.checks.results(net, checks) or [])) if checks else {}
        for row in rows:
            if isinstance(row.task, Check):
                result = results.get(row.task)
                row.set_done(result is not None and result.met)
                row.set_note("Checking your model…" if result is None else result.message)
            else:
                row.set_done(self.ran if isinstance(row.task, RunTask) else task_met(net, row.task))

    def _run_state(self, state: str) -> None:
        if state in RUN_TICKS and self.lesson is not None and self.on_lesson_network:  # not another network's run
            self.ran = True
            self.refresh_tasks()

    def show_me(self, task: Task | Check) -> None:
        """Make the task's change as one undoable edit, through the same commands the inspector uses (for a check:
        the step's answer, a model text of the lesson's folder, in place of the population's model)."""
        doc = self.window.doc
        if isinstance(task, Check):
            self._show_answer(task)
            return
        try:
            changed = apply_task(doc.network, task)
        except LessonError as exc:
            self.message.emit(f"Show me: {exc}")
            return
        text = f"Lesson: {task.describe()}"
        if task.target == "network":
            command = EditSettings(doc, Settings.of(changed), text)
        else:
            item = changed.populations.get(task.target) or changed.inputs.get(task.target) \
                or changed.projections.get(task.target)
            command = EditItem(doc, task.target, item, text)
        problems = push(self.window.stack, command)
        if problems:
            self.message.emit(f"Show me: not applied: {problems[0]}")


    def _show_answer(self, check: Check) -> None:
        answer = self.lesson.steps[self.index].answer_for(check.target)
        try:
            model_id, desc, params = answer_change(self.lesson, self.window.doc.network, answer)
        except AnswerError as exc:
            self.message.emit(f"Show me: {exc}")
            return
        net = self.window.doc.network
        populations = {pid: replace(net.populations[pid], params=p) for pid, p in params.items()}
        command = SetModel(self.window.doc, ModelChange(model_id, desc, populations),
                           f"Lesson: the model of {check.target} from {answer.file}")
        problems = push(self.window.stack, command)
        if problems:
            self.message.emit(f"Show me: not applied: {problems[0]}")


def install_lessons(window) -> LessonController:
    """The lesson dock (hidden until a lesson opens) beside the canvas, left, over the palette."""
    from .lesson_panel import LessonPanel

    panel = LessonPanel()
    dock = QDockWidget("Lesson", window)
    dock.setObjectName("lesson_dock")
    dock.setWidget(panel)
    window.addDockWidget(Qt.LeftDockWidgetArea, dock)
    tabify(window, window.palette_dock, dock)
    window.palette_dock.raise_()
    dock.hide()
    window.panels_menu.addAction(dock.toggleViewAction())
    controller = LessonController(window, panel, dock)
    controller.message.connect(window.show_message)
    return controller
