"""Writing network files: .snn zips that are the same bytes for the same network, each file replaced atomically
(``atomic_write`` lives in ``atomic_file`` and is re-exported here for its older callers)."""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import BinaryIO

import numpy as np
from numpy.lib import format as npy_format

from ..model.network import Network
from ..model.params import Problem, ValidationError
from .atomic_file import atomic_write
from .file_schema import JSON_MEMBER
from .file_writer import network_dict
from .safe_archive import Limits
from .strict_json import to_text

__all__ = ["archive_parts", "write_zip", "atomic_write"]

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def archive_parts(net: Network, version: int, limits: Limits) -> tuple[str, list[tuple[str, bytes]]]:
    """network.json text plus the .npy members it names, numbered in document order (never from ids)."""
    arrays: list[tuple[str, np.ndarray, str]] = []

    def write_array(array: np.ndarray, location: str) -> dict:
        name = f"arrays/{len(arrays)}.npy"
        arrays.append((name, array, location))
        return {"npy": name}

    text = to_text(network_dict(net, write_array, version))
    members, problems, total = [], [], len(text.encode("utf-8"))
    for name, array, location in arrays:
        data = _npy_bytes(array)
        total += len(data)
        if len(data) > limits.member_size or total > limits.total_size:
            problems.append(Problem(location, f"too large for a .snn file ({len(data)} bytes; limits: "
                                              f"{limits.member_size} per array, {limits.total_size} in all)"))
        members.append((name, data))
    if problems:
        raise ValidationError(problems)
    return text, members


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    npy_format.write_array(buffer, array, version=(1, 0), allow_pickle=False)
    return buffer.getvalue()


def write_zip(f: BinaryIO, text: str, members: list[tuple[str, bytes]], limits: Limits) -> None:
    """Deterministic zip: fixed dates, permissions and order, so the same network gives the same bytes."""
    with zipfile.ZipFile(f, "w") as zf:
        for name, data in [(JSON_MEMBER, text.encode("utf-8")), *members]:
            zf.writestr(_zip_info(name, _compression(data, limits)), data)


def _zip_info(name: str, compress_type: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = compress_type
    info.create_system = 3  # Unix, on every platform, so the bytes do not depend on where the file was saved
    info.external_attr = 0o100644 << 16
    return info


def _compression(data: bytes, limits: Limits) -> int:
    """DEFLATE, unless the data compresses so well that SpikeStudio 0.1.0 would take it for a zip bomb."""
    if len(data) > limits.ratio_floor:
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        if limits.is_bomb(len(data), len(packer.compress(data)) + len(packer.flush())):
            return zipfile.ZIP_STORED
    return zipfile.ZIP_DEFLATED
