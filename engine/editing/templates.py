"""What a user can add to a network: node templates with sensible defaults, and which connections make sense.

The palette lists ``TEMPLATES``; dropping one calls ``make_item``. ``connection_kind`` decides what a
drag from one node to another means (a projection, a new target for a current input or recorder)
or why it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.catalog import NEURON_MODELS
from ..model.network import (
    CurrentInput,
    DatasetInput,
    Distribution,
    Network,
    PoissonInput,
    Population,
    Projection,
    Recorder,
    RewardInput,
    SpikeTimesInput,
    Synapse,
)

__all__ = ["Template", "TEMPLATES", "make_item", "connection_kind", "default_projection", "kind_of",
           "needs_target", "PROJECTION", "RETARGET"]

PROJECTION, RETARGET = "projection", "retarget"


@dataclass(frozen=True)
class Template:
    """One entry of the palette: what it makes, under which heading, and a sentence about it."""

    key: str
    category: str
    display_name: str
    description: str
    base_id: str


TEMPLATES: dict[str, Template] = {t.key: t for t in (
    Template("pop:lif", "Populations", "LIF population", NEURON_MODELS["lif"].description, "LIF"),
    Template("pop:izhikevich", "Populations", "Izhikevich population", NEURON_MODELS["izhikevich"].description,
             "Izh"),
    Template("pop:adex", "Populations", "AdEx population", NEURON_MODELS["adex"].description, "AdEx"),
    Template("pop:hh", "Populations", "Hodgkin-Huxley population", NEURON_MODELS["hh"].description, "HH"),
    Template("pop:lif_adaptive", "Populations", "Adaptive LIF population",
             NEURON_MODELS["lif_adaptive"].description, "ALIF"),
    Template("in:poisson", "Inputs", "Poisson source", "Independent Poisson spike trains at a set rate", "poisson"),
    Template("in:spikes", "Inputs", "Spike times", "Spikes at chosen times (one neuron fires at 10 ms)",
             "spike_times"),
    Template("in:dataset", "Inputs", "Dataset input",
             "Samples of a dataset (8x8 digits by default) as spikes, one after another, one neuron per pixel",
             "dataset"),
    Template("in:current", "Inputs", "Current input", "A current (dc, step, ramp, sine or noise) into a population",
             "current"),
    Template("in:reward", "Inputs", "Reward", "A reward (dopamine) signal over time for reward-modulated STDP: a "
             "schedule, plus pulses at the spikes of a population dragged onto it", "reward"),
    Template("rec:spikes", "Recorders", "Spike recorder", "Records every spike of a population or source",
             "spikes"),
    Template("rec:state", "Recorders", "Membrane recorder", "Records the membrane potential of chosen neurons", "v"),
    Template("rec:rate", "Recorders", "Rate recorder", "Records the population firing rate in time bins", "rate"),
)}

DEFAULT_SIZES = {"lif": 100, "izhikevich": 100, "adex": 100, "hh": 10, "lif_adaptive": 100}


def kind_of(item) -> str:
    """A short word for an item's kind, as the canvas and inspector show it."""
    return {Population: "population", PoissonInput: "poisson", SpikeTimesInput: "spike times",
            DatasetInput: "dataset", CurrentInput: "current", RewardInput: "reward", Projection: "projection",
            Recorder: "recorder"}[type(item)]


# A current input's amplitude (pA) by target model, as projections get model-aware weights: enough to make a
# default neuron fire at a moderate rate (LIF about 34 Hz, Izhikevich RS about 10 Hz, AdEx and HH a few tens),
# where one value for all would be below threshold for some and 900 Hz for Izhikevich.
CURRENT_AMPLITUDES = {"lif": 400.0, "izhikevich": 10.0, "adex": 800.0, "hh": 1000.0, "lif_adaptive": 400.0}


def make_item(key: str, item_id: str, target: str | None = None, model: str | None = None):
    """A new item from template ``key`` with id ``item_id``; inputs of current and recorders need a ``target``
    (``model``: the target population's neuron model, for a current input's amplitude)."""
    kind, _, variant = key.partition(":")
    if kind == "pop":
        return Population(item_id, DEFAULT_SIZES[variant], variant)
    if key == "in:poisson":
        return PoissonInput(item_id, 100, 20.0)
    if key == "in:spikes":
        return SpikeTimesInput(item_id, 1, [0], [10.0])
    if key == "in:reward":
        return RewardInput(item_id, [100.0, 200.0], [1.0, 0.0])  # one reward pulse, from 100 to 200 ms
    if key == "in:dataset":  # scikit-learn's 8x8 digits at Diehl & Cook's 63.75 Hz for a white pixel
        return DatasetInput(item_id, 64, "digits", {}, "rate", {"max_rate": 63.75}, samples=10, grid=(8, 8))
    if target is None:
        raise ValueError(f"a {TEMPLATES[key].display_name.lower()} needs a population to attach to")
    if key == "in:current":
        return CurrentInput(item_id, target, "dc", {"amplitude": CURRENT_AMPLITUDES.get(model, 400.0)})
    if key == "rec:spikes":
        return Recorder(item_id, "spikes", target)
    if key == "rec:state":
        return Recorder(item_id, "state", target, "v", [0], 0.1)
    if key == "rec:rate":
        return Recorder(item_id, "rate", target, bin=5.0)
    raise KeyError(f"no template {key!r}")


def needs_target(key: str) -> bool:
    return key == "in:current" or key.startswith("rec:")


def connection_kind(net: Network, source: str, target: str) -> tuple[str | None, str]:
    """What dragging from ``source`` to ``target`` makes: (PROJECTION or RETARGET, "") or (None, why not)."""
    src, dst = net.node(source), net.node(target)
    src_name, dst_name = f'"{src.name}"', f'"{dst.name}"'
    if isinstance(src, Recorder):
        return None, f"a recorder has no outputs: {src_name} only records"
    if isinstance(src, Projection) or isinstance(dst, Projection):
        return None, "connect nodes, not projections"
    if isinstance(src, RewardInput):
        return None, (f"{src_name} is a reward node: choose it as the reward of a projection's rstdp rule in the "
                      f"inspector")
    if isinstance(dst, RewardInput):
        if isinstance(src, CurrentInput):
            return None, f"a reward node counts spikes; {src_name} is a current input"
        return RETARGET, ""  # each spike of the source adds a reward pulse
    if isinstance(dst, (PoissonInput, SpikeTimesInput, DatasetInput, CurrentInput)):
        return None, f"{dst_name} is an input ({kind_of(dst)}): it has no incoming connections"
    if isinstance(src, CurrentInput):
        if isinstance(dst, Population):
            return RETARGET, ""
        return None, f"a current input drives a population, not a {kind_of(dst)}"
    if isinstance(dst, Recorder):
        if dst.kind != "spikes" and not isinstance(src, Population):
            return None, f"a {dst.kind} recorder records a population; {src_name} is a {kind_of(src)}"
        return RETARGET, ""
    return PROJECTION, ""


# Current-synapse weights (pA) by target model: from an input, enough to make a default population fire
# (a 100-neuron Poisson source at 20 Hz, half connected, drives LIF to about 30 Hz); between populations
# a modest push that keeps a freshly wired network from running away.
INPUT_WEIGHTS = {"lif": 80.0, "izhikevich": 2.0, "adex": 150.0, "hh": 300.0, "lif_adaptive": 80.0}
RECURRENT_WEIGHTS = {"lif": 50.0, "izhikevich": 1.0, "adex": 80.0, "hh": 150.0, "lif_adaptive": 50.0}


def default_projection(net: Network, proj_id: str, source: str, target: str) -> Projection:
    """A new projection whose effect is visible: inputs make the target fire, populations nudge each other."""
    model = net.populations[target].model
    from_input = isinstance(net.node(source), (PoissonInput, SpikeTimesInput, DatasetInput))
    weight = (INPUT_WEIGHTS if from_input else RECURRENT_WEIGHTS).get(model, 50.0)
    small = net.node(source).size * net.populations[target].size <= 100
    prob = 1.0 if small else (0.5 if from_input else 0.1)
    return Projection(proj_id, source, target, "fixed_probability", {"p": prob},
                      Distribution("constant", value=weight), Distribution("constant", value=1.5),
                      Synapse("current", "excitatory"), allow_autapses=False)
