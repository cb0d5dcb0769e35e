"""Reading a student's files (autograder.intake.files): links, pipes and devices are never read."""

from __future__ import annotations

import os

import pytest

from tests.intake.helpers import (
    HOSTILE_ENTRIES,
    NAME,
    SECRET,
    assert_student_safe,
    is_blank,
    make_secret_link,
    prepared,
    submission_of,
    within,
)


@pytest.mark.parametrize("renamed", [False, True], ids=["expected name", "renamed candidate"])
@pytest.mark.parametrize("kind", list(HOSTILE_ENTRIES))
def test_a_notebook_that_is_not_a_regular_file_is_never_followed_or_read(
    class_dir, tmp_path, release, kind, renamed
):
    make, words = HOSTILE_ENTRIES[kind]
    sub = submission_of(class_dir)
    make(sub.folder / ("mine.ipynb" if renamed else NAME), tmp_path)
    with within(20):
        notes, dest = prepared(sub, tmp_path, release)
    assert is_blank(dest)
    assert SECRET not in (dest / NAME).read_text()
    assert len(notes) == 1 and words in notes[0] and "graded as blank" in notes[0]
    assert ("mine.ipynb" in notes[0]) == renamed
    assert_student_safe(notes, tmp_path)


def test_a_notebook_swapped_for_a_link_after_its_check_is_still_not_followed(
    class_dir, tmp_path, release, monkeypatch
):
    sub = submission_of(class_dir)
    make_secret_link(sub.folder / NAME, tmp_path)
    real_lstat, regular = os.lstat, tmp_path / "regular.ipynb"
    regular.write_text("{}")

    def lstat_before_the_swap(path, *, dir_fd=None):
        return real_lstat(path) if dir_fd is None else real_lstat(regular)

    monkeypatch.setattr(os, "lstat", lstat_before_the_swap)
    notes, dest = prepared(sub, tmp_path, release)
    monkeypatch.undo()
    assert is_blank(dest) and SECRET not in (dest / NAME).read_text()
    assert "graded as blank" in notes[0]
    assert_student_safe(notes, tmp_path)
