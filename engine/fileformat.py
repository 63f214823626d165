"""Network files: ``.snn`` (zip of network.json and .npy arrays) or bare ``.json``, written exactly, read strictly."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import secrets
import struct
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Mapping
from numbers import Integral, Real
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.lib import format as npy_format

from . import migrations
from .catalog import CONNECTIVITY_RULES, CURRENT_WAVEFORMS, DISTRIBUTION_KINDS, NEURON_MODELS
from .errors import FileFormatError
from .network import (
    CurrentInput,
    Distribution,
    Metadata,
    Network,
    NodeLayout,
    Plasticity,
    PoissonInput,
    Population,
    Projection,
    Recorder,
    SpikeTimesInput,
    Synapse,
)
from .params import ParamSpec, Problem, ValidationError, fill_params

__all__ = ["FORMAT", "CURRENT_VERSION", "save", "load", "dumps", "loads", "to_dict", "from_dict"]

FORMAT = "spikestudio.network"
CURRENT_VERSION = 1

JSON_MEMBER = "network.json"
# Limits that keep a hostile archive from exhausting memory; what save writes always stays inside them.
MAX_MEMBERS = 10_000
MAX_MEMBER_SIZE = 1 << 30
MAX_TOTAL_SIZE = 2 << 30
MAX_RATIO = 200
RATIO_FLOOR = 1 << 20  # members this small cannot hurt, whatever their compression ratio

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_TOP_LEVEL = ("format", "version", "metadata", "settings", "populations", "inputs", "projections", "recorders",
              "layout")
_KEYED = ("populations", "inputs", "projections", "recorders", "layout")
_METADATA = ("title", "author", "description", "license")
_INPUT_TYPES = {PoissonInput: "poisson", SpikeTimesInput: "spike_times", CurrentInput: "current"}
_MISSING = object()

ArrayWriter = Callable[[np.ndarray, str], object]


# --- public API --------------------------------------------------------------------------------------


def save(net: Network, path: str | os.PathLike) -> None:
    """Write ``net`` to ``path`` (``.json``: one JSON text; anything else: a ``.snn`` zip), atomically.

    The network is validated first, so a saved file always loads; on any error the old file is untouched.
    """
    path = Path(path)
    problems = net.validate() + _extra_problems(net)
    if problems:
        raise ValidationError(problems)
    if _is_json(path):
        data = dumps(net).encode("utf-8")
        _atomic_write(path, lambda f: f.write(data))
    else:
        text, members = _archive_parts(net)
        _atomic_write(path, lambda f: _write_zip(f, text, members))


def load(path: str | os.PathLike) -> Network:
    """Read a ``.snn`` or ``.json`` network file; raises ``FileFormatError`` listing every problem found."""
    path = Path(path)
    if _is_json(path):
        return _loads(_decode_text(_read_file(path), path.name), path.name)
    return _load_archive(path)


def dumps(net: Network) -> str:
    """The network.json text of ``net`` with arrays inline as lists (no validation: ``save`` validates)."""
    return _json_text(to_dict(net))


def loads(text: str) -> Network:
    """A network from network.json text (arrays inline); raises ``FileFormatError`` listing every problem."""
    return _loads(text, JSON_MEMBER)


def to_dict(net: Network, array_writer: ArrayWriter | None = None) -> dict:
    """``net`` as plain JSON data in file order; ``array_writer(array, location)`` gives each array's JSON value.

    The default writes arrays as lists. Raises ``ValidationError`` for values JSON cannot hold (NaN, inf,
    non-numbers); it does not run the full validation (``save`` does).
    """
    w = _Writer(array_writer or _inline)
    data = {
        "format": FORMAT,
        "version": CURRENT_VERSION,
        "metadata": {name: w.text(getattr(net.metadata, name), f"metadata.{name}") for name in _METADATA},
        "settings": {"dt": w.number(net.dt, "settings.dt"), "duration": w.number(net.duration, "settings.duration"),
                     "seed": w.integer(net.seed, "settings.seed")},
        "populations": w.section(net.populations, "populations", w.population),
        "inputs": w.section(net.inputs, "inputs", w.input),
        "projections": w.section(net.projections, "projections", w.projection),
        "recorders": w.section(net.recorders, "recorders", w.recorder),
        "layout": w.section(net.layout, "layout", w.layout),
    }
    if w.problems:
        raise ValidationError(w.problems)
    return data


def from_dict(data: dict, arrays: Mapping[str, bytes | np.ndarray] | None = None) -> Network:
    """A network from file data of any known version; ``arrays`` maps archive member names to .npy bytes.

    Checks everything (types, unknown and duplicate keys, references, ``Network.validate``) and raises
    ``FileFormatError`` with every problem; ``arrays`` of None means a bare .json (arrays must be inline).
    Upgrading an older version may modify ``data`` in place.
    """
    net, problems, _ = _decode(data, arrays)
    if problems:
        raise FileFormatError(problems)
    return net


# --- writing -----------------------------------------------------------------------------------------


def _inline(array: np.ndarray, location: str) -> list:
    return array.tolist()


def _json_text(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


class _Writer:
    """Turns dataclasses into JSON values, collecting values JSON cannot hold instead of writing them wrong."""

    def __init__(self, array_writer: ArrayWriter):
        self.array_writer = array_writer
        self.problems: list[Problem] = []

    def fail(self, loc: str, message: str):
        self.problems.append(Problem(loc, message))

    def section(self, items: dict, name: str, write: Callable) -> dict:
        """Items keyed by id; ids become JSON keys, so they must be text."""
        out = {}
        for key, item in items.items():
            loc = f'{name}["{key}"]'
            out[self.text(key, loc) or key] = write(item, loc)
        return out

    def text(self, value, loc: str) -> str:
        if not isinstance(value, str):
            self.fail(loc, f"expected a string, got {value!r}")
            return ""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail(loc, "text cannot be written as UTF-8 (it holds a lone surrogate)")
        return value

    def number(self, value, loc: str) -> float:
        if isinstance(value, bool) or not isinstance(value, Real):
            self.fail(loc, f"expected a number, got {value!r}")
            return 0.0
        try:
            value = float(value)
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            self.fail(loc, f"expected a finite number, got {value!r} (files hold finite numbers only)")
        return value

    def integer(self, value, loc: str) -> int:
        if isinstance(value, Integral) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        self.fail(loc, f"expected a whole number, got {value!r}")
        return 0

    def params(self, specs: dict[str, ParamSpec] | None, params: dict, loc: str) -> dict:
        """Catalog parameters in catalog order, integers as ints; unknown catalogs keep what they have."""
        if specs is None:
            return {k: self.integer(v, f"{loc}.{k}") if isinstance(v, Integral) and not isinstance(v, bool)
                    else self.number(v, f"{loc}.{k}") for k, v in params.items()}
        filled = fill_params(specs, params)
        return {k: (self.integer if specs[k].integer else self.number)(v, f"{loc}.{k}") for k, v in filled.items()}

    def distribution(self, dist, loc: str) -> dict | None:
        names = DISTRIBUTION_KINDS.get(getattr(dist, "kind", None))
        if not isinstance(dist, Distribution) or names is None:
            self.fail(loc, f"expected a distribution of a known kind, got {dist!r}")
            return None
        out = {"kind": dist.kind}
        out.update({name: self.number(getattr(dist, name), f"{loc}.{name}") for name in names})
        for bound in ("min", "max"):
            value = getattr(dist, bound)
            out[bound] = None if value is None else self.number(value, f"{loc}.{bound}")
        return out

    def array(self, value, loc: str, integer: bool):
        """Arrays go out as little-endian int64/float64 so the bytes do not depend on the machine."""
        if value is None:
            return None
        value = np.asarray(value)
        if value.dtype.kind not in ("iu" if integer else "iuf"):
            self.fail(loc, f"expected an array of {'whole numbers' if integer else 'numbers'}, got {value.dtype}")
            return None
        array = np.ascontiguousarray(value.ravel(), dtype="<i8" if integer else "<f8")
        if not integer and not np.all(np.isfinite(array)):
            self.fail(loc, "holds NaN or infinite values (files hold finite numbers only)")
            return None
        return self.array_writer(array, loc)

    def grid(self, grid, loc: str):
        return None if grid is None else [self.integer(g, f"{loc}[{i}]") for i, g in enumerate(grid)]

    def plain(self, value, loc: str):
        """A plugin parameter: a number (int or float kept as given), a string or true/false."""
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, Integral):
            return int(value)
        if isinstance(value, str):
            return self.text(value, loc)
        return self.number(value, loc)

    def population(self, pop: Population, loc: str) -> dict:
        model = NEURON_MODELS.get(pop.model)
        return {
            "name": self.text(pop.name, f"{loc}.name"),
            "size": self.integer(pop.size, f"{loc}.size"),
            "model": self.text(pop.model, f"{loc}.model"),
            "params": self.params(model.params if model else None, pop.params, f"{loc}.params"),
            "initial": {var: self.distribution(d, f"{loc}.initial.{var}") for var, d in pop.initial.items()},
            "grid": self.grid(pop.grid, f"{loc}.grid"),
        }

    def input(self, item, loc: str) -> dict | None:
        kind = _INPUT_TYPES.get(type(item))
        if kind is None:
            self.fail(loc, f"unknown input type {type(item).__name__}")
            return None
        out = {"type": kind, "name": self.text(item.name, f"{loc}.name")}
        if isinstance(item, CurrentInput):
            out["target"] = self.text(item.target, f"{loc}.target")
            out["waveform"] = self.text(item.waveform, f"{loc}.waveform")
            out["params"] = self.params(CURRENT_WAVEFORMS.get(item.waveform), item.params, f"{loc}.params")
            return out
        out["size"] = self.integer(item.size, f"{loc}.size")
        if isinstance(item, PoissonInput):
            out["rate"] = self.number(item.rate, f"{loc}.rate")
            out["rates"] = self.array(item.rates, f"{loc}.rates", integer=False)
            out["grid"] = self.grid(item.grid, f"{loc}.grid")
        else:
            out["neurons"] = self.array(item.neurons, f"{loc}.neurons", integer=True)
            out["times"] = self.array(item.times, f"{loc}.times", integer=False)
        return out

    def projection(self, proj: Projection, loc: str) -> dict:
        syn, plast = proj.synapse, proj.plasticity
        return {
            "name": self.text(proj.name, f"{loc}.name"),
            "source": self.text(proj.source, f"{loc}.source"),
            "target": self.text(proj.target, f"{loc}.target"),
            "rule": self.text(proj.rule, f"{loc}.rule"),
            "rule_params": self.params(CONNECTIVITY_RULES.get(proj.rule), proj.rule_params, f"{loc}.rule_params"),
            "weight": self.distribution(proj.weight, f"{loc}.weight"),
            "delay": self.distribution(proj.delay, f"{loc}.delay"),
            "synapse": {"kind": self.text(syn.kind, f"{loc}.synapse.kind"),
                        "receptor": self.text(syn.receptor, f"{loc}.synapse.receptor"),
                        "tau": self.number(syn.tau, f"{loc}.synapse.tau"),
                        "E_rev": self.number(syn.E_rev, f"{loc}.synapse.E_rev")},
            "allow_autapses": bool(proj.allow_autapses),
            "plasticity": None if plast is None else {
                "rule": self.text(plast.rule, f"{loc}.plasticity.rule"),
                "params": {k: self.plain(v, f"{loc}.plasticity.params.{k}") for k, v in plast.params.items()}},
            "pre": self.array(proj.pre, f"{loc}.pre", integer=True),
            "post": self.array(proj.post, f"{loc}.post", integer=True),
            "weights": self.array(proj.weights, f"{loc}.weights", integer=False),
            "delays": self.array(proj.delays, f"{loc}.delays", integer=False),
        }

    def recorder(self, rec: Recorder, loc: str) -> dict:
        return {
            "name": self.text(rec.name, f"{loc}.name"),
            "kind": self.text(rec.kind, f"{loc}.kind"),
            "target": self.text(rec.target, f"{loc}.target"),
            "variable": self.text(rec.variable, f"{loc}.variable"),
            "neurons": [self.integer(i, f"{loc}.neurons[{n}]") for n, i in enumerate(rec.neurons)],
            "interval": self.number(rec.interval, f"{loc}.interval"),
            "bin": self.number(rec.bin, f"{loc}.bin"),
        }

    def layout(self, node: NodeLayout, loc: str) -> dict:
        return {"x": self.number(node.x, f"{loc}.x"), "y": self.number(node.y, f"{loc}.y"),
                "color": self.text(node.color, f"{loc}.color")}


def _archive_parts(net: Network) -> tuple[str, list[tuple[str, bytes]]]:
    """network.json text plus the .npy members it names, numbered in document order (never from ids)."""
    arrays: list[tuple[str, np.ndarray, str]] = []

    def write_array(array: np.ndarray, location: str) -> dict:
        name = f"arrays/{len(arrays)}.npy"
        arrays.append((name, array, location))
        return {"npy": name}

    text = _json_text(to_dict(net, write_array))
    members, problems, total = [], [], len(text.encode("utf-8"))
    for name, array, location in arrays:
        data = _npy_bytes(array)
        total += len(data)
        if len(data) > MAX_MEMBER_SIZE or total > MAX_TOTAL_SIZE:
            problems.append(Problem(location, f"too large for a .snn file ({len(data)} bytes; limits: "
                                              f"{MAX_MEMBER_SIZE} per array, {MAX_TOTAL_SIZE} in all)"))
        members.append((name, data))
    if problems:
        raise ValidationError(problems)
    return text, members


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    npy_format.write_array(buffer, array, version=(1, 0), allow_pickle=False)
    return buffer.getvalue()


def _write_zip(f: BinaryIO, text: str, members: list[tuple[str, bytes]]) -> None:
    """Deterministic zip: fixed dates, permissions and order, so the same network gives the same bytes."""
    with zipfile.ZipFile(f, "w") as zf:
        for name, data in [(JSON_MEMBER, text.encode("utf-8")), *members]:
            zf.writestr(_zip_info(name, _compression(data)), data)


def _zip_info(name: str, compress_type: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = compress_type
    info.create_system = 3  # Unix, on every platform, so the bytes do not depend on where the file was saved
    info.external_attr = 0o100644 << 16
    return info


def _compression(data: bytes) -> int:
    """DEFLATE, unless the data compresses so well that the loader would take it for a zip bomb."""
    if len(data) > RATIO_FLOOR:
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        if _is_bomb(len(data), len(packer.compress(data)) + len(packer.flush())):
            return zipfile.ZIP_STORED
    return zipfile.ZIP_DEFLATED


def _is_bomb(size: int, compressed: int) -> bool:
    return size > RATIO_FLOOR and size > MAX_RATIO * compressed


def _atomic_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a temporary file beside ``path`` and rename it over, so readers never see half a file."""
    mode = path.stat().st_mode & 0o7777 if path.is_file() else None
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# --- reading: files and archives ---------------------------------------------------------------------


def _is_json(path: Path) -> bool:
    return path.suffix.lower() == ".json"


def _file_error(path: Path, message: str) -> FileFormatError:
    return FileFormatError([Problem(str(path), message)])


def _os_error(path: Path, exc: OSError) -> FileFormatError:
    if isinstance(exc, FileNotFoundError):
        return _file_error(path, "no such file")
    return _file_error(path, f"cannot read the file: {exc.strerror or exc}")


def _read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _os_error(path, exc) from None


def _decode_text(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileFormatError([Problem(where, f"not UTF-8 text (invalid byte at offset {exc.start})")]) from None


def _loads(text: str, where: str) -> Network:
    net, problems, _ = _decode(_parse_json(text, where), None)
    if problems:
        raise FileFormatError(problems)
    return net


def _load_archive(path: Path) -> Network:
    try:
        zf = zipfile.ZipFile(path)
    except OSError as exc:
        raise _os_error(path, exc) from None
    except (zipfile.BadZipFile, ValueError, EOFError, struct.error):
        raise _file_error(path, "not a SpikeStudio .snn file (not a zip archive)") from None
    except NotImplementedError as exc:  # e.g. a zip version or feature zipfile does not read
        raise _file_error(path, f"not a readable zip archive ({exc})") from None
    with zf:
        infos = _checked_members(zf)
        try:
            data = _read_member(zf, infos[JSON_MEMBER])
        except ValueError as exc:
            raise FileFormatError([Problem(_member_loc(JSON_MEMBER), str(exc))]) from None
        members = _Members(zf, infos)
        net, problems, used = _decode(_parse_json(_decode_text(data, JSON_MEMBER), JSON_MEMBER), members)
        if net is not None:
            problems += [Problem(_member_loc(name), "not referenced by network.json (unknown content)")
                         for name in infos if name != JSON_MEMBER and name not in used]
    if problems:
        raise FileFormatError(problems)
    return net


def _member_loc(name: str) -> str:
    return f'archive["{name}"]'


def _checked_members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Every structural problem of the archive, found from its directory before any member is read."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise FileFormatError([Problem("archive", f"{len(infos)} members; a network file has at most {MAX_MEMBERS}")])
    counts = Counter(info.filename for info in infos)
    problems, seen, total = [], set(), 0
    for info in infos:
        name, loc = info.filename, _member_loc(info.filename)
        if name in seen:
            continue
        seen.add(name)
        total += info.file_size
        if counts[name] > 1:
            problems.append(Problem(loc, f"appears {counts[name]} times in the archive"))
        if _unsafe_name(name):
            problems.append(Problem(loc, "unsafe member name (absolute path, '..', backslash or drive)"))
        if info.flag_bits & 0x1:
            problems.append(Problem(loc, "encrypted members are not supported"))
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problems.append(Problem(loc, f"unsupported compression method {info.compress_type} (only stored or "
                                         f"deflate)"))
        if info.file_size > MAX_MEMBER_SIZE:
            problems.append(Problem(loc, f"declares {info.file_size} bytes; the limit is {MAX_MEMBER_SIZE}"))
        elif _is_bomb(info.file_size, info.compress_size):
            problems.append(Problem(loc, f"compression ratio above {MAX_RATIO} ({info.file_size} bytes from "
                                         f"{info.compress_size}): refused as a possible zip bomb"))
    if total > MAX_TOTAL_SIZE:
        problems.append(Problem("archive", f"declares {total} bytes in all; the limit is {MAX_TOTAL_SIZE}"))
    if JSON_MEMBER not in counts:
        problems.append(Problem("archive", f'no "{JSON_MEMBER}" member: not a SpikeStudio network file'))
    if problems:
        raise FileFormatError(problems)
    return {info.filename: info for info in infos}


_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_name(name: str) -> bool:
    """Names that would escape a folder if someone extracted the archive (reading never extracts)."""
    parts = name.split("/")
    return (name.startswith("/") or "\\" in name or "\x00" in name or _DRIVE.match(name) is not None
            or any(part in ("..", ".") for part in parts))


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than it declares (or the limit), so a lying header cannot blow memory."""
    limit = min(info.file_size, MAX_MEMBER_SIZE)
    chunks, size = [], 0
    try:
        with zf.open(info) as f:
            while chunk := f.read(min(1 << 20, limit + 1 - size)):
                size += len(chunk)
                chunks.append(chunk)
                if size > limit:
                    raise ValueError("holds more data than its header declares (or than the limit allows)")
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, zlib.error) as exc:
        raise ValueError(f"cannot be read: {exc}") from None
    return b"".join(chunks)


class _Members(Mapping):
    """Archive members read only when network.json refers to them."""

    def __init__(self, zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo]):
        self.zf, self.infos = zf, infos

    def __getitem__(self, name: str) -> bytes:
        return _read_member(self.zf, self.infos[name])

    def __contains__(self, name) -> bool:  # Mapping's default would read the member to find out
        return name in self.infos

    def __iter__(self):
        return iter(self.infos)

    def __len__(self) -> int:
        return len(self.infos)


def _parse_npy(data: bytes) -> np.ndarray:
    """A 1-D numeric array from .npy bytes; the header is checked before any data is touched.

    Unlike ``np.load`` this never unpickles, never opens an .npz, and never allocates what a lying shape claims.
    """
    fp = io.BytesIO(data)
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
    if shape[0] * dtype.itemsize != len(data) - offset:
        raise ValueError("is truncated or has extra bytes (its size does not match its header)")
    return np.frombuffer(data, dtype=dtype, count=shape[0], offset=offset)


def _as_array(array: np.ndarray, integer: bool) -> np.ndarray:
    """The array as int64 or float64, refusing what the conversion would silently change."""
    array = np.asarray(array)
    if array.dtype.kind not in ("iu" if integer else "iuf") or array.ndim != 1:
        kind = "whole numbers" if integer else "numbers"
        raise ValueError(f"holds {array.dtype} data of shape {array.shape}; expected a 1-D array of {kind}")
    if integer:
        if array.dtype.kind == "u" and array.size and array.max() > np.iinfo(np.int64).max:
            raise ValueError("holds whole numbers too large for 64 bits")
        return array.astype(np.int64)
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        raise ValueError("holds NaN or infinite values")
    return array


# --- reading: JSON -----------------------------------------------------------------------------------


class _Object(dict):
    """A JSON object that remembers keys given twice (``json`` alone silently keeps the last)."""

    duplicates: tuple = ()


def _object(pairs: list[tuple[str, object]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        obj.duplicates = tuple(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)
    return obj


class _NonFinite:
    """A JSON number no finite float can hold (NaN, Infinity, 1e999), kept as text so it can be reported."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _parse_float(text: str):
    value = float(text)
    return value if math.isfinite(value) else _NonFinite(text)


def _parse_json(text: str, where: str):
    try:
        return json.loads(text, object_pairs_hook=_object, parse_float=_parse_float, parse_constant=_NonFinite)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    except RecursionError:
        message = "not valid JSON: nested too deeply"
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        message = f"not valid JSON: {exc}"
    raise FileFormatError([Problem(where, message)])


def _child(loc: str, key: str) -> str:
    if not loc:
        return key
    return f'{loc}["{key}"]' if loc in _KEYED else f"{loc}.{key}"


def _describe(value) -> str:
    """A JSON value as the user wrote it, for messages like ``expected a number, got "abc"``."""
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 40 else value[:40] + "...", ensure_ascii=False)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:40] + "..."


def _duplicate_problems(data) -> list[Problem]:
    """Keys given twice anywhere in the document, in document order (iterative: depth cannot overflow)."""
    problems, stack = [], [(data, "")]
    while stack:
        value, loc = stack.pop()
        children = []
        if isinstance(value, dict):
            problems += [Problem(_child(loc, k), "duplicate key (only the last would be kept)")
                         for k in getattr(value, "duplicates", ())]
            children = [(v, _child(loc, k)) for k, v in value.items() if isinstance(v, (dict, list))]
        elif isinstance(value, list):
            children = [(v, f"{loc}[{i}]") for i, v in enumerate(value) if isinstance(v, (dict, list))]
        stack.extend(reversed(children))
    return problems


def _header_problems(data) -> list[Problem]:
    if not isinstance(data, dict):
        return [Problem(JSON_MEMBER, f'expected a JSON object with "format": "{FORMAT}", got {_describe(data)}')]
    fmt, version = data.get("format", _MISSING), data.get("version", _MISSING)
    if fmt is _MISSING:
        return [Problem("format", f'missing: not a SpikeStudio network file (expected "format": "{FORMAT}")')]
    if fmt != FORMAT:
        return [Problem("format", f'expected "{FORMAT}", got {_describe(fmt)}: not a SpikeStudio network file')]
    if version is _MISSING:
        return [Problem("version", "missing (expected a whole number, such as 1)")]
    if type(version) is not int:
        return [Problem("version", f"expected a whole number, got {_describe(version)}")]
    if version < 1:
        return [Problem("version", f"{version} is not a file version (versions start at 1)")]
    return []


def _decode(data, arrays) -> tuple[Network | None, list[Problem], set[str]]:
    """The network (None when the header is wrong), every problem, and the archive members used."""
    problems = _header_problems(data)
    if problems:
        return None, problems, set()
    problems = _duplicate_problems(data)
    try:
        data = migrations.migrate(data, CURRENT_VERSION)
    except FileFormatError as exc:
        return None, problems + exc.problems, set()
    reader = _Reader(arrays)
    net = reader.network(data)
    problems += reader.problems + _extra_problems(net)
    problems += _without_follow_on(net.validate(), reader, net)
    return net, list(dict.fromkeys(problems)), reader.used


def _extra_problems(net: Network) -> list[Problem]:
    """What a file needs beyond ``validate()``: layout entries only for real items."""
    ids = net.all_ids()
    return [Problem(f'layout["{key}"]', f'refers to "{key}", which does not exist') for key in net.layout if key not in ids]


def _without_follow_on(problems: list[Problem], reader: _Reader, net: Network) -> list[Problem]:
    """``validate()`` problems minus those that only follow from a replaced value (a bad size, a bad dt).

    A problem at or under a replaced location is a duplicate; a replaced size, model, rule or reference makes
    the whole item, and items that refer to it, unreliable to check.
    """
    bad = set(reader.bad)
    bad_nodes = {key for section, key in bad if section in ("populations", "inputs")}
    bad_settings = ("settings", "") in bad
    for key, proj in net.projections.items():
        if proj.source in bad_nodes or proj.target in bad_nodes:
            bad.add(("projections", key))
    for key, rec in net.recorders.items():
        if rec.target in bad_nodes or bad_settings:
            bad.add(("recorders", key))
    for key, item in net.inputs.items():
        if isinstance(item, CurrentInput) and item.target in bad_nodes:
            bad.add(("inputs", key))
    prefixes = tuple(f'{section}["{key}"]' for section, key in bad if section != "settings")
    prefixes += ("settings",) if bad_settings else ()
    replaced = tuple(reader.replaced)

    def follows(loc: str) -> bool:
        return loc.startswith(prefixes) or any(loc == r or loc.startswith((r + ".", r + "[")) for r in replaced)

    return [p for p in map(_file_location, problems) if not follows(p.location)]


def _file_location(problem: Problem) -> Problem:
    """validate() calls the settings ``network.dt``; the file calls them ``settings.dt``."""
    if problem.location.startswith("network."):
        return Problem("settings." + problem.location.removeprefix("network."), problem.message)
    return problem


# Fields other checks depend on: when one is replaced, the item's (and its dependents') validate problems are moot.
_STRUCTURAL = {"", "size", "model", "grid", "type", "rule", "waveform", "kind", "source", "target", "dt"}


def _field(loc: str, item_loc: str) -> str:
    """The first field name of ``loc`` below ``item_loc`` ("" for the item itself)."""
    return re.match(r"[.]?([^.\[]*)", loc[len(item_loc):]).group(1)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class _Fields(dict):
    def __missing__(self, key):
        return _MISSING


class _Reader:
    """Turns checked JSON into dataclasses, collecting every problem with its location instead of stopping.

    A bad value is replaced by a harmless default; ``replaced`` and ``bad`` (items whose size, model, rule...
    were replaced) let ``_without_follow_on`` drop validate() problems that only follow from the replacement.
    """

    def __init__(self, arrays: Mapping | None):
        self.arrays = arrays
        self.problems: list[Problem] = []
        self.used: set[str] = set()
        self.replaced: list[str] = []
        self.bad: set[tuple[str, str]] = set()
        self.item: tuple[str, str] | None = None
        self.item_loc = ""

    def report(self, loc: str, message: str, replaced: bool = True):
        """Record a problem; ``replaced`` means a default now stands in for the value at ``loc``."""
        self.problems.append(Problem(loc, message))
        if replaced:
            self.replaced.append(loc)
            if self.item is not None and _field(loc, self.item_loc) in _STRUCTURAL:
                self.bad.add(self.item)

    # --- shapes ---
    def fields(self, value, loc: str, names) -> _Fields | None:
        """``value`` as an object with exactly ``names``; missing and unknown keys are problems."""
        if not isinstance(value, dict):
            if value is not _MISSING:
                self.report(loc, f"expected an object, got {_describe(value)}")
            return None
        for name in names:
            if name not in value:
                self.report(_child(loc, name), "missing")
        for key in value:
            if key not in names:
                self.report(_child(loc, key), f"unknown field (expected: {', '.join(names)})", replaced=False)
        return _Fields(value)

    def mapping(self, value, loc: str) -> dict:
        if isinstance(value, dict):
            return value
        if value is not _MISSING:
            self.report(loc, f"expected an object, got {_describe(value)}")
        return {}

    def read_all(self, d: _Fields, loc: str, readers: dict) -> dict:
        return {name: read(d[name], _child(loc, name)) for name, read in readers.items()}

    # --- values ---
    def text(self, value, loc: str) -> str:
        if isinstance(value, str):
            if _encodable(value):
                return value
            self.report(loc, "not valid text (holds a lone surrogate, which cannot be saved again)")
            return ""
        if value is not _MISSING:
            self.report(loc, f"expected a string, got {_describe(value)}")
        return ""

    def number(self, value, loc: str) -> float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                number = float(value)
            except OverflowError:
                number = math.inf
            if math.isfinite(number):
                return number
        if value is not _MISSING:
            finite = "a finite" if isinstance(value, (_NonFinite, int, float)) else "a"
            self.report(loc, f"expected {finite} number, got {_describe(value)}")
        return 1.0

    def optional_number(self, value, loc: str) -> float | None:
        return None if value is None or value is _MISSING else self.number(value, loc)

    def integer(self, value, loc: str) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value is not _MISSING:
            self.report(loc, f"expected a whole number, got {_describe(value)}")
        return 1

    def boolean(self, value, loc: str) -> bool:
        if isinstance(value, bool):
            return value
        if value is not _MISSING:
            self.report(loc, f"expected true or false, got {_describe(value)}")
        return False

    def plain(self, value, loc: str):
        """A plugin parameter: a number, a string or true/false, kept as written (an int stays an int)."""
        if isinstance(value, str):
            return self.text(value, loc)
        if isinstance(value, (bool, int)) or (isinstance(value, float) and math.isfinite(value)):
            return value
        self.report(loc, f"expected a finite number, a string or true/false, got {_describe(value)}")
        return 0

    def grid(self, value, loc: str):
        if value is None or value is _MISSING:
            return None
        if isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value):
            return tuple(value)
        self.report(loc, f"expected [rows, columns] of whole numbers or null, got {_describe(value)}")
        return None

    def indices(self, value, loc: str) -> list[int]:
        if isinstance(value, list) and all(type(v) is int for v in value):
            return value
        if value is not _MISSING:
            self.report(loc, f"expected a list of whole numbers, got {_describe(value)}")
        return [0]

    def params(self, value, loc: str, specs: dict[str, ParamSpec] | None) -> dict:
        """Numbers by name; a known catalog also makes missing and unknown names problems."""
        given = self.mapping(value, loc)
        if specs is None:
            return {name: self.number(v, f"{loc}.{name}") for name, v in given.items()}
        out = {}
        for name in specs:
            if name not in given and isinstance(value, dict):
                self.report(f"{loc}.{name}", "missing")
        for name, v in given.items():
            spec = specs.get(name)
            if spec is None:
                known = ", ".join(specs) or "none"
                self.report(f"{loc}.{name}", f"unknown parameter (known: {known})", replaced=False)
            else:
                out[name] = (self.integer if spec.integer else self.number)(v, f"{loc}.{name}")
        return out

    def distribution(self, value, loc: str) -> Distribution:
        if not isinstance(value, dict):
            if value is not _MISSING:
                self.report(loc, f"expected a distribution object, got {_describe(value)}")
            return Distribution()
        kind = value.get("kind", _MISSING)
        names = DISTRIBUTION_KINDS.get(kind) if isinstance(kind, str) else None
        if names is None:
            known = ", ".join(DISTRIBUTION_KINDS)
            self.report(f"{loc}.kind", "missing" if kind is _MISSING else
                        f"unknown distribution {_describe(kind)} (known: {known})")
            return Distribution()
        d = self.fields(value, loc, ("kind", *names, "min", "max"))
        args = {name: self.number(d[name], f"{loc}.{name}") for name in names}
        bounds = {name: self.optional_number(d[name], f"{loc}.{name}") for name in ("min", "max")}
        return Distribution(kind, **args, **bounds)

    def initial(self, value, loc: str) -> dict:
        return {var: self.distribution(v, f"{loc}.{var}") for var, v in self.mapping(value, loc).items()}

    def synapse(self, value, loc: str) -> Synapse:
        d = self.fields(value, loc, ("kind", "receptor", "tau", "E_rev")) or _Fields()
        return Synapse(self.text(d["kind"], f"{loc}.kind"), self.text(d["receptor"], f"{loc}.receptor"),
                       self.number(d["tau"], f"{loc}.tau"), self.number(d["E_rev"], f"{loc}.E_rev"))

    def plasticity(self, value, loc: str) -> Plasticity | None:
        if value is None or value is _MISSING:
            return None
        d = self.fields(value, loc, ("rule", "params"))
        if d is None:
            return None
        params = {k: self.plain(v, f"{loc}.params.{k}") for k, v in self.mapping(d["params"], f"{loc}.params").items()}
        return Plasticity(self.text(d["rule"], f"{loc}.rule"), params)

    # --- arrays ---
    def array(self, value, loc: str, integer: bool, optional: bool = True) -> np.ndarray | None:
        """An inline list or an ``{"npy": member}`` reference, as int64 or float64."""
        if value is _MISSING or (value is None and optional):
            return None
        if isinstance(value, list):
            return self.inline(value, loc, integer)
        if isinstance(value, dict):
            return self.member(value, loc, integer)
        self.report(loc, f'expected a list of numbers or {{"npy": member}}, got {_describe(value)}')
        return None

    def inline(self, values: list, loc: str, integer: bool) -> np.ndarray | None:
        types = (int,) if integer else (int, float)
        bad = next((i for i, v in enumerate(values) if type(v) not in types), None)
        if bad is not None:
            what = "a whole number" if integer else "a number"
            what = "a finite number" if isinstance(values[bad], _NonFinite) else what
            self.report(f"{loc}[{bad}]", f"expected {what}, got {_describe(values[bad])}")
            return None
        try:
            array = np.array(values, dtype=np.int64 if integer else np.float64)
        except OverflowError:
            array = None
        if array is None or not np.all(np.isfinite(array)):
            self.report(loc, "holds a value that is not a finite 64-bit number")
            return None
        return array

    def member(self, value: dict, loc: str, integer: bool) -> np.ndarray | None:
        d = self.fields(value, loc, ("npy",))
        name = self.text(d["npy"], f"{loc}.npy")
        if not name:
            return None
        if self.arrays is not None and name in self.arrays:
            self.used.add(name)
        message = self.member_problem(name)
        if message is None:
            try:
                raw = self.arrays[name]
                return _as_array(raw if isinstance(raw, np.ndarray) else _parse_npy(raw), integer)
            except ValueError as exc:
                message = f'archive member "{name}" {exc}'
        self.report(loc, message)
        return None

    def member_problem(self, name: str) -> str | None:
        if self.arrays is None:
            return f'refers to archive member "{name}", but a .json file has no archive (write arrays as lists)'
        if not name.endswith(".npy"):
            return f'archive member "{name}" is not a .npy file'
        if name not in self.arrays:
            return f'archive member "{name}" does not exist'
        return None

    # --- items ---
    def network(self, data: dict) -> Network:
        d = self.fields(data, "", _TOP_LEVEL)
        meta = self.fields(d["metadata"], "metadata", _METADATA) or _Fields()
        self.item, self.item_loc = ("settings", ""), "settings"
        s = self.fields(d["settings"], "settings", ("dt", "duration", "seed")) or _Fields()
        settings = self.read_all(s, "settings", {"dt": self.number, "duration": self.number, "seed": self.integer})
        self.item = None
        net = Network(metadata=Metadata(**{name: self.text(meta[name], f"metadata.{name}") for name in _METADATA}),
                      **settings)
        readers = {"populations": self.population, "inputs": self.input, "projections": self.projection,
                   "recorders": self.recorder}
        for section, read in readers.items():
            for key, raw in self.mapping(d[section], section).items():
                self.item, self.item_loc = (section, key), f'{section}["{key}"]'
                if not _encodable(key):
                    self.report(self.item_loc, "the id holds a lone surrogate, which cannot be saved again")
                    continue
                item = read(key, raw, self.item_loc)
                if item is not None:
                    getattr(net, section)[key] = item
            self.item = None
        for key, raw in self.mapping(d["layout"], "layout").items():
            loc = f'layout["{key}"]'
            node = self.fields(raw, loc, ("x", "y", "color"))
            if node is not None:
                net.layout[key] = NodeLayout(**self.read_all(node, loc, {"x": self.number, "y": self.number,
                                                                          "color": self.text}))
        return net

    def population(self, key: str, raw, loc: str) -> Population | None:
        d = self.fields(raw, loc, ("name", "size", "model", "params", "initial", "grid"))
        if d is None:
            return None
        model = NEURON_MODELS.get(d["model"]) if isinstance(d["model"], str) else None
        specs = model.params if model else None
        return Population(key, **self.read_all(d, loc, {
            "name": self.text, "size": self.integer, "model": self.text,
            "params": lambda v, at: self.params(v, at, specs), "initial": self.initial, "grid": self.grid}))

    def input(self, key: str, raw, loc: str):
        kind = raw.get("type", _MISSING) if isinstance(raw, dict) else _MISSING
        readers = {"poisson": self.poisson, "spike_times": self.spike_times, "current": self.current}
        read = readers.get(kind) if isinstance(kind, str) else None
        if read is not None:
            return read(key, raw, loc)
        if not isinstance(raw, dict):
            self.report(loc, f"expected an object, got {_describe(raw)}")
        elif kind is _MISSING:
            self.report(f"{loc}.type", f"missing (one of: {', '.join(readers)})")
        else:
            self.report(f"{loc}.type", f"unknown input type {_describe(kind)} (known: {', '.join(readers)})")
        return None

    def poisson(self, key: str, raw: dict, loc: str) -> PoissonInput:
        readers = {"name": self.text, "size": self.integer, "rate": self.number,
                   "rates": lambda v, at: self.array(v, at, integer=False), "grid": self.grid}
        return PoissonInput(key, **self.read_all(self.fields(raw, loc, ("type", *readers)), loc, readers))

    def spike_times(self, key: str, raw: dict, loc: str) -> SpikeTimesInput:
        readers = {"name": self.text, "size": self.integer,
                   "neurons": lambda v, at: self.array(v, at, integer=True, optional=False),
                   "times": lambda v, at: self.array(v, at, integer=False, optional=False)}
        args = self.read_all(self.fields(raw, loc, ("type", *readers)), loc, readers)
        args = {k: (np.zeros(0) if v is None else v) for k, v in args.items()}
        return SpikeTimesInput(key, **args)

    def current(self, key: str, raw: dict, loc: str) -> CurrentInput:
        waveform = raw.get("waveform")
        specs = CURRENT_WAVEFORMS.get(waveform) if isinstance(waveform, str) else None
        readers = {"name": self.text, "target": self.text, "waveform": self.text,
                   "params": lambda v, at: self.params(v, at, specs)}
        return CurrentInput(key, **self.read_all(self.fields(raw, loc, ("type", *readers)), loc, readers))

    def projection(self, key: str, raw, loc: str) -> Projection | None:
        d = self.fields(raw, loc, ("name", "source", "target", "rule", "rule_params", "weight", "delay", "synapse",
                                   "allow_autapses", "plasticity", "pre", "post", "weights", "delays"))
        if d is None:
            return None
        specs = CONNECTIVITY_RULES.get(d["rule"]) if isinstance(d["rule"], str) else None
        ints, floats = (lambda v, at: self.array(v, at, integer=True)), (lambda v, at: self.array(v, at, integer=False))
        return Projection(key, **self.read_all(d, loc, {
            "name": self.text, "source": self.text, "target": self.text, "rule": self.text,
            "rule_params": lambda v, at: self.params(v, at, specs), "weight": self.distribution,
            "delay": self.distribution, "synapse": self.synapse, "allow_autapses": self.boolean,
            "plasticity": self.plasticity, "pre": ints, "post": ints, "weights": floats, "delays": floats}))

    def recorder(self, key: str, raw, loc: str) -> Recorder | None:
        d = self.fields(raw, loc, ("name", "kind", "target", "variable", "neurons", "interval", "bin"))
        if d is None:
            return None
        return Recorder(key, **self.read_all(d, loc, {
            "name": self.text, "kind": self.text, "target": self.text, "variable": self.text,
            "neurons": self.indices, "interval": self.number, "bin": self.number}))
