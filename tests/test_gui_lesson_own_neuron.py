"""Lesson 8 in a real window: the checks run the open network's model off the GUI thread and tick when the equations
behave; a student who edits the saved copy of the lesson's network in a text editor and opens it again goes on
with it; "Show me" swaps in the lesson's model as one undoable edit; the lesson is listed with the others."""

import json
import re

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from spikestudio.engine.equations.data import to_text
from spikestudio.engine.teaching.lesson import Check, bundled_lessons
from spikestudio.gui.base import dialogs
from spikestudio.resources.lessons import own_neuron
from test_gui_live import wait_for

pytestmark = pytest.mark.timeout(300)


def open_lesson(w):
    lesson = next(item for item in bundled_lessons() if item.folder.name == own_neuron.FOLDER)
    assert w.open_lesson(lesson.folder)
    QApplication.processEvents()
    return lesson


def go_to(w, title: str) -> None:
    titles = [step.title for step in w.lessons.lesson.steps]
    while w.lessons.index < titles.index(title):
        w.lessons.panel.next.click()


def check_rows(w):
    return [row for row in w.lessons.panel.rows() if isinstance(row.task, Check)]


def settled(w) -> bool:
    QApplication.processEvents()
    return not w.lessons.checks.busy() and all(row.note.text() != "Checking your model…" for row in check_rows(w))


def test_the_checks_stay_unticked_for_the_linear_start_and_tick_after_show_me_undo_takes_it_back(window):
    w = window()
    open_lesson(w)
    go_to(w, "The quadratic term")
    silent, fires = check_rows(w)
    assert silent.button is not None and fires.button is not None  # the step has an answer for "neuron"
    assert wait_for(lambda: settled(w), 120.0)
    assert silent.done and not fires.done
    assert "v levels off at -58.0 mV" in fires.note.text() and fires.note.isVisible()
    fires.button.click()  # Show me: the lesson's quadratic model in place of the leaky one
    assert "(v - E_L)*(v - V_c)" in to_text(w.doc.network.models["my_neuron"])
    assert wait_for(lambda: settled(w), 120.0)
    assert silent.done and fires.done and fires.note.text() == "fires at 26 Hz at 300 pA"
    assert w.stack.undoText() == "Lesson: the model of neuron from qif.model"
    w.actions["undo"].trigger()
    assert wait_for(lambda: settled(w), 30.0)  # answered from what the runner remembers
    assert not fires.done and "levels off" in fires.note.text()
    assert "(v - E_L)*(v - V_c)" not in to_text(w.doc.network.models["my_neuron"])
    w.actions["redo"].trigger()
    w.scene.select_ids(["neuron"])
    QApplication.processEvents()
    shown = re.sub(r"<[^>]+>", "", w.inspector.findChild(QLabel, "equations").text())
    assert "Vc" in shown and "ΔV" in shown  # the inspector shows the new equations


def test_a_student_edits_the_model_in_the_model_editor_and_the_checks_tick(window, qtbot):
    from gui_helpers import view_point
    from PySide6.QtCore import QPointF

    w = window()
    open_lesson(w)
    go_to(w, "The quadratic term")
    w.simulation._node_menu("neuron", w.view.mapToGlobal(view_point(w, QPointF(0, 0))))
    action = next(a for a in w.simulation.node_menu.actions() if a.objectName() == "edit_model")
    w.simulation.node_menu.close()
    action.trigger()  # right-click neuron > Edit Model..., as the lesson says
    editor = w.models.editor
    assert editor.model_id.text() == "my_neuron"
    text = editor.text.toPlainText()
    assert own_neuron.LEAKY_LINE in text
    editor.text.setPlainText(text.replace(own_neuron.LEAKY_LINE, own_neuron.QUADRATIC_LINE))
    assert wait_for(lambda: not editor._timer.isActive() and editor.desc is not None, 30.0)
    assert editor.save_to_network()
    assert "(v - E_L)*(v - V_c)" in to_text(w.doc.network.models["my_neuron"])
    assert wait_for(lambda: settled(w), 120.0)
    assert all(row.done for row in check_rows(w)), [row.note.text() for row in check_rows(w)]
    w.actions["undo"].trigger()  # Save to Network is one undo step, and the checks follow it back
    assert wait_for(lambda: settled(w), 60.0)
    assert not check_rows(w)[1].done


def test_a_student_edits_the_saved_copy_in_a_text_editor_and_the_lesson_goes_on_with_it(window, tmp_path,
                                                                                          monkeypatch):
    w = window()
    open_lesson(w)
    go_to(w, "The quadratic term")
    copy = tmp_path / "my_neuron.json"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": str(copy))
    assert w.files.save_as()
    data = json.loads(copy.read_text())
    assert data["models"]["my_neuron"]["equations"]["v"] == own_neuron.LEAKY_LINE.split("= ", 1)[1]
    data["models"]["my_neuron"]["equations"]["v"] = own_neuron.QUADRATIC_LINE.split("= ", 1)[1]  # the text editor
    copy.write_text(json.dumps(data, indent=2))
    assert w.files.open(str(copy))  # File > Open... of the edited copy
    assert w.lessons.on_lesson_network and w.lessons.index == 2
    assert wait_for(lambda: settled(w), 120.0)
    assert all(row.done for row in check_rows(w)), [row.note.text() for row in check_rows(w)]
    w.lessons.panel.next.click()  # the next step goes on with the student's file, not the lesson's
    assert w.files.path == copy.resolve() and "(v - E_L)*(v - V_c)" in to_text(w.doc.network.models["my_neuron"])
    assert wait_for(lambda: settled(w), 120.0)
    assert [row.done for row in check_rows(w)] == [True, True]  # two fixed points at 0 pA, none at 300
    assert check_rows(w)[0].note.text() == "2 fixed points at 0 pA: -70.0 mV (stable), -50.0 mV (unstable)"


def test_a_student_whose_edited_equation_ignores_the_input_sees_why_the_task_stays_open(window, tmp_path,
                                                                                       monkeypatch):
    w = window()
    open_lesson(w)
    go_to(w, "The quadratic term")
    copy = tmp_path / "deaf.json"
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": str(copy))
    assert w.files.save_as()
    data = json.loads(copy.read_text())
    data["models"]["my_neuron"]["equations"]["v"] = "(v - E_L)*(v - V_c)/(tau_m*Delta_V) + I_e/C"  # no I_syn
    copy.write_text(json.dumps(data, indent=2))
    assert w.files.open(str(copy))
    assert wait_for(lambda: settled(w), 120.0)
    silent, fires = check_rows(w)
    assert silent.done and not fires.done
    assert fires.note.text() == "silent: no equation uses I_syn, so no input current reaches the neuron"
    assert fires.button.isEnabled()  # Show me is still offered


def test_another_network_opened_during_the_lesson_is_not_taken_for_the_students_copy(window, tmp_path):
    import spikestudio

    w = window()
    open_lesson(w)
    other = tmp_path / "other.json"
    spikestudio.save(spikestudio.Network(), other)
    assert w.files.open(str(other))
    assert not w.lessons.on_lesson_network


def test_lesson_eight_is_in_the_lessons_menu_and_on_the_welcome_page(window):
    w = window()
    w.lessons_menu.aboutToShow.emit()
    assert "Write your own neuron" in [a.text() for a in w.lessons_menu.actions()]
    w.show_welcome()
    items = [w.welcome.lessons.item(i).text() for i in range(w.welcome.lessons.count())]
    assert items[-1] == "8. Write your own neuron"
