"""Projections onto a named receptor of their target's model (``receptor AMPA conductance tau=2*ms E_rev=0*mV``).

The model is the one source of truth: a projection naming one of its receptors acts with the receptor's kind,
tau and E_rev, and whatever kinetics the projection itself carries are ignored (the inspector shows the model's
values read-only). Everything that reads a projection's synapse as it acts (the build, exporters, the canvas)
asks ``acting_synapse``; a projection onto ``excitatory`` or ``inhibitory`` keeps its own kinetics as before.
"""

from __future__ import annotations

from .catalog import GRADED_KINDS
from .items import Synapse

__all__ = ["acting_synapse", "fitted_synapse", "named_receptor", "target_receptors", "with_model_kinetics"]


def target_description(net, target_id):
    """The equation model (``ModelDescription``) of a projection's target population, or None (also without a
    network)."""
    if net is None:
        return None
    pop = net.populations.get(target_id) if isinstance(target_id, str) else None
    model = getattr(pop, "model", None)
    models = net.models if isinstance(net.models, dict) else {}
    return models.get(model) if isinstance(model, str) else None


def named_receptor(net, proj):
    """The named receptor (``Receptor``) a projection acts on, or None for an unnamed one (or an unknown name);
    None for a graded synapse or gap junction, which act through voltages, not a receptor's kinetics."""
    if proj.synapse.kind in GRADED_KINDS:
        return None
    desc = target_description(net, proj.target)
    return desc.receptor(proj.synapse.receptor) if desc is not None else None


def target_receptors(net, target_id) -> tuple[str, ...]:
    """The receptors a projection onto ``target_id`` may name: its model's (unnamed ones first), else the two
    unnamed ones."""
    desc = target_description(net, target_id)
    return tuple(desc.receptors) if desc is not None else ("excitatory", "inhibitory")


def acting_synapse(net, proj) -> Synapse:
    """The synapse as it acts on the target: for a named receptor its kind and kinetics from the model, the
    receptor given as its class (``excitatory``/``inhibitory``: a current's sign, a conductance's reversal);
    otherwise the projection's own synapse."""
    receptor = named_receptor(net, proj)
    if receptor is None:
        return proj.synapse
    tau = receptor.tau if receptor.kind != "delta" else proj.synapse.tau
    return Synapse(receptor.kind, "excitatory" if receptor.excitatory else "inhibitory", tau, receptor.E_rev)


def fitted_synapse(net, target_id, synapse: Synapse, excitatory: bool = True) -> Synapse:
    """``synapse`` if its target takes its receptor, else one onto a receptor the target has: its first of the
    same effect (``excitatory`` or not; Dale's law for a copied synapse), or its first; a named receptor's
    kinetics are copied from the model, so the new projection shows the values it acts with."""
    receptors = target_receptors(net, target_id)
    if synapse.receptor in receptors or synapse.kind in GRADED_KINDS:
        return synapse
    desc = target_description(net, target_id)
    effect = [r for r in receptors if _excitatory(desc, r) == excitatory]
    choice = (effect or list(receptors) or ["excitatory"])[0]
    return with_model_kinetics(net, target_id, Synapse(synapse.kind, choice))


def with_model_kinetics(net, target_id, synapse: Synapse) -> Synapse:
    """``synapse`` with its named receptor's kind, tau and E_rev copied from the target's model (unchanged for an
    unnamed receptor, and for a graded synapse or gap junction): what a new projection or a receptor choice
    stores, so a file shows the values it acts with."""
    if synapse.kind in GRADED_KINDS:
        return synapse
    desc = target_description(net, target_id)
    named = desc.receptor(synapse.receptor) if desc is not None else None
    if named is None:
        return synapse
    return Synapse(named.kind, named.name, named.tau if named.kind != "delta" else synapse.tau, named.E_rev)


def _excitatory(desc, receptor: str) -> bool:
    named = desc.receptor(receptor) if desc is not None else None
    return named.excitatory if named is not None else receptor == "excitatory"
