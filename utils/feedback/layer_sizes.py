r"""Reference counts for layers: parameters of a dense network, windows and parameters of Conv1D.

* :func:`dense_parameter_count` -- $\sum_\ell (n_{\ell-1} n_\ell + n_\ell)$ over neighbouring
  layer sizes (400-25-15-1 has 10,431);
* :func:`conv1d_output_length` (from :mod:`utils.nn.conv`) -- the windows of ``kernel_size``
  samples, one every ``stride`` samples, that fit inside ``n`` samples (``padding='valid'``);
* :func:`conv1d_parameter_count` -- one filter of ``kernel_size x in_channels`` weights and a
  bias, per filter: the window positions share them.
"""

from __future__ import annotations

from utils.nn.conv import conv1d_output_length

__all__ = [
    "conv1d_output_length",
    "conv1d_parameter_count",
    "dense_parameter_count",
    "dense_parameter_terms",
]


def dense_parameter_count(layer_sizes) -> int:
    """Weights and biases of a dense network with these layer sizes (inputs first)."""
    sizes = [int(n) for n in layer_sizes]
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def dense_parameter_terms(layer_sizes) -> list[int]:
    """The parameters of each layer, e.g. ``[10025, 390, 160]`` for 400-25-15-10."""
    sizes = [int(n) for n in layer_sizes]
    return [dense_parameter_count(pair) for pair in zip(sizes[:-1], sizes[1:])]


def conv1d_parameter_count(kernel_size: int, in_channels: int, filters: int) -> int:
    """Parameters of a Conv1D layer: ``(kernel_size * in_channels + 1) * filters``."""
    return (int(kernel_size) * int(in_channels) + 1) * int(filters)
