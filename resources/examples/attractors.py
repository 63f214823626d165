"""Builders of the attractor examples: a ring attractor that holds a bump of activity (head direction)."""

from __future__ import annotations

import numpy as np
from spikestudio.engine.model.network import Metadata, Network, NodeLayout

__all__ = ["RING", "ring_attractor", "ring_weights", "cue_spikes", "population_vector"]

AUTHOR = "SpikeStudio"
LICENSE = "CC0-1.0"
EXC_COLOR, INH_COLOR, INPUT_COLOR = "#d62728", "#1f77b4", "#7f7f7f"  # as make_examples.py
NOTE_COLOR = "#fff59d"

# Ring attractor: N_E excitatory neurons on a ring (neuron i prefers the angle 360 i / N_E degrees), each
# exciting its neighbours with a Gaussian profile, and one inhibitory pool inhibiting all of them.
RING = {"N_E": 100, "N_I": 25, "J_EE": 30.0, "sigma": 5.0, "J_EI": 20.0, "J_IE": 20.0, "tau_E": 50.0,
        "bias": 150.0, "noise_rate": 1000.0, "noise_J": 0.5, "cue_angle": 90.0, "cue_start": 200.0,
        "cue_stop": 500.0, "cue_rate": 300.0, "cue_width": 3.0, "cue_J": 5.0, "duration": 2500.0}


def ring_weights(n: int, j_ee: float, sigma: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pre, post, weight) of the local excitation: neighbours up to 3 sigma apart on the ring, weight
    ``j_ee exp(-d^2 / 2 sigma^2)`` pA (no self-connections)."""
    reach = int(3 * sigma)
    offsets = np.array([d for d in range(-reach, reach + 1) if d != 0])
    pre = np.repeat(np.arange(n), offsets.size)
    post = (pre + np.tile(offsets, n)) % n
    weight = j_ee * np.exp(-np.tile(offsets, n) ** 2 / (2.0 * sigma**2))
    return pre, post, np.round(weight, 6)


def cue_spikes(n: int, angle: float, start: float, stop: float, rate: float, width: float,
               seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(neuron, time in ms) of the cue: Poisson trains between ``start`` and ``stop`` at ``rate`` Hz times a
    Gaussian of ring distance (``width`` neurons) around the neuron that prefers ``angle``, sorted by time."""
    rng = np.random.default_rng(seed)
    centre = angle / 360.0 * n
    neurons, times = [], []
    for i in range(n):
        d = min(abs(i - centre), n - abs(i - centre))
        r = rate * np.exp(-d * d / (2.0 * width**2))
        if r < 5.0:
            continue
        t = np.sort(rng.uniform(start, stop, rng.poisson(r * (stop - start) / 1000.0)))
        neurons += [i] * t.size
        times += t.tolist()
    order = np.argsort(times, kind="stable")
    return np.asarray(neurons, np.int64)[order], np.round(np.asarray(times)[order], 1)


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
            "its cue. The head-direction cell model of Zhang (1996, J. Neurosci. "
            "16:2112) in spiking form, as in the working-memory network of Compte et al. (2000, Cereb. Cortex "
            "10:910): 100 excitatory LIF neurons on a ring (neuron i prefers the direction 3.6 i degrees; "
            "tau_m = 20 ms, C_m = 250 pF, E_L = -70 mV, V_th = -50 mV, V_reset = -60 mV, t_ref = 2 ms, a bias "
            "current of 150 pA) excite their neighbours through slow current synapses (tau = 50 ms, standing for "
            "NMDA receptors) with weights 30 pA x exp(-d^2 / 2 sigma^2), sigma = 5 neurons (18 degrees), up to 15 "
            "neurons away; they all excite a pool of 25 inhibitory neurons (20 pA, tau = 50 ms) that inhibits "
            "every ring neuron (20 pA, tau = 10 ms). Each ring neuron also gets independent Poisson noise "
            "(1000 Hz of 0.5 mV jumps), so before the cue the ring fires weakly and evenly. The cue, Poisson "
            "spikes of up to 300 Hz (5 mV each) on the neurons near 90 degrees from 200 to 500 ms, lights a "
            "bump there; after the cue the recurrent excitation keeps about 11 neurons firing at 40-60 Hz "
            "around 90 degrees while the inhibition silences the rest, for the 2 s the run lasts (the "
            "population vector stays within a few degrees of 90). Set the weight of E->E to 0 and the bump "
            "dies with the cue. The spike raster shows the bump; the rate plot shows the ring's mean."),
        license=LICENSE))
    lif = {"tau_m": 20.0, "C_m": 250.0, "E_L": -70.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 2.0}
    net.add_population("E", r["N_E"], "lif", I_e=r["bias"], **lif).name = "ring (E)"
    net.add_population("I", r["N_I"], "lif", I_e=0.0, **lif).name = "inhibition (I)"
    net.add_poisson("noise", r["N_E"], rate=r["noise_rate"])
    neurons, times = cue_spikes(r["N_E"], r["cue_angle"], r["cue_start"], r["cue_stop"], r["cue_rate"],
                                r["cue_width"], seed=1996)
    net.add_spike_times("cue", r["N_E"], neurons, times).name = "cue at 90°"
    net.connect("noise", "E", "one_to_one", weight=r["noise_J"], delay=0.1, synapse="delta")
    net.connect("cue", "E", "one_to_one", weight=r["cue_J"], delay=0.1, synapse="delta")
    pre, post, weight = ring_weights(r["N_E"], r["J_EE"], r["sigma"])
    net.connect("E", "E", "explicit", pre=pre, post=post, weights=weight, weight=r["J_EE"], delay=1.0,
                tau=r["tau_E"])  # weight: the peak, shown on the canvas (the list holds each synapse's)
    net.connect("E", "I", "all_to_all", weight=r["J_EI"], delay=1.0, tau=r["tau_E"])
    net.connect("I", "E", "all_to_all", weight=r["J_IE"], delay=1.0, receptor="inhibitory", tau=10.0)
    for pop in ("E", "I"):
        net.record_spikes(pop)
        net.record_rate(pop, bin=1.0)
    net.record_state("E", "v", neurons=[25, 75], interval=0.1)
    net.layout = {"noise": NodeLayout(-330.0, -90.0, INPUT_COLOR), "cue": NodeLayout(-330.0, 90.0, INPUT_COLOR),
                  "E": NodeLayout(0.0, 0.0, EXC_COLOR), "I": NodeLayout(440.0, 0.0, INH_COLOR)}
    net.add_note("paper", "Zhang (1996) head-direction ring attractor, spiking as in Compte et al. (2000).\n"
                 "The cue lights neurons near 90°; after it ends (500 ms) local excitation and broad "
                 "inhibition hold the bump there. E->E weight 0: the bump dies.",
                 x=-100.0, y=-300.0, width=420.0, height=120.0, color=NOTE_COLOR)
    return net
