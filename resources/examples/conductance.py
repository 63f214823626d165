"""Gallery examples with conductance synapses: Brette et al. (2007) benchmarks 1 (COBA) and 3 (HH-COBA).

Both are the Vogels & Abbott (2005) network of 3200 excitatory and 800 inhibitory neurons connected at random
(p = 0.02) through exponential conductances, started by a short kick of input spikes and then self-sustained.
``make_examples.py`` registers the builders; ``GALLERY`` holds the look the gallery examples share.
"""

from __future__ import annotations

import numpy as np
from spikestudio.engine.model.network import Distribution, Metadata, Network, NodeLayout

__all__ = ["coba", "hh_coba", "TRAUB_MILES", "KICK_MS", "add_kick", "add_note"]

AUTHOR = "SpikeStudio"
LICENSE = "CC0-1.0"
EXC_COLOR, INH_COLOR, INPUT_COLOR = "#d62728", "#1f77b4", "#7f7f7f"  # as make_examples.py
NOTE_X, NOTE_Y = -330.0, -330.0  # the citing sticky note sits above the network, left-aligned with its inputs

KICK_MS = 50.0  # the kick's input spikes fall in [0, KICK_MS); after it the activity sustains itself
KICK_SOURCES, KICK_RATE, KICK_P = 100, 100.0, 0.1  # 100 spike trains at 100 Hz, each neuron hears 10 of them

# Brette et al. (2007) benchmark 3: Traub & Miles (1991) rates shifted by V_T, on a 20,000 um2 patch
# (as Brian2's examples/COBAHH.py). Four state variables, integrated by exponential Euler at dt as Brian2 does.
TRAUB_MILES = """\
title Traub-Miles Hodgkin-Huxley neuron
about Hodgkin-Huxley neuron with the rate functions of Traub & Miles (1991), as in Brette et al. (2007) benchmark 3
state v = -60 mV
state m = 0
state h = 1
state n = 0
param C_m = 200 pF (0, inf) "Membrane capacitance (1 uF/cm2 on 20,000 um2)"
param g_Na = 20000 nS [0, inf) "Sodium peak conductance"
param g_K = 6000 nS [0, inf) "Delayed-rectifier potassium peak conductance"
param g_L = 10 nS [0, inf) "Leak conductance"
param E_Na = 50 mV [-200, 200] "Sodium reversal potential"
param E_K = -90 mV [-200, 200] "Potassium reversal potential"
param E_L = -60 mV [-200, 200] "Leak reversal potential"
param V_T = -63 mV [-200, 200] "Voltage shift of the rate functions"
param I_e = 0 pA "Constant bias current"
let x_m = (13*mV - v + V_T)/(4*mV)
let y_m = (v - V_T - 40*mV)/(5*mV)
let x_n = (15*mV - v + V_T)/(5*mV)
let alpha_m = where(abs(x_m) < 1e-6, 1.28/ms, 1.28/ms*x_m/(exp(x_m) - 1))
let beta_m = where(abs(y_m) < 1e-6, 1.4/ms, 1.4/ms*y_m/(exp(y_m) - 1))
let alpha_h = 0.128/ms*exp((17*mV - v + V_T)/(18*mV))
let beta_h = 4/ms/(1 + exp((40*mV - v + V_T)/(5*mV)))
let alpha_n = where(abs(x_n) < 1e-6, 0.16/ms, 0.16/ms*x_n/(exp(x_n) - 1))
let beta_n = 0.5/ms*exp((10*mV - v + V_T)/(40*mV))
dv/dt = (g_L*(E_L - v) + g_Na*m**3*h*(E_Na - v) + g_K*n**4*(E_K - v) + I_e + I_syn)/C_m
dm/dt = alpha_m*(1 - m) - beta_m*m
dh/dt = alpha_h*(1 - h) - beta_h*h
dn/dt = alpha_n*(1 - n) - beta_n*n
threshold v > -20*mV
refractory 3*ms
method exponential_euler
"""


def add_kick(net: Network, targets: tuple[str, ...], weight: float, seed: int) -> None:
    """A short burst of Poisson spike trains (``KICK_SOURCES`` at ``KICK_RATE`` for ``KICK_MS``) onto ``targets``
    through excitatory conductances: the initial stimulus of Brette et al. (2007) that starts the activity."""
    rng = np.random.default_rng(seed)
    count = rng.poisson(KICK_SOURCES * KICK_RATE * KICK_MS / 1000.0)
    times = np.round(np.sort(rng.uniform(0.0, KICK_MS, count)), 1)
    neurons = rng.integers(0, KICK_SOURCES, count)
    net.add_spike_times("kick", KICK_SOURCES, neurons=neurons.tolist(), times=times.tolist())
    for tgt in targets:
        net.connect("kick", tgt, "fixed_probability", p=KICK_P, weight=weight, delay=0.1, synapse="conductance",
                    receptor="excitatory", tau=5.0, E_rev=0.0)


def add_note(net: Network, text: str, x: float = NOTE_X, y: float = NOTE_Y, width: float = 420.0,
             height: float = 150.0) -> None:
    """The sticky note citing the paper, above the network (in place of the note of a network it starts from)."""
    net.notes.pop("paper", None)
    net.add_note("paper", text, x, y, width=width, height=height)


def _vogels_abbott(net: Network, model: str, params: dict, initial: dict) -> None:
    """3200 E and 800 I neurons, p = 0.02, exponential conductances of 6 nS (E, 5 ms) and 67 nS (I, 10 ms)."""
    net.add_population("E", 3200, model, **params, initial=initial)
    net.add_population("I", 800, model, **params, initial=initial)
    for src, receptor, tau, weight, e_rev in (("E", "excitatory", 5.0, 6.0, 0.0), ("I", "inhibitory", 10.0, 67.0,
                                                                                    -80.0)):
        for tgt in ("E", "I"):
            net.connect(src, tgt, "fixed_probability", p=0.02, weight=weight, delay=0.1, synapse="conductance",
                        receptor=receptor, tau=tau, E_rev=e_rev)
    add_kick(net, ("E", "I"), 6.0, net.seed)
    for pop in ("E", "I"):
        net.record_spikes(pop)
        net.record_rate(pop, bin=1.0)
    net.record_state("E", "v", neurons=[0, 1, 2], interval=0.1)
    net.layout = {"kick": NodeLayout(220.0, 280.0, INPUT_COLOR), "E": NodeLayout(0.0, 0.0, EXC_COLOR),
                  "I": NodeLayout(440.0, 0.0, INH_COLOR)}


def coba() -> Network:
    """Brette et al. (2007) benchmark 1: the Vogels & Abbott (2005) network with conductance synapses."""
    net = Network(dt=0.1, duration=1000.0, seed=2007, metadata=Metadata(
        title="COBA benchmark (Brette et al. 2007, benchmark 1)",
        author=AUTHOR,
        description=(
            "Four thousand neurons coupled through conductances keep firing irregularly on their own after a brief "
            "kick. Benchmark 1 of Brette et al. (2007, J. Comput. "
            "Neurosci. 23:349), the conductance-based network of Vogels & Abbott (2005, J. Neurosci. 25:10786) "
            "as in NEST's and Brian's versions: 3200 excitatory and 800 inhibitory LIF neurons (C_m = 200 pF, "
            "g_L = 10 nS so tau_m = 20 ms, E_L = V_reset = -60 mV, V_th = -50 mV, t_ref = 5 ms, initial v uniform "
            "in [-60, -50] mV), connected at random with probability 0.02. Exponential conductances: excitatory "
            "6 nS, tau = 5 ms, E_rev = 0 mV; inhibitory 67 nS, tau = 10 ms, E_rev = -80 mV; delay 0.1 ms. No "
            "external drive: 100 spike trains at 100 Hz for the first 50 ms (each neuron hears 10 of them "
            "through 6 nS) start the activity, which then sustains itself at about 20 Hz, asynchronous and "
            "irregular (CV of the interspike intervals above 1, a population rate without bursts)."),
        license=LICENSE))
    _vogels_abbott(net, "lif", {"tau_m": 20.0, "C_m": 200.0, "E_L": -60.0, "V_th": -50.0, "V_reset": -60.0,
                                "t_ref": 5.0}, {"v": Distribution("uniform", low=-60.0, high=-50.0)})
    add_note(net, "COBA: benchmark 1 of Brette et al. (2007) J. Comput. Neurosci. 23:349, the network of "
                  "Vogels & Abbott (2005) J. Neurosci. 25:10786.\n\nThe grey kick fires only in the first 50 ms; "
                  "after it the network sustains asynchronous irregular activity on its own (about 20 Hz, CV > 1).")
    return net


def hh_coba() -> Network:
    """Brette et al. (2007) benchmark 3: the same network of Traub-Miles Hodgkin-Huxley neurons."""
    net = Network(dt=0.1, duration=1000.0, seed=2007, metadata=Metadata(
        title="HH-COBA benchmark (Brette et al. 2007, benchmark 3)",
        author=AUTHOR,
        description=(
            "Four thousand Hodgkin-Huxley neurons coupled through conductances keep firing irregularly after a "
            "brief kick. Benchmark 3 of Brette et al. (2007, J. Comput. Neurosci. 23:349), as in "
            "Brian2's COBAHH example: the Vogels & Abbott (2005) network of 3200 excitatory and 800 inhibitory "
            "neurons (random connections, p = 0.02) with Hodgkin-Huxley neurons whose sodium and potassium rates "
            "are those of Traub & Miles (1991), shifted by V_T = -63 mV, on a 20,000 um2 patch: C_m = 200 pF, "
            "g_L = 10 nS, g_Na = 20 uS, g_K = 6 uS, E_L = -60 mV, E_Na = 50 mV, E_K = -90 mV. The model is "
            "written as equations in the network (model traub_miles, four state variables, exponential Euler "
            "at dt = 0.1 ms); a spike is counted when v crosses -20 mV (3 ms refractory). Exponential "
            "conductances: excitatory 6 nS, tau = 5 ms, E_rev = 0 mV; inhibitory 67 nS, tau = 10 ms, "
            "E_rev = -80 mV; delay 0.1 ms. Initial v normal (mean -65 mV, std 5 mV). 100 spike trains at 100 Hz "
            "for the first 50 ms start the activity, which then sustains itself at about 40 Hz with very "
            "irregular interspike intervals (CV about 2)."),
        license=LICENSE))
    net.add_model("traub_miles", TRAUB_MILES)
    _vogels_abbott(net, "traub_miles", {}, {"v": Distribution("normal", mean=-65.0, std=5.0)})
    add_note(net, "HH-COBA: benchmark 3 of Brette et al. (2007) J. Comput. Neurosci. 23:349. Hodgkin-Huxley "
                  "neurons with Traub & Miles (1991) kinetics, written as equations (Edit Model... on E or I).\n\n"
                  "After the 50 ms kick the network sustains irregular firing on its own.")
    return net
