"""The balance lesson's phase-diagram sweep shows Brunel's four states in the CV of the interspike intervals."""

import pytest
from spikestudio.api import load, load_sweep, sweep
from spikestudio.engine.experiments import sweep_file
from spikestudio.engine.teaching.lesson import bundled_lessons


@pytest.mark.slow
def test_the_four_regions_of_brunels_phase_diagram_appear():
    folder = next(lesson.folder for lesson in bundled_lessons() if lesson.folder.name.startswith("05"))
    net = load(folder / "balance.json")
    table = sweep(net, load_sweep(sweep_file.beside(folder / "balance.json")), workers=2)
    assert (table["error"] == "").all()
    cv = table.pivot(index="eta", columns="g", values="cv_isi:E")
    sync = table.pivot(index="eta", columns="g", values="synchrony:E")
    assert (cv[2.0] < 0.2).all() and (sync[2.0] > 0.4).all()  # synchronous regular: clock-like, in lockstep
    assert 0.75 < cv.loc[2.0, 6.0] < 1.05 and sync.loc[2.0, 6.0] < 0.2  # asynchronous irregular
    assert cv.loc[4.0, 7.0] > 1.1 > cv.loc[2.0, 7.0]  # fast synchronous irregular: burstier than AI
    assert cv.loc[0.8, 7.0] < 0.6 and table.set_index(["eta", "g"]).loc[(0.8, 7.0), "rate:E"] < 5  # slow SI: quiet
