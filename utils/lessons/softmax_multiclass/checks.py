"""Visible checks for the exercises of lesson 03 (softmax and multiclass classification).

Each check calls the student's function on a few inputs chosen so that a
typical mistake shows up, and names that mistake:

* :func:`check_my_softmax` -- no max-subtraction (overflow), the wrong axis,
  one max for the whole batch, ``z / sum(z)`` instead of exponentials, integer
  arrays, changing ``z`` in place;
* :func:`check_sparse_ce_from_logits` -- the mean instead of one loss per
  example, ``z[:, y]``, the wrong class, a missing minus sign, softmax then log
  (inf), no log-sum-exp (nan), clipping like Keras;
* :func:`check_predict_labels` -- argmax (multiclass thinking), probabilities
  or booleans instead of 0/1 labels, inverted labels, an ignored threshold,
  one threshold per label not supported.

The softmax and the loss are checked by the shared checkers of :mod:`utils.feedback`
(the graded assignment uses them too, on its own inputs); the reference answers come
from :mod:`utils.nn`, which is tested against Keras.  The graded (hidden) tests live only
in the instructor's source notebook.
"""

from __future__ import annotations

import numpy as np

from utils.feedback import ExerciseError, as_result_array, call, check, passed, shown
from utils.feedback.softmax import check_softmax_batch, check_softmax_stable, check_softmax_values
from utils.feedback.sparse_ce import check_sparse_ce

__all__ = ["check_my_softmax", "check_sparse_ce_from_logits", "check_predict_labels"]


# --------------------------------------------------------------------------
# Exercise 1: my_softmax
# --------------------------------------------------------------------------


def check_my_softmax(my_softmax) -> None:
    """Check a student's ``my_softmax(z)``: values, stability, batches, dtypes."""
    check_softmax_values(my_softmax, z=[1.0, 2.0, 3.0, 4.0], integer_input=True, untouched=True)
    check_softmax_stable(
        my_softmax,
        untouched=True,
        probes=[[1000.0, 1001.0], [-1000.0, 1000.0], np.array([10.0, 12.0], dtype=np.float16)],
    )
    check_softmax_batch(
        my_softmax,
        untouched=True,
        Z=[[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], [1000.0, 1001.0, 1002.0, 1003.0]],
    )
    passed("my_softmax is right, stable for huge logits, and works on batches of examples.")


# --------------------------------------------------------------------------
# Exercise 2: sparse_ce_from_logits
# --------------------------------------------------------------------------


def check_sparse_ce_from_logits(sparse_ce_from_logits) -> None:
    """Check a student's ``sparse_ce_from_logits(y, z)``: per example, right class, stable."""
    check_sparse_ce(
        sparse_ce_from_logits,
        name="sparse_ce_from_logits",
        untouched=True,
        y=[3, 0, 2],
        z=[[1.0, 2.0, 3.0, 4.0], [2.0, 0.5, -1.0, 0.0], [0.0, 1.0, 0.0, -2.0]],
        y_big=[2, 1, 0],
        z_big=[[1000.0, 0.0, -1000.0], [0.0, -800.0, 5.0], [50.0, 0.0, 0.0]],
    )
    passed("sparse_ce_from_logits gives one exact loss per example, even for huge logits.")


# --------------------------------------------------------------------------
# Exercise 3: predict_labels
# --------------------------------------------------------------------------


def check_predict_labels(predict_labels) -> None:
    """Check a student's ``predict_labels(probs, threshold)`` for multi-label outputs."""
    what = "predict_labels(probs, threshold)"
    probs = np.array([[0.9, 0.2, 0.6], [0.4, 0.7, 0.1], [0.55, 0.45, 0.35], [0.1, 0.8, 0.95]])
    want = (probs >= 0.5).astype(int)
    raw = call(
        predict_labels,
        probs,
        0.5,
        what=what,
        untouched=True,
        example="probs[probs >= threshold] = 1",
        instead="labels = (probs >= threshold).astype(int)",
    )
    got = as_result_array(raw, what)
    check(
        got.shape != (4,),
        f"{what} returned one label per example, shape (4,), like an argmax: that is "
        "multiclass thinking. In multi-label classification each output is its own yes/no "
        "question: return a 0/1 label for every output, shape (4, 3).",
    )
    check(
        got.shape == probs.shape,
        f"{what} should return one 0/1 label per output, the shape of probs {probs.shape}; "
        f"got shape {got.shape}.",
    )
    check(
        np.isin(got, [0, 1]).all(),
        f"{what} returned {shown(got[0])} for the first row: labels must be 0 or 1, not "
        "probabilities. Compare each probability with the threshold.",
    )
    dtype = np.asarray(raw).dtype
    check(
        dtype.kind != "b",
        f"{what} returned booleans (True/False); return 0/1 integers, e.g. "
        "(probs >= threshold).astype(int).",
    )
    check(
        np.issubdtype(dtype, np.integer),
        f"{what} returned an array of dtype {dtype}; return integer labels 0/1 "
        "(e.g. .astype(int)).",
    )
    check(
        not np.array_equal(got, 1 - want),
        f"{what} gave inverted labels: label 1 means the probability is at least the threshold.",
    )
    one_hot = np.eye(3, dtype=int)[probs.argmax(axis=1)]
    check(
        not np.array_equal(got, one_hot),
        f"{what} set exactly one label per row (the argmax). Several labels can be 1 at once "
        "(row 0 has two above 0.5); threshold each output separately.",
    )
    check(
        np.array_equal(got, want),
        f"{what} with threshold 0.5: expected\n{want}\ngot\n{got.astype(int)}",
    )

    low = call(predict_labels, probs.copy(), 0.3, what=what)
    got_low = as_result_array(low, what + " with threshold 0.3", shape=probs.shape)
    check(
        not np.array_equal(got_low, want),
        f"{what} with threshold 0.3 gave the same labels as with 0.5: use the threshold "
        "argument instead of a fixed 0.5 (np.round(probs) ignores it).",
    )
    check(
        np.array_equal(got_low, (probs >= 0.3).astype(int)),
        f"{what} with threshold 0.3: expected\n{(probs >= 0.3).astype(int)}\n"
        f"got\n{got_low.astype(int)}",
    )

    on_the_line = np.array([[0.5, 0.49, 0.51]])
    edge = call(predict_labels, on_the_line, 0.5, what=what)
    got_edge = as_result_array(edge, what + " with a probability of exactly 0.5", shape=(1, 3))
    check(
        np.array_equal(got_edge, [[1, 0, 1]]),
        f"predict_labels([[0.5, 0.49, 0.51]], 0.5) returned {shown(got_edge.astype(int))}, "
        "expected [[1, 0, 1]]: a probability equal to the threshold gets label 1 (the rule is "
        "probs >= threshold, not probs > threshold).",
    )

    per_label = np.array([0.5, 0.5, 0.9])
    try:
        each = call(predict_labels, probs.copy(), per_label, what=what)
    except ExerciseError as err:
        raise ExerciseError(
            f"{what} with one threshold per label, threshold = [0.5, 0.5, 0.9], "
            f"failed: {err} -- compare probs >= threshold directly; numpy "
            "broadcasts the thresholds along each row."
        ) from None
    got_each = as_result_array(each, what + " with threshold = [0.5, 0.5, 0.9]", shape=probs.shape)
    check(
        np.array_equal(got_each, (probs >= per_label).astype(int)),
        f"{what} with one threshold per label, [0.5, 0.5, 0.9] (the third label needs "
        f"p >= 0.9): expected\n{(probs >= per_label).astype(int)}\ngot\n{got_each.astype(int)}",
    )
    passed(
        "predict_labels thresholds every output separately, with one threshold or one per label."
    )
