"""PyNN standard cell types and parameters for SpikeStudio populations (PyNN units: nF, nA, uS, ms, mV)."""

from __future__ import annotations

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


def cell_type(net: Network, pop: Population, report: ExportReport) -> tuple[str, dict, set[str]]:
    """(PyNN cell type name, its parameters in PyNN units, ids of incoming projections left out)."""
    p, where = pop.params, location("populations", pop.id)
    kind = synapse_kind(net, pop)
    syn_params, left_out = receptor_params(net, pop, kind, report)
    if pop.model in ("lif", "lif_adaptive"):
        params = dict(cm=p["C_m"] / 1000, tau_m=p["tau_m"], v_rest=p["E_L"], v_thresh=p["V_th"],
                      v_reset=p["V_reset"], tau_refrac=p["t_ref"], i_offset=p["I_e"] / 1000)
        if pop.model == "lif_adaptive":
            report.problem(where, "the adaptive threshold of the LIF with adaptive threshold model (theta_plus, "
                                  "tau_theta) has no PyNN standard cell type; exported as a LIF with a fixed threshold")
    elif pop.model == "izhikevich":
        params = dict(a=p["a"], b=p["b"], c=p["c"], d=p["d"], i_offset=p["I_e"] / 1000)
        if p["V_peak"] != 30.0:
            report.note(where, f"PyNN's Izhikevich cuts spikes at 30 mV, not {p['V_peak']} mV")
    elif pop.model == "adex":
        params = dict(cm=p["C_m"] / 1000, tau_m=p["C_m"] / p["g_L"], v_rest=p["E_L"], v_thresh=p["V_T"],
                      delta_T=p["Delta_T"], tau_w=p["tau_w"], a=p["a"], b=p["b"] / 1000, v_reset=p["V_reset"],
                      v_spike=p["V_peak"], tau_refrac=p["t_ref"], i_offset=p["I_e"] / 1000)
    else:
        params = dict(cm=p["C_m"] / 1000, gbar_Na=p["g_Na"] / 1000, gbar_K=p["g_K"] / 1000, g_leak=p["g_L"] / 1000,
                      e_rev_Na=p["E_Na"], e_rev_K=p["E_K"], e_rev_leak=p["E_L"], i_offset=p["I_e"] / 1000)
        report.note(where, "HH_cond_exp has Traub-Miles gate kinetics, not the squid axon's (rates will differ)")
    params.update(syn_params)
    return cell_name(pop, kind), params, left_out
