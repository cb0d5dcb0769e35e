r"""Visible checks for lesson 04 (Adam and other layer types), and the Keras comparison.

* :func:`check_adam_step` -- one step of Adam in its textbook form:

  $$m \leftarrow \beta_1 m + (1-\beta_1) g,\quad v \leftarrow \beta_2 v + (1-\beta_2) g^2,\quad
    \hat m = \frac{m}{1-\beta_1^t},\quad \hat v = \frac{v}{1-\beta_2^t},\quad
    \theta \leftarrow \theta - \alpha\,\frac{\hat m}{\sqrt{\hat v} + \epsilon}.$$

* :func:`check_conv1d_output_length` -- how many windows of a ``Conv1D`` fit.
* :func:`check_conv1d_param_count` -- how many parameters a ``Conv1D`` layer has.
* :func:`compare_with_keras` -- run the student's ``adam_step`` on given gradients
  and print how far it ends up from Keras's Adam.

Each ``check_*`` raises :class:`utils.feedback.ExerciseError` with a message that names
the mistake, and prints a green tick when everything passes.  The instructor's
hidden tests live only in the source notebook.  Every word they show comes from the message
catalogue (:mod:`utils.i18n`, keys ``adam_and_layers.check.*`` and ``adam_and_layers.compare.*``).
"""

from __future__ import annotations

import functools
import numbers

import numpy as np

from utils.feedback import (
    ExerciseError,
    as_result_array,
    call,
    check,
    check_close,
    layer_sizes,
    matches,
    passed,
    quietly,
)
from utils.i18n import msg

DEFAULTS = dict(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7)
"""``adam_step``'s default hyper-parameters (Keras's defaults)."""

# ----------------------------------------------------------------------------------------
# adam_step
# ----------------------------------------------------------------------------------------


def _moments(grad, m, v, beta1, beta2):
    return beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad**2


def _theta_candidates(theta, grad, m, v, t, lr, beta1, beta2, eps):
    """The right new theta, and what common mistakes would give instead (name -> theta)."""
    m1, v1 = _moments(grad, m, v, beta1, beta2)
    c1, c2 = 1 - beta1**t, 1 - beta2**t
    m_hat, v_hat = m1 / c1, v1 / c2
    with quietly():
        right = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        wrong = {
            "no bias correction": theta - lr * m1 / (np.sqrt(v1) + eps),
            "m not corrected": theta - lr * m1 / (np.sqrt(v_hat) + eps),
            "v not corrected": theta - lr * m_hat / (np.sqrt(v1) + eps),
            "eps inside the sqrt": theta - lr * m_hat / np.sqrt(v_hat + eps),
            "keras form": theta - lr * np.sqrt(c2) / c1 * m1 / (np.sqrt(v1) + eps),
            "t + 1": theta
            - lr * (m1 / (1 - beta1 ** (t + 1))) / (np.sqrt(v1 / (1 - beta2 ** (t + 1))) + eps),
            "t - 1": theta
            - lr * (m1 / (1 - beta1 ** (t - 1))) / (np.sqrt(v1 / (1 - beta2 ** (t - 1))) + eps),
            "wrong sign": theta + lr * m_hat / (np.sqrt(v_hat) + eps),
            "gradient instead of m_hat": theta - lr * grad / (np.sqrt(v_hat) + eps),
            "no learning rate": theta - m_hat / (np.sqrt(v_hat) + eps),
        }
    return right, wrong


THETA_MISTAKES = {
    "no bias correction": "no_bias_correction",
    "m not corrected": "m_not_corrected",
    "v not corrected": "v_not_corrected",
    "eps inside the sqrt": "eps_inside_sqrt",
    "keras form": "keras_form",
    "t + 1": "t_plus_1",
    "t - 1": "t_minus_1",
    "wrong sign": "wrong_sign",
    "gradient instead of m_hat": "gradient_not_m_hat",
    "no learning rate": "no_learning_rate",
}
"""Each mistake of :func:`_theta_candidates` -> its hint, ``adam_and_layers.check.theta.<key>``."""


def _c(key, **params):
    """A check message in the language in use."""
    return msg(f"adam_and_layers.check.{key}", **params)


def _call_adam_step(adam_step, theta, grad, m, v, t, **hyper):
    """Call the student's function on copies; return (theta, m, v) as float arrays."""
    args = (theta.copy(), grad.copy(), m.copy(), v.copy(), t)
    try:
        result = call(lambda: adam_step(*args, **hyper), what="adam_step")
    except ExerciseError as err:
        if "ZeroDivisionError" in str(err):
            raise ExerciseError(_c("divided_by_zero", t=t)) from None
        raise
    check(
        isinstance(result, (tuple, list)) and len(result) == 3,
        _c(
            "not_a_triple",
            kind=type(result).__name__,
            length=_c("of_length", n=len(result)) if isinstance(result, (tuple, list)) else "",
        ),
    )
    return tuple(
        as_result_array(r, _c("result_of", name=name), theta.shape)
        for r, name in zip(result, ("theta", "m", "v"))
    )


_same = functools.partial(matches, rtol=1e-7, atol=1e-12)
"""Equal up to round-off (and finite)."""


def _check_one_step(adam_step, theta, grad, m, v, t, hyper):
    """Compare one call of the student's ``adam_step`` with the textbook step."""
    lr, beta1, beta2, eps = (hyper.get(k, DEFAULTS[k]) for k in ("lr", "beta1", "beta2", "eps"))
    got_theta, got_m, got_v = _call_adam_step(adam_step, theta, grad, m, v, t, **hyper)
    hyper_text = "".join(_c("hyper_item", name=k, value=val) for k, val in hyper.items())
    where = _c("at_step", t=t, hyper=hyper_text)
    if not (
        np.all(np.isfinite(got_theta)) and np.all(np.isfinite(got_m)) and np.all(np.isfinite(got_v))
    ):
        hint = _c("nan_first_step" if t == 1 else "nan_later")
        raise ExerciseError(_c("nan_or_inf", where=where, hint=hint))

    m1, v1 = _moments(grad, m, v, beta1, beta2)
    if not _same(got_m, m1):
        if _same(got_m, m1 / (1 - beta1**t)):
            raise ExerciseError(_c("m_hat_returned", where=where))
        if _same(got_m, (1 - beta1) * m + beta1 * grad):
            raise ExerciseError(_c("m_swapped", where=where))
        check_close(
            got_m,
            m1,
            _c("named", name="m", where=where),
            rtol=1e-7,
            atol=1e-12,
            hint=_c("m_hint"),
        )
    if not _same(got_v, v1):
        if _same(got_v, beta2 * v + (1 - beta2) * m1**2):
            raise ExerciseError(_c("v_from_m", where=where))
        if _same(got_v, beta2 * v + (1 - beta2) * grad):
            raise ExerciseError(_c("v_not_squared", where=where))
        if _same(got_v, v1 / (1 - beta2**t)):
            raise ExerciseError(_c("v_hat_returned", where=where))
        if _same(got_v, (1 - beta2) * v + beta2 * grad**2):
            raise ExerciseError(_c("v_swapped", where=where))
        check_close(
            got_v,
            v1,
            _c("named", name="v", where=where),
            rtol=1e-7,
            atol=1e-12,
            hint=_c("v_hint"),
        )

    # Compare the steps taken (not theta itself, which would hide a small error in the step).
    right, wrong = _theta_candidates(theta, grad, m, v, t, lr, beta1, beta2, eps)
    got_step = got_theta - theta
    if _same(got_step, right - theta, rtol=1e-6, atol=1e-15):
        return right, m1, v1
    for name, candidate in wrong.items():
        if _same(got_step, candidate - theta, rtol=1e-6, atol=1e-15):
            hint = _c(f"theta.{THETA_MISTAKES[name]}")
            raise ExerciseError(_c("theta_mistake", where=where, hint=hint))
    if np.all(got_step == 0):
        raise ExerciseError(_c("theta_unchanged", where=where))
    check_close(
        got_step,
        right - theta,
        _c("step_what", where=where),
        rtol=1e-6,
        atol=1e-15,
        hint=_c("step_hint"),
    )
    return right, m1, v1  # pragma: no cover - check_close raised


def _run_steps(adam_step, theta, grads, hyper=None):
    hyper = hyper or {}
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        theta, m, v = _check_one_step(adam_step, theta, g, m, v, t, hyper)
    return theta


def check_adam_step(adam_step) -> None:
    """Check ``adam_step(theta, grad, m, v, t, lr, beta1, beta2, eps)`` step by step.

    Each call gets the correct state (theta, m, v) of the step before, so a
    mistake is reported at the step where it first shows.
    """
    rng = np.random.default_rng(4)
    theta = np.array([0.5, -1.0, 2.0])
    # 1. the first step with the default hyper-parameters
    _run_steps(adam_step, theta, [np.array([0.2, -3.0, 0.5])])
    # 2. five steps, gradients that change sign now and then
    _run_steps(adam_step, theta, [rng.normal(size=3) for _ in range(5)])
    # 3. an epsilon that matters: small gradients, eps = 0.01
    _run_steps(
        adam_step, theta, [rng.normal(size=3) * 0.01 for _ in range(3)], dict(lr=0.1, eps=0.01)
    )
    # 4. other betas and learning rate, keyword arguments
    _run_steps(
        adam_step,
        theta,
        [rng.normal(size=3) for _ in range(4)],
        dict(lr=0.05, beta1=0.5, beta2=0.8),
    )
    passed(_c("passed_adam"))


# ----------------------------------------------------------------------------------------
# Conv1D: output length and parameter count
# ----------------------------------------------------------------------------------------


def _as_count(result, what):
    if isinstance(result, bool) or not isinstance(result, numbers.Real):
        raise ExerciseError(_c("not_whole", what=what, kind=type(result).__name__))
    if result != int(result):
        raise ExerciseError(_c("fraction", what=what, result=result))
    return int(result)


def check_conv1d_output_length(conv1d_output_length) -> None:
    """Check ``conv1d_output_length(n, kernel_size, stride)`` (padding 'valid', as Keras)."""
    cases = [(100, 20, 10), (9, 5, 2), (100, 20, 30), (100, 20, 1), (100, 7, 3), (10, 10, 3)]
    for n, k, s in cases:
        what = f"conv1d_output_length({n}, {k}, {s})"
        got = call(conv1d_output_length, n, k, s, what=what)
        if isinstance(got, numbers.Real) and not isinstance(got, bool) and got != int(got):
            if np.isclose(got, (n - k) / s + 1):
                raise ExerciseError(_c("length_fraction", what=what, got=got))
        got = _as_count(got, what)
        want = layer_sizes.conv1d_output_length(n, k, s)
        if got == want:
            continue
        if got == want - 1 and got == (n - k) // s:
            hint = "one_short"
        elif got == -(-(n - k) // s) + 1:
            hint = "rounded_up"
        elif got == n - k + 1:
            hint = "ignored_stride"
        elif got in (n // s, -(-n // s)):
            hint = "whole_signal"
        elif got == n // k:
            hint = "not_overlapping"
        else:
            hint = "count_starts"
        raise ExerciseError(_c("should_be", what=what, want=want, got=got, hint=_c(hint)))
    passed(_c("passed_length"))


def check_conv1d_param_count(conv1d_param_count) -> None:
    """Check ``conv1d_param_count(n, kernel_size, stride, in_channels, filters)``."""
    cases = [(100, 20, 10, 1, 8), (9, 5, 2, 8, 4), (50, 3, 1, 4, 2), (200, 20, 10, 1, 8)]
    for n, k, s, c, f in cases:
        what = (
            f"conv1d_param_count(n={n}, kernel_size={k}, stride={s}, in_channels={c}, filters={f})"
        )
        got = _as_count(call(conv1d_param_count, n, k, s, c, f, what=what), what)
        want = layer_sizes.conv1d_parameter_count(k, c, f)
        if got == want:
            continue
        length = layer_sizes.conv1d_output_length(n, k, s)
        if got == want * length:
            hint = "own_weights"
        elif got == k * c * f:
            hint = "forgot_biases"
        elif got == k * c * f + 1:
            hint = "one_bias"
        elif got == (k + 1) * f:
            hint = "every_channel"
        elif got in ((n * c + 1) * f, (n * c + 1) * f * length):
            hint = "dense_layer"
        else:
            hint = "count_filter"
        raise ExerciseError(_c("should_be", what=what, want=want, got=got, hint=_c(hint)))
    passed(_c("passed_params"))


# ----------------------------------------------------------------------------------------
# The student's Adam against Keras's
# ----------------------------------------------------------------------------------------


def compare_with_keras(
    adam_step,
    theta0,
    grads,
    keras_path,
    *,
    lr=1e-3,
    beta1=0.9,
    beta2=0.999,
    eps=1e-7,
    keras_eps=False,
):
    """Run ``adam_step`` from ``theta0`` on ``grads`` (t = 1, 2, ...) and compare with Keras.

    ``keras_path[k]`` is Keras's theta after step k + 1.  With ``keras_eps=True``
    step t uses ``eps / sqrt(1 - beta2**t)``: the textbook step with that epsilon
    is exactly the step Keras takes with ``eps``.  Prints the largest difference
    and returns it, or prints why not and returns None (``adam_step`` not
    written yet, or it crashed): this helper never raises.
    """
    theta0 = np.asarray(theta0, dtype=float)
    keras_path = np.asarray(keras_path, dtype=float)
    theta, m, v = theta0.copy(), np.zeros_like(theta0), np.zeros_like(theta0)
    mine = []
    try:
        for t, g in enumerate(grads, start=1):
            e = eps / np.sqrt(1 - beta2**t) if keras_eps else eps
            with quietly():
                theta, m, v = adam_step(
                    np.array(theta, dtype=float),
                    np.asarray(g, dtype=float),
                    np.array(m, dtype=float),
                    np.array(v, dtype=float),
                    t,
                    lr,
                    beta1,
                    beta2,
                    e,
                )
            mine.append(np.asarray(theta, dtype=float).copy())
    except NotImplementedError:
        print(msg("adam_and_layers.compare.not_written"))
        return None
    except Exception as err:  # noqa: BLE001 - report any crash of student code clearly
        print(msg("adam_and_layers.compare.raised", error=type(err).__name__, detail=err))
        return None
    mine = np.array(mine)
    if mine.shape != keras_path.shape:
        print(msg("adam_and_layers.compare.bad_shape", mine=mine.shape, keras=keras_path.shape))
        return None
    diff = float(np.max(np.abs(mine - keras_path)))
    moved = float(np.max(np.abs(keras_path[-1] - theta0)))
    label = msg(f"adam_and_layers.compare.{'keras_eps' if keras_eps else 'same_eps'}", eps=eps)
    print(
        msg(
            "adam_and_layers.compare.result",
            label=label,
            steps=len(mine),
            diff=diff,
            moved=moved,
        )
    )
    return diff
