"""The inspector shows the parameters of a learning rule that only the network carries (as its text)."""

from pathlib import Path

from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.gui.editing.forms import _plasticity_rows

VS_TEXT = (Path(__file__).parent / "data" / "rules" / "vogels_sprekeler.rule").read_text()


def test_the_inspector_shows_the_parameters_of_a_rule_the_network_carries(qtbot):
    net = Network()
    net.add_population("E", 4, "lif")
    net.add_poisson("inh", 4, rate=10.0)
    net.connect("inh", "E", "all_to_all", id="IE", receptor="inhibitory",
                plasticity=Plasticity("vogels_sprekeler", {}))
    assert [row.label for row in _plasticity_rows(net.projections["IE"], net)[1:]] == []  # nothing provides it
    net.add_rule("vogels_sprekeler", VS_TEXT)  # no plugin installed: only the network has the rule
    rows = _plasticity_rows(net.projections["IE"], net)[1:]
    assert [row.label for row in rows] == ["eta", "tau", "rho0", "w_max"]
    assert rows[2].spec.unit == "Hz" and rows[2].spec.default == 10.0
