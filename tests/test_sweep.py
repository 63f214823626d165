"""Sweeps in the engine: expansion, addresses, measures against analytic values, failed runs, pause and cancel."""

import math
import threading
import time

import numpy as np
import pytest
import spikestudio
from spikestudio.engine.analysis.population_stats import fano_factor, synchrony
from spikestudio.engine.analysis.spike_stats import lif_rate
from spikestudio.engine.errors import ValidationError
from spikestudio.engine.experiments import addresses
from spikestudio.engine.experiments.backends import PoolBackend, SerialBackend
from spikestudio.engine.experiments.sweep_run import Control, execute, make_setup, run_sweep
from spikestudio.engine.experiments.sweep_spec import Parameter, Sweep
from spikestudio.engine.experiments.table import columns, to_frame
from spikestudio.engine.model.network import Network
from spikestudio.plugins.api import MeasurePlugin, PluginInfo
from spikestudio.plugins.registry import PluginRecord, Registry
from sweep_helpers import grid_sweep, sweep_network, without_times


def test_grid_and_zip_expand_in_order_with_seeds_per_repeat():
    sweep = Sweep([Parameter.of("a.x", [1, 2]), Parameter.of("b.y", [10, 20, 30])], repeats=2, seed=7)
    points = sweep.points()
    assert len(points) == sweep.size() == 12
    assert [(p.values["a.x"], p.values["b.y"], p.seed) for p in points[:4]] == [(1, 10, 7), (1, 10, 8), (1, 20, 7),
                                                                                 (1, 20, 8)]
    zipped = Sweep([Parameter.of("a.x", [1, 2]), Parameter.of("b.y", [10, 20])], combine="zip")
    assert [p.values for p in zipped.points(network_seed=5)] == [{"a.x": 1, "b.y": 10}, {"a.x": 2, "b.y": 20}]
    assert {p.seed for p in zipped.points(network_seed=5)} == {5}


def test_addresses_set_population_input_and_projection_values_and_name_what_is_missing():
    net = sweep_network()
    for address, value in [("E.tau_m", 12.0), ("drive.rate", 50.0), ("IE.weight", 7.0), ("EI.p", 0.5),
                           ("EI.synapse.tau", 3.0), ("I.size", 30.0)]:
        addresses.apply(net, address, value)
    assert (net.populations["E"].params["tau_m"], net.inputs["drive"].rate) == (12.0, 50.0)
    assert (net.projections["IE"].weight.value, net.projections["EI"].rule_params["p"]) == (7.0, 0.5)
    assert net.projections["EI"].synapse.tau == 3.0 and net.populations["I"].size == 30  # a whole number
    with pytest.raises(addresses.AddressError, match=r'has no sweepable parameter "synapse.tau"'):
        addresses.resolve(net, "dE.synapse.tau")  # a delta synapse has no time constant
    with pytest.raises(addresses.AddressError, match=r'no node or projection "X" .*ids: E, EI, I, IE, dE, drive'):
        addresses.resolve(net, "X.tau_m")
    with pytest.raises(addresses.AddressError, match=r'population "E" \(lif\) has no sweepable parameter "tau".*tau_m'):
        addresses.resolve(net, "E.tau")


def test_a_projections_synapse_addresses_are_its_kinds_parameters():
    """What a sweep may set on a synapse follows its kind's description: no E_rev on a current synapse, no tau on
    a graded one (its V_half and V_slope instead), nothing on a gap junction."""
    net = Network(dt=0.1, duration=10.0)
    for pid in ("A", "B"):
        net.add_population(pid, 2, "lif")
    kinds = {"cur": "current", "cond": "conductance", "gr": "graded", "gap": "gap", "dl": "delta"}
    for pid, kind in kinds.items():
        net.connect("A", "B", "all_to_all", id=pid, synapse=kind)
    synapse = {pid: [n for n in addresses.parameter_names(net.projections[pid], net) if n.startswith("synapse.")]
               for pid in kinds}
    assert synapse == {"cur": ["synapse.tau"], "cond": ["synapse.tau", "synapse.E_rev"],
                       "gr": ["synapse.E_rev", "synapse.V_half", "synapse.V_slope"], "gap": [], "dl": []}
    addresses.apply(net, "gr.synapse.V_half", -35.0)
    assert net.projections["gr"].synapse.V_half == -35.0
    for old in ("gr.synapse.tau", "cur.synapse.E_rev", "gap.synapse.tau"):  # once offered: old sweep files open
        addresses.resolve(net, old)
    with pytest.raises(addresses.AddressError, match=r'has no sweepable parameter "synapse.tau"'):
        addresses.resolve(net, "dl.synapse.tau")
    with pytest.raises(addresses.AddressError, match=r'has no sweepable parameter "synapse.V_half"'):
        addresses.resolve(net, "cur.synapse.V_half")


def test_rates_of_a_current_sweep_match_the_analytic_lif_rate():
    net = Network(dt=0.01, duration=1000.0, seed=1)
    net.add_population("N", 1, "lif")
    currents = [300.0, 450.0, 700.0]  # the first is below rheobase: silent, as the formula says
    rows = run_sweep(net, Sweep([Parameter.of("N.I_e", currents)], measures=["rate", "cv_isi"]))
    expected = lif_rate(currents)
    assert [r["error"] for r in rows] == ["", "", ""]
    for row, rate in zip(rows, expected):
        assert row["rate:N"] == pytest.approx(rate, abs=1.5)  # whole spikes in one second, dt rounding
        assert rate == 0 and math.isnan(row["cv_isi:N"]) or row["cv_isi:N"] < 0.01  # regular firing under DC


def test_fano_and_synchrony_tell_independent_from_lockstep_firing():
    rng = np.random.default_rng(0)
    n, duration = 100, 10_000.0
    times = rng.uniform(0, duration, 20_000)
    ids = rng.integers(0, n, times.size)
    assert fano_factor(times, ids, n, duration) == pytest.approx(1.0, abs=0.1)  # Poisson
    assert synchrony(times, ids, n, duration) < 0.2  # independent: about 1 / sqrt(n)
    beat = np.repeat(np.arange(5.0, duration, 50.0), n)
    assert synchrony(beat, np.tile(np.arange(n), beat.size // n), n, duration) == pytest.approx(1.0)


def test_a_failing_run_is_a_row_with_its_error_and_the_others_run():
    net = sweep_network()
    # A reset above threshold is valid for each value alone (both in range) but not together with V_th.
    sweep = Sweep([Parameter.of("E.V_reset", [-70.0, -50.0, -65.0])], measures=["rate"])
    rows = run_sweep(net, sweep)
    assert [r["run"] for r in rows] == [0, 1, 2]
    assert rows[1]["error"].startswith("invalid network: ") and "V_reset" in rows[1]["error"]
    assert "rate:E" not in rows[1]
    assert rows[0]["error"] == rows[2]["error"] == "" and rows[0]["rate:E"] > 0
    frame = to_frame(rows, ["E.V_reset"])
    assert math.isnan(frame.loc[1, "rate:E"]) and list(frame.columns)[-2:] == ["run_time_s", "error"]


def test_same_seed_same_row_and_repeats_differ():
    rows = run_sweep(sweep_network(), grid_sweep(repeats=2))
    again = run_sweep(sweep_network(), grid_sweep(repeats=2))
    assert without_times(rows) == without_times(again)
    assert rows[0]["seed"] + 1 == rows[1]["seed"] and rows[0]["rate:E"] != rows[1]["rate:E"]
    assert columns(rows, ["drive.rate", "E.tau_m"])[:5] == ["run", "drive.rate", "E.tau_m", "repeat", "seed"]


def test_cancel_keeps_the_finished_rows_on_a_process_pool():
    net, sweep = sweep_network(), grid_sweep(repeats=2)
    control, seen = Control(), []

    def on_outcome(outcome):
        seen.append(outcome.row)
        if len(seen) == 3:
            control.cancel()

    outcomes = execute(sweep.points(net.seed), make_setup(net, sweep), PoolBackend(2), control, on_outcome)
    assert control.cancelled and 3 <= len(outcomes) < sweep.size()
    reference = {r["run"]: r for r in without_times(run_sweep(net, sweep))}
    for row in without_times([o.row for o in outcomes]):
        assert row == reference[row["run"]]  # every kept row is whole and right


def test_pause_stops_new_runs_until_resumed():
    net, sweep = sweep_network(), grid_sweep()
    control, done = Control(), []
    resumed = threading.Event()

    def on_outcome(outcome):
        done.append(outcome.row["run"])
        if len(done) == 1:
            control.pause()
            threading.Thread(target=resume_after_two_idle_passes).start()
        elif len(done) == 2:
            assert resumed.is_set() and control.idle_passes >= 2  # nothing ran while paused

    def resume_after_two_idle_passes():
        """Resume once the loop has twice found, paused, nothing in progress (a condition, not a time)."""
        deadline = time.monotonic() + 60.0  # a loop that never idles fails the assertion above, not the suite
        while control.idle_passes < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        resumed.set()
        control.resume()

    outcomes = execute(sweep.points(net.seed), make_setup(net, sweep), SerialBackend(), control, on_outcome)
    assert sorted(done) == list(range(sweep.size())) and len(outcomes) == sweep.size()


class _MaxRate(MeasurePlugin):
    info = PluginInfo("max_rate", "1.0", "Highest rate", "the highest mean rate of any population")

    def compute(self, results, simulator):
        return {"max_rate": max(results.mean_rate(p) for p in simulator.network.populations)}


def test_a_measure_plugin_is_found_in_the_registry_and_measures_runs():
    registry = Registry([PluginRecord("max_rate", "measures", "tests", loader=_MaxRate)])
    plugin = registry.measures()["max_rate"]
    assert plugin.id == "max_rate"
    rows = run_sweep(sweep_network(), Sweep([Parameter.of("drive.rate", [900.0])], measures=["rate", "max_rate"]),
                     measure_catalog=_catalog_with_max_rate)
    assert rows[0]["max_rate"] == max(rows[0]["rate:E"], rows[0]["rate:I"]) > 0


def _catalog_with_max_rate():
    from spikestudio.engine.experiments.measures import builtin_measures

    return {**builtin_measures(), "max_rate": _MaxRate()}


def test_the_api_returns_a_dataframe_and_names_every_problem_first():
    frame = spikestudio.sweep(sweep_network(), {"drive.rate": {"linear": [600, 1200], "num": 3}},
                              measures=["rate"], repeats=2)
    assert list(frame["drive.rate"]) == [600.0, 600.0, 900.0, 900.0, 1200.0, 1200.0]
    assert (frame["error"] == "").all()
    assert frame.groupby("drive.rate")["rate:E"].mean().is_monotonic_increasing
    with pytest.raises(ValidationError) as info:
        spikestudio.sweep(sweep_network(), {"E.tau_m": [-1.0], "Q.rate": [1]}, measures=["rate", "nope"])
    text = str(info.value)
    assert "parameters[0].values[0]: E.tau_m = -1: -1 is outside the valid range (0, inf) ms" in text
    assert 'parameters[1].path: no node or projection "Q"' in text and 'measures[1]: unknown measure "nope"' in text


def test_a_parameter_of_a_model_described_by_equations_can_be_swept():
    """A model known only from its equations is addressed like a built-in: its declared parameters and ranges."""
    from pathlib import Path

    from spikestudio.engine.model.network import Network

    net = Network(duration=100.0)
    net.add_model("fhn", (Path(__file__).parent / "data" / "models" / "fitzhugh_nagumo.model").read_text())
    net.add_population("F", 5, "fhn")
    target = addresses.resolve(net, "F.eps")
    assert target.spec.low == 0 and target.spec.high == 1
    assert "I_e" in addresses.parameter_names(net.populations["F"], net)
    with pytest.raises(addresses.AddressError):
        addresses.resolve(net, "F.tau_m")  # a LIF parameter the model does not declare
