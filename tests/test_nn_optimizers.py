"""Adam and gradient descent, step by step against Keras's optimizers."""

import numpy as np
import pytest

from utils import nn


def run_keras(keras, tf, optimizer, theta0, grads):
    var = tf.Variable(theta0)
    thetas, moments = [], []
    for g in grads:
        optimizer.apply_gradients([(tf.constant(g), var)])
        thetas.append(var.numpy().copy())
        if hasattr(optimizer, "_momentums"):
            moments.append(
                (optimizer._momentums[0].numpy().copy(), optimizer._velocities[0].numpy().copy())
            )
    return thetas, moments


# In float64 Keras still rounds the learning rate (a float32 variable) and the betas in
# beta**t (cast through float32) to float32.  These settings are exact in float32, so
# float64 can be compared to 1e-10; float32 is also checked with Keras's defaults.
EXACT_SETTINGS = [
    dict(learning_rate=2**-10, beta_1=0.875, beta_2=1 - 2**-10),  # ~ the defaults
    dict(learning_rate=2**-3, beta_1=0.5, beta_2=0.875, epsilon=1e-7),
    dict(learning_rate=2**-7, beta_1=0.875, beta_2=1 - 2**-10, epsilon=0.5),  # where epsilon goes
]
CASES = [(s, d) for s in EXACT_SETTINGS for d in (np.float32, np.float64)] + [({}, np.float32)]


@pytest.mark.parametrize("settings,dtype", CASES, ids=lambda v: getattr(v, "__name__", None))
def test_adam_matches_keras_step_by_step(keras, tf, rng, dtype, settings):
    theta0 = rng.normal(size=12).astype(dtype)
    grads = [(rng.normal(size=12) * 10.0 ** rng.integers(-3, 3)).astype(dtype) for _ in range(25)]
    want_theta, want_moments = run_keras(
        keras, tf, keras.optimizers.Adam(**settings), theta0, grads
    )
    adam, theta = nn.Adam(**settings), theta0.copy()
    tol = dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-10, atol=1e-12)
    for t, g in enumerate(grads):
        adam.step(theta, g)
        assert adam.t == t + 1
        np.testing.assert_allclose(adam.m, want_moments[t][0], **tol)  # first moment
        np.testing.assert_allclose(adam.v, want_moments[t][1], **tol)  # second moment
        np.testing.assert_allclose(theta, want_theta[t], **tol)  # after bias correction


def test_epsilon_placement_differs_from_the_papers_form(rng):
    """Keras adds epsilon to sqrt(v), the paper to sqrt(v_hat): with a big epsilon they differ."""
    theta, g = np.zeros(3), np.array([1e-3, -2e-3, 5e-4])
    nn.Adam(learning_rate=0.1, epsilon=1e-2).step(theta, g)
    m_hat, v_hat = g, g * g  # bias-corrected moments after one step
    paper = -0.1 * m_hat / (np.sqrt(v_hat) + 1e-2)
    assert not np.allclose(theta, paper, rtol=1e-3)
    keras_form = -0.1 * np.sqrt(1 - 0.999) / (1 - 0.9) * (0.1 * g) / (np.sqrt(0.001 * g * g) + 1e-2)
    np.testing.assert_allclose(theta, keras_form, rtol=1e-12)


def test_gradient_descent_matches_keras_sgd(keras, tf, rng):
    theta0 = rng.normal(size=5)
    grads = [rng.normal(size=5) for _ in range(10)]
    want, _ = run_keras(keras, tf, keras.optimizers.SGD(learning_rate=2**-4), theta0, grads)
    gd, theta = nn.GradientDescent(2**-4), theta0.copy()
    for t, g in enumerate(grads):
        gd.step(theta, g)
        np.testing.assert_allclose(theta, want[t], rtol=1e-12)


def test_adam_beats_gradient_descent_on_an_elongated_bowl():
    def grad(p):  # J = x^2 + 100 y^2: one steep, one shallow direction
        return np.array([2 * p[0], 200 * p[1]])

    gd_p, adam_p = np.array([-4.0, 1.0]), np.array([-4.0, 1.0])
    gd, adam = nn.GradientDescent(0.009), nn.Adam(0.1)
    for _ in range(200):
        gd.step(gd_p, grad(gd_p))
        adam.step(adam_p, grad(adam_p))
    J = lambda p: p[0] ** 2 + 100 * p[1] ** 2  # noqa: E731
    assert J(adam_p) < J(gd_p) / 10


def test_optimizer_errors_are_clear():
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        nn.Adam(learning_rate=0)
    with pytest.raises(ValueError, match=r"beta_1 must be in \[0, 1\)"):
        nn.Adam(beta_1=1.0)
    with pytest.raises(TypeError, match="learning_rate must be a number"):
        nn.GradientDescent("fast")
    adam = nn.Adam()
    with pytest.raises(ValueError, match="grad must have theta's shape"):
        adam.step(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="NaN"):
        adam.step(np.zeros(2), np.array([np.nan, 1.0]))
    with pytest.raises(TypeError, match="updated in place"):
        adam.step([0.0, 1.0], np.zeros(2))
    adam.step(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match="one Adam object per set of parameters"):
        adam.step(np.zeros(3), np.ones(3))
