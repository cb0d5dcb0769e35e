"""Fixtures of the intake tests: the released notebook, and an empty class folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder.notebooks import RELEASED
from tests.intake.helpers import NAME


@pytest.fixture
def release(tmp_path) -> Path:
    folder = tmp_path / "release"
    folder.mkdir()
    shutil.copy(RELEASED / NAME, folder / NAME)
    return folder


@pytest.fixture
def class_dir(tmp_path) -> Path:
    folder = tmp_path / "submissions"
    folder.mkdir()
    return folder
