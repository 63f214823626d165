"""Regenerate the bundled lessons' networks and pictures through the public API (never hand-written JSON).

Run ``python -m spikestudio.resources.lessons.make_lessons`` (or this file) to rewrite every lesson
folder's network files and SVG pictures; ``build(folder, name)`` returns one network and ``picture(folder,
name)`` one picture without writing them. The lessons' text (``lesson.md``) is written by hand next to
them; tests/test_lessons_behaviour.py checks the numbers it quotes against runs of these networks.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from spikestudio.engine.analysis.spike_stats import lif_rate
from spikestudio.engine.experiments import sweep_file
from spikestudio.engine.experiments.sweep_spec import Parameter, Sweep
from spikestudio.engine.files import fileformat
from spikestudio.engine.files.atomic_file import atomic_write
from spikestudio.engine.model.catalog import IZHIKEVICH_PRESETS
from spikestudio.engine.model.network import Distribution, Metadata, Network, NodeLayout, Plasticity
from spikestudio.engine.simulation.simulator import Simulator
from spikestudio.resources.lessons import own_neuron
from spikestudio.resources.lessons.pictures import Curve, Panel, line_plot

__all__ = ["LESSON_NETWORKS", "LESSON_PICTURES", "LESSON_TEXTS", "build", "picture", "write_all", "ZOO_STEPS",
           "BRUNEL_SMALL"]

AUTHOR = "SpikeStudio"
LICENSE = "CC0-1.0"
EXC_COLOR = "#d62728"  # excitatory populations: red
INH_COLOR = "#1f77b4"  # inhibitory populations: blue
INPUT_COLOR = "#7f7f7f"  # inputs: grey
PATTERN_COLORS = ("#d62728", "#ff7f0e", "#2ca02c", "#1f77b4", "#9467bd", "#8c564b", "#e377c2")


def _meta(title: str, description: str) -> Metadata:
    return Metadata(title=title, author=AUTHOR, description=description, license=LICENSE)


# --- 1. one neuron ------------------------------------------------------------------------------
def one_neuron() -> Network:
    """One LIF neuron with the catalogue's defaults and a bias current just below rheobase (375 pA)."""
    net = Network(dt=0.1, duration=500.0, seed=1, metadata=_meta(
        "Lesson 1: one LIF neuron",
        "A leaky integrate-and-fire neuron with the default parameters (tau_m = 10 ms, C_m = 250 pF, E_L = "
        "-70 mV, V_th = -55 mV, V_reset = -70 mV, t_ref = 2 ms) and a bias current I_e = 300 pA, below the "
        "rheobase C_m (V_th - E_L) / tau_m = 375 pA: v settles at E_L + R I_e = -58 mV and never fires."))
    net.add_population("neuron", 1, "lif", tau_m=10.0, C_m=250.0, E_L=-70.0, V_th=-55.0, V_reset=-70.0, t_ref=2.0,
                       I_e=300.0)
    net.record_spikes("neuron")
    net.record_state("neuron", "v", neurons=[0], interval=0.1)
    net.layout = {"neuron": NodeLayout(0.0, 0.0, EXC_COLOR)}
    net.add_note("hint", "Rheobase: C_m (V_th - E_L) / tau_m = 375 pA.\nSet I_e above it and press Run.", 320.0, -60.0,
                 height=90.0)
    return net


# --- 2. firing patterns -------------------------------------------------------------------------
# The current (pA; 1 pA raises dv/dt by 1 mV/ms) that shows each class's pattern (Izhikevich 2003, Fig. 2):
# a depolarising step for most; TC is held hyperpolarised and then released (rebound burst); RZ gets a
# small constant current from the start that stays below threshold and rings (damped subthreshold
# oscillation). A constant current is one the phase plane draws its nullclines for; a step is not.
STEP = {"amplitude": 10.0, "start": 50.0, "stop": 450.0}
ZOO_STEPS = {"RS": STEP, "IB": STEP, "CH": STEP, "FS": STEP, "LTS": STEP,
             "TC": {"amplitude": -10.0, "start": 0.0, "stop": 200.0}, "RZ": {"amplitude": 0.1}}
# RZ (b = 0.26) starts at its resting point, where 0.04 v^2 + 5 v + 140 = b v; from Izhikevich's usual -65 mV
# it is kicked onto its spiking limit cycle (RZ is bistable) and fires with no input at all.
RZ_REST = -62.5


def firing_patterns() -> Network:
    """Izhikevich's seven cortical and thalamic classes side by side, one neuron each, each with its own step."""
    net = Network(dt=0.1, duration=500.0, seed=1, metadata=_meta(
        "Lesson 2: the Izhikevich zoo",
        "Seven one-neuron Izhikevich populations with the presets of Izhikevich (2003, IEEE Trans. Neural "
        "Netw. 14:1569, Fig. 2): regular spiking (RS), intrinsically bursting (IB), chattering (CH), fast "
        "spiking (FS), low-threshold spiking (LTS), thalamo-cortical (TC) and resonator (RZ). RS to LTS get a "
        "10 pA step from 50 to 450 ms; TC is held at -10 pA for the first 200 ms and released (rebound "
        "burst); RZ starts at rest (-62.5 mV) and gets a constant 0.1 pA that stays below threshold: v rings "
        "(a damped subthreshold oscillation) with a period of about 42 ms."))
    for k, (kind, current) in enumerate(ZOO_STEPS.items()):
        initial = {"v": RZ_REST, "u": IZHIKEVICH_PRESETS["RZ"]["b"] * RZ_REST} if kind == "RZ" else {}
        net.add_population(kind, 1, "izhikevich", **IZHIKEVICH_PRESETS[kind], initial=initial)
        waveform = "step" if "start" in current else "dc"
        net.add_current(f"{waveform}_{kind}", kind, waveform, **current)
        net.record_spikes(kind)
        net.record_state(kind, "v", neurons=[0], interval=0.1)
        x, y = 320.0 * (k % 4), 330.0 * (k // 4)  # two rows; each input above its neuron, recorders below
        net.layout[f"{waveform}_{kind}"] = NodeLayout(x, y - 130.0, INPUT_COLOR)
        net.layout[kind] = NodeLayout(x, y, PATTERN_COLORS[k])
    net.add_note("hint", "One neuron of each class of Izhikevich (2003), Fig. 2.\nProbe two of them to compare their "
                 "traces.", 960.0, 200.0, height=110.0)
    return net


# --- 3. the action potential --------------------------------------------------------------------
def action_potential() -> Network:
    """One Hodgkin-Huxley neuron and a current step below its firing threshold; m, h and n recorded."""
    net = Network(dt=0.05, duration=100.0, seed=1, metadata=_meta(
        "Lesson 3: the Hodgkin-Huxley action potential",
        "The squid giant axon of Hodgkin & Huxley (1952, J. Physiol. 117:500) as a 100 pF patch (100 pA is "
        "1 uA/cm2), with a 1 ms current pulse at 20 ms. At 500 pA the pulse depolarises the membrane about 4 mV "
        "and it relaxes back; raise it past the threshold (about 694 pA for this pulse) and the sodium "
        "activation m outruns the inactivation h and the potassium activation n: an action potential. The "
        "gates m, h and n are recorded."))
    net.add_population("axon", 1, "hh")
    net.add_current("pulse", "axon", "step", amplitude=500.0, start=20.0, stop=21.0)
    net.record_spikes("axon")
    for var in ("v", "m", "h", "n"):
        net.record_state("axon", var, neurons=[0], interval=0.05)
    net.layout = {"pulse": NodeLayout(-280.0, 0.0, INPUT_COLOR), "axon": NodeLayout(0.0, 0.0, EXC_COLOR)}
    net.add_note("hint", "A 1 ms pulse at 20 ms. Threshold: about 694 pA.\nProbe axon:0:m (h, n) to see the gates.",
                 320.0, -60.0, height=90.0)
    return net


# --- 4. synapses --------------------------------------------------------------------------------
EPSP_TIME, IPSP_TIME, PAIR_TIMES = 50.0, 150.0, (250.0, 254.0)


def synapses() -> Network:
    """A LIF cell at rest receiving single excitatory and inhibitory spikes, then two excitatory ones close in time."""
    net = Network(dt=0.1, duration=350.0, seed=1, metadata=_meta(
        "Lesson 4: synapses",
        "A LIF neuron at rest (tau_m = 10 ms, E_L = -70 mV) and two spike sources: 'exc' fires at 50 ms and "
        "twice more at 250 and 254 ms through an excitatory current synapse (200 pA, tau = 5 ms, delay 1 ms); "
        "'inh' fires at 150 ms through an inhibitory one (200 pA, tau = 10 ms, delay 1 ms). Each spike is a "
        "postsynaptic potential of 2 to 3 mV (an EPSP up, an IPSP down); the pair sums to a larger one."))
    net.add_population("cell", 1, "lif", tau_m=10.0, C_m=250.0, E_L=-70.0, V_th=-55.0, V_reset=-70.0)
    net.add_spike_times("exc", 1, [0, 0, 0], [EPSP_TIME, *PAIR_TIMES])
    net.add_spike_times("inh", 1, [0], [IPSP_TIME])
    net.connect("exc", "cell", "one_to_one", id="excite", weight=200.0, delay=1.0, tau=5.0)
    net.connect("inh", "cell", "one_to_one", id="inhibit", weight=200.0, delay=1.0, tau=10.0, receptor="inhibitory")
    net.record_spikes("cell")
    net.record_state("cell", "v", neurons=[0], interval=0.1)
    net.layout = {"exc": NodeLayout(-300.0, -80.0, EXC_COLOR), "inh": NodeLayout(-300.0, 80.0, INH_COLOR),
                  "cell": NodeLayout(0.0, 0.0, EXC_COLOR)}
    net.add_note("hint", "exc fires at 50 ms and at 250 and 254 ms;\ninh fires at 150 ms.", -300.0, -260.0,
                 height=80.0)
    return net


# --- 5. balance ---------------------------------------------------------------------------------
# Brunel (2000) model A at a tenth of its size (N_E = 2000, C_E = 200): J doubles to keep nu_thr.
BRUNEL_SMALL = {"N_E": 2000, "N_I": 500, "C_E": 200, "C_I": 50, "J": 0.4, "g": 5.0, "eta": 2.0,
                "tau_m": 20.0, "V_th": 20.0, "V_reset": 10.0, "t_ref": 2.0, "delay": 1.5}


def brunel_small_rates(eta: float | None = None) -> tuple[float, float]:
    """(nu_thr, per-neuron external rate C_E eta nu_thr) in Hz for the lesson's Brunel network."""
    b = BRUNEL_SMALL
    nu_thr = b["V_th"] / (b["J"] * b["C_E"] * b["tau_m"]) * 1000.0
    return nu_thr, b["C_E"] * (b["eta"] if eta is None else eta) * nu_thr


def balance_phase_sweep() -> Sweep:
    """Brunel's phase diagram on the lesson's network: g (both inhibitory weights) against eta (both drives)."""
    b = BRUNEL_SMALL
    nu_thr, _ = brunel_small_rates()
    g = Parameter("g", (("inh_E.weight", b["J"]), ("inh_I.weight", b["J"])), (2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0))
    eta = Parameter("eta", (("ext_E.rate", b["C_E"] * nu_thr), ("ext_I.rate", b["C_E"] * nu_thr)),
                    (0.8, 1.0, 2.0, 3.0, 4.0))
    return Sweep([g, eta], duration=500.0, measures=["rate", "cv_isi", "synchrony", "fano"], network="balance.json")


def balance() -> Network:
    """A small Brunel network in the asynchronous irregular state (g = 5, nu_ext = 2 nu_thr)."""
    b = BRUNEL_SMALL
    nu_thr, ext_rate = brunel_small_rates()
    net = Network(dt=0.1, duration=300.0, seed=2000, metadata=_meta(
        "Lesson 5: balance (Brunel 2000)",
        f"Model A of Brunel (2000, J. Comput. Neurosci. 8:183) with {b['N_E']} excitatory and {b['N_I']} "
        f"inhibitory LIF neurons (E_L = 0, V_th = 20 mV, V_reset = 10 mV, tau_m = 20 ms, t_ref = 2 ms); each gets "
        f"C_E = {b['C_E']} excitatory inputs of J = {b['J']} mV and C_I = {b['C_I']} inhibitory inputs of g J "
        f"(delta synapses, delay {b['delay']} ms) and a Poisson drive at C_E nu_ext = {ext_rate:g} Hz (nu_ext = 2 "
        f"nu_thr, nu_thr = {nu_thr:g} Hz). At g = 5 (inhibitory weight {b['g'] * b['J']:g} mV) the network is "
        "asynchronous and irregular; at g = 3 it is synchronous and regular (Brunel's Fig. 8A, C)."))
    lif = {"tau_m": b["tau_m"], "C_m": 250.0, "E_L": 0.0, "V_th": b["V_th"], "V_reset": b["V_reset"],
           "t_ref": b["t_ref"], "initial": {"v": Distribution("uniform", low=0.0, high=b["V_th"])}}
    net.add_population("E", b["N_E"], "lif", **lif)
    net.add_population("I", b["N_I"], "lif", **lif)
    net.add_poisson("ext_E", b["N_E"], rate=ext_rate)
    net.add_poisson("ext_I", b["N_I"], rate=ext_rate)
    for tgt in ("E", "I"):
        net.connect("E", tgt, "fixed_indegree", id=f"exc_{tgt}", k=b["C_E"], weight=b["J"], delay=b["delay"],
                    synapse="delta")
        net.connect("I", tgt, "fixed_indegree", id=f"inh_{tgt}", k=b["C_I"], weight=b["g"] * b["J"],
                    delay=b["delay"], synapse="delta", receptor="inhibitory")
        net.connect(f"ext_{tgt}", tgt, "one_to_one", id=f"drive_{tgt}", weight=b["J"], delay=0.1, synapse="delta")
    for pop in ("E", "I"):
        net.record_spikes(pop)
        net.record_rate(pop, bin=1.0)
    net.record_state("E", "v", neurons=[0, 1], interval=0.1)
    net.layout = {"ext_E": NodeLayout(-330.0, 0.0, INPUT_COLOR), "ext_I": NodeLayout(820.0, 0.0, INPUT_COLOR),
                  "E": NodeLayout(0.0, 0.0, EXC_COLOR), "I": NodeLayout(440.0, 0.0, INH_COLOR)}
    net.add_note("hint", f"g = inhibitory weight / J = {b['g'] * b['J']:g} / {b['J']:g}\n"
                 f"eta = Poisson rate / (C_E nu_thr) = {ext_rate:g} / {ext_rate / b['eta']:g}", 120.0, -260.0,
                 width=260.0, height=80.0)
    return net


# --- 6. chains and rhythms ----------------------------------------------------------------------
CHAIN_GROUPS, CHAIN_SIZE, CHAIN_WEIGHT, CHAIN_DELAY, CHAIN_START = 6, 20, 1.0, 2.0, 20.0


def synfire() -> Network:
    """Six groups of 20 LIF neurons, each group all-to-all onto the next; one volley kicks the first group."""
    net = Network(dt=0.1, duration=100.0, seed=1, metadata=_meta(
        "Lesson 6a: a synfire chain",
        f"{CHAIN_GROUPS} groups of {CHAIN_SIZE} LIF neurons (tau_m = 10 ms, E_L = -70 mV, V_th = -55 mV). Each "
        f"neuron of a group excites every neuron of the next through a delta synapse of {CHAIN_WEIGHT:g} mV with "
        f"a {CHAIN_DELAY:g} ms delay, so a synchronous volley of the whole group ({CHAIN_SIZE:g} mV) lifts the "
        f"next group over its 15 mV threshold at once. A volley of spikes from 'kick' at {CHAIN_START:g} ms "
        "starts it (Abeles 1991; Diesmann, Gewaltig & Aertsen 1999)."))
    lif = {"tau_m": 10.0, "C_m": 250.0, "E_L": -70.0, "V_th": -55.0, "V_reset": -70.0, "t_ref": 2.0}
    net.add_spike_times("kick", CHAIN_SIZE, list(range(CHAIN_SIZE)), [CHAIN_START] * CHAIN_SIZE)
    net.layout["kick"] = NodeLayout(-300.0, 0.0, INPUT_COLOR)
    previous = "kick"
    for g in range(1, CHAIN_GROUPS + 1):
        group = f"g{g}"
        net.add_population(group, CHAIN_SIZE, "lif", **lif)
        if previous == "kick":
            net.connect("kick", group, "one_to_one", id="start", weight=20.0, delay=0.1, synapse="delta")
        else:
            net.connect(previous, group, "all_to_all", id=f"link{g - 1}", weight=CHAIN_WEIGHT, delay=CHAIN_DELAY,
                        synapse="delta")
        net.record_spikes(group)
        net.layout[group] = NodeLayout(220.0 * (g - 1), 0.0, EXC_COLOR)
        previous = group
    net.add_note("hint", f"A full volley: {CHAIN_SIZE} x {CHAIN_WEIGHT:g} mV = {CHAIN_SIZE * CHAIN_WEIGHT:g} mV; "
                 f"threshold 15 mV above rest.\nEach link waits {CHAIN_DELAY:g} ms.", 220.0, -200.0, width=320.0,
                 height=80.0)
    return net


def half_centre() -> Network:
    """Two AdEx populations that inhibit each other; adaptation hands the activity back and forth."""
    net = Network(dt=0.1, duration=2000.0, seed=1, metadata=_meta(
        "Lesson 6b: a half-centre oscillator",
        "Two populations ('left' and 'right', 10 adaptive exponential neurons each, Brette & Gerstner 2005 "
        "parameters with slow adaptation tau_w = 300 ms) driven by the same constant current and inhibiting "
        "each other. The side that fires silences the other until its own adaptation current w has built up "
        "and its firing falters; the other side escapes and takes over: a half-centre oscillator (Brown 1911), "
        "the core of many central pattern generators for walking and swimming."))
    adex = {"C_m": 281.0, "g_L": 30.0, "E_L": -70.6, "V_T": -50.4, "Delta_T": 2.0, "tau_w": 300.0, "a": 0.0,
            "b": 40.0, "V_reset": -70.6, "V_peak": 0.0, "t_ref": 2.0, "I_e": 800.0}
    net.add_population("left", 10, "adex", **adex)
    net.add_population("right", 10, "adex", **{**adex, "initial": {"w": 400.0}})
    net.connect("left", "right", "all_to_all", id="left_inhibits", weight=100.0, delay=1.0, tau=10.0,
                receptor="inhibitory")
    net.connect("right", "left", "all_to_all", id="right_inhibits", weight=100.0, delay=1.0, tau=10.0,
                receptor="inhibitory")
    for pop in ("left", "right"):
        net.record_spikes(pop)
        net.record_rate(pop, bin=10.0)
        net.record_state(pop, "v", neurons=[0], interval=0.1)
        net.record_state(pop, "w", neurons=[0], interval=1.0)
    net.layout = {"left": NodeLayout(0.0, 0.0, INH_COLOR), "right": NodeLayout(560.0, 0.0, "#17becf")}
    net.add_note("hint", "Mutual inhibition + adaptation (b, tau_w) = alternation.\nShow the rates to see the "
                 "rhythm.", 160.0, -230.0, width=260.0, height=90.0)
    return net


# --- 7. learning --------------------------------------------------------------------------------
PAIRINGS, PAIRING_PERIOD = 20, 100.0  # ms


def stdp_pair() -> Network:
    """Two neurons driven by one clock through two delays; a plastic synapse between them learns their order."""
    net = Network(dt=0.1, duration=PAIRINGS * PAIRING_PERIOD, seed=1, metadata=_meta(
        "Lesson 7: STDP between two neurons",
        f"A clock fires {PAIRINGS} times, every {PAIRING_PERIOD:g} ms. It makes 'pre' fire after 'to_pre''s delay "
        "(5 ms) and 'post' after 'to_post''s (15 ms), so post follows pre by 10 ms. The synapse 'syn' from pre "
        "to post (a weak delta synapse that never makes post fire by itself) learns with pair STDP (Bi & Poo "
        "1998; Song, Miller & Abbott 2000): pre before post strengthens it, post before pre weakens it."))
    clock = [k * PAIRING_PERIOD + 10.0 for k in range(PAIRINGS)]
    net.add_spike_times("clock", 1, [0] * PAIRINGS, clock)
    lif = {"tau_m": 10.0, "C_m": 250.0, "E_L": -70.0, "V_th": -55.0, "V_reset": -70.0, "t_ref": 2.0}
    net.add_population("pre", 1, "lif", **lif)
    net.add_population("post", 1, "lif", **lif)
    net.connect("clock", "pre", "one_to_one", id="to_pre", weight=20.0, delay=5.0, synapse="delta")
    net.connect("clock", "post", "one_to_one", id="to_post", weight=20.0, delay=15.0, synapse="delta")
    stdp = Plasticity("stdp", {"tau_plus": 20.0, "tau_minus": 20.0, "A_plus": 0.01, "A_minus": 0.0105,
                               "w_max": 1.0})
    net.connect("pre", "post", "one_to_one", id="syn", weight=0.5, delay=0.1, synapse="delta", plasticity=stdp)
    for pop in ("pre", "post"):
        net.record_spikes(pop)
        net.record_state(pop, "v", neurons=[0], interval=0.1)
    net.layout = {"clock": NodeLayout(-300.0, 0.0, INPUT_COLOR), "pre": NodeLayout(0.0, -180.0, EXC_COLOR),
                  "post": NodeLayout(320.0, 0.0, EXC_COLOR)}
    net.add_note("hint", "post fires 15 - 5 = 10 ms after pre:\nto_post's delay minus to_pre's.", -560.0, -230.0,
                 width=280.0, height=70.0)
    return net


# --- pictures -----------------------------------------------------------------------------------
def fi_picture() -> str:
    """Lesson 1's analytic F-I curves (t_ref = 2 and 10 ms), the rheobase marked."""
    params = dict(one_neuron().populations["neuron"].params, I_e=0.0)
    currents = np.linspace(0.0, 1000.0, 501)
    curves = [Curve(currents, lif_rate(currents, {**params, "t_ref": t_ref}), color, f"t_ref = {t_ref:g} ms")
              for t_ref, color in ((2.0, EXC_COLOR), (10.0, INH_COLOR))]
    return line_plot([Panel(curves, "rate (Hz)", (0.0, 160.0), marks=[(375.0, "rheobase")])], "input current (pA)",
                     (0.0, 1000.0))


def zoo_picture() -> str:
    """Lesson 2's seven membrane traces, one panel per class."""
    results = Simulator(firing_patterns(), record_all=True).run(0.5)
    panels = []
    for kind, color in zip(ZOO_STEPS, PATTERN_COLORS):
        t, v = results.trace(f"v:{kind}")
        if kind == "RZ":  # its subthreshold ringing is a fraction of a mV
            panels.append(Panel([Curve(t, v[:, 0], color, "RZ (zoomed in)")], "v (mV)", (-62.7, -61.0)))
        else:
            panels.append(Panel([Curve(t, v[:, 0], color, kind)], "v (mV)", (-90.0, 35.0)))
    return line_plot(panels, "time (ms)", (0.0, 500.0), panel_height=52)


def gates_picture() -> str:
    """Lesson 3's action potential and its gates, for a 3000 pA pulse."""
    net = action_potential()
    net.inputs["pulse"].params["amplitude"] = 3000.0
    results = Simulator(net, record_all=True).run(0.05)
    t, v = results.trace("v:axon")
    gates = [Curve(*_first(results.trace(f"{g}:axon")), color, g)
             for g, color in (("m", EXC_COLOR), ("h", "#2ca02c"), ("n", INH_COLOR))]
    return line_plot([Panel([Curve(t, v[:, 0], "#333333", "v")], "v (mV)", (-85.0, 50.0)),
                      Panel(gates, "gate", (0.0, 1.0))], "time (ms)", (15.0, 40.0))


def stdp_picture() -> str:
    """Lesson 7's STDP window: the weight change of one pair against t_post - t_pre."""
    p = stdp_pair().projections["syn"].plasticity.params
    after, before = np.linspace(0.0, 60.0, 121), np.linspace(-60.0, -0.5, 120)
    curves = [Curve(after, p["A_plus"] * np.exp(-after / p["tau_plus"]), EXC_COLOR, "pre before post"),
              Curve(before, -p["A_minus"] * np.exp(before / p["tau_minus"]), INH_COLOR, "post before pre")]
    return line_plot([Panel(curves, "weight change (w_max)", (-0.012, 0.012), marks=[(0.0, "")])],
                     "t_post - t_pre (ms)", (-60.0, 60.0))


def _first(trace: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    return trace[0], trace[1][:, 0]


# folder -> file name -> builder
LESSON_NETWORKS: dict[str, dict[str, Callable[[], Network]]] = {
    "01-one-neuron": {"one_neuron.json": one_neuron},
    "02-firing-patterns": {"firing_patterns.json": firing_patterns},
    "03-action-potential": {"action_potential.json": action_potential},
    "04-synapses": {"synapses.json": synapses},
    "05-balance": {"balance.json": balance},
    "06-chains-and-rhythms": {"synfire.json": synfire, "half_centre.json": half_centre},
    "07-learning": {"stdp_pair.json": stdp_pair},
    own_neuron.FOLDER: {"write_your_own_neuron.json": own_neuron.own_neuron},
}
# folder -> file name -> sweep (a ``.sweep.json`` beside the lesson's network, which ``@show experiment`` opens)
LESSON_SWEEPS: dict[str, dict[str, Callable[[], Sweep]]] = {
    "05-balance": {"balance.sweep.json": balance_phase_sweep},
}
# folder -> file name -> SVG text
LESSON_PICTURES: dict[str, dict[str, Callable[[], str]]] = {
    "01-one-neuron": {"fi_curve.svg": fi_picture},
    "02-firing-patterns": {"patterns.svg": zoo_picture},
    "03-action-potential": {"gates.svg": gates_picture},
    "07-learning": {"stdp_window.svg": stdp_picture},
    own_neuron.FOLDER: {"phase_line.svg": own_neuron.phase_line_picture},
}
# folder -> file name -> text (model texts that "Show me" puts in, through ``@answer``)
LESSON_TEXTS: dict[str, dict[str, str]] = {
    own_neuron.FOLDER: {"qif.model": own_neuron.QIF_MODEL},
}


def build(folder: str, name: str) -> Network:
    """The network file ``name`` of lesson ``folder`` as a fresh ``Network``."""
    return LESSON_NETWORKS[folder][name]()


def picture(folder: str, name: str) -> str:
    """The SVG text of picture ``name`` of lesson ``folder``."""
    return LESSON_PICTURES[folder][name]()


def write_all(directory: str | Path | None = None) -> list[Path]:
    """Write every lesson's networks and pictures into ``directory/<folder>/`` (default: next to this file)."""
    directory = Path(directory) if directory is not None else Path(__file__).resolve().parent
    paths = []
    for folder, files in LESSON_NETWORKS.items():
        (directory / folder).mkdir(parents=True, exist_ok=True)
        for name, builder in files.items():
            path = directory / folder / name
            fileformat.save(builder(), path)
            paths.append(path)
        for name, make in LESSON_SWEEPS.get(folder, {}).items():
            path = directory / folder / name
            sweep_file.save(make(), path)
            paths.append(path)
        texts = {name: (lambda t=text: t) for name, text in LESSON_TEXTS.get(folder, {}).items()}
        for name, draw in {**LESSON_PICTURES.get(folder, {}), **texts}.items():
            path = directory / folder / name
            data = draw().encode("utf-8")
            atomic_write(path, lambda f, d=data: f.write(d))
            paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for path in write_all(args[0] if args else None):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
