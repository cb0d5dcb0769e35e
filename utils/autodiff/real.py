"""What a :class:`~utils.autodiff.engine.Value` accepts as a number, and how numbers are shown.

A Value holds one finite real number as a Python float.  Python and numpy
numbers, 0-d and one-element arrays and tensors are accepted; anything else
(strings, lists, booleans, nan, inf, arrays of several numbers) is refused
with an error that says what was given.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["as_real", "describe", "fmt"]


def fmt(v: float) -> str:
    """Short text for a number: 4 significant digits, no trailing zeros.

    >>> fmt(4.5), fmt(-2.0), fmt(1 / 3)
    ('4.5', '-2', '0.3333')
    """
    return f"{v:.4g}"


def describe(x) -> str:
    """``repr(x)`` (shortened to 40 characters) and its type, for error messages."""
    text = repr(x)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(x).__name__})"


def as_real(x, what: str) -> float:
    """Return ``x`` as a finite Python float, or raise a clear TypeError/ValueError."""
    expected = f"{what} must be a finite real number"
    if isinstance(x, bool):
        raise TypeError(f"{expected}, got {describe(x)}")
    if isinstance(x, numbers.Real):
        try:
            out = float(x)
        except OverflowError:  # e.g. 10**400
            raise ValueError(f"{expected}, got an integer too large for a float") from None
    elif x is None or isinstance(x, (str, bytes, list, tuple, dict, set)):
        raise TypeError(f"{expected}, got {describe(x)}")
    else:  # numpy arrays and scalars, tensors, anything with __array__
        arr = np.asarray(x)
        if arr.dtype.kind not in "iuf":
            raise TypeError(f"{expected}, got {describe(x)} of dtype {arr.dtype}")
        if arr.size != 1:
            raise ValueError(
                f"{expected}, got an array with {arr.size} elements "
                f"(shape {arr.shape}); a Value holds exactly one number"
            )
        out = float(arr.reshape(()))
    if not math.isfinite(out):
        raise ValueError(f"{expected}, got {out}")
    return out
