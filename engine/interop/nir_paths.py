"""Walk a NIR graph from each spiking node through weight and delay nodes to what it drives, checking shapes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Path", "neuron_types", "graph_problems", "node_paths"]


@dataclass
class Path:
    """A spiking node (Input or neuron) reaching a neuron or Output node through at most one weight node."""

    source: str
    target: str
    matrix: np.ndarray | None  # (target x source) weights; None for a direct (one-to-one, weight 1) edge
    bias: np.ndarray | None  # an Affine's bias, given to the first path through that node only
    name: str | None  # the weight node's name
    delay_source: np.ndarray  # seconds, per source neuron (Delay nodes before the weights)
    delay_target: np.ndarray  # seconds, per target neuron (Delay nodes after the weights)
    filter: str | None = None  # the synapse filter (an LI node) the path reached its target through


def neuron_types() -> tuple:
    import nir

    return nir.LIF, nir.CubaLIF, nir.IF, nir.LI, nir.CubaLI


def _passing_types() -> tuple:
    import nir

    return nir.Affine, nir.Linear, nir.Delay


def graph_problems(graph) -> list[tuple[str, str]]:
    """Unsupported node types and edges to nodes that do not exist, as (location, message)."""
    import nir

    supported = (*neuron_types(), *_passing_types(), nir.Input, nir.Output)
    problems = []
    for name, node in graph.nodes.items():
        if not isinstance(node, supported):
            problems.append((f'nodes["{name}"]', f"nir.{type(node).__name__} nodes are not supported (SpikeStudio "
                                                 f"imports Input, Output, LIF, CubaLIF, IF, LI, CubaLI, Affine, "
                                                 f"Linear and Delay)"))
    for a, b in graph.edges:
        for end in (a, b):
            if end not in graph.nodes:
                problems.append((f'edges["{a}" -> "{b}"]', f'there is no node named "{end}"'))
    return problems


def node_width(node) -> int:
    import nir

    if isinstance(node, nir.Input):
        shape = node.output_type["output"]
    elif isinstance(node, nir.Output):
        shape = node.input_type["input"]
    else:
        shape = np.shape(node.v_leak if hasattr(node, "v_leak") else node.r)
    return int(np.prod(np.asarray(shape, np.int64))) if np.size(shape) else 1


def node_paths(graph, widths: dict[str, int] | None = None) -> list[Path]:
    """Every path from an Input or neuron node to a neuron or Output node; ValueError naming a shape mismatch.

    ``widths`` gives the neuron count of nodes whose parameters do not show it (see ``nir_infer``).
    """
    import nir

    widths = widths or {}

    def _width(node, name=None):
        return widths[name] if name in widths else node_width(node)

    spiking = (*neuron_types(), nir.Input)
    ends = (*neuron_types(), nir.Output)
    succ: dict[str, list[str]] = {name: [] for name in graph.nodes}
    for a, b in graph.edges:
        succ[a].append(b)
    paths, biased = [], set()
    for src, node in graph.nodes.items():
        if not isinstance(node, spiking):
            continue
        n = _width(node, src)
        stack = [(b, None, None, None, np.zeros(n), np.zeros(n), n, 0) for b in reversed(succ[src])]
        while stack:
            name, matrix, bias, wname, d_src, d_cur, width, depth = stack.pop()
            here = graph.nodes[name]
            if depth > len(graph.nodes):
                raise ValueError(f'weight and delay nodes form a loop without neurons (through "{name}")')
            if isinstance(here, nir.Input):
                raise ValueError(f'an edge from "{src}" leads into the input node "{name}"')
            if isinstance(here, ends):
                if _width(here, name) != width:
                    raise ValueError(f'"{name}" has {_width(here, name)} neurons but receives {width} values from '
                                     f'"{src}"')
                d_tgt = d_cur if matrix is not None else np.zeros(width)
                paths.append(Path(src, name, matrix, bias, wname, d_src, d_tgt))
                continue
            if isinstance(here, nir.Delay):
                delay = np.broadcast_to(np.asarray(here.delay, np.float64).ravel(), (width,)) \
                    if np.size(here.delay) in (1, width) else None
                if delay is None:
                    raise ValueError(f'delay node "{name}" has {np.size(here.delay)} delays but receives {width} '
                                     f'values')
                if np.any(delay < 0) or not np.all(np.isfinite(delay)):
                    raise ValueError(f'delay node "{name}" has negative or non-finite delays')
                if matrix is None:
                    d_src = d_src + delay
                else:
                    d_cur = d_cur + delay
            else:  # Affine or Linear
                if matrix is not None:
                    raise ValueError(f'two weight nodes in a row ("{wname}", "{name}") are not supported')
                weight = np.asarray(here.weight, np.float64)
                if weight.ndim != 2 or weight.shape[1] != width:
                    raise ValueError(f'the weight matrix of "{name}" has shape {tuple(weight.shape)} but its input '
                                     f'has {width} neurons (expected (N, {width}))')
                if not np.all(np.isfinite(weight)):
                    raise ValueError(f'the weight matrix of "{name}" has non-finite values')
                matrix, wname, width, d_cur = weight, name, weight.shape[0], np.zeros(weight.shape[0])
                if isinstance(here, nir.Affine) and np.size(here.bias) not in (1, width):
                    raise ValueError(f'the bias of "{name}" has {np.size(here.bias)} values but the node has '
                                     f'{width} outputs')
                if isinstance(here, nir.Affine) and name not in biased:
                    bias, _ = np.asarray(here.bias, np.float64), biased.add(name)
            stack += [(b, matrix, bias, wname, d_src, d_cur, width, depth + 1) for b in reversed(succ[name])]
    order = {name: k for k, name in enumerate(graph.nodes)}
    return sorted(paths, key=lambda p: (order[p.name or p.target], order[p.source]))
