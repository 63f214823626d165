"""Built-in learning rules: pair-based, triplet and reward-modulated STDP, Tsodyks-Markram short-term plasticity,
and homeostatic synaptic scaling (a description only: ``described_rules.HOMEOSTATIC_SCALING``).

Each runs from its description (``described_rules``: code generated from the rule's equations, the very same
weights, gains and spikes as the hand-written kernels, tested); the engine finds them through the plugin
registry, like any third-party rule. ``engine_part`` maps the parameters to the hand-written family
(``engine.plasticity``), which a subclass that overrides it still gets, and the tests run beside the description.
"""

from __future__ import annotations

import math

from ...engine.model.params import ParamSpec
from ...engine.simulation.plasticity import RSTDP, STDP, STP, RuleSpec
from ..api import PluginInfo
from .described_rules import (
    DESCRIBED_PAIR_STDP,
    DESCRIBED_REWARD_STDP,
    DESCRIBED_TRIPLET_STDP,
    DESCRIBED_TSODYKS_MARKRAM,
    HOMEOSTATIC_SCALING,
)

__all__ = ["PAIR_STDP", "TRIPLET_STDP", "TSODYKS_MARKRAM", "REWARD_STDP", "HOMEOSTATIC_SCALING"]


def _p(name, default, unit, description, low, high, **kw) -> ParamSpec:
    return ParamSpec(name, default, unit, description, low, high, **kw)


# Synaptic scaling, shared by the STDP rules: every interval, the weights onto each target neuron are
# scaled to sum to norm_total (0: never), as Diehl & Cook (2015) normalise after each digit.
NORMALISATION = (
    _p("norm_total", 0.0, "", "Sum the weights onto each target neuron are scaled to (0: no scaling)", 0.0, 1e12),
    _p("norm_interval", 100.0, "ms", "How often the weights are scaled", 0.0, 1e7, low_open=True),
)


# The pairing windows of pair STDP and R-STDP: how long a spike's trace lasts on either side.
PAIR_WINDOWS = (
    _p("tau_plus", 20.0, "ms", "Decay time of the presynaptic trace (potentiation window)", 0.0, 1e5, low_open=True),
    _p("tau_minus", 20.0, "ms", "Decay time of the postsynaptic trace (depression window)", 0.0, 1e5, low_open=True),
)


def _described(plugin, cls, described):
    """``described``'s description, unless ``plugin`` is a subclass of ``cls`` with an engine part of its own
    (which is then what it means)."""
    return None if type(plugin).engine_part is not cls.engine_part else described.description


def _normalisation(p: dict, dt: float) -> tuple[float, float]:
    return float(p["norm_total"]), float(max(1, round(p["norm_interval"] / dt)))


class PairSTDP:
    """Pair-based STDP (Bi & Poo 1998; Song, Miller & Abbott 2000): for a pre spike at t_pre and a post
    spike at t_post, dt = t_post - t_pre changes w by A_plus exp(-dt / tau_plus) (dt >= 0) or by
    -A_minus exp(dt / tau_minus) (dt < 0), in units of w_max (additive) or of w_max - w and w
    (multiplicative, soft bounds; van Rossum et al. 2000). Weights stay in [0, w_max]."""

    info = PluginInfo("stdp", "1.0", "Pair-based STDP", __doc__.split("\n\n")[0].replace("\n", " "), {
        s.name: s for s in (
            *PAIR_WINDOWS,
            _p("A_plus", 0.01, "", "Potentiation per pair at dt = 0, as a fraction of w_max", 0.0, 1.0),
            _p("A_minus", 0.0105, "", "Depression per pair at dt = 0, as a fraction of w_max", 0.0, 1.0),
            _p("w_max", 100.0, "", "Upper bound of the weight (in the projection's weight unit)", 0.0, 1e9,
               low_open=True),
            _p("multiplicative", 0, "", "0: additive (hard bounds); 1: multiplicative (soft bounds)", 0, 1,
               integer=True),
            _p("nearest", 0, "", "0: every pair counts (all-to-all); 1: only nearest neighbours", 0, 1,
               integer=True),
            *NORMALISATION,
        )})

    def description_for(self, params: dict):
        return _described(self, PairSTDP, DESCRIBED_PAIR_STDP)

    def engine_part(self, p: dict, dt: float) -> RuleSpec:
        return RuleSpec(STDP, (math.exp(-dt / p["tau_plus"]), math.exp(-dt / p["tau_minus"]), p["A_plus"],
                               p["A_minus"], p["w_max"], float(p["multiplicative"]), float(p["nearest"]),
                               0.0, 0.0, 0.0, 0.0) + _normalisation(p, dt))


class TsodyksMarkram:
    """Tsodyks-Markram short-term plasticity (Tsodyks, Pawelzik & Markram 1998): each spike uses a fraction
    u of the available resources x and transmits w u x; x recovers with tau_rec, u relaxes to U with
    tau_facil (0: no facilitation). Depressing with a large tau_rec, facilitating with a large tau_facil
    (as in the working-memory model of Mongillo et al. 2008)."""

    info = PluginInfo("tsodyks_markram", "1.0", "Short-term plasticity (Tsodyks-Markram)",
                      __doc__.split("\n\n")[0].replace("\n", " "), {s.name: s for s in (
                          _p("U", 0.5, "", "Fraction of resources the first spike uses", 0.0, 1.0, low_open=True),
                          _p("tau_rec", 800.0, "ms", "Recovery time of the resources", 0.0, 1e6, low_open=True),
                          _p("tau_facil", 0.0, "ms", "Facilitation time constant (0: none)", 0.0, 1e6),
                      )})

    def description_for(self, params: dict):
        return _described(self, TsodyksMarkram, DESCRIBED_TSODYKS_MARKRAM)

    def engine_part(self, p: dict, dt: float) -> RuleSpec:
        return RuleSpec(STP, (p["U"], p["tau_rec"], p["tau_facil"]) + (0.0,) * 10)


class TripletSTDP:
    """Triplet STDP (Pfister & Gerstner 2006): potentiation at a post spike grows with recent post spikes
    (slow trace o2, tau_y) and depression at a pre spike with recent pre spikes (r2, tau_x), which gives
    the dependence on pairing frequency seen by Sjostrom et al. (2001). Defaults: the visual-cortex
    all-to-all fit of their Table 4; amplitudes are fractions of w_max."""

    info = PluginInfo("triplet_stdp", "1.0", "Triplet STDP", __doc__.split("\n\n")[0].replace("\n", " "), {
        s.name: s for s in (
            _p("tau_plus", 16.8, "ms", "Fast presynaptic trace r1", 0.0, 1e5, low_open=True),
            _p("tau_minus", 33.7, "ms", "Fast postsynaptic trace o1", 0.0, 1e5, low_open=True),
            _p("tau_x", 101.0, "ms", "Slow presynaptic trace r2", 0.0, 1e5, low_open=True),
            _p("tau_y", 125.0, "ms", "Slow postsynaptic trace o2", 0.0, 1e5, low_open=True),
            _p("A2_plus", 5e-10, "", "Pair potentiation", 0.0, 1.0),
            _p("A3_plus", 6.2e-3, "", "Triplet potentiation (post-pre-post)", 0.0, 1.0),
            _p("A2_minus", 7e-3, "", "Pair depression", 0.0, 1.0),
            _p("A3_minus", 2.3e-4, "", "Triplet depression (pre-post-pre)", 0.0, 1.0),
            _p("w_max", 100.0, "", "Upper bound of the weight (in the projection's weight unit)", 0.0, 1e9,
               low_open=True),
            _p("nearest", 0, "", "0: all-to-all interactions; 1: nearest spike", 0, 1, integer=True),
            *NORMALISATION,
        )})

    def description_for(self, params: dict):
        return _described(self, TripletSTDP, DESCRIBED_TRIPLET_STDP)

    def engine_part(self, p: dict, dt: float) -> RuleSpec:
        decay = {k: math.exp(-dt / p[k]) for k in ("tau_plus", "tau_minus", "tau_x", "tau_y")}
        return RuleSpec(STDP, (decay["tau_plus"], decay["tau_minus"], p["A2_plus"], p["A2_minus"], p["w_max"],
                               0.0, float(p["nearest"]), decay["tau_x"], decay["tau_y"], p["A3_plus"],
                               p["A3_minus"]) + _normalisation(p, dt))


class RewardSTDP:
    """Reward-modulated STDP with an eligibility trace (Izhikevich 2007; BindsNET's MSTDPET, NEST's
    stdp_dopamine): pre/post pairings do not change the weight but a synaptic eligibility c (by
    A_plus exp(-dt / tau_plus) or -A_minus exp(dt / tau_minus)), which decays with tau_c; the weight follows
    dw/dt = lr r(t) c(t), r being the signal of the reward node named by ``reward``. A reward that comes
    later than the pairing (distal reward) still acts while c lasts. Weights stay in [0, w_max]."""

    info = PluginInfo("rstdp", "1.0", "Reward-modulated STDP", __doc__.split("\n\n")[0].replace("\n", " "), {
        s.name: s for s in (
            *PAIR_WINDOWS,
            _p("A_plus", 1.0, "", "Eligibility added by a pre-then-post pair at dt = 0", 0.0, 1e6),
            _p("A_minus", 1.5, "", "Eligibility removed by a post-then-pre pair at dt = 0", 0.0, 1e6),
            _p("tau_c", 1000.0, "ms", "Decay time of the eligibility trace", 0.0, 1e7, low_open=True),
            _p("lr", 0.01, "1/ms", "Learning rate: weight change per ms per unit of reward and eligibility",
               0.0, 1e6),
            _p("w_max", 100.0, "", "Upper bound of the weight (in the projection's weight unit)", 0.0, 1e9,
               low_open=True),
        )}, text_params={"reward": "The id of the reward node whose signal modulates the rule"})

    def description_for(self, params: dict):
        return _described(self, RewardSTDP, DESCRIBED_REWARD_STDP)

    def engine_part(self, p: dict, dt: float) -> RuleSpec:
        c_decay = math.exp(-dt / p["tau_c"])
        gain = p["lr"] * -math.expm1(-dt / p["tau_c"]) * p["tau_c"]  # lr times the integral of c over one step
        return RuleSpec(RSTDP, (math.exp(-dt / p["tau_plus"]), math.exp(-dt / p["tau_minus"]), p["A_plus"],
                                p["A_minus"], p["w_max"], c_decay, gain) + (0.0,) * 6, str(p["reward"]))


PAIR_STDP = PairSTDP()
TRIPLET_STDP = TripletSTDP()
TSODYKS_MARKRAM = TsodyksMarkram()
REWARD_STDP = RewardSTDP()
