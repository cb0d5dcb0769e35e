"""Benchmark: grading a class with plain sequential nbgrader versus `python -m autograder grade`.

Both grade the same batch of 12 mixed submissions of the digits assignment (solved, blank,
and the typical mistakes), in one run:

* plain: ``nbgrader autograde assignment_digits --student S`` for each student in turn,
  in an ordinary course folder with nbgrader's default kernel (no sandbox);
* ours: the course's command (sandboxed kernels, one worker per core), with the test cells
  in the student's kernel (``checks_outside=False``, as before :mod:`autograder.remote`) and
  in the checker, twice each in the order A B B A, to measure the checker's overhead per
  submission.

Prints the time of every submission under both, both totals, that the scores agree, and
as its last line ``speedup N.NNx`` (plain total / ours total).

    .venv/bin/python -m benchmarks.grading [N]     # N: the first N submissions only
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.catalogue import answer, blank, solved, typical_mistakes, write
from autograder.course import SOURCE, use_environment_bin
from autograder.grade import grade, read_scores

ASSIGNMENT = "assignment_digits"


def mixed_batch(folder: Path, size: int | None = None) -> list[str]:
    """Write the batch (its first ``size`` submissions, in a fixed mixed order) into ``folder``."""
    good = solved()
    cases = {
        "solved_1": good,
        "solved_2": good,
        "solved_3": good,
        "blank_1": blank(),
        "blank_2": blank(),
        **typical_mistakes(good),
        "syntax_error": answer(good, "sparse_ce", "def sparse_ce(y, z)\n    return 0"),
    }
    mistakes = sorted(typical_mistakes(good))
    mixed = ["solved_1", "blank_1", *mistakes[:1], "syntax_error", "solved_2", *mistakes[1:]]
    mixed += ["blank_2", "solved_3"]  # a prefix of any size mixes solved, blank and mistaken
    names = sorted(mixed[:size] if size is not None else mixed)
    for student in names:
        write(folder, student, cases[student])
    return names


def plain_nbgrader(submissions: Path, course: Path, students: list[str]) -> dict[str, float]:
    course.mkdir(parents=True)
    shutil.copytree(SOURCE / ASSIGNMENT, course / "source" / ASSIGNMENT)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\n"
        f"c.CourseDirectory.root = {str(course)!r}\nc.Execute.timeout = 120\n"
    )
    nbgrader = [sys.executable, "-m", "nbgrader"]
    subprocess.run(
        nbgrader + ["generate_assignment", ASSIGNMENT], cwd=course, check=True, capture_output=True
    )
    times = {}
    for student in students:
        shutil.copytree(
            submissions / student / ASSIGNMENT, course / "submitted" / student / ASSIGNMENT
        )
        start = time.perf_counter()
        subprocess.run(
            nbgrader + ["autograde", ASSIGNMENT, "--student", student],
            cwd=course,
            capture_output=True,
        )  # exit codes say little: scores are read below
        times[student] = time.perf_counter() - start
    return times


def main(size: int | None = None) -> None:
    use_environment_bin()
    with tempfile.TemporaryDirectory(prefix="grading-bench-") as tmp:
        tmp = Path(tmp)
        students = mixed_batch(tmp / "submissions", size)
        print(f"{len(students)} submissions of {ASSIGNMENT}, {os.cpu_count()} cores")
        start = time.perf_counter()
        plain = plain_nbgrader(tmp / "submissions", tmp / "plain", students)
        plain_total = time.perf_counter() - start
        plain_scores = read_scores(tmp / "plain", ASSIGNMENT, students)
        # In the order A B B A, so that a load that drifts during the run (another job on the
        # machine) weighs on both designs alike; each figure is the mean of its two runs.
        runs, totals = {"inside": [], "ours": []}, {"inside": 0.0, "ours": 0.0}
        for k, name in enumerate(("inside", "ours", "ours", "inside")):
            start = time.perf_counter()
            runs[name].append(
                grade(tmp / "submissions", tmp / f"{name}{k}", checks_outside=name == "ours")
            )
            totals[name] += (time.perf_counter() - start) / 2
        ours = runs["ours"][0]
        inside_total, ours_total = totals["inside"], totals["ours"]
    print(f"\n{'submission':<16} {'plain s':>8} {'ours s':>8} {'plain':>6} {'ours':>6}")
    for student in students:
        print(
            f"{student:<16} {plain[student]:8.1f} {ours['results'][student]['seconds']:8.1f} "
            f"{plain_scores[student]['score']:6g} {ours['scores'][student]['score']:6g}"
        )
    agree = all(plain_scores[s]["score"] == ours["scores"][s]["score"] for s in students)
    print(
        f"plain sequential nbgrader: {plain_total:.1f} s; python -m autograder grade: "
        f"{ours_total:.1f} s; scores agree: {agree}"
    )
    per = {
        name: sum(r["seconds"] for run in runs[name] for r in run["results"].values())
        / (len(students) * len(runs[name]))
        for name in runs
    }
    print(
        f"seconds per submission: checks in the student's kernel {per['inside']:.1f}, "
        f"checks in the checker {per['ours']:.1f}; overhead of the checker "
        f"{per['ours'] / per['inside'] - 1:+.0%} (goal: under +15%); totals "
        f"{inside_total:.1f} s and {ours_total:.1f} s"
    )
    print(f"speedup {plain_total / ours_total:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else None)
