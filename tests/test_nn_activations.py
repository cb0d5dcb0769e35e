"""Activations and softmax against TensorFlow: values and gradients, ordinary and extreme inputs."""

import numpy as np
import pytest

from utils import nn

ORDINARY = np.linspace(-6, 6, 49)
EXTREME = np.array([-1e4, -500.0, -88.0, -30.0, -1e-8, 0.0, 1e-8, 30.0, 88.0, 500.0, 1e4])


def tf_activation(tf, name):
    return {
        "linear": lambda z: z,
        "sigmoid": tf.math.sigmoid,
        "relu": tf.nn.relu,
        "tanh": tf.math.tanh,
        "leaky_relu": lambda z: tf.nn.leaky_relu(z, alpha=0.2),
        "swish": tf.nn.silu,
    }[name]


def tf_value_and_grad(tf, fn, z):
    z = tf.Variable(z)
    with tf.GradientTape() as tape:
        out = fn(z)
    return out.numpy(), tape.gradient(out, z).numpy()


@pytest.mark.parametrize("name", sorted(nn.ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("inputs", [ORDINARY, EXTREME], ids=["ordinary", "extreme"])
def test_activation_and_derivative_match_tensorflow(tf, name, dtype, inputs):
    z = inputs.astype(dtype)
    g, g_prime = nn.get_activation(name)
    want, want_grad = tf_value_and_grad(tf, tf_activation(tf, name), z)
    got, got_grad = g(z), g_prime(z)
    assert got.dtype == dtype and got_grad.dtype == dtype
    assert np.all(np.isfinite(got)) and np.all(np.isfinite(got_grad))
    tol = dict(rtol=2e-6, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)
    if name == "leaky_relu" and dtype == np.float64:
        tol = dict(rtol=1e-7, atol=0)  # TF keeps alpha as a float32 attribute: 0.2 -> 0.200000003
    np.testing.assert_allclose(got, want, **tol)
    np.testing.assert_allclose(got_grad, want_grad, **tol)


def test_activations_keep_shape_for_batches(rng):
    z = rng.normal(size=(4, 3, 5))
    for g, g_prime in nn.ACTIVATIONS.values():
        assert g(z).shape == z.shape and g_prime(z).shape == z.shape


def test_sigmoid_is_exactly_symmetric_and_saturates():
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    s = nn.sigmoid(z)
    np.testing.assert_array_equal(s + s[::-1], np.ones(5))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5


def test_sigmoid_gradient_vanishes_in_flat_regions():
    # The slow learning of sigmoid hidden units: at |z| = 10 the slope is ~4.5e-5.
    assert nn.sigmoid_derivative(0.0) == 0.25
    assert nn.sigmoid_derivative(10.0) < 5e-5
    assert nn.relu_derivative(10.0) == 1.0


@pytest.mark.parametrize("shape,axis", [((4,), -1), ((5, 4), -1), ((5, 4), 0), ((2, 3, 4), 1)])
@pytest.mark.parametrize("scale", [1.0, 1e4], ids=["ordinary", "huge"])
def test_softmax_matches_tensorflow(tf, rng, shape, axis, scale):
    z = (rng.normal(size=shape) * scale).astype(np.float32)
    got = nn.softmax(z, axis=axis)
    want = tf.nn.softmax(z, axis=axis).numpy()
    assert got.dtype == np.float32 and np.all(np.isfinite(got))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got.sum(axis=axis), 1.0, rtol=1e-6)


def test_softmax_known_values_and_shift_invariance():
    a = nn.softmax(np.array([1.0, 2.0, 3.0, 4.0]))
    np.testing.assert_allclose(a, [0.0320586, 0.08714432, 0.23688282, 0.64391426], rtol=1e-6)
    np.testing.assert_allclose(nn.softmax(np.array([1.0, 2, 3, 4]) + 1000), a, rtol=1e-12)


def test_softmax_jacobian_matches_gradient_tape(tf, rng):
    z = rng.normal(size=5)
    zt = tf.Variable(z)
    with tf.GradientTape() as tape:
        a = tf.nn.softmax(zt)
    np.testing.assert_allclose(nn.softmax_jacobian(z), tape.jacobian(a, zt).numpy(), atol=1e-12)


def test_log_softmax_matches_tensorflow_for_huge_logits(tf):
    z = np.array([[1e4, 0.0, -1e4], [3.0, 2.0, 1.0]], dtype=np.float32)
    np.testing.assert_allclose(nn.log_softmax(z), tf.nn.log_softmax(z).numpy(), rtol=1e-6)
    # the unchecked kernel (the trainer's sparse cross-entropy uses it) is the same computation,
    # along either axis
    np.testing.assert_array_equal(nn.log_softmax.kernel(z, axis=1), nn.log_softmax(z))
    np.testing.assert_allclose(
        nn.log_softmax(z, axis=0), tf.nn.log_softmax(z, axis=0).numpy(), rtol=1e-6
    )


def test_log_softmax_rejects_scalars_and_bad_axes_like_softmax():
    with pytest.raises(ValueError, match="at least one axis"):
        nn.log_softmax(3.0)
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        nn.log_softmax(np.ones((2, 2)), axis=2)


@pytest.mark.parametrize("fn", [nn.sigmoid, nn.relu, nn.softmax, nn.tanh])
def test_bad_inputs_get_clear_errors(fn):
    with pytest.raises(ValueError, match="NaN or infinite"):
        fn(np.array([1.0, np.nan]))
    with pytest.raises(TypeError, match="must hold numbers"):
        fn(np.array(["a", "b"]))
    with pytest.raises(TypeError, match="must be a number or an array"):
        fn("1.0")


def test_softmax_rejects_scalars_and_bad_axes():
    with pytest.raises(ValueError, match="at least one axis"):
        nn.softmax(3.0)
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        nn.softmax(np.ones((2, 2)), axis=2)


def test_unknown_activation_lists_the_valid_names():
    with pytest.raises(ValueError, match="'relu'"):
        nn.get_activation("rleu")


def test_integer_input_is_promoted_to_float64():
    assert nn.relu(np.array([-1, 2])).dtype == np.float64
