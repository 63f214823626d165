"""Brian2 pieces of SpikeStudio's synaptic channels and current inputs, in SpikeStudio's units (the neuron
models' equations are emitted from their descriptions, ``brian2_custom``)."""

from __future__ import annotations

from ..model.network import CurrentInput, Population
from ..model.receptors import named_receptor
from ._common import num
from .brian2_synapses import spike_statement

__all__ = ["channel_key", "current_terms", "delta_gated", "refractory_period"]


def channel_key(proj, net=None) -> tuple:
    """One synaptic state variable per (kind, receptor, tau, E_rev, negative) into a target, as the engine's
    channels; a named receptor of the target's model (given ``net``) is one variable of its own, with the
    model's kinetics, and ``negative`` is a current or delta receptor's sign."""
    receptor = named_receptor(net, proj) if net is not None else None
    if receptor is not None:
        return (receptor.kind, receptor.name, float(receptor.tau),
                float(receptor.E_rev) if receptor.kind == "conductance" else 0.0, receptor.sign < 0)
    syn = proj.synapse
    return (syn.kind, syn.receptor, float(syn.tau), float(syn.E_rev) if syn.kind == "conductance" else 0.0,
            syn.receptor == "inhibitory")


def channel_var(k: int, key: tuple) -> str:
    """``g_c0``, ``I_c1``: a channel's variable; ``g_AMPA``, ``I_NAME`` for a named receptor's."""
    label = f"c{k}" if key[1] in ("excitatory", "inhibitory") else key[1]
    return f"g_{label}" if key[0] == "conductance" else f"I_{label}"


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


def delta_gated(desc) -> bool:
    """Whether a delta synapse leaves a refractory target alone: its model (a ``ModelDescription``) clamps the
    variable delta synapses jump while refractory, as SpikeStudio's updates then skip the jump."""
    return desc is not None and desc.refractory is not None and desc.input_var in desc.clamp


def synapse_target(pop: Population, channels: list[tuple], key: tuple) -> str:
    """What a spike changes on its target: the channel variable, or v for delta synapses."""
    if key[0] == "delta":
        return "v"
    return channel_var(channels.index(key), key)


def on_pre(pop: Population, channels: list[tuple], key: tuple, weight: str, gated: bool = True) -> str:
    """The statement a presynaptic spike runs (the kind's ``on_pre``, ``brian2_synapses``); ``weight`` is a number
    or ``w`` (SpikeStudio's units)."""
    var = synapse_target(pop, channels, key)
    if key[0] == "delta":
        return spike_statement("delta", var, weight, key[4], "*int(not_refractory_post)" if gated else "")
    return spike_statement(key[0], var, weight)
