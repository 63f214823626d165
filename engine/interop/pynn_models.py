"""PyNN standard cell types and parameters for SpikeStudio populations (PyNN units: nF, nA, uS, ms, mV)."""

from __future__ import annotations

from ..equations.units import UNITS
from ..model.catalog import builtin_description
from ..model.network import Network, Population
from .report import ExportReport, location

__all__ = ["cell_type"]

CELL_KIND = {"adex": "conductance", "hh": "conductance", "izhikevich": "current"}


def synapse_kind(net: Network, pop: Population) -> str:
    """``current``, ``conductance`` or ``delta`` (a LIF fed by delta synapses: ``IF_curr_delta``): what the
    population's incoming synapses mostly are (current on a tie)."""
    if pop.model in CELL_KIND:
        return CELL_KIND[pop.model]
    kinds = [p.synapse.kind for p in net.projections.values() if p.target == pop.id]
    return max(("current", "conductance", "delta"), key=kinds.count)


def receptor_params(net: Network, pop: Population, kind: str, report: ExportReport) -> tuple[dict, set[str]]:
    """tau_syn_E/I (and e_rev_E/I) from the incoming projections; the ids of projections left out."""
    params, origin, left_out = {}, {}, set()
    for proj in net.projections.values():
        if proj.target != pop.id:
            continue
        where, syn = location("projections", proj.id), proj.synapse
        if syn.kind == kind == "delta":
            continue
        if syn.kind == "delta" and pop.model != "izhikevich":
            report.problem(where, f"delta synapses onto {cell_name(pop, kind)}, whose synapses are {kind}-based")
            left_out.add(proj.id)
            continue
        if syn.kind != kind and syn.kind != "delta":
            report.problem(where, f"{syn.kind} synapses onto {cell_name(pop, kind)}, whose synapses are {kind}-based")
            left_out.add(proj.id)
            continue
        if pop.model == "izhikevich":
            if syn.kind != "delta":
                report.note(where, "PyNN's Izhikevich synapses are instantaneous: the current's decay (tau) is lost")
            continue
        suffix = "E" if syn.receptor == "excitatory" else "I"
        wanted = {f"tau_syn_{suffix}": syn.tau}
        if kind == "conductance":
            wanted[f"e_rev_{suffix}"] = syn.E_rev
        for name, value in wanted.items():
            if name in params and params[name] != value:
                report.problem(where, f"{name} = {value} differs from {params[name]} of projections"
                               f'["{origin[name]}"] into the same population (PyNN has one per receptor)')
                left_out.add(proj.id)
            else:
                params.setdefault(name, value)
                origin.setdefault(name, proj.id)
    return params, left_out


def cell_name(pop: Population, kind: str) -> str:
    if pop.model in ("lif", "lif_adaptive"):
        return {"conductance": "IF_cond_exp", "delta": "IF_curr_delta"}.get(kind, "IF_curr_exp")
    return {"izhikevich": "Izhikevich", "adex": "EIF_cond_exp_isfa_ista", "hh": "HH_cond_exp"}[pop.model]


_LIF = {"cm": ("C_m", "nF"), "tau_m": ("tau_m", "ms"), "v_rest": ("E_L", "mV"), "v_thresh": ("V_th", "mV"),
        "v_reset": ("V_reset", "mV"), "tau_refrac": ("t_ref", "ms"), "i_offset": ("I_e", "nA")}
# PyNN's parameter of each built-in's standard cell: (the built-in's parameter, or a quotient of two, and PyNN's
# unit, None where the built-in's unit is PyNN's); values are converted through the units of the descriptions
PYNN_PARAMS = {
    "lif": _LIF, "lif_adaptive": _LIF,
    "izhikevich": {"a": ("a", None), "b": ("b", None), "c": ("c", None), "d": ("d", None), "i_offset": ("I_e", "nA")},
    "adex": {"cm": ("C_m", "nF"), "tau_m": ("C_m/g_L", None), "v_rest": ("E_L", "mV"), "v_thresh": ("V_T", "mV"),
             "delta_T": ("Delta_T", "mV"), "tau_w": ("tau_w", "ms"), "a": ("a", "nS"), "b": ("b", "nA"),
             "v_reset": ("V_reset", "mV"), "v_spike": ("V_peak", "mV"), "tau_refrac": ("t_ref", "ms"),
             "i_offset": ("I_e", "nA")},
    "hh": {"cm": ("C_m", "nF"), "gbar_Na": ("g_Na", "uS"), "gbar_K": ("g_K", "uS"), "g_leak": ("g_L", "uS"),
           "e_rev_Na": ("E_Na", "mV"), "e_rev_K": ("E_K", "mV"), "e_rev_leak": ("E_L", "mV"),
           "i_offset": ("I_e", "nA")},
}


def _converted(model: str, p: dict, source: str, unit: str | None) -> float:
    """A built-in's parameter (``a/b``: a quotient, in engine units) in PyNN's ``unit``."""
    if "/" in source:
        top, bottom = source.split("/")
        return p[top] / p[bottom]
    if unit is None:
        return p[source]
    declared = next(x.unit for x in builtin_description(model).params if x.name == source)
    return p[source] * declared.factor / UNITS[unit].factor


def cell_type(net: Network, pop: Population, report: ExportReport) -> tuple[str, dict, set[str]]:
    """(PyNN cell type name, its parameters in PyNN units, ids of incoming projections left out)."""
    p, where = pop.params, location("populations", pop.id)
    kind = synapse_kind(net, pop)
    syn_params, left_out = receptor_params(net, pop, kind, report)
    params = {name: _converted(pop.model, p, source, unit) for name, (source, unit) in PYNN_PARAMS[pop.model].items()}
    if pop.model == "lif_adaptive":
        report.problem(where, "the adaptive threshold of the LIF with adaptive threshold model (theta_plus, "
                              "tau_theta) has no PyNN standard cell type; exported as a LIF with a fixed threshold")
    elif pop.model == "izhikevich" and p["V_peak"] != 30.0:
        report.note(where, f"PyNN's Izhikevich cuts spikes at 30 mV, not {p['V_peak']} mV")
    elif pop.model == "hh":
        report.note(where, "HH_cond_exp has Traub-Miles gate kinetics, not the squid axon's (rates will differ)")
    params.update(syn_params)
    return cell_name(pop, kind), params, left_out
