"""The layering rules: engine/ never imports Qt, gui or plugins; plugins never import gui; no pickle or eval."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QT = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "shiboken6")


def imports_of(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved against the spikestudio package)."""
    rel = path.relative_to(ROOT).with_suffix("")
    package = ["spikestudio", *rel.parts[:-1]]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                names.add(".".join(base + ([node.module] if node.module else [])))
            else:
                names.add(node.module)
    return names


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", files("engine"), ids=lambda p: p.name)
def test_engine_imports_no_qt_gui_or_plugins(path):
    bad = [m for m in imports_of(path)
           if m.split(".")[0] in QT or m.startswith(("spikestudio.gui", "spikestudio.plugins"))]
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", files("plugins"), ids=lambda p: p.name)
def test_plugins_import_no_gui(path):
    bad = [m for m in imports_of(path) if m.split(".")[0] in QT or m.startswith("spikestudio.gui")]
    assert bad == [], f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", files("engine") + files("plugins") + [ROOT / "api.py"], ids=lambda p: p.name)
def test_no_pickle_or_eval(path):
    tree = ast.parse(path.read_text())
    mods = imports_of(path)
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert "pickle" not in mods and not ({"eval", "exec"} & calls), path.name
    assert "allow_pickle=True" not in path.read_text(), path.name


def test_importing_the_engine_does_not_load_qt():
    code = ("import sys, spikestudio, spikestudio.engine.simulation.simulator, spikestudio.engine.files.fileformat; "
            f"bad = [m for m in sys.modules if m.split('.')[0] in {QT!r}]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


DATA_PACKAGES = [ROOT / "resources" / "__init__.py"] + sorted((ROOT / "resources").glob("*/__init__.py"))


@pytest.mark.parametrize("path", DATA_PACKAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_resource_packages_are_data_and_import_no_code_of_the_app(path):
    """The engine looks examples up in resources; resources importing the engine back would be a cycle (the
    make_*.py build scripts and lesson test helpers may use the engine: nothing imports them)."""
    code = ("spikestudio.engine", "spikestudio.gui", "spikestudio.plugins")
    bad = [m for m in imports_of(path) if m.startswith(code)]
    assert bad == [], f"{path} imports {bad}"


def test_the_engine_reaches_into_resources_only_for_bundled_examples():
    used = {m for path in files("engine") for m in imports_of(path) if m.startswith("spikestudio.resources")}
    assert used <= {"spikestudio.resources.examples"}, used


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` (import-linter) on the package at ``root``, with the contracts in its pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root.parent)}
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(exe), "--config", str(root / "pyproject.toml"), "--no-cache"], cwd=root,
                          capture_output=True, text=True, timeout=300, env=env)


def _copy_of_the_package(tmp_path: Path) -> Path:
    skip = shutil.ignore_patterns(".*", "__pycache__", "tests", "benchmarks", "screenshots", "*.egg-info", "build")
    return Path(shutil.copytree(ROOT, tmp_path / "spikestudio", ignore=skip))


def test_the_import_contracts_hold(tmp_path):
    """The layers declared in pyproject.toml ([tool.importlinter]) hold for the code as it is."""
    result = _lint_imports(_copy_of_the_package(tmp_path))
    assert result.returncode == 0 and "0 broken" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("module, line, contract", [
    ("engine/model/sneaky.py", "import PySide6.QtCore\n", "never import Qt"),
    ("engine/kernels/sneaky.py", "from ..model import network\n", "kernels import nothing"),
    ("gui/base/sneaky.py", "from ..shell import main_window\n", "window's layers"),
    ("engine/files/sneaky.py", "from ..simulation import build\n", "engine's layers"),
])
def test_a_forbidden_import_breaks_a_contract(tmp_path, module, line, contract):
    """The contracts are not vacuous: one forbidden import added to a copy of the code is reported."""
    root = _copy_of_the_package(tmp_path)
    (root / module).write_text(f'"""A forbidden import, added by the test."""\n\n{line}')
    result = _lint_imports(root)
    assert result.returncode != 0 and "0 broken" not in result.stdout, result.stdout + result.stderr
    broken = [block for block in result.stdout.split("\n\n") if "BROKEN" in block]
    assert any(contract in " ".join(block.split()) for block in broken), result.stdout


def test_every_subpackage_ships_in_the_wheel():
    """pyproject.toml lists packages by hand (the repo root is the package): a folder missing there would install
    from a checkout and be absent from a built wheel."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    skip = {"tests", "benchmarks", "build"}
    found = {".".join(["spikestudio", *p.parent.relative_to(ROOT).parts]) for p in ROOT.rglob("__init__.py")
             if not ({".venv", ".venv-bench", ".venv-nest"} | skip) & set(p.relative_to(ROOT).parts)
             and not any(part.startswith(".") for part in p.relative_to(ROOT).parts)}
    absent = {name for name in listed if not ROOT.joinpath(*name.split(".")[1:]).is_dir()}
    assert found <= listed and not absent, f"missing from pyproject: {sorted(found - listed)}; absent: {sorted(absent)}"


@pytest.mark.parametrize("path", sorted((ROOT / "cli").glob("[!_]*.py")), ids=lambda p: p.name)
def test_the_cli_modules_never_import_the_cli_package_back(path):
    """One direction: ``cli/__init__.py`` (the commands' entry point) imports its modules, never the reverse;
    what they share lives in ``cli/common.py``."""
    assert "spikestudio.cli" not in imports_of(path), f"{path.name} imports the cli package itself"
