"""What every ``spikestudio`` command shares: exit statuses, the error a command raises, reading a network
argument, writing a file, and printing text from files with control characters escaped."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..engine.model.plain_text import visible

__all__ = ["PROG", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_INTERRUPTED", "CliError", "say"]

PROG = "spikestudio"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CliError(Exception):
    """A failure reported as one message (plus optional detail lines) and an exit status."""

    def __init__(self, message: str, status: int = EXIT_USAGE, details: list[str] | None = None):
        super().__init__(message)
        self.status = status
        self.details = list(details or [])


def _resolve(name: str) -> Path:
    """A network argument as a file: an existing path, else a bundled example; CliError when neither."""
    path = Path(name)
    if path.exists():
        if path.is_dir():
            raise CliError(f"{name}: is a directory, not a network file")
        return path
    from ..resources.examples import example_path, list_examples

    if os.sep not in name and "/" not in name:
        try:
            return example_path(name)
        except KeyError:
            raise CliError(f"{name}: no such file or bundled example "
                           f"(examples: {', '.join(list_examples())})") from None
    raise CliError(f"{name}: no such file")


def _read(path: Path):
    from ..engine.files import fileformat

    return fileformat.load(path)


def _load(name: str):
    """The network named by a command-line argument; file problems become a CliError listing them."""
    from ..engine.errors import FileFormatError

    path = _resolve(name)
    try:
        return _read(path)
    except FileFormatError as exc:
        n = len(exc.problems)
        raise CliError(f"{path}: cannot read the network ({n} problem{'s' if n != 1 else ''})", EXIT_USAGE,
                       _problem_lines(exc)) from None


def _problem_lines(exc) -> list[str]:
    return [str(p) for p in getattr(exc, "problems", [])] or [str(exc)]


def _write(save, path: Path) -> None:
    try:
        save()
    except OSError as exc:
        raise CliError(f"{path}: cannot write the file: {exc.strerror or exc}") from None


def _error(message: str, details: list[str] | None = None) -> None:
    say(f"{PROG}: error: {message}", *(f"  {line}" for line in details or []), file=sys.stderr)


def say(*lines: str, file=None) -> None:
    """Print each line with control characters from files escaped (``\\x1b``): a title cannot drive the terminal."""
    for line in lines:
        print(visible(line), file=file or sys.stdout)
