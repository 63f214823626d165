"""The inspector shows each neuron model's equations as readable math above its parameters."""

import pytest
from gui_helpers import click_node, field
from PySide6.QtWidgets import QApplication, QLabel
from spikestudio.engine.model.catalog import NEURON_MODELS

pytestmark = pytest.mark.timeout(60)


def equations_of(w) -> QLabel | None:
    QApplication.processEvents()  # a rebuilt form shows its rows on the next turn of the event loop
    return w.inspector.findChild(QLabel, "equations")


@pytest.mark.parametrize("model", ["lif", "lif_adaptive", "izhikevich", "adex", "hh"])
def test_every_model_the_inspector_offers_has_equations(model):
    assert NEURON_MODELS[model].equations, model


def test_an_izhikevich_population_shows_its_equations_and_a_model_change_switches_them(window):
    w = window("izhikevich")
    click_node(w, "E")
    label = equations_of(w)
    assert label is not None and label.isVisibleTo(w.inspector)
    html = label.text()
    assert "0.04" in html and "<i>v</i><sup>2</sup>" in html and "<i>du</i>" in html
    assert "\\" not in html  # no TeX left over
    rows = [w.inspector.form.itemAt(i).widget() for i in range(w.inspector.form.count())]
    assert rows.index(label) < rows.index(field(w, "params.a"))  # above the parameters
    model = field(w, "model")
    model.setCurrentIndex(model.findData("hh"))
    model.activated.emit(model.currentIndex())
    html = equations_of(w).text()
    assert "0.04" not in html and "<i>α</i><sub>m</sub>" in html and "<i>m</i><sup>3</sup>" in html
    w.actions["undo"].trigger()
    assert "0.04" in equations_of(w).text()


def test_inputs_and_network_settings_show_no_equations(window):
    w = window("izhikevich")
    assert equations_of(w) is None
