"""Write a Brian2 or PyNN script with the arrays it reads: ``export_script``, what the CLI and the editor call."""

from __future__ import annotations

from pathlib import Path

from ..model.network import Network
from .brian2_script import brian2_export
from .pynn_script import pynn_export
from .report import ExportError, ExportReport
from .script_arrays import ScriptArrays, write_script

__all__ = ["export_script", "SCRIPT_TARGETS"]

SCRIPT_TARGETS = ("brian2", "pynn")


def export_script(net: Network, path, to: str = "brian2", wiring: str = "rules", replay_inputs: bool = False,
                  strict: bool = False, simulator: str = "nest", rules=None,
                  datasets=None) -> tuple[ExportReport, list[Path]]:
    """Write ``net`` as a script for ``to`` at ``path``, large arrays as ``<stem>.<k>.npy`` beside it.

    ``wiring="realised"`` writes SpikeStudio's own synapses and initial state (see ``realised``); with
    ``strict`` nothing is written when something would be left out. ``rules`` (learning-rule plugins by id) and
    ``datasets`` (the dataset source ``Simulator`` takes) let STDP and dataset inputs travel (see ``brian2_export``).
    Returns (report, files written).
    """
    if to not in SCRIPT_TARGETS:
        raise ValueError(f"unknown script target {to!r} (choose from {', '.join(SCRIPT_TARGETS)})")
    path = Path(path)
    arrays = ScriptArrays(path.stem)
    if to == "brian2":
        text, report = brian2_export(net, wiring=wiring, replay_inputs=replay_inputs, arrays=arrays, rules=rules,
                                     datasets=datasets)
    else:
        text, report = pynn_export(net, simulator, wiring=wiring, replay_inputs=replay_inputs, arrays=arrays,
                                   datasets=datasets)
    if strict and not report.ok:
        raise ExportError(report)
    return report, write_script(path, text, arrays)
