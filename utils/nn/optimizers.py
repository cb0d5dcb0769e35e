r"""Optimizers that update a flat parameter vector in place: gradient descent and Adam."""

from __future__ import annotations

import numpy as np

from utils.validation import as_float_array, check_positive


def _check_step(theta, grad):
    if not isinstance(theta, np.ndarray) or not np.issubdtype(theta.dtype, np.floating):
        raise TypeError("theta must be a floating-point numpy array (it is updated in place)")
    grad = as_float_array(grad, "grad")
    if grad.shape != theta.shape:
        raise ValueError(f"grad must have theta's shape {theta.shape}, got {grad.shape}")
    return grad.astype(theta.dtype, copy=False)


class GradientDescent:
    r"""Plain gradient descent: $\theta \leftarrow \theta - \alpha\,\nabla J$."""

    def __init__(self, learning_rate=0.01):
        self.learning_rate = check_positive(learning_rate, "learning_rate")

    def step(self, theta, grad):
        """Update ``theta`` in place and return it."""
        return self._update(theta, _check_step(theta, grad))

    def _update(self, theta, grad):
        theta -= theta.dtype.type(self.learning_rate) * grad
        return theta


class Adam:
    r"""Adam (adaptive moment estimation), step for step as ``keras.optimizers.Adam``.

    With gradient $g$ at step $t = 1, 2, \dots$:

    $$m \leftarrow m + (1-\beta_1)(g - m),\qquad v \leftarrow v + (1-\beta_2)(g^2 - v),$$
    $$\alpha_t = \alpha\,\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t},\qquad
      \theta \leftarrow \theta - \alpha_t\,\frac{m}{\sqrt{v} + \epsilon}.$$

    This is the paper's update with the bias corrections $\hat m = m/(1-\beta_1^t)$,
    $\hat v = v/(1-\beta_2^t)$ folded into $\alpha_t$, and with $\epsilon$ added to
    $\sqrt{v}$ rather than to $\sqrt{\hat v}$ — where Keras puts it.  Each
    parameter effectively gets its own step size: large while its gradient keeps
    the same sign, small while it oscillates.
    """

    def __init__(self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        for name, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
            check_positive(beta, name, allow_zero=True)
            if beta >= 1:
                raise ValueError(f"{name} must be in [0, 1), got {beta}")
        self.beta_1, self.beta_2 = beta_1, beta_2
        self.epsilon = check_positive(epsilon, "epsilon", allow_zero=True)
        self.t, self.m, self.v = 0, None, None

    def step(self, theta, grad):
        """One Adam update of ``theta`` in place; returns it."""
        grad = _check_step(theta, grad)
        if self.m is not None and self.m.shape != theta.shape:
            raise ValueError(
                f"this Adam was used with shape {self.m.shape}; got {theta.shape}. "
                "Use one Adam object per set of parameters"
            )
        return self._update(theta, grad)

    def _update(self, theta, grad):
        if self.m is None:
            self.m, self.v = np.zeros_like(theta), np.zeros_like(theta)
        f = theta.dtype.type
        self.t += 1
        self.m += (grad - self.m) * f(1 - self.beta_1)
        self.v += (grad * grad - self.v) * f(1 - self.beta_2)
        t = f(self.t)
        alpha = f(self.learning_rate) * np.sqrt(1 - f(self.beta_2) ** t) / (1 - f(self.beta_1) ** t)
        theta -= alpha * self.m / (np.sqrt(self.v) + f(self.epsilon))
        return theta
