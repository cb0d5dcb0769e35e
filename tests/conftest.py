"""Shared fixtures.  TensorFlow is imported once per test process, quietly."""
import os

import matplotlib
import numpy as np
import pytest

import utils  # noqa: F401  (installs the quiet TensorFlow import hook)

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
