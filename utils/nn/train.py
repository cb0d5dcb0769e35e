"""Mini-batch training of a :class:`DenseNetwork` in numpy, like Keras's ``fit``."""

from __future__ import annotations

import numpy as np

from utils.nn import losses
from utils.nn.network import DenseNetwork
from utils.nn.optimizers import Adam, GradientDescent
from utils.validation import as_float_array, as_labels, check_positive, check_same_rows

# name -> (per-example loss from logits, gradient of the mean w.r.t. the logits), checked
LOSSES = {
    "sparse_categorical_crossentropy": (
        lambda y, z: losses.sparse_categorical_crossentropy(y, z, from_logits=True),
        losses.sparse_categorical_crossentropy_grad,
    ),
    "binary_crossentropy": (
        lambda y, z: losses.binary_crossentropy(y, z, from_logits=True),
        lambda y, z: losses.binary_crossentropy_grad(y, z, from_logits=True),
    ),
    "mean_squared_error": (losses.mean_squared_error, losses.mean_squared_error_grad),
}
# the same, fused and unchecked, for the inner loop
KERNELS = {
    "sparse_categorical_crossentropy": losses.sparse_crossentropy_kernel,
    "binary_crossentropy": losses.binary_crossentropy_kernel,
    "mean_squared_error": losses.squared_error_kernel,
}


def minibatches(m, batch_size, rng):
    """Shuffled index arrays covering ``range(m)``; the last batch may be smaller.

    5000 examples in batches of 32 give 157 batches (156 full ones and one of 8).
    """
    order = rng.permutation(m)
    return [order[i : i + batch_size] for i in range(0, m, batch_size)]


def _accuracy(loss_name, y, out):
    if loss_name == "sparse_categorical_crossentropy":
        return float(np.mean(out.argmax(axis=1) == y))
    if loss_name == "binary_crossentropy":
        return float(np.mean((out > 0) == (y > 0.5)))
    return None


def train(
    network,
    X,
    y,
    loss="sparse_categorical_crossentropy",
    optimizer=None,
    epochs=40,
    batch_size=32,
    seed=0,
    validation_data=None,
    callback=None,
):
    """Fit ``network`` (linear output layer) to ``(X, y)`` by mini-batch gradient steps.

    ``loss`` is one of :data:`LOSSES` (cross-entropies are computed from logits).
    ``optimizer`` defaults to ``Adam(1e-3)``.  ``callback(epoch, history)`` runs
    after each epoch.  Returns a history dict like ``keras.callbacks.History.history``:
    ``loss`` (mean batch loss of each epoch), ``accuracy`` for classification, and
    ``val_loss``/``val_accuracy`` when ``validation_data=(X_val, y_val)`` is given.
    """
    if not isinstance(network, DenseNetwork):
        raise TypeError(f"network must be a DenseNetwork, got {type(network).__name__}")
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; expected one of {sorted(LOSSES)}")
    X = network._check_input(X)
    y = _check_targets(loss, y, network)
    check_same_rows(X, y, "X", "y")
    check_positive(epochs, "epochs", integer=True)
    check_positive(batch_size, "batch_size", integer=True)
    optimizer = optimizer or Adam(1e-3)
    if not isinstance(optimizer, (Adam, GradientDescent)):
        raise TypeError(
            "optimizer must be utils.nn.Adam or utils.nn.GradientDescent, "
            f"got {type(optimizer).__name__}"
        )
    loss_and_grad = KERNELS[loss]
    rng = np.random.default_rng(seed)
    history = {"loss": []}
    for epoch in range(epochs):
        total, correct = 0.0, 0.0
        for idx in minibatches(X.shape[0], batch_size, rng):
            out = network._forward(X[idx])
            batch_losses, d_out = loss_and_grad(y[idx], out)
            network._backward(d_out)
            optimizer._update(network.theta, network.grad)
            total += float(batch_losses.sum())
            correct += (_accuracy(loss, y[idx], out) or 0.0) * len(idx)
        history["loss"].append(total / X.shape[0])
        if loss != "mean_squared_error":
            history.setdefault("accuracy", []).append(correct / X.shape[0])
        if validation_data is not None:
            _record_validation(network, loss, validation_data, history)
        if callback is not None:
            callback(epoch, history)
    return history


def _check_targets(loss, y, network):
    """Check the targets for ``loss`` and shape them as its kernel expects."""
    y = np.asarray(y)
    if loss == "sparse_categorical_crossentropy":
        if y.ndim != 1:
            raise ValueError(
                f"y must be 1-D integer class labels, got shape {y.shape}"
                + (" (one-hot? use y.argmax(axis=1))" if y.ndim == 2 else "")
            )
        return as_labels(y, "y", n_classes=network.sizes[-1])
    y = as_float_array(y, "y", ndim=(1, 2)).astype(network.theta.dtype)
    return y.reshape(-1, 1) if y.ndim == 1 else y


def _record_validation(network, loss, validation_data, history):
    X_val, y_val = validation_data
    y_val = _check_targets(loss, y_val, network)
    out = network.forward(X_val)
    history.setdefault("val_loss", []).append(float(LOSSES[loss][0](y_val, out).mean()))
    acc = _accuracy(loss, y_val, out)
    if acc is not None:
        history.setdefault("val_accuracy", []).append(acc)


def digits_network(seed=1234):
    """The course's digits model 400-25(relu)-15(relu)-10(linear): 10,575 parameters."""
    return DenseNetwork([400, 25, 15, 10], ["relu", "relu", "linear"], seed=seed)


def train_digits(
    X, y, epochs=40, batch_size=32, learning_rate=1e-3, seed=1234, validation_data=None
):
    """Train :func:`digits_network` with sparse categorical cross-entropy from logits and Adam.

    Returns ``(network, history)``.  Predict classes with
    ``network.forward(X).argmax(axis=1)`` and probabilities with
    ``utils.nn.softmax(network.forward(X))``.
    """
    X = as_float_array(X, "X", ndim=2)
    network = digits_network(seed)
    history = train(
        network,
        X,
        y,
        "sparse_categorical_crossentropy",
        Adam(learning_rate),
        epochs,
        batch_size,
        seed,
        validation_data,
    )
    return network, history
