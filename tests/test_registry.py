"""Plugin discovery through real entry points: good, broken and duplicate plugins."""

import sys
import textwrap

import pytest
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
    for mod in ("good_rule", "broken_rule", "other_rule"):
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
