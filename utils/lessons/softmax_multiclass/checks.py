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

The reference answers come from :mod:`utils.nn`, which is tested against Keras.
The graded (hidden) tests live only in the instructor's source notebook.
"""
from __future__ import annotations

import warnings

import numpy as np

from utils.feedback import ExerciseError, as_result_array, call, check, check_close, passed
from utils.nn import log_softmax, softmax

__all__ = ["check_my_softmax", "check_sparse_ce_from_logits", "check_predict_labels"]


def _quiet_call(fn, *args, what):
    """``call`` with floating-point warnings silenced (the check reports the problem instead)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(fn, *args, what=what)


def _fmt(values) -> str:
    return np.array2string(np.asarray(values, dtype=float), precision=4, suppress_small=False)


def _close(got, want, rtol=1e-6, atol=1e-8) -> bool:
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    return got.shape == want.shape and bool(np.all(np.isfinite(got))) and \
        bool(np.allclose(got, want, rtol=rtol, atol=atol))


def _unchanged(fn, *args, what):
    """Call ``fn(*args)`` on copies of the arrays and make sure the student's code left them alone."""
    args = [np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args]
    originals = [np.array(a, copy=True) if isinstance(a, np.ndarray) else None for a in args]
    result = _quiet_call(fn, *args, what=what)
    for arg, original in zip(args, originals):
        check(original is None or np.array_equal(arg, original),
              f"{what} changed its input array in place (e.g. `z -= np.max(z)`), so the "
              "caller's array was modified. Make a new array instead: `z = z - np.max(z, ...)`.")
    return result


# --------------------------------------------------------------------------
# Exercise 1: my_softmax
# --------------------------------------------------------------------------

def check_my_softmax(my_softmax) -> None:
    """Check a student's ``my_softmax(z)``: values, stability, batches, dtypes."""
    what = "my_softmax(z)"
    z = np.array([1.0, 2.0, 3.0, 4.0])
    want = softmax(z)
    a = as_result_array(_unchanged(my_softmax, z, what=what), what + " for z = [1, 2, 3, 4]",
                        shape=(4,))
    check(np.all(np.isfinite(a)),
          f"my_softmax([1, 2, 3, 4]) gave {_fmt(a)}: it contains nan or inf even for small logits.")
    check(not _close(a, z / z.sum()),
          f"my_softmax([1, 2, 3, 4]) gave {_fmt(a)} = z / sum(z): it sums to one but it is not "
          "softmax. Softmax divides exponentials: a_j = e^(z_j) / sum_k e^(z_k).")
    check(not _close(a, np.exp(z)) and not _close(a, np.exp(z - z.max())),
          f"my_softmax([1, 2, 3, 4]) gave {_fmt(a)}: these are the exponentials, not yet divided "
          "by their sum.")
    check(abs(a.sum() - 1) < 1e-6,
          f"my_softmax([1, 2, 3, 4]) gave {_fmt(a)}, which sums to {a.sum():.4g} instead of 1: "
          "divide each e^(z_j) by the sum of all the e^(z_k).")
    check_close(a, want, "my_softmax([1, 2, 3, 4])", rtol=1e-6,
                hint="Expected [0.032 0.087 0.237 0.644] (rounded).")

    raw_int = _quiet_call(my_softmax, np.array([1, 2, 3, 4]), what=what)
    a_int = as_result_array(raw_int, "my_softmax of the integer array [1, 2, 3, 4]", shape=(4,))
    check(np.issubdtype(np.asarray(raw_int).dtype, np.floating) and _close(a_int, want),
          f"my_softmax(np.array([1, 2, 3, 4])) (integers) gave {_fmt(a_int)}: an integer input "
          "must give the same probabilities. np.zeros_like(z) or np.empty_like(z) of an integer "
          "array is an integer array that truncates every probability to 0; start with "
          "z = np.asarray(z, dtype=float) or build the result from np.exp(...).")

    big = np.array([1000.0, 1001.0])
    a_big = as_result_array(_unchanged(my_softmax, big, what=what),
                            "my_softmax([1000, 1001])", shape=(2,))
    check(np.all(np.isfinite(a_big)),
          f"my_softmax([1000, 1001]) gave {_fmt(a_big)}: e^1000 overflows to inf and inf/inf is "
          "nan. Subtract max(z) from every logit first: it cancels in the ratio, and then every "
          "exponent is <= 0, so nothing overflows.")
    check_close(a_big, softmax(big), "my_softmax([1000, 1001])",
                hint="It should equal my_softmax([0, 1]).")
    spread = np.array([-1000.0, 1000.0])
    a_spread = as_result_array(_quiet_call(my_softmax, spread, what=what),
                               "my_softmax([-1000, 1000])", shape=(2,))
    check(np.all(np.isfinite(a_spread)),
          f"my_softmax([-1000, 1000]) gave {_fmt(a_spread)}: subtract the largest logit, not the "
          "mean or the smallest one; only max(z) keeps every exponent <= 0.")
    check_close(a_spread, [0.0, 1.0], "my_softmax([-1000, 1000])")
    half = np.array([10.0, 12.0], dtype=np.float16)
    a_half = as_result_array(_quiet_call(my_softmax, half, what=what),
                             "my_softmax of float16 logits [10, 12]", shape=(2,))
    check(np.all(np.isfinite(a_half)),
          f"my_softmax of float16 logits [10, 12] gave {_fmt(a_half)}: in float16 the largest "
          "number is 65504, so e^12 already overflows. Subtracting max(z) fixes every dtype.")
    check_close(a_half, softmax(half.astype(float)), "my_softmax of float16 logits [10, 12]",
                rtol=2e-3, atol=1e-3)

    Z = np.array([[1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 0.0, 0.0], [1000.0, 1001.0, 1002.0, 1003.0]])
    try:
        A = _unchanged(my_softmax, Z, what=what)
    except ExerciseError as err:
        if "broadcast" in str(err):
            raise ExerciseError(
                f"{err} -- with a batch of shape (3, 4), np.max(z, axis=-1) and the row sums have "
                "shape (3,). Keep the axis with keepdims=True so they have shape (3, 1) and "
                "divide each row by its own sum.") from None
        raise
    A = as_result_array(A, "my_softmax of a batch of shape (3, 4)")
    check(A.shape == Z.shape,
          f"my_softmax of a batch of shape (3, 4) returned shape {A.shape}: it should return one "
          "row of probabilities per row of logits, shape (3, 4). Work along axis=-1.")
    check(np.all(np.isfinite(A)),
          f"my_softmax of the batch [[1, 2, 3, 4], [0, 0, 0, 0], [1000, 1001, 1002, 1003]] gave "
          f"nan or inf in rows {np.flatnonzero(~np.all(np.isfinite(A), axis=1)).tolist()}: each row "
          "needs its own max. With the max of the whole batch (1003), e^(1 - 1003) underflows "
          "to 0 and 0/0 = nan. Use np.max(z, axis=-1, keepdims=True).")
    rows, cols = A.sum(axis=1), A.sum(axis=0)
    if not np.allclose(rows, 1):
        check(not np.allclose(cols, 1),
              f"softmax over the wrong axis: for a batch of shape (3, 4) the columns of your "
              f"result sum to 1 but the rows sum to {_fmt(rows)}. Each row is one example: "
              "normalise along axis=-1 (the classes), not axis=0.")
        check(abs(A.sum() - 1) > 1e-6,
              f"the whole batch sums to 1 but each row should: the rows sum to {_fmt(rows)}. "
              "Sum over the classes only: np.sum(e, axis=-1, keepdims=True).")
        raise ExerciseError(f"for a batch of shape (3, 4) each row should sum to 1; yours sum "
                            f"to {_fmt(rows)}. Normalise along axis=-1 with keepdims=True.")
    check_close(A, softmax(Z), "my_softmax of a batch of shape (3, 4)")
    passed("my_softmax is right, stable for huge logits, and works on batches of examples.")


# --------------------------------------------------------------------------
# Exercise 2: sparse_ce_from_logits
# --------------------------------------------------------------------------

def _sparse_reference(y, z):
    return -log_softmax(z)[np.arange(len(y)), y]


def check_sparse_ce_from_logits(sparse_ce_from_logits) -> None:
    """Check a student's ``sparse_ce_from_logits(y, z)``: per example, right class, stable."""
    what = "sparse_ce_from_logits(y, z)"
    y = np.array([3, 0, 2])
    z = np.array([[1.0, 2.0, 3.0, 4.0], [2.0, 0.5, -1.0, 0.0], [0.0, 1.0, 0.0, -2.0]])
    want = _sparse_reference(y, z)
    got = as_result_array(_unchanged(sparse_ce_from_logits, y, z, what=what), what)
    check(got.size != 1 or not np.isclose(float(got.reshape(-1)[0]), want.mean()),
          f"{what} returned one number, {float(got.reshape(-1)[0]):.4f}, the mean over the "
          f"batch. Return one loss per example, shape (3,) here: {_fmt(want)}. (Keras's loss "
          "functions do the same; the cost J is their mean, taken later.)")
    check(got.size != 1 or not np.isclose(float(got.reshape(-1)[0]), want.sum()),
          f"{what} returned one number, the sum over the batch. Return one loss per example, "
          f"shape (3,).")
    check(got.shape != (3, 3),
          f"{what} returned shape (3, 3) for 3 examples: z[:, y] picks the columns y for EVERY "
          "row. Pick one entry per row: z[np.arange(len(y)), y].")
    check(got.shape != (4,),
          f"{what} returned shape (4,) for 3 examples with 4 classes: did you sum or take the "
          "max over axis 0 (the examples) instead of axis 1 / axis=-1 (the classes)?")
    check(got.shape == (3,),
          f"{what} should return one loss per example, shape (3,), got shape {got.shape}.")
    check(np.all(np.isfinite(got)), f"{what} gave {_fmt(got)} for small logits: nan or inf.")
    check(not _close(got, -want),
          f"{what} gave {_fmt(got)}, the negatives of the losses: the loss is -log a_y, which "
          "is >= 0. Check the minus sign.")
    rows = np.arange(3)
    for shift, how in ((1, "y + 1"), (-1, "y - 1")):
        wrong = -log_softmax(z)[rows, (y + shift) % 4]
        check(not _close(got, wrong),
              f"{what} used the wrong class: your losses match class {how} ({_fmt(got)}). Use "
              "the true label y of each example as the column index.")
    predicted = -log_softmax(z)[rows, z.argmax(axis=1)]
    check(not _close(got, predicted),
          f"{what} used the predicted class (the argmax of z) instead of the true label y.")
    forgot_max = want - z.max(axis=1)
    check(not _close(got, forgot_max),
          f"{what} gave {_fmt(got)}: it looks as if you subtracted the max m inside the exp but "
          "did not add it back. log sum_k e^(z_k) = m + log sum_k e^(z_k - m).")
    check_close(got, want, f"{what} for y = [3, 0, 2]",
                hint="The loss is L = log(sum_k e^(z_k)) - z_y for each row.")

    y_big = np.array([2, 1, 0])
    z_big = np.array([[1000.0, 0.0, -1000.0], [0.0, -800.0, 5.0], [50.0, 0.0, 0.0]])
    want_big = _sparse_reference(y_big, z_big)
    got_big = as_result_array(_quiet_call(sparse_ce_from_logits, y_big, z_big, what=what),
                              what + " for large logits", shape=(3,))
    clipped = -np.log(np.clip(softmax(z_big)[rows, y_big], 1e-7, 1 - 1e-7))
    shown = (f"{what} gave {_fmt(got_big)} for y = [2, 1, 0] and the logits "
             "[[1000, 0, -1000], [0, -800, 5], [50, 0, 0]]")
    check(not np.any(np.isneginf(got_big)),
          f"{shown}: -inf means the log of a sum that underflowed to 0. Each row needs its own "
          "max (np.max(z, axis=1, keepdims=True)); with one max for the whole batch (1000), every "
          "e^(z_k - 1000) of the second row underflows to 0.")
    check(np.isfinite(got_big[1]),
          f"{shown}: the second loss should be 805.0, but you took the softmax first and then "
          "the log: a_1 = e^-805 underflows to 0 and -log(0) = inf. Compute log a_y directly: "
          "z_y - m - log sum_k e^(z_k - m), with m the row's max.")
    check(np.all(np.isfinite(got_big)),
          f"{shown}: e^1000 overflowed to inf. Use log-sum-exp: subtract each row's max m before "
          "exp, and add m back after the log.")
    check(not _close(got_big, clipped, rtol=1e-4),
          f"{what} gave {_fmt(got_big)}: you clipped the probabilities (as Keras does when "
          "given probabilities), which caps every loss at -log(1e-7) = 16.12. The true losses "
          f"are {_fmt(want_big)}: work from the logits, without clipping.")
    check_close(got_big, want_big, what + " for large logits", rtol=1e-9,
                hint="Losses of 2000 and 805 are right here: the from-logits formula is exact.")
    passed("sparse_ce_from_logits gives one exact loss per example, even for huge logits.")


# --------------------------------------------------------------------------
# Exercise 3: predict_labels
# --------------------------------------------------------------------------

def check_predict_labels(predict_labels) -> None:
    """Check a student's ``predict_labels(probs, threshold)`` for multi-label outputs."""
    what = "predict_labels(probs, threshold)"
    probs = np.array([[0.9, 0.2, 0.6],
                      [0.4, 0.7, 0.1],
                      [0.55, 0.45, 0.35],
                      [0.1, 0.8, 0.95]])
    want = (probs >= 0.5).astype(int)
    raw = _unchanged(predict_labels, probs, 0.5, what=what)
    got = as_result_array(raw, what)
    check(got.shape != (4,),
          f"{what} returned one label per example, shape (4,), like an argmax: that is "
          "multiclass thinking. In multi-label classification each output is its own yes/no "
          "question: return a 0/1 label for every output, shape (4, 3).")
    check(got.shape == probs.shape,
          f"{what} should return one 0/1 label per output, the shape of probs {probs.shape}; "
          f"got shape {got.shape}.")
    check(np.isin(got, [0, 1]).all(),
          f"{what} returned {_fmt(got[0])} for the first row: labels must be 0 or 1, not "
          "probabilities. Compare each probability with the threshold.")
    dtype = np.asarray(raw).dtype
    check(dtype != bool,
          f"{what} returned booleans (True/False); return 0/1 integers, e.g. "
          "(probs >= threshold).astype(int).")
    check(np.issubdtype(dtype, np.integer),
          f"{what} returned an array of dtype {dtype}; return integer labels 0/1 "
          "(e.g. .astype(int)).")
    check(not np.array_equal(got, 1 - want),
          f"{what} gave inverted labels: label 1 means the probability is at least the threshold.")
    one_hot = np.eye(3, dtype=int)[probs.argmax(axis=1)]
    check(not np.array_equal(got, one_hot),
          f"{what} set exactly one label per row (the argmax). Several labels can be 1 at once "
          "(row 0 has two above 0.5); threshold each output separately.")
    check(np.array_equal(got, want),
          f"{what} with threshold 0.5: expected\n{want}\ngot\n{got.astype(int)}")

    low = _quiet_call(predict_labels, probs.copy(), 0.3, what=what)
    got_low = as_result_array(low, what + " with threshold 0.3", shape=probs.shape)
    check(not np.array_equal(got_low, want),
          f"{what} with threshold 0.3 gave the same labels as with 0.5: use the threshold "
          "argument instead of a fixed 0.5 (np.round(probs) ignores it).")
    check(np.array_equal(got_low, (probs >= 0.3).astype(int)),
          f"{what} with threshold 0.3: expected\n{(probs >= 0.3).astype(int)}\n"
          f"got\n{got_low.astype(int)}")

    per_label = np.array([0.5, 0.5, 0.9])
    try:
        each = _quiet_call(predict_labels, probs.copy(), per_label, what=what)
    except ExerciseError as err:
        raise ExerciseError(f"{what} with one threshold per label, threshold = [0.5, 0.5, 0.9], "
                            f"failed: {err} -- compare probs >= threshold directly; numpy "
                            "broadcasts the thresholds along each row.") from None
    got_each = as_result_array(each, what + " with threshold = [0.5, 0.5, 0.9]",
                               shape=probs.shape)
    check(np.array_equal(got_each, (probs >= per_label).astype(int)),
          f"{what} with one threshold per label, [0.5, 0.5, 0.9] (the third label needs "
          f"p >= 0.9): expected\n{(probs >= per_label).astype(int)}\ngot\n{got_each.astype(int)}")
    passed("predict_labels thresholds every output separately, with one threshold or one per label.")
