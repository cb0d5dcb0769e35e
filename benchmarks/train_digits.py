"""Benchmark: the numpy digits trainer against Keras ``fit``, in one run.

Both train 400-25(relu)-15(relu)-10(linear) on the 5000 bundled digits for 40
epochs in shuffled batches of 32, with Adam(1e-3) on sparse categorical
cross-entropy from logits, starting from Glorot-uniform weights and zero
biases.  Prints each one's time, first and last loss and training accuracy,
and Keras again with 25 batches per call into TensorFlow (``steps_per_execution``,
as the assignment's checks train: the same numbers, less Python per batch);
the last line is ``speedup N.NNx`` (Keras time / numpy time).

    make benchmark        # or: .venv/bin/python benchmarks/train_digits.py [--epochs 40]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from utils import quiet_tf
from utils.data import load_digits
from utils.nn import train_digits


def keras_digits_model(seed=1234, steps_per_execution=1):
    """The lecture's Keras model, compiled as the course teaches it."""
    import keras

    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(400,)),
            keras.layers.Dense(25, activation="relu"),
            keras.layers.Dense(15, activation="relu"),
            keras.layers.Dense(10, activation="linear"),
        ]
    )
    model.compile(
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        optimizer=keras.optimizers.Adam(learning_rate=1e-3),
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
    )
    return model


def time_keras(X, y, epochs, batch_size, seed, steps_per_execution=1):
    model = keras_digits_model(seed, steps_per_execution)
    start = time.perf_counter()
    history = model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0)
    return time.perf_counter() - start, history.history


def time_numpy(X, y, epochs, batch_size, seed):
    start = time.perf_counter()
    _, history = train_digits(X, y, epochs=epochs, batch_size=batch_size, seed=seed)
    return time.perf_counter() - start, history


def main():
    quiet_tf.install()  # before the first `import keras` (the .pth does this in the venv too)
    parser = argparse.ArgumentParser(description="numpy trainer vs Keras fit on the digits")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()
    X, y = load_digits()
    print(
        f"digits {X.shape}, {args.epochs} epochs, batch {args.batch_size}, "
        f"{int(np.ceil(len(X) / args.batch_size))} batches per epoch"
    )
    results = {}
    runs = (
        ("keras", time_keras),
        ("keras, 25 batches per call", lambda *a: time_keras(*a, steps_per_execution=25)),
        ("numpy", time_numpy),
    )
    for name, run in runs:
        seconds, history = run(X, y, args.epochs, args.batch_size, args.seed)
        results[name] = seconds
        print(
            f"{name:>26}: {seconds:7.2f} s   loss {history['loss'][0]:.3f} -> "
            f"{history['loss'][-1]:.4f}   training accuracy {100 * history['accuracy'][-1]:.2f}%"
        )
    print(
        f"25 batches per call: {results['keras, 25 batches per call'] / results['keras']:.2f}x "
        "Keras's time"
    )
    print(f"speedup {results['keras'] / results['numpy']:.2f}x")


if __name__ == "__main__":
    main()
