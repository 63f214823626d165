"""A distribution's bounds and "Outside bounds: clip / draw again" (NEST's redraw) in the inspector, as a user edits
them: each edit one undo step, the choice usable only once a bound is set, and the file keeps what was chosen."""

import numpy as np
from gui_helpers import field
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.items import Distribution
from spikestudio.engine.simulation.connectivity import draw_values
from test_gui_inspector import type_into


def choose(widget, data) -> None:
    """Pick the entry whose data is ``data``, as a click in the open list does."""
    widget.setCurrentIndex(widget.findData(data))
    widget.activated.emit(widget.currentIndex())


def empty(widget) -> None:
    """Select what the field shows, delete it and press Enter."""
    widget.setFocus()
    widget.selectAll()
    QTest.keyClick(widget, Qt.Key_Backspace)
    QTest.keyClick(widget, Qt.Key_Return)


def normal_weight(w):
    w.scene.select_ids(["E->I"])
    choose(field(w, "weight.kind"), "normal")
    return w.doc.network.projections["E->I"]


def test_draw_again_needs_a_bound_and_set_undo_redo_are_one_step_each(window):
    w = window("cuba")
    w.scene.select_ids(["E->I"])
    assert field(w, "weight.redraw") is None  # a constant weight: nothing is drawn, nothing to bound
    proj = normal_weight(w)
    outside = field(w, "weight.redraw")
    assert not outside.isEnabled() and "Set a min or a max first" in outside.toolTip()
    assert "NEST's redraw" in outside.toolTip() and outside.currentData() == "clip"
    assert field(w, "weight.min").text() == "" and field(w, "weight.min").placeholderText() == "none (pA)"
    type_into(field(w, "weight.min"), "15")
    assert w.doc.network.projections["E->I"].weight.min == 15.0 and field(w, "weight.min").text() == "15 pA"
    outside = field(w, "weight.redraw")  # the form was rebuilt: the choice is usable now
    assert outside.isEnabled() and "Set a min" not in outside.toolTip()
    steps = w.stack.count()
    choose(outside, "redraw")
    assert w.doc.network.projections["E->I"].weight.redraw and w.stack.count() == steps + 1
    assert w.stack.undoText().startswith("Set Outside bounds")
    w.actions["undo"].trigger()
    assert not w.doc.network.projections["E->I"].weight.redraw and field(w, "weight.redraw").currentData() == "clip"
    w.actions["redo"].trigger()
    assert w.doc.network.projections["E->I"].weight.redraw and field(w, "weight.redraw").currentData() == "redraw"
    assert proj is not w.doc.network.projections["E->I"]  # edits replace the item: the document's own copy changed


def test_clearing_the_last_bound_clips_again_and_a_word_is_refused(window):
    w = window("cuba")
    normal_weight(w)
    type_into(field(w, "weight.max"), "30")
    choose(field(w, "weight.redraw"), "redraw")
    empty(field(w, "weight.max"))  # no bound left: nothing to draw into
    weight = w.doc.network.projections["E->I"].weight
    assert weight.max is None and not weight.redraw and not field(w, "weight.redraw").isEnabled()
    w.actions["undo"].trigger()  # one step puts back both
    weight = w.doc.network.projections["E->I"].weight
    assert weight.max == 30.0 and weight.redraw and field(w, "weight.max").text() == "30 pA"
    type_into(field(w, "weight.min"), "ten")
    assert '"ten" is not a number (leave it empty for no min)' in w.inspector.error.text()
    assert w.doc.network.projections["E->I"].weight.min is None and field(w, "weight.min").text() == ""
    type_into(field(w, "weight.min"), "40")  # above the max: the engine's check says so
    assert "min (40) is above max (30)" in w.inspector.error.text()
    assert w.doc.network.projections["E->I"].weight.min is None


def test_a_delay_and_an_initial_value_have_the_same_controls(window):
    w = window("cuba")
    w.scene.select_ids(["E"])
    assert w.doc.network.populations["E"].initial["v"].kind == "uniform"
    type_into(field(w, "initial.v.max"), "-52")
    choose(field(w, "initial.v.redraw"), "redraw")
    v = w.doc.network.populations["E"].initial["v"]
    assert (v.max, v.redraw) == (-52.0, True)
    w.scene.select_ids(["E->I"])
    choose(field(w, "delay.kind"), "uniform")
    type_into(field(w, "delay.min"), "0.1")
    choose(field(w, "delay.redraw"), "redraw")
    delay = w.doc.network.projections["E->I"].delay
    assert (delay.min, delay.redraw) == (0.1, True)


def test_the_choice_is_saved_and_reopens_as_it_was(window, tmp_path, monkeypatch):
    from spikestudio.gui.base import dialogs

    w = window("cuba")
    normal_weight(w)
    type_into(field(w, "weight.mean"), "20")
    type_into(field(w, "weight.std"), "10")
    type_into(field(w, "weight.min"), "15")
    choose(field(w, "weight.redraw"), "redraw")
    path = tmp_path / "redraw.json"  # the plain-text form: what is written can be read
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": str(path))
    w.actions["save"].trigger()
    data = path.read_text()
    assert data.count('"redraw": true') == 1  # written only where set
    loaded = fileformat.load(path)
    assert fileformat.dumps(loaded) == fileformat.dumps(w.doc.network)  # save, load, save: identical
    weight = loaded.projections["E->I"].weight
    assert (weight.kind, weight.mean, weight.std, weight.min, weight.max, weight.redraw) == \
        ("normal", 20.0, 10.0, 15.0, None, True)
    # what "draw again" means: no pile of values at the bound, unlike clipping
    drawn = draw_values(weight, 20_000, np.random.default_rng(1))
    assert drawn.min() >= 15.0 and np.mean(drawn == 15.0) == 0.0
    clipped = draw_values(Distribution("normal", mean=20.0, std=10.0, min=15.0), 20_000, np.random.default_rng(1))
    assert np.mean(clipped == 15.0) > 0.25  # about 31 % of a normal(20, 10) lies below 15
    again = window(path)
    again.scene.select_ids(["E->I"])
    assert field(again, "weight.redraw").currentData() == "redraw" and field(again, "weight.redraw").isEnabled()
    assert field(again, "weight.min").text() == "15 pA" and field(again, "weight.max").text() == ""


def test_drawing_again_while_paused_marks_the_run_stale_and_the_rebuilt_synapses_never_sit_on_the_bound(window,
                                                                                                         tmp_path):
    """Building, running, paused: the choice is an edit like any other; the rebuilt network draws again."""
    from spikestudio.engine.model.network import Network
    from test_gui_live import open_network, wait_for

    net = Network(dt=0.1, seed=3, duration=1e6)  # long enough to pause it
    net.add_population("A", 200, "lif")
    net.add_population("B", 200, "lif")
    net.connect("A", "B", "all_to_all", weight=Distribution("normal", mean=20.0, std=10.0, min=15.0), id="AB")
    w = open_network(window, tmp_path, net)
    c = w.simulation.controller
    w.actions["run"].trigger()
    assert wait_for(lambda: c.state == "running", 60), c.state
    w.actions["pause"].trigger()
    assert wait_for(lambda: c.state == "paused", 60), c.state
    _, _, weights = c.sim.connections("AB")
    assert np.mean(weights == 15.0) > 0.25  # clipped: about 31 % sit on the bound
    w.scene.select_ids(["AB"])
    choose(field(w, "weight.redraw"), "redraw")
    assert any("weight" in reason for reason in c.stale), c.stale
    c.rebuild()
    assert wait_for(lambda: c.sim is not None and c.sim.network.projections["AB"].weight.redraw, 60)
    _, _, weights = c.sim.connections("AB")
    assert weights.size == 200 * 200 and weights.min() > 15.0  # drawn again: none on the bound
    w.actions["undo"].trigger()
    assert any("weight" in reason for reason in c.stale), c.stale
