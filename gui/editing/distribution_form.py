"""The inspector's rows for a distribution (a weight, a delay, an initial value): its kind, that kind's numbers,
its bounds, and whether a draw outside them is clipped or drawn again (NEST's ``redraw``)."""

from __future__ import annotations

import dataclasses

from ...engine.model.catalog import DISTRIBUTION_KINDS
from ...engine.model.items import Distribution
from ...engine.model.params import ParamSpec
from .fields import ChoiceField, OptionalNumberField
from .form_rows import Heading, Row, choice_row, get_path, number_row

__all__ = ["distribution_rows", "distribution_shape", "DISTRIBUTION_TIPS", "OUTSIDE_BOUNDS"]


def distribution_shape(dist) -> tuple | str:
    """What decides a distribution's rows: its kind, and whether it has a bound (which enables "Outside bounds")."""
    if not isinstance(dist, Distribution):
        return "per neuron"
    return dist.kind, dist.min is None and dist.max is None


def distribution_rows(key: str, label: str, item, spec: ParamSpec) -> list:
    """A heading, the kind of distribution, a field per number of that kind (value; low, high; mean, std), and for
    a drawn kind its bounds and what happens outside them."""
    dist: Distribution = get_path(item, key)
    rows = [Heading(label), choice_row(f"{key}.kind", "Distribution", list(DISTRIBUTION_KINDS), item,
                                       lambda it, kind: _change_distribution(get_path(it, key), kind),
                                       f"{label}: the same for all, or drawn for each one", DISTRIBUTION_TIPS)]
    for name in DISTRIBUTION_KINDS.get(dist.kind, ()):
        field_spec = dataclasses.replace(spec, name=name, low=0.0, low_open=False,
                                         description=f"{label}: {_FIELD_TEXT[name]}") if name == "std" else \
            dataclasses.replace(spec, name=name, description=f"{label} ({_FIELD_TEXT[name]}): {spec.description}")
        rows.append(number_row(f"{key}.{name}", field_spec, item))
    if dist.kind != "constant" or dist.min is not None or dist.max is not None:  # a constant's bounds: only if set
        rows += _bound_rows(key, label, item, spec.unit)
    return rows


def _bound_rows(key: str, label: str, item, unit: str) -> list:
    """Min and max (empty: unbounded), and "Outside bounds: clip / draw again", usable once a bound is set."""
    dist: Distribution = get_path(item, key)
    rows = []
    for name, side in (("min", "smallest"), ("max", "largest")):
        widget = OptionalNumberField(getattr(dist, name), unit)
        widget.setToolTip(f"{label}: the {side} value a draw may take{f' ({unit})' if unit else ''}; empty for no "
                          "bound. What happens beyond it is set by Outside bounds.")
        rows.append(Row(f"{key}.{name}", name, widget, lambda it, n=name: getattr(get_path(it, key), n),
                        lambda it, v, n=name: _set_bound(get_path(it, key), n, v)))
    bounded = dist.min is not None or dist.max is not None
    outside = ChoiceField(list(OUTSIDE_BOUNDS.items()), _outside(dist))
    outside.setEnabled(bounded)
    outside.setToolTip(f"{label}: what a draw outside [min, max] becomes. Clip: the bound itself, so values pile up "
                       "there. Draw again: a new draw until it falls inside (NEST's redraw), a truncated distribution "
                       "with no pile at the bound." + ("" if bounded else " Set a min or a max first."))
    rows.append(Row(f"{key}.redraw", "Outside bounds", outside, lambda it: _outside(get_path(it, key)),
                    lambda it, v: setattr(get_path(it, key), "redraw", v == "redraw")))
    return rows


OUTSIDE_BOUNDS = {"clip": "clip to the bound", "redraw": "draw again"}


def _outside(dist: Distribution) -> str:
    return "redraw" if dist.redraw else "clip"


def _set_bound(dist: Distribution, name: str, value) -> None:
    """Set or clear (None) a bound; with no bound left there is nothing to draw into, so draws are clipped again."""
    if isinstance(value, str):
        raise ValueError(f'"{value}" is not a number (leave it empty for no {name})')
    setattr(dist, name, value)
    if dist.min is None and dist.max is None:
        dist.redraw = False


DISTRIBUTION_TIPS = {
    "constant": "The same value everywhere",
    "uniform": "Drawn uniformly between low and high",
    "normal": "Drawn from a normal distribution (mean, standard deviation)",
    "lognormal": "Drawn from a lognormal distribution with this mean and standard deviation",
}
_FIELD_TEXT = {"value": "the same for every synapse", "low": "lowest value", "high": "highest value",
               "mean": "mean", "std": "standard deviation"}


def _change_distribution(dist: Distribution, kind: str) -> None:
    """Switching kind keeps the same typical value: constant 2 becomes uniform [1, 3] or normal(2, 0.2)."""
    centre = dist.expected()
    dist.kind = kind
    if kind == "constant":
        dist.value = centre
    elif kind == "uniform":
        dist.low, dist.high = 0.5 * centre, 1.5 * centre if centre else 1.0
    else:
        dist.mean, dist.std = centre, abs(centre) * 0.1 or 1.0
