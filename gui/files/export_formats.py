"""What the editor can export a network to (NIR, PyNN, Brian2): each format's file type and the bytes it writes.

No Qt here. A format refuses a network it could not express at all (``NothingToExportError``), so the editor
writes nothing rather than an empty graph or a script that simulates nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from ...engine.interop import brian2_export, pynn_export
from ...engine.interop.report import ExportReport, location
from ...engine.interop.script_arrays import ScriptArrays
from ...engine.model.network import Network

__all__ = ["ExportFormat", "NothingToExportError", "FORMATS", "report_lines"]


class NothingToExportError(ValueError):
    """The network has nothing the format can express; ``reasons`` are the report's lines saying why."""

    def __init__(self, message: str, reasons: list[str] | None = None):
        super().__init__(message)
        self.reasons = list(reasons or [])


@dataclass(frozen=True)
class ExportFormat:
    key: str
    name: str  # as in a sentence: "a NIR graph"
    target: str  # the tool or format: "NIR"
    file_filter: str  # for the file dialog
    encode: Callable[..., tuple[bytes, ExportReport]]  # scripts also take wiring, replay_inputs and arrays


def _require_populations(net: Network, target: str) -> None:
    if not net.populations:
        raise NothingToExportError(f"the network has no populations, so there is nothing to export to {target}")


def _nir(net: Network) -> tuple[bytes, ExportReport]:
    import nir

    from ...engine.interop.nir_export import nir_export

    _require_populations(net, "NIR")
    graph, report = nir_export(net)
    if not any(isinstance(node, (nir.LIF, nir.CubaLIF)) for node in graph.nodes.values()):
        raise NothingToExportError("none of its populations can be expressed in NIR (only leaky integrate-and-fire "
                                   "neurons can)", report.lines())
    buffer = io.BytesIO()
    nir.write(buffer, graph)
    return buffer.getvalue(), report


def _plugins(target: str) -> dict:
    """What lets more of a network travel: dataset inputs as their encoded spikes, and (Brian2) STDP as equations."""
    from ...plugins.dataset_source import default_datasets
    from ...plugins.registry import default_registry

    plugins = {"datasets": default_datasets()}
    if target == "Brian2":
        plugins["rules"] = default_registry().learning_rules()
    return plugins


def _script(export: Callable, target: str) -> Callable[..., tuple[bytes, ExportReport]]:
    def encode(net: Network, wiring: str = "rules", replay_inputs: bool = False,
               arrays: ScriptArrays | None = None) -> tuple[bytes, ExportReport]:
        """The script's bytes; with ``arrays`` (a ``ScriptArrays`` named after the file) large arrays go there."""
        _require_populations(net, target)
        text, report = export(net, wiring=wiring, replay_inputs=replay_inputs, arrays=arrays, **_plugins(target))
        # A problem located at a population itself means the script leaves that population out.
        if all(location("populations", pid) in report.locations() for pid in net.populations):
            raise NothingToExportError(f"none of its populations can be expressed in {target}", report.lines())
        return text.encode("utf-8"), report

    return encode


FORMATS = {
    "nir": ExportFormat("nir", "a NIR graph", "NIR", "NIR graph (*.nir)", _nir),
    "pynn": ExportFormat("pynn", "a PyNN script", "PyNN", "Python script (*.py)", _script(pynn_export, "PyNN")),
    "brian2": ExportFormat("brian2", "a Brian2 script", "Brian2", "Python script (*.py)",
                           _script(brian2_export, "Brian2")),
}


def report_lines(report: ExportReport) -> tuple[list[str], list[str]]:
    """(left out, approximated): one ``location: reason`` line per item."""
    return report.lines(), [f"{where}: {reason}" for where, reason in report.notes]
