"""Builder of the C. elegans tap-withdrawal circuit example (Wicks, Roehrig & Rankin 1996; Lechner et al. 2019).

The circuit's neurons are graded (non-spiking) and its synapses graded chemical synapses and gap junctions,
which the engine's spike-triggered synapses cannot express; here each neuron is a small group of LIF neurons
whose firing rate stands for its graded output, and each gap junction is a pair of excitatory synapses.
"""

from __future__ import annotations

from spikestudio.engine.model.network import Distribution, Metadata, Network, NodeLayout

__all__ = ["TW_EDGES", "TW_SENSORY", "TW_INTER", "TAPS", "tap_withdrawal"]

AUTHOR = "SpikeStudio"
LICENSE = "CC0-1.0"
EXC_COLOR, INH_COLOR, INPUT_COLOR = "#d62728", "#1f77b4", "#7f7f7f"  # as make_examples.py
SENSORY_COLOR = "#ff7f0e"  # touch and harsh-touch neurons (their synapses are of both signs): orange
NOTE_COLOR = "#fff59d"

TW_SENSORY = ("PVD", "PLM", "AVM", "ALM")
TW_INTER = ("DVA", "AVD", "PVC", "AVA", "AVB")
# The tap-withdrawal circuit as Lechner et al. (2019) drew it from Wicks et al. (1996): (source, target, kind),
# kind "EX" excitatory or "IN" inhibitory chemical synapse, "GJ" gap junction.
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
SIZE = 10  # LIF neurons standing for one graded neuron
WEIGHTS = {"EX": 12.0, "IN": 16.0, "GJ": 16.8}  # pA per synapse (all-to-all between two groups of SIZE)
SENSORY_IN = 6.4  # pA: the sensory neurons' chemical synapses, which Wicks et al. found inhibitory and weak
MAIN_PATHWAYS = {("AVD", "AVA"): 3.0, ("PVC", "AVB"): 3.0}  # Chalfie et al. (1985): anterior touch via AVD to
# AVA (backward), posterior touch via PVC to AVB (forward): three times the other excitatory weights
BIAS, FORWARD_BIAS = 240.0, 265.0  # pA: interneurons just below rheobase (250 pA); AVB above it (forward)
TAP = 500.0  # pA into the touch neurons during a tap
TAPS = {"anterior": (500.0, 700.0), "posterior": (1500.0, 1700.0)}  # ms
TAU = 25.0  # ms, every synapse (not tau_m: Brian2's exact integrator divides by tau_m - tau)


def _weight(src: str, tgt: str, kind: str) -> float:
    base = SENSORY_IN if kind == "IN" and src in TW_SENSORY else WEIGHTS[kind]
    return base * MAIN_PATHWAYS.get((src, tgt), 1.0)


def _description() -> str:
    a0, a1 = TAPS["anterior"]
    p0, p1 = TAPS["posterior"]
    return (
        "The worm's tap-withdrawal circuit: a tap on the head drives the reversal commands AVA, AVD above forward "
        "AVB, PVC. The circuit of Wicks, Roehrig & Rankin "
        "(1996, J. Neurosci. 16:4017) as Lechner et al. (2019, ICRA, 'Designing worm-inspired neural networks') "
        "use it: touch neurons ALM and AVM (head), PLM (tail) and PVD, interneurons DVA, AVD, PVC and the "
        "command neurons AVA (backward) and AVB (forward), wired by their 24 connections (inhibitory chemical "
        "synapses from the sensory neurons, gap junctions PLM-PVC and AVM-AVD, and the interneurons' excitatory "
        "and inhibitory synapses). An approximation: the paper's neurons are graded (non-spiking) and its "
        "synapses graded, which SpikeStudio's spike-triggered synapses cannot express, so each neuron is a group "
        f"of {SIZE} LIF neurons (tau_m = 20 ms, C_m = 250 pF, E_L = -70 mV, V_th = -50 mV) whose firing rate "
        "stands for its graded output, each chemical synapse is all-to-all current synapses (tau = 25 ms; "
        f"{WEIGHTS['EX']:g} pA excitatory, {WEIGHTS['IN']:g} pA inhibitory, {SENSORY_IN:g} pA from sensory "
        f"neurons; AVD->AVA and PVC->AVB, the main pathways of Chalfie et al. 1985, three times stronger) and "
        f"each gap junction a pair of excitatory synapses of {WEIGHTS['GJ']:g} pA, one each way. The weights are "
        "chosen by hand, not fitted. The interneurons sit just below threshold (240 pA) and AVB just above "
        f"(265 pA), so the worm moves forward at rest. A tap on the head ({TAP:g} pA into ALM and AVM from "
        f"{a0:g} to {a1:g} ms) excites AVD through the AVM gap junction and AVA through AVD, which silence AVB: "
        f"reversal. A tap on the tail (PLM, {p0:g} to {p1:g} ms) excites PVC and AVB and silences AVA: the worm "
        "accelerates forward.")


def tap_withdrawal() -> Network:
    """The tap-withdrawal circuit, each graded neuron as a group of LIF neurons; a head tap, then a tail tap."""
    net = Network(dt=0.1, duration=2500.0, seed=1996, metadata=Metadata(
        title="C. elegans tap withdrawal (Wicks et al. 1996): reversal after a head tap",
        author=AUTHOR, description=_description(), license=LICENSE))
    lif = {"tau_m": 20.0, "C_m": 250.0, "E_L": -70.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 2.0,
           "initial": {"v": Distribution("uniform", low=-60.0, high=-50.0)}}
    for cell in TW_SENSORY:
        net.add_population(cell, SIZE, "lif", I_e=0.0, **lif)
    for cell in TW_INTER:
        net.add_population(cell, SIZE, "lif", I_e=FORWARD_BIAS if cell == "AVB" else BIAS, **lif)
    for src, tgt, kind in TW_EDGES:
        receptor = "inhibitory" if kind == "IN" else "excitatory"
        pairs = [(src, tgt), (tgt, src)] if kind == "GJ" else [(src, tgt)]
        for a, b in pairs:
            net.connect(a, b, "all_to_all", id=f"{a}->{b}" + (" gap" if kind == "GJ" else ""),
                        weight=_weight(src, tgt, kind), delay=0.5, receptor=receptor, tau=TAU)
    start, stop = TAPS["anterior"]
    for cell in ("ALM", "AVM"):
        net.add_current(f"tap_{cell}", cell, "step", amplitude=TAP, start=start, stop=stop).name = f"head tap {cell}"
    start, stop = TAPS["posterior"]
    net.add_current("tap_PLM", "PLM", "step", amplitude=TAP, start=start, stop=stop).name = "tail tap PLM"
    for cell in TW_SENSORY + TW_INTER:
        net.record_spikes(cell)
        net.record_rate(cell, bin=5.0)
    net.record_state("AVA", "v", neurons=[0], interval=0.1)
    net.record_state("AVB", "v", neurons=[0], interval=0.1)
    net.layout = _layout()
    net.add_note("paper", "Wicks, Roehrig & Rankin (1996) tap-withdrawal circuit, wired as Lechner et al. (2019).\n"
                 "Graded neurons approximated: each is 10 LIF neurons whose rate is its output; gap junctions "
                 "are excitatory synapses both ways. Head tap at 500 ms: AVA, AVD up, AVB down (reversal).",
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
