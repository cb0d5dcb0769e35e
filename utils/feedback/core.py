"""Instant feedback for exercises: checks that say exactly what is wrong.

An exercise's check cell calls a function built from these helpers.  When an
answer is wrong it raises :class:`ExerciseError` with a message for the
student ("softmax([1, 2, 3, 4]) should sum to 1, but sums to 2.5: did you
divide by the sum over the wrong axis?"), and in a notebook only that message
is shown, in red, instead of a long traceback.  The cell still fails, so
nbgrader scores it as failed.  When everything passes, :func:`passed` prints
a green tick.
"""
from __future__ import annotations

import warnings

import numpy as np


class ExerciseError(AssertionError):
    """A wrong answer; the message is written for the student."""


def check(condition, message: str) -> None:
    """Raise :class:`ExerciseError` with ``message`` unless ``condition`` holds."""
    if not condition:
        raise ExerciseError(message)


def call(fn, *args, what: str):
    """Call the student's ``fn(*args)``; turn a crash or a missing answer into a clear message.

    Floating-point warnings (overflow, division by zero) are silenced during the
    call: the check reports what went wrong instead, and a graded cell must not
    write to stderr.
    """
    check(callable(fn), f"{what} should be a function; got {type(fn).__name__}.")
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = fn(*args)
    except NotImplementedError:
        raise ExerciseError(f"{what} is not written yet: replace `raise NotImplementedError()` "
                            "with your code.") from None
    except Exception as err:  # noqa: BLE001 - report any crash of student code clearly
        raise ExerciseError(f"calling {what} raised {type(err).__name__}: {err}") from None
    check(result is not None, f"{what} returned None: did you forget `return`?")
    return result


def as_result_array(result, what: str, shape=None) -> np.ndarray:
    """The student's result as a float array of the expected shape, or a clear error."""
    try:
        arr = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        raise ExerciseError(f"{what} should return numbers; got {type(result).__name__}") from None
    if shape is not None:
        check(arr.shape == tuple(shape),
              f"{what} should return an array of shape {tuple(shape)}, got shape {arr.shape}.")
    return arr


def check_close(got, want, what: str, rtol=1e-6, atol=1e-8, hint: str = "") -> None:
    """Compare numbers, showing both values and the largest difference when they differ."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    check(got.shape == want.shape, f"{what}: expected shape {want.shape}, got {got.shape}.")
    if not np.all(np.isfinite(got)):
        raise ExerciseError(f"{what} contains nan or inf: {np.array2string(got, precision=4)}."
                            + (f" {hint}" if hint else ""))
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        diff = float(np.max(np.abs(got - want)))
        raise ExerciseError(f"{what}: expected {np.array2string(want, precision=4)}, got "
                            f"{np.array2string(got, precision=4)} (largest difference {diff:.3g})."
                            + (f" {hint}" if hint else ""))


def passed(message: str = "All checks passed.") -> None:
    """Print a green tick with ``message``."""
    print(f"\x1b[32m✓ {message}\x1b[0m")


def _show_only_the_message(shell, etype, value, tb, tb_offset=None):
    shell._showtraceback(etype, value, [f"\x1b[31m✗ {value}\x1b[0m"])


def _install_short_tracebacks():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is part of the course environment
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "_showtraceback"):
        shell.set_custom_exc((ExerciseError,), _show_only_the_message)


_install_short_tracebacks()
