"""Render the editor with the bundled examples to the PNGs the README shows (no display needed).

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


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    for name, (example, selected) in SHOTS.items():
        render(example, selected, HERE / name)
        print(f"wrote {HERE / name}")
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
