"""The nbgrader course in one place: its id, stubs, folders, cell timeout and gradebook.

``nbgrader_config.py`` (plain ``nbgrader ...`` commands run in ``autograder/``), ``make release``
and ``python -m autograder grade`` all read their settings from here, so that they grade alike.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

COURSE = Path(__file__).resolve().parent
SOURCE = COURSE / "source"
REPO = COURSE.parent
STUDENT_DIR = REPO / "notebooks" / "week2"

COURSE_ID = "mls-week2"
CODE_STUB = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
TEXT_STUB = "YOUR ANSWER HERE"
CELL_TIMEOUT = 60  # seconds a cell may run while grading


def course_config(root: Path):
    """nbgrader's configuration for a course folder ``root``."""
    from traitlets.config import Config

    config = Config()
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.course_id = COURSE_ID
    config.ClearSolutions.code_stub = CODE_STUB
    config.ClearSolutions.text_stub = TEXT_STUB
    config.Exchange.root = str(Path(root) / "exchange")
    config.Execute.timeout = CELL_TIMEOUT
    config.Execute.interrupt_on_timeout = True
    return config


def gradebook_url(course: Path) -> str:
    """The gradebook of a course folder (one SQLite file)."""
    return f"sqlite:///{Path(course) / 'gradebook.db'}"


def assignments(source: Path = SOURCE) -> list[str]:
    """The assignment names: one folder with a notebook per assignment under ``source``."""
    return sorted(p.name for p in Path(source).iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def use_environment_bin() -> None:
    """Put this Python's bin folder first on PATH: a new gradebook runs ``alembic`` by name."""
    bin_dir = str(Path(sys.executable).parent)
    if os.environ.get("PATH", "").split(os.pathsep)[0] != bin_dir:
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
