"""File > Export and File > Import from the window: NIR graphs, PyNN and Brian2 scripts, pictures of the canvas,
what each export leaves out, refusals that write nothing, and NIR imports that fail without touching the document."""

import math
import xml.etree.ElementTree as ET

import h5py
import numpy as np
import pytest
from gui_helpers import answer_dialogs, dumps
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox
from spikestudio.engine.interop import brian2_export, pynn_export
from spikestudio.engine.interop.nir_export import write_nir
from spikestudio.engine.interop.nir_import import read_nir
from spikestudio.engine.model.network import Network
from spikestudio.gui.base import dialogs
from spikestudio.gui.canvas.scene_picture import PNG_SCALE, picture_rect, scene_png

pytestmark = pytest.mark.timeout(60)
SVG = "{http://www.w3.org/2000/svg}"


def small_network() -> Network:
    """A Poisson drive onto two LIF populations. NIR leaves out the source's rate, E's refractory period and the rate
    recorder's bin; I->E, whose synaptic time constant (10 ms) differs from E's other inputs (5 ms), goes through
    its own LI synapse filter."""
    net = Network(dt=0.1, duration=100.0, seed=3)
    net.metadata.title = "Small net"
    net.add_poisson("drive", 20, rate=50.0)
    net.add_population("E", 30, "lif", t_ref=2.0)
    net.add_population("I", 10, "lif", t_ref=0.0)
    net.connect("drive", "E", "fixed_probability", p=0.5, weight=300.0)
    net.connect("E", "I", "fixed_probability", p=0.3, weight=200.0)
    net.connect("I", "E", "all_to_all", weight=100.0, receptor="inhibitory")
    net.record_spikes("E")
    net.record_rate("I", bin=2.0)
    return net


def open_network(window, net: Network):
    w = window()
    w.files.adopt(net)
    return w


@pytest.fixture
def out(tmp_path):
    """A folder for exports alone (the window keeps its settings in tmp_path / "home")."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def messages(w) -> str:
    return w.messages.toPlainText()


# --- exporting a network ---------------------------------------------------------------------------------


def test_nir_export_from_the_menu_writes_a_graph_and_shows_what_was_left_out(window, out, monkeypatch):
    w = open_network(window, small_network())
    path = out / "small.nir"
    asked = []
    monkeypatch.setattr(dialogs, "ask_export_path",
                        lambda parent, title, suggestion, file_filter: asked.append((suggestion, file_filter)) or
                        str(path))
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    w.actions["export_nir"].trigger()
    assert asked == [("Small_net.nir", "NIR graph (*.nir)")]
    back = read_nir(path)
    assert set(back.populations) == {"E", "I"} and back.populations["E"].size == 30
    assert sorted(p.id for p in back.projections.values()) == ["E->I", "I->E", "drive->E"]  # I->E via an LI filter
    title, text, details = seen[0]
    assert title == "Exported to NIR" and "small.nir" in text and "3 items left out" in text
    for where in ('inputs["drive"]: a Poisson source (rate 50 Hz)', 'populations["E"]: refractory period 2 ms',
                  'recorders["rate:I"]: the rate bin (2 ms)'):
        assert where in text and where in details and where in messages(w)
    assert w.messages_dock.isVisible() and "left out: " in messages(w)
    assert [p.name for p in out.iterdir()] == ["small.nir"]  # the temporary file was renamed, not left behind


@pytest.mark.parametrize("key, export", [("pynn", pynn_export), ("brian2", brian2_export)])
def test_script_exports_write_exactly_the_exporters_text(window, tmp_path, monkeypatch, key, export):
    w = window("cuba")
    path = tmp_path / f"cuba_{key}.py"
    path.write_text("old contents")  # replaced whole
    suggestions = []
    monkeypatch.setattr(dialogs, "ask_export_path",
                        lambda parent, title, suggestion, file_filter: suggestions.append(suggestion) or str(path))
    seen = []
    choose_script_options(False, False, [])  # connection rules, as before the options existed
    answer_dialogs([QMessageBox.Ok], seen)  # the approximations (rate recorders are not exported)
    assert w.exports.export(key)
    text, report = export(w.doc.network)
    assert path.read_text() == text
    compile(text, str(path), "exec")
    assert suggestions == [f"cuba_{key}.py"]
    assert report.notes and f"0 items left out, {len(report.notes)} approximated" in seen[0][1]
    assert all(f"approximated: {where}: {reason}" in messages(w) for where, reason in report.notes)


def test_a_network_nir_cannot_express_at_all_is_refused_and_nothing_is_written(window, out):
    w = window("izhikevich")
    path = out / "izh.nir"
    path.write_bytes(b"earlier export")
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    assert not w.exports.export("nir", path)
    title, text, details = seen[0]
    assert title == "Cannot export to NIR" and "none of its populations can be expressed in NIR" in text
    assert "Nothing was written" in text and 'populations["E"]: the Izhikevich model' in text + details
    assert path.read_bytes() == b"earlier export" and [p.name for p in out.iterdir()] == ["izh.nir"]


def test_brian2_refuses_a_network_of_only_populations_it_cannot_express(window, tmp_path):
    """Hodgkin-Huxley exports (from its description), and so does a model without a threshold (a graded,
    non-spiking group); delta synapses onto a variable other than v do not."""
    net = Network()
    net.add_model("odd", "title Odd\nstate v = -65 mV\nstate w = 0 mV\ndv/dt = (-65*mV - v + w)/(10*ms)\n"
                  "dw/dt = -w/(5*ms)\nthreshold v > -50*mV\nreset v = -65*mV\ninput w\n")
    net.add_population("odd", 5, "odd")
    net.connect("odd", "odd", "all_to_all", synapse="delta")
    w = open_network(window, net)
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    assert not w.exports.export("brian2", tmp_path / "odd.py")
    assert "none of its populations can be expressed in Brian2" in seen[0][1]
    assert "delta synapses onto 'w'" in seen[0][1] + seen[0][2] and not (tmp_path / "odd.py").exists()
    silent = Network()
    silent.add_model("silent", "title Silent\nstate v = -65 mV\ndv/dt = (-65*mV - v)/(10*ms)\n")
    silent.add_population("leak", 5, "silent")
    text, report = brian2_export(silent)
    assert report.ok and "threshold=None" in text


@pytest.mark.parametrize("key", ["nir", "pynn", "brian2", "picture"])
def test_an_empty_network_exports_nothing(window, tmp_path, key):
    w = open_network(window, Network())
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    path = tmp_path / ("empty.svg" if key == "picture" else "empty.out")
    assert not (w.exports.export_picture(path) if key == "picture" else w.exports.export(key, path))
    assert ("no populations" in seen[0][1] or "nothing to draw" in seen[0][1]) and "Nothing was written" in seen[0][1]
    assert not path.exists()


def test_a_folder_that_does_not_exist_is_reported(window, tmp_path):
    w = window("single_neuron")
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    target = tmp_path / "missing" / "x.py"
    assert not w.exports.export("pynn", target)
    assert seen[0][0] == "Cannot export to PyNN" and str(target) in seen[0][1] and "Nothing was written" in seen[0][1]
    assert not target.parent.exists()


def test_the_export_path_gets_the_chosen_filters_suffix(monkeypatch):
    answers = iter([("/tmp/a/picture", "PNG image (*.png)"), ("/tmp/a/net.NIR", "NIR graph (*.nir)"), ("", "")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: next(answers))
    assert dialogs.ask_export_path(None, "t", "", "SVG picture (*.svg);;PNG image (*.png)") == "/tmp/a/picture.png"
    assert dialogs.ask_export_path(None, "t", "", "NIR graph (*.nir)") == "/tmp/a/net.NIR"
    assert dialogs.ask_export_path(None, "t", "", "NIR graph (*.nir)") is None


# --- the network picture ---------------------------------------------------------------------------------


def test_svg_picture_is_valid_xml_with_the_node_names_and_leaves_the_canvas_as_it_was(window, tmp_path):
    w = window("cuba")
    w.scene.select_ids(["E"])
    modes = {nid: node.cacheMode() for nid, node in w.scene.nodes.items()}
    rect = picture_rect(w.scene)
    path = tmp_path / "cuba.svg"
    assert w.exports.export_picture(path)
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg" and root.find(f"{SVG}title").text == w.doc.network.metadata.title
    texts = {t.text.strip() for t in root.iter(f"{SVG}text") if t.text}
    assert {"E", "I", "LIF · 3,200 neurons", "spikes", "rate"} <= texts
    assert [float(v) for v in root.get("viewBox").split()] == pytest.approx([0, 0, rect.width(), rect.height()])
    assert not list(root.iter(f"{SVG}image"))  # icons are vector shapes, not embedded bitmaps
    assert w.scene.selected_ids() == ["E"] and w.scene.backgroundBrush().style() == Qt.NoBrush
    assert {nid: node.cacheMode() for nid, node in w.scene.nodes.items()} == modes
    assert "Exported the network picture to cuba.svg" in messages(w)


def test_png_picture_is_twice_the_canvas_size_on_white_and_shows_the_network(window, tmp_path):
    w = window("cuba")
    rect = picture_rect(w.scene)
    path = tmp_path / "cuba.png"
    assert w.exports.export_picture(path)
    image = QImage(str(path))
    assert (image.width(), image.height()) == (math.ceil(rect.width() * PNG_SCALE),
                                              math.ceil(rect.height() * PNG_SCALE))
    image = image.convertToFormat(QImage.Format_RGB32)
    pixels = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), -1)[:, :image.width()]
    white = QColor("white").rgb() & 0xFFFFFFFF
    assert pixels[0, 0] == pixels[-1, -1] == white  # the margin is plain white, no grid
    assert 0.03 < np.mean(pixels != white) < 0.5  # cards, edges and text drawn, not a blank or filled image
    excitatory = QColor("#c0392b").rgb() & 0xFFFFFFFF
    assert np.count_nonzero(pixels == excitatory) > 100  # the red excitatory edges and E's colour band


def test_a_huge_canvas_is_drawn_smaller_rather_than_into_gigabytes(window):
    w = window("cuba")
    rect = picture_rect(w.scene)
    image = QImage.fromData(scene_png(w.scene, max_pixels=rect.width() * rect.height() / 4))  # allows scale 0.5
    assert (image.width(), image.height()) == (math.ceil(rect.width() / 2), math.ceil(rect.height() / 2))


def test_a_picture_needs_an_svg_or_png_name(window, tmp_path):
    w = window("cuba")
    seen = []
    answer_dialogs([QMessageBox.Ok], seen)
    assert not w.exports.export_picture(tmp_path / "cuba.jpg")
    assert ".svg or .png" in seen[0][1] and not (tmp_path / "cuba.jpg").exists()


# --- importing a NIR graph -------------------------------------------------------------------------------


def test_import_nir_opens_an_untitled_laid_out_network_after_asking_to_save(window, tmp_path, monkeypatch):
    source = small_network()
    path = tmp_path / "graph.nir"
    write_nir(source, path)
    w = window("cuba")
    w.edits.add_template("pop:lif")
    seen = []
    answer_dialogs([QMessageBox.Discard], seen)
    monkeypatch.setattr(dialogs, "ask_import_path", lambda parent, title, folder, file_filter: str(path))
    w.actions["import_nir"].trigger()
    assert seen[0][0] == "Unsaved changes"
    net = w.doc.network
    assert set(net.populations) == {"E", "I"} and set(net.inputs) == {"drive"} and len(net.projections) == 3
    assert w.files.path is None and not w.isWindowModified() and w.windowTitle().startswith("Small net")
    assert "Imported graph.nir: 2 populations, 3 projections" in messages(w)
    rects = [node.sceneBoundingRect() for node in w.scene.nodes.values()]
    assert len(rects) == len(net.populations) + len(net.inputs) + len(net.recorders)
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])  # nothing piled up
    asked = []
    monkeypatch.setattr(dialogs, "ask_save_path", lambda parent, suggestion="": asked.append(suggestion))
    w.actions["save"].trigger()
    assert asked == ["untitled.snn"]


def test_an_imported_graph_without_a_title_is_named_after_its_file(window, tmp_path):
    net = small_network()
    net.metadata.title = ""
    write_nir(net, tmp_path / "from_snntorch.nir")
    w = window("cuba")
    assert w.exports.import_nir(tmp_path / "from_snntorch.nir")
    assert w.windowTitle().startswith("from_snntorch")


def hdf5_without_a_graph(path) -> None:
    with h5py.File(path, "w") as f:
        f.create_group("weights").attrs["x"] = 1


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.write_bytes(b"not an HDF5 file at all"), "not a NIR file"),
    (hdf5_without_a_graph, "not a valid NIR graph"),
])
def test_a_malformed_nir_file_names_the_problem_and_changes_nothing(window, tmp_path, make, expected):
    path = tmp_path / "bad.nir"
    make(path)
    w = window("cuba")
    w.edits.add_template("pop:lif")
    before, count, title = dumps(w), w.stack.count(), w.windowTitle()
    seen = []
    answer_dialogs([QMessageBox.Discard, QMessageBox.Ok], seen)
    assert not w.exports.import_nir(path)
    assert seen[1][0] == "Cannot import NIR graph" and "bad.nir" in seen[1][1] and expected in seen[1][1] + seen[1][2]
    assert "Nothing was changed" in seen[1][1]
    assert dumps(w) == before and w.stack.count() == count and w.windowTitle() == title


def test_cancelling_the_unsaved_changes_question_cancels_the_import(window, tmp_path, monkeypatch):
    w = window("cuba")
    w.edits.add_template("pop:lif")
    before = dumps(w)
    asked = []
    monkeypatch.setattr(dialogs, "ask_import_path", lambda *args: asked.append(args))
    answer_dialogs([QMessageBox.Cancel], [])
    assert not w.exports.import_nir()
    assert asked == [] and dumps(w) == before


# --- the menus -------------------------------------------------------------------------------------------


def test_file_menu_has_import_and_export_submenus_with_status_tips(window):
    w = window("cuba")
    file_menu = w.menuBar().actions()[0].menu()
    submenus = {a.text().replace("&", ""): a.menu() for a in file_menu.actions() if a.menu()}
    exports = [a.objectName() for a in submenus["Export"].actions()]
    assert exports == ["export_nir", "export_pynn", "export_brian2", "export_picture"]
    assert [a.objectName() for a in submenus["Import"].actions()] == ["import_nir"]
    for name in exports + ["import_nir", "plugins"]:
        assert w.actions[name].statusTip() and w.actions[name].text().endswith("…")
    help_menu = w.menuBar().actions()[-1].menu()
    assert "plugins" in [a.objectName() for a in help_menu.actions()]
    items = [a for a in file_menu.actions() if not a.isSeparator()]
    assert [a.text().replace("&", "") for a in items][-3:] == ["Import", "Export", "Quit"]



# --- script options: realised wiring and replayed inputs ------------------------------------------------


def choose_script_options(realised: bool, replay: bool, seen: list) -> None:
    """Tick the boxes of the next script-options dialog and press OK; ``seen`` gets whether replay was enabled
    before and after realised wiring was ticked."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QCheckBox, QDialog, QDialogButtonBox

    def answer():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QDialog) or box.objectName() != "script_options":
            QTimer.singleShot(10, answer)
            return
        wiring, again = box.findChild(QCheckBox, "realised_wiring"), box.findChild(QCheckBox, "replay_inputs")
        seen.append(again.isEnabled())
        wiring.setChecked(realised)
        seen.append(again.isEnabled())
        again.setChecked(replay)
        box.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok).click()

    QTimer.singleShot(0, answer)


def test_a_script_export_asks_for_realised_wiring_and_writes_the_arrays_beside_it(window, out, monkeypatch):
    """File > Export > Brian2 Script…: the options dialog offers realised wiring (and, with it, replayed inputs);
    CUBA's realised export writes its synapses and initial values as .npy files beside the script."""
    import spikestudio

    w = window("cuba")
    path = out / "cuba_brian2.py"
    monkeypatch.setattr(dialogs, "ask_export_path", lambda parent, title, suggestion, file_filter: str(path))
    enabled, seen = [], []
    choose_script_options(True, False, enabled)
    answer_dialogs([QMessageBox.Ok], seen)
    w.actions["export_brian2"].trigger()
    assert enabled == [False, True]  # replaying needs realised wiring
    text = path.read_text()
    assert "load_array('cuba_brian2.0.npy')" in text and "fixed_probability" not in text.split("import brian2")[1]
    loaded = [np.load(f) for f in sorted(out.glob("cuba_brian2.*.npy"))]
    sim = spikestudio.Simulator(w.doc.network)
    for pid in ("E->E", "E->I", "I->E", "I->I"):
        pre, post, _ = sim.connections(pid)
        assert any(a.shape == pre.shape and np.array_equal(a, pre) for a in loaded), pid
        assert any(a.shape == post.shape and np.array_equal(a, post) for a in loaded), pid
    assert any(np.array_equal(a, sim.built.state.state[0, :3200]) for a in loaded)  # E's drawn initial v
    assert "drawn by Brian2" not in messages(w)  # CUBA draws nothing at run time
    assert {p.suffix for p in out.iterdir()} == {".py", ".npy"}  # no temporary file left behind


def test_cancelling_the_script_options_writes_nothing(window, out, monkeypatch):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    w = window("cuba")
    monkeypatch.setattr(dialogs, "ask_export_path", lambda *a: str(out / "x.py"))

    def cancel():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QDialog) or box.objectName() != "script_options":
            QTimer.singleShot(10, cancel)
            return
        box.reject()

    QTimer.singleShot(0, cancel)
    assert not w.exports.export("pynn")
    assert list(out.iterdir()) == []


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_cuba_exported_realised_from_the_window_reproduces_every_spike_in_brian2(window, out, monkeypatch):
    from test_interop_scripts import brian2_spike_trains, our_spike_trains

    w = window("cuba")
    path = out / "cuba_brian2.py"
    monkeypatch.setattr(dialogs, "ask_export_path", lambda *a: str(path))
    choose_script_options(True, True, [])
    answer_dialogs([QMessageBox.Ok], [])
    assert w.exports.export("brian2")
    theirs, ours = brian2_spike_trains(path, out), our_spike_trains(w.doc.network)
    for pid in ("E", "I"):
        assert len(ours[pid]) > 1000
        assert theirs[pid] == ours[pid], pid
