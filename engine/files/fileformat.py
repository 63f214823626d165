"""Network files: ``.snn`` (zip of network.json and .npy arrays) or bare ``.json``, written exactly, read strictly."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..errors import FileFormatError
from ..model.network import Network
from ..model.params import ValidationError
from . import safe_archive, strict_json
from .archive_writer import archive_parts, atomic_write, write_zip
from .file_checks import layout_problems
from .file_reader import decode
from .file_schema import CURRENT_VERSION, FORMAT, JSON_MEMBER
from .file_writer import ArrayWriter, inline, network_dict

__all__ = ["FORMAT", "CURRENT_VERSION", "save", "load", "dumps", "loads", "to_dict", "from_dict"]


# Limits that keep a hostile archive from exhausting memory; what save writes always stays inside them.
# Read at every call (see _limits), so lowering one here takes effect at once.
MAX_MEMBERS = 10_000
MAX_MEMBER_SIZE = 1 << 30
MAX_TOTAL_SIZE = 2 << 30
MAX_RATIO = 200
RATIO_FLOOR = 1 << 20  # members this small cannot hurt, whatever their compression ratio
MAX_JSON_SIZE = 64 << 20  # network.json (parsing costs ~10x its size in memory; big arrays go in .npy members)


def save(net: Network, path: str | os.PathLike) -> None:
    """Write ``net`` to ``path`` (``.json``: one JSON text; anything else: a ``.snn`` zip), atomically.

    The network is validated first, so a saved file always loads; on any error the old file is untouched.
    """
    path = Path(path)
    problems = net.validate() + layout_problems(net)
    if problems:
        raise ValidationError(problems)
    if _is_json(path):
        data = dumps(net).encode("utf-8")
        atomic_write(path, lambda f: f.write(data))
    else:
        limits = _limits()
        text, members = archive_parts(net, CURRENT_VERSION, limits)
        atomic_write(path, lambda f: write_zip(f, text, members, limits))


def load(path: str | os.PathLike) -> Network:
    """Read a ``.snn`` or ``.json`` network file; raises ``FileFormatError`` listing every problem found."""
    path = Path(path)
    if _is_json(path):
        return _loads(strict_json.decode_text(safe_archive.read_file(path, MAX_JSON_SIZE), path.name), path.name)
    return _load_archive(path)


def dumps(net: Network) -> str:
    """The network.json text of ``net`` with arrays inline as lists (no validation: ``save`` validates)."""
    return strict_json.to_text(to_dict(net))


def loads(text: str) -> Network:
    """A network from network.json text (arrays inline); raises ``FileFormatError`` listing every problem."""
    return _loads(text, JSON_MEMBER)


def to_dict(net: Network, array_writer: ArrayWriter | None = None) -> dict:
    """``net`` as plain JSON data in file order; ``array_writer(array, location)`` gives each array's JSON value.

    The default writes arrays as lists. Raises ``ValidationError`` for values JSON cannot hold (NaN, inf,
    non-numbers); it does not run the full validation (``save`` does).
    """
    return network_dict(net, array_writer or inline, CURRENT_VERSION)


def from_dict(data: dict, arrays: Mapping[str, bytes | np.ndarray] | None = None) -> Network:
    """A network from file data of any known version; ``arrays`` maps archive member names to .npy bytes.

    Checks everything (types, unknown and duplicate keys, references, ``Network.validate``) and raises
    ``FileFormatError`` with every problem; ``arrays`` of None means a bare .json (arrays must be inline).
    Upgrading an older version may modify ``data`` in place.
    """
    net, problems, _ = decode(data, arrays, CURRENT_VERSION)
    return _network(net, problems)


# --- helpers -----------------------------------------------------------------------------------------


def _is_json(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def _limits() -> safe_archive.Limits:
    """The archive limits as this module sets them now (the constants above are the one place to change them)."""
    return safe_archive.Limits(MAX_MEMBERS, MAX_MEMBER_SIZE, MAX_TOTAL_SIZE, MAX_RATIO, RATIO_FLOOR, MAX_JSON_SIZE)


def _network(net: Network | None, problems: list) -> Network:
    """``net``, or a ``FileFormatError`` with every problem found while reading it."""
    if problems:
        raise FileFormatError(problems)
    return net


def _loads(text: str, where: str) -> Network:
    return from_dict(strict_json.parse(text, where))


def _load_archive(path: Path) -> Network:
    with safe_archive.open_zip(path) as zf:
        members = safe_archive.Members(zf, _limits())
        data = strict_json.parse(strict_json.decode_text(members.json_bytes(), JSON_MEMBER), JSON_MEMBER)
        net, problems, used = decode(data, members, CURRENT_VERSION)
        if net is not None:
            problems += members.unreferenced(used)
    return _network(net, problems)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One member's bytes within the current ``MAX_MEMBER_SIZE`` (the bounded reader ``Members`` uses)."""
    return safe_archive.read_member(zf, info, MAX_MEMBER_SIZE)
