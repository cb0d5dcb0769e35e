"""The seeded toy data sets: repeatable, the promised shapes, and learnable as the lessons claim."""

import numpy as np
import pytest

from utils import synthetic


@pytest.mark.parametrize(
    "make",
    [
        synthetic.make_blobs,
        synthetic.make_multilabel,
        synthetic.make_wavy_regression,
        synthetic.make_ekg,
    ],
)
def test_same_seed_same_data_other_seed_other_data(make):
    a, b, c = make(seed=1), make(seed=1), make(seed=2)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], c[0])


def test_blobs():
    X, y = synthetic.make_blobs(n_per_class=50, seed=0)
    assert X.shape == (200, 2) and np.bincount(y).tolist() == [50] * 4
    for k, center in enumerate(synthetic.BLOB_CENTERS):
        np.testing.assert_allclose(X[y == k].mean(axis=0), center, atol=0.4)


def test_multilabel_has_every_label_combination():
    X, Y = synthetic.make_multilabel(n=400, seed=0)
    assert X.shape == (400, 2) and Y.shape == (400, 3) and set(np.unique(Y)) == {0, 1}
    combos = {tuple(row) for row in Y}
    assert len(combos) >= 7  # several labels at once, unlike multiclass
    assert 0.85 < np.mean(Y[:, 0] == (X[:, 0] > 0)) < 1.0  # 5% label noise


def test_wavy_regression_is_not_linear():
    x, y = synthetic.make_wavy_regression(n=300, noise=0.0, seed=0)
    A = np.c_[x, np.ones_like(x)]
    residual = y - A @ np.linalg.lstsq(A, y, rcond=None)[0]
    assert x.shape == (300, 1) and np.sqrt(np.mean(residual**2)) > 0.3


def test_ekg_classes_are_balanced_and_differ_in_beat_spacing():
    X, y = synthetic.make_ekg(n=200, length=100, seed=0)
    assert X.shape == (200, 100) and X.dtype == np.float32 and np.bincount(y).tolist() == [100, 100]

    def gap_spread(signal):
        peaks = (
            np.flatnonzero(
                (signal[1:-1] > signal[:-2]) & (signal[1:-1] >= signal[2:]) & (signal[1:-1] > 0.5)
            )
            + 1
        )
        return np.std(np.diff(peaks)) if len(peaks) > 2 else 0.0

    spread = np.array([gap_spread(s) for s in X])
    assert spread[y == 1].mean() > 2 * spread[y == 0].mean()


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: synthetic.make_blobs(n_per_class=0), "n_per_class must be > 0"),
        (lambda: synthetic.make_blobs(centers=np.zeros((3, 3))), r"shape \(k, 2\)"),
        (lambda: synthetic.make_multilabel(n=2.5), "n must be an integer"),
        (lambda: synthetic.make_ekg(length=10), "at least 40 samples"),
        (lambda: synthetic.make_wavy_regression(noise=-1), "noise must be >= 0"),
    ],
)
def test_bad_arguments(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
