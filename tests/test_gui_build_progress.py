"""The editor's status bar says how far a large network's wiring has got while it builds (the microcircuit at
full scale draws 0.3 billion synapses)."""

from spikestudio.engine.simulation.build import estimate_memory
from spikestudio.gui.simulation.preparation import Preparation as _Preparation
from spikestudio.gui.simulation.run_status import WIRING_SHOWN, wiring_text
from spikestudio.resources.examples.microcircuit import microcircuit


def test_a_build_on_the_worker_thread_reports_the_synapses_wired():
    net = microcircuit(0.02)
    prep = _Preparation(net, None)
    assert prep.done.wait(300)
    assert prep.error is None and prep.sim is not None
    total = estimate_memory(net)[0]
    assert prep.wired == (total, total)


def test_the_status_text_counts_synapses():
    assert wiring_text(1_500_000, 3_000_000) == "Building the network: 1,500,000 of 3,000,000 synapses (50%)"
    assert WIRING_SHOWN == 1_000_000  # smaller builds take well under a second: no message flickers past
