"""Exchange networks with other tools: NIR graphs, and runnable scripts for Brian2 and PyNN.

The NIR modules import the ``nir`` package only when they are used.
"""

from .brian2_script import brian2_export, brian2_script
from .nir_export import nir_export, write_nir
from .nir_import import nir_import, read_nir
from .pynn_script import pynn_export, pynn_script
from .report import ExportError, ExportReport

__all__ = ["ExportError", "ExportReport", "brian2_export", "brian2_script", "nir_export", "nir_import", "pynn_export",
           "pynn_script", "read_nir", "write_nir"]
