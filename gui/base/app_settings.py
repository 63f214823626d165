"""Where the app keeps what outlives a session: settings (window layout, recent files) and crash recovery.

``SPIKESTUDIO_HOME`` moves both to one folder (tests use it; so can a classroom machine). The user's model
library is the folder ``models`` there, or ``SPIKESTUDIO_MODEL_LIBRARY`` (a folder a class can share).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths

__all__ = ["app_settings", "data_dir", "model_library_dir", "recent_files", "add_recent_file", "MAX_RECENT",
           "dask_scheduler", "set_dask_scheduler"]

ORGANIZATION, APPLICATION = "SpikeStudio", "SpikeStudio"
MAX_RECENT = 10
SCHEDULER = "experiments/scheduler"


def data_dir() -> Path:
    home = os.environ.get("SPIKESTUDIO_HOME")
    if home:
        path = Path(home)
    else:
        path = Path(QStandardPaths.writableLocation(QStandardPaths.AppDataLocation) or Path.home() / ".spikestudio")
    path.mkdir(parents=True, exist_ok=True)
    return path


def model_library_dir() -> Path:
    """The folder of the user's own models (``<id>.model`` files); it may not exist yet."""
    chosen = os.environ.get("SPIKESTUDIO_MODEL_LIBRARY")
    return Path(chosen) if chosen else data_dir() / "models"


def app_settings() -> QSettings:
    if os.environ.get("SPIKESTUDIO_HOME"):
        return QSettings(str(data_dir() / "settings.ini"), QSettings.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


def recent_files() -> list[str]:
    value = app_settings().value("recent_files", [])
    if isinstance(value, str):  # QSettings gives a lone string for a one-entry list
        value = [value]
    return [str(v) for v in value or []]


def add_recent_file(path: str | os.PathLike) -> list[str]:
    path = str(Path(path).resolve())
    files = [path] + [f for f in recent_files() if f != path]
    app_settings().setValue("recent_files", files[:MAX_RECENT])
    return files[:MAX_RECENT]


def forget_recent_file(path: str) -> None:
    app_settings().setValue("recent_files", [f for f in recent_files() if f != path])


def dask_scheduler() -> str:
    """The Dask scheduler sweeps go to ("" for this computer): as last set in the Experiment panel, else
    ``$SPIKESTUDIO_SCHEDULER`` as the command line reads it."""
    value = app_settings().value(SCHEDULER, None)
    return str(value) if value is not None else os.environ.get("SPIKESTUDIO_SCHEDULER", "")


def set_dask_scheduler(address: str) -> None:
    settings = app_settings()
    settings.setValue(SCHEDULER, address.strip())
    settings.sync()
