"""Names and locations in network files, shared by the writer, the reader and the archive code."""

from __future__ import annotations

from ..errors import FileFormatError
from ..model.params import Problem, item_loc

__all__ = ["FORMAT", "CURRENT_VERSION", "MODELS_VERSION", "JSON_MEMBER", "TOP_LEVEL", "OPTIONAL_TOP_LEVEL",
           "METADATA", "NOTE_FIELDS", "GRADED_FIELDS", "item_loc", "child", "member_loc", "file_error"]

FORMAT = "spikestudio.network"
# The version this SpikeStudio writes; a change to the format adds a step in migrations.py and bumps it.
CURRENT_VERSION = 2
# Version 2 added ``models`` (descriptions of the custom neuron models a network uses). A network without any is
# still written as version 1, so its file is exactly what it was and older SpikeStudios still open it. ``rules``
# (the text of each learning rule described by equations that a projection uses, as a list of lines) is
# optional in version 2 too.
MODELS_VERSION = 2
JSON_MEMBER = "network.json"

TOP_LEVEL = ("format", "version", "metadata", "settings", "populations", "inputs", "projections", "recorders",
             "layout")
OPTIONAL_TOP_LEVEL = ("notes", "models", "rules")  # written only when there are some, so other files stay as they were
METADATA = ("title", "author", "description", "license")
NOTE_FIELDS = ("text", "x", "y", "width", "height", "color")
# a synapse's optional fields, written only for graded synapses (no version bump: older files have none and
# open unchanged; every other synapse is written exactly as before)
GRADED_FIELDS = ("V_half", "V_slope")
# sections whose keys are ids
_KEYED = ("populations", "inputs", "projections", "recorders", "layout", "notes", "models", "rules")


def child(loc: str, key: str) -> str:
    """The location of ``key`` inside ``loc``: ids in brackets, fields after a dot."""
    if not loc:
        return key
    return item_loc(loc, key) if loc in _KEYED else f"{loc}.{key}"


def member_loc(name: str) -> str:
    return item_loc("archive", name)


def file_error(location: str, message: str) -> FileFormatError:
    """The error for a problem that stops reading at once (nothing after it can be checked)."""
    return FileFormatError([Problem(location, message)])
