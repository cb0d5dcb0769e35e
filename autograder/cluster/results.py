"""The coordinator half: check a worker's plain data and write it into the one course folder.

A result crosses from a worker as a JSON text (:func:`autograder.cluster.worker.grade_one`):
:func:`parse` reads it with ``json.loads`` and keeps only fields of the expected types, so the
coordinator never unpickles anything derived from student code.  :func:`store` then writes it
where nbgrader itself would have: the submission's grades and comments into the gradebook (an
instructor's manual grades are kept, as ``nbgrader autograde`` keeps them), the autograded
notebooks into ``autograded/`` and the feedback pages into ``feedback/``.  Only the coordinator
writes the course folder, one result at a time: no shared SQLite file, no shared filesystem.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime
from pathlib import Path

from autograder.course import COURSE_ID, gradebook_url

SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_. ()+-]{0,200}$")
TEXT_FIELDS = ("log", "failure", "killed", "worker")


class BadResult(ValueError):
    """A worker's answer that is not a grading result of the expected shape."""


def parse(text: str, student: str) -> dict:
    """The result of ``student`` from a worker's JSON text; :class:`BadResult` if malformed."""
    if not isinstance(text, str):
        raise BadResult(f"a worker answered with a {type(text).__name__}, not JSON text")
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("student") != student:
        raise BadResult("a worker's answer is not about this submission")
    result = {
        "student": student,
        "success": data.get("success") is True,
        "feedback_ok": data.get("feedback_ok") is True,
        "seconds": _number(data.get("seconds")) or 0.0,
        "timings": {str(k): _number(v) or 0.0 for k, v in _mapping(data.get("timings")).items()},
        "gradebook": _record(data.get("gradebook")),
        "autograded": _pages(data.get("autograded"), ".ipynb"),
        "feedback": _pages(data.get("feedback"), ".html"),
    }
    for name in TEXT_FIELDS:
        value = data.get(name)
        result[name] = value if isinstance(value, str) else ""
    return result


def store(course: Path, assignment: str, result: dict) -> None:
    """Write ``result`` (from :func:`parse`) into the gradebook and folders of ``course``."""
    student = result["student"]
    _store_grades(course, assignment, student, result["gradebook"])
    for folder, pages in (("autograded", result["autograded"]), ("feedback", result["feedback"])):
        target = Path(course) / folder / student / assignment
        shutil.rmtree(target, ignore_errors=True)
        if pages:
            target.mkdir(parents=True)
            for name, text in pages.items():
                (target / name).write_text(text, encoding="utf-8")


def _store_grades(course: Path, assignment: str, student: str, record: dict | None) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(course), course_id=COURSE_ID) as gb:
        gb.update_or_create_student(student)
        if record is None:  # nbgrader never started on it: no grades, a zero
            try:
                gb.remove_submission(assignment, student)
            except MissingEntry:
                pass
            return
        extra = {"timestamp": record["timestamp"]} if record["timestamp"] else {}
        gb.update_or_create_submission(assignment, student, **extra)
        for notebook, rows in record["notebooks"].items():
            try:
                submitted = gb.find_submission_notebook(notebook, assignment, student)
            except MissingEntry:
                continue  # not a notebook of this assignment
            submitted.late_submission_penalty = rows["late_submission_penalty"]
            for cell, grade in rows["grades"].items():
                try:
                    row = gb.find_grade(cell, notebook, assignment, student)
                except MissingEntry:
                    continue
                row.auto_score = grade["auto_score"]
                row.needs_manual_grade = bool(
                    grade["needs_manual_grade"] or row.manual_score is not None
                )
            for cell, comment in rows["comments"].items():
                try:
                    gb.find_comment(cell, notebook, assignment, student).auto_comment = comment
                except MissingEntry:
                    continue
        gb.db.commit()


def _record(data) -> dict | None:
    if data is None:
        return None
    data = _mapping(data)
    stamp = data.get("timestamp")
    try:
        timestamp = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
    except ValueError:
        timestamp = None
    notebooks = {}
    for name, rows in _mapping(data.get("notebooks")).items():
        rows = _mapping(rows)
        notebooks[str(name)] = {
            "late_submission_penalty": _number(rows.get("late_submission_penalty")),
            "grades": {
                str(cell): {
                    "auto_score": _number(_mapping(g).get("auto_score")),
                    "max_score": _number(_mapping(g).get("max_score")) or 0.0,
                    "needs_manual_grade": _mapping(g).get("needs_manual_grade") is True,
                }
                for cell, g in _mapping(rows.get("grades")).items()
            },
            "comments": {
                str(cell): c if isinstance(c, str) else None
                for cell, c in _mapping(rows.get("comments")).items()
            },
        }
    return {"timestamp": timestamp, "notebooks": notebooks}


def _pages(data, suffix: str) -> dict[str, str]:
    """Only plain file names with ``suffix`` (never a path) and text content."""
    return {
        name: text
        for name, text in _mapping(data).items()
        if isinstance(name, str)
        and isinstance(text, str)
        and name.endswith(suffix)
        and SAFE_NAME.fullmatch(name)
    }


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
