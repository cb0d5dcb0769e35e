"""Input checks shared by the course library.

Every public function validates what it is given and fails with a message
that says what was expected, what arrived, and (where it helps) what to do.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(
    x, name: str, *, ndim: int | tuple[int, ...] | None = None, allow_nan: bool = False
) -> np.ndarray:
    """Return ``x`` as a floating-point ndarray, or raise a clear error.

    Integers and booleans are converted to float64; float16/32/64 are kept,
    so that the stability lessons can study each precision.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a number or an array of numbers, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got an array of dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    if not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float64)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {arr.shape} ({arr.ndim}-D)")
    if not allow_nan and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); expected finite numbers")
    return arr


def as_labels(y, name: str, *, n_classes: int | None = None) -> np.ndarray:
    """Return integer class labels as an int64 array (floats like 3.0 are accepted)."""
    arr = np.asarray(y)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold integer class labels, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values; expected class labels")
        if not np.all(arr == np.round(arr)):
            raise ValueError(f"{name} must hold whole-number class labels, got fractional values")
    arr = arr.astype(np.int64)
    if n_classes is not None and arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"{name} must be class indices in 0..{n_classes - 1}, "
            f"got values from {arr.min()} to {arr.max()}"
        )
    return arr


def check_positive(value, name: str, *, integer: bool = False, allow_zero: bool = False):
    """Check a scalar hyper-parameter (learning rate, epochs, ...)."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "an integer" if integer else "a number"
        raise TypeError(f"{name} must be {what}, got {value!r}")
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return value


def check_same_rows(a: np.ndarray, b: np.ndarray, a_name: str, b_name: str) -> None:
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{a_name} and {b_name} must have the same number of examples "
            f"(rows), got {a.shape[0]} and {b.shape[0]}"
        )
