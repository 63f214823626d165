"""The hand-written neuron kernels (``neuron_kernels``) behind the time loop's node-update calls: the reference
the built-ins' generated updates (``builtin_updates``) are tested and timed against, never what a network runs.

Each function has the name and arguments of its generated counterpart (``codegen.NODE_SIG``), so
``kernel.run_chunk_with`` makes a loop that runs these instead by swapping the loop's globals. A network built
under ``build.hand_written_kernels`` has these kernels' parameter rows (``build.derive_params``).
"""

from .jit import jit_inline
from .neuron_kernels import (
    lif_prepass,
    update_adex,
    update_hh,
    update_izhikevich,
    update_lif,
    update_lif_adaptive,
)

__all__ = ["node_lif", "node_izhikevich", "node_adex", "node_hh", "node_lif_adaptive", "prepass_lif"]

prepass_lif = lif_prepass


@jit_inline
def node_lif(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads):
    """``neuron_kernels.update_lif`` for a LIF node."""
    return update_lif(p, node, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.refractory, s.i_ext, currents,
                      conductance, s.scratch, s.spikes_now, n_spk, s.dt, s.par, s.block_above, s.block_spikes,
                      threads)


@jit_inline
def node_izhikevich(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads):
    """``neuron_kernels.update_izhikevich`` for an Izhikevich node."""
    return update_izhikevich(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.i_ext, s.spikes_now, n_spk,
                             s.dt)


@jit_inline
def node_adex(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads):
    """``neuron_kernels.update_adex`` for an AdEx node."""
    return update_adex(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.refractory, s.i_ext, s.spikes_now,
                       n_spk, s.dt)


@jit_inline
def node_hh(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads):
    """``neuron_kernels.update_hh`` for a Hodgkin-Huxley node."""
    return update_hh(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.i_ext, s.spikes_now, n_spk)


@jit_inline
def node_lif_adaptive(s, p, node, lo, hi, c0, c1, n_spk, step, currents, conductance, threads):
    """``neuron_kernels.update_lif_adaptive`` for an adaptive-threshold LIF node."""
    return update_lif_adaptive(p, lo, hi, c0, c1, s.chan, s.chan_off, s.syn, s.state, s.refractory, s.i_ext,
                               s.spikes_now, n_spk, s.dt)
