"""Builder of the C. elegans tap-withdrawal circuit example (Wicks, Roehrig & Rankin 1996; Lechner et al. 2019).

As in the papers, each neuron is one graded (non-spiking) cell, C dv/dt = g_L (E_L - v) + I, and the cells are
coupled continuously: graded chemical synapses I = w sigmoid((v_pre - V_half)/V_slope) (E_rev - v_post) and
gap junctions I = w (v_pre - v_post), all from one edge table (``TW_EDGES``). The model is described by equations
in the network file (``GRADED_NEURON``); the synapses are the engine's ``graded`` and ``gap`` kinds.
"""

from __future__ import annotations

from spikestudio.engine.model.network import Metadata, Network, NodeLayout

__all__ = ["TW_EDGES", "TW_SENSORY", "TW_INTER", "TAPS", "GRADED_NEURON", "CELL", "tap_withdrawal"]

AUTHOR = "SpikeStudio"
LICENSE = "CC0-1.0"
EXC_COLOR, INH_COLOR, INPUT_COLOR = "#d62728", "#1f77b4", "#7f7f7f"  # as make_examples.py
SENSORY_COLOR = "#ff7f0e"  # touch and harsh-touch neurons (their synapses are of both signs): orange
NOTE_COLOR = "#fff59d"

TW_SENSORY = ("PVD", "PLM", "AVM", "ALM")
TW_INTER = ("DVA", "AVD", "PVC", "AVA", "AVB")
# The tap-withdrawal circuit as Lechner et al. (2019) drew it from Wicks et al. (1996): (source, target, kind),
# kind "EX" excitatory or "IN" inhibitory chemical synapse, "GJ" gap junction (one entry per junction: the
# engine's gap projection couples both cells).
TW_EDGES = (
    ("PVD", "DVA", "IN"), ("PVD", "PVC", "IN"), ("PVD", "AVA", "IN"),
    ("PLM", "DVA", "IN"), ("PLM", "AVD", "IN"), ("PLM", "AVA", "IN"), ("PLM", "PVC", "GJ"),
    ("AVM", "PVC", "IN"), ("AVM", "AVD", "GJ"), ("ALM", "PVC", "IN"), ("ALM", "AVD", "IN"),
    ("DVA", "PVC", "IN"),
    ("AVD", "AVA", "EX"), ("AVD", "AVB", "EX"), ("AVD", "PVC", "EX"),
    ("PVC", "AVB", "EX"), ("PVC", "AVD", "EX"), ("PVC", "DVA", "EX"), ("PVC", "AVA", "EX"),
    ("AVA", "AVB", "IN"), ("AVA", "PVC", "IN"), ("AVA", "AVD", "IN"),
    ("AVB", "AVA", "IN"), ("AVB", "AVD", "IN"),
)

GRADED_NEURON = """\
title Graded neuron
about A non-spiking C. elegans neuron: a passive leaky membrane driven by graded synapses and gap junctions
state v = -70 mV
param C_m = 10 pF (0, inf) "Membrane capacitance"
param g_L = 0.5 nS (0, inf) "Leak conductance"
param E_L = -70 mV "Leak reversal potential (rest)"
param I_e = 0 pA "Constant bias current"
dv/dt = (g_L*(E_L - v) + I_e + I_syn)/C_m
"""
CELL = {"C_m": 10.0, "g_L": 0.5, "E_L": -70.0}  # tau = C_m / g_L = 20 ms
E_REV = {"EX": 0.0, "IN": -90.0}  # mV, excitatory and inhibitory graded synapses (Lechner et al. 2019)
V_HALF, V_SLOPE = -40.0, 5.0  # mV: the sigmoid's midpoint and width, the same for every chemical synapse
WEIGHTS = {"EX": 0.5, "IN": 0.5, "GJ": 2.0}  # nS
SENSORY_IN = 0.1  # nS: the sensory neurons' chemical synapses, which Wicks et al. found inhibitory and weak
MAIN_PATHWAYS = {("AVD", "AVA"): 2.0, ("PVC", "AVB"): 2.0}  # Chalfie et al. (1985): anterior touch via AVD to
# AVA (backward), posterior touch via PVC to AVB (forward): twice the other excitatory weights
BIAS = {"AVB": 16.0, "AVA": 12.0, "AVD": 10.0, "PVC": 10.0, "DVA": 10.0}  # pA; AVB highest: forward at rest
TAP = 60.0  # pA into the touch neurons during a tap
TAPS = {"anterior": (500.0, 700.0), "posterior": (1500.0, 1700.0)}  # ms


def _weight(src: str, tgt: str, kind: str) -> float:
    base = SENSORY_IN if kind == "IN" and src in TW_SENSORY else WEIGHTS[kind]
    return base * MAIN_PATHWAYS.get((src, tgt), 1.0)


def _description() -> str:
    a0, a1 = TAPS["anterior"]
    p0, p1 = TAPS["posterior"]
    return (
        "The worm's tap-withdrawal circuit of graded neurons: a head tap drives AVA above AVB (reversal). "
        "A tap on the tail does the opposite. The circuit of Wicks, Roehrig & Rankin (1996, J. Neurosci. "
        "16:4017) as Lechner et al. (2019, ICRA, 'Designing worm-inspired neural networks for interpretable "
        "robotic control') use it in their liquid time-constant networks: touch neurons ALM and AVM (head), PLM "
        "(tail) and PVD, interneurons DVA, AVD, PVC and the command neurons AVA (backward) and AVB (forward), "
        "wired by their 24 connections (inhibitory chemical synapses from the sensory neurons, gap junctions "
        "PLM-PVC and AVM-AVD, and the interneurons' excitatory and inhibitory synapses). Each neuron is one "
        f"graded, non-spiking cell (C_m = {CELL['C_m']:g} pF, g_L = {CELL['g_L']:g} nS, E_L = {CELL['E_L']:g} mV, "
        "a model described by equations in this file); each chemical synapse is graded, w sigmoid((v_pre - "
        f"V_half)/V_slope) (E_rev - v_post) with V_half = {V_HALF:g} mV, V_slope = {V_SLOPE:g} mV, E_rev "
        f"{E_REV['EX']:g} mV (excitatory) or {E_REV['IN']:g} mV (inhibitory), w = {WEIGHTS['EX']:g} nS "
        f"({SENSORY_IN:g} nS from sensory neurons; AVD->AVA and PVC->AVB, the main pathways of Chalfie et al. "
        f"1985, twice as strong); each gap junction w (v_pre - v_post) with w = {WEIGHTS['GJ']:g} nS both ways. "
        "The weights and bias currents are chosen by hand, not fitted. At rest AVB sits above AVA (forward). "
        f"A tap on the head ({TAP:g} pA into ALM and AVM from {a0:g} to {a1:g} ms) depolarises AVD through the "
        "AVM gap junction, AVD excites AVA, and AVA inhibits AVB: reversal. A tap on the tail (PLM, "
        f"{p0:g} to {p1:g} ms) depolarises PVC through the PLM gap junction, PVC excites AVB, and AVB and PLM "
        "inhibit AVA: the worm accelerates forward. The membrane potentials of every cell are recorded.")


def tap_withdrawal() -> Network:
    """The tap-withdrawal circuit, one graded neuron per cell; a head tap, then a tail tap."""
    net = Network(dt=0.1, duration=2500.0, seed=1996, metadata=Metadata(
        title="C. elegans tap withdrawal (Wicks et al. 1996): reversal after a head tap",
        author=AUTHOR, description=_description(), license=LICENSE))
    net.add_model("graded_neuron", GRADED_NEURON)
    for cell in TW_SENSORY + TW_INTER:
        net.add_population(cell, 1, "graded_neuron", I_e=BIAS.get(cell, 0.0), **CELL)
    for src, tgt, kind in TW_EDGES:
        if kind == "GJ":
            net.connect(src, tgt, "all_to_all", id=f"{src}-{tgt} gap", synapse="gap", weight=_weight(src, tgt, kind))
        else:
            net.connect(src, tgt, "all_to_all", id=f"{src}->{tgt}", synapse="graded", weight=_weight(src, tgt, kind),
                        receptor="excitatory" if kind == "EX" else "inhibitory", E_rev=E_REV[kind],
                        V_half=V_HALF, V_slope=V_SLOPE)
    start, stop = TAPS["anterior"]
    for cell in ("ALM", "AVM"):
        net.add_current(f"tap_{cell}", cell, "step", amplitude=TAP, start=start, stop=stop).name = f"head tap {cell}"
    start, stop = TAPS["posterior"]
    net.add_current("tap_PLM", "PLM", "step", amplitude=TAP, start=start, stop=stop).name = "tail tap PLM"
    for cell in TW_INTER[::-1] + TW_SENSORY:  # the commands first: the live view shows the first 8 probes
        net.record_state(cell, "v", neurons=[0], interval=1.0)
    net.layout = _layout()
    net.add_note("paper", "Wicks, Roehrig & Rankin (1996) tap-withdrawal circuit, wired as Lechner et al. (2019).\n"
                 "One graded (non-spiking) neuron per cell; graded chemical synapses and gap junctions. "
                 "Head tap at 500 ms: AVD, AVA depolarise, AVB hyperpolarises (reversal); tail tap at 1500 ms: "
                 "the opposite (forward).",
                 x=-770.0, y=-540.0, width=460.0, height=130.0, color=NOTE_COLOR)
    return net


def _layout() -> dict[str, NodeLayout]:
    colors = {cell: SENSORY_COLOR for cell in TW_SENSORY}
    colors.update(DVA=INH_COLOR, AVA=INH_COLOR, AVB=INH_COLOR, AVD=EXC_COLOR, PVC=EXC_COLOR)
    places = {"tap_ALM": (-660.0, -270.0), "tap_AVM": (-660.0, -90.0), "tap_PLM": (-660.0, 450.0),
              "ALM": (-330.0, -270.0), "AVM": (-330.0, -90.0), "PVD": (-330.0, 260.0), "PLM": (-330.0, 450.0),
              "AVD": (100.0, -200.0), "PVC": (100.0, 200.0), "DVA": (100.0, 620.0),
              "AVA": (520.0, -380.0), "AVB": (520.0, 200.0)}
    return {nid: NodeLayout(x, y, colors.get(nid, INPUT_COLOR)) for nid, (x, y) in places.items()}
