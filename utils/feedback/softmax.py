r"""Checks of a student's softmax $a_j = e^{z_j} / \sum_k e^{z_k}$: values, batches, stability.

One checker per property, each given its inputs and the mistake catalogue that names
what went wrong, so lesson 03 and the graded assignment give the same feedback:

* :func:`check_softmax_values` -- one vector of ordinary logits: ``z / sum(z)``, the
  exponentials not divided, a sum that is not 1, integer input;
* :func:`check_softmax_batch` -- one example per row: the wrong axis, the sum over the
  whole batch, a missing ``keepdims``, one max for the whole batch;
* :func:`check_softmax_stable` -- huge logits: no max subtracted, the mean or the
  smallest logit subtracted instead, float16's small range.

The checkers raise :class:`~utils.feedback.ExerciseError`; the caller prints the tick.
"""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.feedback.core import (
    ExerciseError,
    as_result_array,
    call,
    check,
    check_close,
    matches,
    quietly,
    shown,
)
from utils.feedback.mistakes import Mistake, first_mistake


def _shifted_softmax(z, shift):
    e = np.exp(z - shift)
    return e / np.sum(e, axis=-1, keepdims=True)


VALUE_MISTAKES = (
    Mistake(
        "ratio",
        lambda z: z / np.sum(z, axis=-1, keepdims=True),
        "{what} gave {got} = z / sum(z): it sums to one but it is not softmax. Softmax "
        "divides exponentials, a_j = e^(z_j) / sum_k e^(z_k) (use np.exp).",
    ),
    Mistake(
        "not divided",
        np.exp,
        "{what} gave {got}: these are the exponentials, not yet divided by their sum.",
    ),
    Mistake(
        "shifted, not divided",
        lambda z: np.exp(z - np.max(z, axis=-1, keepdims=True)),
        "{what} gave {got}: these are the exponentials, not yet divided by their sum.",
    ),
)
"""Wrong softmax values on ordinary logits."""

STABILITY_MISTAKES = (
    Mistake(
        "mean subtracted",
        lambda z: _shifted_softmax(z, np.mean(z, axis=-1, keepdims=True)),
        "{what} gave {got}: subtract the largest logit, not the mean or the smallest one; "
        "only max(z) keeps every exponent <= 0.",
    ),
    Mistake(
        "smallest subtracted",
        lambda z: _shifted_softmax(z, np.min(z, axis=-1, keepdims=True)),
        "{what} gave {got}: subtract the largest logit, not the mean or the smallest one; "
        "only max(z) keeps every exponent <= 0.",
    ),
    Mistake(
        "no max",
        lambda z: _shifted_softmax(z, 0),
        "{what} gave {got}: {overflow} and inf/inf is nan. Subtract max(z) from every logit "
        "before np.exp: it cancels in the ratio, and then every exponent is <= 0, so nothing "
        "overflows (in any dtype).",
    ),
    Mistake(
        "one max for the batch",
        lambda z: _shifted_softmax(z, np.max(z)),
        "{what} gave nan or inf in rows {rows}: each row needs its own max. With the max of "
        "the whole batch ({top:g}), every e^(z - {top:g}) of such a row underflows to 0 and "
        "0/0 = nan: subtract each row's own maximum, np.max(z, axis=-1, keepdims=True), not "
        "one number for the batch.",
    ),
)
"""Softmax without (or with the wrong) max subtraction, on logits that need it."""


def _listed(z) -> str:
    return "[" + ", ".join(f"{v:g}" for v in np.asarray(z, dtype=float).ravel()) + "]"


def _fields(what, got, z) -> dict:
    """What the messages of the catalogues may mention about this answer and input."""
    z = np.asarray(z)
    dtype = z.dtype if np.issubdtype(z.dtype, np.floating) else np.dtype(float)
    with quietly():
        overflowing = [float(v) for v in np.ravel(z) if not np.isfinite(np.exp(dtype.type(v)))]
    first = min(overflowing, default=float(np.max(z)))
    overflow = f"e^{first:g} overflows to inf"
    if dtype != np.float64:
        overflow = (
            f"in {dtype} the largest number is {float(np.finfo(dtype).max):g}, so "
            f"e^{first:g} already overflows to inf"
        )
    bad = np.flatnonzero(~np.all(np.isfinite(np.atleast_2d(got)), axis=-1)).tolist()
    return dict(what=what, got=shown(got), overflow=overflow, rows=bad, top=float(np.max(z)))


def _diagnose(got, want, z, mistakes, what) -> None:
    """Name the first mistake of the catalogue that ``got`` is, if any."""
    mistake = first_mistake(got, mistakes, z, right=want)
    if mistake is not None:
        raise ExerciseError(mistake.message.format(**_fields(what, got, z)))


def check_softmax_values(
    my_softmax,
    *,
    z=(1.0, 2.0, 3.0, 4.0),
    name="my_softmax",
    integer_input=False,
    untouched=False,
    mistakes=VALUE_MISTAKES,
) -> None:
    """``my_softmax(z)`` for one vector of ordinary logits ``z`` (and, optionally, as integers)."""
    z = np.asarray(z, dtype=float)
    what = f"{name}({_listed(z)})"
    a = as_result_array(call(my_softmax, z, what=what, untouched=untouched), what, shape=z.shape)
    want = nn.softmax(z)
    if not matches(a, want):
        check(
            np.all(np.isfinite(a)),
            f"{what} gave {shown(a)}: it contains nan or inf even for small logits.",
        )
        _diagnose(a, want, z, mistakes, what)
        check(
            abs(a.sum() - 1) < 1e-6,
            f"{what} gave {shown(a)}, which sums to {a.sum():.4g} instead of 1: softmax outputs "
            "are probabilities; divide each e^(z_j) by the sum of all the e^(z_k).",
        )
        check_close(
            a, want, what, rtol=1e-6, hint=f"Expected {np.array2string(want.round(3))} (rounded)."
        )
    if integer_input:
        what_int = f"{name}(np.array({_listed(z)})) (integers)"
        raw = call(my_softmax, z.astype(int), what=what_int, untouched=untouched)
        a_int = as_result_array(raw, what_int, shape=z.shape)
        check(
            np.issubdtype(np.asarray(raw).dtype, np.floating) and matches(a_int, want),
            f"{what_int} gave {shown(a_int)}: an integer input must give the same "
            "probabilities. np.zeros_like(z) or np.empty_like(z) of an integer array is an "
            "integer array that truncates every probability to 0; start with "
            "z = np.asarray(z, dtype=float) or build the result from np.exp(...).",
        )


def check_softmax_batch(
    my_softmax, *, Z, name="my_softmax", untouched=False, rtol=1e-6, mistakes=STABILITY_MISTAKES
) -> None:
    """``my_softmax(Z)`` for a batch, one example per row: every row sums to 1 on its own."""
    Z = np.asarray(Z)
    what = f"{name} of a batch of shape {Z.shape}"
    m = Z.shape[0]
    try:
        A = call(my_softmax, Z, what=what, untouched=untouched)
    except ExerciseError as err:
        if "broadcast" in str(err):
            raise ExerciseError(
                f"{err} -- with a batch of shape {Z.shape}, np.max(z, axis=-1) and the row sums "
                f"have shape ({m},). Keep the axis with keepdims=True so they have shape ({m}, 1) "
                "and divide each row by its own sum."
            ) from None
        raise
    A = as_result_array(A, what)
    check(
        A.shape == Z.shape,
        f"{what} returned shape {A.shape}: it should return one row of probabilities per row "
        f"of logits, shape {Z.shape}. Work along axis=-1.",
    )
    want = nn.softmax(Z)
    if matches(A, want, rtol=rtol):
        return
    _diagnose(A, want, Z, mistakes, what)
    bad = np.flatnonzero(~np.all(np.isfinite(A), axis=1)).tolist()
    check(
        not bad,
        f"{what} gave nan or inf in rows {bad}: each row needs its own max, "
        "np.max(z, axis=-1, keepdims=True), subtracted before np.exp.",
    )
    rows, cols = A.sum(axis=1), A.sum(axis=0)
    if not np.allclose(rows, 1):
        check(
            not np.allclose(cols, 1),
            f"{what}: softmax over the wrong axis. The columns of your result sum to 1 but the "
            f"rows sum to {shown(rows)}. Each row is one example: normalise along axis=-1 (the "
            "classes), not axis=0, with keepdims=True.",
        )
        check(
            abs(A.sum() - 1) > 1e-6,
            f"{what}: the whole batch sums to 1 but each row should: you divided by the sum "
            f"over all examples, and the rows sum to {shown(rows)}. Sum over the classes only: "
            "np.sum(e, axis=-1, keepdims=True).",
        )
        raise ExerciseError(
            f"{what}: each row should sum to 1; yours sum to {shown(rows)}. "
            "Normalise along axis=-1 with keepdims=True."
        )
    check_close(A, want, what, rtol=rtol)


def check_softmax_stable(
    my_softmax,
    *,
    probes=((1000.0, 1001.0),),
    batch=None,
    name="my_softmax",
    untouched=False,
    rtol=1e-6,
    mistakes=STABILITY_MISTAKES,
) -> None:
    """``my_softmax`` on logits whose exponentials overflow: each 1-D probe, then a ``batch``.

    A probe keeps its dtype (a float16 probe tests float16's range); the ``batch`` (rows
    of very different sizes) is checked by :func:`check_softmax_batch`.
    """
    for z in probes:
        z = np.asarray(z) if isinstance(z, np.ndarray) else np.asarray(z, dtype=float)
        what = f"{name}({_listed(z)})" + ("" if z.dtype == np.float64 else f" of {z.dtype} logits")
        a = as_result_array(
            call(my_softmax, z, what=what, untouched=untouched), what, shape=z.shape
        )
        want = nn.softmax(z.astype(float))
        tolerance = dict(rtol=2e-3, atol=1e-3) if z.dtype == np.float16 else dict(rtol=rtol)
        if matches(a, want, **tolerance):
            continue
        _diagnose(a, want, z, mistakes, what)
        check(
            np.all(np.isfinite(a)),
            f"{what} gave {shown(a)}: subtract max(z) from every logit "
            "before np.exp, so that no exponential overflows.",
        )
        check_close(a, want, what, **tolerance)
    if batch is not None:
        check_softmax_batch(
            my_softmax, Z=batch, name=name, untouched=untouched, rtol=rtol, mistakes=mistakes
        )
