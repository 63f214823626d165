"""The editor with the learning parts: the dataset input's inspector rows, the adaptive-threshold model, and
a trained network's per-neuron thresholds; the digits example opens and draws."""

import pytest
from gui_helpers import click_node, field
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from spikestudio.engine.model.network import DatasetInput

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module", autouse=True)
def _compiled_on_this_thread():
    """Compile the kernels these windows build before any window opens. A window builds (and compiles) its
    network on a worker thread; numba ties llvmlite's lock to its compile lock, so a garbage collection on
    the GUI thread that frees compiled code while the worker compiles can deadlock the two threads."""
    import spikestudio
    from spikestudio.resources.examples import example_path

    for name in ("cuba", "digits"):
        net = spikestudio.load(example_path(name))
        spikestudio.Simulator(net).run(net.dt / 1000.0)


def type_into(widget, text: str) -> None:
    QApplication.processEvents()
    editor = widget.lineEdit() if hasattr(widget, "lineEdit") else widget
    editor.setFocus()
    editor.selectAll()
    QTest.keyClicks(editor, text)
    QTest.keyClick(editor, Qt.Key_Return)


def choose(widget, data) -> None:
    widget.setCurrentIndex(widget.findData(data))
    widget.activated.emit(widget.currentIndex())


def test_dataset_input_from_the_palette_and_its_inspector(window):
    w = window("cuba")
    assert w.palette.item_for("in:dataset") is not None
    w.edits.add_template("in:dataset")
    item = w.doc.network.inputs["dataset"]
    assert isinstance(item, DatasetInput) and (item.size, item.grid, item.dataset) == (64, (8, 8), "digits")
    assert w.inspector.item_id == "dataset"
    dataset = field(w, "dataset")
    assert dataset.findData("digits") >= 0 and dataset.findData("mnist") >= 0  # the registered plugins
    limit = field(w, "dataset_params.limit")  # from the plugin's ParamSpec
    assert limit is not None and "first this many samples" in limit.toolTip()
    max_rate = field(w, "encoder_params.max_rate")
    assert max_rate.suffix() == " Hz" and max_rate.value() == 63.75
    type_into(field(w, "samples"), "25")
    assert w.doc.network.inputs["dataset"].samples == 25 and w.stack.undoText() == "Set Samples of dataset"
    type_into(max_rate, "100")
    assert w.doc.network.inputs["dataset"].encoder_params == {"max_rate": 100.0}
    type_into(field(w, "presentation"), "0")
    assert "outside the valid range" in w.inspector.error.text()
    choose(field(w, "encoder"), "latency")
    item = w.doc.network.inputs["dataset"]
    assert item.encoder == "latency" and item.encoder_params == {} and field(w, "encoder_params.threshold")
    choose(field(w, "dataset"), "mnist")
    assert field(w, "dataset_params.images") is not None  # a text parameter: the file to read
    type_into(field(w, "dataset_params.images"), "/data/train-images.gz")
    assert w.doc.network.inputs["dataset"].dataset_params == {"images": "/data/train-images.gz"}
    for _ in range(3):
        w.actions["undo"].trigger()
    assert w.doc.network.inputs["dataset"].encoder == "rate"


def test_digits_example_opens_with_its_learning_parts(window, tmp_path):
    w = window("digits")
    click_node(w, "E")
    assert field(w, "model").currentData() == "lif_adaptive"
    assert field(w, "params.theta_plus").suffix() == " mV" and field(w, "params.theta_plus").value() == 0.2
    assert field(w, "params.tau_theta").value() == 1e7
    click_node(w, "digits")
    assert field(w, "dataset").currentData() == "digits" and field(w, "samples").value() == 1000
    w.grab().save(str(tmp_path / "digits.png"))


def test_learned_thresholds_show_read_only(window, tmp_path):
    import numpy as np
    import spikestudio
    from spikestudio.resources.examples import example_path

    net = spikestudio.load(example_path("digits"))
    net.populations["E"].initial["theta"] = np.linspace(0.0, 9.9, 100)
    path = tmp_path / "learned.snn"
    spikestudio.save(net, path)
    w = window(path)
    click_node(w, "E")
    theta = field(w, "initial.theta")
    assert theta.isReadOnly() and theta.text() == "100 values, 0 to 9.9 mV"


def test_digits_example_runs_in_the_window_as_in_a_script(window, tmp_path):
    import numpy as np
    import spikestudio
    from spikestudio.resources.examples import example_path
    from test_gui_live import run_to_end

    net = spikestudio.load(example_path("digits"))
    net.duration = 2000.0  # four digits
    path = tmp_path / "digits4.snn"
    spikestudio.save(net, path)
    w = window(path)
    w.simulation.window_ms.setValue(10_000)
    c = run_to_end(w, timeout=60)
    assert c.tap.t == 2000.0
    times, nodes, neurons = w.simulation.views.raster.drawn
    nodes = np.array(nodes)
    reference = spikestudio.Simulator(net).run().spikes("E")
    assert reference[0].size > 10
    np.testing.assert_allclose(times[nodes == "E"], reference[0])
    np.testing.assert_array_equal(neurons[nodes == "E"], reference[1])
