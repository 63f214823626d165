"""Gallery examples of population rhythms: Brunel's (2000) states, Wang & Buzsaki (1996) interneuron gamma, PING.

Brunel's four states come from one network (the bundled ``brunel`` example, which is the asynchronous irregular
state) by changing g and the external rate as in his Figure 2: ``brunel_sr``, ``brunel_si_fast`` and
``brunel_si_slow`` are the other three, each its own example so the gallery shows all four side by side.
``make_examples.py`` registers the builders.
"""

from __future__ import annotations

from spikestudio.engine.model.network import Distribution, Metadata, Network, NodeLayout
from spikestudio.resources.examples.conductance import (
    AUTHOR,
    EXC_COLOR,
    INH_COLOR,
    INPUT_COLOR,
    LICENSE,
    add_note,
)

__all__ = ["BRUNEL_STATES", "brunel_state", "brunel_sr", "brunel_si_fast", "brunel_si_slow", "wang_buzsaki",
           "ping", "WANG_BUZSAKI"]

# Brunel (2000) Fig. 2: (g, nu_ext / nu_thr) of each state, its long name, the gallery's sentence and what the
# figure shows.
BRUNEL_STATES = {
    "SR": (3.0, 2.0, "synchronous regular",
           "Brunel's network with weak inhibition: its neurons fire fast and regularly, all in lockstep.",
           "Excitation dominates (g = 3): every neuron fires regularly near its maximal rate and the population "
           "rate oscillates at that frequency, hundreds of Hz."),
    "SI_fast": (6.0, 4.0, "fast synchronous irregular",
                "Brunel's network with strong inhibition and drive: irregular neurons, a population rhythm near "
                "180 Hz.",
                "Inhibition dominates and the drive is strong (g = 6, nu_ext = 4 nu_thr): neurons fire irregularly "
                "while the population rate oscillates fast, near 180 Hz, set by the delay."),
    "AI": (5.0, 2.0, "asynchronous irregular", "", "The bundled brunel example."),
    "SI_slow": (4.5, 0.9, "slow synchronous irregular",
                "Brunel's network with strong inhibition and weak drive: rare irregular spikes, a slow population "
                "rhythm.",
                "Inhibition dominates and the drive is below threshold (g = 4.5, nu_ext = 0.9 nu_thr): neurons "
                "fire rarely and irregularly while the population rate oscillates slowly, at a few tens of Hz."),
}


def brunel_state(state: str, seed: int) -> Network:
    """The bundled Brunel network moved to ``state`` of his Fig. 2 (both inhibitory weights g J, both drives)."""
    from spikestudio.resources.examples import make_examples  # at call time: make_examples imports this module

    g, eta, long_name, sentence, shows = BRUNEL_STATES[state]
    b = make_examples.BRUNEL
    nu_thr, _ = make_examples.brunel_rates()
    net = make_examples.brunel()
    net.seed = seed
    for pid in ("I->E", "I->I"):
        net.projections[pid].weight = Distribution("constant", value=g * b["J"])
    for iid in ("ext_E", "ext_I"):
        net.inputs[iid].rate = b["C_E"] * eta * nu_thr
    net.metadata = Metadata(
        title=f"Brunel (2000): {long_name} state",
        author=AUTHOR,
        description=(
            f"{sentence} "
            f"Model A of Brunel (2000, J. Comput. Neurosci. 8:183) at g = {g:g}, nu_ext / nu_thr = {eta:g}, as in "
            f"his Fig. 2. {shows} The network is the bundled brunel example (its asynchronous irregular state, "
            "g = 5, nu_ext = 2 nu_thr) with only g and the external rate changed, scaled down from the paper's "
            "10,000 + 2,500 neurons (C_E = 1000, J = 0.1 mV): 4000 excitatory and 1000 "
            "inhibitory LIF neurons (V_th = 20 mV, V_reset = 10 mV, tau_m = 20 ms, t_ref = 2 ms), C_E = 400 "
            f"excitatory inputs of J = 0.2 mV and C_I = 100 inhibitory inputs of g J = {g * b['J']:g} mV per "
            f"neuron, delay 1.5 ms, and one Poisson source per neuron at C_E nu_ext = {b['C_E'] * eta * nu_thr:g} "
            "Hz. brunel.sweep.json spans the whole phase diagram."),
        license=LICENSE)
    add_note(net, f"Brunel (2000) J. Comput. Neurosci. 8:183, Fig. 2: the {long_name} state (g = {g:g}, "
                  f"nu_ext = {eta:g} nu_thr).\n\nThe four states SR, SI fast, AI and SI slow are one network: only "
                  "the inhibitory weights (g) and the drive's rate differ. Compare the rasters and rate plots.",
             width=460.0)
    return net


def brunel_sr() -> Network:
    """Brunel (2000) Fig. 2A: synchronous regular (g = 3, nu_ext = 2 nu_thr)."""
    return brunel_state("SR", 2001)


def brunel_si_fast() -> Network:
    """Brunel (2000) Fig. 2B: fast synchronous irregular (g = 6, nu_ext = 4 nu_thr)."""
    return brunel_state("SI_fast", 2002)


def brunel_si_slow() -> Network:
    """Brunel (2000) Fig. 2D: slow synchronous irregular (g = 4.5, nu_ext = 0.9 nu_thr)."""
    return brunel_state("SI_slow", 2004)


# Wang & Buzsaki (1996): per unit area, on a 10,000 um2 patch (1 uF/cm2 -> 100 pF, 1 mS/cm2 -> 100 nS).
# m is instantaneous (m_inf), so three state variables; the v equation is not linear in v, so RK4.
WANG_BUZSAKI = """\
title Wang-Buzsaki interneuron
about Fast-spiking hippocampal basket cell of Wang & Buzsaki (1996), on a 10,000 um2 patch
state v = -64 mV
state h = 0.78
state n = 0.09
param C_m = 100 pF (0, inf) "Membrane capacitance (1 uF/cm2 on 10,000 um2)"
param g_Na = 3500 nS [0, inf) "Sodium peak conductance (35 mS/cm2)"
param g_K = 900 nS [0, inf) "Potassium peak conductance (9 mS/cm2)"
param g_L = 10 nS [0, inf) "Leak conductance (0.1 mS/cm2)"
param E_Na = 55 mV [-200, 200] "Sodium reversal potential"
param E_K = -90 mV [-200, 200] "Potassium reversal potential"
param E_L = -65 mV [-200, 200] "Leak reversal potential"
param phi = 5 (0, inf) "Temperature factor of the h and n kinetics"
param I_e = 0 pA "Constant bias current"
let x_m = -0.1*(v + 35*mV)/mV
let x_n = -0.1*(v + 34*mV)/mV
let alpha_m = where(abs(x_m) < 1e-6, 1/ms, x_m/(exp(x_m) - 1)/ms)
let beta_m = 4/ms*exp(-(v + 60*mV)/(18*mV))
let m_inf = alpha_m/(alpha_m + beta_m)
let alpha_h = 0.07/ms*exp(-(v + 58*mV)/(20*mV))
let beta_h = 1/ms/(1 + exp(-0.1*(v + 28*mV)/mV))
let alpha_n = where(abs(x_n) < 1e-6, 0.1/ms, 0.1*x_n/(exp(x_n) - 1)/ms)
let beta_n = 0.125/ms*exp(-(v + 44*mV)/(80*mV))
dv/dt = (g_Na*m_inf**3*h*(E_Na - v) + g_K*n**4*(E_K - v) + g_L*(E_L - v) + I_e + I_syn)/C_m
dh/dt = phi*(alpha_h*(1 - h) - beta_h*h)
dn/dt = phi*(alpha_n*(1 - n) - beta_n*n)
threshold v > -20*mV
refractory 2*ms
"""

WB_SIZE, WB_DRIVE, WB_NOISE, WB_WEIGHT = 100, 130.0, 2.0, 0.1  # neurons, pA, pA (OU std), nS per synapse


def wang_buzsaki() -> Network:
    """Wang & Buzsaki (1996): 100 interneurons inhibiting each other all-to-all fire together in the gamma band."""
    net = Network(dt=0.05, duration=1000.0, seed=1996, metadata=Metadata(
        title="Interneuron gamma (Wang & Buzsaki 1996)",
        author=AUTHOR,
        description=(
            "A hundred interneurons that only inhibit each other fall into step and fire together in a gamma "
            "rhythm near 45 Hz. The network of Wang & Buzsaki (1996, J. Neurosci. 16:6402): 100 fast-spiking "
            "Wang-Buzsaki model interneurons (Hodgkin-Huxley type, instantaneous sodium activation, phi = 5; "
            "written as equations in the network, model wang_buzsaki: C_m = 1 uF/cm2, g_Na = 35, g_K = 9, "
            "g_L = 0.1 mS/cm2, E_Na = 55, E_K = -90, E_L = -65 mV, on a 10,000 um2 patch) connected all-to-all by "
            "GABA_A synapses: exponential conductances of g_syn / N = 0.1 nS each (the paper's g_syn = 0.1 "
            "mS/cm2), tau = 10 ms (its beta = 0.1/ms), E_rev = -75 mV, delay 1 ms (standing in for the paper's "
            "synaptic rise during the presynaptic spike). Each neuron gets 130 pA (1.3 uA/cm2) plus a little "
            "independent Ornstein-Uhlenbeck noise (std 2 pA, tau 10 ms) and starts at a random potential. "
            "Alone each neuron would fire at its own phase; the shared inhibition lines them up within a few "
            "cycles into a coherent population rhythm near 45 Hz, each neuron firing on most cycles. RK4 at "
            "dt = 0.05 ms."),
        license=LICENSE))
    net.add_model("wang_buzsaki", WANG_BUZSAKI)
    net.add_population("I", WB_SIZE, "wang_buzsaki", initial={"v": Distribution("uniform", low=-70.0, high=-50.0)})
    net.add_current("drive", "I", "dc", amplitude=WB_DRIVE)
    net.add_current("noise", "I", "ou", mean=0.0, std=WB_NOISE, tau=10.0)
    net.connect("I", "I", "all_to_all", id="I->I", weight=WB_WEIGHT, delay=1.0, synapse="conductance",
                receptor="inhibitory", tau=10.0, E_rev=-75.0)
    net.record_spikes("I")
    net.record_rate("I", bin=1.0)
    net.record_state("I", "v", neurons=[0, 1, 2], interval=0.1)
    net.layout = {"drive": NodeLayout(-330.0, -70.0, INPUT_COLOR), "noise": NodeLayout(-330.0, 70.0, INPUT_COLOR),
                  "I": NodeLayout(0.0, 0.0, INH_COLOR)}
    add_note(net, "Wang & Buzsaki (1996) J. Neurosci. 16:6402: gamma oscillation by synaptic inhibition in an "
                  "interneuronal network.\n\nOnly mutual inhibition (the blue loop) lines the neurons up; set its "
                  "weight to 0 and they drift apart. The model is equations: Edit Model... on I.",
             x=-330.0, y=-360.0)
    return net


PING_E, PING_I, PING_DRIVE = 800, 200, 4000.0  # neurons, neurons, Hz per excitatory neuron


def ping() -> Network:
    """PING: excitatory neurons excite interneurons, which inhibit them back; the loop rings in the gamma band."""
    net = Network(dt=0.1, duration=1000.0, seed=2005, metadata=Metadata(
        title="PING gamma rhythm (pyramidal-interneuron loop)",
        author=AUTHOR,
        description=(
            "Excitatory cells fire interneurons that silence them back, and the loop rings in the gamma band. "
            "Excitation leads inhibition by a few ms. The pyramidal-interneuron network gamma (PING) "
            "mechanism of Whittington et al. (2000, Int. J. Psychophysiol. 38:315) and Borgers & Kopell (2003, "
            "Neural Comput. 15:509), with LIF neurons and conductance synapses: 800 excitatory (tau_m = 20 ms, "
            "t_ref = 2 ms) and 200 inhibitory (tau_m = 10 ms, t_ref = 1 ms) neurons (C_m = 200 pF, E_L = V_reset "
            "= -65 mV, V_th = -50 mV). Only the excitatory neurons are driven, each by its own Poisson train "
            "(4 kHz through 1 nS, tau = 2 ms); E -> I fast AMPA-like (0.5 nS, tau = 2 ms) and I -> E GABA_A-like "
            "(1.5 nS, tau = 6 ms, E_rev = -80 mV) connections with probability 0.2 and delay 1 ms, no E -> E and no "
            "I -> I. Each volley of excitatory spikes fires the interneurons a few ms later; their inhibition "
            "holds the excitatory cells until it decays, which sets the period: a population rhythm near 45 Hz "
            "in which each interneuron fires once per cycle and each excitatory cell on most cycles."),
        license=LICENSE))
    lif = {"C_m": 200.0, "E_L": -65.0, "V_th": -50.0, "V_reset": -65.0,
           "initial": {"v": Distribution("uniform", low=-65.0, high=-50.0)}}
    net.add_population("E", PING_E, "lif", tau_m=20.0, t_ref=2.0, **lif)
    net.add_population("I", PING_I, "lif", tau_m=10.0, t_ref=1.0, **lif)
    net.add_poisson("drive", PING_E, rate=PING_DRIVE)
    net.connect("drive", "E", "one_to_one", weight=1.0, delay=0.1, synapse="conductance", tau=2.0, E_rev=0.0)
    net.connect("E", "I", "fixed_probability", p=0.2, weight=0.5, delay=1.0, synapse="conductance", tau=2.0,
                E_rev=0.0)
    net.connect("I", "E", "fixed_probability", p=0.2, weight=1.5, delay=1.0, synapse="conductance",
                receptor="inhibitory", tau=6.0, E_rev=-80.0)
    for pop in ("E", "I"):
        net.record_spikes(pop)
        net.record_rate(pop, bin=1.0)
    net.record_state("E", "v", neurons=[0, 1], interval=0.1)
    net.record_state("I", "v", neurons=[0], interval=0.1)
    net.layout = {"drive": NodeLayout(-330.0, 0.0, INPUT_COLOR), "E": NodeLayout(0.0, 0.0, EXC_COLOR),
                  "I": NodeLayout(440.0, 0.0, INH_COLOR)}
    add_note(net, "PING: pyramidal-interneuron network gamma (Whittington et al. 2000; Borgers & Kopell 2003).\n\n"
                  "E fires, I follows a few ms later and silences E until its inhibition (tau = 6 ms) decays: "
                  "the period of the rhythm. Compare the E and I rates: E leads.")
    return net
