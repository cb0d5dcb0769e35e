"""Shared fixtures.  TensorFlow is imported once per test process, quietly."""

import os

import matplotlib
import numpy as np
import pytest

from utils import quiet_tf

quiet_tf.install()  # TensorFlow imported by the tests stays quiet (the .pth hook does it too)
matplotlib.use("Agg")
os.environ.setdefault("PYTHONHASHSEED", "0")


@pytest.fixture(scope="session")
def tf():
    import tensorflow

    return tensorflow


@pytest.fixture(scope="session")
def keras(tf):
    import keras as keras_module

    return keras_module


@pytest.fixture
def rng():
    return np.random.default_rng(20221)
