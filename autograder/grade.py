"""Grade a whole class with nbgrader: sandboxed, parallel, incremental, with feedback.

    python -m autograder grade SUBMISSIONS [--out DIR] [--assignment NAME] [--workers N]

SUBMISSIONS is a folder laid out ``<student>/<assignment>/*.ipynb`` or a zip of one.  Every
submission is hostile data: :mod:`autograder.intake` turns it into a clean notebook (or the
blank release, with a note), and its kernel runs in a :class:`~autograder.sandbox.Sandbox`.
``DIR`` (default ``grading``) receives:

* ``course/``: the nbgrader course used for grading (gradebook.db, autograded/, feedback/);
* ``feedback/<student_id>/<assignment>/*.html``: each student's feedback, with any repairs to
  the submission explained at the top (``student_id`` is the folder name when it is a plain
  name, otherwise a safe id: see ``students.csv``);
* ``grades.csv``: nbgrader's columns, one row per student, the folder name as ``student_id``;
* ``summary.csv`` and ``score_distribution.png``: per-exercise results and the spread of scores;
* ``manifest.json``: fingerprints of graded submissions, so a re-run regrades only changed ones.

Workers grade in parallel (default: one per core).  Whatever one submission does, every other
student gets the row and feedback they would get without it; submissions that could not be
graded are listed at the end and make the command exit with status 1.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shutil
import stat
import sys
import threading
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, replace
from pathlib import Path

from autograder import intake, report, sandbox
from autograder.course import CELL_TIMEOUT as TIMEOUT
from autograder.course import SOURCE, course_config, gradebook_url, use_environment_bin


def nbgrader_config(
    course: Path, timeout: int, box: sandbox.Sandbox | None = None, *, checks_outside: bool = True
):
    """The traitlets config for grading in ``course`` with the sandboxed, robust executor.

    ``checks_outside=False`` runs test cells in the student's kernel, as plain nbgrader does
    (forgeable; only for measuring the checker's cost in ``benchmarks/grading.py``)."""
    from autograder.preprocessors import autograde_pipeline

    c = course_config(course)
    c.Execute.kernel_name = sandbox.KERNEL_NAME
    if box is not None:  # the kernel talks over Unix sockets in its own folder: no network
        c.KernelManager.transport = "ipc"
        c.KernelManager.ip = str(box.kernel_dir / "ipc")
        c.KernelManager.connection_file = str(box.kernel_dir / "kernel.json")
    c.Execute.timeout = timeout
    c.RobustExecute.checks_outside = checks_outside
    c.Execute.startup_timeout = 120
    c.Execute.raise_on_iopub_timeout = False
    message = f"this cell ran longer than {timeout} s (an endless loop?) and was stopped"
    c.Execute.error_on_timeout = {
        "ename": "CellTimeoutError",
        "evalue": message,
        "traceback": [f"\x1b[0;31mCellTimeoutError\x1b[0m: {message}"],
    }
    c.Autograde.autograde_preprocessors = autograde_pipeline()
    return c


def _api(course: Path, timeout: int, box: sandbox.Sandbox | None = None, checks_outside=True):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = nbgrader_config(course, timeout, box, checks_outside=checks_outside)
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def _environment(course: Path) -> None:
    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy chatter inside nbgrader
    use_environment_bin()
    os.environ["JUPYTER_PATH"] = str(course / "jupyter")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def prepare_course(
    course: Path, assignment: str, timeout: int, workers: int = 1, *, source: Path = SOURCE
) -> None:
    """Create (or refresh) the grading course: sources, gradebook entry, sandbox kernelspec."""
    if not (Path(source) / assignment).is_dir():
        names = sorted(p.name for p in Path(source).iterdir() if p.is_dir())
        raise SystemExit(f"unknown assignment {assignment!r}; assignments are {names}")
    course.mkdir(parents=True, exist_ok=True)
    shutil.copytree(Path(source) / assignment, course / "source" / assignment, dirs_exist_ok=True)
    sandbox.write_kernelspec(course / "jupyter", threads=max(1, (os.cpu_count() or 1) // workers))
    _environment(course)
    result = _api(course, timeout).generate_assignment(assignment)
    if not result["success"]:
        raise SystemExit(
            f"nbgrader could not prepare {assignment}:\n{result['log']}{result['error']}"
        )


def declared_files(course: Path, assignment: str) -> dict[str, str]:
    """The assignment's own files (not notebooks), read-only in the kernel's working folder."""
    folder = course / "source" / assignment
    return {
        p.name: str(p)
        for p in sorted(folder.iterdir())
        if stat.S_ISREG(p.lstat().st_mode) and p.suffix != ".ipynb"
    }


def grade_one(
    course: str,
    assignment: str,
    timeout: int,
    limits: sandbox.Limits,
    checks_outside: bool,
    student: str,
) -> dict:
    """Autograde one submission in its sandbox and write its feedback (runs in a worker process)."""
    course = Path(course)
    _environment(course)
    start = time.perf_counter()
    box = sandbox.Sandbox.open(limits=limits, files=declared_files(course, assignment))
    os.environ[sandbox.ENV_VAR] = str(box.path)
    deadline = threading.Timer(
        limits.submission_seconds,
        box.kill,
        kwargs={
            "reason": f"the whole submission ran longer than {limits.submission_seconds} s "
            "and was stopped"
        },
    )
    deadline.daemon = True
    deadline.start()
    api = _api(course, timeout, box, checks_outside)
    try:
        for attempt in range(4):  # the gradebook is one sqlite file shared by the workers
            result = api.autograde(assignment, student)
            if result["success"] or "database is locked" not in (
                result["log"] + str(result["error"])
            ):
                break
            time.sleep(1 + attempt)
    finally:
        deadline.cancel()
        killed = box.killed_reason
        box.close()
        os.environ.pop(sandbox.ENV_VAR, None)
    feedback = api.generate_feedback(assignment, student) if result["success"] else None
    return {
        "student": student,
        "success": result["success"],
        "seconds": time.perf_counter() - start,
        "log": "" if result["success"] else (result["log"] + str(result["error"]))[-3000:],
        "feedback_ok": bool(feedback and feedback["success"]),
        "killed": killed,
    }


def _progress(total: int):
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is pinned in requirements.txt
        return None
    return tqdm(total=total, unit="submission", desc="grading", file=sys.stdout, disable=total == 0)


def _failed(student: str, why: str) -> dict:
    return {
        "student": student,
        "success": False,
        "seconds": 0.0,
        "log": why,
        "failure": why,
        "feedback_ok": False,
        "killed": "",
    }


def run_all(todo: list[str], on_done, *, workers: int, task=grade_one, args=()) -> None:
    """``on_done(student, task(*args, student))`` for each student, in ``workers`` processes.

    If a grading process dies (whatever killed it), the pool is broken for every submission still
    in it: those are then graded one process each, so that only the culprit gets a failure.
    """
    left = list(todo)
    # Fresh interpreters, not forks: a caller that has loaded TensorFlow (a notebook, a test
    # process) must not hand its state to the graders; TensorFlow is not fork-safe.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        futures = {pool.submit(task, *args, student): student for student in left}
        try:
            for future in as_completed(futures):
                student = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    raise
                except Exception as err:  # noqa: BLE001 - one submission must not stop the class
                    result = _failed(student, f"{type(err).__name__}: {err}")
                on_done(student, result)
                left.remove(student)
        except BrokenProcessPool:
            pass
    for student in left:
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as solo:
            try:
                result = solo.submit(task, *args, student).result()
            except Exception as err:  # noqa: BLE001
                result = _failed(
                    student, f"the grader crashed on this submission ({type(err).__name__})"
                )
        on_done(student, result)


def grade(
    submissions_path,
    out="grading",
    assignment="assignment_digits",
    workers=None,
    timeout=TIMEOUT,
    *,
    source: Path = SOURCE,
    limits: sandbox.Limits | None = None,
    checks_outside: bool = True,
) -> dict:
    """Grade every submission of ``assignment``; return the per-student results (see module doc)."""
    out = Path(out).resolve()
    course = out / "course"
    out.mkdir(parents=True, exist_ok=True)
    workers = workers or os.cpu_count() or 1
    # Each sandbox gets its share of the cores: a busy neighbour cannot slow an honest submission.
    limits = replace(limits or sandbox.Limits(), cpus=max(0.5, (os.cpu_count() or 1) / workers))
    folder = intake.unpack(Path(submissions_path), out)
    found = intake.find(folder, assignment)
    if not found:
        raise SystemExit(
            f"no submissions of {assignment} in {submissions_path} "
            f"(expected <student_id>/{assignment}/*.ipynb)"
        )
    prepare_course(course, assignment, timeout, workers, source=source)
    release_dir = course / "release" / assignment
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    source_print = _source_fingerprint(Path(source) / assignment)
    names = {sub.student_id: sub.student for sub in found}
    todo, notes, stamps = [], {}, {}
    for sub in found:
        key = f"{assignment}/{sub.student_id}"
        stamps[sub.student_id] = (
            f"{source_print}:{intake.fingerprint(sub)}:{timeout}:"
            f"{json.dumps(asdict(limits), sort_keys=True)}:{checks_outside}"
        )
        notes[sub.student_id] = manifest.get(key, {}).get("notes", [])
        if manifest.get(key, {}).get("stamp") == stamps[sub.student_id]:
            continue
        notes[sub.student_id] = intake.prepare(
            sub, course / "submitted" / sub.student_id / assignment, release_dir
        )
        todo.append(sub.student_id)
    _register(course, list(names))
    results = {}
    bar = _progress(len(todo))

    def done(student: str, result: dict) -> None:
        results[student] = result
        if result.get("killed"):
            notes[student] = notes[student] + [result["killed"]]
        manifest[f"{assignment}/{student}"] = {
            "stamp": stamps[student] if result["success"] else "",
            "notes": notes[student],
        }
        if bar is not None:
            bar.update(1)

    args = (str(course), assignment, timeout, limits, checks_outside)
    run_all(todo, done, workers=workers, args=args)
    if bar is not None:
        bar.close()
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    scores = report.read_scores(course, assignment, list(names))
    report.write_feedback(out, course, assignment, scores, notes, results)
    report.export_csv(course, assignment, names, out / "grades.csv")
    _write_students(out / "students.csv", names)
    report.write_summary(out, assignment, scores)
    failed = sorted(s for s, r in results.items() if not r["success"])
    if failed:
        print(
            f"\n{len(failed)} submission(s) could not be graded normally (zero, with the reason "
            "in their feedback):"
        )
        for student in failed:
            why = results[student].get("failure") or report.root_cause(results[student]["log"])
            print(f"  {report.csv_text(names[student])}: {report.csv_text(why)}")
    return {
        "graded": sorted(results),
        "skipped": sorted(set(names) - set(results)),
        "scores": scores,
        "results": results,
        "names": names,
        "failed": failed,
    }


def _source_fingerprint(folder: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _write_students(path: Path, names: dict[str, str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student_id", "submitted_as"])
        for student_id, name in sorted(names.items()):
            writer.writerow([student_id, report.csv_text(name)])


def _register(course: Path, students: list[str]) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course), course_id=report.COURSE_ID) as gb:
        for student in students:
            gb.update_or_create_student(student)


read_scores = report.read_scores
grades_table = report.grades_table

__all__ = ["grade", "grades_table", "read_scores", "prepare_course", "TIMEOUT"]
