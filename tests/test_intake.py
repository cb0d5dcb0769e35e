"""Intake of hostile submissions (autograder.submissions): fast, no kernels, no nbgrader run.

Every test builds a class in ``tmp_path`` and asserts the defence itself: what reaches nbgrader's
``submitted/`` folder, what is extracted, which ids students get, what the notes tell them.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import random
import shutil
import signal
import stat
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder import submissions as intake
from autograder.catalogue import blank, solved, write
from autograder.notebooks import RELEASED
from autograder.submissions import LIMITS, STUDENT_ID, Limits, Submission

ASSIGNMENT = "assignment_digits"
NAME = f"{ASSIGNMENT}.ipynb"
SECRET = "SECRET-SOLUTION-4f1c9e"
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJ"
    "RU5ErkJggg=="
)


# --------------------------------------------------------------------------- helpers


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


# --------------------------------------------------------------------------- ids and find


def test_safe_id_keeps_plain_names_and_slugs_the_rest_stably():
    assert intake.safe_id("alice.b@uni+1") == "alice.b@uni+1"
    jose = intake.safe_id("José Núñez")
    assert jose == "Jose-Nunez-" + hashlib.sha256("José Núñez".encode()).hexdigest()[:8]
    assert intake.safe_id("name\n") != "name\n"  # '$' would match before \n
    assert intake.safe_id("+cmd").startswith("cmd-")
    assert intake.safe_id("…").startswith("s-")
    assert len(intake.safe_id("x" * 300)) <= 49 and len(intake.safe_id("é" * 300)) <= 49
    for name in (
        "José Núñez",
        "+cmd",
        '=HYPERLINK("x")',
        "name\n",
        "",
        "-",
        "../..",
        "a/b",
        "é" * 300,
        "x" * 101,
        "\ud800",
    ):
        assert STUDENT_ID.fullmatch(intake.safe_id(name)), repr(name)


def test_any_folder_name_is_a_student_with_a_safe_unique_id(class_dir):
    names = ["José Núñez", "+cmd", '=HYPERLINK("x")', "name\n", "alice"]
    for name in names:
        write(class_dir, name, solved())
    found = intake.find(class_dir, ASSIGNMENT)
    assert [s.student for s in found] == sorted(names)
    by_name = {s.student: s for s in found}
    assert by_name["alice"].student_id == "alice"
    assert by_name["José Núñez"].student_id.startswith("Jose-Nunez-")
    assert all(
        STUDENT_ID.fullmatch(s.student_id) and s.folder.is_dir() and not s.problem for s in found
    )
    assert len({s.student_id for s in found}) == len(names)


def test_a_name_equal_to_another_students_generated_id_gets_its_own_id(class_dir):
    generated = intake.safe_id("José Núñez")
    for name in ("José Núñez", generated, f"{generated}-2"):
        write(class_dir, name, solved())
    first = intake.find(class_dir, ASSIGNMENT)
    ids = [s.student_id for s in first]
    assert len(set(ids)) == 3 and all(STUDENT_ID.fullmatch(i) for i in ids)
    by_name = {s.student: s.student_id for s in first}
    assert by_name[generated] == generated and by_name[f"{generated}-2"] == f"{generated}-2"
    assert [s.student_id for s in intake.find(class_dir, ASSIGNMENT)] == ids  # deterministic


def test_ids_differing_only_in_case_do_not_share_a_folder(class_dir):
    for name in ("Bob", "bob"):
        write(class_dir, name, solved())
    ids = [s.student_id for s in intake.find(class_dir, ASSIGNMENT)]
    assert len({i.lower() for i in ids}) == 2


def test_links_are_students_with_a_reason_and_never_followed_stray_files_are_not_students(
    class_dir, tmp_path
):
    write(class_dir, "victim", solved())
    (class_dir / "linked_folder").symlink_to(class_dir / "victim")
    (class_dir / "a_file").write_text("not a folder")
    (class_dir / "linked_assignment").mkdir()
    (class_dir / "linked_assignment" / ASSIGNMENT).symlink_to(class_dir / "victim" / ASSIGNMENT)
    (class_dir / "file_assignment").mkdir()
    (class_dir / "file_assignment" / ASSIGNMENT).write_text("{}")
    (class_dir / "other_assignment" / "week1").mkdir(parents=True)
    (class_dir / ".hidden" / ASSIGNMENT).mkdir(parents=True)
    (class_dir / "__MACOSX" / ASSIGNMENT).mkdir(parents=True)
    found = {s.student: s for s in intake.find(class_dir, ASSIGNMENT)}
    assert sorted(found) == ["file_assignment", "linked_assignment", "linked_folder", "victim"]
    assert found["victim"].folder == class_dir / "victim" / ASSIGNMENT
    for name in ("file_assignment", "linked_assignment", "linked_folder"):
        assert found[name].folder is None and found[name].problem, name
    assert "symbolic link" in found["linked_folder"].problem
    assert "symbolic link" in found["linked_assignment"].problem
    assert_student_safe([s.problem for s in found.values()], tmp_path)


def test_a_folder_name_that_is_not_utf8_is_graded(class_dir, tmp_path, release):
    raw = os.fsencode(class_dir) + b"/caf\xe9"
    os.mkdir(raw)
    os.mkdir(raw + b"/" + ASSIGNMENT.encode())
    nbformat.write(solved(), os.fsdecode(raw + f"/{ASSIGNMENT}/{NAME}".encode()))
    (sub,) = intake.find(class_dir, ASSIGNMENT)
    sub.student.encode("utf-8")  # writable in a CSV or an HTML page
    assert STUDENT_ID.fullmatch(sub.student_id) and sub.student_id.startswith("caf-")
    notes, dest = prepared(sub, tmp_path, release)
    assert notes == [] and answers(graded(dest)) == answers(solved())


# --------------------------------------------------------------------------- prepare: clean input


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


def test_outputs_and_counts_are_cleared_so_a_57_mb_output_never_reaches_feedback(
    class_dir, tmp_path, release
):
    nb = solved()
    cell = nb.cells[cell_index(nb, "my_softmax")]
    cell.execution_count = 7
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * (57 * 2**20))]
    sub = submission_of(class_dir)
    write(class_dir, "ann", nb)
    big = Limits(file_bytes=100 * 2**20, submission_bytes=100 * 2**20)
    notes, dest = prepared(sub, tmp_path, release, limits=big)
    assert notes == []
    assert (dest / NAME).stat().st_size < 2**20
    out = graded(dest)
    assert all(
        c.outputs == [] and c.execution_count is None for c in out.cells if c.cell_type == "code"
    )
    assert answers(out) == answers(solved())
    notes, dest = prepared(sub, tmp_path, release)  # default: over 20 MB
    assert is_blank(dest) and "larger than 20 MB" in notes[0]


def test_widget_state_is_removed_and_other_metadata_kept(class_dir, tmp_path, release):
    nb = solved()
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {"x": {"model_name": "IntSlider", "state": {"value": 1}}},
            "version_major": 2,
            "version_minor": 0,
        }
    }
    write(class_dir, "ann", nb)
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    assert "widgets" not in out.metadata
    assert out.metadata["kernelspec"] == solved().metadata["kernelspec"]
    assert notes == []


def test_only_small_image_attachments_are_kept(class_dir, tmp_path, release):
    nb = solved()
    nb.cells.insert(
        1,
        nbformat.v4.new_markdown_cell(
            "![a](attachment:ok.png)",
            attachments={
                "ok.png": {"image/png": PNG},
                "big.png": {"image/png": "A" * (3 * 2**20)},
                "evil.svg": {"image/svg+xml": "<svg onload='alert(1)'/>"},
                "page.html": {"text/html": "<script>alert(1)</script>"},
                "mixed.gif": {"image/gif": PNG, "text/html": "<script>alert(2)</script>"},
            },
        ),
    )
    write(class_dir, "ann", nb)
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    kept = graded(dest).cells[1].attachments
    assert kept == {"ok.png": {"image/png": PNG}, "mixed.gif": {"image/gif": PNG}}
    text = " ".join(notes)
    for name in ("big.png", "evil.svg", "page.html", "mixed.gif"):
        assert name in text
    assert "<script>" not in (dest / NAME).read_text() and "onload" not in (dest / NAME).read_text()


# --------------------------------------------------------------------------- prepare: missing


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


# --------------------------------------------------------------------------- prepare: not a file


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


# ---------------------------------------------------------------- prepare: not a notebook


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


def test_metadata_keys_that_break_the_notebook_schema_are_stripped(class_dir, tmp_path, release):
    nb = solved()
    raw = json.loads(dumps(nb))
    index = cell_index(nb, "my_softmax")
    raw["cells"][index]["metadata"]["tags"] = "not a list"
    raw["metadata"]["kernelspec"] = "python"
    raw["nbformat_minor"] = "five"
    write(class_dir, "ann", json.dumps(raw))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    nbformat.validate(out)
    assert answers(out) == answers(solved())
    assert "tags" not in out.cells[index].metadata and "kernelspec" not in out.metadata
    assert out.metadata["language_info"] == nb.metadata["language_info"]  # valid: kept
    assert [c.metadata for c in out.cells] == [c.metadata for c in nb.cells]
    assert len(notes) == 1 and "metadata did not follow the notebook format" in notes[0]


def test_nested_metadata_that_breaks_the_schema_leaves_only_nbgrader_metadata(
    class_dir, tmp_path, release
):
    nb = solved()
    raw = json.loads(dumps(nb))
    index = cell_index(nb, "my_softmax")
    raw["cells"][index]["metadata"]["execution"] = {"iopub.status.busy": 5}
    write(class_dir, "ann", json.dumps(raw))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    nbformat.validate(out)
    assert answers(out) == answers(solved())
    assert [c.metadata for c in out.cells] == [
        {"nbgrader": c.metadata["nbgrader"]} for c in nb.cells
    ]
    assert len(notes) == 1 and "metadata did not follow the notebook format" in notes[0]


def nbgrader_meta(nb, grade_id):
    return copy.deepcopy(dict(nb.cells[cell_index(nb, grade_id)].metadata["nbgrader"]))


BAD_NBGRADER = {
    "a string": lambda m: "not a dict",
    "a list": lambda m: [m],
    "grade not bool": lambda m: {**m, "grade": "yes"},
    "locked an int": lambda m: {**m, "locked": 1},
    "negative points": lambda m: {**m, "points": -1},
    "infinite points": lambda m: {**m, "points": float("inf")},
    "points a string": lambda m: {**m, "points": "2"},
    "grade_id a path": lambda m: {**m, "grade_id": "../../gradebook"},
    "grade_id empty": lambda m: {**m, "grade_id": ""},
    "grade_id a number": lambda m: {**m, "grade_id": 7},
    "grade_id too long": lambda m: {**m, "grade_id": "a" * 101},
    "schema_version a string": lambda m: {**m, "schema_version": "3"},
    "schema_version old": lambda m: {**m, "schema_version": 2},
    "no grade_id": lambda m: {k: v for k, v in m.items() if k != "grade_id"},
    "forged graded cell": lambda m: {**m, "grade_id": "forged", "points": 1000},
    "unknown key": lambda m: {**m, "bonus": 10},
}


@pytest.mark.parametrize("kind", list(BAD_NBGRADER))
def test_damaged_nbgrader_metadata_is_removed_from_that_cell_only(
    class_dir, tmp_path, release, kind
):
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    nb = solved()
    index = cell_index(nb, "test_softmax_values")
    raw = json.loads(dumps(nb))
    damaged = BAD_NBGRADER[kind](nbgrader_meta(nb, "test_softmax_values"))
    raw["cells"][index]["metadata"]["nbgrader"] = damaged
    write(class_dir, "ann", json.dumps(raw))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    assert "nbgrader" not in out.cells[index].metadata
    assert [c.metadata.get("nbgrader") for i, c in enumerate(out.cells) if i != index] == [
        c.metadata.get("nbgrader") for i, c in enumerate(nb.cells) if i != index
    ]
    MetadataValidatorV3().validate_nb(out)  # nbgrader accepts the rest
    assert answers(out) == answers(solved())
    assert len(notes) == 1 and f"cell {index + 1}'s nbgrader metadata was removed" in notes[0]
    assert_student_safe(notes, tmp_path)


def test_malformed_cells_are_repaired_or_dropped_with_a_note(class_dir, tmp_path, release):
    nb = solved()
    raw = json.loads(dumps(nb))
    setup = cell_index(nb, "setup")
    raw["cells"][setup]["source"] = raw["cells"][setup]["source"].splitlines(keepends=True)
    intro = cell_index(nb, "intro")
    raw["cells"][intro]["metadata"] = ["not", "a", "dict"]
    raw["cells"] += [
        "a string, not a cell",
        {"cell_type": "evil", "source": "", "metadata": {}},
        {"cell_type": "code", "source": 42, "metadata": {}},
        {"cell_type": "code", "source": ["ok", 1], "metadata": {}},
        {"cell_type": "markdown", "source": "fine", "metadata": {}, "id": "x y"},
    ]
    write(class_dir, "ann", json.dumps(raw))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    nbformat.validate(out)
    assert len(out.cells) == len(nb.cells) + 1
    assert out.cells[setup].source == nb.cells[setup].source
    assert out.cells[intro].metadata == {} and out.cells[-1].source == "fine"
    assert answers(out) == answers(solved())
    first_new = len(nb.cells) + 1  # notes count cells from 1
    expected = [
        f"cell {intro + 1}'s metadata was not valid",
        f"cell {first_new} was not a notebook cell",
        f"cell {first_new + 1} had an unknown type",
        f"cell {first_new + 2}'s text",
        f"cell {first_new + 3}'s text",
        f"cell {first_new + 4} had an invalid id",
    ]
    assert len(notes) == len(expected)
    for note, words in zip(notes, expected):
        assert words in note, (note, words)


def test_duplicated_cell_ids_and_graded_cells_are_deduplicated(class_dir, tmp_path, release):
    nb = solved()
    index = cell_index(nb, "test_softmax_values")
    nb.cells.append(copy.deepcopy(nb.cells[index]))
    write(class_dir, "ann", dumps(nb))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    assert len({c.id for c in out.cells}) == len(out.cells)
    assert (
        sum(
            c.metadata.get("nbgrader", {}).get("grade_id") == "test_softmax_values"
            for c in out.cells
        )
        == 1
    )
    assert out.cells[index].metadata["nbgrader"]["grade_id"] == "test_softmax_values"
    text = " ".join(notes)
    assert "repeated another cell's id" in text and "is a copy of the graded cell" in text
    assert f"cell {len(nb.cells)} is a copy of the graded cell 'test_softmax_values'" in text


def test_notebooks_without_cell_ids_get_them_silently(class_dir, tmp_path, release):
    raw = json.loads(dumps(solved()))
    raw["nbformat_minor"] = 4
    for cell in raw["cells"]:
        del cell["id"]
    write(class_dir, "ann", json.dumps(raw))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    assert notes == [] and answers(out) == answers(solved())
    assert len({c.id for c in out.cells}) == len(out.cells)


JUNK = [
    None,
    0,
    -1,
    2.5,
    float("nan"),
    True,
    "",
    "x" * 200,
    "\x1b[2J",
    [],
    {},
    ["a", 1],
    {"a": None},
    [[[]]],
    "code",
    "markdown",
]


def json_slots(value):
    """Every ``(container, key)`` inside a JSON value."""
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else []
    )
    for key, child in list(items):
        yield value, key
        yield from json_slots(child)


def test_prepare_never_raises_and_always_writes_a_notebook_nbgrader_accepts(
    class_dir, tmp_path, release
):
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    rng, original = random.Random(20240611), json.loads(dumps(solved()))
    sub = submission_of(class_dir)
    for trial in range(60):
        raw = copy.deepcopy(original)
        slots = list(json_slots(raw))
        for _ in range(rng.randint(1, 4)):
            container, key = rng.choice(slots)
            container[key] = copy.deepcopy(rng.choice(JUNK))
        write(class_dir, "ann", json.dumps(raw))
        notes, dest = prepared(sub, tmp_path, release)
        out = graded(dest)
        nbformat.validate(out)
        MetadataValidatorV3().validate_nb(out)
        assert all(isinstance(note, str) for note in notes), trial
        assert_student_safe(notes, tmp_path)


# --------------------------------------------------------------------------- fingerprint


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


# --------------------------------------------------------------------------- unpack


def notebook_bytes() -> bytes:
    return nbformat.writes(solved()).encode()


def extracted_files(folder: Path) -> list[str]:
    found = []
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            assert not path.is_symlink(), path
            if name in files:
                found.append(str(path.relative_to(folder)))
    return sorted(found)


def test_a_folder_is_used_as_it_is(class_dir, tmp_path):
    assert intake.unpack(class_dir, tmp_path / "scratch") == class_dir


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    (tmp_path / "class.zip").write_text("not a zip")
    with pytest.raises(SystemExit, match="neither a folder nor a zip"):
        intake.unpack(tmp_path / "class.zip", tmp_path / "scratch")


def test_only_notebooks_are_extracted_and_a_wrapping_folder_is_unwrapped(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"export/ann/{ASSIGNMENT}/{NAME}", notebook_bytes())
        zf.writestr(f"export/José Núñez/{ASSIGNMENT}/{NAME}", notebook_bytes())
        zf.writestr(f"export/ann/{ASSIGNMENT}/timestamp.txt", "2020-01-01")
        zf.writestr(f"export/ann/{ASSIGNMENT}/keras.py", "raise SystemExit")
        zf.writestr(f"export/ann/{ASSIGNMENT}/.ipynb_checkpoints/x.ipynb", "{}")
        zf.writestr(f"__MACOSX/export/ann/{ASSIGNMENT}/._{NAME}", b"\0\5\26\7")
    scratch = tmp_path / "scratch"
    (scratch / "unzipped" / "stale").mkdir(parents=True)
    folder = intake.unpack(archive, scratch)
    assert folder == scratch / "unzipped" / "export"
    assert extracted_files(scratch / "unzipped") == [
        f"export/José Núñez/{ASSIGNMENT}/{NAME}",
        f"export/ann/{ASSIGNMENT}/{NAME}",
    ]
    assert [s.student for s in intake.find(folder, ASSIGNMENT)] == ["José Núñez", "ann"]


def test_unsafe_zip_members_are_skipped(tmp_path):
    archive = tmp_path / "class.zip"
    link = zipfile.ZipInfo(f"eve/{ASSIGNMENT}/{NAME}")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    fifo = zipfile.ZipInfo(f"fay/{ASSIGNMENT}/{NAME}")
    fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"ann/{ASSIGNMENT}/{NAME}", notebook_bytes())
        zf.writestr(link, "/etc/passwd")
        zf.writestr(fifo, "{}")
        zf.writestr(f"../escaped-{tmp_path.name}.ipynb", "{}")
        zf.writestr(f"ann/../../escaped2-{tmp_path.name}.ipynb", "{}")
        zf.writestr(f"ann\\..\\..\\escaped3-{tmp_path.name}.ipynb", "{}")
        zf.writestr(f"/tmp/absolute-{tmp_path.name}.ipynb", "{}")
        zf.writestr(f"bob/{ASSIGNMENT}/{'n' * 300}.ipynb", "{}")
        zf.writestr(f"bob/{ASSIGNMENT}/dir.ipynb/", "")
    scratch = tmp_path / "scratch"
    folder = intake.unpack(archive, scratch)
    assert extracted_files(scratch) == [f"unzipped/ann/{ASSIGNMENT}/{NAME}"]
    assert folder == scratch / "unzipped"
    assert not list(tmp_path.parent.glob(f"escaped*-{tmp_path.name}.ipynb"))
    assert (
        not list(tmp_path.glob("escaped*"))
        and not Path(f"/tmp/absolute-{tmp_path.name}.ipynb").exists()
    )


def test_a_zip_bomb_is_not_extracted_and_quickly(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"ann/{ASSIGNMENT}/{NAME}", notebook_bytes())
        with zf.open(f"eve/{ASSIGNMENT}/{NAME}", "w", force_zip64=True) as member:
            zeros = bytes(2**20)
            for _ in range(300):
                member.write(zeros)
    assert archive.stat().st_size < 2 * 2**20
    scratch = tmp_path / "scratch"
    start = time.perf_counter()
    with within(30):
        intake.unpack(archive, scratch)
    assert time.perf_counter() - start < 5
    assert extracted_files(scratch) == [f"unzipped/ann/{ASSIGNMENT}/{NAME}"]
    assert on_disk(scratch) < LIMITS.file_bytes


def test_a_member_compressed_more_than_the_ratio_is_not_extracted(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"ann/{ASSIGNMENT}/{NAME}", notebook_bytes())
        zf.writestr(f"eve/{ASSIGNMENT}/{NAME}", bytes(5 * 2**20))  # under the size cap
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(f"eve/{ASSIGNMENT}/{NAME}")
        assert info.file_size > LIMITS.zip_ratio * info.compress_size
    scratch = tmp_path / "scratch"
    intake.unpack(archive, scratch)
    assert extracted_files(scratch) == [f"unzipped/ann/{ASSIGNMENT}/{NAME}"]


def forge_declared_size(archive: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size of ``member`` in its local and central headers."""
    data = bytearray(archive.read_bytes())
    name = member.encode()
    for signature, offset, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(name)] == name:
                data[at + offset : at + offset + 4] = size.to_bytes(4, "little")
            at = data.find(signature, at + 1)
    archive.write_bytes(bytes(data))


def test_a_forged_small_size_never_writes_more_than_it_declares(tmp_path):
    archive = tmp_path / "class.zip"
    bomb = f"eve/{ASSIGNMENT}/{NAME}"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"ann/{ASSIGNMENT}/{NAME}", notebook_bytes())
        zf.writestr(bomb, bytes(50 * 2**20))
    forge_declared_size(archive, bomb, 4096)
    with zipfile.ZipFile(archive) as zf:
        assert zf.getinfo(bomb).file_size == 4096
    scratch = tmp_path / "scratch"
    with within(30):
        intake.unpack(archive, scratch)
    assert extracted_files(scratch) == [f"unzipped/ann/{ASSIGNMENT}/{NAME}"]
    assert on_disk(scratch) < len(notebook_bytes()) + 4096


class EndlessStream:
    """What zipfile would return if it trusted a member's data instead of its declared size."""

    def __init__(self):
        self.given = 0

    def read(self, n=-1):
        n = 2**20 if n is None or n < 0 else n
        self.given += n
        return b"0" * n

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_the_stream_cap_holds_even_if_the_data_never_ends(tmp_path, monkeypatch):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"eve/{ASSIGNMENT}/{NAME}", "{}")
    streams = []
    monkeypatch.setattr(
        zipfile.ZipFile,
        "open",
        lambda self, info, *a, **k: streams.append(EndlessStream()) or streams[-1],
    )
    scratch = tmp_path / "scratch"
    limits = Limits(file_bytes=3 * 2**20, zip_ratio=10**9)
    with within(30):
        intake.unpack(archive, scratch, limits=limits)
    assert extracted_files(scratch) == []
    assert streams[0].given <= limits.file_bytes + 2**20 + 1
    with pytest.raises(SystemExit, match="more than"), within(30):
        intake.unpack(
            archive,
            scratch,
            limits=Limits(file_bytes=3 * 2**20, zip_ratio=10**9, class_bytes=2**20),
        )
    assert on_disk(scratch) <= 2**20


def test_a_zip_with_too_many_members_is_refused(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(6):
            zf.writestr(f"s{i}/{ASSIGNMENT}/{NAME}", "{}")
    with pytest.raises(SystemExit, match="more than 5 members"):
        intake.unpack(archive, tmp_path / "scratch", limits=Limits(zip_members=5))
    assert intake.unpack(archive, tmp_path / "scratch", limits=Limits(zip_members=6))


def test_a_zip_declaring_more_notebooks_than_the_class_limit_is_refused(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"ann/{ASSIGNMENT}/{NAME}", "x" * 600)
        zf.writestr(f"bob/{ASSIGNMENT}/{NAME}", "x" * 600)
        zf.writestr("video.mp4", "x" * 5000)  # never extracted: not counted
    with pytest.raises(SystemExit, match="allowed for a class"):
        intake.unpack(archive, tmp_path / "scratch", limits=Limits(class_bytes=1000))
    intake.unpack(archive, tmp_path / "scratch", limits=Limits(class_bytes=1200))
    assert len(extracted_files(tmp_path / "scratch")) == 2


def test_a_student_folder_in_a_zip_without_a_notebook_is_still_a_student(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("class/ann/assignment_digits/", "")
        zf.writestr("class/bob/assignment_digits/notes.txt", "no notebook here")
        zf.writestr("class/cid/assignment_digits/assignment_digits.ipynb", "{}")
    folder = intake.unpack(archive, tmp_path / "scratch")
    assert [s.student for s in intake.find(folder, ASSIGNMENT)] == ["ann", "bob", "cid"]
    assert not (folder / "bob" / ASSIGNMENT / "notes.txt").exists()
