"""What grading hands the instructor: scores from the gradebook, grades.csv, feedback, a summary.

Everything here reads the gradebook and nbgrader's output after the kernels are gone; nothing
here runs student code.  Student names are data: the CSV is written with proper quoting and
with cells that a spreadsheet would run as a formula neutralised.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
from pathlib import Path

from autograder.course import COURSE_ID, gradebook_url

CSV_COLUMNS = [
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# C0/C1 controls, line separators and bidirectional overrides: shown as escapes, never obeyed.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def read_scores(course: Path, assignment: str, students: list[str]) -> dict:
    """Per student id, from the gradebook: ``{"score", "max_score", "cells": {id: (s, max)}}``."""
    from nbgrader.api import Gradebook, MissingEntry

    scores = {}
    with Gradebook(gradebook_url(course), course_id=COURSE_ID) as gb:
        max_score = gb.find_assignment(assignment).max_score
        for student in students:
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                scores[student] = {"score": 0.0, "max_score": max_score, "cells": {}}
                continue
            cells = {
                grade.name: (float(grade.score), float(grade.max_score))
                for nb in sub.notebooks
                for grade in nb.grades
            }
            scores[student] = {
                "score": float(sub.score),
                "max_score": float(sub.max_score),
                "cells": cells,
            }
    return scores


def csv_text(value) -> str:
    """A cell a spreadsheet shows as text: control characters escaped, formulas neutralised."""
    text = "" if value is None else str(value)
    text = CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(course: Path, assignment: str, names: dict[str, str], path: Path) -> None:
    """grades.csv with nbgrader's columns, one row per student of ``names`` (id -> display name)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(course), course_id=COURSE_ID) as gb:
        found = gb.find_assignment(assignment)
        rows = []
        for student_id, name in sorted(names.items(), key=lambda item: item[1]):
            row = {
                "assignment": assignment,
                "duedate": found.duedate,
                "student_id": name,
                "last_name": "",
                "first_name": "",
                "email": "",
                "max_score": found.max_score,
                "timestamp": "",
                "raw_score": 0.0,
                "late_submission_penalty": 0.0,
                "score": 0.0,
            }
            try:
                sub = gb.find_submission(assignment, student_id)
            except MissingEntry:
                pass
            else:
                penalty = sub.late_submission_penalty or 0.0
                row.update(
                    timestamp=sub.timestamp,
                    raw_score=sub.score,
                    late_submission_penalty=penalty,
                    score=max(0.0, sub.score - penalty),
                )
            rows.append({key: csv_text(value) for key, value in row.items()})
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, quoting=csv.QUOTE_MINIMAL)
        writer.writeheader()
        writer.writerows(rows)


def grades_table(path: Path) -> dict:
    """``student_id -> score`` from a grades.csv (for scripts and tests)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(fh)}


def root_cause(log: str) -> str:
    """The first real error in nbgrader's log (not its generic 'see the above traceback')."""
    errors = [
        line.strip()
        for line in log.splitlines()
        if re.match(r"\s*[\w.]+(Error|Exception|Exit)\b.*:", line)
        and "NbGraderException" not in line
    ]
    return errors[0][:300] if errors else "nbgrader could not grade this submission"


def banner(notes: list[str], failure: str) -> str:
    """The box at the top of a student's feedback: why grading was not normal, what was repaired."""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    text = ""
    if failure:
        text += (
            f"<p><b>Your submission could not be graded normally:</b> {html.escape(failure)}</p>"
        )
    if items:
        text += f"<p><b>Before grading, your submission was repaired:</b></p><ul>{items}</ul>"
    return (
        (
            f'<div style="border:2px solid #D55E00;padding:0.5em 1em;margin:1em;'
            f'font-family:sans-serif">{text}</div>'
        )
        if text
        else ""
    )


def write_feedback(
    out: Path, course: Path, assignment: str, scores: dict, notes: dict, results: dict
) -> None:
    """Copy nbgrader's feedback into ``out/feedback``, adding notes; write any that is missing."""
    from autograder.html_safety import content_security_policy

    for student, score in scores.items():
        target = out / "feedback" / student / assignment
        source = course / "feedback" / student / assignment
        result = results.get(student, {"success": True, "log": ""})
        failure = result.get("failure") or ("" if result["success"] else root_cause(result["log"]))
        top = banner(notes.get(student, []), failure)
        pages = (
            sorted(p for p in source.glob("*.html") if p.is_file() and not p.is_symlink())
            if source.is_dir()
            else []
        )
        if not pages and student not in results and target.is_dir():
            continue  # unchanged since the last run
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for page in pages:
            text = page.read_text(encoding="utf-8", errors="replace")
            if top:
                text = text.replace("<body>", "<body>" + top, 1) if "<body>" in text else top + text
            (target / page.name).write_text(content_security_policy(text), encoding="utf-8")
        if not pages:
            (target / f"{assignment}.html").write_text(
                content_security_policy(
                    f"<html><head></head><body><h1>{html.escape(assignment)}: {score['score']:g} / "
                    f"{score['max_score']:g}</h1>{top or '<p>No feedback could be generated.</p>'}"
                    "</body></html>"
                ),
                encoding="utf-8",
            )


def write_summary(out: Path, assignment: str, scores: dict) -> None:
    """Print a per-exercise table, save it as summary.csv, and plot the score distribution."""
    from matplotlib.figure import Figure

    from utils.style import COLORS

    exercises = sorted({name for s in scores.values() for name in s["cells"]})
    rows = []
    for name in exercises:
        got = [s["cells"][name] for s in scores.values() if name in s["cells"]]
        max_points = max(m for _, m in got)
        mean = sum(g for g, _ in got) / len(scores)
        full = sum(1 for g, m in got if g == m)
        rows.append((name, max_points, mean, full))
    with open(out / "summary.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["exercise", "points", "mean_score", "full_marks", "students"])
        for name, points, mean, full in rows:
            writer.writerow([name, f"{points:g}", f"{mean:.2f}", full, len(scores)])
    width = max([len(r[0]) for r in rows] + [8])
    print(f"\n{assignment}: {len(scores)} students")
    print(f"{'exercise':<{width}}  points  mean   full marks")
    for name, points, mean, full in rows:
        print(f"{name:<{width}}  {points:>6g}  {mean:5.2f}  {full:>4d}/{len(scores)}")
    totals = [s["score"] for s in scores.values()]
    max_score = max((s["max_score"] for s in scores.values()), default=0)
    print(f"{'total':<{width}}  {max_score:>6g}  {sum(totals) / max(len(totals), 1):5.2f}")
    fig = Figure(figsize=(6, 3.5))
    ax = fig.subplots()
    ax.hist(
        totals,
        bins=min(20, int(max_score) + 1 or 1),
        range=(0, max_score or 1),
        color=COLORS["blue"],
        edgecolor="white",
    )
    ax.set_xlabel("score")
    ax.set_ylabel("students")
    ax.set_title(f"{assignment}: score distribution ({len(totals)} students)")
    fig.savefig(out / "score_distribution.png", dpi=100, bbox_inches="tight")
