"""The results table: one row per run (parameters, repeat, seed, measures, run time, error), in run order.

Written as CSV by default (exact floats, empty cells for missing values) or Parquet for a ``.parquet`` path
(pandas with pyarrow), always atomically. ``to_frame`` gives the same table as a pandas DataFrame.
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

from ..files.archive_writer import atomic_write

__all__ = ["columns", "sorted_rows", "write_table", "to_frame", "read_csv_rows"]

LEADING = ("run",)
TRAILING = ("run_time_s", "error")


def sorted_rows(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: r["run"])


def columns(rows: list[dict], parameters: list[str]) -> list[str]:
    """run, the parameters, repeat, seed, every measure column (first seen first), run_time_s, error."""
    fixed = [*LEADING, *parameters, "repeat", "seed"]
    measured: dict[str, None] = {}
    for row in sorted_rows(rows):
        measured.update({k: None for k in row if k not in fixed and k not in TRAILING})
    return [*fixed, *measured, *TRAILING]


def to_frame(rows: list[dict], parameters: list[str]):
    """The table as a pandas DataFrame (missing measures NaN, error "" when the run went well)."""
    import pandas as pd

    cols = columns(rows, parameters)
    return pd.DataFrame([[r.get(c, math.nan) for c in cols] for r in sorted_rows(rows)], columns=cols)


def write_table(rows: list[dict], parameters: list[str], path: str | os.PathLike) -> Path:
    """Write the table to ``path`` (``.parquet``: Parquet, anything else: CSV), atomically; returns the path."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        data = _parquet_bytes(rows, parameters)
    else:
        data = _csv_text(rows, parameters).encode("utf-8")
    atomic_write(path, lambda f: f.write(data))
    return path


def read_csv_rows(path: str | os.PathLike) -> list[dict]:
    """The rows of a CSV table as text (for tools that do not want pandas)."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _csv_text(rows: list[dict], parameters: list[str]) -> str:
    cols = columns(rows, parameters)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(cols)
    for row in sorted_rows(rows):
        writer.writerow([_cell(row.get(c)) for c in cols])
    return out.getvalue()


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _parquet_bytes(rows: list[dict], parameters: list[str]) -> bytes:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ValueError("writing Parquet needs pyarrow (pip install pyarrow); write a .csv table instead") from None
    buffer = io.BytesIO()
    to_frame(rows, parameters).to_parquet(buffer, index=False)
    return buffer.getvalue()
