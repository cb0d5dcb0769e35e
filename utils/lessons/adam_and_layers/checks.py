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
hidden tests live only in the source notebook.
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
    "no bias correction": (
        "you used m and v without the bias correction. Both start at 0, so early on they are "
        "far too small (after step 1, m is only (1 - β1)·g = 0.1·g); divide by (1 - β1**t) and "
        "(1 - β2**t) to get m_hat and v_hat, and step with those."
    ),
    "m not corrected": (
        "you corrected v but not m: use m_hat = m / (1 - beta1**t) in the step (without it the "
        "first steps are about 10 times too small)."
    ),
    "v not corrected": (
        "you corrected m but not v: use v_hat = v / (1 - beta2**t) under the square root "
        "(without it the first steps are about 30 times too large)."
    ),
    "eps inside the sqrt": (
        "you put eps inside the square root, sqrt(v_hat + eps). This exercise uses the textbook "
        "form sqrt(v_hat) + eps: add eps after taking the root."
    ),
    "keras form": (
        "you added eps to sqrt(v) with the bias corrections folded into the learning rate: that "
        "is Keras's form of Adam, a valid variant, but this exercise asks for the textbook form "
        "m_hat / (sqrt(v_hat) + eps) (see the docstring). The two differ only by where eps goes; "
        "section 4 of the notebook shows it."
    ),
    "t + 1": (
        "your bias correction uses t + 1: t is already this step's number (1 for the first "
        "step), so use beta1**t and beta2**t as given."
    ),
    "t - 1": (
        "your bias correction uses t - 1: t is already this step's number (1 for the first "
        "step), so use beta1**t and beta2**t as given."
    ),
    "wrong sign": "θ moved uphill: subtract the step (θ - α·m_hat / ...), do not add it.",
    "gradient instead of m_hat": (
        "you stepped with the raw gradient g instead of the moving average m_hat: Adam's "
        "numerator is m_hat = m / (1 - beta1**t)."
    ),
    "no learning rate": "the step is missing the learning rate: multiply it by lr.",
}


def _call_adam_step(adam_step, theta, grad, m, v, t, **hyper):
    """Call the student's function on copies; return (theta, m, v) as float arrays."""
    args = (theta.copy(), grad.copy(), m.copy(), v.copy(), t)
    try:
        result = call(lambda: adam_step(*args, **hyper), what="adam_step")
    except ExerciseError as err:
        if "ZeroDivisionError" in str(err):
            raise ExerciseError(
                f"adam_step divided by zero at t = {t}: the bias correction 1 - beta1**t is 0 "
                "only when the exponent is 0. t counts steps from 1 (the first step has t = 1); "
                "did you use t - 1, or start counting at 0?"
            ) from None
        raise
    check(
        isinstance(result, (tuple, list)) and len(result) == 3,
        f"adam_step should return the tuple (theta, m, v); got {type(result).__name__}"
        + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "")
        + ".",
    )
    return tuple(
        as_result_array(r, f"adam_step's {name}", theta.shape)
        for r, name in zip(result, ("theta", "m", "v"))
    )


_same = functools.partial(matches, rtol=1e-7, atol=1e-12)
"""Equal up to round-off (and finite)."""


def _check_one_step(adam_step, theta, grad, m, v, t, hyper):
    """Compare one call of the student's ``adam_step`` with the textbook step."""
    lr, beta1, beta2, eps = (hyper.get(k, DEFAULTS[k]) for k in ("lr", "beta1", "beta2", "eps"))
    got_theta, got_m, got_v = _call_adam_step(adam_step, theta, grad, m, v, t, **hyper)
    where = f"at step t = {t}" + ("".join(f", {k}={val}" for k, val in hyper.items()))
    if not (
        np.all(np.isfinite(got_theta)) and np.all(np.isfinite(got_m)) and np.all(np.isfinite(got_v))
    ):
        hint = (
            " The first step has t = 1; if you used t - 1 (or counted from 0), the bias "
            "correction 1 - beta1**0 = 0 divides by zero."
            if t == 1
            else " Did you divide by zero somewhere?"
        )
        raise ExerciseError(f"adam_step returned nan or inf {where}.{hint}")

    m1, v1 = _moments(grad, m, v, beta1, beta2)
    if not _same(got_m, m1):
        if _same(got_m, m1 / (1 - beta1**t)):
            raise ExerciseError(
                f"m {where}: you returned the bias-corrected m_hat. Return the raw "
                "moving average m; m_hat is only used inside the step (and "
                "recomputed from m next time)."
            )
        if _same(got_m, (1 - beta1) * m + beta1 * grad):
            raise ExerciseError(
                f"m {where}: β1 and 1 - β1 are swapped. The old average keeps "
                "weight beta1: m = beta1 * m + (1 - beta1) * grad."
            )
        check_close(
            got_m,
            m1,
            f"m {where}",
            rtol=1e-7,
            atol=1e-12,
            hint="m is the moving average of the gradients: m = beta1 * m + (1 - beta1) * grad.",
        )
    if not _same(got_v, v1):
        if _same(got_v, beta2 * v + (1 - beta2) * m1**2):
            raise ExerciseError(
                f"v {where}: you averaged the square of m. v is the moving "
                "average of the squared gradient: v = beta2 * v + (1 - beta2) * "
                "grad**2."
            )
        if _same(got_v, beta2 * v + (1 - beta2) * grad):
            raise ExerciseError(
                f"v {where}: square the gradient: v = beta2 * v + (1 - beta2) * grad**2."
            )
        if _same(got_v, v1 / (1 - beta2**t)):
            raise ExerciseError(
                f"v {where}: you returned the bias-corrected v_hat. Return the raw "
                "moving average v."
            )
        if _same(got_v, (1 - beta2) * v + beta2 * grad**2):
            raise ExerciseError(
                f"v {where}: β2 and 1 - β2 are swapped: v = beta2 * v + (1 - beta2) * grad**2."
            )
        check_close(
            got_v,
            v1,
            f"v {where}",
            rtol=1e-7,
            atol=1e-12,
            hint="v = beta2 * v + (1 - beta2) * grad**2.",
        )

    # Compare the steps taken (not theta itself, which would hide a small error in the step).
    right, wrong = _theta_candidates(theta, grad, m, v, t, lr, beta1, beta2, eps)
    got_step = got_theta - theta
    if _same(got_step, right - theta, rtol=1e-6, atol=1e-15):
        return right, m1, v1
    for name, candidate in wrong.items():
        if _same(got_step, candidate - theta, rtol=1e-6, atol=1e-15):
            raise ExerciseError(f"θ {where}: {THETA_MISTAKES[name]}")
    if np.all(got_step == 0):
        raise ExerciseError(f"θ {where} did not change: return the updated theta.")
    check_close(
        got_step,
        right - theta,
        f"the step θ_new - θ {where}",
        rtol=1e-6,
        atol=1e-15,
        hint="θ ← θ - lr · m_hat / (sqrt(v_hat) + eps).",
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
    passed("adam_step matches the textbook Adam step by step, with its bias correction.")


# ----------------------------------------------------------------------------------------
# Conv1D: output length and parameter count
# ----------------------------------------------------------------------------------------


def _as_count(result, what):
    if isinstance(result, bool) or not isinstance(result, numbers.Real):
        raise ExerciseError(f"{what} should return a whole number; got {type(result).__name__}.")
    if result != int(result):
        raise ExerciseError(
            f"{what} returned {result}, a fraction. A window either fits "
            "inside the signal or not: round down, e.g. with // (floor "
            "division)."
        )
    return int(result)


def check_conv1d_output_length(conv1d_output_length) -> None:
    """Check ``conv1d_output_length(n, kernel_size, stride)`` (padding 'valid', as Keras)."""
    cases = [(100, 20, 10), (9, 5, 2), (100, 20, 30), (100, 20, 1), (100, 7, 3), (10, 10, 3)]
    for n, k, s in cases:
        what = f"conv1d_output_length({n}, {k}, {s})"
        got = call(conv1d_output_length, n, k, s, what=what)
        if isinstance(got, numbers.Real) and not isinstance(got, bool) and got != int(got):
            if np.isclose(got, (n - k) / s + 1):
                raise ExerciseError(
                    f"{what} returned {got:.4g}, a fraction: the number of "
                    "windows is a whole number. Round down, e.g. with // "
                    "(a last, partial window does not count)."
                )
        got = _as_count(got, what)
        want = layer_sizes.conv1d_output_length(n, k, s)
        if got == want:
            continue
        if got == want - 1 and got == (n - k) // s:
            msg = (
                "one window short. The first window starts at sample 0 and is not counted by "
                "(n - kernel_size) // stride, which counts the moves after it: add 1."
            )
        elif got == -(-(n - k) // s) + 1:
            msg = (
                "you rounded up: a last window that would stick out past the end of the "
                "signal does not exist (Keras's default padding='valid'). Round down."
            )
        elif got == n - k + 1:
            msg = (
                "you ignored the stride: the window moves `stride` samples at a time, so "
                "only every stride-th start counts."
            )
        elif got in (n // s, -(-n // s)):
            msg = (
                "you divided the whole signal length by the stride, but a window must fit "
                "inside the signal: the last window starts at n - kernel_size at most."
            )
        elif got == n // k:
            msg = (
                "you counted windows that do not overlap, one every kernel_size samples; "
                "the window moves by `stride`, not by its own length."
            )
        else:
            msg = "count the window starts 0, stride, 2·stride, ... that leave room for the window."
        raise ExerciseError(f"{what} should be {want}, got {got}: {msg}")
    passed("conv1d_output_length counts the windows the way Keras's Conv1D does.")


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
            msg = (
                "you gave every window position its own weights. In a Conv1D layer all "
                "positions share one filter (the same detector slides along the signal), "
                "so neither the signal's length nor the stride changes the count."
            )
        elif got == k * c * f:
            msg = "you forgot the biases: each filter also has one bias."
        elif got == k * c * f + 1:
            msg = "each filter has its own bias: that is `filters` biases, not one."
        elif got == (k + 1) * f:
            msg = (
                "a filter covers every input channel: it has kernel_size × in_channels "
                "weights, plus one bias."
            )
        elif got in ((n * c + 1) * f, (n * c + 1) * f * length):
            msg = (
                "that is what a dense layer would need (every unit sees all n samples); a "
                "Conv1D filter sees only kernel_size samples at a time."
            )
        else:
            msg = (
                "count one filter's weights (one per sample of the window and per input "
                "channel) and its bias, then multiply by the number of filters."
            )
        raise ExerciseError(f"{what} should be {want}, got {got}: {msg}")
    passed("conv1d_param_count agrees with Keras: the window positions share their weights.")


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
        print("adam_step is not written yet: complete it above, then run this cell again.")
        return None
    except Exception as err:  # noqa: BLE001 - report any crash of student code clearly
        print(f"adam_step raised {type(err).__name__}: {err}. Run its check above first.")
        return None
    mine = np.array(mine)
    if mine.shape != keras_path.shape:
        print(
            f"adam_step's results have shape {mine.shape}, Keras's {keras_path.shape}: "
            "run its check above first."
        )
        return None
    diff = float(np.max(np.abs(mine - keras_path)))
    moved = float(np.max(np.abs(keras_path[-1] - theta0)))
    label = f"ε = {eps:g} for Keras, ε/√(1−β2^t) for yours" if keras_eps else f"ε = {eps:g} in both"
    print(
        f"{label}: max |θ_yours − θ_Keras| over {len(mine)} steps = {diff:.1e} "
        f"(θ moved up to {moved:.1e})"
    )
    return diff
