"""A tiny scalar autodiff engine for the backpropagation lesson, and its graph drawn.

- :mod:`utils.autodiff.engine`: :class:`Value` (forward operations, ``backward()``)
  and :func:`trace` (the topological order) -- the part to read;
- :mod:`utils.autodiff.graph`: :func:`backward_steps`, :func:`graph_table`,
  :func:`format_graph_table` and :func:`draw_graph`;
- :mod:`utils.autodiff.real`: what a Value accepts as a number.

>>> w = Value(3.0, "w"); J = w**2; J.label = "J"; J.backward()
>>> w.grad, [n.label for n in backward_steps(J)]
(6.0, ['J', 'w'])
"""

from utils.autodiff.engine import Value, trace
from utils.autodiff.graph import (
    MAX_DRAWN_NODES,
    backward_steps,
    draw_graph,
    format_graph_table,
    graph_table,
)

__all__ = [
    "Value",
    "trace",
    "backward_steps",
    "graph_table",
    "format_graph_table",
    "draw_graph",
    "MAX_DRAWN_NODES",
]
