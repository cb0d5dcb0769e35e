"""Preparing a submission (autograder.intake.prepare): only the expected notebooks reach nbgrader.

A missing, renamed, unusable or oversized notebook is replaced by the blank release, with a note
that names files only.
"""

from __future__ import annotations

import shutil

import nbformat

from autograder import intake
from autograder.catalogue import blank, solved, write
from autograder.intake import Limits, Submission
from autograder.notebooks import RELEASED
from tests.intake.helpers import (
    ASSIGNMENT,
    NAME,
    SECRET,
    answer_with_secret,
    answers,
    assert_student_safe,
    graded,
    is_blank,
    prepared,
    submission_of,
)


def test_a_clean_solved_notebook_passes_through_unchanged(class_dir, tmp_path, release):
    sub = submission_of(class_dir)
    write(class_dir, "ann", solved())
    notes, dest = prepared(sub, tmp_path, release)
    assert notes == []
    assert graded(dest) == solved()


def test_only_the_expected_notebook_reaches_nbgrader(class_dir, tmp_path, release):
    sub = submission_of(class_dir)
    path = write(class_dir, "ann", solved())
    (path.parent / "timestamp.txt").write_text("2020-01-01 00:00:00.000000 UTC")
    (path.parent / "keras.py").write_text("raise SystemExit('PLANTED')\n")
    (path.parent / "numpy").mkdir()
    write(class_dir, "ann", blank(), name="scratch.ipynb")
    dest = tmp_path / "course" / "submitted" / "ann" / ASSIGNMENT
    dest.mkdir(parents=True)
    (dest / "old.py").write_text("left over")
    (dest / "link").symlink_to(tmp_path)
    notes, dest = prepared(sub, tmp_path, release)
    assert notes == []
    assert sorted(p.name for p in dest.iterdir()) == [NAME]
    assert answers(graded(dest)) == answers(solved())
    assert tmp_path.is_dir()  # the old link was not followed


def test_a_missing_notebook_is_graded_blank(class_dir, tmp_path, release):
    sub = submission_of(class_dir)
    (sub.folder / "notes.txt").write_text("I forgot")
    notes, dest = prepared(sub, tmp_path, release)
    assert is_blank(dest)
    assert notes == [f"{NAME} was missing from your submission; it was graded as blank"]


def test_a_single_renamed_notebook_is_graded_in_its_place(class_dir, tmp_path, release):
    sub = submission_of(class_dir)
    write(class_dir, "ann", solved(), name="assignment_digits (1).ipynb")
    notes, dest = prepared(sub, tmp_path, release)
    assert answers(graded(dest)) == answers(solved())
    assert len(notes) == 1 and "graded in its place" in notes[0]


def test_two_other_notebooks_are_not_guessed_between(class_dir, tmp_path, release):
    sub = submission_of(class_dir)
    write(class_dir, "ann", solved(), name="a.ipynb")
    write(class_dir, "ann", solved(), name="b.ipynb")
    notes, dest = prepared(sub, tmp_path, release)
    assert is_blank(dest) and "missing from your submission" in notes[0]


def test_a_strange_file_name_is_echoed_short_and_without_control_characters(
    class_dir, tmp_path, release
):
    sub = submission_of(class_dir)
    write(class_dir, "ann", solved(), name="\x1b[2J\u202e" + "x" * 200 + ".ipynb")
    notes, dest = prepared(sub, tmp_path, release)
    assert answers(graded(dest)) == answers(solved())
    assert "graded in its place" in notes[0] and len(notes[0]) < 250
    assert "\x1b" not in notes[0] and "\u202e" not in notes[0]
    assert_student_safe(notes, tmp_path)


def test_a_folder_that_is_not_usable_gets_the_blank_release_and_its_problem(tmp_path, release):
    sub = Submission(
        "Eve", "Eve", None, problem="the submission folder is a symbolic link; it was not followed"
    )
    notes, dest = prepared(sub, tmp_path, release)
    assert is_blank(dest)
    assert notes == [
        "the submission folder is a symbolic link; it was not followed, so "
        f"{NAME} was graded as blank"
    ]


def test_a_symlinked_student_folder_found_by_find_is_never_read(class_dir, tmp_path, release):
    secret = tmp_path / "secret_student"
    write(secret, "x", answer_with_secret())
    (class_dir / "eve").symlink_to(secret / "x")
    (sub,) = intake.find(class_dir, ASSIGNMENT)
    notes, dest = prepared(sub, tmp_path, release)
    assert is_blank(dest) and SECRET not in (dest / NAME).read_text()
    assert "symbolic link" in notes[0]
    assert_student_safe(notes, tmp_path)


def test_an_assignment_folder_swapped_for_a_link_after_find_is_not_followed(
    class_dir, tmp_path, release
):
    sub = submission_of(class_dir)
    write(class_dir, "ann", solved())
    secret = tmp_path / "elsewhere"
    write(secret, "x", answer_with_secret())
    shutil.rmtree(sub.folder)
    sub.folder.symlink_to(secret / "x" / ASSIGNMENT)
    notes, dest = prepared(sub, tmp_path, release)
    assert is_blank(dest) and SECRET not in (dest / NAME).read_text()
    assert "could not be opened" in notes[0]
    assert_student_safe(notes, tmp_path)


def test_a_notebook_over_the_file_limit_is_not_used(class_dir, tmp_path, release):
    write(class_dir, "ann", solved())
    notes, dest = prepared(
        submission_of(class_dir), tmp_path, release, limits=Limits(file_bytes=10_000)
    )
    assert is_blank(dest) and "larger than" in notes[0]


def test_notebooks_over_the_submission_limit_together_are_not_used(class_dir, tmp_path, release):
    second = "01_compile_and_fit.ipynb"
    shutil.copy(RELEASED / second, release / second)
    sub = submission_of(class_dir)
    first_bytes = write(class_dir, "ann", solved()).stat().st_size
    shutil.copy(RELEASED / second, sub.folder / second)
    limits = Limits(submission_bytes=first_bytes + 10)
    notes, dest = prepared(sub, tmp_path, release, limits=limits)
    assert sorted(p.name for p in dest.iterdir()) == [second, NAME]
    assert answers(nbformat.read(str(dest / NAME), as_version=4)) == answers(solved())
    assert len(notes) == 1 and second in notes[0] and "together" in notes[0]
    assert nbformat.read(str(dest / second), as_version=4) == nbformat.read(
        str(RELEASED / second), as_version=4
    )
