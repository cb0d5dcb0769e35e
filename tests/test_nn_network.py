"""The numpy dense network against Keras: same weights -> same outputs and same gradients."""

import numpy as np
import pytest

from utils import nn


def keras_copy(keras, net):
    """A Keras Sequential model with the numpy network's layers and weights."""
    layers = [keras.Input(shape=(net.sizes[0],), dtype=net.theta.dtype.name)]
    for units, act in zip(net.sizes[1:], net.activations):
        kwargs = {"negative_slope": 0.2} if act == "leaky_relu" else {}
        activation = keras.layers.LeakyReLU(**kwargs) if act == "leaky_relu" else act
        if act == "leaky_relu":
            layers += [keras.layers.Dense(units, dtype=net.theta.dtype.name), activation]
        else:
            layers.append(
                keras.layers.Dense(units, activation=activation, dtype=net.theta.dtype.name)
            )
    model = keras.Sequential(layers)
    model.set_weights(net.get_weights())
    return model


def test_digits_network_has_the_lecture_shapes():
    net = nn.digits_network(seed=0)
    assert [W.shape for W in net.W] == [(400, 25), (25, 15), (15, 10)]
    assert [b.shape for b in net.b] == [(25,), (15,), (10,)]
    assert net.n_params == 10_025 + 390 + 160 == 10_575
    assert "10,575 parameters" in repr(net)


def test_parameter_count_matches_keras(keras):
    net = nn.digits_network(seed=0)
    assert keras_copy(keras, net).count_params() == net.n_params


def test_weights_are_views_into_one_vector():
    net = nn.DenseNetwork([3, 2, 1], ["relu", "linear"], seed=0)
    net.theta[:] = np.arange(net.n_params)
    assert net.W[0][0, 0] == 0 and net.b[0][0] == 6 and net.W[1][0, 0] == 8 and net.b[1][0] == 10


def test_initialisation_is_glorot_uniform_and_seeded():
    a, b = nn.digits_network(seed=3), nn.digits_network(seed=3)
    np.testing.assert_array_equal(a.theta, b.theta)
    limit = np.sqrt(6 / (400 + 25))
    assert np.abs(a.W[0]).max() <= limit and np.abs(a.W[0]).max() > 0.95 * limit
    assert not np.any(a.b[0])


@pytest.mark.parametrize(
    "activations",
    [["relu", "relu", "linear"], ["sigmoid", "tanh", "linear"], ["leaky_relu", "swish", "sigmoid"]],
)
def test_forward_matches_keras(keras, rng, activations):
    net = nn.DenseNetwork([400, 25, 15, 10], activations, seed=1)
    X = rng.uniform(0, 1, size=(64, 400)).astype(np.float32)
    want = keras_copy(keras, net)(X).numpy()
    np.testing.assert_allclose(net.forward(X), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "loss,activations,n_out",
    [
        ("sparse_categorical_crossentropy", ["relu", "relu", "linear"], 10),
        ("binary_crossentropy", ["sigmoid", "tanh", "linear"], 1),
        ("mean_squared_error", ["tanh", "relu", "linear"], 1),
    ],
)
def test_backprop_matches_gradient_tape(keras, tf, rng, loss, activations, n_out):
    net = nn.DenseNetwork([20, 8, 6, n_out], activations, seed=2, dtype=np.float64)
    X = rng.normal(size=(32, 20))
    y = (
        rng.integers(0, n_out, size=32)
        if n_out > 1
        else rng.integers(0, 2, size=(32, 1)).astype(float)
    )
    model = keras_copy(keras, net)
    keras_loss = {
        "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy(
            from_logits=True, dtype="float64"
        ),
        "binary_crossentropy": keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64"),
        "mean_squared_error": keras.losses.MeanSquaredError(dtype="float64"),
    }[loss]
    with tf.GradientTape() as tape:
        J = keras_loss(y, model(X))
    want = [g.numpy() for g in tape.gradient(J, model.trainable_variables)]
    loss_fn, grad_fn = nn.LOSSES[loss]
    out = net.forward(X)
    assert loss_fn(y, out).mean() == pytest.approx(float(J), rel=1e-10)
    net.backward(grad_fn(y, out))
    got = [g for pair in zip(net.dW, net.db) for g in pair]
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-9, atol=1e-12)


def test_backprop_matches_centred_finite_differences(rng):
    net = nn.DenseNetwork([5, 4, 3], ["tanh", "linear"], seed=4, dtype=np.float64)
    X, y = rng.normal(size=(7, 5)), rng.integers(0, 3, size=7)

    def J():
        return nn.sparse_categorical_crossentropy(y, net.forward(X), from_logits=True).mean()

    net.backward(nn.sparse_categorical_crossentropy_grad(y, net.forward(X)))
    analytic, numeric, eps = net.grad.copy(), np.zeros(net.n_params), 1e-6
    for k in range(net.n_params):
        keep = net.theta[k]
        net.theta[k] = keep + eps
        up = J()
        net.theta[k] = keep - eps
        numeric[k] = (up - J()) / (2 * eps)
        net.theta[k] = keep
    rel = np.abs(analytic - numeric) / np.maximum(1e-12, np.abs(analytic) + np.abs(numeric))
    assert rel.max() < 1e-7


def test_bad_inputs_are_named(rng):
    net = nn.digits_network()
    with pytest.raises(ValueError, match="400 features per row, got shape"):
        net.forward(np.zeros((3, 401)))
    with pytest.raises(ValueError, match="2-D"):
        net.forward(np.zeros(400))
    with pytest.raises(ValueError, match="NaN"):
        net.forward(np.full((1, 400), np.nan))
    with pytest.raises(RuntimeError, match="call forward"):
        nn.digits_network().backward(np.zeros((1, 10)))
    net.forward(np.zeros((2, 400)))
    with pytest.raises(ValueError, match=r"output's shape \(2, 10\)"):
        net.backward(np.zeros((2, 9)))
    with pytest.raises(ValueError, match="one activation per layer"):
        nn.DenseNetwork([3, 2, 1], ["relu"])
    with pytest.raises(ValueError, match=r"weights\[0\] must have shape \(400, 25\)"):
        net.set_weights([np.zeros((25, 400))] + net.get_weights()[1:])
