"""Builders of the attractor examples: a ring attractor that holds a bump of activity (head direction)."""

from __future__ import annotations

import numpy as np
from spikestudio.engine.model.network import Distribution, Metadata, Network, NodeLayout

__all__ = ["RING", "ring_attractor", "ring_weights", "cue_weights", "population_vector"]

AUTHOR = "SpikeStudio"
LICENSE = "CC0-1.0"
EXC_COLOR, INH_COLOR, INPUT_COLOR = "#d62728", "#1f77b4", "#7f7f7f"  # as make_examples.py
NOTE_COLOR = "#fff59d"

# Ring attractor: N_E excitatory neurons on a ring (neuron i prefers the angle 360 i / N_E degrees), each
# exciting its neighbours with a Gaussian profile, and one inhibitory pool inhibiting all of them. The cue is a
# group of N_CUE neurons, switched on by a step current, exciting the ring neurons near cue_angle.
RING = {"N_E": 100, "N_I": 25, "N_CUE": 11, "J_EE": 30.0, "sigma": 5.0, "J_EI": 20.0, "J_IE": 20.0, "tau_E": 50.0,
        "bias": 150.0, "noise_mean": 125.0, "noise_std": 45.0, "noise_tau": 5.0, "cue_angle": 90.0,
        "cue_start": 200.0, "cue_stop": 500.0, "cue_current": 1000.0, "cue_J": 8.0, "cue_width": 3.0,
        "duration": 2500.0}


def ring_weights(n: int, j_ee: float, sigma: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pre, post, weight) of the local excitation: neighbours up to 3 sigma apart on the ring, weight
    ``j_ee exp(-d^2 / 2 sigma^2)`` pA (no self-connections)."""
    reach = int(3 * sigma)
    offsets = np.array([d for d in range(-reach, reach + 1) if d != 0])
    pre = np.repeat(np.arange(n), offsets.size)
    post = (pre + np.tile(offsets, n)) % n
    weight = j_ee * np.exp(-np.tile(offsets, n) ** 2 / (2.0 * sigma**2))
    return pre, post, np.round(weight, 6)


def cue_weights(n: int, n_cue: int, angle: float, j: float, width: float):
    """(pre, post, weight) of the cue: cue neuron k excites the ring neuron ``centre - n_cue // 2 + k`` (centre:
    the neuron preferring ``angle``) by ``j exp(-d^2 / 2 width^2)`` mV, d its distance from the centre."""
    centre = int(round(angle / 360.0 * n))
    pre = np.arange(n_cue)
    offsets = pre - n_cue // 2
    return pre, (centre + offsets) % n, np.round(j * np.exp(-offsets**2 / (2.0 * width**2)), 6)


def population_vector(ids: np.ndarray, n: int) -> tuple[float, float]:
    """(angle in degrees in [0, 360), length in [0, 1]) of the population vector of the spikes ``ids``: 1 for
    spikes all from one neuron, about 0 for activity spread evenly round the ring."""
    counts = np.bincount(ids, minlength=n).astype(float)
    z = (counts * np.exp(2j * np.pi * np.arange(n) / n)).sum()
    return float(np.degrees(np.angle(z)) % 360.0), float(abs(z) / max(counts.sum(), 1.0))


def ring_attractor() -> Network:
    """A ring of excitatory neurons with local excitation and broad inhibition holds a bump after its cue."""
    r = RING
    net = Network(dt=0.1, duration=r["duration"], seed=1996, metadata=Metadata(
        title="Ring attractor: a bump of activity that outlasts its cue (head direction)",
        author=AUTHOR,
        description=(
            "A ring of neurons with local excitation and broad inhibition holds a bump of activity long after "
            "its cue. The head-direction cell model of Zhang (1996, J. Neurosci. 16:2112) in spiking form, as in "
            "the working-memory network of Compte et al. (2000, Cereb. Cortex 10:910): 100 excitatory LIF neurons "
            "on a ring (neuron i prefers the direction 3.6 i degrees; tau_m = 20 ms, C_m = 250 pF, E_L = -70 mV, "
            "V_th = -50 mV, V_reset = -60 mV, t_ref = 2 ms, a bias current of 150 pA) excite their neighbours "
            "through slow current synapses (tau = 50 ms, standing for NMDA receptors) with weights 30 pA x "
            "exp(-d^2 / 2 sigma^2), sigma = 5 neurons (18 degrees), up to 15 neurons away; they all excite a pool "
            "of 25 inhibitory neurons (20 pA, tau = 50 ms) that inhibits every ring neuron (20 pA, tau = 10 ms). "
            "Each ring neuron also gets its own noisy current (Ornstein-Uhlenbeck, mean 125 pA, std 45 pA, tau = "
            "5 ms), so before the cue the ring fires weakly and nearly evenly. The cue, 11 neurons driven by 1000 "
            "pA from 200 to 500 ms, excites the ring neurons around 90 degrees (8 mV jumps at the centre, less "
            "further out) and lights a bump there; after the cue the recurrent excitation keeps about 11 neurons "
            "firing at 40-60 Hz around 90 degrees while the inhibition silences the rest, for the 2 s the run "
            "lasts (the population vector stays within a few degrees of 90). Set the weight of E->E to 0 and the "
            "bump dies with the cue. The spike raster shows the bump; the rate plot shows the ring's mean."),
        license=LICENSE))
    lif = {"tau_m": 20.0, "C_m": 250.0, "E_L": -70.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 2.0}
    spread = {"v": Distribution("uniform", low=-70.0, high=-50.0)}
    net.add_population("E", r["N_E"], "lif", I_e=r["bias"], initial=spread, **lif).name = "ring (E)"
    net.add_population("I", r["N_I"], "lif", I_e=0.0, **lif).name = "inhibition (I)"
    net.add_population("cue", r["N_CUE"], "lif", I_e=0.0, initial=spread, **lif).name = "cue at 90°"
    net.add_current("noise", "E", "ou", mean=r["noise_mean"], std=r["noise_std"], tau=r["noise_tau"])
    net.add_current("cue_on", "cue", "step", amplitude=r["cue_current"], start=r["cue_start"],
                    stop=r["cue_stop"]).name = "cue on"
    pre, post, weight = ring_weights(r["N_E"], r["J_EE"], r["sigma"])
    net.connect("E", "E", "explicit", pre=pre, post=post, weights=weight, weight=r["J_EE"], delay=1.0,
                tau=r["tau_E"])  # weight: the peak, shown on the canvas (the list holds each synapse's)
    net.connect("E", "I", "all_to_all", weight=r["J_EI"], delay=1.0, tau=r["tau_E"])
    net.connect("I", "E", "all_to_all", weight=r["J_IE"], delay=1.0, receptor="inhibitory", tau=10.0)
    pre, post, weight = cue_weights(r["N_E"], r["N_CUE"], r["cue_angle"], r["cue_J"], r["cue_width"])
    net.connect("cue", "E", "explicit", pre=pre, post=post, weights=weight, weight=r["cue_J"], delay=0.1,
                synapse="delta")
    for pop in ("E", "I", "cue"):
        net.record_spikes(pop)
        net.record_rate(pop, bin=1.0)
    net.record_state("E", "v", neurons=[25, 75], interval=0.1)
    net.layout = {"noise": NodeLayout(-330.0, -120.0, INPUT_COLOR), "cue_on": NodeLayout(-660.0, 140.0, INPUT_COLOR),
                  "cue": NodeLayout(-330.0, 140.0, EXC_COLOR), "E": NodeLayout(0.0, 0.0, EXC_COLOR),
                  "I": NodeLayout(440.0, 0.0, INH_COLOR)}
    net.add_note("paper", "Zhang (1996) head-direction ring attractor, spiking as in Compte et al. (2000).\n"
                 "The cue lights neurons near 90°; after it ends (500 ms) local excitation and broad "
                 "inhibition hold the bump there. E->E weight 0: the bump dies.",
                 x=-100.0, y=-300.0, width=420.0, height=120.0, color=NOTE_COLOR)
    return net
