"""Visible checks of the backpropagation lesson (``05_backprop``), and its self-check.

Three exercises, each checked behaviourally, with messages that name the mistake:

1. :func:`check_centred_difference`: ``centred_difference(f, w, eps)``; the reference and
   the one-sided mistakes come from :func:`utils.nn.finite_difference`.
2. :func:`check_lecture_backward`: the backward pass of the lecture graph
   J = 1/2 (w x + b - y)^2 by hand; the reference comes from :mod:`utils.autodiff`.
3. :func:`check_two_layer_backward`: ``two_layer_backward(X, y, W1, b1, W2, b2)`` for a
   3-4-1 network (tanh, sigmoid, binary cross-entropy); the reference comes from
   TensorFlow's ``GradientTape`` in float64, compared by :func:`utils.nn.relative_error`.

The lecture notes have no quiz for this section; :func:`self_check` shows two
questions of our own, the same way ``quiz()`` shows a lesson's quiz.
"""

from __future__ import annotations

import numpy as np

from utils.autodiff import Value
from utils.feedback import ExerciseError, as_result_array, call, check, check_close, passed
from utils.nn.gradcheck import finite_difference, relative_error

__all__ = [
    "check_centred_difference",
    "check_lecture_backward",
    "check_two_layer_backward",
    "lecture_gradients",
    "tape_gradients",
    "make_two_layer_problem",
]

SAME = 1e-7
"""Two gradients whose relative error is below this are the same (float64 round-off)."""


def _number(result, what: str) -> float:
    arr = as_result_array(result, what)
    check(arr.size == 1, f"{what} should return one number, got an array of shape {arr.shape}.")
    value = float(arr.reshape(()))
    check(np.isfinite(value), f"{what} returned {value}.")
    return value


# --- Exercise 1: the centred difference --------------------------------------------------------


def check_centred_difference(centred_difference):
    """(f(w + eps) - f(w - eps)) / (2 eps), with the eps it is given."""

    def square(w):
        return w**2

    def cube(w):
        return w**3

    what = "centred_difference(lambda w: w**2, 3.0, 1e-3)"
    got = _number(call(centred_difference, square, 3.0, 1e-3, what=what), what)
    want = finite_difference(square, 3.0, eps=1e-3)  # 6
    forward = finite_difference(square, 3.0, eps=1e-3, kind="forward")  # 6.001
    mistakes = {
        forward: "that is the forward difference (f(w + eps) - f(w)) / eps. The centred "
        "difference nudges both ways: (f(w + eps) - f(w - eps)) / (2 * eps).",
        finite_difference(
            square, 3.0, eps=1e-3, kind="backward"
        ): "that is the backward difference (f(w) - f(w - eps)) / eps. The centred difference "
        "nudges both ways: (f(w + eps) - f(w - eps)) / (2 * eps).",
        2 * want: "twice the slope: the two points w - eps and w + eps are 2 * eps apart, so "
        "divide by 2 * eps, not by eps.",
        forward / 2: "you divided a one-sided difference f(w + eps) - f(w) by 2 * eps: subtract "
        "f(w - eps) instead of f(w).",
        -want: "the sign is reversed: subtract f(w - eps) from f(w + eps), not the other way "
        "round.",
        0.0: "f(w + eps) and f(w - eps) came out equal: did you nudge w the same way twice?",
    }
    for value, hint in mistakes.items():
        if abs(got - value) < 1e-6 and abs(got - want) > 1e-6:
            raise ExerciseError(f"{what} returned {got:.6g}: {hint}")
    check_close(
        got,
        want,
        what,
        rtol=1e-8,
        atol=1e-8,
        hint="For J = w² at w = 3 the centred difference is (9.006001 - 8.994001) / 0.002.",
    )

    what = "centred_difference(lambda w: w**3, 2.0, 0.1)"
    got = _number(call(centred_difference, cube, 2.0, 0.1, what=what), what)
    if abs(got - finite_difference(cube, 2.0, eps=1e-3)) < 1e-5:
        raise ExerciseError(
            f"{what} returned {got:.8g}, the value for eps = 1e-3: use the eps "
            "you are given instead of a fixed number."
        )
    check_close(
        got,
        finite_difference(cube, 2.0, eps=0.1),
        what,
        rtol=1e-9,
        hint="It should be (2.1³ - 1.9³) / 0.2 = 12.01 (the centred difference of w³ is "
        "3w² + eps², exactly).",
    )
    passed("centred_difference(w**2, 3, 1e-3) = 6, and it uses the eps it is given.")


# --- Exercise 2: the lecture graph by hand ----------------------------------------------------


def lecture_gradients(x, w, b, y) -> dict:
    """dJ/dd, dJ/da, dJ/dc, dJ/dw, dJ/db of J = 1/2 (w x + b - y)^2, from utils.autodiff."""
    nodes = {k: Value(v, k) for k, v in dict(x=x, w=w, b=b, y=y).items()}
    c = nodes["w"] * nodes["x"]
    a = c + nodes["b"]
    d = a - nodes["y"]
    J = 0.5 * d**2
    J.backward()
    return {
        "d": d.grad,
        "a": a.grad,
        "c": c.grad,
        "w": nodes["w"].grad,
        "b": nodes["b"].grad,
        "_data": {"c": c.data, "a": a.data, "d": d.data, "J": J.data},
    }


_NAMES = ("dJ_dd", "dJ_da", "dJ_dc", "dJ_dw", "dJ_db")
_LECTURE = dict(x=2.0, w=-2.0, b=8.0, y=1.0)
_SECOND = dict(x=3.0, w=0.5, b=-1.0, y=2.0)


def _diagnose_lecture(got, inputs):
    """The first wrong derivative, right to left, with the mistake named (or None)."""
    want = lecture_gradients(**inputs)
    data = want["_data"]
    x, w, d = inputs["x"], inputs["w"], data["d"]
    at = ", ".join(f"{k} = {v:g}" for k, v in inputs.items())
    close = lambda u, v: abs(u - v) <= 1e-9 * max(1.0, abs(v))  # noqa: E731

    g = dict(zip("dacwb", got))
    if not close(g["d"], want["d"]):
        hint = {
            2 * d: "that is 2d: J = ½ d², and the ½ cancels the 2, so dJ/dd = d.",
            data["J"]: "that is J itself; you need its derivative: J = ½ d², so dJ/dd = d.",
            d * d: "that is d²; the derivative of ½ d² with respect to d is d.",
            1.0: "J = ½ d² is not linear in d: dJ/dd = d.",
        }
        text = next((h for v, h in hint.items() if close(g["d"], v)), "J = ½ d², so dJ/dd = d.")
        return f"dJ_dd is off (at {at}): expected {want['d']:g}, got {g['d']:g}: {text}"

    steps = [  # node, its user, local derivative, the user's gradient, how the user is made
        ("a", "d", 1.0, want["d"], "d = a - y"),
        ("c", "a", 1.0, want["a"], "a = c + b"),
        ("w", "c", x, want["c"], "c = w · x"),
        ("b", "a", 1.0, want["a"], "a = c + b"),
    ]
    for node, user, local, upstream, how in steps:
        got_v, want_v = g[node], want[node]
        if close(got_v, want_v):
            continue
        head = f"dJ_d{node} is off (at {at}): expected {want_v:g}, got {got_v:g}: "
        if close(got_v, local) and not close(local, want_v):
            return head + (
                f"that is only the local derivative ∂{user}/∂{node} = {local:g} "
                f"({how}). The chain rule multiplies it by the gradient arriving "
                f"from the right: dJ_d{node} = dJ_d{user} * ∂{user}/∂{node}."
            )
        if close(got_v, upstream) and not close(local, 1.0):
            return head + (
                f"that is dJ_d{user} alone: multiply it by the local derivative "
                f"∂{user}/∂{node} = {local:g} ({how})."
            )
        if node == "w" and close(got_v, upstream * w):
            return head + (
                "you multiplied by w, but c = w · x changes by x when w moves by 1: ∂c/∂w = x."
            )
        if node == "b" and close(got_v, want["w"]):
            return head + (
                "that is dJ/dw. b enters through a = c + b with ∂a/∂b = 1, so dJ_db = dJ_da * 1."
            )
        if close(got_v, -want_v):
            return head + (
                "the sign is flipped: ∂d/∂a = +1 and ∂a/∂c = ∂a/∂b = +1 (only y enters "
                "with a minus sign, in d = a - y)."
            )
        return head + (
            f"work from the right: dJ_d{node} = dJ_d{user} * ∂{user}/∂{node}, "
            f"with ∂{user}/∂{node} = {local:g} ({how})."
        )
    return None


def check_lecture_backward(lecture_backward):
    """The backward pass of J = 1/2 (w x + b - y)^2, at the lecture's inputs and at others."""
    results = {}
    for inputs in (_LECTURE, _SECOND):
        what = "lecture_backward(" + ", ".join(f"{k}={v:g}" for k, v in inputs.items()) + ")"
        result = call(lecture_backward, *inputs.values(), what=what)
        check(
            isinstance(result, (tuple, list)) and len(result) == 5,
            f"{what} should return five numbers ({', '.join(_NAMES)}), got "
            f"{type(result).__name__}"
            + (f" of length {len(result)}" if hasattr(result, "__len__") else "")
            + ".",
        )
        results[what] = (
            inputs,
            [_number(v, f"{name} of {what}") for name, v in zip(_NAMES, result)],
        )
    (lect_inputs, lect), (second_inputs, second) = results.values()
    problem = _diagnose_lecture(lect, lect_inputs)
    if problem:
        raise ExerciseError(problem)
    if np.allclose(second, lect):
        raise ExerciseError(
            "Your derivatives are right at the lecture's inputs but did not change "
            "for x = 3, w = 0.5, b = -1, y = 2: compute them from the forward "
            "values (d, x, ...) instead of typing in numbers."
        )
    problem = _diagnose_lecture(second, second_inputs)
    if problem:
        raise ExerciseError(
            problem + " (Your answers were right at the lecture's inputs, so look "
            "for a number typed in where a forward value belongs.)"
        )
    passed(
        "dJ/dd = dJ/da = dJ/dc = dJ/db = 3 and dJ/dw = 6 at the lecture's inputs, and right "
        "at other inputs too."
    )


# --- Exercise 3: a two-layer network by hand ----------------------------------------------------


def make_two_layer_problem(m=5, n_in=3, n_hidden=4, seed=0):
    """A fixed small problem: ``X (m, n_in), y (m, 1), W1, b1, W2, b2`` in float64."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n_in))
    y = (rng.random((m, 1)) < 0.5).astype(float)
    y[0], y[-1] = 0.0, 1.0  # both classes present
    W1 = rng.normal(scale=0.8, size=(n_in, n_hidden))
    b1 = rng.normal(scale=0.3, size=n_hidden)
    W2 = rng.normal(scale=0.8, size=(n_hidden, 1))
    b2 = rng.normal(scale=0.3, size=1)
    return X, y, W1, b1, W2, b2


def _with_slope(tf, z, value, slope):
    """A tensor equal to ``value`` whose derivative with respect to ``z`` is ``slope``."""
    return tf.stop_gradient(value) + (z - tf.stop_gradient(z)) * tf.stop_gradient(slope)


def tape_gradients(X, y, W1, b1, W2, b2, hidden_slope="tanh", output_slope="sigmoid", mean=True):
    """[dW1, db1, dW2, db2] of the mean binary cross-entropy, by GradientTape in float64.

    The other options make the gradients of common mistakes with the same
    forward values: ``hidden_slope`` ``'one'`` (the activation's derivative
    forgotten), ``'z'`` (1 - Z1²), ``'sigmoid'`` (A1 (1 - A1)); ``output_slope``
    ``'twice'`` (the sigmoid's derivative applied a second time); ``mean=False``
    (the sum over the examples instead of the mean).
    """
    import tensorflow as tf

    c = lambda a: tf.constant(np.asarray(a, dtype=np.float64))  # noqa: E731
    X, y = c(X), c(y)
    params = [tf.Variable(c(p)) for p in (W1, b1, W2, b2)]
    with tf.GradientTape() as tape:
        Z1 = X @ params[0] + params[1]
        A1 = tf.tanh(Z1)
        if hidden_slope != "tanh":
            slope = {"one": tf.ones_like(Z1), "z": 1 - Z1 * Z1, "sigmoid": A1 * (1 - A1)}[
                hidden_slope
            ]
            A1 = _with_slope(tf, Z1, A1, slope)
        Z2 = A1 @ params[2] + params[3]
        A2 = tf.sigmoid(Z2)
        if output_slope == "twice":
            A2 = _with_slope(tf, Z2, A2, (A2 * (1 - A2)) ** 2)
        losses = -(y * tf.math.log(A2) + (1 - y) * tf.math.log(1 - A2))
        J = tf.reduce_mean(losses) if mean else tf.reduce_sum(losses)
    return [g.numpy() for g in tape.gradient(J, params)]


_NAMES3 = ("dW1", "db1", "dW2", "db2")


def _shape_problem(name, got, want_shape, m):
    """A message for a gradient of the wrong shape, naming the likely mistake."""
    param = name[1:]
    head = (
        f"{name} has shape {got.shape}, but a gradient always has its parameter's shape: "
        f"{param} is {want_shape}. "
    )
    if got.shape == want_shape[::-1] and len(want_shape) == 2:
        left = "X" if name == "dW1" else "A1"
        return head + (
            f"It looks transposed: use {left}.T @ dZ{name[-1]} (the layer's inputs, "
            "transposed, on the left)."
        )
    if len(want_shape) == 1 and got.shape == (m, want_shape[0]):
        return head + f"Sum dZ{name[-1]} over the examples: np.sum(dZ{name[-1]}, axis=0)."
    if len(want_shape) == 1 and got.shape in ((1, want_shape[0]), (want_shape[0], 1)):
        return head + "Sum over axis 0 without keepdims (or reshape the result)."
    return head


def check_two_layer_backward(two_layer_backward):
    """dW1, db1, dW2, db2 of a 3-4-1 network (tanh, sigmoid, BCE), against GradientTape."""
    problem = make_two_layer_problem()
    X, y, W1, b1, W2, b2 = problem
    m = X.shape[0]
    what = "two_layer_backward(X, y, W1, b1, W2, b2)"
    try:
        result = call(two_layer_backward, *[p.copy() for p in problem], what=what)
    except ExerciseError as err:
        text = str(err)
        if "matmul" in text or "shapes" in text or "broadcast" in text:
            text += (
                " (Shapes must line up: X is (m, 3), W1 (3, 4), W2 (4, 1), so "
                "dA1 = dZ2 @ W2.T and dW = (inputs).T @ dZ.)"
            )
        raise ExerciseError(text) from None
    check(
        isinstance(result, (tuple, list)) and len(result) == 4,
        f"{what} should return four arrays (dW1, db1, dW2, db2), got {type(result).__name__}"
        + (f" of length {len(result)}" if hasattr(result, "__len__") else "")
        + ".",
    )
    want = tape_gradients(*problem)
    got = []
    for name, g, w in zip(_NAMES3, result, want):
        arr = as_result_array(g, name)
        if arr.shape != w.shape:
            raise ExerciseError(_shape_problem(name, arr, w.shape, m))
        got.append(arr)

    def same(grads):
        return all(relative_error(g, w) < SAME for g, w in zip(got, grads))

    if same(want):
        passed("dW1, db1, dW2, db2 match GradientTape (float64): relative errors below 1e-7.")
        return
    if same([-g for g in want]):
        raise ExerciseError(
            "Every gradient has the wrong sign: the output layer's error is "
            "dZ2 = (A2 - y) / m, not (y - A2) / m."
        )
    if same([g * m for g in want]):
        raise ExerciseError(
            f"Every gradient is m = {m} times too big: you summed over the "
            "examples but the cost J is their mean. Divide by m once, in "
            "dZ2 = (A2 - y) / m."
        )
    if same(tape_gradients(*problem, output_slope="twice")):
        raise ExerciseError(
            "You multiplied by the sigmoid's derivative A2 (1 - A2) in the output "
            "layer: with the cross-entropy loss it cancels, and dZ2 = (A2 - y) / m "
            "already is dJ/dZ2."
        )
    wrong_hidden = {
        "one": "dW1 and db1 forgot the hidden activation's derivative: dZ1 = dA1 * tanh'(Z1), "
        "and tanh'(Z1) = 1 - A1**2 (dW2 and db2 are right).",
        "z": "dW1 and db1 use 1 - Z1**2, but tanh'(z) = 1 - tanh(z)² = 1 - A1**2 (use the "
        "activation A1, not Z1).",
        "sigmoid": "dW1 and db1 use A1 * (1 - A1), the sigmoid's derivative; the hidden layer is "
        "tanh, whose derivative is 1 - A1**2.",
    }
    for slope, message in wrong_hidden.items():
        if same(tape_gradients(*problem, hidden_slope=slope)):
            raise ExerciseError(message)
    for name in ("dW2", "db2", "dW1", "db1"):  # from the output back, like backprop itself
        k = _NAMES3.index(name)
        if relative_error(got[k], want[k] * m) < SAME:
            raise ExerciseError(
                f"{name} is m = {m} times too big: divide by m (the cost is a mean)."
            )
        if name == "db2" and relative_error(got[k], want[k] / m) < SAME:
            raise ExerciseError(
                "db2 is m times too small: did you take the mean of dZ2 when dZ2 "
                "already includes the 1/m? Sum it over the examples."
            )
        hints = {
            "dW2": "dW2 = A1.T @ dZ2 with dZ2 = (A2 - y) / m.",
            "db2": "db2 = np.sum(dZ2, axis=0).",
            "dW1": "dW1 = X.T @ dZ1, with dA1 = dZ2 @ W2.T and dZ1 = dA1 * (1 - A1**2).",
            "db1": "db1 = np.sum(dZ1, axis=0).",
        }
        check_close(
            got[k],
            want[k],
            f"{name} (compared with GradientTape)",
            rtol=1e-6,
            atol=1e-10,
            hint=hints[name],
        )
    raise ExerciseError("Your gradients do not match GradientTape.")  # pragma: no cover
