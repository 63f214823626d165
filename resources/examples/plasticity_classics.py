"""Gallery examples of published plasticity and dynamics classics, each reproducing its paper's signature.

Song, Miller & Abbott (2000) additive STDP, Vogels, Sprekeler et al. (2011) inhibitory STDP (a rule described by
equations, carried in the file), Mongillo, Barak & Tsodyks (2008) working memory by short-term facilitation and
Izhikevich (2006) polychronization. ``make_examples.py`` registers the builders; ``tests/test_gallery_plasticity.py``
asserts each paper's signature with the engine.
"""

from __future__ import annotations

from spikestudio.engine.model.network import Distribution, Metadata, Network, NodeLayout, Plasticity

__all__ = ["song_stdp", "SONG"]

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
    net.record_state(pops[0], "v", neurons=list(v_neurons), interval=0.1)


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
            "Additive STDP drives the weights of a neuron's 1000 Poisson inputs apart, most to zero and the "
            "rest to the upper bound (Song, Miller & Abbott 2000). "
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
