"""Byte counts as a person reads them: "512 bytes", "3.2 KiB", "1.50 MiB", "2.00 GiB"."""

from __future__ import annotations

__all__ = ["format_bytes"]

# Binary units with their decimals: two from MiB upwards, where a hundredth is still kilobytes or more.
_UNITS = (("KiB", 1), ("MiB", 2), ("GiB", 2), ("TiB", 2), ("PiB", 2))


def format_bytes(n: int) -> str:
    """``n`` bytes in binary units (1 KiB = 1024 bytes): plain bytes below 1 KiB, at most PiB.

    The unit is the largest one ``n`` fills at least once, or the next one up when the number would
    round to 1024 (1048575 bytes read "1.00 MiB", not "1024.0 KiB").
    """
    n = int(n)
    if abs(n) < 1024:
        return f"{n} byte" if abs(n) == 1 else f"{n} bytes"
    value = n / 1024
    for i, (unit, decimals) in enumerate(_UNITS):
        if i == len(_UNITS) - 1 or round(abs(value), decimals) < 1024:
            return f"{value:.{decimals}f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
