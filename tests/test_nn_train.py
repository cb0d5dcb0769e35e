"""The numpy trainer: batching like Keras, and the same outcome as Keras on the digits."""

import numpy as np
import pytest

from benchmarks.train_digits import keras_digits_model
from utils import nn
from utils.data import load_digits_split


def test_minibatches_cover_every_example_once():
    batches = nn.minibatches(5000, 32, np.random.default_rng(0))
    assert len(batches) == 157 and len(batches[-1]) == 8
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(5000))


@pytest.fixture(scope="module")
def digits_split():
    return load_digits_split()


@pytest.mark.slow
def test_numpy_trainer_matches_keras_on_held_out_digits(digits_split):
    (X_train, y_train), (X_test, y_test) = digits_split
    net, hist = nn.train_digits(X_train, y_train, epochs=40, validation_data=(X_test, y_test))
    model = keras_digits_model(seed=1234)
    keras_hist = model.fit(
        X_train, y_train, epochs=40, batch_size=32, verbose=0, validation_data=(X_test, y_test)
    ).history
    # Both learn: the loss falls from ~1.6 to a few hundredths.
    assert hist["loss"][0] > 1.0 and hist["loss"][-1] < 0.1
    assert keras_hist["loss"][-1] < 0.1
    # Comparable outcome (measured: numpy 99.1% / 93.0%, Keras 99.5% / 93.1%, train / held out).
    assert abs(hist["accuracy"][-1] - keras_hist["accuracy"][-1]) < 0.015
    assert abs(hist["val_accuracy"][-1] - keras_hist["val_accuracy"][-1]) < 0.03
    assert hist["val_accuracy"][-1] > 0.90
    test_acc = np.mean(net.forward(X_test).argmax(axis=1) == y_test)
    assert test_acc == pytest.approx(hist["val_accuracy"][-1])


def test_training_is_repeatable(digits_split):
    (X, y), _ = digits_split
    _, h1 = nn.train_digits(X[:500], y[:500], epochs=2, seed=7)
    _, h2 = nn.train_digits(X[:500], y[:500], epochs=2, seed=7)
    assert h1 == h2


def test_binary_and_regression_training_reduce_the_loss(rng):
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)  # XOR-like
    net = nn.DenseNetwork([2, 16, 1], ["relu", "linear"], seed=0)
    hist = nn.train(net, X, y, "binary_crossentropy", nn.Adam(0.01), epochs=60)
    assert hist["loss"][-1] < 0.5 * hist["loss"][0] and hist["accuracy"][-1] > 0.9
    x = np.linspace(-2, 2, 100).reshape(-1, 1)
    net = nn.DenseNetwork([1, 16, 1], ["tanh", "linear"], seed=0, dtype=np.float64)
    hist = nn.train(net, x, np.sin(2 * x[:, 0]), "mean_squared_error", nn.Adam(0.02), epochs=200)
    assert hist["loss"][-1] < 0.02 and "accuracy" not in hist


def test_callback_sees_every_epoch(rng):
    seen = []
    net = nn.DenseNetwork([3, 3], ["linear"], seed=0)
    nn.train(
        net,
        rng.normal(size=(10, 3)),
        rng.integers(0, 3, 10),
        epochs=3,
        callback=lambda epoch, hist: seen.append((epoch, len(hist["loss"]))),
    )
    assert seen == [(0, 1), (1, 2), (2, 3)]


def test_training_errors_say_what_was_expected(rng):
    net = nn.DenseNetwork([3, 4], ["linear"], seed=0)
    X = rng.normal(size=(10, 3))
    with pytest.raises(ValueError, match="one-hot"):
        nn.train(net, X, np.eye(4)[rng.integers(0, 4, 10)])
    with pytest.raises(ValueError, match="same number of examples"):
        nn.train(net, X, np.zeros(9, dtype=int))
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        nn.train(net, X, np.zeros(10, dtype=int), loss="hinge")
    with pytest.raises(ValueError, match="epochs must be > 0"):
        nn.train(net, X, np.zeros(10, dtype=int), epochs=0)
    with pytest.raises(TypeError, match="optimizer must be"):
        nn.train(net, X, np.zeros(10, dtype=int), optimizer="adam")
    with pytest.raises(TypeError, match="DenseNetwork"):
        nn.train("net", X, np.zeros(10, dtype=int))
