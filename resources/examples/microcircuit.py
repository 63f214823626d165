"""The Potjans & Diesmann (2014) cortical microcircuit at any scale (``microcircuit(scale=1.0)`` is the full model).

Eight LIF populations (excitatory and inhibitory in layers 2/3, 4, 5 and 6) of a 1 mm^2 patch of early sensory
cortex: about 77,000 neurons and 0.3 billion synapses at full scale. Parameters as in the paper (Cereb. Cortex
24:785) and NEST's PyNEST example (``pynest/examples/Potjans_2014``), from which the figures are taken.

Scaling, as NEST's example does it: ``scale`` multiplies the number of neurons, ``k_scale`` (default: ``scale``)
the in-degrees (synapses per neuron, external ones included). With ``k_scale < 1`` the weights grow by
1 / sqrt(k_scale), which keeps the variance of each neuron's input, and a DC current
0.001 tau_syn (1 - sqrt(k_scale)) sum_j J_ij K_ij nu_j (the full network's in-degrees K and rates nu, external
input included) restores its mean. ``k_scale = 1`` keeps the full in-degrees and needs no correction.

Run as a script to write one scale to a file: ``python -m spikestudio.resources.examples.microcircuit --scale 1
-o microcircuit_full.json``; then ``spikestudio info microcircuit_full.json`` estimates its memory and
``spikestudio run microcircuit_full.json --duration 1`` runs it.
"""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np
from spikestudio.engine.model.network import Distribution, Metadata, Network, NodeLayout

__all__ = ["POPULATIONS", "FULL_SIZES", "CONN_PROBS", "K_EXT", "REFERENCE_RATES", "BUNDLED_SCALE", "microcircuit",
           "full_synapse_counts", "psc_over_psp"]

POPULATIONS = ("L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I")
FULL_SIZES = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
# Connection probabilities, [target, source] (Potjans & Diesmann 2014, Table 5).
CONN_PROBS = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443]])
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])  # external (background) in-degrees
BG_RATE = 8.0  # Hz per external input
# Mean rates (Hz) of the full-scale model, as NEST's example gives them (its network_params.py, full_mean_rates,
# from full-scale runs); the paper's Fig. 6 shows the same rates. The DC compensation of a reduced network uses them.
REFERENCE_RATES = np.array([0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851])
LIF = {"tau_m": 10.0, "C_m": 250.0, "E_L": -65.0, "V_th": -50.0, "V_reset": -65.0, "t_ref": 2.0}
TAU_SYN = 0.5  # ms, excitatory and inhibitory current synapses alike
PSP_E, G, W_REL_STD = 0.15, 4.0, 0.1  # mean EPSP (mV), relative inhibition, relative std of the weights
DELAY_E, DELAY_I, DELAY_REL_STD, DELAY_EXT = 1.5, 0.75, 0.5, 1.5  # ms
# Initial v per population (mean, std in mV): NEST's 'optimized' values, which shorten the start-up transient.
V0 = [(-68.28, 5.36), (-63.16, 4.57), (-63.33, 4.74), (-63.45, 4.94),
      (-63.11, 4.94), (-61.66, 4.55), (-66.72, 5.46), (-61.43, 4.48)]
BUNDLED_SCALE = 0.1  # the bundled file: 7,712 neurons, about 3 million synapses (runs in seconds)
DT = 0.1

EXC_COLOR, INH_COLOR, INPUT_COLOR = "#d62728", "#1f77b4", "#7f7f7f"
LAYER_STEP = 380.0  # canvas units between layers; excitatory column at x = 0, inhibitory at x = INH_X
INH_X = 1000.0  # wide enough for the 32 projections between the columns to keep their labels apart


def psc_over_psp(c_m: float = LIF["C_m"], tau_m: float = LIF["tau_m"], tau_s: float = TAU_SYN) -> float:
    """pA of an exponential current whose PSP peaks at 1 mV (87.8 pA for 0.15 mV with the paper's parameters)."""
    sub = 1.0 / (tau_s - tau_m)
    pre = tau_m * tau_s / c_m * sub
    frac = (tau_m / tau_s) ** sub
    return 1.0 / (pre * (frac ** tau_m - frac ** tau_s))


def full_synapse_counts() -> np.ndarray:
    """Synapses [target, source] of the full model: the number of random draws (multapses allowed) that connect
    a pair with the paper's probability, log(1 - p) / log(1 - 1 / (N_pre N_post))."""
    prod = np.outer(FULL_SIZES, FULL_SIZES).astype(np.float64)
    return np.log(1.0 - CONN_PROBS) / np.log((prod - 1.0) / prod)


def _mean_psc() -> np.ndarray:
    """Signed mean weights (pA) [target, source]: inhibitory ones g times stronger, L4E -> L23E doubled."""
    w = np.tile(np.array([1.0, -G] * 4), (8, 1)) * PSP_E * psc_over_psp()
    w[0, 2] *= 2.0
    return w


def dc_compensation(k_scale: float) -> np.ndarray:
    """pA per population that restores the mean input lost when in-degrees shrink by ``k_scale`` (NEST's formula)."""
    indegree = full_synapse_counts() / FULL_SIZES[:, None]
    rec = (_mean_psc() * indegree * REFERENCE_RATES).sum(axis=1)
    ext = PSP_E * psc_over_psp() * K_EXT * BG_RATE
    return 0.001 * TAU_SYN * (1.0 - math.sqrt(k_scale)) * (rec + ext)


def microcircuit(scale: float = BUNDLED_SCALE, k_scale: float | None = None, seed: int = 2014) -> Network:
    """The microcircuit with ``scale`` x the neurons and ``k_scale`` (default ``scale``) x the in-degrees."""
    k_scale = scale if k_scale is None else k_scale
    if not (0.0 < scale <= 1.0 and 0.0 < k_scale <= 1.0):
        raise ValueError(f"scale and k_scale must lie in (0, 1], got {scale} and {k_scale}")
    sizes = np.maximum(1, np.round(FULL_SIZES * scale)).astype(int)
    net = Network(dt=DT, duration=1000.0, seed=seed, metadata=_metadata(scale, k_scale, sizes))
    dc = dc_compensation(k_scale)
    for i, pop in enumerate(POPULATIONS):
        mean, std = V0[i]
        net.add_population(pop, int(sizes[i]), "lif", **LIF, I_e=round(float(dc[i]), 6),
                           initial={"v": Distribution("normal", mean=mean, std=std)})
    _connect_layers(net, scale, k_scale)
    _background(net, sizes, k_scale)
    for pop in POPULATIONS:
        net.record_spikes(pop)
        net.record_rate(pop, bin=1.0)
    net.record_state("L4E", "v", neurons=[0, 1], interval=DT)
    net.layout = _layout()
    net.add_note("paper", NOTE_TEXT, -940.0, -60.0, width=400.0, height=200.0)
    return net


def _connect_layers(net: Network, scale: float, k_scale: float) -> None:
    """Fixed total numbers of synapses per pair of populations, weights and delays normal, as in the paper.

    ``multapses=1``: each synapse picks its pair independently, as NEST's fixed_total_number does; the counts
    (``full_synapse_counts``) are calibrated on that, and distinct pairs would spread them over more neurons,
    giving each neuron less variable input than the model's. Weights and delays out of range are drawn again, as
    in NEST (delays below half a step: those up to 1.5 steps round to one); clipping them instead gave twice as
    many one-step inhibitory delays, and at 0.1 x neurons with full in-degrees L2/3 and L5E fired 8 to 12 % below
    NEST (three-seed means; redrawn: within 6 %)."""
    counts = np.round(full_synapse_counts() * scale * k_scale).astype(np.int64)
    w_mean = _mean_psc() / math.sqrt(k_scale)
    for i, tgt in enumerate(POPULATIONS):
        for j, src in enumerate(POPULATIONS):
            if counts[i, j] <= 0:
                continue
            exc = j % 2 == 0
            w = round(float(abs(w_mean[i, j])), 6)
            d = DELAY_E if exc else DELAY_I
            net.connect(src, tgt, "fixed_total", n=int(counts[i, j]), multapses=1,
                        weight=Distribution("normal", mean=w, std=round(W_REL_STD * w, 6), min=0.0, redraw=True),
                        delay=Distribution("normal", mean=d, std=DELAY_REL_STD * d, min=DT / 2, redraw=True),
                        synapse="current", receptor="excitatory" if exc else "inhibitory", tau=TAU_SYN,
                        allow_autapses=True)


def _background(net: Network, sizes: np.ndarray, k_scale: float) -> None:
    """K_ext independent 8 Hz inputs per neuron, as one Poisson train of K_ext x 8 Hz each (one_to_one)."""
    w_ext = round(PSP_E * psc_over_psp() / math.sqrt(k_scale), 6)
    for i, pop in enumerate(POPULATIONS):
        rate = float(np.round(K_EXT[i] * k_scale)) * BG_RATE
        net.add_poisson(f"bg_{pop}", int(sizes[i]), rate=rate)
        net.connect(f"bg_{pop}", pop, "one_to_one", weight=w_ext, delay=DELAY_EXT, synapse="current",
                    receptor="excitatory", tau=TAU_SYN)


def _layout() -> dict[str, NodeLayout]:
    """Layer by layer from the top: excitatory left, inhibitory right, each population's background beside it."""
    layout = {}
    for layer in range(4):
        y = layer * LAYER_STEP
        e, i = POPULATIONS[2 * layer], POPULATIONS[2 * layer + 1]
        layout[f"bg_{e}"] = NodeLayout(-330.0, y, INPUT_COLOR)
        layout[e] = NodeLayout(0.0, y, EXC_COLOR)
        layout[i] = NodeLayout(INH_X, y, INH_COLOR)
        layout[f"bg_{i}"] = NodeLayout(INH_X + 330.0, y, INPUT_COLOR)
    return layout


NOTE_TEXT = ("Potjans TC & Diesmann M (2014) The cell-type specific cortical microcircuit: relating structure and "
             "activity in a full-scale spiking network model. Cereb. Cortex 24:785-806.\n"
             "Layers 2/3, 4, 5 and 6 from top to bottom; excitatory (red) left, inhibitory (blue) right, grey: "
             "Poisson background. Reference rates (Hz): L2/3 0.9 / 3.0, L4 4.4 / 5.9, L5 7.7 / 8.7, L6 1.1 / 7.9.")


def _metadata(scale: float, k_scale: float, sizes: np.ndarray) -> Metadata:
    n_syn = int(np.round(full_synapse_counts() * scale * k_scale).sum())
    title = "Cortical microcircuit (Potjans & Diesmann 2014)"
    if scale != 1.0 or k_scale != 1.0:
        title += f", {scale:g} x neurons, {k_scale:g} x in-degrees"
    return Metadata(
        title=title,
        author="SpikeStudio",
        description=(
            "A square millimetre of sensory cortex in four layers whose eight populations fire at the rates measured "
            "in each layer. The cell-type specific microcircuit of Potjans & Diesmann (2014, Cereb. Cortex 24:785) "
            f"with the parameters of NEST's PyNEST example, here at {scale:g} x its 77,169 neurons "
            f"({int(sizes.sum()):,}) and {k_scale:g} x its in-degrees ({n_syn:,} recurrent synapses; 0.3 billion "
            "at full scale). Eight LIF populations (L2/3, L4, L5, L6, excitatory and inhibitory; tau_m = 10 ms, "
            "C_m = 250 pF, E_L = V_reset = -65 mV, V_th = -50 mV, t_ref = 2 ms) with exponential current synapses "
            "(tau = 0.5 ms). Each pair of populations is wired with a fixed total number of synapses, each drawn "
            "independently (so a pair may get several, as in NEST), which gives the paper's connection probability "
            "(Table 5); weights are normal with a 10 % spread around 87.8 pA (a "
            "0.15 mV PSP), inhibitory ones 4 times stronger and L4E -> L2/3E twice as strong; delays are normal, "
            "1.5 +- 0.75 ms excitatory and 0.75 +- 0.375 ms inhibitory, drawn again below half a step (as NEST). "
            "Background: each neuron receives K_ext (1500 to 2900) independent 8 Hz Poisson inputs, one Poisson "
            "train of K_ext x 8 Hz here. A reduced network scales its in-degrees by k_scale, its weights by "
            "1 / sqrt(k_scale) and adds the DC current that keeps every neuron's mean input (as NEST's example). "
            "The network fires asynchronously and irregularly with low rates in L2/3E and L6E (about 1 Hz) and "
            "higher ones in L4 and L5 (4 to 9 Hz). dt = 0.1 ms. Full scale: python -m "
            "spikestudio.resources.examples.microcircuit --scale 1 -o microcircuit_full.json."),
        license="CC0-1.0")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=BUNDLED_SCALE, help="fraction of the neurons (1 = full)")
    parser.add_argument("--k-scale", type=float, default=None, help="fraction of the in-degrees (default: scale)")
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("-o", "--out", required=True, help="network file to write (.json or .snn)")
    args = parser.parse_args(argv)
    from spikestudio.engine.files import fileformat

    fileformat.save(microcircuit(args.scale, args.k_scale, args.seed), args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
