"""Notebook files that are not notebooks (autograder.intake.notebook): graded blank, quickly.

Binary data, not JSON, JSON nested deeper than the limit, invalid Unicode, another format version.
"""

from __future__ import annotations

import json
import time

import pytest

from autograder.catalogue import solved, write
from tests.intake.helpers import (
    answers,
    assert_student_safe,
    cell_index,
    dumps,
    graded,
    is_blank,
    prepared,
    submission_of,
)

UNREADABLE = {
    "binary": bytes(range(256)) * 40,
    "not JSON": b"this is not a notebook {",
    "JSON list": b"[1, 2, 3]",
    "100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "deep in metadata": json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "cells": [],
            "metadata": {"a": json.loads("[" * 70 + "]" * 70)},
        }
    ).encode(),
    "huge integer": b'{"nbformat": 4, "cells": [], "metadata": {"n": ' + b"9" * 5000 + b"}}",
}


@pytest.mark.parametrize("kind", list(UNREADABLE))
def test_a_file_that_is_not_a_notebook_is_graded_blank(class_dir, tmp_path, release, kind):
    write(class_dir, "ann", UNREADABLE[kind])
    start = time.perf_counter()
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    assert time.perf_counter() - start < 10
    assert is_blank(dest)
    assert len(notes) == 1 and "could not be read as a notebook" in notes[0]
    assert_student_safe(notes, tmp_path)


def test_brackets_inside_strings_do_not_count_as_nesting(class_dir, tmp_path, release):
    nb = solved()
    nb.cells[cell_index(nb, "my_softmax")].source += "\n# " + "[{" * 500 + '\\"' + "]}" * 500
    write(class_dir, "ann", nb)
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    assert notes == [] and answers(graded(dest)) == answers(nb)


def test_text_that_is_not_valid_unicode_is_graded_blank(class_dir, tmp_path, release):
    text = dumps(solved()).replace("YOUR CODE HERE", "\\ud800", 1)
    text = text.replace('"source": "', '"source": "\\ud800', 1)
    write(class_dir, "ann", text)
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    assert is_blank(dest) and "could not be read as a notebook" in notes[0]


@pytest.mark.parametrize(
    "version,shown",
    [(5, "5"), ("4", '"4"'), (3, "3"), (4.0, "4.0"), (None, "null"), ("missing", "")],
)
def test_a_notebook_format_other_than_4_is_graded_blank(
    class_dir, tmp_path, release, version, shown
):
    raw = dict(solved())
    if version == "missing":
        del raw["nbformat"]
    else:
        raw["nbformat"] = version
    write(class_dir, "ann", json.dumps(raw))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    assert is_blank(dest) and len(notes) == 1
    if shown:
        assert f"format version {shown}," in notes[0]
    else:
        assert "does not say which notebook format" in notes[0]
