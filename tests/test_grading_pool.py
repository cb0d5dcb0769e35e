"""One grading process dying costs only its own submission (real worker processes, no grading)."""

import os
import time

from autograder.grade import run_all


def grade_or_die(student):
    """A stand-in grader: the 'culprit' submission kills the process grading it."""
    if student == "culprit":
        os._exit(9)
    time.sleep(0.05)
    return {"student": student, "success": True}


def test_a_dying_grader_process_costs_only_its_own_submission():
    students = [f"s{i}" for i in range(6)] + ["culprit"] + [f"t{i}" for i in range(6)]
    results = {}
    run_all(students, results.__setitem__, workers=2, task=grade_or_die)
    assert sorted(results) == sorted(students)  # everyone exactly once
    assert results["culprit"]["success"] is False
    assert "grader crashed" in results["culprit"]["log"]
    assert all(results[s]["success"] for s in students if s != "culprit")


def test_without_a_crash_everyone_is_graded_once():
    results = {}
    run_all(["a", "b", "c"], results.__setitem__, workers=2, task=grade_or_die)
    assert {s: r["success"] for s, r in results.items()} == {"a": True, "b": True, "c": True}


def echo_job(prefix, job):
    return {"student": job["student"], "success": True, "seen": prefix + job["data"]}


def test_each_student_gets_their_own_job():
    jobs = {s: {"student": s, "data": s.upper()} for s in ("a", "b", "c")}
    results = {}
    run_all(list(jobs), results.__setitem__, workers=2, task=echo_job, args=(">",), jobs=jobs)
    assert {s: r["seen"] for s, r in results.items()} == {"a": ">A", "b": ">B", "c": ">C"}
