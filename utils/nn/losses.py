r"""Loss functions, per example, and the gradients of their mean (the cost $J$).

Conventions (the same as Keras):

* A loss function returns one loss per example, shape ``(m,)``; the cost is
  their mean, $J = \frac{1}{m}\sum_i L^{(i)}$ — use :func:`cost`.
* With ``from_logits=False`` the predictions are probabilities and are clipped
  to $[\epsilon, 1-\epsilon]$ with Keras's $\epsilon = 10^{-7}$, so a
  prediction of exactly 0 or 1 gives a large but finite loss.
* With ``from_logits=True`` the predictions are the raw outputs $z$ of a linear
  layer; the loss is computed without ever forming $e^{z}$ of a large number,
  so it stays finite and accurate for logits up to $10^4$ even in float32.
* Each ``*_grad`` function returns $\partial J / \partial(\text{prediction})$
  for the mean over the batch, ready for backpropagation.
"""

from __future__ import annotations

import numpy as np

from utils.nn.activations import log_softmax, sigmoid, softmax
from utils.validation import as_float_array, as_labels

EPSILON = 1e-7
"""Keras's fuzz factor ``keras.backend.epsilon()``."""


def cost(losses):
    r"""The cost $J = \frac{1}{m}\sum_{i=1}^m L^{(i)}$ of per-example losses."""
    losses = as_float_array(losses, "losses", ndim=1)
    if losses.size == 0:
        raise ValueError("losses is empty; expected at least one example")
    return losses.mean()


def _binary_inputs(y, pred, name):
    pred = as_float_array(pred, name, ndim=(1, 2))
    y = as_float_array(y, "y", ndim=(1, 2)).astype(pred.dtype)
    if y.shape != pred.shape:
        raise ValueError(
            f"y and {name} must have the same shape, got {y.shape} and "
            f"{pred.shape}; use shape (m,) or (m, 1) for both"
        )
    if np.any((y < 0) | (y > 1)):
        raise ValueError("y must hold binary labels (or targets) between 0 and 1")
    return y, pred


def _per_example(values):
    """(m,) stays; (m, k) is averaged over its last axis as Keras does."""
    return values if values.ndim == 1 else values.mean(axis=-1)


def _bce_of_logits(y, z):
    return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))


def binary_crossentropy(y, p_or_logits, from_logits=False):
    r"""Binary cross-entropy $L = -y\log p - (1-y)\log(1-p)$, one value per example.

    ``y`` and the predictions have shape ``(m,)`` or ``(m, 1)``.  From logits
    $z$, $L = \max(z, 0) - zy + \log(1 + e^{-|z|})$, which is exact and never
    overflows.

    >>> binary_crossentropy(np.array([1, 0]), np.array([0.9, 0.2])).round(4)
    array([0.1054, 0.2231])
    """
    name = "logits" if from_logits else "p"
    y, pred = _binary_inputs(y, p_or_logits, name)
    if from_logits:
        return _per_example(_bce_of_logits(y, pred))
    if np.any((pred < 0) | (pred > 1)):
        raise ValueError(
            "p must be probabilities in [0, 1]; pass from_logits=True if these are raw outputs z"
        )
    p = np.clip(pred, EPSILON, 1 - EPSILON)
    return _per_example(-(y * np.log(p) + (1 - y) * np.log(1 - p)))


def binary_crossentropy_grad(y, p_or_logits, from_logits=False):
    r"""$\partial J/\partial$prediction for the mean binary cross-entropy.

    From logits this is the famous $(\sigma(z) - y)/m$.
    """
    name = "logits" if from_logits else "p"
    y, pred = _binary_inputs(y, p_or_logits, name)
    m = pred.shape[0] * (1 if pred.ndim == 1 else pred.shape[1])
    if from_logits:
        return (sigmoid(pred) - y) / m
    p = np.clip(pred, EPSILON, 1 - EPSILON)
    inside = (pred > EPSILON) & (pred < 1 - EPSILON)  # clipping has zero slope
    return np.where(inside, (p - y) / (p * (1 - p)), 0).astype(pred.dtype) / m


def _sparse_inputs(y, pred, name):
    pred = as_float_array(pred, name, ndim=2)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim == 2 and y.shape == pred.shape:
        raise ValueError(
            f"y has shape {y.shape}, which looks like one-hot labels; the sparse "
            "loss expects one integer class index per example, shape "
            f"({pred.shape[0]},). Use y.argmax(axis=1), or categorical_crossentropy"
        )
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D integer class labels, got shape {y.shape}")
    y = as_labels(y, "y", n_classes=pred.shape[1])
    if y.shape[0] != pred.shape[0]:
        raise ValueError(f"y has {y.shape[0]} labels but {name} has {pred.shape[0]} rows")
    return y, pred


def sparse_categorical_crossentropy(y, p_or_logits, from_logits=False):
    r"""Multiclass cross-entropy with integer labels: $L = -\log a_y$.

    ``y`` has shape ``(m,)`` (class indices), the predictions ``(m, K)``.
    From logits, $L = \log\sum_k e^{z_k} - z_y$ via the log-sum-exp trick.

    >>> sparse_categorical_crossentropy(np.array([2]), np.array([[0.1, 0.2, 0.7]])).round(4)
    array([0.3567])
    """
    y, pred = _sparse_inputs(y, p_or_logits, "logits" if from_logits else "p")
    rows = np.arange(y.shape[0])
    if from_logits:
        return -log_softmax(pred)[rows, y]
    _check_probabilities(pred)
    logp = np.log(np.clip(pred, EPSILON, 1 - EPSILON))
    return -log_softmax(logp)[rows, y]  # Keras renormalises the clipped probabilities


def sparse_categorical_crossentropy_grad(y, logits):
    r"""$\partial J/\partial z = (\mathrm{softmax}(z) - \mathrm{onehot}(y))/m$ (from logits)."""
    y, z = _sparse_inputs(y, logits, "logits")
    g = softmax(z)
    g[np.arange(y.shape[0]), y] -= 1
    return g / y.shape[0]


def _check_probabilities(p):
    if np.any((p < 0) | (p > 1)):
        raise ValueError(
            "p must be probabilities in [0, 1] (softmax outputs); "
            "pass from_logits=True if these are raw outputs z"
        )


def _categorical_inputs(y, pred, name):
    pred = as_float_array(pred, name, ndim=2)
    y = as_float_array(y, "y", ndim=2).astype(pred.dtype)
    if y.shape != pred.shape:
        hint = " (1-D labels? use sparse_categorical_crossentropy)" if y.ndim == 1 else ""
        raise ValueError(
            f"y and {name} must have the same shape (m, K), got {y.shape} and {pred.shape}{hint}"
        )
    return y, pred


def categorical_crossentropy(y, p_or_logits, from_logits=False):
    r"""Multiclass cross-entropy with one-hot (or soft) labels: $L = -\sum_k y_k \log a_k$."""
    name = "logits" if from_logits else "p"
    y, pred = _categorical_inputs(y, p_or_logits, name)
    if from_logits:
        return -(y * log_softmax(pred)).sum(axis=-1)
    _check_probabilities(pred)
    p = np.clip(pred / pred.sum(axis=-1, keepdims=True), EPSILON, 1 - EPSILON)
    return -(y * np.log(p)).sum(axis=-1)


def categorical_crossentropy_grad(y, logits):
    r"""$\partial J/\partial z = (\mathrm{softmax}(z)\sum_k y_k - y)/m$ (from logits)."""
    y, z = _categorical_inputs(y, logits, "logits")
    return (softmax(z) * y.sum(axis=-1, keepdims=True) - y) / y.shape[0]


def _regression_inputs(y, y_hat):
    y_hat = as_float_array(y_hat, "y_hat", ndim=(1, 2))
    y = as_float_array(y, "y", ndim=(1, 2)).astype(y_hat.dtype)
    if y.shape != y_hat.shape:
        raise ValueError(f"y and y_hat must have the same shape, got {y.shape} and {y_hat.shape}")
    return y, y_hat


def mean_squared_error(y, y_hat):
    r"""Squared error $L = (\hat y - y)^2$ per example (mean over outputs if ``(m, k)``)."""
    y, y_hat = _regression_inputs(y, y_hat)
    return _per_example((y_hat - y) ** 2)


def mean_squared_error_grad(y, y_hat):
    r"""$\partial J/\partial \hat y = 2(\hat y - y)/(m k)$."""
    y, y_hat = _regression_inputs(y, y_hat)
    return 2 * (y_hat - y) / y_hat.size


# Fused, unchecked kernels for training loops, which validate their data once up front.
# Each returns (per-example losses, gradient of the mean loss w.r.t. the logits / outputs).


def sparse_crossentropy_kernel(y, z):
    """Sparse categorical cross-entropy from logits and its gradient, sharing one log-softmax."""
    log_a = log_softmax.kernel(z, axis=1)
    rows = np.arange(y.shape[0])
    grad = np.exp(log_a)
    grad[rows, y] -= 1
    return -log_a[rows, y], grad / y.shape[0]


def binary_crossentropy_kernel(y, z):
    """Binary cross-entropy from logits (shape (m, 1)) and its gradient."""
    return _bce_of_logits(y, z)[:, 0], (sigmoid.kernel(z) - y) / z.shape[0]


def squared_error_kernel(y, y_hat):
    """Squared error (outputs of shape (m, 1)) and its gradient."""
    diff = y_hat - y
    return (diff * diff)[:, 0], 2 * diff / y_hat.shape[0]
