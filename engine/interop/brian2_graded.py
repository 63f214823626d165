"""Graded synapses and gap junctions in the Brian2 script: ``Synapses`` with a summed current variable.

Each graded projection becomes a ``Synapses`` whose ``(summed)`` variable is a current the target's equations add
to their input (one variable per projection: Brian2 lets one ``Synapses`` object alone sum into a variable). A gap
junction, which drives both of its cells, becomes two: the second runs from target to source over the same pairs
reversed. Brian2 updates summed variables in the ``groups`` slot just before their target integrates, from the
voltages at the step's start: SpikeStudio's graded pass. The pairs and weights are the ones SpikeStudio draws
(``build.draw_synapses``), whatever the script's wiring, so both run the same circuit.
"""

from __future__ import annotations

from ..model.catalog import GRADED_KINDS
from ..model.synapse_kinds import SYNAPSE_DESCRIPTIONS
from ..simulation.build import draw_synapses
from .brian2_synapses import graded_current
from .script_text import comment, literal

__all__ = ["is_graded_projection", "graded_variables", "graded_lines"]


def is_graded_projection(proj) -> bool:
    return proj.synapse.kind in GRADED_KINDS


def graded_variables(projs: list) -> dict[tuple[str, str], tuple[str, str]]:
    """(projection id, "post" or "pre") -> (population id, its summed current variable): a graded projection
    drives its target, a gap junction its target and its source."""
    counts: dict[str, int] = {}
    out = {}
    for proj in projs:
        symmetric = SYNAPSE_DESCRIPTIONS[proj.synapse.kind].symmetric  # a gap junction drives both ends
        ends = [("post", proj.target)] + ([("pre", proj.source)] if symmetric else [])
        for end, pid in ends:
            k = counts.get(pid, 0)
            counts[pid] = k + 1
            out[(proj.id, end)] = (pid, f"I_gr{k}")
    return out


def graded_lines(net, proj, names: dict, variables: dict, name: str, arrays) -> list[str]:
    """The ``Synapses`` of one graded projection (two for a gap junction) over SpikeStudio's drawn pairs."""
    syn = proj.synapse
    pre, post, w, _ = draw_synapses(net, proj)
    flow = graded_current(syn.kind, {"E_rev": syn.E_rev, "V_half": syn.V_half, "V_slope": syn.V_slope})
    sides = [("post", names[proj.source], names[proj.target], pre, post, flow)]
    if SYNAPSE_DESCRIPTIONS[syn.kind].symmetric:  # the source receives the opposite: the same pairs reversed
        sides.append(("pre", names[proj.target], names[proj.source], post, pre, flow))
    lines = [comment(f"Projection {proj.id!r}: {proj.rule}, {syn.kind} synapses (every step, no spikes)")]
    weights = arrays.literal(w, "float")
    for end, src, tgt, i, j, current in sides:
        var = variables[(proj.id, end)][1]
        sname = name if end == "post" else f"{name}_back"
        lines += [f'{sname} = b2.Synapses({src}, {tgt}, model="""w : siemens',
                  f'{var}_post = {current} : amp (summed)""", name={literal(sname)})',
                  f"{sname}.connect(i={arrays.literal(i, 'np.int64')}, j={arrays.literal(j, 'np.int64')})",
                  f"{sname}.w = {weights}*nS"]
    return lines + [""]
