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
from utils.i18n import msg
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


def _length(result) -> str:
    """' of length n' for a sized result (in the language in use), else ''."""
    return msg("backprop.check.of_length", n=len(result)) if hasattr(result, "__len__") else ""


def _number(result, what: str) -> float:
    arr = as_result_array(result, what)
    check(arr.size == 1, msg("backprop.check.one_number", what=what, shape=arr.shape))
    value = float(arr.reshape(()))
    check(np.isfinite(value), msg("backprop.check.not_finite", what=what, value=value))
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
        forward: "forward",
        finite_difference(square, 3.0, eps=1e-3, kind="backward"): "backward",
        2 * want: "twice",
        forward / 2: "half_forward",
        -want: "sign",
        0.0: "zero",
    }
    for value, key in mistakes.items():
        if abs(got - value) < 1e-6 and abs(got - want) > 1e-6:
            hint = msg(f"backprop.check.{key}")
            raise ExerciseError(
                msg("backprop.check.returned_mistake", what=what, got=got, hint=hint)
            )
    check_close(
        got,
        want,
        what,
        rtol=1e-8,
        atol=1e-8,
        hint=msg("backprop.check.square_hint"),
    )

    what = "centred_difference(lambda w: w**3, 2.0, 0.1)"
    got = _number(call(centred_difference, cube, 2.0, 0.1, what=what), what)
    if abs(got - finite_difference(cube, 2.0, eps=1e-3)) < 1e-5:
        raise ExerciseError(msg("backprop.check.fixed_eps", what=what, got=got))
    check_close(
        got,
        finite_difference(cube, 2.0, eps=0.1),
        what,
        rtol=1e-9,
        hint=msg("backprop.check.cube_hint"),
    )
    passed(msg("backprop.check.passed_centred"))


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
        hint = {2 * d: "dd_twice", data["J"]: "dd_cost", d * d: "dd_square", 1.0: "dd_one"}
        key = next((h for v, h in hint.items() if close(g["d"], v)), "dd_default")
        return msg(
            "backprop.check.dd_off",
            at=at,
            want=want["d"],
            got=g["d"],
            hint=msg(f"backprop.check.{key}"),
        )

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
        head = msg("backprop.check.node_off", node=node, at=at, want=want_v, got=got_v)
        where = dict(node=node, user=user, local=local, how=how)
        if close(got_v, local) and not close(local, want_v):
            return head + msg("backprop.check.local_only", **where)
        if close(got_v, upstream) and not close(local, 1.0):
            return head + msg("backprop.check.upstream_only", **where)
        if node == "w" and close(got_v, upstream * w):
            return head + msg("backprop.check.times_w")
        if node == "b" and close(got_v, want["w"]):
            return head + msg("backprop.check.db_is_dw")
        if close(got_v, -want_v):
            return head + msg("backprop.check.sign_flipped")
        return head + msg("backprop.check.from_the_right", **where)
    return None


def check_lecture_backward(lecture_backward):
    """The backward pass of J = 1/2 (w x + b - y)^2, at the lecture's inputs and at others."""
    results = {}
    for inputs in (_LECTURE, _SECOND):
        what = "lecture_backward(" + ", ".join(f"{k}={v:g}" for k, v in inputs.items()) + ")"
        result = call(lecture_backward, *inputs.values(), what=what)
        check(
            isinstance(result, (tuple, list)) and len(result) == 5,
            msg(
                "backprop.check.five_numbers",
                what=what,
                names=", ".join(_NAMES),
                kind=type(result).__name__,
                length=_length(result),
            ),
        )
        results[what] = (
            inputs,
            [
                _number(v, msg("backprop.check.derivative_of", name=name, what=what))
                for name, v in zip(_NAMES, result)
            ],
        )
    (lect_inputs, lect), (second_inputs, second) = results.values()
    problem = _diagnose_lecture(lect, lect_inputs)
    if problem:
        raise ExerciseError(problem)
    if np.allclose(second, lect):
        raise ExerciseError(msg("backprop.check.typed_in"))
    problem = _diagnose_lecture(second, second_inputs)
    if problem:
        raise ExerciseError(problem + msg("backprop.check.right_at_lecture"))
    passed(msg("backprop.check.passed_lecture"))


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
    head = msg("backprop.check.shape_head", name=name, got=got.shape, param=param, want=want_shape)
    if got.shape == want_shape[::-1] and len(want_shape) == 2:
        left = "X" if name == "dW1" else "A1"
        return head + msg("backprop.check.transposed", left=left, layer=name[-1])
    if len(want_shape) == 1 and got.shape == (m, want_shape[0]):
        return head + msg("backprop.check.sum_rows", layer=name[-1])
    if len(want_shape) == 1 and got.shape in ((1, want_shape[0]), (want_shape[0], 1)):
        return head + msg("backprop.check.keepdims")
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
            text += msg("backprop.check.shapes_line_up")
        raise ExerciseError(text) from None
    check(
        isinstance(result, (tuple, list)) and len(result) == 4,
        msg(
            "backprop.check.four_arrays",
            what=what,
            kind=type(result).__name__,
            length=_length(result),
        ),
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
        passed(msg("backprop.check.passed_two_layer"))
        return
    if same([-g for g in want]):
        raise ExerciseError(msg("backprop.check.all_sign"))
    if same([g * m for g in want]):
        raise ExerciseError(msg("backprop.check.all_m_times", m=m))
    if same(tape_gradients(*problem, output_slope="twice")):
        raise ExerciseError(msg("backprop.check.sigmoid_twice"))
    for slope in ("one", "z", "sigmoid"):
        if same(tape_gradients(*problem, hidden_slope=slope)):
            raise ExerciseError(msg(f"backprop.check.hidden_{slope}"))
    for name in ("dW2", "db2", "dW1", "db1"):  # from the output back, like backprop itself
        k = _NAMES3.index(name)
        if relative_error(got[k], want[k] * m) < SAME:
            raise ExerciseError(msg("backprop.check.one_m_times", name=name, m=m))
        if name == "db2" and relative_error(got[k], want[k] / m) < SAME:
            raise ExerciseError(msg("backprop.check.db2_small"))
        check_close(
            got[k],
            want[k],
            msg("backprop.check.compared", name=name),
            rtol=1e-6,
            atol=1e-10,
            hint=msg(f"backprop.check.hint_{name}"),
        )
    raise ExerciseError(msg("backprop.check.no_match"))  # pragma: no cover
