"""Grade a whole class with nbgrader: sandboxed, parallel, incremental, with feedback.

    python -m autograder grade SUBMISSIONS [--out DIR] [--assignment NAME] [--workers N]
                                           [--scheduler tcp://HOST:8786]

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

Workers grade in parallel (default: one process per core; with ``--scheduler tcp://HOST:8786``
the workers of a Dask cluster).  Either way each submission is graded by
:func:`autograder.cluster.worker.grade_one` in a private temporary course folder and comes back
as plain data; this process alone writes the gradebook, the CSV, the feedback and the summary
(:mod:`autograder.cluster`).  The manifest is saved as results arrive, so an interrupted run
resumes with what is left.  Whatever one submission does, every other student gets the row and
feedback they would get without it; submissions that could not be graded are listed at the end
and make the command exit with status 1.
"""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from pathlib import Path

from autograder import intake, report, sandbox
from autograder.cluster import results as cluster_results
from autograder.cluster import runner as cluster_runner
from autograder.cluster import throughput, worker
from autograder.cluster.worker import grade_one, nbgrader_api, use_course
from autograder.course import CELL_TIMEOUT as TIMEOUT
from autograder.course import SOURCE, gradebook_url


def prepare_course(
    course: Path, assignment: str, timeout: int, workers: int = 1, *, source: Path = SOURCE
) -> None:
    """Create (or refresh) the coordinator's course: sources, gradebook entry, kernelspec."""
    if not (Path(source) / assignment).is_dir():
        names = sorted(p.name for p in Path(source).iterdir() if p.is_dir())
        raise SystemExit(f"unknown assignment {assignment!r}; assignments are {names}")
    course.mkdir(parents=True, exist_ok=True)
    shutil.copytree(Path(source) / assignment, course / "source" / assignment, dirs_exist_ok=True)
    sandbox.write_kernelspec(course / "jupyter", threads=max(1, (os.cpu_count() or 1) // workers))
    use_course(course)
    result = nbgrader_api(course, timeout).generate_assignment(assignment)
    if not result["success"]:
        raise SystemExit(
            f"nbgrader could not prepare {assignment}:\n{result['log']}{result['error']}"
        )


def _progress(total: int):
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is pinned in requirements.txt
        return None
    return tqdm(total=total, unit="submission", desc="grading", file=sys.stdout, disable=total == 0)


def _failed(student: str, why: str) -> dict:
    return worker.failed(student, why)


def run_all(todo: list[str], on_done, *, workers: int, task=grade_one, args=(), jobs=None) -> None:
    """``on_done(student, task(*args, jobs[student]))`` for each student (``task(*args,
    student)`` without ``jobs``), in ``workers`` local processes.

    If a grading process dies (whatever killed it), the pool is broken for every submission still
    in it: those are then graded one process each, so that only the culprit gets a failure.
    """
    left = list(todo)

    def item(student):
        return jobs[student] if jobs is not None else student

    # Fresh interpreters, not forks: a caller that has loaded TensorFlow (a notebook, a test
    # process) must not hand its state to the graders; TensorFlow is not fork-safe.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=spawn) as pool:
        futures = {pool.submit(task, *args, item(student)): student for student in left}
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
        except BaseException:  # interrupted: grade nothing more (a re-run resumes)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    for student in left:
        with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as solo:
            try:
                result = solo.submit(task, *args, item(student)).result()
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
    scheduler=None,
) -> dict:
    """Grade every submission of ``assignment``; return the per-student results (see module doc).

    ``scheduler``: the address of a Dask scheduler (``tcp://HOST:8786``) or a
    :class:`distributed.Client`; without it, ``workers`` local processes grade.
    """
    started = time.perf_counter()
    out = Path(out).resolve()
    course = out / "course"
    out.mkdir(parents=True, exist_ok=True)
    workers = workers or os.cpu_count() or 1
    limits = limits or sandbox.Limits()
    folder = intake.unpack(Path(submissions_path), out)
    found = intake.find(folder, assignment)
    if not found:
        raise SystemExit(
            f"no submissions of {assignment} in {submissions_path} "
            f"(expected <student_id>/{assignment}/*.ipynb)"
        )
    client = cluster_runner.connect(scheduler) if scheduler is not None else None
    with tempfile.TemporaryDirectory(prefix="grading-template-") as template:
        worker.build_template(Path(template), Path(source), assignment)
        pack = worker.pack_assignment(Path(template), assignment)
        if not (course / "gradebook.db").exists():  # a new gradebook costs seconds: copy one
            course.mkdir(parents=True, exist_ok=True)
            shutil.copy(Path(template) / "gradebook.db", course / "gradebook.db")
    prepare_course(course, assignment, timeout, workers, source=source)
    release_dir = course / "release" / assignment
    manifest_path = out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    # The cores' share of each sandbox is set where it runs: it changes speed, not scores.
    settings_print = {k: v for k, v in asdict(limits).items() if k != "cpus"}
    names = {sub.student_id: sub.student for sub in found}
    todo, notes, stamps, jobs = [], {}, {}, {}
    for sub in found:
        key = f"{assignment}/{sub.student_id}"
        stamps[sub.student_id] = (
            f"{pack['fingerprint']}:{intake.fingerprint(sub)}:{timeout}:"
            f"{json.dumps(settings_print, sort_keys=True)}:{checks_outside}"
        )
        notes[sub.student_id] = manifest.get(key, {}).get("notes", [])
        if manifest.get(key, {}).get("stamp") == stamps[sub.student_id]:
            continue
        submitted = course / "submitted" / sub.student_id / assignment
        notes[sub.student_id] = intake.prepare(sub, submitted, release_dir)
        jobs[sub.student_id] = {
            "student": sub.student_id,
            "notebooks": {
                p.name: p.read_text(encoding="utf-8") for p in sorted(submitted.glob("*.ipynb"))
            },
        }
        todo.append(sub.student_id)
    _register(course, list(names))
    results = {}
    bar = _progress(len(todo))
    last_save = [0.0]

    def done(student: str, raw) -> None:
        try:
            result = cluster_results.parse(raw, student) if isinstance(raw, str) else raw
        except ValueError as err:  # includes JSON errors: the worker's answer is unusable
            result = _failed(student, f"the grader's answer could not be read ({err})")
        result = {**_failed(student, ""), **result}
        cluster_results.store(course, assignment, result)
        results[student] = result
        if result.get("killed"):
            notes[student] = notes[student] + [result["killed"]]
        manifest[f"{assignment}/{student}"] = {
            "stamp": stamps[student] if result["success"] else "",
            "notes": notes[student],
        }
        if time.monotonic() - last_save[0] > 2 or len(results) == len(todo):
            _save(manifest_path, manifest)  # an interrupted run resumes from here
            last_save[0] = time.monotonic()
        if bar is not None:
            bar.update(1)

    settings = {"timeout": timeout, "limits": asdict(limits), "checks_outside": checks_outside}
    try:
        if client is None:
            settings["slots"] = workers
            run_all(todo, done, workers=workers, args=(pack, settings), jobs=jobs)
        else:
            print(
                f"grading on the Dask cluster at {client.scheduler.address}; dashboard: "
                f"{client.dashboard_link}"
            )
            settings["slots"] = cluster_runner.slots_per_host(client)
            cluster_runner.run_on_cluster(
                todo,
                done,
                client=client,
                task=grade_one,
                args=(pack, settings),
                jobs=jobs,
                failed=_failed,
            )
    finally:
        _save(manifest_path, manifest)
        if bar is not None:
            bar.close()
        if client is not None and client is not scheduler:
            client.close()
    scores = report.read_scores(course, assignment, list(names))
    report.write_feedback(out, course, assignment, scores, notes, results)
    report.export_csv(course, assignment, names, out / "grades.csv")
    _write_students(out / "students.csv", names)
    report.write_summary(out, assignment, scores)
    if results:
        print()
        print("\n".join(throughput.report(results, time.perf_counter() - started)))
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


def _save(path: Path, manifest: dict) -> None:
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    os.replace(partial, path)


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
