"""Parameter changes to a built network: checked at once, applied to the arrays between chunks.

No rebuild and no recompilation: a population's model parameter, a Poisson input's rate, a
current input's parameter or a projection's constant weight only rewrites rows of the kernel's
arrays. The network description is updated at once too, so saving after a live edit keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..kernels import kernel as K
from ..kernels.graded_pass import GR_W
from ..model.catalog import CURRENT_WAVEFORMS, POISSON_PARAMS
from ..model.custom import neuron_model
from ..model.network import CurrentInput, Network, PoissonInput, Population, Projection
from ..model.params import Problem, ValidationError, check_params, check_value
from ..model.validate import population_problems
from .build import (
    Built,
    current_params_row,
    derive_params,
    poisson_cap,
    poisson_limits,
    recorder_capacity,
    update_propagators,
)

__all__ = ["prepare_edit"]

Apply = Callable[[], None]


def prepare_edit(network: Network, built: Built, node_id: str, name: str, value: float) -> Apply:
    """Check the edit (``ValidationError`` naming node and parameter), record it in the description, and
    return the function that writes it into the kernel's arrays."""
    item = network.node(node_id)
    if isinstance(item, Population):
        return _population_edit(network, built, item, name, value)
    if isinstance(item, PoissonInput) and name == "rate":
        return _poisson_rate_edit(network, built, item, value)
    if isinstance(item, CurrentInput):
        return _current_edit(network, built, item, name, value)
    if isinstance(item, Projection) and name == "weight":
        return _weight_edit(network, built, item, value)
    raise KeyError(f'{node_id!r} has no live parameter "{name}"')


def _population_edit(network: Network, built: Built, pop: Population, name: str, value) -> Apply:
    specs = neuron_model(network, pop.model).params
    loc = f'populations["{pop.id}"]'
    _raise(check_params(specs, {name: value}, f"{loc}.params"))
    trial = Population(pop.id, pop.size, pop.model, {**pop.params, name: value}, pop.initial, pop.grid, pop.name)
    _raise(population_problems(trial, loc, network))  # e.g. V_reset must stay below the threshold
    pop.params[name] = float(value)
    info, column = built.nodes[pop.id], list(specs).index(name)
    layout = built.layout_of_code(info.code)

    def apply() -> None:
        row = built.state.node_params[info.index]
        if layout is not None:  # a custom model or a generated built-in: engine units, its own derived columns
            row[column] = float(value) * layout.desc.params[column].unit.factor
            layout.derive(row, network.dt)
        else:
            row[column] = float(value)
            derive_params(info.code, row, network.dt)
        update_propagators(built.state, built.custom, built.hand_written)

    return apply


def _poisson_rate_edit(network: Network, built: Built, item: PoissonInput, value) -> Apply:
    _raise(check_value(POISSON_PARAMS["rate"], value, f'inputs["{item.id}"].rate'))
    rate = float(value)
    cap = poisson_cap(rate * network.dt * 1e-3)  # BuildError when the rate is too high to sample
    item.rate, item.rates = rate, None
    info = built.nodes[item.id]

    def apply() -> None:
        if cap > built.state.poisson_cap:  # more spikes per step are possible: grow the spike buffers
            n_poisson = sum(n.size for n in built.nodes.values() if n.code == K.POISSON)
            most = built.state.state.shape[1] + (cap - 1) * n_poisson
            prev = np.zeros(most, np.int64)
            prev[: built.state.spikes_prev.size] = built.state.spikes_prev  # the last step's spikes, still to send
            built.state = built.state._replace(poisson_cap=cap, spikes_now=np.zeros(most, np.int64), spikes_prev=prev,
                                               rec_step=np.zeros(recorder_capacity(most), np.int64),
                                               rec_id=np.zeros(recorder_capacity(most), np.int64))
        built.state.poisson_l[info.start: info.start + info.size] = poisson_limits(rate, network.dt)

    return apply


def _current_edit(network: Network, built: Built, item: CurrentInput, name: str, value) -> Apply:
    _raise(check_params(CURRENT_WAVEFORMS[item.waveform], {name: value}, f'inputs["{item.id}"].params'))
    item.params[name] = float(value)
    k = [i for i in network.inputs.values() if isinstance(i, CurrentInput)].index(item)
    row = current_params_row(item)

    def apply() -> None:
        built.state.cur_params[k] = row

    return apply


def _weight_edit(network: Network, built: Built, proj: Projection, value) -> Apply:
    """A constant weight scales every synapse of the projection (learned weights keep their pattern)."""
    if proj.weight.kind != "constant" or proj.weights is not None:
        raise KeyError(f'"{proj.name}" has drawn or explicit weights: changing them needs a rebuild')
    if not (np.isfinite(value) and value >= 0):
        raise ValidationError([Problem(f'projections["{proj.id}"].weight', f"must be a number >= 0, got {value!r}")])
    old, new = proj.weight.value, float(value)
    if old == 0.0:
        raise KeyError(f'"{proj.name}" has weight 0: a new weight needs a rebuild')
    proj.weight.value = new
    p, sl = list(network.projections).index(proj.id), built.synapses[proj.id]

    def apply() -> None:
        scale = new / old
        weights = {id(s.weight): s.weight for s in (built.state, built.initial)}  # reset copy too; shared once
        for weight in weights.values():
            weight[sl] *= scale
        built.state.proj_w[p] *= scale  # proj_w is never copied for a reset
        if proj.id in built.graded:  # graded synapses and gap junctions keep their weights in their own table
            built.state.gr_val[built.graded[proj.id], GR_W] *= scale

    return apply


def _raise(problems) -> None:
    if problems:
        raise ValidationError(problems)
