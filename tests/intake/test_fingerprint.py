"""Fingerprints (autograder.intake.fingerprint): what intake reads, and nothing else, hashed."""

from __future__ import annotations

import nbformat
import pytest

from autograder import intake
from autograder.catalogue import blank, solved, write
from autograder.intake import Limits, Submission
from tests.intake.helpers import HOSTILE_ENTRIES, NAME, submission_of, within


def test_the_fingerprint_follows_the_notebook_and_ignores_other_files(class_dir):
    sub = submission_of(class_dir)
    path = write(class_dir, "ann", solved())
    first = intake.fingerprint(sub)
    assert intake.fingerprint(sub) == first
    (path.parent / "timestamp.txt").write_text("2020-01-01")
    (path.parent / "keras.py").write_text("x = 1")
    assert intake.fingerprint(sub) == first
    write(class_dir, "ann", blank())
    assert intake.fingerprint(sub) != first
    assert intake.fingerprint(Submission("ann", "ann", None, "a")) != intake.fingerprint(
        Submission("ann", "ann", None, "b")
    )


@pytest.mark.parametrize("kind", ["FIFO", "link to /dev/zero", "link to a secret"])
def test_the_fingerprint_never_follows_blocks_on_or_reads_special_files(class_dir, tmp_path, kind):
    make, _ = HOSTILE_ENTRIES[kind]
    sub = submission_of(class_dir)
    make(sub.folder / NAME, tmp_path)
    with within(10):
        first = intake.fingerprint(sub)
    if kind == "link to a secret":
        nbformat.write(blank(), str(tmp_path / "secret.ipynb"))
        assert intake.fingerprint(sub) == first  # the target was never read


def test_the_fingerprint_reads_at_most_the_cap(class_dir):
    sub = submission_of(class_dir)
    (sub.folder / NAME).write_bytes(b"x" * 5000)
    first = intake.fingerprint(sub, limits=Limits(file_bytes=1000))
    with open(sub.folder / NAME, "ab") as fh:
        fh.write(b"y")  # beyond what intake reads
    assert intake.fingerprint(sub, limits=Limits(file_bytes=1000)) == first
    assert intake.fingerprint(sub) != first
