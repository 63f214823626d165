"""Export networks as runnable scripts for other simulators (Brian2, PyNN)."""

from .brian2_script import brian2_export, brian2_script
from .pynn_script import pynn_export, pynn_script
from .report import ExportError, ExportReport

__all__ = ["ExportError", "ExportReport", "brian2_export", "brian2_script", "pynn_export", "pynn_script"]
