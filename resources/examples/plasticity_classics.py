"""Gallery examples of published plasticity and dynamics classics, each reproducing its paper's signature.

Song, Miller & Abbott (2000) additive STDP, Vogels, Sprekeler et al. (2011) inhibitory STDP (a rule described by
equations, carried in the file), Mongillo, Barak & Tsodyks (2008) working memory by short-term facilitation and
Izhikevich (2006) polychronization, and homeostatic synaptic scaling after Turrigiano et al. (1998) and van Rossum,
Bi & Turrigiano (2000). ``make_examples.py`` registers the builders; ``tests/test_gallery_plasticity.py``
asserts each paper's signature with the engine.
"""

from __future__ import annotations

import math

from spikestudio.engine.model.catalog import IZHIKEVICH_PRESETS
from spikestudio.engine.model.network import Distribution, Metadata, Network, NodeLayout, Plasticity
from spikestudio.plugins.builtin.described_rules import HOMEOSTASIS_TEXT

__all__ = ["song_stdp", "SONG", "vogels_istdp", "VOGELS", "VOGELS_SPREKELER_RULE", "polychronization", "POLY",
           "mongillo_wm", "MONGILLO", "synaptic_scaling", "SCALING"]

AUTHOR = "SpikeStudio"
LICENSE = "CC0-1.0"
EXC_COLOR, INH_COLOR, INPUT_COLOR = "#d62728", "#1f77b4", "#7f7f7f"  # as make_examples.py
NOTE_COLOR = "#fff59d"  # the canvas's yellow card


def _note(net: Network, text: str, x: float, y: float, width: float = 420.0, height: float = 150.0) -> None:
    """The sticky note citing the paper, placed above the network."""
    net.add_note("citation", text, x=x, y=y, width=width, height=height, color=NOTE_COLOR)


def _record(net: Network, pops, v_neurons=(0,)) -> None:
    for pop in pops:
        net.record_spikes(pop)
        net.record_rate(pop, bin=10.0)
    net.record_state(pops[0], "v", neurons=list(v_neurons), interval=net.dt)


# --- Song, Miller & Abbott (2000) ------------------------------------------------------------------------------

# As Brian2's examples/frompapers/Song_Miller_Abbott_2000.py (the paper's Fig. 2 setting): g_max in units of the
# leak conductance g_L = C_m / tau_m, so 0.01 g_L = 0.1 nS here.
SONG = {"N": 1000, "rate": 15.0, "tau_m": 10.0, "C_m": 100.0, "E_L": -74.0, "V_th": -54.0, "V_reset": -60.0,
        "tau_e": 5.0, "g_max": 0.1, "A_plus": 0.01, "A_minus": 0.0105, "tau_stdp": 20.0}


def song_stdp() -> Network:
    """A LIF neuron driven by 1000 Poisson inputs through additive STDP: the weights split into two groups."""
    s = SONG
    net = Network(dt=0.1, duration=200_000.0, seed=2000, metadata=Metadata(
        title="Competitive STDP (Song, Miller & Abbott 2000)",
        author=AUTHOR,
        description=(
            "Additive STDP splits the weights of a neuron's 1000 inputs into strong and silent ones (Song, Miller "
            "& Abbott 2000). "
            "The setting of Song, Miller & Abbott (2000, Nat. Neurosci. 3:919), Fig. 2, with the parameters of "
            "Brian2's example of it: one LIF neuron (tau_m = 10 ms, E_L = -74 mV, V_th = -54 mV, V_reset = -60 mV, "
            "C_m = 100 pF, so g_L = 10 nS) receives 1000 independent Poisson inputs at 15 Hz through excitatory "
            "conductance synapses (E_rev = 0 mV, tau = 5 ms), initial weights uniform in [0, g_max], g_max = "
            "0.1 nS (0.01 g_L). Additive pair STDP with all-to-all pairing: A_plus = 0.01 g_max, A_minus = 1.05 "
            "A_plus, tau_plus = tau_minus = 20 ms, hard bounds [0, g_max]. Depression slightly outweighs "
            "potentiation, so inputs whose spikes do not help fire the neuron lose their weight, while those that "
            "happen to be strong cause spikes and are potentiated further: the inputs compete, the output rate "
            "falls from about 40 Hz to about 20 Hz and the weight histogram (Weights dock) turns from flat to "
            "bimodal, piling up at 0 and at g_max. 200 s at dt = 0.1 ms, about 8 s to run."),
        license=LICENSE))
    net.add_population("neuron", 1, "lif", tau_m=s["tau_m"], C_m=s["C_m"], E_L=s["E_L"], V_th=s["V_th"],
                       V_reset=s["V_reset"], t_ref=0.0)
    net.add_poisson("inputs", s["N"], rate=s["rate"])
    stdp = Plasticity("stdp", {"w_max": s["g_max"], "A_plus": s["A_plus"], "A_minus": s["A_minus"],
                               "tau_plus": s["tau_stdp"], "tau_minus": s["tau_stdp"]})
    net.connect("inputs", "neuron", "all_to_all", id="stdp", weight=Distribution("uniform", low=0.0, high=s["g_max"]),
                delay=0.1, synapse="conductance", tau=s["tau_e"], E_rev=0.0, plasticity=stdp)
    _record(net, ["neuron"])
    net.layout = {"inputs": NodeLayout(-330.0, 0.0, INPUT_COLOR), "neuron": NodeLayout(110.0, 0.0, EXC_COLOR)}
    _note(net, "Song, Miller & Abbott (2000), Nat. Neurosci. 3:919. Competitive Hebbian learning through "
               "spike-timing-dependent synaptic plasticity.\n\nRun, then open the Weights dock on 'stdp': the "
               "flat histogram of the 1000 input weights splits into two groups, at 0 and at g_max.",
          x=-330.0, y=-230.0, width=540.0, height=150.0)
    return net


# --- Vogels, Sprekeler, Zenke, Clopath & Gerstner (2011) ------------------------------------------------------

# The rule as a description (the rule language of engine/equations/rule_text.py), carried in the network file, so
# the example runs without any plugin; the same text as tests/data/rules/vogels_sprekeler.rule (whose first
# line, a comment, is shortened here).
VOGELS_SPREKELER_RULE = """\
# Inhibitory STDP of Vogels, Sprekeler, Zenke, Clopath & Gerstner (2011).
title Vogels-Sprekeler inhibitory STDP
about Symmetric inhibitory plasticity that balances excitation: the postsynaptic rate settles at rho0.
param eta = 1 [0, 1000] "Learning rate (weight change per pairing, in the weight's unit)"
param tau = 20 ms (0, inf) "Time constant of both traces"
param rho0 = 10 Hz (0, inf) "Target rate of the postsynaptic neurons"
param w_max = 1000 (0, inf) "Upper bound of the weight"
pre x_pre = 0
post x_post = 0
let alpha = 2*rho0*tau  # the depression bias: 2 rho0 tau
dx_pre/dt = -x_pre/tau
dx_post/dt = -x_post/tau
on_pre x_pre += 1
on_pre w = clip(w + eta*(x_post - alpha), 0, w_max)
on_post x_post += 1
on_post w = clip(w + eta*x_pre, 0, w_max)
"""

# The recurrent network of their Fig. 4 as in Brian2's examples/frompapers/Vogels_et_al_2011.py (NE = 8000, NI =
# 2000, p = 0.02), scaled to a quarter of the neurons with the connection probability raised to 0.08 so that every
# neuron keeps its 160 excitatory and 40 inhibitory inputs.
VOGELS = {"N_E": 2000, "N_I": 500, "p": 0.08, "g_E": 0.3, "g_II": 3.0, "tau_E": 5.0, "tau_I": 10.0,
          "rho0": 3.0, "eta": 0.1, "tau_stdp": 20.0, "w_max": 100.0}


def vogels_istdp() -> Network:
    """A recurrent E-I network without inhibition onto E: inhibitory STDP grows it until E fires at rho0."""
    v = VOGELS
    net = Network(dt=0.1, duration=10_000.0, seed=2011, metadata=Metadata(
        title="Inhibitory plasticity balances excitation (Vogels, Sprekeler et al. 2011)",
        author=AUTHOR,
        description=(
            "Inhibitory STDP grows inhibition until it balances excitation, at the target rate (Vogels, Sprekeler "
            "and others 2011). "
            "The recurrent network of Vogels, Sprekeler, Zenke, Clopath & Gerstner (2011, Science 334:1569), "
            "Fig. 4, as in Brian2's example of it, scaled to 2000 excitatory and 500 inhibitory LIF neurons "
            "(C_m = 200 pF, g_L = 10 nS so tau_m = 20 ms, E_L = V_reset = -60 mV, V_th = -50 mV, t_ref = 5 ms, "
            "a 200 pA background current, initial v uniform in [-60, -50] mV) connected at random with "
            "probability 0.08, so each neuron keeps the 160 excitatory and 40 inhibitory inputs of the full "
            "10,000-neuron network (p = 0.02). Conductance synapses: excitatory 0.3 nS (E_rev = 0 mV, tau = "
            "5 ms), inhibitory onto I 3 nS (E_rev = -80 mV, tau = 10 ms). The inhibitory synapses onto E start "
            "at 0 and learn with the symmetric iSTDP rule of the paper, written as equations in the network file "
            "(the rule 'vogels_sprekeler': a pre/post pair within tau = 20 ms potentiates by eta, each presynaptic "
            "spike depresses by eta alpha, alpha = 2 rho0 tau, with rho0 = 3 Hz). The learning rate eta = 0.1 nS "
            "is ten times Brian2's, so the network settles within a few seconds instead of tens. Without "
            "inhibition the excitatory neurons fire at about 160 Hz; inhibition grows onto them (mean weight "
            "about 2 nS) until they fire at about 4 Hz, near rho0, and the inhibitory current onto each neuron "
            "follows its excitatory one (detailed balance across neurons). 10 s at dt = 0.1 ms."),
        license=LICENSE))
    net.add_rule("vogels_sprekeler", VOGELS_SPREKELER_RULE)
    lif = {"tau_m": 20.0, "C_m": 200.0, "E_L": -60.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 5.0, "I_e": 200.0,
           "initial": {"v": Distribution("uniform", low=-60.0, high=-50.0)}}
    net.add_population("E", v["N_E"], "lif", **lif)
    net.add_population("I", v["N_I"], "lif", **lif)
    exc = {"synapse": "conductance", "delay": 0.1, "tau": v["tau_E"], "E_rev": 0.0}
    inh = {"synapse": "conductance", "delay": 0.1, "tau": v["tau_I"], "E_rev": -80.0, "receptor": "inhibitory"}
    net.connect("E", "E", "fixed_probability", p=v["p"], weight=v["g_E"], **exc)
    net.connect("E", "I", "fixed_probability", p=v["p"], weight=v["g_E"], **exc)
    net.connect("I", "I", "fixed_probability", p=v["p"], weight=v["g_II"], **inh)
    istdp = Plasticity("vogels_sprekeler", {"eta": v["eta"], "tau": v["tau_stdp"], "rho0": v["rho0"],
                                            "w_max": v["w_max"]})
    net.connect("I", "E", "fixed_probability", id="istdp", p=v["p"], weight=0.0, plasticity=istdp, **inh)
    _record(net, ["E", "I"], v_neurons=(0, 1))
    net.layout = {"E": NodeLayout(0.0, 0.0, EXC_COLOR), "I": NodeLayout(440.0, 0.0, INH_COLOR)}
    _note(net, "Vogels, Sprekeler, Zenke, Clopath & Gerstner (2011), Science 334:1569. Inhibitory plasticity "
               "balances excitation and inhibition in sensory pathways and memory networks.\n\nThe I -> E "
               "synapses ('istdp') start at 0 and learn with the iSTDP rule carried in this file: watch the "
               "E rate fall to about rho0 = 3 Hz.", x=-60.0, y=-300.0, width=600.0, height=140.0)
    return net


# --- Izhikevich (2006) polychronization ----------------------------------------------------------------------

# The network of Izhikevich (2006, Neural Comput. 18:245) and its spnet.m: every neuron sends M = 100 synapses,
# excitatory ones to random neurons with axonal delays of 1-20 ms, inhibitory ones to excitatory neurons with 1 ms.
POLY = {"N_E": 800, "N_I": 200, "M": 100, "w_E": 6.0, "w_I": 5.0, "w_max": 10.0, "A_plus": 0.1, "A_minus": 0.12,
        "tau_stdp": 20.0, "thalamic": 20.0}


def polychronization() -> Network:
    """1000 Izhikevich neurons with axonal delays and STDP: the excitatory weights split into weak and strong."""
    p = POLY
    net = Network(dt=0.5, duration=180_000.0, seed=2006, metadata=Metadata(
        title="Polychronization: delays and STDP (Izhikevich 2006)",
        author=AUTHOR,
        description=(
            "With axonal delays of 1 to 20 ms and STDP, a network's weights split into weak and strong (Izhikevich "
            "2006). "
            "The network of Izhikevich (2006, Neural Comput. 18:245) and its program spnet.m: 800 excitatory "
            "regular-spiking (a = 0.02, b = 0.2, c = -65, d = 8) and 200 inhibitory fast-spiking (a = 0.1, d = 2) "
            "Izhikevich neurons, dt = 0.5 ms (the paper's half-millisecond steps). Each neuron sends 100 "
            "synapses: an excitatory neuron 80 to excitatory and 20 to inhibitory neurons (random targets, the "
            "paper's proportions), with delays uniform in [1, 20] ms and initial weight 6; an inhibitory one 100 "
            "to excitatory neurons, delay 1 ms, weight 5. A spike of weight w starts a current of w pA with tau = "
            "1 ms, which moves v by about w mV, as the paper's one-millisecond pulse. Every excitatory synapse "
            "learns with additive STDP (tau = 20 ms, bounds [0, 10]); the paper accumulates the pairings' changes "
            "(0.1 and -0.12 mV) in a derivative applied once a second and decaying by 0.9 each second, ten times "
            "their size in all, so here each pairing moves the weight by 1 mV (A_plus = 0.1) or -1.2 mV (A_minus "
            "= 0.12) at once; the paper's constant drift of 0.01 mV/s is left out. Random thalamic input: each "
            "neuron receives a 20 pA pulse at 1 Hz (Poisson), one neuron per millisecond on average, as in the "
            "paper. The excitatory neurons fire at about 2 Hz, the inhibitory ones at about 24 Hz; within three "
            "minutes the excitatory weights, all 6 at first, pile up near 0 and near the upper bound 10 (Weights "
            "dock): the bimodal distribution of the paper's Fig. 5, whose strong synapses carry the polychronous "
            "groups of time-locked spikes. 180 s, about 10 s to run."),
        license=LICENSE))
    net.add_population("E", p["N_E"], "izhikevich", **IZHIKEVICH_PRESETS["RS"])
    net.add_population("I", p["N_I"], "izhikevich", **IZHIKEVICH_PRESETS["FS"])
    for pop in ("E", "I"):
        net.add_poisson(f"thalamus_{pop}", p[f"N_{pop}"], rate=1.0)
        net.connect(f"thalamus_{pop}", pop, "one_to_one", weight=p["thalamic"], delay=0.5, synapse="current", tau=1.0)
    delays = Distribution("uniform", low=1.0, high=20.0)
    for tgt, k in (("E", 80), ("I", 20)):
        stdp = Plasticity("stdp", {"w_max": p["w_max"], "A_plus": p["A_plus"], "A_minus": p["A_minus"],
                                   "tau_plus": p["tau_stdp"], "tau_minus": p["tau_stdp"]})
        net.connect("E", tgt, "fixed_outdegree", id=f"E->{tgt}", k=k, weight=p["w_E"], delay=delays,
                    synapse="current", tau=1.0, plasticity=stdp)
    net.connect("I", "E", "fixed_outdegree", k=p["M"], weight=p["w_I"], delay=1.0, synapse="current", tau=1.0,
                receptor="inhibitory")
    _record(net, ["E", "I"], v_neurons=(0, 1))
    net.layout = {"thalamus_E": NodeLayout(-330.0, 0.0, INPUT_COLOR), "E": NodeLayout(0.0, 0.0, EXC_COLOR),
                  "I": NodeLayout(440.0, 0.0, INH_COLOR), "thalamus_I": NodeLayout(820.0, 0.0, INPUT_COLOR)}
    _note(net, "Izhikevich (2006), Neural Computation 18:245. Polychronization: computation with spikes.\n\n"
               "Axonal delays of 1-20 ms and STDP. Run, then open the Weights dock on 'E->E': the excitatory "
               "weights, all 6 at first, split into weak (near 0) and strong (near 10) ones.",
          x=-330.0, y=-300.0, width=600.0, height=140.0)
    return net


# --- Mongillo, Barak & Tsodyks (2008) -------------------------------------------------------------------------

# Their supplementary parameters (as the reproductions by Tiddia et al. 2022 and GeNN use them): c = 0.2, f = 0.1,
# p = 5 selective populations, delta synapses (mV) with delays uniform in [0.1, 1] ms, facilitating and depressing
# E->E synapses. Neuron counts are halved here while every in-degree is kept (c N_pre of the full network).
MONGILLO = {"N_S": 800, "N_NS": 6400, "N_I": 2000, "c": 0.2, "scale": 0.5, "J_b": 0.1, "J_p": 0.45, "J_EI": 0.135,
            "J_IE": 0.25, "J_II": 0.2, "U": 0.19, "tau_rec": 200.0, "tau_facil": 1500.0, "mu_E": 23.7, "mu_I": 20.5,
            "sigma": 1.0, "C_m": 250.0, "cue": 1.15, "cue_start": 1000.0, "cue_stop": 1350.0}
MONGILLO_E_COLORS = {"S1": "#d62728", "S2": "#ff7f0e", "NS": "#8c564b"}


def _mongillo_neurons(tau_m: float, v_reset: float, mu: float) -> dict:
    m = MONGILLO
    return {"tau_m": tau_m, "C_m": m["C_m"], "E_L": 0.0, "V_th": 20.0, "V_reset": v_reset, "t_ref": 2.0,
            "I_e": mu * m["C_m"] / tau_m, "initial": {"v": Distribution("uniform", low=10.0, high=20.0)}}


def mongillo_wm() -> Network:
    """Working memory held by facilitating synapses: a cued population reactivates in bursts after the cue."""
    m = MONGILLO
    k = {"S1": int(m["c"] * m["N_S"]), "S2": int(m["c"] * m["N_S"]), "NS": int(m["c"] * m["N_NS"]),
         "I": int(m["c"] * m["N_I"])}
    j_ns = 0.1 * m["J_p"] + 0.9 * m["J_b"]  # non-selective synapses: potentiated with probability 0.1
    j_block = (3 * m["N_S"] * m["J_b"] + (m["N_NS"] - 3 * m["N_S"]) * j_ns) / m["N_NS"]
    net = Network(dt=0.1, duration=3000.0, seed=2008, metadata=Metadata(
        title="Working memory by synaptic facilitation (Mongillo, Barak & Tsodyks 2008)",
        author=AUTHOR,
        description=(
            "A cued population keeps reactivating after its cue, held by facilitating synapses (Mongillo, Barak & "
            "Tsodyks 2008). "
            "The spiking network of Mongillo, Barak & Tsodyks (2008, Science 319:1543) with the parameters of its "
            "supplement, neuron counts halved with every in-degree kept: LIF neurons with delta synapses (E: "
            "tau_m = 15 ms, V_reset = 16 mV; I: tau_m = 10 ms, V_reset = 13 mV; V_th = 20 mV, t_ref = 2 ms), each "
            "receiving c = 0.2 of the full network's neurons (fixed in-degree, delays uniform in [0.1, 1] ms). "
            "The excitatory neurons form selective populations of 10 % (S1, cued, and S2, a control) and a "
            "non-selective rest NS, into which the paper's three further selective populations are folded "
            "(their synapses at the mean efficacy). E->E synapses are Tsodyks-Markram synapses (U = 0.19, "
            "tau_rec = 200 ms, tau_facil = 1500 ms; a spike moves v by J u x; here u relaxes to 0 between spikes "
            "and jumps by U (1 - u), the form of Tsodyks, Pawelzik & Markram 1998 and NEST's tsodyks2_synapse, "
            "where the paper's u relaxes to U, so a spike at rest carries J U x rather than J U (2 - U) x; with "
            "the paper's larger baseline the uncued populations here ignite by themselves) with J_p = 0.45 mV "
            "within a "
            "selective population and J_b = 0.1 mV otherwise (non-selective ones potentiated with probability "
            f"0.1, here at their mean, {j_ns:g} and {j_block:.4g} mV); E->I 0.135, I->E 0.25 and I->I 0.2 mV. "
            "External input: a constant current giving 23.7 mV (E) and 20.5 mV (I) with noise of 1 mV (an "
            "Ornstein-Uhlenbeck current, tau = 0.5 ms). From 1.0 to 1.35 s the cue raises S1's external input "
            "by 15 %: S1 fires at about 22 Hz and its synapses facilitate (u rises towards 1 and decays over "
            "1.5 s). After the cue the network returns to about 1 Hz, but the facilitated synapses make S1 "
            "reactivate in population spikes every 200-300 ms (the paper's Fig. 2 regime of spontaneous "
            "reactivation), while S2 and NS stay at baseline. 3 s at dt = 0.1 ms."),
        license=LICENSE))
    for pop in ("S1", "S2", "NS"):
        net.add_population(pop, int(m["N_S" if pop != "NS" else "N_NS"] * m["scale"]), "lif",
                           **_mongillo_neurons(15.0, 16.0, m["mu_E"]))
    net.add_population("I", int(m["N_I"] * m["scale"]), "lif", **_mongillo_neurons(10.0, 13.0, m["mu_I"]))
    for pop, tau_m in (("S1", 15.0), ("S2", 15.0), ("NS", 15.0), ("I", 10.0)):
        # white noise of sigma mV on the membrane, redrawn every 1 ms in the paper: the OU current of the same
        # diffusion, std sqrt(2 / (tau_m 1 ms)) C_m sigma with tau = 0.5 ms
        std = math.sqrt(2.0 / tau_m) * m["C_m"] * m["sigma"]
        net.add_current(f"noise_{pop}", pop, "ou", mean=0.0, std=round(std, 6), tau=0.5)
    net.add_current("cue", "S1", "step", amplitude=round((m["cue"] - 1.0) * m["mu_E"] * m["C_m"] / 15.0, 6),
                    start=m["cue_start"], stop=m["cue_stop"])
    delays = Distribution("uniform", low=0.1, high=1.0)
    for pre in ("S1", "S2", "NS"):
        for post in ("S1", "S2", "NS"):
            w = j_block if pre == "NS" else (m["J_p"] if pre == post else m["J_b"])
            stp = Plasticity("tsodyks_markram", {"U": m["U"], "tau_rec": m["tau_rec"], "tau_facil": m["tau_facil"]})
            net.connect(pre, post, "fixed_indegree", k=k[pre], weight=round(w, 6), delay=delays, synapse="delta",
                        plasticity=stp)
        net.connect(pre, "I", "fixed_indegree", k=k[pre], weight=m["J_EI"], delay=delays, synapse="delta")
        net.connect("I", pre, "fixed_indegree", k=k["I"], weight=m["J_IE"], delay=delays, synapse="delta",
                    receptor="inhibitory")
    net.connect("I", "I", "fixed_indegree", k=k["I"], weight=m["J_II"], delay=delays, synapse="delta",
                receptor="inhibitory")
    _record(net, ["S1", "S2", "NS", "I"], v_neurons=(0, 1))
    net.layout = {"S1": NodeLayout(0.0, 0.0, MONGILLO_E_COLORS["S1"]),
                  "S2": NodeLayout(0.0, 640.0, MONGILLO_E_COLORS["S2"]),
                  "I": NodeLayout(640.0, 320.0, INH_COLOR), "NS": NodeLayout(1280.0, 320.0, MONGILLO_E_COLORS["NS"]),
                  "cue": NodeLayout(-400.0, -60.0, INPUT_COLOR), "noise_S1": NodeLayout(-400.0, 60.0, INPUT_COLOR),
                  "noise_S2": NodeLayout(-400.0, 640.0, INPUT_COLOR),
                  "noise_I": NodeLayout(300.0, 320.0, INPUT_COLOR), "noise_NS": NodeLayout(1680.0, 320.0, INPUT_COLOR)}
    _note(net, "Mongillo, Barak & Tsodyks (2008), Science 319:1543. Synaptic theory of working memory.\n\n"
               "The cue (1.0-1.35 s) drives S1; afterwards S1's facilitated E->E synapses make it reactivate "
               "in population spikes every 200-300 ms, while S2 stays at baseline (Population rates).",
          x=-400.0, y=-330.0, width=640.0, height=140.0)
    return net


# --- Turrigiano et al. (1998), van Rossum, Bi & Turrigiano (2000): homeostatic synaptic scaling ----------------

# A population driven at its set point by Poisson synapses and a tonic current; the current is taken away at "cut"
# (activity drops, as under the paper's TTX) and the built-in rule scales every weight onto each neuron by one
# factor until the rate is back. eta and tau_r are fast enough for seconds, where the paper's scaling takes hours.
SCALING = {"N": 100, "N_in": 200, "k": 50, "rate_in": 10.0, "w_mean": 80.0, "w_std": 40.0, "tonic": 100.0,
           "cut": 15_000.0, "rho0": 10.0, "tau_r": 500.0, "eta": 0.01, "interval": 50.0, "w_max": 1000.0}
SCALING_RULE = "homeostatic_scaling"


def synaptic_scaling() -> Network:
    """A population loses part of its drive; multiplicative scaling of its synapses brings its rate back."""
    s = SCALING
    net = Network(dt=0.1, duration=40_000.0, seed=1998, metadata=Metadata(
        title="Homeostatic synaptic scaling (Turrigiano et al. 1998)",
        author=AUTHOR,
        description=(
            "Neurons that lose part of their input scale all their synapses up until they fire at their set point. "
            "The signature of Turrigiano, Leslie, Desai, Rutherford & Nelson (1998, Nature 391:892): when activity "
            "is blocked (TTX) the quantal amplitudes of a neuron's excitatory synapses grow, all by the same factor, "
            "so the distribution of amplitudes is the control one stretched (and shrunk when activity is raised), "
            "and the firing rate returns to where it was; the rule is the multiplicative scaling of van Rossum, Bi & "
            "Turrigiano (2000, J. Neurosci. 20:8812). 100 LIF neurons (the catalogue's defaults) each receive 50 "
            "of 200 Poisson inputs at 10 Hz (fixed in-degree) through current synapses with lognormal weights (mean "
            "80 pA, std 40 pA), plus a tonic current of 100 pA. Those synapses learn with the built-in rule "
            "'Homeostatic synaptic scaling' (carried in this file): each neuron's rate estimate r (each spike adds "
            "1 / tau_r, tau_r = 500 ms) is compared with rho0 = 10 Hz every 50 ms, and every weight onto the neuron "
            "is multiplied by 1 + eta (rho0 - r) 50 ms, eta = 0.01. In the first 15 s the weights settle so that the "
            "neurons fire at about 10 Hz. At 15 s the tonic current switches off: the rate falls to about 1 Hz, and "
            "over the next 5-8 s the weights scale up by about 35 % until the rate is back at 10 Hz (within a few "
            "percent over the last 10 s). Each weight is multiplied by its neuron's factor, so the ratio of any two "
            "weights onto a neuron stays as it was, and the Weights dock's histogram keeps its shape, stretched. "
            "The rule acts here within seconds; in the cultures of the paper scaling takes hours to days. 40 s at "
            "dt = 0.1 ms, about a second to run."),
        license=LICENSE))
    net.add_rule(SCALING_RULE, HOMEOSTASIS_TEXT)
    net.add_population("E", s["N"], "lif")
    net.add_poisson("inputs", s["N_in"], rate=s["rate_in"])
    net.add_current("tonic", "E", "step", amplitude=s["tonic"], start=0.0, stop=s["cut"])
    rule = Plasticity(SCALING_RULE, {"rho0": s["rho0"], "tau_r": s["tau_r"], "eta": s["eta"],
                                     "interval": s["interval"], "w_max": s["w_max"]})
    net.connect("inputs", "E", "fixed_indegree", id="scaled", k=s["k"], delay=1.0, plasticity=rule,
                weight=Distribution("lognormal", mean=s["w_mean"], std=s["w_std"]))
    _record(net, ["E"], v_neurons=(0,))
    net.layout = {"inputs": NodeLayout(-330.0, -60.0, INPUT_COLOR), "tonic": NodeLayout(-330.0, 100.0, INPUT_COLOR),
                  "E": NodeLayout(110.0, 0.0, EXC_COLOR)}
    _note(net, "Turrigiano et al. (1998), Nature 391:892. Activity-dependent scaling of quantal amplitude in "
               "neocortical neurons; the rule as van Rossum, Bi & Turrigiano (2000), J. Neurosci. 20:8812.\n\n"
               "At 15 s the tonic current stops: the rate drops, then every weight onto a neuron is scaled up by "
               "one factor until the rate is back at 10 Hz (Population rates, Weights dock on 'scaled'). Here "
               "in seconds; in the paper's cultures, hours to days.", x=-330.0, y=-320.0, width=600.0, height=170.0)
    return net
