"""Shared fixtures.  TensorFlow is imported once per test process, quietly."""

import os

import matplotlib
import numpy as np
import pytest

from autograder.notebooks import RunCache
from utils import quiet_tf
from utils.i18n import LANG_ENV

quiet_tf.install()  # TensorFlow imported by the tests stays quiet (the .pth hook does it too)
matplotlib.use("Agg")
os.environ.setdefault("PYTHONHASHSEED", "0")


def pytest_collection_modifyitems(config, items):
    """The longest files first (``heavy(minutes=...)``, a rough measured duration).

    CI runs ``-n 2 --dist loadfile``: a file stays on one worker, so a module's expensive
    fixture (a graded class, a running lab) is built once, and the two workers take files in
    this order, so the long ones start early and both workers finish at about the same time.
    """

    def minutes(item) -> float:
        mark = item.get_closest_marker("heavy")
        return mark.kwargs.get("minutes", 1) if mark else 0

    items.sort(key=minutes, reverse=True)  # stable: a file's tests keep their order


@pytest.fixture(params=["en", "zh"])
def lang(request, monkeypatch):
    """Each test that takes it runs in English and in Chinese (``COURSE_LANG``)."""
    monkeypatch.setenv(LANG_ENV, request.param)
    return request.param


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


@pytest.fixture(scope="session")
def executed_notebook(tmp_path_factory):
    """``executed_notebook(lesson_id, mode)``: the lesson's notebook executed in ``mode``
    ("solved", "autograde" or "blank", see ``autograder.notebooks.MODES``) as a ``Run``.

    Each notebook is executed once per test session, however many tests and pytest-xdist workers
    ask for it: the runs are kept on disk in the session's temporary folder, which the workers
    share (each worker's own base folder is a subfolder of it), one lock file per notebook.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-of-<user>/pytest-<n>/, shared by this session's workers
    return RunCache(base / "executed-notebooks").run
