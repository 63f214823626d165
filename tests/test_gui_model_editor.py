"""The model editor, driven through its widgets: typing a model with live validation, its preview, saving it into
the network (undo, redo) and the library, duplicating a built-in, the palette's My models and broken files."""

import time
from pathlib import Path

import numpy as np
import pytest
from gui_helpers import click_node, field, view_point
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QPushButton
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network
from spikestudio.engine.simulation.simulator import Simulator
from spikestudio.gui.canvas.palette import KEY_ROLE

pytestmark = pytest.mark.timeout(300)
MODELS = Path(__file__).parent / "data" / "models"
QIF_LINES = (MODELS / "qif.model").read_text().splitlines()
TYPO_LINE = 9  # the equation, counted as the editor counts lines (1-based)


def wait_for(predicate, timeout=120.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        QApplication.processEvents()
        if predicate():
            return True
        time.sleep(0.01)
    return False


def type_text(qtbot, widget, lines):
    for k, line in enumerate(lines):
        if k:
            qtbot.keyClick(widget, Qt.Key_Return)
        qtbot.keyClicks(widget, line)


def previewed(editor):
    panel = editor.preview
    return not panel.busy and panel.preview is not None and not editor._timer.isActive()


def test_typing_a_quadratic_neuron_with_a_typo_then_fixing_it_saving_and_undoing(window, qtbot):
    w = window()
    editor = w.models.new_model()
    assert w.models.dock.isVisible()
    editor.text.clear()
    editor.model_id.setText("qif")
    typo = [line.replace("(v - V_c)", "(v - V_cc)") for line in QIF_LINES]
    assert QIF_LINES[TYPO_LINE - 1] != typo[TYPO_LINE - 1]
    type_text(qtbot, editor.text, typo)
    qtbot.waitUntil(lambda: editor.problem_list.count() > 0, timeout=5000)
    (problem,) = [editor.problem_list.item(i).text() for i in range(editor.problem_list.count())]
    col = QIF_LINES[TYPO_LINE - 1].index("V_c)") + 1
    assert problem == f"line {TYPO_LINE}, column {col}: unknown name 'V_cc'"
    assert not editor.save_network.isEnabled() and "1 problem" in editor.save_network.toolTip()
    assert "Cannot save" in editor.save_why.text()
    assert editor.highlighter.problems == {TYPO_LINE - 1: [col - 1]}
    # a click on the problem puts the cursor on it
    item = editor.problem_list.item(0)
    editor.problem_list.itemClicked.emit(item)
    cursor = editor.text.textCursor()
    assert (cursor.blockNumber() + 1, cursor.positionInBlock() + 1) == (TYPO_LINE, col)
    # fix it where the cursor is: delete the extra "c"
    cursor.movePosition(cursor.MoveOperation.Right, cursor.MoveMode.MoveAnchor, 3)
    editor.text.setTextCursor(cursor)
    qtbot.keyClick(editor.text, Qt.Key_Backspace)
    qtbot.waitUntil(lambda: editor.desc is not None, timeout=5000)
    assert editor.problem_list.count() == 0 and editor.save_network.isEnabled()
    assert editor.text.toPlainText().splitlines() == QIF_LINES
    # the preview: spikes during the step, and a rate that rises with the current
    assert wait_for(lambda: previewed(editor)), editor.preview.status.text()
    p = editor.preview.preview
    assert p.spikes.size >= 3 and np.all((p.spikes > 50.0) & (p.spikes < 260.0))
    t, v = editor.preview.trace_curve.getData()
    assert t.size == p.t.size and v.max() > 0.0
    currents, rates = editor.preview.fi_curve.getData()
    assert rates[0] == 0.0 and rates[-1] > rates[len(rates) // 2] > 0.0 and np.all(np.diff(rates) >= 0)
    assert "spikes under the step" in editor.preview.status.text()
    # save into the network: one undo step
    QPushButton.click(editor.save_network)
    assert "qif" in w.doc.network.models and w.stack.undoText() == "Save model qif"
    w.actions["undo"].trigger()
    assert "qif" not in w.doc.network.models
    w.actions["redo"].trigger()
    assert w.doc.network.models["qif"].param_names() == ["tau", "E_L", "V_c", "R", "V_reset"]


def _lif_network():
    net = Network(dt=0.1, duration=300.0, seed=2)
    net.add_population("L", 10, "lif", V_th=-56.0)
    net.add_poisson("drive", 50, 40.0)
    net.connect("drive", "L", p=0.3, weight=90.0)
    net.add_current("dc", "L", "dc", amplitude=300.0)
    net.record_spikes("L")
    return net


def _spikes(net):
    return Simulator(net).run(0.3).spikes("L")


def test_duplicating_a_built_in_lif_gives_a_model_with_identical_spikes(window, qtbot, tmp_path):
    net = _lif_network()
    path = tmp_path / "lif.json"
    fileformat.save(net, path)
    w = window(path)
    click_node(w, "L")
    QApplication.processEvents()
    button = w.inspector.findChild(QPushButton, "duplicate_model")
    QPushButton.click(button)
    editor = w.models.editor
    assert editor.model_id.text() == "lif_copy" and editor.use_for.isVisible() and editor.use_for.isChecked()
    assert "threshold v >= V_th" in editor.text.toPlainText()
    assert wait_for(lambda: previewed(editor)), editor.preview.status.text()
    assert editor.save_to_network()
    pop = w.doc.network.populations["L"]
    assert pop.model == "lif_copy" and pop.params["V_th"] == -56.0
    model_field = field(w, "model")  # the inspector, still on L, shows the new model as chosen
    assert model_field.currentData() == "lif_copy" and w.inspector.findChild(QPushButton, "duplicate_model")
    ids, times = _spikes(net)
    ids2, times2 = _spikes(w.doc.network)
    assert times.size > 50 and np.array_equal(ids, ids2) and np.array_equal(times, times2)
    w.actions["undo"].trigger()
    assert w.doc.network.populations["L"].model == "lif" and "lif_copy" not in w.doc.network.models
    # the population's right-click menu offers the same
    w.simulation._node_menu("L", w.view.mapToGlobal(view_point(w, QPointF(0, 0))))
    action = next(a for a in w.simulation.node_menu.actions() if a.objectName() == "duplicate_model")
    w.simulation.node_menu.close()
    action.trigger()
    assert editor.model_id.text() == "lif_copy" and editor.population == "L"


def _drop(w, key, scene_pos):
    mime = w.palette.mime_for(key)
    target = view_point(w, scene_pos)
    viewport = w.view.viewport()
    enter = QDragEnterEvent(target, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(viewport, QDropEvent(QPointF(target), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))


def _user_models(w):
    heading = w.palette.user_models
    return [(heading.child(i).text(0), heading.child(i).data(0, KEY_ROLE), heading.child(i).toolTip(0))
            for i in range(heading.childCount())]


def test_the_library_saves_lists_in_the_palette_and_drops_onto_the_canvas(window, tmp_path, monkeypatch):
    library = tmp_path / "library"
    monkeypatch.setenv("SPIKESTUDIO_MODEL_LIBRARY", str(library))
    w = window()
    assert _user_models(w) == [("Save a model in the model editor", None, "")]
    editor = w.models.new_model()
    editor.open_text("qif", "\n".join(QIF_LINES))
    assert editor.save_to_library()
    assert (library / "qif.model").read_text().splitlines() == QIF_LINES
    ((name, key, _),) = _user_models(w)
    assert (name, key) == ("Quadratic integrate-and-fire", "lib:qif")
    _drop(w, "lib:qif", QPointF(-200, 150))
    net = w.doc.network
    pop = net.populations["qif"]
    assert pop.model == "qif" and net.models["qif"].title == "Quadratic integrate-and-fire"
    assert abs(net.layout["qif"].x + 200) < 2
    w.actions["undo"].trigger()  # the population and the model's description go together
    assert "qif" not in net.populations and "qif" not in net.models
    w.actions["redo"].trigger()
    _drop(w, "lib:qif", QPointF(200, 150))  # the same model again: shared, not copied twice
    assert [p.model for p in net.populations.values() if p.id.startswith("qif")] == ["qif", "qif"]
    assert list(net.models) == ["qif"]


def test_a_broken_library_file_is_listed_with_its_problem(window, tmp_path, monkeypatch):
    library = tmp_path / "library"
    library.mkdir()
    (library / "leaky.model").write_text("state v = -65 mV\ndv/dt = (E_L - v)/tau\n")
    (library / "qif.model").write_text("\n".join(QIF_LINES))
    monkeypatch.setenv("SPIKESTUDIO_MODEL_LIBRARY", str(library))
    w = window()
    entries = _user_models(w)
    assert [(name, key) for name, key, _ in entries] == [("leaky (cannot be used)", None),
                                                        ("Quadratic integrate-and-fire", "lib:qif")]
    assert "line 2, column 10: unknown name 'E_L'" in entries[0][2]
    assert w.edits.add_library_model("leaky") is None and "leaky" not in w.doc.network.models
    assert "unknown name 'E_L'" in w.statusBar().currentMessage()
    assert w.stack.count() == 0


def test_an_invalid_id_or_text_cannot_be_saved_and_the_buttons_say_why(window):
    w = window()
    editor = w.models.new_model()
    editor.model_id.setText("lif")
    assert not editor.save_library.isEnabled() and "built-in" in editor.save_library.toolTip()
    assert not editor.save_to_network() and "built-in" in editor.save_why.text()
    editor.model_id.setText("mine")
    editor.open_text("mine", "state v = -65 mV\nthreshold v >")
    assert not editor.save_network.isEnabled() and not editor.save_to_library()
    assert editor.save_why.text().startswith("Cannot save: the text has problems: line 2")
    assert "mine" not in w.doc.network.models and w.stack.count() == 0


def test_new_equations_compile_off_the_gui_thread_and_the_editor_says_so(window, monkeypatch, tmp_path):
    """Equations never compiled before (a constant made from the clock) take seconds to compile: the preview says
    "Compiling", and the window's event loop keeps turning meanwhile."""
    from PySide6.QtCore import QTimer

    monkeypatch.setenv("SPIKESTUDIO_MODEL_CACHE", str(tmp_path / "cache"))
    w = window()
    editor = w.models.new_model()
    assert wait_for(lambda: previewed(editor))
    fresh = f"{15 + (time.time_ns() % 10**6) / 10**9:.9f}"
    ticks = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start()
    editor.open_text("fresh", "\n".join(QIF_LINES).replace("15*mV", f"{fresh}*mV"))
    assert wait_for(lambda: editor.preview.status.text().startswith("Compiling"), timeout=60)
    started = time.monotonic()
    assert wait_for(lambda: previewed(editor) and editor.preview.preview.spikes.size > 0, timeout=280)
    timer.stop()
    seconds = time.monotonic() - started
    during = [t for t in ticks if t >= started]
    assert seconds < 0.5 or len(during) >= seconds / 0.02 / 8  # the loop ran through the compile (a busy machine
    # runs a 20 ms timer late, never a blocked one)
    gaps = np.diff(during)
    assert gaps.size == 0 or gaps.max() < 2.0  # and never stopped for long


def test_a_method_that_cannot_apply_is_a_located_problem_too(window):
    """Exact integration of a quadratic equation: the text parses, but a network would refuse it."""
    w = window()
    editor = w.models.new_model()
    editor.open_text("qif", "\n".join(QIF_LINES) + "\nmethod exact")
    assert editor.desc is None and not editor.save_network.isEnabled()
    (problem,) = editor.problems
    assert (problem.line, problem.col) == (len(QIF_LINES) + 1, 8) and "exact integration" in problem.message


def _format_at(editor, line: int, col: int):
    """The character format the highlighter gave the text at ``line`` and ``col`` (both 1-based)."""
    from PySide6.QtGui import QTextCharFormat

    block = editor.text.document().findBlockByNumber(line - 1)
    for rng in block.layout().formats():
        if rng.start <= col - 1 < rng.start + rng.length:
            return QTextCharFormat(rng.format)  # a copy: the range's own goes with the list
    return None


def test_the_text_is_coloured_by_kind_and_a_problem_is_underlined_where_it_is(window):
    """Keywords, derivatives, units, functions, numbers, quoted descriptions and comments each take their colour;
    a name that is not a function is not coloured as one; the validator's problem gets a wavy red underline on its
    token only."""
    from PySide6.QtGui import QFont, QTextCharFormat

    w = window()
    editor = w.models.new_model()
    lines = ['param tau = 10 ms (0, 100] "the time constant"  # slow',
             "state v = -65 mV",
             "dv/dt = (exp(-(v + 65*mV)/mV)*mV - (v + 65*mV))/tau + 2.5*mV/ms",
             "threshold v > -50*mV and exp > 1"]
    editor.open_text("coloured", "\n".join(lines))
    QApplication.processEvents()
    colours = {kind: fmt.foreground().color().name() for kind, fmt in editor.highlighter.formats.items()}
    assert len({colours[k] for k in ("keyword", "unit", "function", "number", "string", "comment")}) == 6

    def kind_at(line, token, nth=0):
        text = lines[line - 1]
        col = text.index(token) + 1
        for _ in range(nth):
            col = text.index(token, col) + 1
        fmt = _format_at(editor, line, col)
        return None if fmt is None else fmt.foreground().color().name()

    assert kind_at(1, "param") == colours["keyword"] and _format_at(editor, 1, 1).fontWeight() == QFont.Bold
    assert kind_at(1, "ms") == colours["unit"] and kind_at(1, "10") == colours["number"]
    assert kind_at(1, "the time") == colours["string"] and kind_at(1, "# slow") == colours["comment"]
    assert _format_at(editor, 1, lines[0].index("# slow") + 1).fontItalic()
    assert kind_at(2, "mV") == colours["unit"] and kind_at(3, "dv/dt") == colours["derivative"]
    assert kind_at(3, "exp") == colours["function"] and kind_at(3, "2.5") == colours["number"]
    assert kind_at(3, "tau") not in colours.values()  # a declared name is plain text
    assert kind_at(4, "and") == colours["keyword"]
    # "exp" without a call is an unknown name: underlined there, and nowhere else on the line
    (problem,) = editor.problems
    col = lines[3].index("exp") + 1
    assert (problem.line, problem.col) == (4, col)
    under = [c for c in range(1, len(lines[3]) + 1) if (f := _format_at(editor, 4, c)) is not None
             and f.underlineStyle() == QTextCharFormat.WaveUnderline]
    assert under == [col, col + 1, col + 2]
    assert _format_at(editor, 4, col).underlineColor().name() == colours["problem"]
    assert kind_at(4, "exp") != colours["function"]  # not a call: not coloured as a function


def test_a_duplicate_of_izhikevich_keeps_its_preset_buttons(window, qtbot, tmp_path):
    net = Network(dt=0.1, duration=100.0)
    net.add_population("Z", 2, "izhikevich")
    path = tmp_path / "izh.json"
    fileformat.save(net, path)
    w = window(path)
    click_node(w, "Z")
    QApplication.processEvents()
    QPushButton.click(w.inspector.findChild(QPushButton, "duplicate_model"))
    editor = w.models.editor
    assert "preset FS a = 0.1 1/ms" in editor.text.toPlainText()
    assert wait_for(lambda: previewed(editor)), editor.preview.status.text()
    assert editor.save_to_network() and w.doc.network.populations["Z"].model == "izhikevich_copy"
    QApplication.processEvents()
    buttons = field(w, "preset").buttons
    assert list(buttons) == ["RS", "IB", "CH", "FS", "LTS", "TC", "RZ"]
    buttons["FS"].click()
    assert w.doc.network.populations["Z"].params["a"] == 0.1 and field(w, "params.a").value() == 0.1
    w.actions["undo"].trigger()
    assert w.doc.network.populations["Z"].params["a"] == 0.02


def test_closing_the_window_while_a_preview_runs_reports_nothing(window, qtbot, capfd, monkeypatch):
    """The preview's pool thread outlives the window, and once the app quits Qt deletes every object, the job's
    signals included: the job, abandoned on close, must emit nothing, and no exception may reach
    sys.excepthook or stderr ("Signal source has been deleted")."""
    import sys

    import shiboken6
    from PySide6.QtCore import QEvent, QThreadPool

    w = window()
    editor = w.models.new_model()
    editor.open_text("qif_close", "\n".join(QIF_LINES))
    editor.validate()
    job = editor.preview._job
    assert job is not None and editor.preview.busy  # the job runs on the pool now
    hooked = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: hooked.append(info))
    w.stack.setClean()
    w.close()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)  # the window deletes itself once closed
    assert not shiboken6.isValid(editor.preview)
    shiboken6.delete(job.signals)  # what the app's teardown does to it when the app quits mid-preview
    assert QThreadPool.globalInstance().waitForDone(120_000)
    for _ in range(5):
        QApplication.processEvents()
    err = capfd.readouterr().err
    assert hooked == [] and "Error" not in err and "deleted" not in err, err
    assert job.abandoned  # the close told it, so it skipped what was left
