"""The gradient race of lesson 02: the same network trained with different hidden activations.

:func:`activation_race` (the notebook's ``race``) trains one network per activation and
measures how far each gets; the widget :func:`utils.lessons.activations.widgets.gradient_race`
reads its results for every setting it offers from :mod:`utils.lessons.activations.race_table`.
"""

from __future__ import annotations

import numpy as np

from utils.nn import ACTIVATIONS, DenseNetwork, GradientDescent, mean_squared_error_grad, train
from utils.synthetic import make_wavy_regression


def _check_name(name, what="name"):
    if name not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r} for {what}; choose one of {list(ACTIVATIONS)}"
        )
    return name


class _Diverged(Exception):
    pass


def _stop_if_diverged(_epoch, history):
    if not np.isfinite(history["loss"][-1]):
        raise _Diverged


def activation_race(
    activations=("sigmoid", "relu"),
    hidden_layers=3,
    width=16,
    learning_rate=0.03,
    epochs=300,
    seed=0,
):
    """Train the same network once per hidden activation and measure how far each gets.

    The network is 1 -> ``width`` x ``hidden_layers`` -> 1 (linear output), started from the
    same seeded weights, trained on :func:`utils.synthetic.make_wavy_regression` with mean
    squared error and plain gradient descent (batches of 32).  For each activation returns
    ``layer_gradients`` (the typical size of one weight's gradient in each layer before
    training, the root mean square of the entries of ``dJ/dW``: layer 1 first), ``loss`` (per
    epoch), ``final_loss`` and ``diverged``.

    Layers hold different numbers of weights and see inputs of different sizes, so compare a
    layer with the same layer of another activation (:func:`format_layer_gradients` prints
    their ratio), not with its neighbours.
    """
    if isinstance(activations, str):
        activations = (activations,)
    for name in activations:
        _check_name(name, "activations")
    if (
        isinstance(hidden_layers, bool)
        or not isinstance(hidden_layers, (int, np.integer))
        or hidden_layers < 1
    ):
        raise ValueError(f"hidden_layers must be a whole number >= 1, got {hidden_layers!r}")
    x, y = make_wavy_regression(200, seed=0)
    sizes = [1] + [int(width)] * int(hidden_layers) + [1]
    results = {}
    for name in activations:
        net = DenseNetwork(sizes, [name] * int(hidden_layers) + ["linear"], seed=seed)
        with np.errstate(all="ignore"):
            out = net.forward(x)
            net.backward(mean_squared_error_grad(y.reshape(-1, 1), out))
            grads = [float(np.sqrt(np.mean(dW**2))) for dW in net.dW]
            history = {"loss": []}

            def keep(epoch, h, _history=history):
                _history["loss"] = list(h["loss"])
                _stop_if_diverged(epoch, h)

            try:
                train(
                    net,
                    x,
                    y,
                    "mean_squared_error",
                    GradientDescent(learning_rate),
                    epochs=epochs,
                    batch_size=32,
                    seed=seed,
                    callback=keep,
                )
                diverged = False
            except _Diverged:
                diverged = True
        results[name] = {
            "layer_gradients": grads,
            "loss": history["loss"],
            "final_loss": float(history["loss"][-1]),
            "diverged": diverged,
        }
    return results
