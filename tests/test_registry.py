"""Plugin discovery through real entry points: good, broken and duplicate plugins."""

import sys
import textwrap
import threading
import time

import pytest
from spikestudio import cli
from spikestudio.plugins import registry as registry_module
from spikestudio.plugins.builtin.rules import PAIR_STDP
from spikestudio.plugins.registry import GROUPS, default_registry


def install_fake_distribution(root, name, entry_points, modules):
    """A real ``*.dist-info`` folder plus modules on sys.path, as pip would leave them."""
    info = root / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    lines = [f"[{GROUPS['learning_rules']}]"] + [f"{k} = {v}" for k, v in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n")
    for module, source in modules.items():
        (root / f"{module}.py").write_text(textwrap.dedent(source))


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for mod in ("good_rule", "broken_rule", "other_rule", "exit_rule", "rogue_rule", "hang_rule", "hang_gate",
                "slow_rule"):
        sys.modules.pop(mod, None)


def test_good_plugin_loads_and_broken_one_is_recorded(site):
    install_fake_distribution(site, "fake-rules", {"hebb": "good_rule:RULE", "bad": "broken_rule:RULE"}, {
        "good_rule": "RULE = {'id': 'hebb'}\n",
        "broken_rule": "raise ImportError('numba missing for this rule')\n",
    })
    registry = default_registry()
    assert registry.get("learning_rules", "hebb") == {"id": "hebb"}
    assert registry.get("learning_rules", "bad") is None
    record = registry.records[("learning_rules", "bad")]
    assert record.error == "ImportError: numba missing for this rule"
    assert "fake-rules" in record.source
    assert set(registry.learning_rules()) >= {"hebb"} and "bad" not in registry.learning_rules()


def test_duplicate_ids_are_an_error_naming_both_sources(site):
    install_fake_distribution(site, "first-pkg", {"dup": "good_rule:RULE"}, {"good_rule": "RULE = 1\n"})
    install_fake_distribution(site, "second-pkg", {"dup": "other_rule:RULE"}, {"other_rule": "RULE = 2\n"})
    registry = default_registry()
    assert any("first-pkg" in e and "second-pkg" in e and '"dup"' in e for e in registry.errors)
    assert registry.get("learning_rules", "dup") is None


def test_a_plugin_that_raises_system_exit_is_recorded_and_validate_carries_on(site, capsys):
    install_fake_distribution(site, "exit-rules", {"quits": "exit_rule:RULE"},
                              {"exit_rule": "raise SystemExit(0)\n"})
    registry = default_registry()
    assert registry.get("learning_rules", "quits") is None
    assert registry.records[("learning_rules", "quits")].error == "SystemExit: 0"
    assert "stdp" in registry.learning_rules()
    assert cli.main(["validate", "digits"]) == 0  # the app (here: validate) is not ended by the plugin
    assert capsys.readouterr().out.startswith("OK: ")


def install_hanging_rule(site, plugin_id: str):
    """A rule plugin whose import waits until the test sets the returned gate (as a hanging import would, forever)."""
    (site / "hang_gate.py").write_text("import threading\nGATE = threading.Event()\n")
    install_fake_distribution(site, "hang-rules", {plugin_id: "hang_rule:RULE"},
                              {"hang_rule": "import hang_gate\nhang_gate.GATE.wait(60)\nRULE = 'loaded'\n"})
    import hang_gate

    return hang_gate.GATE


def test_a_plugin_that_hangs_on_import_is_reported_and_skipped_within_the_limit(site, monkeypatch):
    """Its import runs in a thread of its own; the caller waits at most the limit, and only once."""
    gate = install_hanging_rule(site, "hangs")
    monkeypatch.setattr(registry_module, "LOAD_SECONDS", 0.5)
    try:
        started = time.monotonic()
        registry = default_registry()
        assert registry.get("learning_rules", "hangs") is None
        assert time.monotonic() - started < 5  # not 60 s: the limit, and the other plugins loaded
        error = registry.records[("learning_rules", "hangs")].error
        assert error.startswith("hanging: still importing") and "the limit is 0.5 s" in error
        assert "stdp" in registry.learning_rules()
        loads = [t for t in threading.enumerate() if t.name == "spikestudio-plugin-load"]
        again = default_registry()  # a new registry (a new dialog, a new run) asks again ...
        assert again.get("learning_rules", "hangs") is None and again.records[("learning_rules", "hangs")].error
        assert [t for t in threading.enumerate() if t.name == "spikestudio-plugin-load"] == loads  # ... no new import
    finally:
        gate.set()
    for thread in loads:
        thread.join(10)
    assert default_registry().get("learning_rules", "hangs") == "loaded"  # once it finished, it is usable


def test_a_third_party_rule_with_a_built_in_id_is_reported_and_the_built_in_wins(site, capsys):
    install_fake_distribution(site, "rogue-rules", {"stdp": "rogue_rule:RULE"}, {"rogue_rule": "RULE = 'rogue'\n"})
    registry = default_registry()
    assert registry.get("learning_rules", "stdp") is PAIR_STDP
    clash = ('plugin id "stdp" in learning_rules is taken by the built-in one (spikestudio '
             '(spikestudio.plugins.builtin.rules:PAIR_STDP)); this one from rogue-rules (rogue_rule:RULE) is not used')
    assert registry.errors == [clash] and [r.source for r in registry.shadowed] == ["rogue-rules (rogue_rule:RULE)"]
    assert cli.main(["validate", "digits"]) == 0  # the digits example still finds its STDP
    out, err = capsys.readouterr()
    assert out.startswith("OK: ") and f"warning: {clash}" in err


def test_plugins_preloaded_at_start_up_leave_the_window_nothing_to_wait_for(site, monkeypatch):
    gate = install_hanging_rule(site, "hangs_too")
    monkeypatch.setattr(registry_module, "LOAD_SECONDS", 0.5)
    try:
        registry_module.preload_plugins().join(10)  # what the app does at start-up, off the GUI thread
        loads = [t for t in threading.enumerate() if t.name == "spikestudio-plugin-load"]
        assert loads  # the hanging import, still running
        registry = default_registry()
        assert registry.get("learning_rules", "stdp") is PAIR_STDP
        assert registry.get("learning_rules", "hangs_too") is None  # known to hang: no second wait, no new import
        assert registry.records[("learning_rules", "hangs_too")].error.startswith("hanging")
        assert [t for t in threading.enumerate() if t.name == "spikestudio-plugin-load"] == loads
    finally:
        gate.set()
    for thread in loads:
        thread.join(10)
