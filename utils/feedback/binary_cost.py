r"""Checks of a student's binary cost $J = -\frac1m\sum_i [y_i\log p_i + (1-y_i)\log(1-p_i)]$.

:func:`check_binary_cost` runs the student's ``binary_cost(y, p)`` on the inputs it is
given and names the mistake from its catalogue (no minus sign, the sum instead of the
mean, y and 1 - y swapped, log base 10, ...), then tries the shapes it is told to
((m,) and (m, 1) labels and predictions) and, optionally, predictions of exactly 0 and 1
(clipped as Keras clips).  :func:`compare_binary_cost_with_keras` prints the cost next
to Keras's on a model's predictions.  Every reference value comes from :mod:`utils.nn`.
"""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.feedback.core import ExerciseError, call, check, check_close, quietly
from utils.feedback.mistakes import Mistake, first_mistake
from utils.i18n import msg

EPSILON = nn.EPSILON
"""Keras clips probabilities to ``[EPSILON, 1 - EPSILON]`` before taking logs."""


def binary_cost_reference(y, p, *, epsilon=EPSILON) -> float:
    """The cost as Keras computes it: the mean binary cross-entropy of p clipped to [eps, 1 - eps].

    ``y`` and ``p`` may have shape (m,) or (m, 1).  With another ``epsilon`` (to
    build that mistake) p is clipped first and the loss is taken from its logit,
    which :func:`utils.nn.binary_crossentropy` does not clip again.
    """
    y, p = np.ravel(np.asarray(y, dtype=float)), np.ravel(np.asarray(p, dtype=float))
    if epsilon == EPSILON:
        return float(nn.cost(nn.binary_crossentropy(y, p)))
    p = np.clip(p, epsilon, 1 - epsilon)
    return float(nn.cost(nn.binary_crossentropy(y, np.log(p) - np.log1p(-p), from_logits=True)))


def _clipped_in_float32(p):
    """``p`` clipped to [eps, 1 - eps] in float32, the bounds rounded as float32 rounds them."""
    eps = np.float32(EPSILON)
    return np.clip(np.asarray(p, dtype=np.float32), eps, np.float32(1) - eps).astype(float)


def _mean_loss(y, p, weights=1.0):
    return float(np.mean(weights * nn.binary_crossentropy(y, p)))


COST_MISTAKES = (
    Mistake(
        "no minus sign",
        lambda y, p: -binary_cost_reference(y, p),
        "feedback.binary_cost.mistakes.no_minus_sign",
    ),
    Mistake(
        "sum",
        lambda y, p: len(y) * binary_cost_reference(y, p),
        "feedback.binary_cost.mistakes.sum",
    ),
    Mistake(
        "y and 1 - y swapped",
        lambda y, p: binary_cost_reference(1 - y, p),
        "feedback.binary_cost.mistakes.swapped",
    ),
    Mistake(
        "log p twice",
        lambda y, p: _mean_loss(np.ones_like(p), p),
        "feedback.binary_cost.mistakes.log_p_twice",
    ),
    Mistake(
        "log(1 - p) twice",
        lambda y, p: _mean_loss(np.zeros_like(p), p),
        "feedback.binary_cost.mistakes.log_1_minus_p_twice",
    ),
    Mistake(
        "only the y term",
        lambda y, p: _mean_loss(np.ones_like(p), p, weights=y),
        "feedback.binary_cost.mistakes.only_the_y_term",
    ),
    Mistake(
        "log base 10",
        lambda y, p: binary_cost_reference(y, p) / np.log(10),
        "feedback.binary_cost.mistakes.log_base_10",
    ),
    Mistake(
        "log base 2",
        lambda y, p: binary_cost_reference(y, p) / np.log(2),
        "feedback.binary_cost.mistakes.log_base_2",
    ),
    Mistake(
        "a factor 1/2",
        lambda y, p: binary_cost_reference(y, p) / 2,
        "feedback.binary_cost.mistakes.half",
    ),
)
"""Wrong costs on flat labels y and predictions 0 < p < 1."""

SHAPES = (("flat", "column"), ("column", "flat"), ("column", "column"))
"""(y, p) shapes a cost must accept: (m,) is 'flat', (m, 1) is 'column'."""


def _as_cost(result, what) -> float:
    arr = np.asarray(result)
    if arr.size != 1:
        key = {1: "not_one_vector", 2: "not_one_matrix"}.get(arr.ndim, "not_one")
        raise ExerciseError(msg(f"feedback.binary_cost.{key}", what=what, shape=arr.shape))
    try:
        return float(arr.reshape(()))
    except (TypeError, ValueError):
        raise ExerciseError(
            msg("feedback.binary_cost.not_a_number", what=what, result=repr(result))
        ) from None


def _cost(binary_cost, y, p, what) -> float:
    return _as_cost(call(binary_cost, y, p, what=what), what)


def _listed(values) -> str:
    return "[" + ", ".join(f"{v:g}" for v in np.ravel(values)) + "]"


def _shaped(values, shape):
    return np.ravel(values) if shape == "flat" else np.reshape(values, (-1, 1))


def check_binary_cost(
    binary_cost,
    *,
    y,
    p,
    batch=None,
    shapes=SHAPES,
    clipping=None,
    name="binary_cost",
    mistakes=COST_MISTAKES,
) -> None:
    """Check ``binary_cost(y, p)``: the value on ``(y, p)``, then on ``batch`` in ``shapes``.

    ``y``, ``p``: a few flat labels and predictions strictly between 0 and 1, on which a
    wrong value is named from ``mistakes``.  ``batch``: ``(y, p)`` of more examples for
    the shape cases and a last flat check (default: ``(y, p)`` again).  ``clipping``:
    ``(y, p)`` with predictions of exactly 0 and 1, which must be clipped as Keras does.
    """
    y, p = np.ravel(y), np.ravel(p)
    what = f"{name}(y={_listed(y)}, p={_listed(p)})"
    got, want = _cost(binary_cost, y, p, what), binary_cost_reference(y, p)
    check(np.isfinite(got), msg("feedback.binary_cost.not_finite", what=what, got=got, want=want))
    if not np.isclose(got, want, rtol=1e-6):
        mistake = first_mistake(got, mistakes, y.astype(float), p.astype(float), right=want)
        if mistake is not None:
            raise ExerciseError(
                msg(
                    "feedback.binary_cost.returned_mistake",
                    what=what,
                    got=got,
                    want=want,
                    mistake=mistake.says(m=len(y)),
                )
            )
        terms = " + ".join(f"log {(pi if yi else 1 - pi):g}" for yi, pi in zip(y, p))
        raise ExerciseError(
            msg(
                "feedback.binary_cost.returned_formula",
                what=what,
                got=got,
                want=want,
                m=len(y),
                terms=terms,
            )
        )

    y_all, p_all = (y, p) if batch is None else (np.ravel(batch[0]), np.ravel(batch[1]))
    want = binary_cost_reference(y_all, p_all)
    for y_shape, p_shape in shapes:
        yy, pp = _shaped(y_all, y_shape), _shaped(p_all, p_shape)
        what = msg(
            "feedback.binary_cost.what_shapes", name=name, y_shape=yy.shape, p_shape=pp.shape
        )
        got = _cost(binary_cost, yy, pp, what)
        if not np.isclose(got, want, rtol=1e-6):
            why = "shapes_broadcast" if y_shape != p_shape else "shapes_column"
            raise ExerciseError(msg(f"feedback.binary_cost.{why}", what=what, got=got, want=want))

    if clipping is not None:
        yc, pc = np.ravel(clipping[0]), np.ravel(clipping[1])
        what = f"{name}(y={_listed(yc)}, p={_listed(pc)})"
        got, want_clipped = _cost(binary_cost, yc, pc, what), binary_cost_reference(yc, pc)
        eps = f"{EPSILON:.0e}".replace("e-0", "e-")  # 1e-7
        check(np.isfinite(got), msg("feedback.binary_cost.clip_first", what=what, got=got, eps=eps))
        # In float32 (as a Keras model computes), 1 - 1e-7 rounds to 1 - 1.19e-7: a cost
        # clipped in float32 is as right as one clipped in float64.
        want_float32 = binary_cost_reference(yc, _clipped_in_float32(pc))
        check(
            np.isclose(got, want_clipped, rtol=1e-6) or np.isclose(got, want_float32, rtol=1e-5),
            msg(
                "feedback.binary_cost.other_epsilon",
                what=what,
                got=got,
                want=want_clipped,
                eps=eps,
            ),
        )

    if batch is not None:
        what = msg("feedback.binary_cost.what_random", name=name, m=len(y_all))
        check_close(_cost(binary_cost, y_all, p_all, what), want, what, rtol=1e-6)


def compare_binary_cost_with_keras(binary_cost, *, model, X, y, name="binary_cost") -> None:
    """Print the student's cost of ``model``'s predictions next to Keras's two, and compare."""
    import keras

    with quietly():
        p = model.predict(X, verbose=0)
        evaluated = model.evaluate(X, y, verbose=0)
        direct = float(keras.losses.BinaryCrossentropy()(y, p))
    ours = _cost(binary_cost, y, p, f"{name}(y_test, p_test)")
    evaluated = float(evaluated[0] if isinstance(evaluated, (list, tuple)) else evaluated)
    print(f"{name}(y_test, p_test)             = {ours:.6f}")
    print(f"keras.losses.BinaryCrossentropy()(y, p) = {direct:.6f}")
    print(f"model.evaluate(X_test, y_test)[0]       = {evaluated:.6f}")
    for other, value in (
        ("keras.losses.BinaryCrossentropy()", direct),
        ("model.evaluate", evaluated),
    ):
        what = msg("feedback.binary_cost.versus", name=name, other=other)
        check_close(ours, value, what, rtol=1e-4, atol=1e-6)
