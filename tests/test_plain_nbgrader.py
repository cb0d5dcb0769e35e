"""Plain ``nbgrader autograde`` with the course's nbgrader_config.py also runs the checks outside
the student's kernel (no sandbox: that needs ``python -m autograder grade``)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder.course import COURSE, use_environment_bin
from autograder.report import read_scores
from tests.test_forgery import ASSIGNMENT, SOURCE, submission

pytestmark = [pytest.mark.slow, pytest.mark.heavy(minutes=2)]


def test_plain_nbgrader_autograde_uses_the_checker(tmp_path):
    use_environment_bin()
    shutil.copytree(SOURCE / ASSIGNMENT, tmp_path / "source" / ASSIGNMENT)
    (tmp_path / "nbgrader_config.py").write_text(
        f"exec(open({str(COURSE / 'nbgrader_config.py')!r}).read())\n"
        f"c.CourseDirectory.root = {str(tmp_path)!r}\n"
    )
    nbgrader = [sys.executable, "-m", "nbgrader"]
    run = {"cwd": tmp_path, "check": True, "capture_output": True, "text": True}
    subprocess.run(nbgrader + ["generate_assignment", ASSIGNMENT, "--force"], **run)
    students = {"honest": "solved", "forger": "noop_checks"}
    for student, kind in students.items():
        folder = tmp_path / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(submission(kind), str(folder / f"{ASSIGNMENT}.ipynb"))
    done = subprocess.run(nbgrader + ["autograde", ASSIGNMENT], **run)
    scores = read_scores(tmp_path, ASSIGNMENT, list(students))
    assert scores["honest"]["score"] == 8, done.stderr[-3000:]
    assert scores["forger"]["score"] == 0, done.stderr[-3000:]
    autograded = tmp_path / "autograded" / "honest" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    text = autograded.read_text()
    assert "The hidden tests passed." in text and "BEGIN HIDDEN TESTS" not in text
