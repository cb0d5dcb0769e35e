"""Grade a whole class with nbgrader: sandboxed, parallel, incremental, with feedback.

    python -m autograder grade SUBMISSIONS [--out DIR] [--assignment NAME] [--workers N]

SUBMISSIONS is a folder laid out ``<student_id>/<assignment>/*.ipynb`` or a zip of one.
``DIR`` (default ``grading``) receives:

* ``course/``: the nbgrader course used for grading (gradebook.db, autograded/, feedback/);
* ``feedback/<student_id>/<assignment>/*.html``: each student's feedback, with any
  repairs to the submission explained at the top;
* ``grades.csv``: nbgrader's CSV export (assignment, duedate, timestamp, student_id,
  last_name, first_name, email, raw_score, late_submission_penalty, score, max_score);
* ``summary.csv`` and ``score_distribution.png``: per-exercise results and the spread of scores;
* ``manifest.json``: fingerprints of graded submissions, so a re-run regrades only
  new or changed ones.

Each submission runs in its own sandboxed kernel (``autograder.sandbox``) with a cell
timeout and a memory limit; workers grade in parallel (default: one per core).
Scores are read from the gradebook, never from exit codes.
"""
from __future__ import annotations

import csv
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from autograder import sandbox, submissions
from autograder.release import COURSE_ID, SOURCE, course_config, use_environment_bin


def nbgrader_config(course: Path, timeout: int, runtime: Path | None = None):
    """The traitlets config for grading in ``course`` with the sandboxed, robust executor.

    ``runtime`` is the kernel's private folder for its connection file and its Unix
    sockets (ZeroMQ's ipc transport: the sandboxed kernel has no network).
    """
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern,
                                        LimitOutput, SaveAutoGrades)

    from autograder.preprocessors import RobustExecute

    c = course_config(course)
    c.Execute.kernel_name = sandbox.KERNEL_NAME
    if runtime is not None:
        c.KernelManager.transport = "ipc"
        c.KernelManager.ip = str(runtime / "kernel-ipc")       # an absolute path: client and
                                                                # kernel run in different folders
        c.KernelManager.connection_file = str(runtime / "kernel.json")
    c.Execute.timeout = timeout
    c.Execute.startup_timeout = 120
    c.Execute.raise_on_iopub_timeout = False
    message = f"this cell ran longer than {timeout} s (an endless loop?) and was stopped"
    c.Execute.error_on_timeout = {"ename": "CellTimeoutError", "evalue": message,
                                  "traceback": [f"\x1b[0;31mCellTimeoutError\x1b[0m: {message}"]}
    c.Autograde.autograde_preprocessors = [RobustExecute, IgnorePattern, ClearMetadataPreprocessor,
                                           LimitOutput, SaveAutoGrades, AssignLatePenalties,
                                           CheckCellMetadata]
    return c


def _api(course: Path, timeout: int, runtime: Path | None = None):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = nbgrader_config(course, timeout, runtime)
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def _environment(course: Path) -> None:
    warnings.filterwarnings("ignore", module="nbgrader")        # SQLAlchemy chatter inside nbgrader
    use_environment_bin()
    os.environ["JUPYTER_PATH"] = str(course / "jupyter")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def prepare_course(course: Path, assignment: str, timeout: int, workers: int = 1) -> None:
    """Create (or refresh) the grading course: sources, gradebook entry, sandbox kernelspec."""
    if not (SOURCE / assignment).is_dir():
        names = sorted(p.name for p in SOURCE.iterdir() if p.is_dir())
        raise SystemExit(f"unknown assignment {assignment!r}; assignments are {names}")
    course.mkdir(parents=True, exist_ok=True)
    shutil.copytree(SOURCE / assignment, course / "source" / assignment, dirs_exist_ok=True)
    sandbox.write_kernelspec(course / "jupyter", threads=max(1, (os.cpu_count() or 1) // workers))
    _environment(course)
    result = _api(course, timeout).generate_assignment(assignment)
    if not result["success"]:
        raise SystemExit(f"nbgrader could not prepare {assignment}:\n{result['log']}{result['error']}")


def grade_one(course: str, assignment: str, student: str, timeout: int) -> dict:
    """Autograde one submission and write its feedback (runs in a worker process)."""
    course = Path(course)
    _environment(course)
    # The kernel's connection file and Unix sockets, in a folder of its own. It is short on
    # purpose: a Unix socket's path may not exceed 107 bytes.
    runtime = Path(tempfile.mkdtemp(prefix="grade-", dir="/tmp" if os.path.isdir("/tmp") else None))
    os.environ["JUPYTER_RUNTIME_DIR"] = str(runtime)
    start = time.perf_counter()
    api = _api(course, timeout, runtime)
    try:
        for attempt in range(4):        # the gradebook is one sqlite file shared by the workers
            result = api.autograde(assignment, student)
            if result["success"] or "database is locked" not in (result["log"] + str(result["error"])):
                break
            time.sleep(1 + attempt)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
    feedback = api.generate_feedback(assignment, student) if result["success"] else None
    return {"student": student, "success": result["success"], "seconds": time.perf_counter() - start,
            "log": "" if result["success"] else (result["log"] + str(result["error"]))[-3000:],
            "feedback_ok": bool(feedback and feedback["success"])}


def _progress(total: int):
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is pinned in requirements.txt
        return None
    return tqdm(total=total, unit="submission", desc="grading", file=sys.stdout, disable=total == 0)


def grade(submissions_path, out="grading", assignment="assignment_digits", workers=None,
          timeout=60) -> dict:
    """Grade every submission of ``assignment``; return the per-student results (see module doc)."""
    out = Path(out).resolve()
    course = out / "course"
    out.mkdir(parents=True, exist_ok=True)
    folder = submissions.unpack(Path(submissions_path), out)
    found = submissions.find(folder, assignment)
    if not found:
        raise SystemExit(f"no submissions of {assignment} in {submissions_path} "
                         f"(expected <student_id>/{assignment}/*.ipynb)")
    workers = workers or os.cpu_count() or 1
    prepare_course(course, assignment, timeout, workers)
    release_dir = course / "release" / assignment
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    source_print = submissions.fingerprint(SOURCE / assignment)
    todo, notes = [], {}
    for student, src in found:
        key = f"{assignment}/{student}"
        stamp = f"{source_print}:{submissions.fingerprint(src)}:{timeout}"
        notes[student] = manifest.get(key, {}).get("notes", [])
        if manifest.get(key, {}).get("stamp") == stamp:
            continue
        notes[student] = submissions.prepare(src, course / "submitted" / student / assignment, release_dir)
        todo.append((student, stamp))
    _register(course, [s for s, _ in found])
    results = {}
    bar = _progress(len(todo))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(grade_one, str(course), assignment, student, timeout): (student, stamp)
                   for student, stamp in todo}
        for future in as_completed(futures):
            student, stamp = futures[future]
            try:
                results[student] = future.result()
            except Exception as err:  # noqa: BLE001 - one broken submission must not stop the class
                results[student] = {"student": student, "success": False, "seconds": 0.0,
                                    "log": f"{type(err).__name__}: {err}", "feedback_ok": False}
            manifest[f"{assignment}/{student}"] = {"stamp": stamp if results[student]["success"] else "",
                                                   "notes": notes[student]}
            if bar is not None:
                bar.update(1)
    if bar is not None:
        bar.close()
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    scores = read_scores(course, assignment, [s for s, _ in found])
    write_feedback(out, course, assignment, scores, notes, results)
    export_csv(course, assignment, out / "grades.csv")
    write_summary(out, assignment, scores)
    return {"graded": sorted(results), "skipped": sorted(set(s for s, _ in found) - set(results)),
            "scores": scores, "results": results}


def _register(course: Path, students: list[str]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE_ID) as gb:
        for student in students:
            gb.update_or_create_student(student)


def read_scores(course: Path, assignment: str, students: list[str]) -> dict:
    """``student -> {"score", "max_score", "cells": {grade_id: (score, max)}}`` from the gradebook."""
    from nbgrader.api import Gradebook, MissingEntry

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE_ID) as gb:
        max_score = gb.find_assignment(assignment).max_score
        for student in students:
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                scores[student] = {"score": 0.0, "max_score": max_score, "cells": {}}
                continue
            cells = {grade.name: (float(grade.score), float(grade.max_score))
                     for nb in sub.notebooks for grade in nb.grades}
            scores[student] = {"score": float(sub.score), "max_score": float(sub.max_score), "cells": cells}
    return scores


def export_csv(course: Path, assignment: str, path: Path) -> None:
    """nbgrader's own CSV export, for this assignment."""
    from nbgrader.api import Gradebook
    from nbgrader.plugins.export import CsvExportPlugin

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE_ID) as gb:
        CsvExportPlugin(to=str(path), assignment=[assignment]).export(gb)


def _root_cause(log: str) -> str:
    """The first real error in nbgrader's log (not its generic 'see the above traceback')."""
    errors = [line.strip() for line in log.splitlines()
              if re.match(r"\s*[\w.]+(Error|Exception|Exit)\b.*:", line) and "NbGraderException" not in line]
    return errors[0] if errors else "nbgrader could not grade this submission"


def _banner(notes: list[str], failure: str) -> str:
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    text = ""
    if failure:
        text += f"<p><b>Your submission could not be graded normally:</b> {html.escape(failure)}</p>"
    if items:
        text += f"<p><b>Before grading, your submission was repaired:</b></p><ul>{items}</ul>"
    return (f'<div style="border:2px solid #D55E00;padding:0.5em 1em;margin:1em;'
            f'font-family:sans-serif">{text}</div>') if text else ""


def write_feedback(out: Path, course: Path, assignment: str, scores: dict, notes: dict,
                   results: dict) -> None:
    """Copy nbgrader's feedback into ``out/feedback``, adding notes; write one where there is none."""
    for student, score in scores.items():
        target = out / "feedback" / student / assignment
        source = course / "feedback" / student / assignment
        result = results.get(student, {"success": True, "log": ""})
        failure = "" if result["success"] else _root_cause(result["log"])
        banner = _banner(notes.get(student, []), failure)
        pages = sorted(source.glob("*.html")) if source.is_dir() else []
        if not pages and student not in results and target.is_dir():
            continue                                   # unchanged since the last run
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for page in pages:
            text = page.read_text()
            if banner:
                text = text.replace("<body>", "<body>" + banner, 1) if "<body>" in text else banner + text
            (target / page.name).write_text(text)
        if not pages:
            (target / f"{assignment}.html").write_text(
                f"<html><body><h1>{assignment}: {score['score']:g} / {score['max_score']:g}</h1>"
                f"{banner or '<p>No feedback could be generated.</p>'}</body></html>")


def write_summary(out: Path, assignment: str, scores: dict) -> None:
    """Print a per-exercise table, save it as summary.csv, and plot the score distribution."""
    from matplotlib.figure import Figure

    from utils.plotting import COLORS

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
    ax.hist(totals, bins=min(20, int(max_score) + 1 or 1), range=(0, max_score or 1),
            color=COLORS["blue"], edgecolor="white")
    ax.set_xlabel("score")
    ax.set_ylabel("students")
    ax.set_title(f"{assignment}: score distribution ({len(totals)} students)")
    fig.savefig(out / "score_distribution.png", dpi=100, bbox_inches="tight")


def grades_table(path: Path) -> dict:
    """``student_id -> score`` from a grades.csv (for scripts and tests)."""
    with open(path, newline="") as fh:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(fh)}


__all__ = ["grade", "grades_table", "read_scores", "prepare_course"]
