"""Every Python snippet in the README runs as written: in order, in one fresh interpreter, in an empty folder."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def snippets() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), flags=re.S | re.M)


def test_the_readme_has_snippets():
    assert len(snippets()) >= 5


@pytest.mark.slow
def test_every_readme_snippet_runs(tmp_path):
    """The snippets build on each other (the network of one is used by the next), as a reader types them."""
    script = tmp_path / "readme_snippets.py"
    script.write_text("\n\n".join(f"# --- snippet {i + 1}\n{code}" for i, code in enumerate(snippets())))
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "results.npz").is_file() and (tmp_path / "my_network.snn").is_file()
    assert (tmp_path / "learned.snn").is_file()
