r"""Checks of a student's sparse categorical cross-entropy from logits, $L_i = -\log a_{y_i}$.

:func:`check_sparse_ce` runs the student's ``fn(y, z)`` on ordinary logits (one loss per
example? the right class? the minus sign? the max added back?) and then on huge
logits, where only log-sum-exp, $\log a_y = z_y - m - \log\sum_k e^{z_k - m}$ with $m$ the
row's max, stays exact.  Each wrong answer is named from a mistake catalogue; the
references come from :func:`utils.nn.sparse_categorical_crossentropy`.
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
    shown,
)
from utils.feedback.mistakes import Mistake, first_mistake


def _losses(y, z):
    return nn.sparse_categorical_crossentropy(y, z, from_logits=True)


def _picked(a, y):
    return a[np.arange(len(y)), y]


SMALL_LOGIT_MISTAKES = (
    Mistake(
        "no minus sign",
        lambda y, z: -_losses(y, z),
        "{what} gave {got}, the negatives of the losses: the loss is MINUS log a_y, which is "
        ">= 0. Check the minus sign.",
    ),
    Mistake(
        "class y + 1",
        lambda y, z: _losses((y + 1) % z.shape[1], z),
        "{what} used the wrong class: your losses match class y + 1 ({got}). Use the true "
        "label y of each example as the column index.",
    ),
    Mistake(
        "class y - 1",
        lambda y, z: _losses((y - 1) % z.shape[1], z),
        "{what} used the wrong class: your losses match class y - 1 ({got}). Use the true "
        "label y of each example as the column index.",
    ),
    Mistake(
        "predicted class",
        lambda y, z: _losses(np.argmax(z, axis=1), z),
        "{what} used the predicted class (the argmax of z) instead of the true label y.",
    ),
    Mistake(
        "max not added back",
        lambda y, z: _losses(y, z) - np.max(z, axis=1),
        "{what} gave {got}: it looks as if you subtracted the max m inside the exp but did "
        "not add it back. log sum_k e^(z_k) = m + log sum_k e^(z_k - m).",
    ),
)
"""Wrong losses on ordinary logits."""

LARGE_LOGIT_MISTAKES = (
    Mistake(
        "one max for the batch",
        lambda y, z: np.max(z) + np.log(np.sum(np.exp(z - np.max(z)), axis=1)) - _picked(z, y),
        "{shown}: -inf means the log of a sum that underflowed to 0. Each row needs its own "
        "max (np.max(z, axis=1, keepdims=True)); with one max for the whole batch ({top:g}), "
        "every e^(z_k - {top:g}) of row(s) {rows} underflows to 0.",
    ),
    Mistake(
        "softmax, then log",
        lambda y, z: -np.log(_picked(nn.softmax(z), y)),
        "{shown}: the loss of row(s) {rows} should be {want_rows}, but you took the softmax "
        "first and then the log: a_y = e^(z_y - m) / ... underflows to 0 and -log(0) = inf. "
        "Compute log a_y directly: z_y - m - log sum_k e^(z_k - m), with m the row's max.",
    ),
    Mistake(
        "no max subtracted",
        lambda y, z: np.log(np.sum(np.exp(z), axis=1)) - _picked(z, y),
        "{shown}: e^{top:g} overflowed to inf. Use log-sum-exp: subtract each row's max m "
        "before exp, and add m back after the log.",
    ),
    Mistake(
        "clipped",
        lambda y, z: -np.log(np.clip(_picked(nn.softmax(z), y), nn.EPSILON, 1 - nn.EPSILON)),
        "{shown}: you clipped the probabilities (as Keras does when given probabilities), "
        "which caps every loss at -log(1e-7) = 16.12. The true losses are {want}: work from "
        "the logits, without clipping.",
    ),
)
"""Losses that overflow, underflow or are capped when the logits are huge."""


def _one_number(got, want, what, m) -> str:
    value = float(got.reshape(-1)[0])
    if np.isclose(value, want.mean()):
        return (
            f"{what} returned one number, {value:.4f}, the mean over the batch. Return one "
            f"loss per example, shape ({m},) here: {shown(want)}. (Keras's loss functions do "
            "the same; the cost J is their mean, taken later.)"
        )
    if np.isclose(value, want.sum()):
        return (
            f"{what} returned one number, the sum over the batch. Return one loss per "
            f"example, shape ({m},)."
        )
    return (
        f"{what} returned one number ({value:.4f}); return one loss per example, shape "
        f"({m},), and let the caller take the mean."
    )


def _check_per_example(got, want, what, m, k) -> None:
    """One loss per example: name a mean, a sum, z[:, y], or the wrong axis."""
    check(got.size != 1, _one_number(got, want, what, m))
    check(
        got.shape != (m, m),
        f"{what} returned shape {(m, m)} for {m} examples: z[:, y] picks the columns y for "
        "EVERY row. Pick one entry per row: z[np.arange(len(y)), y].",
    )
    check(
        got.shape != (k,) or k == m,
        f"{what} returned shape ({k},) for {m} examples with {k} classes: did you sum or take "
        "the max over axis 0 (the examples) instead of axis 1 / axis=-1 (the classes)?",
    )
    check(
        got.shape == (m,),
        f"{what} should return one loss per example, shape ({m},), got shape {got.shape}.",
    )


def _name_mistake(got, want, y, z, mistakes, **fields) -> None:
    mistake = first_mistake(got, mistakes, y, z, right=want)
    if mistake is not None:
        raise ExerciseError(mistake.message.format(got=shown(got), want=shown(want), **fields))


def check_sparse_ce(
    fn,
    *,
    y,
    z,
    y_big=None,
    z_big=None,
    name="sparse_ce",
    untouched=False,
    rtol=1e-6,
    rtol_big=1e-9,
    atol_big=1e-8,
    small_mistakes=SMALL_LOGIT_MISTAKES,
    large_mistakes=LARGE_LOGIT_MISTAKES,
) -> None:
    """Check ``fn(y, z)``: one loss per example on ``(y, z)``, exact on huge logits ``z_big``."""
    y, z = np.asarray(y), np.asarray(z)
    m, k = z.shape
    what = f"{name}(y, z)"
    want = _losses(y, z)
    got = as_result_array(call(fn, y, z, what=what, untouched=untouched), what)
    _check_per_example(got, want, what, m, k)
    check(np.all(np.isfinite(got)), f"{what} gave {shown(got)} for small logits: nan or inf.")
    if not matches(got, want, rtol=rtol):
        _name_mistake(got, want, y, z, small_mistakes, what=what)
        check_close(
            got,
            want,
            f"{what} for y = {y.tolist()}",
            rtol=rtol,
            hint="The loss is L = log(sum_k e^(z_k)) - z_y for each row.",
        )
    if z_big is None:
        return

    y_big, z_big = np.asarray(y_big), np.asarray(z_big)
    want = _losses(y_big, z_big)
    got = as_result_array(
        call(fn, y_big, z_big, what=what, untouched=untouched),
        f"{what} for large logits",
        shape=want.shape,
    )
    if matches(got, want, rtol=rtol_big, atol=atol_big):
        return
    logits = "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in z_big) + "]"
    shown_case = f"{what} gave {shown(got)} for y = {y_big.tolist()} and the logits {logits}"
    bad = np.flatnonzero(~np.isfinite(got))
    fields = dict(
        what=what,
        shown=shown_case,
        top=float(np.max(z_big)),
        rows=bad.tolist(),
        want_rows=shown(want[bad]),
    )
    _name_mistake(got, want, y_big, z_big, large_mistakes, **fields)
    check(
        not np.any(np.isneginf(got)),
        f"{shown_case}: -inf means the log of a sum that underflowed to 0. Each row needs its "
        "own max, np.max(z, axis=1, keepdims=True).",
    )
    check(
        np.all(np.isfinite(got)),
        f"{shown_case}: inf or nan, because computing softmax and then log overflows or "
        "underflows. Use log-sum-exp: log a_y = z_y - m - log(sum(exp(z - m))), with m the "
        "row's max.",
    )
    check_close(
        got,
        want,
        f"{what} for large logits",
        rtol=rtol_big,
        atol=atol_big,
        hint=f"The exact losses are {shown(want)}: the from-logits formula is exact.",
    )
