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
from utils.i18n import msg


def _shifted_softmax(z, shift):
    e = np.exp(z - shift)
    return e / np.sum(e, axis=-1, keepdims=True)


VALUE_MISTAKES = (
    Mistake(
        "ratio",
        lambda z: z / np.sum(z, axis=-1, keepdims=True),
        "feedback.softmax.mistakes.ratio",
    ),
    Mistake("not divided", np.exp, "feedback.softmax.mistakes.not_divided"),
    Mistake(
        "shifted, not divided",
        lambda z: np.exp(z - np.max(z, axis=-1, keepdims=True)),
        "feedback.softmax.mistakes.not_divided",
    ),
)
"""Wrong softmax values on ordinary logits."""

STABILITY_MISTAKES = (
    Mistake(
        "mean subtracted",
        lambda z: _shifted_softmax(z, np.mean(z, axis=-1, keepdims=True)),
        "feedback.softmax.mistakes.not_the_max",
    ),
    Mistake(
        "smallest subtracted",
        lambda z: _shifted_softmax(z, np.min(z, axis=-1, keepdims=True)),
        "feedback.softmax.mistakes.not_the_max",
    ),
    Mistake(
        "no max",
        lambda z: _shifted_softmax(z, 0),
        "feedback.softmax.mistakes.no_max",
    ),
    Mistake(
        "one max for the batch",
        lambda z: _shifted_softmax(z, np.max(z)),
        "feedback.softmax.mistakes.one_max_for_the_batch",
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
    overflow = msg("feedback.softmax.overflow", first=first)
    if dtype != np.float64:
        largest = float(np.finfo(dtype).max)
        overflow = msg("feedback.softmax.overflow_dtype", dtype=dtype, largest=largest, first=first)
    bad = np.flatnonzero(~np.all(np.isfinite(np.atleast_2d(got)), axis=-1)).tolist()
    return dict(what=what, got=shown(got), overflow=overflow, rows=bad, top=float(np.max(z)))


def _diagnose(got, want, z, mistakes, what) -> None:
    """Name the first mistake of the catalogue that ``got`` is, if any."""
    mistake = first_mistake(got, mistakes, z, right=want)
    if mistake is not None:
        raise ExerciseError(mistake.says(**_fields(what, got, z)))


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
            msg("feedback.softmax.values_not_finite", what=what, got=shown(a)),
        )
        _diagnose(a, want, z, mistakes, what)
        check(
            abs(a.sum() - 1) < 1e-6,
            msg("feedback.softmax.values_sum", what=what, got=shown(a), total=a.sum()),
        )
        hint = msg("feedback.softmax.expected_rounded", want=np.array2string(want.round(3)))
        check_close(a, want, what, rtol=1e-6, hint=hint)
    if integer_input:
        what_int = msg("feedback.softmax.what_integers", name=name, z=_listed(z))
        raw = call(my_softmax, z.astype(int), what=what_int, untouched=untouched)
        a_int = as_result_array(raw, what_int, shape=z.shape)
        check(
            np.issubdtype(np.asarray(raw).dtype, np.floating) and matches(a_int, want),
            msg("feedback.softmax.integer_input", what=what_int, got=shown(a_int)),
        )


def check_softmax_batch(
    my_softmax, *, Z, name="my_softmax", untouched=False, rtol=1e-6, mistakes=STABILITY_MISTAKES
) -> None:
    """``my_softmax(Z)`` for a batch, one example per row: every row sums to 1 on its own."""
    Z = np.asarray(Z)
    what = msg("feedback.softmax.what_batch", name=name, shape=Z.shape)
    m = Z.shape[0]
    try:
        A = call(my_softmax, Z, what=what, untouched=untouched)
    except ExerciseError as err:
        if "broadcast" in str(err):
            raise ExerciseError(
                msg("feedback.softmax.broadcast", error=err, shape=Z.shape, m=m)
            ) from None
        raise
    A = as_result_array(A, what)
    check(
        A.shape == Z.shape,
        msg("feedback.softmax.batch_shape", what=what, got=A.shape, want=Z.shape),
    )
    want = nn.softmax(Z)
    if matches(A, want, rtol=rtol):
        return
    _diagnose(A, want, Z, mistakes, what)
    bad = np.flatnonzero(~np.all(np.isfinite(A), axis=1)).tolist()
    check(not bad, msg("feedback.softmax.rows_not_finite", what=what, rows=bad))
    rows, cols = A.sum(axis=1), A.sum(axis=0)
    if not np.allclose(rows, 1):
        fields = dict(what=what, rows=shown(rows))
        check(not np.allclose(cols, 1), msg("feedback.softmax.wrong_axis", **fields))
        check(abs(A.sum() - 1) > 1e-6, msg("feedback.softmax.whole_batch", **fields))
        raise ExerciseError(msg("feedback.softmax.rows_sum", **fields))
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
        what = f"{name}({_listed(z)})"
        if z.dtype != np.float64:
            what = msg("feedback.softmax.what_dtype", what=what, dtype=z.dtype)
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
            msg("feedback.softmax.stable_not_finite", what=what, got=shown(a)),
        )
        check_close(a, want, what, **tolerance)
    if batch is not None:
        check_softmax_batch(
            my_softmax, Z=batch, name=name, untouched=untouched, rtol=rtol, mistakes=mistakes
        )
