"""Help > Plugins: every discovered plugin with where it comes from; broken and duplicate ones in red with their
error, and none of them able to stop the list from opening."""

import threading
import time

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.network import Network, Plasticity
from spikestudio.gui.shell.plugin_dialog import BROKEN, COLUMNS, PluginDialog, plugin_rows
from spikestudio.plugins import registry as registry_module
from spikestudio.plugins.builtin.rules import PAIR_STDP, TRIPLET_STDP
from spikestudio.plugins.registry import PluginRecord, Registry
from test_registry import install_fake_distribution, site  # noqa: F401  (site is a fixture)

pytestmark = pytest.mark.timeout(60)

BUILTIN = "spikestudio (spikestudio.plugins.builtin.rules:{})"


def broken_loader():
    raise ImportError("No module named 'torch'")


def test_rows_show_good_broken_duplicate_and_foreign_plugins():
    registry = Registry([
        PluginRecord("triplet_stdp", "learning_rules", BUILTIN.format("TRIPLET_STDP"), loader=lambda: TRIPLET_STDP),
        PluginRecord("surrogate", "learning_rules", "snn-extras (snn_extras:SURROGATE)", loader=broken_loader),
        PluginRecord("stdp", "learning_rules", BUILTIN.format("PAIR_STDP"), loader=lambda: PAIR_STDP),
        PluginRecord("stdp", "learning_rules", "other-rules (other_rules:STDP)", loader=lambda: PAIR_STDP),
        PluginRecord("answer", "datasets", "odd-pkg (odd:ANSWER)", loader=lambda: 42),
    ])
    rows = {row.id: row for row in plugin_rows(registry)}
    assert list(rows) == ["answer", "stdp", "surrogate", "triplet_stdp"]  # by group, then id
    good = rows["triplet_stdp"]
    assert (good.group, good.name, good.version, good.origin, good.error) == ("learning rule", "Triplet STDP", "1.0",
                                                                              "built-in", None)
    assert good.description.startswith("Triplet STDP (Pfister & Gerstner 2006)") and "  " not in good.description
    assert rows["surrogate"].error == "ImportError: No module named 'torch'"
    assert rows["surrogate"].origin == "snn-extras (snn_extras:SURROGATE)"
    builtin, clash = [row for row in plugin_rows(registry) if row.id == "stdp"]  # the built-in wins, and is first
    assert (builtin.origin, builtin.error, builtin.name) == ("built-in", None, "Pair-based STDP")
    assert clash.origin == "other-rules (other_rules:STDP)" and clash.name == ""
    assert clash.error == ('plugin id "stdp" in learning_rules is taken by the built-in one (spikestudio '
                           '(spikestudio.plugins.builtin.rules:PAIR_STDP)); this one from other-rules '
                           '(other_rules:STDP) is not used')
    assert rows["answer"].group == "dataset" and rows["answer"].error.startswith("not a SpikeStudio plugin")


def test_dialog_shows_errors_in_red_and_counts_them(qtbot):
    registry = Registry([
        PluginRecord("triplet_stdp", "learning_rules", BUILTIN.format("TRIPLET_STDP"), loader=lambda: TRIPLET_STDP),
        PluginRecord("surrogate", "learning_rules", "snn-extras (snn_extras:SURROGATE)", loader=broken_loader),
    ])
    dialog = PluginDialog(registry)
    qtbot.addWidget(dialog)
    assert [dialog.table.horizontalHeaderItem(c).text() for c in range(len(COLUMNS))] == list(COLUMNS)
    assert dialog.table.rowCount() == 2
    assert dialog.cell_text(0, "Id") == "surrogate"
    assert dialog.cell_text(0, "Description") == "Failed to load: ImportError: No module named 'torch'"
    assert dialog.cell_text(0, "From") == "snn-extras (snn_extras:SURROGATE)"
    assert all(dialog.table.item(0, c).foreground().color() == BROKEN for c in range(len(COLUMNS)))
    assert dialog.cell_text(1, "Name") == "Triplet STDP" and dialog.cell_text(1, "From") == "built-in"
    assert dialog.table.item(1, 0).foreground().color() != BROKEN
    assert "2 plugins found" in dialog.summary.text() and "1 could not be loaded" in dialog.summary.text()


def test_help_plugins_lists_installed_plugins_including_a_broken_entry_point(window, site):  # noqa: F811
    install_fake_distribution(site, "fake-rules", {"hebb": "broken_rule:RULE"},
                              {"broken_rule": "raise RuntimeError('this rule needs a GPU')\n"})
    w = window("cuba")
    w.actions["plugins"].trigger()
    dialog = w.findChild(PluginDialog)
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "Plugins"
    rows = {row.id: row for row in dialog.rows}
    assert {"stdp", "triplet_stdp", "tsodyks_markram", "digits", "mnist", "nmnist"} <= set(rows)
    assert rows["stdp"].origin == "built-in" and rows["stdp"].error is None and rows["digits"].group == "dataset"
    assert rows["hebb"].error == "RuntimeError: this rule needs a GPU" and "fake-rules" in rows["hebb"].origin
    assert isinstance(dialog.summary, QLabel) and "1 could not be loaded" in dialog.summary.text()
    dialog.close()


def test_help_plugins_reports_plugins_that_exit_hang_or_take_a_built_in_id(window, site, monkeypatch):  # noqa: F811
    """None of them ends the app or freezes the window for longer than the load limit, and each is named."""
    (site / "hang_gate.py").write_text("import threading\nGATE = threading.Event()\n")
    install_fake_distribution(site, "odd-rules", {"quits": "exit_rule:RULE", "hangs": "hang_rule:RULE",
                                                  "stdp": "rogue_rule:RULE"}, {
        "exit_rule": "raise SystemExit('bye')\n",
        "hang_rule": "import hang_gate\nhang_gate.GATE.wait(60)\nRULE = 1\n",
        "rogue_rule": "RULE = 'rogue'\n",
    })
    import hang_gate

    monkeypatch.setattr(registry_module, "LOAD_SECONDS", 0.5)
    try:
        w = window("cuba")
        started = time.monotonic()
        w.actions["plugins"].trigger()
        assert time.monotonic() - started < 5  # the limit, not the plugin's 60 s
        dialog = w.findChild(PluginDialog)
        rows = [(row.id, row.origin, row.error) for row in dialog.rows]
        assert ("quits", "odd-rules (exit_rule:RULE)", "SystemExit: bye") in rows
        [hangs] = [row for row in dialog.rows if row.id == "hangs"]
        assert hangs.error.startswith("hanging: still importing") and "skipped" in hangs.error
        stdp = [row for row in dialog.rows if row.id == "stdp"]
        assert [(row.origin, row.error is None) for row in stdp] == [("built-in", True),
                                                                      ("odd-rules (rogue_rule:RULE)", False)]
        assert "built-in one (spikestudio (spikestudio.plugins.builtin.rules:PAIR_STDP))" in stdp[1].error
        assert "3 could not be loaded" in dialog.summary.text()
        dialog.close()
        assert w.isVisible()  # still here
    finally:
        hang_gate.GATE.set()
    for thread in threading.enumerate():
        if thread.name == "spikestudio-plugin-load":
            thread.join(10)


SLOW_RULE = """
import threading
from spikestudio.plugins.api import PluginInfo
from spikestudio.plugins.builtin.rules import PairSTDP

ENTERED, GATE, CALLS = threading.Event(), threading.Event(), []


class Slow(PairSTDP):
    info = PluginInfo("slow", "1.0", "Slow STDP", "Pair STDP that takes its time", PairSTDP.info.params)

    def engine_part(self, p, dt):
        CALLS.append(dt)
        ENTERED.set()
        GATE.wait(60)
        return super().engine_part(p, dt)


RULE = Slow()
"""


def test_stop_and_reset_cancels_a_build_waiting_on_a_slow_rule(window, site, tmp_path):  # noqa: F811
    install_fake_distribution(site, "slow-rules", {"slow": "slow_rule:RULE"}, {"slow_rule": SLOW_RULE})
    net = Network(dt=0.1, duration=50.0, seed=1)
    net.add_poisson("P", 5, rate=50.0)
    net.add_population("N", 3, "lif")
    for k in range(3):
        net.connect("P", "N", "all_to_all", id=f"syn{k}", weight=10.0, plasticity=Plasticity("slow", {}))
    fileformat.save(net, tmp_path / "slow.json")
    w = window(tmp_path / "slow.json")
    controller = w.simulation.controller
    import slow_rule

    try:
        w.actions["run"].trigger()
        assert slow_rule.ENTERED.wait(30) and controller.state == "preparing"
        assert w.actions["reset"].isEnabled()
        w.actions["reset"].trigger()
        assert controller.state == "no run"  # at once, while the rule is still busy
    finally:
        slow_rule.GATE.set()
    builds = [t for t in threading.enumerate() if t.name == "spikestudio-build"]
    for thread in builds:
        thread.join(30)
    end = time.monotonic() + 1.0
    while time.monotonic() < end:  # frames go by: the abandoned build must not come back as "ready"
        QApplication.processEvents()
    assert controller.state == "no run" and controller.sim is None
    assert len(slow_rule.CALLS) == 1  # the build stopped at the next plugin call


class Quitter:
    """A plugin object whose ``info`` ends the interpreter when read."""

    @property
    def info(self):
        raise SystemExit("no info for you")


def test_a_plugin_whose_info_raises_system_exit_is_a_red_row_not_the_end_of_the_app():
    registry = Registry([PluginRecord("quitter", "datasets", "odd-pkg (odd:QUITTER)", loader=Quitter)])
    [row] = plugin_rows(registry)
    assert row.error == "not a SpikeStudio plugin (no usable info: SystemExit: no info for you)"
