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

Every message comes from the message catalogue (:mod:`utils.i18n`, keys
``softmax_multiclass.check.*``), in the language in use.
"""

from __future__ import annotations

import numpy as np

from utils.feedback import ExerciseError, as_result_array, call, check, passed, shown
from utils.feedback.softmax import check_softmax_batch, check_softmax_stable, check_softmax_values
from utils.feedback.sparse_ce import check_sparse_ce
from utils.i18n import msg

__all__ = ["check_my_softmax", "check_sparse_ce_from_logits", "check_predict_labels"]


def _m(key: str, **params) -> str:
    """A check message in the language in use."""
    return msg(f"softmax_multiclass.check.{key}", **params)


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
    passed(_m("passed_softmax"))


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
    passed(_m("passed_sparse_ce"))


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
    check(got.shape != (4,), _m("argmax_shape", what=what))
    check(got.shape == probs.shape, _m("wrong_shape", what=what, want=probs.shape, got=got.shape))
    check(np.isin(got, [0, 1]).all(), _m("not_labels", what=what, first=shown(got[0])))
    dtype = np.asarray(raw).dtype
    check(dtype.kind != "b", _m("booleans", what=what))
    check(np.issubdtype(dtype, np.integer), _m("not_integers", what=what, dtype=dtype))
    check(not np.array_equal(got, 1 - want), _m("inverted", what=what))
    one_hot = np.eye(3, dtype=int)[probs.argmax(axis=1)]
    check(not np.array_equal(got, one_hot), _m("one_hot", what=what))
    check(
        np.array_equal(got, want),
        _m("expected", what=what, threshold=0.5, want=want, got=got.astype(int)),
    )

    low = call(predict_labels, probs.copy(), 0.3, what=what)
    got_low = as_result_array(
        low, _m("with_threshold", what=what, threshold=0.3), shape=probs.shape
    )
    check(not np.array_equal(got_low, want), _m("fixed_threshold", what=what))
    want_low = (probs >= 0.3).astype(int)
    check(
        np.array_equal(got_low, want_low),
        _m("expected", what=what, threshold=0.3, want=want_low, got=got_low.astype(int)),
    )

    on_the_line = np.array([[0.5, 0.49, 0.51]])
    edge = call(predict_labels, on_the_line, 0.5, what=what)
    got_edge = as_result_array(edge, _m("with_exact_half", what=what), shape=(1, 3))
    check(
        np.array_equal(got_edge, [[1, 0, 1]]),
        _m("on_the_line", got=shown(got_edge.astype(int))),
    )

    per_label = np.array([0.5, 0.5, 0.9])
    try:
        each = call(predict_labels, probs.copy(), per_label, what=what)
    except ExerciseError as err:
        raise ExerciseError(_m("per_label_failed", what=what, error=err)) from None
    got_each = as_result_array(each, _m("with_per_label", what=what), shape=probs.shape)
    want_each = (probs >= per_label).astype(int)
    check(
        np.array_equal(got_each, want_each),
        _m("per_label_expected", what=what, want=want_each, got=got_each.astype(int)),
    )
    passed(_m("passed_labels"))
