"""What a saved network takes from the installed plugins so that it opens and runs where they are missing: the
text of every described learning rule its projections use (``api.described_rule``). The scripting ``save`` and
the editor's Save both go through here."""

from __future__ import annotations

import dataclasses

from ..engine.equations.rule_description import RuleDescription
from .registry import default_registry

__all__ = ["with_rule_texts"]


def with_rule_texts(network, registry=None):
    """``network``, or a copy carrying the descriptions of the described rules its projections use."""
    used = {p.plasticity.rule for p in network.projections.values() if p.plasticity is not None}
    missing = used - set(network.rules)
    if not missing:
        return network
    plugins = (registry or default_registry()).learning_rules()
    found = {r: plugins[r].description for r in sorted(missing)
             if isinstance(getattr(plugins.get(r), "description", None), RuleDescription)}
    return dataclasses.replace(network, rules={**network.rules, **found}) if found else network
