"""Shared test helpers: the ``slow`` marker and small network factories for engine behaviour tests.

Nothing here is autouse; tests ask for the fixtures they need.
"""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

# GUI tests draw into memory, never onto a screen (CI has none); set before Qt is first imported.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes more than about 5 s (deselect with -m 'not slow')")


class _Probe:
    """Factories and formulas for isolated leaky integrate-and-fire probes (catalogue defaults)."""

    TAU_M, C_M, E_L, V_TH, V_RESET, T_REF = 10.0, 250.0, -70.0, -55.0, -70.0, 2.0

    @staticmethod
    def network(dt=0.1, seed=1):
        from spikestudio.engine.model.network import Network

        return Network(dt=dt, seed=seed)

    @classmethod
    def resistance(cls, tau_m=None, c_m=None):
        """R = tau_m / C_m in mV/pA (GOhm)."""
        return (tau_m or cls.TAU_M) / (c_m or cls.C_M)

    @classmethod
    def lif_time_to_threshold(cls, current, tau_m=None, c_m=None, gap=None):
        """Time (ms) for v to climb from V_reset = E_L to V_th under constant current (inf below rheobase)."""
        tau_m = tau_m or cls.TAU_M
        gap = cls.V_TH - cls.E_L if gap is None else gap
        drive = cls.resistance(tau_m, c_m) * current
        if drive <= gap:
            return np.inf
        return tau_m * np.log(drive / (drive - gap))

    @classmethod
    def lif_isi(cls, current, tau_m=None, c_m=None, t_ref=None):
        """Analytic inter-spike interval T = t_ref + tau_m ln(RI / (RI - (V_th - E_L))), ms."""
        t_ref = cls.T_REF if t_ref is None else t_ref
        return t_ref + cls.lif_time_to_threshold(current, tau_m, c_m)

    @classmethod
    def lif_isi_discrete(cls, current, dt, tau_m=None, c_m=None, t_ref=None):
        """The same interval on a grid of step dt: the climb takes a whole number of steps (rounded up)."""
        t_ref = cls.T_REF if t_ref is None else t_ref
        climb = cls.lif_time_to_threshold(current, tau_m, c_m)
        return round(t_ref / dt) * dt + np.ceil(climb / dt - 1e-9) * dt

    @classmethod
    def invert_current(cls, v, dt, tau_m=None, c_m=None, e_l=None):
        """The constant current held over each step that takes v[k] to v[k+1] (exact LIF propagator).

        ``v`` has one row per sample (every step) and any number of columns; returns one row fewer.
        """
        tau_m, c_m = tau_m or cls.TAU_M, c_m or cls.C_M
        e_l = cls.E_L if e_l is None else e_l
        p22 = np.exp(-dt / tau_m)
        r = tau_m / c_m
        return ((v[1:] - e_l) - (v[:-1] - e_l) * p22) / (r * (1.0 - p22))


@pytest.fixture
def probe():
    """Formulas and factories for single LIF neurons with the catalogue's default parameters."""
    return _Probe


@pytest.fixture
def simulate():
    """simulate(net, seconds, **simulator_kwargs) -> (Simulator, Results)."""
    from spikestudio.engine.simulation.simulator import Simulator

    def run(net, seconds, **kwargs):
        sim = Simulator(net, **kwargs)
        return sim, sim.run(seconds)

    return run


@pytest.fixture(scope="session", autouse=True)
def _empty_clipboard_before_qt_exits():
    """Qt crashes at exit if the clipboard still holds data the app put there (the app empties it on quit)."""
    yield
    import sys

    if "spikestudio.gui.shell.app" in sys.modules:
        from PySide6.QtGui import QGuiApplication
        from spikestudio.gui.shell.app import empty_clipboard

        if QGuiApplication.instance() is not None:
            empty_clipboard()


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """Makes real main windows (``window(path_or_example)``) with settings and recovery in a temporary home.

    The windows are closed here (not by pytest-qt, which would close them before this fixture could mark
    them saved, and a window with unsaved changes asks before it closes).
    """
    from spikestudio.gui.shell.app import make_window

    monkeypatch.setenv("SPIKESTUDIO_HOME", str(tmp_path / "home"))
    made = []

    def make(path=None, recover=False):
        w = make_window(None if path is None else str(path), recover=recover)
        with qtbot.waitExposed(w), qtbot.waitActive(w):  # keyboard shortcuts only reach the active window
            w.show()
            w.activateWindow()
        w.view.actual_size()
        w.view.centerOn(0, 0)
        made.append(w)
        return w

    yield make
    import shiboken6

    for w in made:
        if shiboken6.isValid(w):  # a window deletes itself once it has closed
            w.stack.setClean()
            w.close()


EXAMPLE_PLUGIN = Path(__file__).parent / "example_plugin"  # the third-party plugin package of the README's guide


class InstalledPlugin:
    """``tests/example_plugin`` installed in ``site`` as pip leaves a package: its package folder copied (package
    data included) beside a ``*.dist-info`` holding its metadata and the entry points of its pyproject.toml, with
    ``site`` on ``sys.path``. ``project`` is its pyproject's project table."""

    def __init__(self, site: Path):
        import shutil
        import tomllib

        config = tomllib.loads((EXAMPLE_PLUGIN / "pyproject.toml").read_text())
        self.project, self.site = config["project"], site
        self.packages = config["tool"]["setuptools"]["packages"]
        name, version = self.project["name"], self.project["version"]
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text("\n".join(
            f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items())
            for group, eps in self.project["entry-points"].items()))
        for package in self.packages:
            shutil.copytree(EXAMPLE_PLUGIN / package, site / package, ignore=shutil.ignore_patterns("__pycache__"))
        sys.path.insert(0, str(site))

    def uninstall(self) -> None:
        """Off ``sys.path`` and out of ``sys.modules``, as if ``pip uninstall`` had run (idempotent)."""
        while str(self.site) in sys.path:
            sys.path.remove(str(self.site))
        for module in [m for m in sys.modules if m.split(".")[0] in self.packages]:
            del sys.modules[module]


@pytest.fixture
def example_plugin(tmp_path):
    """The example third-party plugin, installed for one test (``InstalledPlugin``) and uninstalled after it."""
    plugin = InstalledPlugin(tmp_path / "site")
    yield plugin
    plugin.uninstall()
