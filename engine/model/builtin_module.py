"""The checked-in module of the built-in models' generated updates (``kernels/builtin_updates.py``): its source
from the descriptions, and the command that writes it. ``tests/test_builtin_updates.py`` fails while the file and
the descriptions (or the code generator) disagree.

    python -m spikestudio.engine.model.builtin_module --write
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..equations.codegen import builtin_source
from ..equations.layout import layout_of
from .catalog import builtin_description

__all__ = ["BUILTIN_IDS", "PATH", "source", "main"]

BUILTIN_IDS = ("lif", "izhikevich", "adex", "hh", "lif_adaptive")  # in the order of their kernel codes
PATH = Path(__file__).resolve().parent.parent / "kernels" / "builtin_updates.py"
COMMAND = "python -m spikestudio.engine.model.builtin_module --write"


def source() -> str:
    """The module's text, generated from the built-in descriptions now."""
    return builtin_source({m: layout_of(builtin_description(m), m) for m in BUILTIN_IDS})


def main(argv: list[str]) -> int:
    """``--write`` the module; otherwise say whether it is up to date (exit status 1 when not)."""
    text = source()
    if "--write" in argv:
        PATH.write_text(text, encoding="utf-8")
        print(f"wrote {PATH}")
        return 0
    current = PATH.read_text(encoding="utf-8") if PATH.exists() else ""
    if current != text:
        print(f"{PATH} differs from the descriptions' generated code: run {COMMAND}")
        return 1
    print(f"{PATH} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
