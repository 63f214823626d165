"""Physical units: a dimension vector and the factor that turns a value into the engine's units.

The engine's units (ms, mV, pA) form a coherent system: pA/mV is nS, pA*ms/mV is pF, mV/pA is GOhm,
1/ms is kHz. So every value is converted once, when a model is built, and the generated code needs no
factors. Lengths (for densities such as mS/cm2) are in um.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Dim", "Unit", "DIMENSIONLESS", "UNITS", "unit_named", "dim_text"]

_BASES = ("s", "V", "A", "m")  # time, voltage, current, length
_ENGINE = {"s": 3, "V": 3, "A": 12, "m": 6}  # powers of ten of engine units per SI base unit (ms, mV, pA, um)


@dataclass(frozen=True)
class Dim:
    """Exponents of time, voltage, current and length."""

    s: float = 0
    V: float = 0
    A: float = 0
    m: float = 0

    def __mul__(self, other: Dim) -> Dim:
        return Dim(*(a + b for a, b in zip(self.exps(), other.exps())))

    def __truediv__(self, other: Dim) -> Dim:
        return Dim(*(a - b for a, b in zip(self.exps(), other.exps())))

    def __pow__(self, n: float) -> Dim:
        return Dim(*(a * n for a in self.exps()))

    def exps(self) -> tuple[float, ...]:
        return (self.s, self.V, self.A, self.m)

    @property
    def dimensionless(self) -> bool:
        return not any(self.exps())


DIMENSIONLESS = Dim()


@dataclass(frozen=True)
class Unit:
    """A named unit: its dimension and how many engine units one of it is."""

    name: str
    dim: Dim
    factor: float


def _si(name: str, dim: Dim, si_power: int) -> Unit:
    """A unit worth 10**``si_power`` SI units of ``dim``, converted to engine units.

    Powers of ten are added as integers, so nS, pF, mV and ms are exactly 1.0, not 1.0000000000000002.
    """
    power = si_power + sum(_ENGINE[b] * e for b, e in zip(_BASES, dim.exps()))
    return Unit(name, dim, 10.0 ** power if power >= 0 else 1.0 / 10.0 ** -power)


_PREFIXES = {"": 0, "k": 3, "M": 6, "G": 9, "m": -3, "u": -6, "n": -9, "p": -12, "f": -15}
_TIME, _VOLT, _AMP, _METRE = Dim(s=1), Dim(V=1), Dim(A=1), Dim(m=1)
_SIEMENS, _FARAD, _OHM, _HERTZ = Dim(A=1, V=-1), Dim(A=1, s=1, V=-1), Dim(V=1, A=-1), Dim(s=-1)
_COULOMB = Dim(A=1, s=1)


def _table() -> dict[str, Unit]:
    """Brian2's spellings: full names with any prefix, and the usual short forms (mV, ms, pA, nS, pF, Hz)."""
    units: dict[str, Unit] = {}
    full = {"second": _TIME, "volt": _VOLT, "amp": _AMP, "siemens": _SIEMENS, "farad": _FARAD, "ohm": _OHM,
            "hertz": _HERTZ, "coulomb": _COULOMB, "metre": _METRE, "meter": _METRE}
    short = {"s": _TIME, "V": _VOLT, "A": _AMP, "S": _SIEMENS, "F": _FARAD, "Hz": _HERTZ, "C": _COULOMB,
             "m": _METRE}
    for prefix, scale in _PREFIXES.items():
        for name, dim in full.items():
            units[prefix + name] = _si(prefix + name, dim, scale)
        for name, dim in short.items():
            if prefix:  # bare one-letter units (s, V, A, S, F, C, m) would shadow common variable names
                units[prefix + name] = _si(prefix + name, dim, scale)
    for prefix in ("k", "M", "G", ""):
        units[prefix + "ohm"] = _si(prefix + "ohm", _OHM, _PREFIXES[prefix])
    units["Hz"] = _si("Hz", _HERTZ, 0)
    units["cm"] = _si("cm", _METRE, -2)
    units["cm2"] = _si("cm2", _METRE ** 2, -4)
    units["um2"] = _si("um2", _METRE ** 2, -12)
    units["mm2"] = _si("mm2", _METRE ** 2, -6)
    return units


UNITS: dict[str, Unit] = _table()


def unit_named(name: str) -> Unit | None:
    """The unit spelled ``name``, or None."""
    return UNITS.get(name)


def dim_text(dim: Dim) -> str:
    """A dimension as a person reads it, in engine units: ``mV/ms``, ``pA``, ``1``."""
    names = {"s": "ms", "V": "mV", "A": "pA", "m": "um"}
    num = [names[b] + (f"^{_num(e)}" if e != 1 else "") for b, e in zip(_BASES, dim.exps()) if e > 0]
    den = [names[b] + (f"^{_num(-e)}" if e != -1 else "") for b, e in zip(_BASES, dim.exps()) if e < 0]
    text = "*".join(num) or "1"
    return text + ("/" + "/".join(den) if den else "")


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)
