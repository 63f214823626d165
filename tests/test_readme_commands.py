"""The README's commands work as written: every import it shows, and files written the way it says."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from spikestudio.engine.interop.nir_export import write_nir
from test_interop_nir import driven_network

ROOT = Path(__file__).resolve().parents[1]


def readme_imports() -> list[str]:
    """Every ``import`` line of the README's Python blocks."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    return [line.split("#")[0].strip() for block in blocks for line in block.splitlines()
            if re.match(r"\s*(from spikestudio\S* import |import spikestudio)", line)]


def test_every_import_the_readme_shows_works():
    imports = readme_imports()
    assert len(imports) >= 5  # the scripting, export, plugin and learning sections
    nir_line = "from spikestudio.engine.interop import write_nir, nir_export, read_nir, nir_import"
    script = "\n".join([*imports, nir_line])  # the NIR section names these in prose
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"{script}\n{out.stderr}"


@pytest.mark.parametrize("umask", [0o022, 0o007])
def test_nir_exports_follow_the_umask_like_every_other_export(tmp_path, umask):
    old = os.umask(umask)
    try:
        write_nir(driven_network(), tmp_path / "net.nir")
    finally:
        os.umask(old)
    assert (tmp_path / "net.nir").stat().st_mode & 0o777 == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["net.nir"]  # no temporary file left behind


def validate_digits(*setup: str) -> subprocess.CompletedProcess:
    script = "\n".join([*setup, "import sys", "from spikestudio.cli import main",
                        "sys.exit(main(['validate', 'digits']))"])
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)


def test_validate_reports_a_plugins_missing_optional_dependency():
    """Where scikit-learn cannot be imported, `validate digits` says so (a run would fail on it), not OK."""
    missing = validate_digits("import sys", "sys.modules['sklearn'] = None")  # import sklearn raises ImportError
    assert missing.returncode != 0 and "OK" not in missing.stdout
    assert 'input “digits”, dataset: the plugin "digits" needs scikit-learn' in missing.stdout
    assert "cannot run here: 1 problem" in missing.stderr
    present = validate_digits()
    assert present.returncode == 0 and present.stdout.startswith("OK: "), present.stdout + present.stderr


def test_a_plugin_declares_what_it_needs_and_the_build_names_what_is_missing():
    from spikestudio.engine.simulation.build import build_problems
    from spikestudio.plugins.api import PluginInfo
    from spikestudio.plugins.dataset_source import RegistryDatasets
    from spikestudio.plugins.registry import PluginRecord, Registry
    from test_dataset_input import Tiny, tiny_net

    class NeedsMissing(Tiny):
        info = PluginInfo("tiny", "1.0", "Tiny", "three 1x2 frames", requires={"no_such_module_xyz": "xyz 1.0"})

    missing = 'the plugin "tiny" needs xyz 1.0, which is not installed'
    for plugin, expected in ((Tiny(), []), (NeedsMissing(), [missing])):
        datasets = RegistryDatasets(Registry([PluginRecord("tiny", "datasets", "test", loader=lambda p=plugin: p)]))
        problems = build_problems(tiny_net(), {}, datasets=datasets)
        assert [p.split(": ", 1)[1].split(" here")[0] for p in problems] == expected
