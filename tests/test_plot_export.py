"""Plot export: the CSV and NPZ files hold the plotted arrays, the PNG and SVG files are real pictures, the
actions sit in the plot's right-click menu, and a failed export is reported instead of raising."""

import csv
import xml.etree.ElementTree as ET

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer
from spikestudio.gui.plots import export
from spikestudio.gui.plots.export import add_export_actions, csv_columns, save_data, save_picture


@pytest.fixture
def plot(qtbot):
    widget = pg.PlotWidget()
    widget.resize(400, 300)
    x = np.linspace(0.0, 10.0, 50)
    widget.plot(x, np.sin(x), pen=pg.mkPen("r", width=2))
    qtbot.addWidget(widget)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget, {"x": x, "y": np.sin(x)}


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def test_csv_holds_every_array_as_columns_and_reads_back_exactly(tmp_path):
    counts, edges = np.array([3, 0, 7]), np.array([0.0, 0.1, 1 / 3, 1.0])
    matrix = np.arange(6.0).reshape(3, 2) / 7
    path = save_data(tmp_path / "hist.csv", {"counts": counts, "edges_ms": edges, "w": matrix, "cv": np.float64(0.5)})
    header, rows = read_csv(path)
    assert header == ["counts", "edges_ms", "w[0]", "w[1]", "cv"]
    assert len(rows) == 4 and [r[0] for r in rows] == ["3", "0", "7", ""]  # shorter columns padded
    assert np.array_equal([float(r[1]) for r in rows], edges)  # exact round trip, 1/3 included
    assert np.array_equal([[float(r[2]), float(r[3])] for r in rows[:3]], matrix)
    assert [r[4] for r in rows] == ["0.5", "", "", ""]


def test_npz_holds_the_arrays_unchanged(tmp_path):
    data = {"t_ms": np.arange(5) * 0.1, "ids": np.array([1, 2, 3]), "matrix": np.eye(3)}
    save_data(tmp_path / "d.npz", data)
    with np.load(tmp_path / "d.npz", allow_pickle=False) as f:
        assert set(f.files) == set(data)
        for name, value in data.items():
            assert np.array_equal(f[name], value) and f[name].dtype == value.dtype


def test_bad_suffixes_and_shapes_are_named(qapp, tmp_path):
    with pytest.raises(ValueError, match="cannot export data as .txt: use .csv or .npz"):
        save_data(tmp_path / "a.txt", {"x": np.zeros(2)})
    with pytest.raises(ValueError, match='"cube" is a 3-D array'):
        csv_columns({"cube": np.zeros((2, 2, 2))})
    with pytest.raises(ValueError, match="cannot export a picture as .jpg"):
        save_picture(tmp_path / "a.jpg", pg.PlotItem())


def test_png_and_svg_show_the_plot(plot, tmp_path):
    widget, _ = plot
    png = save_picture(tmp_path / "plot.png", widget)
    image = QImage(str(png))
    assert image.width() == widget.plotItem.sceneBoundingRect().width() and image.height() > 0
    pixels = {image.pixel(x, y) for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)}
    assert len(pixels) > 3  # background, axes, text and the red curve: not blank
    reds = [p for p in pixels if (p >> 16 & 255) > 200 and (p >> 8 & 255) < 80 and (p & 255) < 80]
    assert reds, "the red curve is not in the picture"
    assert QImage(str(save_picture(tmp_path / "wide.png", widget.plotItem, width=1000))).width() == 1000
    svg = save_picture(tmp_path / "plot.svg", widget)
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and len(list(root.iter())) > 10
    assert any(" Z" in p.get("d", "") for p in root.iter("{http://www.w3.org/2000/svg}path"))  # closed paths kept
    assert QSvgRenderer(str(svg)).isValid()


def test_actions_are_in_the_plot_menu_and_write_through_the_dialog(plot, tmp_path, monkeypatch):
    widget, data = plot
    exp = add_export_actions(widget, lambda: data, "sine plot", widget)
    menu_texts = [a.text() for a in widget.plotItem.vb.menu.actions()]
    assert "Export data…" in menu_texts and "Export picture…" in menu_texts
    asked = []
    monkeypatch.setattr(export, "ask_export_path", lambda parent, title, suggestion, filters: asked.append(
        (title, suggestion, filters)) or str(tmp_path / f"out{len(asked)}.npz"))
    exp.data_action.trigger()
    assert asked[0][:2] == ("Export data of sine plot", "sine_plot")
    with np.load(tmp_path / "out1.npz") as f:
        assert np.array_equal(f["y"], data["y"])
    monkeypatch.setattr(export, "ask_export_path", lambda *a: str(tmp_path / "pic.svg"))
    exp.picture_action.trigger()
    assert (tmp_path / "pic.svg").stat().st_size > 0
    assert [a.text() for a in exp.menu_button().menu().actions()] == ["Export data…", "Export picture…"]


def test_a_failed_export_is_reported_and_leaves_nothing(plot, tmp_path, monkeypatch):
    widget, data = plot
    exp = add_export_actions(widget, lambda: data, "sine", widget)
    errors = []
    monkeypatch.setattr(export, "show_error", lambda parent, title, text: errors.append(text))
    assert exp.export_data(str(tmp_path / "missing" / "x.csv")) is None
    assert errors and "Could not export sine" in errors[0]
    monkeypatch.setattr(export, "ask_export_path", lambda *a: None)
    assert exp.export_picture() is None and exp.export_data() is None and len(errors) == 1  # cancelled
    assert list(tmp_path.iterdir()) == []
