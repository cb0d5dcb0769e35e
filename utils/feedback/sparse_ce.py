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
from utils.i18n import msg


def _losses(y, z):
    return nn.sparse_categorical_crossentropy(y, z, from_logits=True)


def _picked(a, y):
    return a[np.arange(len(y)), y]


SMALL_LOGIT_MISTAKES = (
    Mistake(
        "no minus sign",
        lambda y, z: -_losses(y, z),
        "feedback.sparse_ce.mistakes.no_minus_sign",
    ),
    Mistake(
        "class y + 1",
        lambda y, z: _losses((y + 1) % z.shape[1], z),
        "feedback.sparse_ce.mistakes.class_y_plus_1",
    ),
    Mistake(
        "class y - 1",
        lambda y, z: _losses((y - 1) % z.shape[1], z),
        "feedback.sparse_ce.mistakes.class_y_minus_1",
    ),
    Mistake(
        "predicted class",
        lambda y, z: _losses(np.argmax(z, axis=1), z),
        "feedback.sparse_ce.mistakes.predicted_class",
    ),
    Mistake(
        "max not added back",
        lambda y, z: _losses(y, z) - np.max(z, axis=1),
        "feedback.sparse_ce.mistakes.max_not_added_back",
    ),
)
"""Wrong losses on ordinary logits."""

LARGE_LOGIT_MISTAKES = (
    Mistake(
        "one max for the batch",
        lambda y, z: np.max(z) + np.log(np.sum(np.exp(z - np.max(z)), axis=1)) - _picked(z, y),
        "feedback.sparse_ce.mistakes.one_max_for_the_batch",
    ),
    Mistake(
        "softmax, then log",
        lambda y, z: -np.log(_picked(nn.softmax(z), y)),
        "feedback.sparse_ce.mistakes.softmax_then_log",
    ),
    Mistake(
        "no max subtracted",
        lambda y, z: np.log(np.sum(np.exp(z), axis=1)) - _picked(z, y),
        "feedback.sparse_ce.mistakes.no_max_subtracted",
    ),
    Mistake(
        "clipped",
        lambda y, z: -np.log(np.clip(_picked(nn.softmax(z), y), nn.EPSILON, 1 - nn.EPSILON)),
        "feedback.sparse_ce.mistakes.clipped",
    ),
)
"""Losses that overflow, underflow or are capped when the logits are huge."""


def _one_number(got, want, what, m) -> str:
    value = float(got.reshape(-1)[0])
    if np.isclose(value, want.mean()):
        return msg(
            "feedback.sparse_ce.one_number_mean", what=what, value=value, m=m, want=shown(want)
        )
    if np.isclose(value, want.sum()):
        return msg("feedback.sparse_ce.one_number_sum", what=what, m=m)
    return msg("feedback.sparse_ce.one_number", what=what, value=value, m=m)


def _check_per_example(got, want, what, m, k) -> None:
    """One loss per example: name a mean, a sum, z[:, y], or the wrong axis."""
    check(got.size != 1, _one_number(got, want, what, m))
    check(
        got.shape != (m, m),
        msg("feedback.sparse_ce.columns_for_every_row", what=what, shape=(m, m), m=m),
    )
    check(
        got.shape != (k,) or k == m,
        msg("feedback.sparse_ce.over_the_examples", what=what, k=k, m=m),
    )
    check(
        got.shape == (m,),
        msg("feedback.sparse_ce.per_example_shape", what=what, m=m, shape=got.shape),
    )


def _name_mistake(got, want, y, z, mistakes, **fields) -> None:
    mistake = first_mistake(got, mistakes, y, z, right=want)
    if mistake is not None:
        raise ExerciseError(mistake.says(got=shown(got), want=shown(want), **fields))


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
    check(
        np.all(np.isfinite(got)),
        msg("feedback.sparse_ce.small_not_finite", what=what, got=shown(got)),
    )
    if not matches(got, want, rtol=rtol):
        _name_mistake(got, want, y, z, small_mistakes, what=what)
        check_close(
            got,
            want,
            msg("feedback.sparse_ce.for_labels", what=what, y=y.tolist()),
            rtol=rtol,
            hint=msg("feedback.sparse_ce.loss_formula"),
        )
    if z_big is None:
        return

    y_big, z_big = np.asarray(y_big), np.asarray(z_big)
    want = _losses(y_big, z_big)
    what_large = msg("feedback.sparse_ce.for_large_logits", what=what)
    got = as_result_array(
        call(fn, y_big, z_big, what=what, untouched=untouched), what_large, shape=want.shape
    )
    if matches(got, want, rtol=rtol_big, atol=atol_big):
        return
    logits = "[" + ", ".join("[" + ", ".join(f"{v:g}" for v in row) + "]" for row in z_big) + "]"
    shown_case = msg(
        "feedback.sparse_ce.shown_case", what=what, got=shown(got), y=y_big.tolist(), logits=logits
    )
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
        msg("feedback.sparse_ce.underflow", shown=shown_case),
    )
    check(
        np.all(np.isfinite(got)),
        msg("feedback.sparse_ce.large_not_finite", shown=shown_case),
    )
    check_close(
        got,
        want,
        what_large,
        rtol=rtol_big,
        atol=atol_big,
        hint=msg("feedback.sparse_ce.exact", want=shown(want)),
    )
