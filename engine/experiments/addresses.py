"""Parameter addresses such as ``E.tau_m``, ``drive.rate``, ``EE.weight``: an item id, a dot, a parameter name.

``resolve`` says what an address means in a network (and its valid range) or why it means nothing;
``apply`` sets a value on a network, which the run then validates like any edited network.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.catalog import (
    CONNECTIVITY_RULES,
    CURRENT_WAVEFORMS,
    DELAY_SPEC,
    NODE_PARAMS,
    POISSON_PARAMS,
    SYNAPSE_KINDS,
    SYNAPSE_PARAMS,
    WEIGHT_SPECS,
)
from ..model.custom import neuron_model
from ..model.network import CurrentInput, Network, PoissonInput, Population, Projection
from ..model.params import ParamSpec
from ..model.receptors import named_receptor
from ..model.synapse_kinds import kind_specs

__all__ = ["AddressError", "Target", "resolve", "apply", "parameter_names"]

DISTRIBUTION_FIELDS = ("value", "low", "high", "mean", "std")


class AddressError(ValueError):
    """An address that names nothing in the network; the message says what is there instead."""


@dataclass(frozen=True)
class Target:
    """What an address sets: the item, the path inside it, and the parameter's spec (None when unchecked)."""

    item_id: str
    path: tuple[str, ...]
    spec: ParamSpec | None


def resolve(net: Network, address: str) -> Target:
    """The target of ``address`` in ``net``; raises ``AddressError`` naming what is wrong."""
    if not isinstance(address, str) or "." not in address:
        raise AddressError(f"expected an address like E.tau_m (an id, a dot, a parameter), got {address!r}")
    item_id = _item_id(net, address)
    rest = address[len(item_id) + 1:]
    item = net.node(item_id)
    path, spec = _target_in(item, rest, net)
    return Target(item_id, path, spec)


def apply(net: Network, address: str, value: float) -> None:
    """Set ``address`` to ``value`` in ``net`` (whole numbers for integer parameters)."""
    target = resolve(net, address)
    if target.spec is not None and target.spec.integer and float(value).is_integer():
        value = int(value)
    obj = net.node(target.item_id)
    *parents, last = target.path
    for name in parents:
        obj = getattr(obj, name) if not isinstance(obj, dict) else obj[name]
    if isinstance(obj, dict):
        obj[last] = value
    else:
        setattr(obj, last, value)


def parameter_names(item, net: Network | None = None) -> list[str]:
    """The addressable parameter names of an item (what the inspector offers to sweep); ``net`` knows the
    models it describes by equations."""
    if isinstance(item, Population):
        model = neuron_model(net, item.model)
        return [*(model.params if model is not None else ()), "size"]
    if isinstance(item, PoissonInput):
        return ["rate", "size"]
    if isinstance(item, CurrentInput):
        return list(CURRENT_WAVEFORMS.get(item.waveform, {}))
    if isinstance(item, Projection):
        names = [f"{d}.{f}" for d in ("weight", "delay") for f in _fields(getattr(item, d))]
        names = [n.removesuffix(".value") for n in names]
        names += list(CONNECTIVITY_RULES.get(item.rule, {}))
        names += [f"synapse.{k}" for k in _synapse_specs(item, named_receptor(net, item) is not None)]
        if item.plasticity is not None:
            names += [f"plasticity.{k}" for k in item.plasticity.params if k != "reward"]
        return names
    return []


# --- helpers -----------------------------------------------------------------------------------------


def _item_id(net: Network, address: str) -> str:
    """The longest id in ``net`` that the address starts with (ids may hold dots)."""
    ids = sorted((i for i in net.all_ids() if address.startswith(i + ".")), key=len, reverse=True)
    if ids:
        return ids[0]
    wanted = address.split(".", 1)[0]
    known = sorted(net.all_ids())
    listed = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    raise AddressError(f'no node or projection "{wanted}" in the network (ids: {listed or "none"})')


def _target_in(item, rest: str, net: Network) -> tuple[tuple[str, ...], ParamSpec | None]:
    names = parameter_names(item, net)
    if rest == "size" and rest in names:  # structural: a network-size experiment rebuilds each run anyway
        return ("size",), NODE_PARAMS["size"]
    if isinstance(item, Population) and rest in names:
        return ("params", rest), neuron_model(net, item.model).params[rest]
    if isinstance(item, PoissonInput) and rest == "rate":
        return ("rate",), POISSON_PARAMS["rate"]
    if isinstance(item, CurrentInput) and rest in names:
        return ("params", rest), CURRENT_WAVEFORMS[item.waveform][rest]
    if isinstance(item, Projection):
        found = _projection_target(item, rest, named_receptor(net, item) is not None)
        if found is not None:
            return found
    kind = type(item).__name__.lower()
    model = f" ({item.model})" if isinstance(item, Population) else ""
    raise AddressError(f'{kind} "{item.id}"{model} has no sweepable parameter "{rest}" '
                       f"(it has: {', '.join(names) or 'none'})")


def _projection_target(proj: Projection, rest: str, named: bool):
    head, _, field = rest.partition(".")
    if head in ("weight", "delay"):
        dist = getattr(proj, head)
        field = field or ("value" if dist.kind == "constant" else "")
        if field not in _fields(dist):
            return None
        spec = WEIGHT_SPECS[proj.synapse.kind] if head == "weight" else DELAY_SPEC
        return (head, field), (spec if field != "std" else None)
    if head == "synapse" and field in _synapse_specs(proj, named):
        return ("synapse", field), _synapse_specs(proj, named)[field]
    if head == "synapse" and field in SYNAPSE_PARAMS and proj.synapse.kind != "delta" and not named:
        return ("synapse", field), SYNAPSE_PARAMS[field]  # not offered, but sweep files that named it still open
    if rest in CONNECTIVITY_RULES.get(proj.rule, {}):
        return ("rule_params", rest), CONNECTIVITY_RULES[proj.rule][rest]
    if head == "plasticity" and proj.plasticity is not None and field in proj.plasticity.params:
        return ("plasticity", "params", field), None
    return None


def _synapse_specs(proj: Projection, named: bool) -> dict:
    """The synapse parameters of a projection's kind (its description's: tau for a current, tau and E_rev for a
    conductance, E_rev, V_half and V_slope for a graded synapse, none for delta and gap); none for a named receptor,
    whose kinetics are its model's (sweep them there)."""
    return {} if named or proj.synapse.kind not in SYNAPSE_KINDS else kind_specs(proj.synapse.kind)


def _fields(dist) -> tuple[str, ...]:
    return {"constant": ("value",), "uniform": ("low", "high")}.get(dist.kind, ("mean", "std"))
