"""What a sweep is, as data: parameters and their values, how they combine, repeats, duration and measures.

No network is needed to build one; ``points`` expands it into the runs it stands for, in a fixed order, so every
backend produces the same table.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

__all__ = ["COMBINE", "Parameter", "Point", "Sweep", "expand_values"]

COMBINE = ("grid", "zip")


@dataclass(frozen=True)
class Parameter:
    """One swept quantity: a column ``name`` and the addresses it sets, each to value x factor.

    ``targets`` is usually one address with factor 1 (``E.tau_m``); several tie parameters together, as
    Brunel's g sets both inhibitory weights (``{"IE.weight": 0.1, "II.weight": 0.1}``).
    """

    name: str
    targets: tuple[tuple[str, float], ...]
    values: tuple[float, ...]

    @classmethod
    def of(cls, address: str, values) -> Parameter:
        return cls(address, ((address, 1.0),), tuple(float(v) for v in values))


@dataclass(frozen=True)
class Point:
    """One run: its index in the sweep, the parameter values by column name, the repeat and the seed."""

    index: int
    values: dict
    repeat: int
    seed: int

    def settings(self, parameters: list[Parameter]) -> list[tuple[str, float]]:
        """(address, value) pairs this run sets on the network."""
        return [(addr, self.values[p.name] * factor) for p in parameters for addr, factor in p.targets]


@dataclass
class Sweep:
    """A sweep over a network. ``seed`` None starts from the network's seed; repeat r uses seed + r, so every
    parameter point sees the same random streams (common random numbers). ``duration`` is in ms (None: the
    network's). ``network`` is the file the sweep belongs to, relative to the sweep file (optional)."""

    parameters: list[Parameter] = field(default_factory=list)
    combine: str = "grid"
    repeats: int = 1
    seed: int | None = None
    duration: float | None = None
    measures: list[str] = field(default_factory=lambda: ["rate"])
    network: str | None = None

    def shape(self) -> tuple[int, ...]:
        """Number of values per parameter (grid), or the one zipped length."""
        if self.combine == "zip":
            return (len(self.parameters[0].values),) if self.parameters else ()
        return tuple(len(p.values) for p in self.parameters)

    def size(self) -> int:
        return int(np.prod(self.shape(), dtype=np.int64)) * self.repeats

    def points(self, network_seed: int = 1) -> list[Point]:
        """Every run, parameter points in order (the last parameter varying fastest), repeats innermost."""
        names = [p.name for p in self.parameters]
        if self.combine == "zip":
            combos = list(zip(*(p.values for p in self.parameters)))
        else:
            combos = list(itertools.product(*(p.values for p in self.parameters)))
        base = network_seed if self.seed is None else self.seed
        runs = []
        for combo in combos:
            for r in range(self.repeats):
                runs.append(Point(len(runs), dict(zip(names, combo)), r, base + r))
        return runs


def expand_values(spec) -> list[float]:
    """A value list: numbers as given, ``{"linear": [a, b], "num": n}`` or ``{"log": [a, b], "num": n}``."""
    if isinstance(spec, dict):
        kind = "linear" if "linear" in spec else "log"
        start, stop = spec[kind]
        make = np.linspace if kind == "linear" else np.geomspace
        return [float(v) for v in make(float(start), float(stop), int(spec["num"]))]
    return [float(v) for v in spec]
