"""Initial values of a model's state variables: given per neuron, or computed from its ``init`` lines (parameters
and the state variables above), or the value on its ``state`` line; numbers from trees, never evaluated text."""

from __future__ import annotations

import numpy as np

from .description import ModelDescription
from .evaluate import evaluate_array
from .inline import alias_table, inline

__all__ = ["initial_state"]


def initial_state(desc: ModelDescription, params: dict[str, float], given: dict[str, np.ndarray],
                  n: int) -> list[np.ndarray]:
    """Each state variable's ``n`` initial values in engine units, in state order.

    ``params`` are in the parameters' declared units; ``given`` holds values (in the variables' declared units)
    for the variables whose initial values were chosen.
    """
    values: dict[str, object] = {p.name: float(params[p.name]) * p.unit.factor for p in desc.params}
    aliases = alias_table(desc)
    out = []
    for s in desc.state:
        init = desc.init_of(s.name)
        if s.name in given:
            x = np.asarray(given[s.name], float) * s.unit.factor
        elif init is not None:
            with np.errstate(all="ignore"):
                x = np.broadcast_to(np.asarray(evaluate_array(inline(init.expr, aliases), values), float), (n,))
        else:
            x = np.full(n, s.initial * s.unit.factor)
        values[s.name] = x
        out.append(np.array(x, float))
    return out
