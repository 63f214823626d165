"""Help > Plugins: every discovered plugin with where it comes from; broken and duplicate ones in red with their
error, and none of them able to stop the list from opening."""

import pytest
from PySide6.QtWidgets import QLabel
from spikestudio.gui.shell.plugin_dialog import BROKEN, COLUMNS, PluginDialog, plugin_rows
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
    dup = rows["stdp"].error
    assert dup.startswith('duplicate plugin id "stdp"') and "PAIR_STDP" in dup and "other-rules" in dup
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
