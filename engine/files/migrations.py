"""Upgrades of network-file dictionaries from older format versions, one registered step per version."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import FileFormatError
from ..model.params import Problem
from .file_schema import CURRENT_VERSION

__all__ = ["MIGRATIONS", "migration", "migrate"]

Migration = Callable[[dict], dict]

# from_version -> function upgrading a file dict from that version to the next; a change to the format adds one
# step here and bumps CURRENT_VERSION.
MIGRATIONS: dict[int, Migration] = {}


def migration(from_version: int) -> Callable[[Migration], Migration]:
    """Register the decorated function as the upgrade from ``from_version`` to ``from_version + 1``.

    One step per version keeps every old file readable by chaining small, separately tested changes.
    """
    if isinstance(from_version, bool) or not isinstance(from_version, int) or from_version < 1:
        raise ValueError(f"from_version must be a whole number >= 1, got {from_version!r}")

    def register(fn: Migration) -> Migration:
        if from_version in MIGRATIONS:
            raise ValueError(f"a migration from file version {from_version} is already registered")
        MIGRATIONS[from_version] = fn
        return fn

    return register


def migrate(data: dict, target: int | None = None) -> dict:
    """``data`` (a file dict with an integer ``version``) upgraded step by step to ``target``.

    ``target`` defaults to ``CURRENT_VERSION``. Steps may change ``data`` in place. Raises
    ``FileFormatError`` for a file newer than ``target``, a missing step, or a step that fails on odd data.
    """
    if target is None:
        target = CURRENT_VERSION
    version = data["version"]
    if version > target:
        raise _error(f"written by a newer SpikeStudio (file version {version}); this version reads up to {target}")
    while version < target:
        step = MIGRATIONS.get(version)
        if step is None:
            raise _error(f"no upgrade from file version {version} to {version + 1}")
        try:
            data = step(data)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise _error(f"cannot upgrade from file version {version}: {type(exc).__name__}: {exc}") from exc
        version += 1
        data["version"] = version
    return data


@migration(1)
def _models_section(data: dict) -> dict:
    """Version 2 added the optional ``models`` (and ``rules``) sections; a version 1 file holds everything it held
    before."""
    if "models" in data:
        raise ValueError("custom models need file version 2")
    if "rules" in data:
        raise ValueError("learning rules described by equations need file version 2")
    return data


def _error(message: str) -> FileFormatError:
    return FileFormatError([Problem("version", message)])
