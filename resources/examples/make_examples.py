"""Regenerate the bundled example networks through the public API (never hand-written JSON).

Run ``python -m spikestudio.resources.examples.make_examples`` (or this file) to rewrite every
``*.json`` next to it (and the sweeps beside their examples, ``*.sweep.json``); ``build(name)`` returns one
example as a ``Network`` without writing it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from spikestudio.engine.experiments import sweep_file
from spikestudio.engine.experiments.sweep_spec import Parameter, Sweep
from spikestudio.engine.files import fileformat
from spikestudio.engine.model.catalog import IZHIKEVICH_PRESETS
from spikestudio.engine.model.network import Distribution, Metadata, Network, NodeLayout, Plasticity
from spikestudio.resources.examples import conductance, rhythms
from spikestudio.resources.examples import plasticity_classics as classics
from spikestudio.resources.examples.attractors import ring_attractor
from spikestudio.resources.examples.celegans import tap_withdrawal
from spikestudio.resources.examples.microcircuit import microcircuit

__all__ = ["BUILDERS", "build", "write_all"]

AUTHOR = "SpikeStudio"
LICENSE = "CC0-1.0"
EXC_COLOR = "#d62728"  # excitatory populations: red
INH_COLOR = "#1f77b4"  # inhibitory populations: blue
INPUT_COLOR = "#7f7f7f"  # inputs: grey
NOTE_COLOR = "#fff59d"  # the sticky note citing each example's paper: yellow


def single_neuron() -> Network:
    """One LIF neuron driven by a constant current: the simplest thing that spikes."""
    net = Network(dt=0.1, duration=1000.0, seed=1, metadata=Metadata(
        title="Single LIF neuron",
        author=AUTHOR,
        description=(
            "A single neuron driven by a constant current charges, fires and resets at the rate theory predicts. "
            "One leaky integrate-and-fire neuron (tau_m = 20 ms, C_m = 250 pF, E_L = -70 mV, V_th = -55 mV, "
            "V_reset = -70 mV, t_ref = 2 ms) driven by a constant 400 pA current. The membrane charges towards "
            "E_L + R I = -38 mV and fires regularly at the analytic rate 1 / (t_ref + tau_m ln(R I / (R I - "
            "(V_th - E_L)))) = 68.3 Hz with R = tau_m / C_m (Lapicque 1907; Gerstner et al., Neuronal Dynamics, "
            "2014, ch. 1)."),
        license=LICENSE))
    net.add_population("neuron", 1, "lif", tau_m=20.0, C_m=250.0, E_L=-70.0, V_th=-55.0, V_reset=-70.0, t_ref=2.0)
    net.add_current("dc", "neuron", "dc", amplitude=400.0)
    net.record_spikes("neuron")
    net.record_state("neuron", "v", neurons=[0], interval=0.1)
    net.record_rate("neuron", bin=10.0)
    net.layout = {"dc": NodeLayout(-280.0, 0.0, INPUT_COLOR), "neuron": NodeLayout(0.0, 0.0, EXC_COLOR)}
    net.add_note("paper", "Lapicque (1907) integrate-and-fire neuron; its rate as in Gerstner et al. (2014), "
                 "Neuronal Dynamics, ch. 1.\n400 pA: it fires at the analytic 68.3 Hz.",
                 x=-390.0, y=-180.0, width=420.0, height=80.0, color=NOTE_COLOR)
    return net


def cuba() -> Network:
    """Vogels & Abbott (2005) CUBA benchmark, parameters as in Brian2's ``examples/CUBA.py``."""
    net = Network(dt=0.1, duration=1000.0, seed=2005, metadata=Metadata(
        title="CUBA benchmark (Vogels & Abbott 2005)",
        author=AUTHOR,
        description=(
            "Four thousand neurons whose excitation and inhibition balance, so they fire irregularly at a few Hz. "
            "The current-based benchmark network of Vogels & Abbott (2005, J. Neurosci. 25:10786) as in Brian2's "
            "CUBA example (Brette et al. 2007, J. Comput. Neurosci. 23:349, benchmark 2): 3200 excitatory and 800 "
            "inhibitory LIF neurons (tau_m = 20 ms, E_L = -49 mV, V_th = -50 mV, V_reset = -60 mV, t_ref = 5 ms, "
            "C_m = 250 pF, initial v uniform in [-60, -50] mV), connected at random with probability 0.02 between "
            "all four pairs. Exponential current synapses: excitatory tau = 5 ms, weight 20.25 pA (a 1.62 mV jump "
            "of Brian's ge, times C_m / tau_m), inhibitory tau = 10 ms, weight 112.5 pA (9 mV). Delay one step "
            "(0.1 ms). The leak drives every neuron above threshold, recurrent inhibition balances it and the "
            "network settles into asynchronous irregular firing at a few Hz."),
        license=LICENSE))
    lif = {"tau_m": 20.0, "C_m": 250.0, "E_L": -49.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 5.0,
           "initial": {"v": Distribution("uniform", low=-60.0, high=-50.0)}}
    net.add_population("E", 3200, "lif", **lif)
    net.add_population("I", 800, "lif", **lif)
    w_exc = 1.62 * 250.0 / 20.0  # 20.25 pA
    w_inh = 9.0 * 250.0 / 20.0  # 112.5 pA
    for src, receptor, tau, w in (("E", "excitatory", 5.0, w_exc), ("I", "inhibitory", 10.0, w_inh)):
        for tgt in ("E", "I"):
            net.connect(src, tgt, "fixed_probability", p=0.02, weight=w, delay=0.1, synapse="current",
                        receptor=receptor, tau=tau)
    for pop in ("E", "I"):
        net.record_spikes(pop)
        net.record_rate(pop, bin=1.0)
    net.record_state("E", "v", neurons=[0, 1, 2], interval=0.1)
    net.layout = {"E": NodeLayout(0.0, 0.0, EXC_COLOR), "I": NodeLayout(440.0, 0.0, INH_COLOR)}
    net.add_note("paper", "Vogels & Abbott (2005) CUBA network, benchmark 2 of Brette et al. (2007).\n"
                 "Excitation and inhibition balance: asynchronous irregular firing at about 5.7 Hz, CV of ISI "
                 "about 0.55.", x=-100.0, y=-240.0, width=420.0, height=90.0, color=NOTE_COLOR)
    return net


# Brunel (2000) model A: scaled as in Brian2's example (N_E = 4000, epsilon = 0.1, J = 0.2 mV).
BRUNEL = {"N_E": 4000, "N_I": 1000, "C_E": 400, "C_I": 100, "J": 0.2, "g": 5.0, "eta": 2.0,
          "tau_m": 20.0, "V_th": 20.0, "V_reset": 10.0, "t_ref": 2.0, "delay": 1.5}


def brunel_rates() -> tuple[float, float]:
    """(nu_thr, per-neuron external rate C_E * nu_ext) in Hz for the Brunel example."""
    b = BRUNEL
    nu_thr = b["V_th"] / (b["J"] * b["C_E"] * b["tau_m"]) * 1000.0  # 1/ms -> Hz
    return nu_thr, b["C_E"] * b["eta"] * nu_thr


def brunel() -> Network:
    """Brunel (2000) sparse balanced network, model A, in the asynchronous irregular state (g = 5, eta = 2)."""
    b = BRUNEL
    nu_thr, ext_rate = brunel_rates()
    net = Network(dt=0.1, duration=1000.0, seed=2000, metadata=Metadata(
        title="Sparse balanced network (Brunel 2000), asynchronous irregular",
        author=AUTHOR,
        description=(
            "Brunel's sparse network of excitatory and inhibitory neurons in its asynchronous irregular state. "
            "Model A of Brunel (2000, J. Comput. Neurosci. 8:183) at g = 5, nu_ext / nu_thr = 2: the asynchronous "
            "irregular state of its Fig. 8C. 4000 excitatory and 1000 inhibitory LIF neurons (E_L = 0 mV, "
            "V_th = 20 mV, V_reset = 10 mV, tau_m = 20 ms, t_ref = 2 ms) with delta synapses: every neuron gets "
            "C_E = 400 excitatory inputs of J = 0.2 mV and C_I = 100 inhibitory inputs of g J = 1 mV (fixed "
            "in-degree), delay 1.5 ms. External drive: one Poisson source per neuron (one_to_one, J = 0.2 mV) "
            f"firing at C_E nu_ext = {ext_rate:g} Hz, the summed rate of C_E independent inputs at "
            f"nu_ext = 2 nu_thr = {2 * nu_thr:g} Hz. Initial v uniform in [0, 20] mV. Diffusion (mean-field) "
            "theory gives 46.5 Hz for this scaling; the simulation fires irregularly at about 46 Hz (CV of ISI "
            "about 0.55) with a stationary population rate that shows only weak fast oscillations."),
        license=LICENSE))
    lif = {"tau_m": b["tau_m"], "C_m": 250.0, "E_L": 0.0, "V_th": b["V_th"], "V_reset": b["V_reset"],
           "t_ref": b["t_ref"], "initial": {"v": Distribution("uniform", low=0.0, high=b["V_th"])}}
    net.add_population("E", b["N_E"], "lif", **lif)
    net.add_population("I", b["N_I"], "lif", **lif)
    net.add_poisson("ext_E", b["N_E"], rate=ext_rate)
    net.add_poisson("ext_I", b["N_I"], rate=ext_rate)
    for tgt in ("E", "I"):
        net.connect("E", tgt, "fixed_indegree", k=b["C_E"], weight=b["J"], delay=b["delay"], synapse="delta")
        net.connect("I", tgt, "fixed_indegree", k=b["C_I"], weight=b["g"] * b["J"], delay=b["delay"],
                    synapse="delta", receptor="inhibitory")
        net.connect(f"ext_{tgt}", tgt, "one_to_one", weight=b["J"], delay=0.1, synapse="delta")
    for pop in ("E", "I"):
        net.record_spikes(pop)
        net.record_rate(pop, bin=1.0)
    net.record_state("E", "v", neurons=[0, 1, 2], interval=0.1)
    net.layout = {"ext_E": NodeLayout(-330.0, 0.0, INPUT_COLOR), "ext_I": NodeLayout(820.0, 0.0, INPUT_COLOR),
                  "E": NodeLayout(0.0, 0.0, EXC_COLOR), "I": NodeLayout(440.0, 0.0, INH_COLOR)}
    net.add_note("paper", "Brunel (2000) model A at g = 5, nu_ext = 2 nu_thr: asynchronous irregular firing at "
                 "about 46 Hz (his Fig. 8C).\nbrunel.sweep.json maps his phase diagram (spikestudio sweep brunel).",
                 x=-100.0, y=-240.0, width=420.0, height=90.0, color=NOTE_COLOR)
    return net


def izhikevich() -> Network:
    """Izhikevich (2003) network of 800 regular-spiking and 200 fast-spiking neurons with thalamic noise."""
    net = Network(dt=0.1, duration=1000.0, seed=2003, metadata=Metadata(
        title="Izhikevich (2003) network: RS and FS neurons",
        author=AUTHOR,
        description=(
            "A thousand Izhikevich neurons, regular and fast spiking, that burst together in a rhythm near 10 Hz. "
            "The 1000-neuron network of Izhikevich (2003, IEEE Trans. Neural Netw. 14:1569, Fig. 3): 800 "
            "excitatory regular-spiking (a = 0.02, b = 0.2, c = -65, d = 8) and 200 inhibitory fast-spiking "
            "(a = 0.1, b = 0.2, c = -65, d = 2) neurons, without the paper's per-neuron spread of parameters. "
            "All-to-all connections (autapses included, as in the paper's matrix S) with weights uniform in "
            "[0, 0.5] from excitatory and [0, 1] from inhibitory neurons. The paper adds a spike's weight to the "
            "target's input current for one 1 ms step, which moves v by about the weight in mV; here each spike "
            "starts an exponential current of the weight in pA with tau = 1 ms (the same charge, weight x 1 ms, "
            "spread over about 1 ms) after the minimum delay of one step. (Delta synapses, an instant jump of the "
            "weight in mV, let the first synchronous volley of 800 neurons re-excite every neuron at each 0.1 ms "
            "step, a burst at hundreds of Hz the paper does not show.) The paper's random thalamic input (5 randn "
            "to excitatory, 2 randn to inhibitory neurons, redrawn every 1 ms) is Ornstein-Uhlenbeck noise of std "
            "5 pA and 2 pA with tau = 0.5 ms, which has the same diffusion (2 std^2 tau = std^2 x 1 ms). "
            "dt = 0.1 ms. Without the paper's spread of parameters the network synchronises more strongly than "
            "its Fig. 3: regular population bursts in the alpha band (about 10 Hz), every excitatory neuron "
            "firing about once per cycle."),
        license=LICENSE))
    net.add_population("E", 800, "izhikevich", **IZHIKEVICH_PRESETS["RS"])
    net.add_population("I", 200, "izhikevich", **IZHIKEVICH_PRESETS["FS"])
    net.add_current("thalamus_E", "E", "ou", mean=0.0, std=5.0, tau=0.5)
    net.add_current("thalamus_I", "I", "ou", mean=0.0, std=2.0, tau=0.5)
    for src, receptor, high in (("E", "excitatory", 0.5), ("I", "inhibitory", 1.0)):
        for tgt in ("E", "I"):
            net.connect(src, tgt, "all_to_all", weight=Distribution("uniform", low=0.0, high=high), delay=0.1,
                        synapse="current", receptor=receptor, tau=1.0, allow_autapses=True)
    for pop in ("E", "I"):
        net.record_spikes(pop)
        net.record_rate(pop, bin=1.0)
    net.record_state("E", "v", neurons=[0, 1], interval=0.1)
    net.record_state("I", "v", neurons=[0], interval=0.1)
    net.layout = {"thalamus_E": NodeLayout(-330.0, 0.0, INPUT_COLOR),
                  "thalamus_I": NodeLayout(820.0, 0.0, INPUT_COLOR),
                  "E": NodeLayout(0.0, 0.0, EXC_COLOR), "I": NodeLayout(440.0, 0.0, INH_COLOR)}
    net.add_note("paper", "Izhikevich (2003) network: 800 regular-spiking and 200 fast-spiking neurons with "
                 "thalamic noise.\nThe population bursts in a rhythm near 10 Hz (alpha band).",
                 x=-100.0, y=-240.0, width=420.0, height=90.0, color=NOTE_COLOR)
    return net


# Training digits the example shows (of scikit-learn's 1797); the rest are left for labelling and testing.
DIGITS_TRAIN = 1000
DIGITS_PRESENTATION, DIGITS_REST = 350.0, 150.0  # ms, as Diehl & Cook


def digits() -> Network:
    """Unsupervised digit learning after Diehl & Cook (2015), scaled to scikit-learn's 8x8 digits."""
    net = Network(dt=0.5, duration=DIGITS_TRAIN * (DIGITS_PRESENTATION + DIGITS_REST), seed=2015, metadata=Metadata(
        title="Unsupervised digit learning (Diehl & Cook 2015, 8x8 digits)",
        author=AUTHOR,
        description=(
            "A network that learns handwritten digits without labels, through STDP and competition. "
            "The network of Diehl & Cook (2015, Front. Comput. Neurosci. 9:99) scaled to the 1797 8x8 "
            "handwritten digits bundled with scikit-learn. Each digit is shown for 350 ms as 64 Poisson spike "
            "trains (120 Hz for a white pixel), followed by 150 ms of silence. The 64 inputs project all-to-all "
            "onto 100 excitatory LIF neurons with adaptive thresholds (tau_m = 50 ms, V_th = -52 mV, t_ref = 5 "
            "ms; each spike raises a neuron's own threshold by theta_plus = 0.2 mV, which decays with tau_theta "
            "= 10,000 s), through current synapses (tau = 5 ms) whose weights learn with nearest-neighbour STDP "
            "(potentiation only, A_plus = 0.01 of w_max = 60 pA) and are scaled every 50 ms so that the weights "
            "onto each neuron sum to 640 pA (synaptic scaling, as the paper's weight normalisation). Every "
            "excitatory neuron inhibits all the others directly (500 pA), a winner-take-all that replaces the "
            "paper's inhibitory population. Running the network trains it on the first 1000 digits without "
            "labels; spikestudio.plugins.unsupervised then freezes it, labels each neuron with the digit it "
            "answers most and classifies unseen digits: about 82 % are right (chance: 10 %). The adaptive "
            "thresholds are what make the neurons specialise: without them one neuron wins every digit. dt = "
            "0.5 ms. Needs scikit-learn (pip install 'spikestudio[digits]')."),
        license=LICENSE))
    net.add_dataset("digits", 64, "digits", samples=DIGITS_TRAIN, presentation=DIGITS_PRESENTATION,
                    rest=DIGITS_REST, grid=(8, 8), max_rate=120.0)
    net.add_population("E", 100, "lif_adaptive", grid=(10, 10), tau_m=50.0, E_L=-65.0, V_reset=-65.0, V_th=-52.0,
                       t_ref=5.0, theta_plus=0.2, tau_theta=1e7)
    stdp = Plasticity("stdp", {"w_max": 60.0, "A_plus": 0.01, "A_minus": 0.0, "nearest": 1, "norm_total": 640.0,
                               "norm_interval": 50.0})
    net.connect("digits", "E", "all_to_all", id="learn", weight=Distribution("uniform", low=0.0, high=30.0),
                tau=5.0, plasticity=stdp)
    net.connect("E", "E", "all_to_all", id="inhibit", weight=500.0, receptor="inhibitory", tau=5.0)
    net.record_spikes("E")
    net.record_rate("E", bin=10.0)
    net.record_state("E", "v", neurons=[0, 1], interval=1.0)
    net.record_state("E", "theta", neurons=list(range(10)), interval=10.0)
    net.layout = {"digits": NodeLayout(-330.0, 0.0, INPUT_COLOR), "E": NodeLayout(0.0, 0.0, EXC_COLOR)}
    net.add_note("paper", "Diehl & Cook (2015): digits learnt without labels by STDP, lateral inhibition and "
                 "adaptive thresholds.\nAfter 1000 training digits about 82 % of unseen ones are classified "
                 "right (chance: 10 %).", x=-330.0, y=-250.0, width=440.0, height=100.0, color=NOTE_COLOR)
    return net


BUILDERS: dict[str, Callable[[], Network]] = {
    "single_neuron": single_neuron,
    "cuba": cuba,
    "brunel": brunel,
    "izhikevich": izhikevich,
    "digits": digits,
    "coba": conductance.coba,
    "hh_coba": conductance.hh_coba,
    "brunel_sr": rhythms.brunel_sr,
    "brunel_si_fast": rhythms.brunel_si_fast,
    "brunel_si_slow": rhythms.brunel_si_slow,
    "wang_buzsaki": rhythms.wang_buzsaki,
    "ping": rhythms.ping,
    "ring_attractor": ring_attractor,
    "tap_withdrawal": tap_withdrawal,
    "song_stdp": classics.song_stdp,
    "vogels_istdp": classics.vogels_istdp,
    "polychronization": classics.polychronization,
    "mongillo_wm": classics.mongillo_wm,
    "synaptic_scaling": classics.synaptic_scaling,
    "microcircuit": microcircuit,  # bundled at 0.1 x; microcircuit(scale=1.0) is the full model
}


def brunel_phase_sweep() -> Sweep:
    """Brunel's phase diagram: g (both inhibitory weights, g J) against nu_ext / nu_thr (both external rates)."""
    b = BRUNEL
    nu_thr, _ = brunel_rates()
    g = Parameter("g", (("I->E.weight", b["J"]), ("I->I.weight", b["J"])), (2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0))
    eta = Parameter("nu_ext/nu_thr", (("ext_E.rate", b["C_E"] * nu_thr), ("ext_I.rate", b["C_E"] * nu_thr)),
                    (0.8, 1.0, 2.0, 3.0, 4.0))
    return Sweep([g, eta], duration=500.0, measures=["rate", "cv_isi", "synchrony", "fano"], network="brunel.json")


# Sweeps written beside their example as <name>.sweep.json (`spikestudio sweep <name>` finds them).
SWEEPS: dict[str, Callable[[], Sweep]] = {"brunel": brunel_phase_sweep}


def build(name: str, **options) -> Network:
    """The example ``name`` as a fresh ``Network``; ``options`` go to its builder (``build("microcircuit",
    scale=1.0)`` is the full-scale microcircuit)."""
    return BUILDERS[name](**options)


def write_all(directory: str | Path | None = None) -> list[Path]:
    """Write every example to ``directory`` (default: next to this file) as ``<name>.json``."""
    directory = Path(directory) if directory is not None else Path(__file__).resolve().parent
    paths = []
    for name in BUILDERS:
        path = directory / f"{name}.json"
        fileformat.save(build(name), path)
        paths.append(path)
    for name, make in SWEEPS.items():
        path = directory / f"{name}.sweep.json"
        sweep_file.save(make(), path)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    for path in write_all(args[0] if args else None):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
