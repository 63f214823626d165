"""Reading .snn zips and .npy members safely: the directory is checked first, and no read passes its limits."""

from __future__ import annotations

import io
import re
import stat
import struct
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

from ..errors import FileFormatError
from ..model.params import Problem
from .file_schema import JSON_MEMBER, file_error, member_loc

__all__ = ["Limits", "read_file", "open_zip", "Members", "read_member", "read_member_buffer", "parse_npy", "as_array"]


@dataclass(frozen=True)
class Limits:
    """What keeps a hostile archive from exhausting memory; what ``save`` writes always stays inside it."""

    members: int
    member_size: int
    total_size: int
    ratio: int
    ratio_floor: int  # members this small cannot hurt, whatever their compression ratio
    json_size: int = 64 << 20  # network.json: parsing costs ~10x its size in memory; big arrays go in .npy

    def is_bomb(self, size: int, compressed: int) -> bool:
        """What SpikeStudio 0.1.0 refused by ratio alone: ``save`` stores such members uncompressed, so its files
        stay readable there; reading no longer refuses them."""
        return size > self.ratio_floor and size > self.ratio * compressed


# --- files -------------------------------------------------------------------------------------------


def _os_error(path: Path, exc: OSError) -> FileFormatError:
    if isinstance(exc, FileNotFoundError):
        return file_error(str(path), "no such file")
    return file_error(str(path), f"cannot read the file: {exc.strerror or exc}")


def read_file(path: Path, limit: int = 64 << 20) -> bytes:
    """A bare network.json's bytes, refused beyond ``limit`` (parsing JSON costs ~10x its size in memory)."""
    try:
        info = _regular_file(path)
        if info.st_size > limit:
            raise file_error(str(path), f"{info.st_size:,} bytes is more than the {limit:,} a bare .json network "
                             "may hold; save large arrays in a .snn file")
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise _os_error(path, exc) from None
    if len(data) > limit:
        raise file_error(str(path), f"more than the {limit:,} bytes a bare .json network may hold")
    return data


def _regular_file(path: Path):
    """The file's stat; a FIFO or a device (``/dev/zero``) is refused: reading it would hang or fill memory."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise file_error(str(path), "not a regular file")
    return info


def open_zip(path: Path) -> zipfile.ZipFile:
    try:
        _regular_file(path)
    except OSError as exc:
        raise _os_error(path, exc) from None
    try:
        return zipfile.ZipFile(path)
    except OSError as exc:
        raise _os_error(path, exc) from None
    except (zipfile.BadZipFile, ValueError, EOFError, struct.error):
        raise file_error(str(path), "not a SpikeStudio .snn file (not a zip archive)") from None
    except NotImplementedError as exc:  # e.g. a zip version or feature zipfile does not read
        raise file_error(str(path), f"not a readable zip archive ({exc})") from None


# --- members -----------------------------------------------------------------------------------------


class Members(Mapping):
    """An open archive's members: all checked from the directory at once, each read only when asked for."""

    def __init__(self, zf: zipfile.ZipFile, limits: Limits):
        self.zf, self.limit, self.json_limit = zf, limits.member_size, limits.json_size
        self.infos = _checked_members(zf, limits)
        self.read: dict[str, memoryview] = {}

    def __getitem__(self, name: str) -> memoryview:
        """The member's bytes, read once however many times network.json refers to it (do not write to them)."""
        if name not in self.read:
            self.read[name] = read_member_buffer(self.zf, self.infos[name], self.limit)
        return self.read[name]

    def __contains__(self, name) -> bool:  # Mapping's default would read the member to find out
        return name in self.infos

    def __iter__(self):
        return iter(self.infos)

    def __len__(self) -> int:
        return len(self.infos)

    def json_bytes(self) -> bytes:
        info = self.infos.get(JSON_MEMBER)
        if info is not None and info.file_size > self.json_limit:
            raise file_error(member_loc(JSON_MEMBER), f"{info.file_size:,} bytes is more than the "
                             f"{self.json_limit:,} a network description may hold "
                             f"(large arrays belong in .npy members)")
        try:
            return read_member(self.zf, self.infos[JSON_MEMBER], self.json_limit)
        except ValueError as exc:
            raise file_error(member_loc(JSON_MEMBER), str(exc)) from None

    def unreferenced(self, used: set[str]) -> list[Problem]:
        """Members network.json does not name: content nothing would read, so it is reported, not kept.

        Empty folder entries (``zip -r`` adds ``arrays/``) hold nothing and are not reported."""
        return [Problem(member_loc(name), "not referenced by network.json (unknown content)")
                for name, info in self.infos.items() if name != JSON_MEMBER and name not in used
                and not (info.is_dir() and info.file_size == 0)]


def _checked_members(zf: zipfile.ZipFile, limits: Limits) -> dict[str, zipfile.ZipInfo]:
    """Every structural problem of the archive, found from its directory before any member is read."""
    infos = zf.infolist()
    if len(infos) > limits.members:
        raise file_error("archive", f"{len(infos)} members; a network file has at most {limits.members}")
    counts = Counter(info.filename for info in infos)
    problems, seen, total = [], set(), 0
    for info in infos:
        if info.filename in seen:
            continue
        seen.add(info.filename)
        total += info.file_size
        problems += [Problem(member_loc(info.filename), message)
                     for message in _member_problems(info, counts[info.filename], limits)]
    if total > limits.total_size:
        problems.append(Problem("archive", f"declares {total} bytes in all; the limit is {limits.total_size}"))
    if JSON_MEMBER not in counts:
        problems.append(Problem("archive", f'no "{JSON_MEMBER}" member: not a SpikeStudio network file'))
    if problems:
        raise FileFormatError(problems)
    return {info.filename: info for info in infos}


def _member_problems(info: zipfile.ZipInfo, count: int, limits: Limits) -> list[str]:
    problems = []
    if count > 1:
        problems.append(f"appears {count} times in the archive")
    if _unsafe_name(info.filename):
        problems.append("unsafe member name (absolute path, '..', backslash or drive)")
    if info.flag_bits & 0x1:
        problems.append("encrypted members are not supported")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        problems.append(f"unsupported compression method {info.compress_type} (only stored or deflate)")
    if info.file_size > limits.member_size:  # a bomb is judged by sizes against the limits, not by its ratio:
        # reads never pass the declared size, and constant arrays re-zipped by `zip -9` compress ~1000:1
        problems.append(f"declares {info.file_size} bytes; the limit is {limits.member_size}")
    elif info.file_size > _most_from(info):  # a lie, not a ratio: reading reserves what a member declares
        problems.append(f"declares {info.file_size} bytes, more than its {info.compress_size} stored bytes can hold")
    return problems


_DEFLATE_MAX_RATIO = 1032  # deflate's ceiling (258-byte matches at about two bits each)


def _most_from(info: zipfile.ZipInfo) -> int:
    """The most bytes a member's stored data can expand to."""
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    return _DEFLATE_MAX_RATIO * info.compress_size + 1024


_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_name(name: str) -> bool:
    """Names that would escape a folder if someone extracted the archive (reading never extracts)."""
    parts = name.split("/")
    return (name.startswith("/") or "\\" in name or "\x00" in name or _DRIVE.match(name) is not None
            or any(part in ("..", ".") for part in parts))


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, never more than it declares (or ``limit``), so a lying header cannot blow memory."""
    return bytes(read_member_buffer(zf, info, limit))


def read_member_buffer(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> memoryview:
    """A member's bytes read straight into one buffer: the peak is its size once, not chunks plus their join.

    The buffer is allocated but not touched up front, so a header that overstates the size costs nothing.
    """
    limit = min(info.file_size, limit)
    buffer = np.empty(limit + 1, dtype=np.uint8)
    view, size = memoryview(buffer), 0
    try:
        with zf.open(info) as f:
            while n := f.readinto(view[size:size + min(1 << 20, limit + 1 - size)]):
                size += n
                if size > limit:
                    raise ValueError("holds more data than its header declares (or than the limit allows)")
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error) as exc:
        raise ValueError(f"cannot be read: {exc}") from None
    return view[:size]


# --- arrays ------------------------------------------------------------------------------------------

_NPY_HEADER_MAX = 1 << 17  # magic, length and header text: numpy itself refuses headers above 10,000 bytes


def parse_npy(data: bytes | memoryview) -> np.ndarray:
    """A 1-D numeric array viewing .npy bytes (no copy); the header is checked before any data is touched.

    Unlike ``np.load`` this never unpickles, never opens an .npz, and never allocates what a lying shape claims.
    """
    data = memoryview(data).cast("B")
    fp = io.BytesIO(data[:_NPY_HEADER_MAX])
    try:
        version = npy_format.read_magic(fp)
        read_header = {(1, 0): npy_format.read_array_header_1_0, (2, 0): npy_format.read_array_header_2_0}[version]
        with warnings.catch_warnings():  # numpy warns about Python 2 headers it repairs
            warnings.simplefilter("ignore")
            shape, _, dtype = read_header(fp)
    except Exception:  # numpy's header parser raises many kinds (even tokenize errors) on garbage
        raise ValueError("is not a valid .npy array") from None
    if dtype.hasobject:
        raise ValueError("holds Python objects; only numeric arrays are read (a file never runs code)")
    if dtype.kind not in "iuf" or dtype.fields is not None or dtype.subdtype is not None:
        raise ValueError(f"holds {dtype} data; only numeric arrays are allowed")
    if len(shape) != 1:
        raise ValueError(f"has shape {shape}; expected a 1-D array")
    offset = fp.tell()
    if shape[0] * dtype.itemsize != data.nbytes - offset:
        raise ValueError("is truncated or has extra bytes (its size does not match its header)")
    return np.frombuffer(data, dtype=dtype, count=shape[0], offset=offset)


def as_array(array: np.ndarray, integer: bool) -> np.ndarray:
    """The array as aligned int64 or float64 (no copy when it already is), refusing what the conversion would
    silently change."""
    array = np.asarray(array)
    if not array.flags.aligned:  # an .npy header of odd length leaves the data unaligned for compiled kernels
        array = array.copy()
    if array.dtype.kind not in ("iu" if integer else "iuf") or array.ndim != 1:
        kind = "whole numbers" if integer else "numbers"
        raise ValueError(f"holds {array.dtype} data of shape {array.shape}; expected a 1-D array of {kind}")
    if integer:
        if array.dtype.kind == "u" and array.size and array.max() > np.iinfo(np.int64).max:
            raise ValueError("holds whole numbers too large for 64 bits")
        return array.astype(np.int64, copy=False)
    array = array.astype(np.float64, copy=False)
    if not np.all(np.isfinite(array)):
        raise ValueError("holds NaN or infinite values")
    return array
