"""The course's own versions of the lesson's four pieces, in the exercises' formats.

Parameters are a dict ``{"W1", "b1", "W2", "b2", "W3", "b3"}`` of a 3-layer ReLU/ReLU/linear
network (``W`` of shape (units in, units out), as Keras stores it); the forward pass returns the
logits and a cache dict ``{"A0", "Z1", "A1", "Z2", "A2", "Z3"}``.  The backward pass and the Adam
step come from :mod:`utils.nn` (``DenseNetwork.backward`` and ``Adam``), so the checks compare
the student's code with the tested references, not with a second copy of them.
"""

from __future__ import annotations

import numpy as np

from utils.nn import Adam, DenseNetwork, relu, sparse_categorical_crossentropy
from utils.nn import sparse_categorical_crossentropy_grad as cross_entropy_grad
from utils.nn.train import digits_network

KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
ACTIVATIONS = ("relu", "relu", "linear")


def init_params(seed: int = 1234) -> dict:
    """The initial weights of ``utils.nn.digits_network(seed)`` (400-25-15-10), as a dict."""
    return dict(zip(KEYS, digits_network(seed).get_weights()))


def adam_state(params: dict) -> dict:
    """Adam's state before its first step: ``t = 0`` and zero moments for every parameter."""
    zeros = {name: np.zeros_like(p) for name, p in params.items()}
    return {"t": 0, "m": zeros, "v": {name: np.zeros_like(p) for name, p in params.items()}}


def network(params: dict) -> DenseNetwork:
    """A :class:`utils.nn.DenseNetwork` holding ``params`` (in their dtype)."""
    sizes = [params["W1"].shape[0]] + [params[f"W{k}"].shape[1] for k in (1, 2, 3)]
    net = DenseNetwork(sizes, list(ACTIVATIONS), dtype=np.asarray(params["W1"]).dtype)
    net.set_weights([params[name] for name in KEYS])
    return net


def reference_forward(params: dict, X):
    """``(logits, cache)`` of the ReLU/ReLU/linear network."""
    cache = {"A0": X}
    A = X
    for k in (1, 2, 3):
        Z = A @ params[f"W{k}"] + params[f"b{k}"]
        cache[f"Z{k}"] = Z
        if k < 3:
            A = relu(Z)
            cache[f"A{k}"] = A
    return cache["Z3"], cache


def reference_backward(params: dict, cache: dict, y) -> dict:
    """The gradients of the mean softmax cross-entropy (from logits), by ``utils.nn``."""
    net = network(params)
    net.forward(cache["A0"])
    net.backward(cross_entropy_grad(y, cache["Z3"]))
    grads = [g.copy() for pair in zip(net.dW, net.db) for g in pair]
    return dict(zip(KEYS, grads))


def reference_adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7):
    """One step of ``utils.nn.Adam`` (Keras's Adam) for every parameter: ``(params, state)``
    after the step, new dicts (the arguments are not changed)."""
    t, new_params, m, v = state["t"], {}, {}, {}
    for name in params:
        adam = Adam(lr, beta1, beta2, eps)
        adam.t = t
        adam.m = np.array(state["m"][name], copy=True)
        adam.v = np.array(state["v"][name], copy=True)
        new_params[name] = adam.step(np.array(params[name], copy=True), grads[name])
        m[name], v[name] = adam.m, adam.v
    return new_params, {"t": t + 1, "m": m, "v": v}


def mean_loss(logits, y) -> float:
    """The mean sparse categorical cross-entropy of a batch, from its logits."""
    return float(sparse_categorical_crossentropy(y, logits, from_logits=True).mean())


def batch_orders(m: int, epochs: int, seed: int, *, shuffle: str = "each") -> list:
    """Each epoch's order of the examples: ``rng.permutation(m)`` per epoch with
    ``rng = np.random.default_rng(seed)`` (``shuffle="once"``: the first order every epoch,
    ``"never"``: ``0, 1, ..., m - 1``)."""
    rng = np.random.default_rng(seed)
    if shuffle == "never":
        return [np.arange(m)] * epochs
    if shuffle == "once":
        return [rng.permutation(m)] * epochs
    return [rng.permutation(m) for _ in range(epochs)]


def reference_train(
    params,
    X,
    y,
    epochs,
    batch_size=32,
    lr=1e-3,
    seed=0,
    *,
    shuffle="each",
    last_batch=True,
    weighted=True,
    fresh_state=False,
):
    """The lesson's training loop: ``(params, losses)``, the trained parameters (a new dict)
    and the mean loss of each epoch.

    The keyword-only options make the loops of common mistakes, for the checks: ``shuffle``
    (see :func:`batch_orders`), ``last_batch=False`` drops the last, smaller batch,
    ``weighted=False`` averages the batch means, ``fresh_state`` restarts Adam every epoch.
    """
    m = X.shape[0]
    state = adam_state(params)
    losses = []
    for order in batch_orders(m, epochs, seed, shuffle=shuffle):
        if fresh_state:
            state = adam_state(params)
        stop = m if last_batch else m - m % batch_size
        batch_losses, sizes = [], []
        for start in range(0, stop, batch_size):
            batch = order[start : start + batch_size]
            logits, cache = reference_forward(params, X[batch])
            batch_losses.append(mean_loss(logits, y[batch]))
            sizes.append(len(batch))
            grads = reference_backward(params, cache, y[batch])
            params, state = reference_adam_step(params, grads, state, lr)
        if weighted:  # each example's loss counts once: the batch means times their sizes, / m
            losses.append(float(np.dot(batch_losses, sizes)) / m)
        else:
            losses.append(float(np.mean(batch_losses)))
    return params, losses
