"""Small seeded data sets for the lessons, generated on the spot (nothing is downloaded).

Every generator takes ``seed`` and returns the same arrays for the same
arguments on every machine.
"""

from __future__ import annotations

import numpy as np

from utils.validation import as_float_array, check_positive

BLOB_CENTERS = np.array([[-5.0, 2.0], [-2.0, -2.0], [1.0, 2.0], [5.0, -2.0]])
"""The four class centres of :func:`make_blobs` (as in the original softmax lab)."""


def make_blobs(n_per_class=100, centers=BLOB_CENTERS, std=1.0, seed=0):
    """Gaussian clusters in 2-D, one per class: returns ``X`` (n, 2) float64 and ``y`` (n,) int64.

    >>> X, y = make_blobs(50)
    >>> X.shape, sorted(set(y.tolist()))
    ((200, 2), [0, 1, 2, 3])
    """
    check_positive(n_per_class, "n_per_class", integer=True)
    check_positive(std, "std")
    centers = as_float_array(centers, "centers", ndim=2)
    if centers.shape[1] != 2:
        raise ValueError(f"centers must have shape (k, 2), got {centers.shape}")
    rng = np.random.default_rng(seed)
    X = np.concatenate([c + std * rng.standard_normal((n_per_class, 2)) for c in centers])
    y = np.repeat(np.arange(len(centers)), n_per_class)
    order = rng.permutation(len(y))
    return X[order], y[order]


MULTILABEL_NAMES = ("right half", "upper half", "inside the circle")


def make_multilabel(n=400, seed=0):
    """Points in the square [-2, 2]^2 with three independent yes/no labels.

    Returns ``X`` (n, 2) and ``Y`` (n, 3) of 0/1: is the point in the right
    half, in the upper half, inside the circle of radius 1.2?  A point can have
    any combination of labels, unlike multiclass where exactly one is true.
    Labels near each boundary are flipped with probability 5% (label noise).
    """
    check_positive(n, "n", integer=True)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n, 2))
    Y = np.stack([X[:, 0] > 0, X[:, 1] > 0, np.hypot(X[:, 0], X[:, 1]) < 1.2], axis=1)
    flip = rng.random(Y.shape) < 0.05
    return X, (Y ^ flip).astype(np.int64)


def make_wavy_regression(n=200, noise=0.1, seed=0):
    """A non-linear 1-D regression set: ``x`` (n, 1) in [0, 6], ``y`` (n,) = sin(x) + x/3 + noise.

    A straight line cannot fit it; a small ReLU network can.
    """
    check_positive(n, "n", integer=True)
    check_positive(noise, "noise", allow_zero=True)
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 6, size=n))
    y = np.sin(x) + x / 3 + noise * rng.standard_normal(n)
    return x.reshape(-1, 1), y


def _beat(t, center, width, height):
    return height * np.exp(-0.5 * ((t - center) / width) ** 2)


def make_ekg(n=600, length=100, seed=0):
    """EKG-like signals of ``length`` samples and a 0/1 label (1 = irregular rhythm).

    A normal trace has evenly spaced heartbeat spikes; an irregular one has its
    beats at uneven intervals and one extra, smaller beat.  Baseline wander and
    noise are added to both.  Returns ``X`` (n, length) float32 and ``y`` (n,) int64,
    balanced between the two classes.  What tells them apart is local (the gap
    between neighbouring beats), which is why a convolutional layer that looks
    at windows of the signal does well.
    """
    check_positive(n, "n", integer=True)
    check_positive(length, "length", integer=True)
    if length < 40:
        raise ValueError(f"length must be at least 40 samples to hold several beats, got {length}")
    rng = np.random.default_rng(seed)
    t = np.arange(length, dtype=np.float64)
    y = np.arange(n) % 2
    X = np.empty((n, length))
    for i in range(n):
        period = rng.uniform(14, 20)
        beats = np.arange(rng.uniform(0, period), length, period)
        if y[i]:
            beats = beats + rng.uniform(-0.35, 0.35, size=beats.size) * period
            extra = rng.uniform(0, length)
            X[i] = _beat(t, extra, 1.2, 0.6)
        else:
            X[i] = 0
        for b in beats:
            X[i] += _beat(t, b, 1.2, 1.0)
        X[i] += 0.15 * np.sin(2 * np.pi * t / length * rng.uniform(0.5, 1.5) + rng.uniform(0, 6.3))
        X[i] += 0.05 * rng.standard_normal(length)
    order = rng.permutation(n)
    return X[order].astype(np.float32), y[order].astype(np.int64)
