"""The integer codes the compiled kernels switch on, shared by the builder and every kernel module."""

__all__ = ["LIF", "IZH", "ADEX", "HH", "LIF_ADAPTIVE", "POISSON", "SPIKE_TIMES", "DELTA", "CURRENT", "CONDUCTANCE",
           "DC", "STEP",
           "RAMP", "SINE", "OU", "N_PARAM", "STATUS_DONE", "STATUS_FULL", "STATUS_NAN",
           "STATUS_UNCOMPILED", "SYN_EXC", "SYN_INH", "CUSTOM",
           "CH_KIND", "CH_SIGN", "CH_DECAY", "CH_EREV", "CH_P21", "CH_EXC", "CH_DELAYED", "CH_TAU"]

LIF, IZH, ADEX, HH, LIF_ADAPTIVE, POISSON, SPIKE_TIMES = 0, 1, 2, 3, 4, 10, 11
CUSTOM = 100  # models described by equations: code CUSTOM + k runs the generated update of slot k
DELTA, CURRENT, CONDUCTANCE = 0, 1, 2
DC, STEP, RAMP, SINE, OU = 0, 1, 2, 3, 4
N_PARAM = 16  # columns of node_params: model parameters first, derived constants from column 12
STATUS_DONE, STATUS_FULL, STATUS_NAN = 0, 1, 2
STATUS_UNCOMPILED = 3  # a node whose model this variant of the time loop was compiled without (wrong gates)
SYN_EXC, SYN_INH = 8, 9  # trace variable codes beyond the state rows (at most 8: equations.description.MAX_STATE)
CH_KIND, CH_SIGN, CH_DECAY, CH_EREV, CH_P21, CH_EXC, CH_DELAYED, CH_TAU = range(8)  # columns of the channel table
