"""The lesson panel in a real window: open a lesson, step through it, highlight, select, probe, tick tasks."""

import dataclasses
import time
from pathlib import Path

import numpy as np
import pytest
from gui_helpers import answer_dialogs, dumps, field
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QApplication, QMessageBox
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network
from spikestudio.engine.teaching.lesson import RunTask, Task
from spikestudio.engine.teaching.svg_check import MAX_USE_DEPTH
from spikestudio.gui.base import dialogs
from spikestudio.gui.editing.commands import EditSettings, push
from spikestudio.gui.teaching.lesson_panel import refused_picture
from test_gui_inspector import type_into
from test_gui_live import wait_for

pytestmark = pytest.mark.timeout(90)

LESSON = r"""---
title: Driving a neuron
summary: Raise a bias current until the neuron fires, then run.
network: net.json
---
A neuron integrates its input: $\tau_m \frac{dv}{dt} = -(v - E_L) + R I$.

## Raise the current
$$ \tau_m \frac{dv}{dt} = -(v - E_L) + R\,I $$
![the membrane](membrane.png)
![outside](../outside.png)
See [the paper](https://example.org/paper) and [a file](file:///etc/passwd).
@highlight N
@select N
@probe N:0
@show traces
@task N.I_e >= 400

## Run it
Press Run and watch the raster.
@highlight M drive
@show raster
@show phase_plane
@task network.seed = 7
@run

## Another network
A second network from the lesson's folder.
@open second.json
@highlight Q
@task Q.rate > 50
"""


def lesson_network() -> Network:
    net = Network(dt=0.1, seed=3, duration=50.0)
    net.add_population("N", 1, "lif")
    net.add_population("M", 2, "lif")
    net.add_poisson("P", 5, rate=20.0)
    net.connect("P", "M", "all_to_all", id="drive", weight=50.0)
    net.record_spikes("N")
    return net


def write_lesson(folder: Path, text: str = LESSON) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lesson.md").write_text(text, encoding="utf-8")
    fileformat.save(lesson_network(), folder / "net.json")
    second = Network(dt=0.1, seed=5, duration=50.0)
    second.add_poisson("Q", 3, rate=10.0)
    second.add_population("R", 2, "lif")
    second.connect("Q", "R", "all_to_all", weight=30.0)
    fileformat.save(second, folder / "second.json")
    image = QImage(40, 20, QImage.Format_RGB32)
    image.fill(0x3366CC)
    image.save(str(folder / "membrane.png"))
    image.save(str(folder.parent / "outside.png"))
    return folder


def started(window, tmp_path):
    folder = write_lesson(tmp_path / "01-driving")
    w = window()
    assert w.open_lesson(folder)
    QApplication.processEvents()
    return w, folder


def task_rows(w):
    return w.lessons.panel.rows()


def test_a_lesson_opens_its_network_read_only_and_shows_its_introduction(window, tmp_path, monkeypatch):
    w, folder = started(window, tmp_path)
    panel = w.lessons.panel
    assert w.lessons.dock.isVisible() and panel.title.text() == "Driving a neuron"
    assert panel.step_title.text() == "Introduction" and panel.position.text() == "Step 1 / 4"
    assert not panel.back.isEnabled() and panel.next.isEnabled()
    assert set(w.doc.network.populations) == {"N", "M"} and "Driving a neuron" in w.windowTitle()
    html = panel.browser.toHtml()
    assert "τ" in html and "vertical-align:sub" in html and "$" not in html  # the math is rendered
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": asked.append(suggestion))
    before = (folder / "net.json").read_bytes()
    w.actions["save"].trigger()
    assert asked and w.files.path is None  # Save asked for a new name ...
    assert (folder / "net.json").read_bytes() == before  # ... and the lesson's file is untouched


def test_stepping_highlights_selects_probes_and_ticks_the_parameter_task(window, tmp_path):
    w, _ = started(window, tmp_path)
    panel, nodes = w.lessons.panel, w.scene.nodes
    assert not any(item.highlighted for item in nodes.values())
    panel.next.click()
    assert panel.step_title.text() == "Raise the current" and panel.position.text() == "Step 2 / 4"
    assert nodes["N"].highlighted and not nodes["M"].highlighted and not nodes["P"].highlighted
    assert w.view.mapToScene(w.view.viewport().rect()).boundingRect().contains(nodes["N"].sceneBoundingRect())
    assert w.scene.selected_ids() == ["N"] and w.inspector.item_id == "N"
    assert w.simulation.controller.probes == [("N", 0, "v")]
    assert w.simulation.docks["traces"].isVisible()
    [row] = task_rows(w)
    assert isinstance(row.task, Task) and row.check.text() == "Set N's I_e to at least 400"
    assert not row.done and row.button is not None
    type_into(field(w, "params.I_e"), "250")
    assert w.doc.network.populations["N"].params["I_e"] == 250.0 and not row.done
    type_into(field(w, "params.I_e"), "450")
    assert row.done
    w.actions["undo"].trigger()
    assert not row.done
    assert not w.scene.edges["drive"].highlighted
    panel.next.click()
    assert not nodes["N"].highlighted and nodes["M"].highlighted and w.scene.edges["drive"].highlighted
    panel.back.click()
    assert nodes["N"].highlighted and not nodes["M"].highlighted
    assert not task_rows(w)[0].done


def test_show_me_is_one_undoable_edit(window, tmp_path):
    w, _ = started(window, tmp_path)
    w.lessons.panel.next.click()
    [row] = task_rows(w)
    count = w.stack.count()
    row.button.click()
    assert row.done and w.doc.network.populations["N"].params["I_e"] == 400.0 and not row.button.isEnabled()
    assert w.stack.count() == count + 1 and w.stack.undoText() == "Lesson: Set N's I_e to at least 400"
    assert w.isWindowModified()
    assert field(w, "params.I_e").value() == 400.0  # the inspector follows the document
    w.actions["undo"].trigger()
    assert not row.done and w.doc.network.populations["N"].params["I_e"] == 0.0 and row.button.isEnabled()
    w.actions["redo"].trigger()
    assert row.done


def test_the_run_task_ticks_after_a_run_and_a_setting_task_through_show_me(window, tmp_path):
    w, _ = started(window, tmp_path)
    panel = w.lessons.panel
    panel.next.click()
    panel.next.click()
    assert panel.position.text() == "Step 3 / 4" and w.simulation.docks["raster"].isVisible()
    assert w.simulation.docks["phase_plane"].isVisible()
    seed_row, run_row = task_rows(w)
    assert isinstance(run_row.task, RunTask) and run_row.check.text() == "Press Run"
    assert run_row.button is None and not run_row.done and not seed_row.done
    seed_row.button.click()
    assert w.doc.network.seed == 7 and seed_row.done and w.stack.undoText() == "Lesson: Set the network's seed to 7"
    c = w.simulation.controller
    w.actions["run"].trigger()
    assert wait_for(lambda: c.state == "done", 30.0), c.state
    assert run_row.done
    panel.back.click()
    panel.next.click()  # the step shown again asks for a new run
    assert not task_rows(w)[1].done


def test_a_step_opens_another_network_of_the_lesson_read_only_once(window, tmp_path, monkeypatch):
    w, folder = started(window, tmp_path)
    panel = w.lessons.panel
    for _ in range(3):
        panel.next.click()
    assert not panel.next.isEnabled() and set(w.doc.network.inputs) == {"Q"}
    assert w.scene.nodes["Q"].highlighted and not w.scene.nodes["R"].highlighted
    [row] = task_rows(w)
    assert row.check.text() == "Set Q's rate above 50" and not row.done
    row.button.click()
    assert w.doc.network.inputs["Q"].rate == pytest.approx(55.0) and row.done
    seen = []
    answer_dialogs([QMessageBox.Discard], seen)
    panel.back.click()  # the step before is written for the first network: asked about the change, then reopened
    assert seen and "unsaved changes" in seen[0][1]
    assert set(w.doc.network.populations) == {"N", "M"} and w.scene.nodes["M"].highlighted
    assert not task_rows(w)[1].done  # its run task waits for a run of this network
    panel.next.click()
    assert w.doc.network.inputs["Q"].rate == 10.0 and w.scene.nodes["Q"].highlighted and not task_rows(w)[0].done
    task_rows(w)[0].button.click()
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": asked.append(suggestion))
    w.actions["save"].trigger()
    assert asked and w.files.path is None
    assert fileformat.load(folder / "second.json").inputs["Q"].rate == 10.0


def test_pictures_come_only_from_the_lesson_folder_and_links_open_nothing_inside(window, tmp_path, monkeypatch):
    w, _ = started(window, tmp_path)
    w.lessons.panel.next.click()
    browser = w.lessons.panel.browser
    picture = browser.loadResource(QTextDocument.ImageResource, QUrl("membrane.png"))
    assert isinstance(picture, QImage) and picture.width() == 40
    for outside in ("../outside.png", "sub/../../outside.png", str(tmp_path / "outside.png"),
                    "http://example.org/x.png", "file:///etc/x.png", "lesson.md", "/dev/zero"):
        refused = browser.loadResource(QTextDocument.ImageResource, QUrl(outside))
        assert isinstance(refused, QImage) and refused == refused_picture(), outside  # never None: Qt would read it
    assert browser.loadResource(QTextDocument.StyleSheetResource, QUrl(str(tmp_path / "x.css"))).isEmpty()
    opened = []
    from spikestudio.gui.teaching import lesson_panel

    monkeypatch.setattr(lesson_panel.QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    browser.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert opened == [] and "not opened" in w.statusBar().currentMessage()
    browser.anchorClicked.emit(QUrl("https://example.org/paper"))
    assert opened == ["https://example.org/paper"]
    assert "membrane" in browser.toHtml() and browser.source().isEmpty()  # nothing navigated away


def rendered_images(browser) -> dict[str, QImage]:
    """Every picture the browser's document shows, by name, as Qt loaded it for drawing."""
    found, block = {}, browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                name = fmt.toImageFormat().name()
                found[name] = browser.document().resource(QTextDocument.ImageResource, QUrl(name))
            it += 1
        block = block.next()
    return found


def test_a_hostile_lesson_shows_text_not_markup_and_no_picture_from_outside(window, tmp_path):
    """Raw HTML, pictures from elsewhere (a device among them), deep math and markup in titles stay harmless."""
    outside, deep = tmp_path / "outside.png", "{" * 3000
    folder = write_lesson(tmp_path / "07-hostile", f"""---
title: <img src="/dev/zero"><b>Bold</b>
summary: S
network: net.json
---
## <i>Step</i>
Raw <img src="/dev/zero"> and <img src="{outside}"> and <a href="file:///etc/passwd">x</a>.
![device](/dev/zero) ![outside](../outside.png) ![inside](membrane.png) ![absolute]({outside})
Deep math: ${deep}$ and a < b.
""")
    w = window()
    assert w.open_lesson(folder)
    QApplication.processEvents()
    panel, browser = w.lessons.panel, w.lessons.panel.browser
    assert panel.title.text() == '<img src="/dev/zero"><b>Bold</b>' and panel.title.textFormat() == Qt.PlainText
    assert panel.step_title.textFormat() == Qt.PlainText
    text = browser.toPlainText()
    assert '<img src="/dev/zero">' in text and "<a href=" in text and "a < b" in text  # shown, not obeyed
    images = rendered_images(browser)
    assert images["membrane.png"].width() == 40
    assert {name: image == refused_picture() for name, image in images.items() if name != "membrane.png"} == {
        "/dev/zero": True, "../outside.png": True, str(tmp_path / "outside.png"): True}


def test_closing_a_lesson_keeps_the_network_and_drops_the_highlight(window, tmp_path):
    w, _ = started(window, tmp_path)
    panel = w.lessons.panel
    panel.next.click()
    before = dumps(w)
    panel.close_button.click()
    assert w.lessons.lesson is None and not w.lessons.dock.isVisible() and dumps(w) == before
    assert not any(item.highlighted for item in w.scene.nodes.values())
    assert panel.title.text() == "No lesson open" and not panel.next.isEnabled() and not panel.rows()


def test_a_malformed_lesson_names_its_problems_and_changes_nothing(window, tmp_path):
    bad = LESSON.replace("@highlight M", "@highlight Nobody").replace("@run", "@execute rm -rf /")
    folder = write_lesson(tmp_path / "02-bad", bad)
    w = window("cuba")
    before, title = dumps(w), w.windowTitle()
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    assert not w.open_lesson(folder)
    [(dialog_title, text, _)] = seen
    assert dialog_title == "Cannot open lesson" and "Nothing was changed" in text
    assert "@execute" in text and "line" in text
    assert dumps(w) == before and w.windowTitle() == title
    assert w.lessons.lesson is None and not w.lessons.dock.isVisible()
    (folder / "lesson.md").write_text(LESSON.replace("@highlight M", "@highlight Nobody"), encoding="utf-8")
    answer_dialogs([QMessageBox.Ok], seen)
    assert not w.open_lesson(folder)  # parses, but names a node the network lacks
    assert "Nobody" in seen[-1][1] and dumps(w) == before


def test_unsaved_changes_are_asked_about_before_a_lesson_replaces_the_network(window, tmp_path):
    folder = write_lesson(tmp_path / "01-driving")
    w = window("cuba")
    push(w.stack, EditSettings(w.doc, dataclasses.replace(w.doc.settings(), seed=99), "Set seed"))
    before = dumps(w)
    seen = []
    answer_dialogs([QMessageBox.Cancel], seen)
    assert not w.open_lesson(folder)
    assert seen[0][0] == "Unsaved changes" and dumps(w) == before and w.lessons.lesson is None
    answer_dialogs([QMessageBox.Discard], seen)
    assert w.open_lesson(folder) and set(w.doc.network.populations) == {"N", "M"}
    w.lessons.panel.next.click()
    task_rows(w)[0].button.click()
    answer_dialogs([QMessageBox.Discard], seen)
    assert w.open_lesson(folder)  # started again: from the original network, after asking
    assert seen[-1][0] == "Unsaved changes" and w.doc.network.populations["N"].params["I_e"] == 0.0
    assert w.lessons.index == 0 and not w.isWindowModified()


def test_file_menu_and_help_lessons_menu(window, tmp_path, monkeypatch):
    folder = write_lesson(tmp_path / "01-driving")
    w = window()
    from spikestudio.gui.teaching import lesson_controller

    monkeypatch.setattr(lesson_controller, "ask_lesson_path", lambda parent: str(folder / "lesson.md"))
    w.actions["open_lesson"].trigger()
    assert w.lessons.lesson is not None and w.lessons.lesson.title == "Driving a neuron"
    w.lessons_menu.aboutToShow.emit()
    texts = [a.text() for a in w.lessons_menu.actions()]
    assert "Open &Lesson…" in texts
    from spikestudio.engine.teaching.lesson import bundled_lessons

    titles = [lesson.title for lesson in bundled_lessons()]
    assert len(titles) >= 7 and texts[:len(titles)] == titles  # in teaching order
    w.lessons_menu.actions()[0].trigger()
    assert w.lessons.lesson.title == titles[0] and w.lessons.index == 0


def bundled(prefix: str):
    from spikestudio.engine.teaching.lesson import bundled_lessons

    found = [lesson for lesson in bundled_lessons() if lesson.folder.name.startswith(prefix)]
    if not found:
        pytest.skip(f"no bundled lesson {prefix}")
    return found[0]


def test_lesson_one_end_to_end_each_run_fires_as_the_lif_theory_says(window, probe):
    """Step through lesson 1 with Show me and Run; every run's interspike interval is the analytic one."""
    from spikestudio.engine.teaching.lesson import Highlight

    lesson = bundled("01")
    w = window()
    assert w.open_lesson(lesson.folder)
    panel, c = w.lessons.panel, w.simulation.controller
    for index, step in enumerate(lesson.steps):
        assert panel.position.text() == f"Step {index + 1} / {len(lesson.steps)}"
        wanted = {i for a in step.actions if isinstance(a, Highlight) for i in a.ids}
        assert {i for i, item in w.scene.nodes.items() if item.highlighted} == wanted, step.title
        for row in panel.rows():
            if row.button is not None:
                assert not row.done or not row.button.isEnabled()
                if not row.done:
                    row.button.click()
                assert row.done, row.check.text()
        runs = [row for row in panel.rows() if isinstance(row.task, RunTask)]
        if runs:
            start = c.tap.t if c.sim is not None else 0.0
            w.actions["run"].trigger()
            assert wait_for(lambda: c.state == "done", 60.0), c.state
            assert runs[0].done
            params = w.doc.network.populations["neuron"].params
            times = c.sim.results.spikes("neuron")[0]
            times = times[times > start + 100.0]  # past the change: the neuron has settled
            isi = probe.lif_isi_discrete(params["I_e"], w.doc.network.dt, t_ref=params["t_ref"])
            if np.isinf(isi):
                assert times.size == 0, step.title
            else:
                assert times.size >= 2 and np.diff(times)[-1] == pytest.approx(isi, abs=1e-6), step.title
        if index < len(lesson.steps) - 1:
            panel.next.click()
    assert not panel.next.isEnabled()
    assert w.simulation.fi_dialog.isVisible()  # the last step opened the F–I tool
    w.simulation.fi_dialog.close()


def test_lesson_three_probes_the_gates_and_the_traces_show_them_opening(window):
    """The gates step probes m, h and n of the HH axon; after a run they span 0–1 as the lesson says."""
    lesson = bundled("03")
    w = window()
    assert w.open_lesson(lesson.folder)
    panel, c = w.lessons.panel, w.simulation.controller
    titles = [step.title for step in lesson.steps]
    for _ in range(titles.index("The gates")):
        for row in panel.rows():
            if row.button is not None and not row.done:
                row.button.click()
        panel.next.click()
    gates = [("axon", 0, "m"), ("axon", 0, "h"), ("axon", 0, "n")]
    traces = w.simulation.views.traces
    assert c.probes == gates and traces.probes == gates
    assert traces.plot.getAxis("left").labelText == "m, h, n"
    w.actions["run"].trigger()
    assert wait_for(lambda: c.state == "done", 60.0), c.state
    m, h, n = (traces.curve_data(g)[1] for g in gates)
    assert all(x.size and 0.0 <= x.min() and x.max() <= 1.0 for x in (m, h, n))
    assert m.max() > 0.9 and h.min() < 0.2 and n.max() > 0.6  # the upstroke, then sodium inactivates, K opens
    panel.next.click()  # the next step goes back to the membrane
    assert c.probes == [("axon", 0, "v")] and traces.plot.getAxis("left").labelText == "membrane"


def test_the_glow_comes_back_with_an_undone_delete_and_runs_of_other_networks_tick_nothing(window, tmp_path):
    w, _ = started(window, tmp_path)
    panel = w.lessons.panel
    panel.next.click()
    assert w.scene.nodes["N"].highlighted
    w.scene.select_ids(["N"])
    w.actions["delete"].trigger()
    assert "N" not in w.scene.nodes
    w.actions["undo"].trigger()
    assert w.scene.nodes["N"].highlighted  # the item is new; the glow is put back
    panel.next.click()
    run_row = task_rows(w)[1]
    w.files.adopt(lesson_network())  # the student opens something else: the lesson's tasks are not about it
    w.actions["run"].trigger()
    c = w.simulation.controller
    assert wait_for(lambda: c.state == "done", 30.0), c.state
    assert not run_row.done and not any(item.highlighted for item in w.scene.nodes.values())


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
       '{}</svg>')


def hostile_folder(tmp_path, highlights: str) -> Path:
    """Nested <use>, an <image> from outside the folder, nested fractions and roots, and ``highlights``."""
    levels = "".join(f'<g id="l{i}"><use xlink:href="#l{i - 1}"/><use xlink:href="#l{i - 1}" x="1"/></g>'
                     for i in range(1, 41))
    fractions, roots = "\\frac" * 1200, "\\sqrt" * 1200
    folder = write_lesson(tmp_path / "08-hostile", f"""---
title: Hostile
summary: S
network: net.json
---
## Pictures
![nested](nested.svg) ![outside](outside.svg) ![fine](fine.svg)
Fractions ${fractions}x$ and roots ${roots}x$.
{highlights}
""")
    (folder / "nested.svg").write_text(SVG.format(f'<defs><rect id="l0" width="1" height="1"/>{levels}</defs>'
                                                  '<use xlink:href="#l40"/>'))
    outside = f'<image href="{tmp_path / "outside.png"}" width="40" height="20"/>'
    (folder / "outside.svg").write_text(SVG.format(outside))
    (folder / "fine.svg").write_text(SVG.format('<rect width="40" height="20" fill="#3366cc"/>'))
    return folder


def test_the_hostile_lesson_folder_is_refused_with_a_located_message(window, tmp_path):
    """4,000 highlights in one step: the lesson is refused, naming the line, before anything is drawn."""
    folder = hostile_folder(tmp_path, "\n".join(["@highlight N"] * 4000))
    w = window("cuba")
    before, seen = dumps(w), []
    answer_dialogs([QMessageBox.Ok], seen)
    assert not w.open_lesson(folder)
    [(title, text, details)] = seen
    assert title == "Cannot open lesson" and "Nothing was changed" in text
    assert "lesson.md, line 59: step “Pictures” has more than 50 directives" in text
    assert dumps(w) == before and w.lessons.lesson is None


def test_the_hostile_lesson_folder_opens_quickly_with_its_pictures_refused_and_named(window, tmp_path):
    """Nested <use> and an outside <image> show a placeholder and a message naming the file and reason; the
    fractions are shown as written; 4,000 highlights over 80 steps glow in one pass per step."""
    steps = "\n".join(f"## Glow {i}\n" + "\n".join(["@highlight N M"] * 50) for i in range(80))
    folder = hostile_folder(tmp_path, steps)
    w = window()
    messages = []
    w.lessons.message.connect(messages.append)
    started_at = time.monotonic()
    assert w.open_lesson(folder)
    images = rendered_images(w.lessons.panel.browser)
    assert time.monotonic() - started_at < 5  # drawn at once: 40 nested levels never finished before
    assert images["nested.svg"] == refused_picture() and images["outside.svg"] == refused_picture()
    assert images["fine.svg"].width() == 40 and images["fine.svg"].pixelColor(20, 10).name() == "#3366cc"
    assert any("“nested.svg” is not shown: <use> references nested more than" in m for m in messages), messages
    assert any(m.startswith("The lesson's picture “outside.svg” is not shown: refers to “/") and
               m.endswith("” outside the picture (only #ids of the picture itself)") for m in messages), messages
    note = w.lessons.panel.refused  # said under the text while the step is shown, not only in the status bar
    assert note.isVisible() and note.text().split("\n")[0] == (
        f"Picture “nested.svg” not shown: <use> references nested more than {MAX_USE_DEPTH} deep")
    assert note.text().split("\n")[1].startswith("Picture “outside.svg” not shown: refers to “/")
    text = w.lessons.panel.browser.toPlainText()
    assert "\\frac\\frac" in text and "\\sqrt\\sqrt" in text  # too deep to typeset: shown as written
    for _ in range(80):
        w.lessons.panel.next.click()
    assert not note.isVisible() and note.text() == ""  # this step has no pictures
    assert w.lessons.highlighted == ("N", "M")
    assert w.scene.nodes["N"].highlighted and w.scene.nodes["M"].highlighted
