"""Students (autograder.intake.students): any folder name is a student with a safe, unique id.

Links are students whose submission is not used, and are never followed.
"""

from __future__ import annotations

import hashlib
import os

import nbformat

from autograder import intake
from autograder.catalogue import solved, write
from autograder.intake import STUDENT_ID
from tests.intake.helpers import ASSIGNMENT, NAME, answers, assert_student_safe, graded, prepared


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
