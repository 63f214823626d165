"""Render the editor with the bundled examples, idle and mid-run, to the PNGs the README shows (no display needed).

Run ``QT_QPA_PLATFORM=offscreen .venv/bin/python resources/screenshots/make_screenshots.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SPIKESTUDIO_HOME", tempfile.mkdtemp(prefix="spikestudio-shots-"))

from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

HERE = Path(__file__).resolve().parent
SHOTS = {"editor-brunel.png": ("brunel", "E"), "editor-cuba.png": ("cuba", "I->E")}
# example, simulated ms before the picture, neurons probed
RUNNING = {"running-cuba.png": ("cuba", 1500.0, [("E", 0), ("E", 1), ("I", 0)]),
           "running-brunel.png": ("brunel", 400.0, [("E", 0), ("I", 0)])}


def render(example: str, selected: str, out: Path) -> None:
    from spikestudio.gui.app import make_window

    window = make_window(example, recover=False)
    window.keep_layout = False
    window.resize(1400, 860)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.view.fit_all()
    window.scene.select_ids([selected])
    QApplication.processEvents()
    window.grab().save(str(out))
    window.close()


def render_running(example: str, ms: float, probes, out: Path) -> None:
    """The window mid-run: paused after ``ms`` simulated, with the probes' traces drawn."""
    from spikestudio.gui.app import make_window

    window = make_window(example, recover=False)
    window.keep_layout = False
    window.resize(1600, 1000)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.view.fit_all()
    ui = window.simulation
    for node, i in probes:
        ui.probe(node, i)
    ui.duration.setValue(ms)
    ui.controller.run()
    while ui.controller.state != "done":
        QTest.qWait(20)
    QApplication.processEvents()
    window.grab().save(str(out))
    window.close()


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    for name, (example, selected) in SHOTS.items():
        render(example, selected, HERE / name)
        print(f"wrote {HERE / name}")
    for name, (example, ms, probes) in RUNNING.items():
        render_running(example, ms, probes, HERE / name)
        print(f"wrote {HERE / name}")
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
