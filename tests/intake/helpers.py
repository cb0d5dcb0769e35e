"""Shared by the intake tests: a class built in ``tmp_path``, and what reached nbgrader."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
from pathlib import Path

import nbformat

from autograder import intake
from autograder.catalogue import blank, solved
from autograder.intake import Submission

ASSIGNMENT = "assignment_digits"
NAME = f"{ASSIGNMENT}.ipynb"
SECRET = "SECRET-SOLUTION-4f1c9e"
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJ"
    "RU5ErkJggg=="
)


@contextlib.contextmanager
def within(seconds: float):
    """Fail (instead of hanging the suite) if the block takes longer than ``seconds``."""

    def expire(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def submission_of(class_dir: Path, student: str = "ann") -> Submission:
    folder = class_dir / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    return Submission(student=student, student_id=student, folder=folder)


def prepared(sub: Submission, tmp_path: Path, release: Path, **options):
    """``(notes, dest)`` after :func:`intake.prepare`."""
    dest = tmp_path / "course" / "submitted" / sub.student_id / ASSIGNMENT
    with within(60):
        notes = intake.prepare(sub, dest, release, **options)
    return notes, dest


def graded(dest: Path) -> nbformat.NotebookNode:
    assert sorted(p.name for p in dest.iterdir()) == [NAME]
    return nbformat.read(str(dest / NAME), as_version=4)


def is_blank(dest: Path) -> bool:
    return graded(dest) == blank()


def answers(nb) -> dict[str, str]:
    return {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }


def dumps(nb) -> str:
    """A notebook as raw JSON (so that tests can write what nbformat would refuse to)."""
    return json.dumps(nb)


def cell_index(nb, grade_id: str) -> int:
    return next(
        i
        for i, c in enumerate(nb.cells)
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def assert_student_safe(notes: list[str], tmp_path: Path) -> None:
    """Notes name files only and echo no control characters."""
    for note in notes:
        assert str(tmp_path) not in note and "/tmp" not in note, note
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in note), repr(note)


def on_disk(folder: Path) -> int:
    """Bytes in the regular files under ``folder``."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if stat.S_ISREG(p.lstat().st_mode))


def answer_with_secret():
    nb = solved()
    nb.cells[cell_index(nb, "my_softmax")].source = f"# {SECRET}\n" + answers(nb)["my_softmax"]
    return nb


def make_dangling(path: Path, tmp_path: Path) -> None:
    path.symlink_to(tmp_path / "nowhere.ipynb")


def make_fifo(path: Path, tmp_path: Path) -> None:
    os.mkfifo(path)


def make_dev_zero_link(path: Path, tmp_path: Path) -> None:
    path.symlink_to("/dev/zero")


def make_directory(path: Path, tmp_path: Path) -> None:
    (path / "inner.ipynb").mkdir(parents=True)


def make_secret_link(path: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ipynb"
    nbformat.write(answer_with_secret(), str(secret))
    path.symlink_to(secret)


HOSTILE_ENTRIES = {
    "dangling symlink": (make_dangling, "symbolic link"),
    "FIFO": (make_fifo, "named pipe"),
    "link to /dev/zero": (make_dev_zero_link, "symbolic link"),
    "directory": (make_directory, "is a folder"),
    "link to a secret": (make_secret_link, "symbolic link"),
}
