"""Losses against Keras: values, gradients (GradientTape) and stability for logits up to 1e4."""

import numpy as np
import pytest

from utils import nn


def keras_loss(keras, name, from_logits):
    return {
        "binary": keras.losses.binary_crossentropy,
        "sparse": keras.losses.sparse_categorical_crossentropy,
        "categorical": keras.losses.categorical_crossentropy,
    }[name], dict(from_logits=from_logits)


def tape_grad_of_mean(tf, fn, y, pred):
    pred = tf.Variable(pred)
    with tf.GradientTape() as tape:
        J = tf.reduce_mean(fn(y, pred))
    return tape.gradient(J, pred).numpy()


LOGIT_SCALES = [1.0, 30.0, 1e4]


@pytest.mark.parametrize("scale", LOGIT_SCALES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_crossentropy_from_logits(keras, tf, rng, scale, dtype):
    z = (rng.normal(size=(64, 1)) * scale).astype(dtype)
    y = rng.integers(0, 2, size=(64, 1)).astype(dtype)
    got = nn.binary_crossentropy(y, z, from_logits=True)
    want = keras.losses.binary_crossentropy(y, z, from_logits=True).numpy()
    assert got.shape == (64,) and got.dtype == dtype and np.all(np.isfinite(got))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    want_grad = tape_grad_of_mean(
        tf, lambda a, b: keras.losses.binary_crossentropy(a, b, from_logits=True), y, z
    )
    np.testing.assert_allclose(
        nn.binary_crossentropy_grad(y, z, from_logits=True), want_grad, rtol=1e-5, atol=1e-8
    )


def test_binary_crossentropy_from_probabilities_clips_like_keras(keras, tf, rng):
    p = np.concatenate([rng.uniform(0.01, 0.99, 30), [0.0, 1.0, 1e-9, 1 - 1e-9]]).reshape(-1, 1)
    y = np.concatenate([rng.integers(0, 2, 30), [1, 0, 1, 0]]).reshape(-1, 1).astype(float)
    got = nn.binary_crossentropy(y, p)
    np.testing.assert_allclose(got, keras.losses.binary_crossentropy(y, p).numpy(), rtol=1e-6)
    assert np.isfinite(got).all() and got[-4:].min() > 16  # -log(1e-7) = 16.1, not inf
    inner = p[:30], y[:30]
    want_grad = tape_grad_of_mean(tf, keras.losses.binary_crossentropy, inner[1], inner[0])
    np.testing.assert_allclose(
        nn.binary_crossentropy_grad(inner[1], inner[0]), want_grad, rtol=1e-6
    )


def test_binary_cost_is_the_mean_of_the_losses():
    y, p = np.array([1.0, 0, 1, 0]), np.array([0.9, 0.2, 0.6, 0.4])
    want = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert nn.cost(nn.binary_crossentropy(y, p)) == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("scale", LOGIT_SCALES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sparse_categorical_crossentropy_from_logits(keras, tf, rng, scale, dtype):
    z = (rng.normal(size=(50, 10)) * scale).astype(dtype)
    y = rng.integers(0, 10, size=50)
    got = nn.sparse_categorical_crossentropy(y, z, from_logits=True)
    want = keras.losses.sparse_categorical_crossentropy(y, z, from_logits=True).numpy()
    assert got.shape == (50,) and got.dtype == dtype and np.all(np.isfinite(got))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    want_grad = tape_grad_of_mean(
        tf, lambda a, b: keras.losses.sparse_categorical_crossentropy(a, b, from_logits=True), y, z
    )
    np.testing.assert_allclose(
        nn.sparse_categorical_crossentropy_grad(y, z), want_grad, rtol=1e-5, atol=1e-7
    )


def test_sparse_from_logits_is_exact_where_softmax_then_log_breaks():
    z = np.array([[1e4, 0.0, -1e4]], dtype=np.float32)
    # Softmax then log: the probability of class 2 underflows to 0 -> log gives -inf.
    with np.errstate(divide="ignore"):
        naive = -np.log(nn.softmax(z))[0]
    assert np.isinf(naive[2])
    exact = nn.sparse_categorical_crossentropy(np.array([2]), z, from_logits=True)
    assert exact[0] == np.float32(2e4)


def test_sparse_from_probabilities_matches_keras(keras, rng):
    p = nn.softmax(rng.normal(size=(40, 4)) * 3)
    p[0] = [1.0, 0.0, 0.0, 0.0]
    y = rng.integers(0, 4, size=40)
    np.testing.assert_allclose(
        nn.sparse_categorical_crossentropy(y, p),
        keras.losses.sparse_categorical_crossentropy(y, p).numpy(),
        rtol=1e-6,
    )


@pytest.mark.parametrize("from_logits", [True, False])
def test_categorical_crossentropy_matches_keras(keras, tf, rng, from_logits):
    z = rng.normal(size=(30, 5)) * 4
    pred = z if from_logits else nn.softmax(z)
    y = np.eye(5)[rng.integers(0, 5, size=30)]
    got = nn.categorical_crossentropy(y, pred, from_logits=from_logits)
    want = keras.losses.categorical_crossentropy(y, pred, from_logits=from_logits).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    if from_logits:
        want_grad = tape_grad_of_mean(
            tf, lambda a, b: keras.losses.categorical_crossentropy(a, b, from_logits=True), y, z
        )
        np.testing.assert_allclose(nn.categorical_crossentropy_grad(y, z), want_grad, atol=1e-12)


def test_one_hot_and_sparse_agree(rng):
    z = rng.normal(size=(20, 6))
    y = rng.integers(0, 6, size=20)
    np.testing.assert_allclose(
        nn.sparse_categorical_crossentropy(y, z, from_logits=True),
        nn.categorical_crossentropy(np.eye(6)[y], z, from_logits=True),
    )


@pytest.mark.parametrize("shape", [(40,), (40, 3)])
def test_mean_squared_error_matches_keras(keras, tf, rng, shape):
    y, y_hat = rng.normal(size=shape), rng.normal(size=shape) * 1e3
    want = keras.losses.mean_squared_error(y.reshape(40, -1), y_hat.reshape(40, -1)).numpy()
    np.testing.assert_allclose(nn.mean_squared_error(y, y_hat), want, rtol=1e-12)
    want_grad = tape_grad_of_mean(
        tf, keras.losses.mean_squared_error, y.reshape(40, -1), y_hat.reshape(40, -1)
    ).reshape(shape)
    np.testing.assert_allclose(nn.mean_squared_error_grad(y, y_hat), want_grad, rtol=1e-12)


def test_the_sparse_loss_names_the_one_hot_mistake():
    with pytest.raises(ValueError, match="looks like one-hot labels"):
        nn.sparse_categorical_crossentropy(np.eye(3), np.zeros((3, 3)), from_logits=True)


def test_labels_out_of_range_and_fractional_labels_are_rejected():
    with pytest.raises(ValueError, match=r"class indices in 0\.\.2"):
        nn.sparse_categorical_crossentropy(np.array([0, 3]), np.zeros((2, 3)), from_logits=True)
    with pytest.raises(ValueError, match="whole-number"):
        nn.sparse_categorical_crossentropy(np.array([0.5, 1]), np.zeros((2, 3)), from_logits=True)


def test_probabilities_outside_0_1_suggest_from_logits():
    with pytest.raises(ValueError, match="from_logits=True"):
        nn.binary_crossentropy(np.array([1.0]), np.array([3.0]))
    with pytest.raises(ValueError, match="from_logits=True"):
        nn.sparse_categorical_crossentropy(np.array([1]), np.array([[2.0, -1.0]]))


def test_shape_mismatches_say_what_was_expected():
    with pytest.raises(ValueError, match="same shape"):
        nn.binary_crossentropy(np.ones(3), np.ones((3, 1)) * 0.5)
    with pytest.raises(ValueError, match="3 labels but logits has 2 rows"):
        nn.sparse_categorical_crossentropy(np.array([0, 1, 1]), np.zeros((2, 2)), from_logits=True)
    with pytest.raises(ValueError, match="NaN"):
        nn.mean_squared_error(np.ones(2), np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="empty"):
        nn.cost(np.array([]))
