"""Lesson 04's real case: the lecture's digits network trained with two optimizers in Keras.

:func:`train_digits` builds the lecture's network (400 → 25 ReLU → 15 ReLU → 10 linear, the
loss ``SparseCategoricalCrossentropy(from_logits=True)``), trains it on the course's 4000
training digits with the optimizer it is given, and returns the per-epoch history, including
the accuracy on the 1000 held-out digits.  Every call starts from the same initial weights and
sees the same batches in the same order, so two optimizers are compared on equal terms.
Keras is imported when the function is called, not when this module is.
"""

from __future__ import annotations

from utils.validation import check_positive

DIGITS_EPOCHS = 5
"""Epochs of the comparison: few, so the notebook stays quick (each epoch is 125 batches)."""

DIGITS_BATCH = 32
"""Keras's default batch size, as in the lecture."""

DIGITS_SEED = 1234
"""The seed of the initial weights and of the batch order (the lecture's lab uses 1234)."""


def digits_model():
    """The lecture's digits network, untrained: 400 → 25 → 15 → 10 (logits)."""
    import keras

    return keras.Sequential(
        [
            keras.Input(shape=(400,)),
            keras.layers.Dense(25, activation="relu", name="L1"),
            keras.layers.Dense(15, activation="relu", name="L2"),
            keras.layers.Dense(10, activation="linear", name="L3"),
        ],
        name="digits",
    )


def train_digits(optimizer, epochs=DIGITS_EPOCHS, batch_size=DIGITS_BATCH, seed=DIGITS_SEED):
    """Train the digits network with ``optimizer`` (a Keras optimizer object); its history.

    Returns a dict of lists, one value per epoch: ``loss`` and ``accuracy`` (Keras's running
    means over the epoch's batches) and ``val_loss`` and ``val_accuracy`` (on the held-out
    digits at the end of the epoch).
    """
    import keras

    from utils.data import load_digits_split

    check_positive(epochs, "epochs", integer=True)
    check_positive(batch_size, "batch_size", integer=True)
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(
            "optimizer must be a Keras optimizer object such as "
            f"keras.optimizers.SGD(learning_rate=0.1), got {optimizer!r}"
        )
    (X_train, y_train), (X_test, y_test) = load_digits_split()
    keras.utils.set_random_seed(seed)
    model = digits_model()
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        steps_per_execution=25,  # 125 batches per epoch: 5 calls into TensorFlow, not 125
    )
    history = model.fit(
        X_train,
        y_train,
        epochs=epochs,
        batch_size=batch_size,
        validation_data=(X_test, y_test),
        validation_batch_size=len(X_test),
        verbose=0,
    )
    return {key: [float(v) for v in values] for key, values in history.history.items()}
