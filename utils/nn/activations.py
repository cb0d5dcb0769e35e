r"""Activation functions $g(z)$ and their derivatives $g'(z)$, in numpy.

Each function takes a real array ``z`` of any shape and returns an array of
the same shape and floating dtype (integers become float64), so float16 and
float32 behave as they do in TensorFlow.  ``softmax`` works along ``axis``.
"""

from __future__ import annotations

import functools

import numpy as np

from utils.validation import as_float_array


def elementwise(kernel):
    """Make a public activation from a numpy ``kernel``: check ``z`` first, then apply it.

    The unchecked kernel stays available as ``fn.kernel`` for inner loops (the
    network trainer), which validate their inputs once, up front.
    """

    @functools.wraps(kernel)
    def checked(z, *args, **kwargs):
        return kernel(as_float_array(z, "z"), *args, **kwargs)

    checked.kernel = kernel
    return checked


@elementwise
def linear(z):
    r"""$g(z) = z$ — the output activation for regression."""
    return z.copy()


@elementwise
def linear_derivative(z):
    r"""$g'(z) = 1$."""
    return np.ones_like(z)


@elementwise
def sigmoid(z):
    r"""Logistic sigmoid $g(z) = 1 / (1 + e^{-z})$, without overflow.

    Computed from $e^{-|z|}$, which never overflows:
    for $z \ge 0$, $1/(1+e^{-z})$; for $z < 0$, $e^{z}/(1+e^{z})$.

    >>> sigmoid(np.array([0.0, 1000.0, -1000.0]))
    array([0.5, 1. , 0. ])
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype)


@elementwise
def sigmoid_derivative(z):
    r"""$g'(z) = g(z)\,(1 - g(z))$, at most 0.25 (at $z=0$)."""
    s = sigmoid.kernel(z)
    return s * (1 - s)


@elementwise
def relu(z):
    r"""Rectified linear unit $g(z) = \max(0, z)$."""
    return np.maximum(z, 0).astype(z.dtype)


@elementwise
def relu_derivative(z):
    r"""$g'(z) = 1$ for $z > 0$, else $0$ (TensorFlow's choice at the kink $z=0$)."""
    return (z > 0).astype(z.dtype)


@elementwise
def tanh(z):
    r"""Hyperbolic tangent $g(z) = (e^z - e^{-z})/(e^z + e^{-z})$, range $(-1, 1)$."""
    return np.tanh(z)


@elementwise
def tanh_derivative(z):
    r"""$g'(z) = 1 - \tanh^2(z)$."""
    t = np.tanh(z)
    return 1 - t * t


@elementwise
def leaky_relu(z, alpha=0.2):
    r"""$g(z) = z$ for $z > 0$, else $\alpha z$ (Keras's default $\alpha = 0.2$)."""
    return np.where(z > 0, z, alpha * z).astype(z.dtype)


@elementwise
def leaky_relu_derivative(z, alpha=0.2):
    r"""$g'(z) = 1$ for $z > 0$, else $\alpha$."""
    return np.where(z > 0, 1, alpha).astype(z.dtype)


@elementwise
def swish(z):
    r"""Swish (SiLU) $g(z) = z \cdot \sigma(z)$."""
    return z * sigmoid.kernel(z)


@elementwise
def swish_derivative(z):
    r"""$g'(z) = \sigma(z) + z\,\sigma(z)(1 - \sigma(z))$."""
    s = sigmoid.kernel(z)
    return s + z * s * (1 - s)


def _logits(z, axis):
    z = as_float_array(z, "z")
    if z.ndim == 0:
        raise ValueError("z must have at least one axis of logits, got a scalar")
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(f"axis {axis} is out of range for z with shape {z.shape}")
    return z


def softmax(z, axis=-1):
    r"""Softmax $a_j = e^{z_j} / \sum_k e^{z_k}$ along ``axis``, stable for any logits.

    Subtracting $\max_k z_k$ first changes nothing mathematically (it cancels
    in the ratio) but keeps every exponent $\le 0$, so nothing overflows.
    Works on one vector of logits (1-D) or a batch (one row per example).

    >>> softmax(np.array([1.0, 2.0, 3.0, 4.0])).round(3)
    array([0.032, 0.087, 0.237, 0.644])
    """
    z = _logits(z, axis)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(z, axis=-1):
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def log_softmax(z, axis=-1):
    r"""$\log a_j = z_j - \log\sum_k e^{z_k}$ (log-sum-exp trick), finite for any finite logits.

    The unchecked computation is ``log_softmax.kernel(z, axis)``, for inner loops.
    """
    return _log_softmax(_logits(z, axis), axis)


log_softmax.kernel = _log_softmax


def softmax_jacobian(z):
    r"""Jacobian $\partial a_i/\partial z_j = a_i(\delta_{ij} - a_j)$ of a 1-D softmax."""
    z = as_float_array(z, "z", ndim=1)
    a = softmax(z)
    return np.diag(a) - np.outer(a, a)


ACTIVATIONS = {
    "linear": (linear, linear_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "relu": (relu, relu_derivative),
    "tanh": (tanh, tanh_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "swish": (swish, swish_derivative),
}
"""Name -> (g, g') for every element-wise activation in this module."""


def get_activation(name: str):
    """Return ``(g, g_prime)`` for an activation name such as ``'relu'``."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]
