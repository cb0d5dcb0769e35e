"""Instant feedback for exercises: checks that say exactly what is wrong.

An exercise's check cell calls a function built from these helpers.  When an
answer is wrong it raises :class:`ExerciseError` with a message for the
student ("softmax([1, 2, 3, 4]) should sum to 1, but sums to 2.5: did you
divide by the sum over the wrong axis?"), and in a notebook only that message
is shown, in red, instead of a long traceback.  Under nbgrader the cell still fails, so
it is scored as failed; in the student's own kernel it does not stop *Run All*
(:mod:`utils.feedback.run_all`).  When everything passes, :func:`passed` prints
a green tick.

Importing this module changes nothing: the message-only display is installed in the
running IPython shell when the first :class:`ExerciseError` is created.
"""

from __future__ import annotations

import contextlib
import types
import warnings

import numpy as np

from utils.i18n import msg


class ExerciseError(AssertionError):
    """A wrong answer; the message is written for the student (shown alone, in red)."""

    def __init__(self, *args):
        super().__init__(*args)
        from utils.feedback import run_all

        # the running IPython shell, if any, shows the message only
        run_all.install((ExerciseError, NotImplementedError))


def check(condition, message: str) -> None:
    """Raise :class:`ExerciseError` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ExerciseError(message)


@contextlib.contextmanager
def quietly():
    """Silence numpy floating-point warnings and Python warnings (a Keras UserWarning, ...).

    nbgrader gives zero points to a graded cell that writes to stderr, so a harmless
    ``RuntimeWarning: overflow`` must not escape from a check: the check reports
    the wrong *value* itself.
    """
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def call(
    fn,
    *args,
    what: str,
    untouched: bool = False,
    example: str = "z -= np.max(z)",
    instead: str = "z = z - np.max(z, ...)",
):
    """Call the student's ``fn(*args)``, quietly; turn a crash or a missing answer into a message.

    With ``untouched`` the array arguments are copies, and changing one of them in place
    (``example``) is a mistake too: the caller's data would be overwritten (``instead``).
    """
    check(callable(fn), msg("feedback.not_function", what=what, kind=type(fn).__name__))
    if untouched:
        args = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)
        originals = [np.array(a, copy=True) if isinstance(a, np.ndarray) else None for a in args]
    try:
        with quietly():
            result = fn(*args)
    except NotImplementedError:
        raise ExerciseError(msg("feedback.not_written", what=what)) from None
    except Exception as err:  # noqa: BLE001 - report any crash of student code clearly
        raise ExerciseError(
            msg("feedback.raised", what=what, error=type(err).__name__, detail=err)
        ) from None
    if untouched:
        for arg, original in zip(args, originals):
            check(
                original is None or np.array_equal(arg, original),
                msg("feedback.in_place", what=what, example=example, instead=instead),
            )
    check(result is not None, msg("feedback.returned_none", what=what))
    return result


def with_stand_ins(fn, **stand_ins):
    """``fn`` with the global names ``stand_ins`` bound to other values while it runs.

    Grades one exercise on its own: ``with_stand_ins(predict_digits, my_softmax=nn.softmax)``
    runs the student's ``predict_digits`` with the reference softmax, so a mistake in
    ``my_softmax`` costs the softmax exercise only.  A function of the student's notebook
    graded from outside their kernel (see ``autograder/remote``) knows ``with_globals``; any
    other callable is returned as it is.
    """
    if hasattr(fn, "with_globals"):
        return fn.with_globals(**stand_ins)
    if not isinstance(fn, types.FunctionType):
        return fn
    scope = dict(fn.__globals__, **stand_ins)
    copy = types.FunctionType(fn.__code__, scope, fn.__name__, fn.__defaults__, fn.__closure__)
    copy.__kwdefaults__ = fn.__kwdefaults__
    return copy


def as_result_array(result, what: str, shape=None) -> np.ndarray:
    """The student's result as a float array of the expected shape, or a clear error."""
    try:
        arr = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise ExerciseError(
            msg("feedback.not_numbers", what=what, kind=type(result).__name__)
        ) from None
    if shape is not None:
        check(
            arr.shape == tuple(shape),
            msg("feedback.wrong_shape", what=what, want=tuple(shape), got=arr.shape),
        )
    return arr


def matches(got, want, *, rtol=1e-6, atol=1e-8, finite=True) -> bool:
    """Same shape and close values (and, with ``finite``, no nan or inf in ``got``).

    With ``finite=False`` nan matches nan and inf matches inf of the same sign, which is
    what comparing a wrong answer with a simulated mistake needs.
    """
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    if got.shape != want.shape or (finite and not np.all(np.isfinite(got))):
        return False
    return bool(np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=not finite))


def shown(values) -> str:
    """Numbers as the messages show them (4 significant digits)."""
    return np.array2string(np.asarray(values, dtype=float), precision=4, suppress_small=False)


def check_close(got, want, what: str, rtol=1e-6, atol=1e-8, hint: str = "") -> None:
    """Compare numbers, showing both values and the largest difference when they differ."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    check(
        got.shape == want.shape,
        msg("feedback.expected_shape", what=what, want=want.shape, got=got.shape),
    )
    if not np.all(np.isfinite(got)):
        raise ExerciseError(
            msg("feedback.not_finite", what=what, got=np.array2string(got, precision=4))
            + (msg("feedback.then_hint", hint=hint) if hint else "")
        )
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        diff = float(np.max(np.abs(got - want)))
        raise ExerciseError(
            msg(
                "feedback.not_close",
                what=what,
                want=np.array2string(want, precision=4),
                got=np.array2string(got, precision=4),
                diff=diff,
            )
            + (msg("feedback.then_hint", hint=hint) if hint else "")
        )


def passed(message: str | None = None) -> None:
    """Print a green tick with ``message`` (default: "All checks passed.", translated)."""
    print(f"\x1b[32m✓ {msg('feedback.passed') if message is None else message}\x1b[0m")
