"""The built-in learning rules written as descriptions (the rule language of ``engine.equations.rule_text``).

Each is the text of a hand-written family of ``plugins.builtin.rules``, and what the built-in rule runs:
``tests/test_described_rules.py`` checks that the generated code gives the very weights, eligibilities, gains
and spikes of the hand-written kernels (pair and triplet STDP, R-STDP, Tsodyks-Markram). They are plugins like
any third party's (``described_rule``); the ``*_described`` ids run the descriptions under their own names.
Homeostatic synaptic scaling has no hand-written kernel: its description is the rule
(``tests/test_homeostasis.py`` checks it against a numpy re-computation and against its target rate).
"""

from __future__ import annotations

from ..api import described_rule

__all__ = ["PAIR_STDP_TEXT", "TRIPLET_STDP_TEXT", "REWARD_STDP_TEXT", "DESCRIBED_PAIR_STDP", "DESCRIBED_TRIPLET_STDP",
           "DESCRIBED_REWARD_STDP", "TSODYKS_MARKRAM_TEXT", "DESCRIBED_TSODYKS_MARKRAM", "HOMEOSTASIS_TEXT",
           "HOMEOSTATIC_SCALING"]

PAIR_STDP_TEXT = """\
# Pair-based STDP with exponential traces, as the hand-written STDP family runs it, with synaptic scaling.
title Pair-based STDP (from equations)
about Pairs change w by A_plus exp(-dt/tau_plus) or -A_minus exp(dt/tau_minus), in units of w_max.
param tau_plus = 20 ms (0, 100000] "Decay time of the presynaptic trace (potentiation window)"
param tau_minus = 20 ms (0, 100000] "Decay time of the postsynaptic trace (depression window)"
param A_plus = 0.01 [0, 1] "Potentiation per pair at dt = 0, as a fraction of w_max"
param A_minus = 0.0105 [0, 1] "Depression per pair at dt = 0, as a fraction of w_max"
param w_max = 100 (0, 1e9] "Upper bound of the weight (in the projection's weight unit)"
param multiplicative = 0 [0, 1] "0: additive (hard bounds); 1: multiplicative (soft bounds)"
param nearest = 0 [0, 1] "0: every pair counts (all-to-all); 1: only nearest neighbours"
param norm_total = 0 [0, 1e12] "Sum the weights onto each target neuron are scaled to (0: no scaling)"
param norm_interval = 100 ms (0, 1e7] "How often the weights are scaled"
pre x_pre = 0
post x_post = 0
dx_pre/dt = -x_pre/tau_plus
dx_post/dt = -x_post/tau_minus
on_pre w = max(w - A_minus*x_post*where(multiplicative > 0, w, w_max), 0)
on_pre x_pre = where(nearest > 0, 1, x_pre + 1)
on_post w = min(w + A_plus*x_pre*where(multiplicative > 0, w_max - w, w_max), w_max)
on_post x_post = where(nearest > 0, 1, x_post + 1)
scale w to norm_total every norm_interval  # synaptic scaling (Diehl & Cook 2015); never while norm_total is 0
"""

TRIPLET_STDP_TEXT = """\
# Triplet STDP (Pfister & Gerstner 2006), visual-cortex all-to-all fit; slow traces read before their own increment.
title Triplet STDP (from equations)
param tau_plus = 16.8 ms (0, 100000] "Fast presynaptic trace r1"
param tau_minus = 33.7 ms (0, 100000] "Fast postsynaptic trace o1"
param tau_x = 101 ms (0, 100000] "Slow presynaptic trace r2"
param tau_y = 125 ms (0, 100000] "Slow postsynaptic trace o2"
param A2_plus = 5e-10 [0, 1] "Pair potentiation"
param A3_plus = 6.2e-3 [0, 1] "Triplet potentiation (post-pre-post)"
param A2_minus = 7e-3 [0, 1] "Pair depression"
param A3_minus = 2.3e-4 [0, 1] "Triplet depression (pre-post-pre)"
param w_max = 100 (0, 1e9] "Upper bound of the weight"
param nearest = 0 [0, 1] "0: all-to-all interactions; 1: nearest spike"
param norm_total = 0 [0, 1e12] "Sum the weights onto each target neuron are scaled to (0: no scaling)"
param norm_interval = 100 ms (0, 1e7] "How often the weights are scaled"
pre r1 = 0
pre r2 = 0
post o1 = 0
post o2 = 0
dr1/dt = -r1/tau_plus
dr2/dt = -r2/tau_x
do1/dt = -o1/tau_minus
do2/dt = -o2/tau_y
on_pre w = max(w - (A2_minus + A3_minus*r2)*o1*w_max, 0)
on_pre r1 = where(nearest > 0, 1, r1 + 1)
on_pre r2 = where(nearest > 0, 1, r2 + 1)
on_post w = min(w + (A2_plus + A3_plus*o2)*r1*w_max, w_max)
on_post o1 = where(nearest > 0, 1, o1 + 1)
on_post o2 = where(nearest > 0, 1, o2 + 1)
scale w to norm_total every norm_interval
"""

REWARD_STDP_TEXT = """\
# Reward-modulated STDP with an eligibility trace (Izhikevich 2007): pairings move c, the reward turns c into weight.
title Reward-modulated STDP (from equations)
about Pairings move the eligibility c; each step the weight moves by lr times the reward times the integral of c.
param tau_plus = 20 ms (0, 100000] "Decay time of the presynaptic trace"
param tau_minus = 20 ms (0, 100000] "Decay time of the postsynaptic trace"
param A_plus = 1 [0, 1e6] "Eligibility added by a pre-then-post pair at dt = 0"
param A_minus = 1.5 [0, 1e6] "Eligibility removed by a post-then-pre pair at dt = 0"
param tau_c = 1000 ms (0, 1e7] "Decay time of the eligibility trace"
param lr = 0.01 1/ms [0, 1e6] "Weight change per ms per unit of reward and eligibility"
param w_max = 100 (0, 1e9] "Upper bound of the weight (in the projection's weight unit)"
pre x_pre = 0
post x_post = 0
synapse c = 0
modulator reward
dx_pre/dt = -x_pre/tau_plus
dx_post/dt = -x_post/tau_minus
dc/dt = -c/tau_c
on_pre c -= A_minus*x_post
on_pre x_pre += 1
on_post c += A_plus*x_pre
on_post x_post += 1
# dw/dt = lr reward c: each step lr times the integral of c over a step, per unit of c after the step's pairings
let step_gain = lr*(-expm1(-dt/tau_c))*tau_c
on_reward w = clip(w + step_gain*reward*c, 0, w_max)
"""

TSODYKS_MARKRAM_TEXT = """\
# Tsodyks-Markram short-term plasticity, solved at each spike over the time since the neuron's last one.
title Short-term plasticity (Tsodyks-Markram, from equations)
about Each spike uses a fraction u of the resources x and carries w u x; x recovers (tau_rec), u decays (tau_facil).
param U = 0.5 (0, 1] "Fraction of resources the first spike uses"
param tau_rec = 800 ms (0, 1e6] "Recovery time of the resources"
param tau_facil = 0 ms [0, 1e6] "Facilitation time constant (0: none)"
pre u = 0
pre x = 1
pre last = -1  # the step of the neuron's last spike (-1: none yet)
let h = (step - last)*dt  # the time since then
let x_decay = where(last < 0, 0, exp(-h/tau_rec))
let u_decay = where(last < 0 or tau_facil <= 0*ms, 0, exp(-h/tau_facil))
on_pre x = 1 + (x - x*u - 1)*x_decay  # x recovered towards 1 after the last spike used u x
on_pre u = U + u*(1 - U)*u_decay  # u relaxed towards 0, then jumps by U (1 - u)
on_pre gain = u*x
on_pre last = step
"""

HOMEOSTASIS_TEXT = """\
# Homeostatic synaptic scaling (Turrigiano et al. 1998; van Rossum, Bi & Turrigiano 2000): each neuron estimates
# its rate with a slow trace, and at a fixed period every weight onto it is scaled multiplicatively towards the
# weights that make it fire at rho0. Meant for excitatory weights (more weight, more firing).
title Homeostatic synaptic scaling
about Each interval every weight onto a neuron is multiplied by 1 + eta (rho0 - r) interval, r its rate estimate.
param rho0 = 5 Hz (0, 1000] "Target rate of each postsynaptic neuron"
param tau_r = 1000 ms (0, 1e7] "Time constant of the rate estimate r (it starts at 0)"
param eta = 0.01 [0, 1] "Relative weight change per spike short of (or over) the target in one interval"
param interval = 100 ms (0, 1e7] "How often the weights are scaled"
param w_min = 0 [0, 1e9] "Lower bound of the weight"
param w_max = 1000 (0, 1e9] "Upper bound of the weight (in the projection's weight unit)"
post r = 0 Hz  # the rate estimate: each spike adds 1/tau_r, so its mean is the rate
dr/dt = -r/tau_r
on_post r += 1/tau_r
every interval: w = clip(w*(1 + eta*(rho0 - r)*interval), w_min, w_max)
"""

DESCRIBED_PAIR_STDP = described_rule("stdp_described", "1.0", PAIR_STDP_TEXT)
DESCRIBED_TRIPLET_STDP = described_rule("triplet_stdp_described", "1.0", TRIPLET_STDP_TEXT)
DESCRIBED_REWARD_STDP = described_rule("rstdp_described", "1.0", REWARD_STDP_TEXT)
DESCRIBED_TSODYKS_MARKRAM = described_rule("tsodyks_markram_described", "1.0", TSODYKS_MARKRAM_TEXT)
HOMEOSTATIC_SCALING = described_rule("homeostatic_scaling", "1.0", HOMEOSTASIS_TEXT)
