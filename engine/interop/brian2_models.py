"""Brian2 equations of SpikeStudio's neuron models, synaptic channels and current inputs, in SpikeStudio's units."""

from __future__ import annotations

from ..model.network import CurrentInput, Population
from ._common import num

__all__ = ["channel_key", "neuron_group_args", "current_terms"]


def channel_key(proj) -> tuple:
    """One synaptic state variable per (kind, receptor, tau, E_rev) into a target, as the engine's channels."""
    syn = proj.synapse
    return syn.kind, syn.receptor, float(syn.tau), float(syn.E_rev) if syn.kind == "conductance" else 0.0


def channel_var(k: int, key: tuple) -> str:
    return f"g_c{k}" if key[0] == "conductance" else f"I_c{k}"


def current_terms(inputs: list[CurrentInput]) -> tuple[list[str], list[str], bool]:
    """(terms in amp added to the input current, extra OU equations, time-varying?) for a target's inputs."""
    terms, eqs, varying = [], [], False
    for k, cur in enumerate(inputs):
        p = cur.params
        if cur.waveform == "dc":
            terms.append(f"{num(p['amplitude'])}*pA")
        elif cur.waveform == "step":
            terms.append(f"{num(p['amplitude'])}*pA*int(t >= {num(p['start'])}*ms)*int(t < {num(p['stop'])}*ms)")
        elif cur.waveform == "ramp":
            a0, a1, t0, t1 = (num(p[x]) for x in ("amplitude_start", "amplitude_end", "start", "stop"))
            terms.append(f"({a0} + ({a1} - {a0})*(t - {t0}*ms)/({t1}*ms - {t0}*ms))*pA"
                         f"*int(t >= {t0}*ms)*int(t < {t1}*ms)")
        elif cur.waveform == "sine":
            terms.append(f"({num(p['offset'])} + {num(p['amplitude'])}*sin(2*pi*{num(p['frequency'])}*Hz*t"
                         f" + {num(p['phase'])}*pi/180))*pA")
        elif not is_noise(cur):  # OU noise of std 0 is its mean (Brian2 fails on a zero times a unit in run_regularly)
            terms.append(f"{num(p['mean'])}*pA")
        else:  # Ornstein-Uhlenbeck noise, one independent process per neuron
            terms.append(f"({num(p['mean'])}*pA + I_ou{k})")
            eqs.append(f"I_ou{k} : amp  # OU noise, updated exactly once per step (run_regularly)")
        varying = varying or cur.waveform not in ("dc", "ou")
    return terms, eqs, varying


def is_noise(cur: CurrentInput) -> bool:
    """Whether a current input is OU noise that varies (std > 0): it needs a state variable and a step."""
    return cur.waveform == "ou" and cur.params["std"] > 0.0


def refractory_period(t_ref: float, dt: float) -> str:
    """Brian2's ``refractory`` for SpikeStudio's clamp of round(t_ref / dt) steps after the spike step.

    Brian2 clamps while fewer than refractory / dt steps have passed since the spike step, one step fewer.
    """
    return f"{num(round((round(t_ref / dt) + 1) * dt, 9))}*ms"


def neuron_group_args(pop: Population, channels: list[tuple], inputs: list[CurrentInput], dt: float) -> dict:
    """Equations, threshold, reset, refractory, method and initial-value statements of one population."""
    p = pop.params
    terms = [f"{num(p['I_e'])}*pA"]
    eqs, decay = [], []
    # Euler models: synaptic states decay exactly once per step, as in SpikeStudio
    exact = pop.model in ("lif", "lif_adaptive")
    for k, key in enumerate(channels):
        kind, receptor, tau, e_rev = key
        var, unit = channel_var(k, key), "siemens" if kind == "conductance" else "amp"
        if kind == "conductance":
            terms.append(f"{var}*({num(e_rev)}*mV - v)")
        else:
            terms.append(("-" if receptor == "inhibitory" else "") + var)
        eqs.append(f"d{var}/dt = -{var}/({num(tau)}*ms) : {unit}" if exact else f"{var} : {unit}  # decays exactly")
        if not exact:
            decay.append((var, tau))
    cur_terms, ou_eqs, varying = current_terms(inputs)
    i_tot = " + ".join(terms + cur_terms).replace("+ -", "- ")
    conductance = any(key[0] == "conductance" for key in channels)
    if pop.model in ("lif", "lif_adaptive"):
        v_eq = (f"dv/dt = ({num(p['E_L'])}*mV - v)/({num(p['tau_m'])}*ms) + ({i_tot})/({num(p['C_m'])}*pF)"
                " : volt (unless refractory)")
        method = "exponential_euler" if conductance or varying else "exact"
        args = dict(threshold=f"v >= {num(p['V_th'])}*mV", reset=f"v = {num(p['V_reset'])}*mV",
                    refractory=refractory_period(p["t_ref"], dt), method=method)
        init = {"v": ("mV", f"{num(p['E_L'])}*mV")}
        state_eqs = [v_eq]
        if pop.model == "lif_adaptive":  # the threshold V_th + theta keeps relaxing while refractory
            state_eqs.append(f"dtheta/dt = -theta/({num(p['tau_theta'])}*ms) : volt")
            args["threshold"] += " + theta"
            args["reset"] += f"\ntheta += {num(p['theta_plus'])}*mV"
            init["theta"] = ("mV", "0*mV")
    elif pop.model == "izhikevich":
        state_eqs = [f"dv/dt = (0.04/mV*v**2 + 5*v + 140*mV - u + ({i_tot})*(mV/pA))/ms : volt",
                     f"du/dt = {num(p['a'])}/ms*({num(p['b'])}*v - u) : volt  # u in mV/ms, times 1 ms"]
        args = dict(threshold=f"v >= {num(p['V_peak'])}*mV", reset=f"v = {num(p['c'])}*mV\nu += {num(p['d'])}*mV",
                    refractory=None, method="euler")
        init = {"v": ("mV", "-65.0*mV"), "u": ("mV", f"{num(p['b'])}*v")}
    else:  # adex
        cap = num((p["V_peak"] - p["V_T"]) / p["Delta_T"])
        spike = (f"{num(p['g_L'])}*nS*{num(p['Delta_T'])}*mV"
                 f"*exp(clip((v - {num(p['V_T'])}*mV)/({num(p['Delta_T'])}*mV), -500, {cap}))")
        state_eqs = [f"dv/dt = (-{num(p['g_L'])}*nS*(v - {num(p['E_L'])}*mV) + {spike} - w + {i_tot})"
                     f"/({num(p['C_m'])}*pF) : volt (unless refractory)",
                     f"dw/dt = ({num(p['a'])}*nS*(v - {num(p['E_L'])}*mV) - w)/({num(p['tau_w'])}*ms) : amp"]
        args = dict(threshold=f"v >= {num(p['V_peak'])}*mV", reset=f"v = {num(p['V_reset'])}*mV\nw += {num(p['b'])}*pA",
                    refractory=refractory_period(p["t_ref"], dt), method="euler")
        init = {"v": ("mV", f"{num(p['E_L'])}*mV"), "w": ("pA", "0*pA")}
    args["equations"] = "\n".join(state_eqs + eqs + ou_eqs)
    args["init"] = init
    args["decay"] = decay
    args["ou"] = [(k, cur.params["std"], cur.params["tau"]) for k, cur in enumerate(inputs) if is_noise(cur)]
    return args


def synapse_target(pop: Population, channels: list[tuple], key: tuple) -> str:
    """What a spike changes on its target: the channel variable, or v for delta synapses."""
    if key[0] == "delta":
        return "v"
    return channel_var(channels.index(key), key)


def on_pre(pop: Population, channels: list[tuple], key: tuple, weight: str) -> str:
    """The statement a presynaptic spike runs; ``weight`` is a number or ``w`` (SpikeStudio's units)."""
    var = synapse_target(pop, channels, key)
    if key[0] == "delta":
        sign = "-" if key[1] == "inhibitory" else ""
        gate = "*int(not_refractory_post)" if pop.model != "izhikevich" else ""
        return f"v_post += {sign}{weight}*mV{gate}"
    return f"{var}_post += {weight}*{'nS' if key[0] == 'conductance' else 'pA'}"
