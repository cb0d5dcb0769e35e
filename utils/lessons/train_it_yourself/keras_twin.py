"""The same network in Keras: the same initial weights, the same Adam, the same batches.

:func:`keras_twin` copies a parameter dict into a ``keras.Sequential`` 400-25-15-10;
:func:`fit_in_order` trains it with ``model.fit``, one epoch at a time, on the examples in
the order the lesson's loop visits them (``shuffle=False`` on data already permuted by the
same ``rng.permutation`` calls), so both see exactly the same mini-batches.
"""

from __future__ import annotations

import numpy as np

from utils.lessons.train_it_yourself.reference import KEYS, batch_orders


def keras_twin(params: dict, *, lr: float = 1e-3):
    """A compiled Keras model with ``params`` as its weights and ``Adam(lr)``."""
    import keras  # noqa: PLC0415 - TensorFlow loads only when the lesson asks for Keras

    sizes = [params[f"W{k}"].shape[1] for k in (1, 2, 3)]
    model = keras.Sequential(
        [keras.Input((params["W1"].shape[0],))]
        + [keras.layers.Dense(n, activation="relu") for n in sizes[:-1]]
        + [keras.layers.Dense(sizes[-1], activation="linear")]
    )
    model.set_weights([np.asarray(params[name], dtype=np.float32) for name in KEYS])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=lr),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def fit_in_order(model, X, y, *, epochs: int, batch_size: int, seed: int) -> list[float]:
    """``model.fit`` epoch by epoch on the lesson loop's batches; the loss of each epoch."""
    losses = []
    for order in batch_orders(X.shape[0], epochs, seed):
        history = model.fit(
            X[order], y[order], batch_size=batch_size, epochs=1, shuffle=False, verbose=0
        )
        losses.append(float(history.history["loss"][0]))
    return losses


def keras_accuracy(model, X, y) -> float:
    """The fraction of ``X`` whose largest logit is at the right digit."""
    return float(np.mean(model.predict(X, verbose=0).argmax(axis=1) == y))
