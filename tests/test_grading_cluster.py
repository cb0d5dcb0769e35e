"""Grading on a real Dask cluster: a ``dask scheduler`` and two ``dask worker`` processes started
from the command line on the loopback interface (no mocks), shared by this module.

The small ``sandbox_probe`` assignment (numpy only, 3 points) is graded through the cluster and
by the local pool: identical rows and feedback.  One worker process is killed mid-batch and every
student still gets exactly one row; a task that kills every worker it touches is graded once as
failed; a coordinator killed mid-run resumes with only what it had not graded, and what changed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from autograder.cluster.loopback import LoopbackCluster, wait_for
from autograder.cluster.runner import connect, run_on_cluster
from autograder.grade import grade, grades_table
from tests.test_grading_attacks import ASSIGNMENT, SOURCE, blank, solved

pytestmark = [pytest.mark.slow, pytest.mark.heavy(minutes=2)]
ROOT = Path(__file__).resolve().parent.parent
SLOW = "import time\ntime.sleep(3)\n"  # long enough to be killed in the middle of grading


def answered(add="def add(a, b):\n    return a + b", prefix=""):
    nb = solved()
    for cell in nb.cells:
        if cell.metadata["nbgrader"]["grade_id"] == "add":
            cell.source = prefix + add
    return nb


def write_class(folder: Path, cases: dict) -> list[str]:
    for student, nb in cases.items():
        target = folder / student / ASSIGNMENT
        target.mkdir(parents=True, exist_ok=True)
        if isinstance(nb, str):
            (target / f"{ASSIGNMENT}.ipynb").write_text(nb)
        else:
            nbformat.write(nb, str(target / f"{ASSIGNMENT}.ipynb"))
    return sorted(cases)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """``(address, client)`` of a scheduler with two one-thread workers, each under a nanny."""
    env = {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "2"}
    with LoopbackCluster(tmp_path_factory.mktemp("dask"), env=env, cwd=ROOT) as dask:
        dask.add_worker()
        dask.add_worker()
        client = connect(dask.address)
        try:
            client.wait_for_workers(2, timeout=120)
            yield dask.address, client
        finally:
            client.close()


@pytest.fixture(scope="module")
def both_ways(cluster, tmp_path_factory):
    """One small mixed class graded by the local pool and through the cluster."""
    address, _ = cluster
    root = tmp_path_factory.mktemp("class")
    cases = {
        "solved": solved(),
        "blank": blank(),
        "wrong": answered("def add(a, b):\n    return a - b"),
        "corrupt": '{"cells": [ not json',
    }
    students = write_class(root / "subs", cases)
    local = grade(root / "subs", root / "local", ASSIGNMENT, 2, 30, source=SOURCE)
    remote = grade(
        root / "subs", root / "remote", ASSIGNMENT, 2, 30, source=SOURCE, scheduler=address
    )
    return root, students, local, remote


def test_distributed_and_local_grading_give_identical_results(both_ways):
    root, students, local, remote = both_ways
    assert (root / "local" / "grades.csv").read_bytes() == (
        root / "remote" / "grades.csv"
    ).read_bytes()
    assert sorted(grades_table(root / "remote" / "grades.csv")) == students
    assert remote["scores"] == local["scores"]
    assert remote["scores"]["solved"]["score"] == 3 and remote["scores"]["wrong"]["score"] == 2
    for student in students:
        pages = sorted((root / "local" / "feedback" / student / ASSIGNMENT).glob("*.html"))
        assert pages, student
        for page in pages:
            other = root / "remote" / "feedback" / student / ASSIGNMENT / page.name
            assert page.read_text() == other.read_text(), student
    corrupt = root / "remote" / "feedback" / "corrupt" / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert "could not be read as a notebook" in corrupt.read_text()  # the repair, explained
    assert (root / "remote" / "summary.csv").read_bytes() == (
        root / "local" / "summary.csv"
    ).read_bytes()


def test_the_coordinator_keeps_an_nbgrader_course_of_plain_data(both_ways):
    """Autograded notebooks and the gradebook are written by the coordinator alone."""
    root, _, _, remote = both_ways
    course = root / "remote" / "course"
    graded = nbformat.read(
        str(course / "autograded" / "solved" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4
    )
    assert any(c.get("outputs") is not None for c in graded.cells)
    workers = {r["worker"] for r in remote["results"].values()}
    assert workers and all(w.startswith("tcp://127.0.0.1:") for w in workers)
    assert all(r["timings"]["autograde"] > 0 for r in remote["results"].values())


def test_killing_a_worker_mid_batch_loses_and_doubles_nothing(cluster, tmp_path):
    address, client = cluster
    cases = {f"slow{i}": answered(prefix=SLOW) for i in range(3)}
    cases["wrong"] = answered("def add(a, b):\n    return 0", prefix=SLOW)
    students = write_class(tmp_path / "subs", cases)
    outcome = {}

    def run():
        outcome["result"] = grade(
            tmp_path / "subs",
            tmp_path / "out",
            ASSIGNMENT,
            timeout=30,
            source=SOURCE,
            scheduler=address,
        )

    thread = threading.Thread(target=run)
    thread.start()
    busy = wait_for(
        lambda: [w for w, keys in client.processing().items() if any("grade-" in k for k in keys)],
        120,
    )
    time.sleep(2)  # in the middle of grading one submission (each sleeps 3 s in its kernel)
    victim = busy[0]
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)
    thread.join(timeout=300)
    assert not thread.is_alive()
    result = outcome["result"]
    table = grades_table(tmp_path / "out" / "grades.csv")
    assert sorted(table) == students  # every student exactly once
    lines = (tmp_path / "out" / "grades.csv").read_text().splitlines()
    assert len(lines) == 1 + len(students)
    assert result["failed"] == [] and sorted(result["graded"]) == students
    assert {s: table[s] for s in students} == {**{s: 3.0 for s in students}, "wrong": 2.0}
    client.wait_for_workers(2, timeout=120)  # the nanny restarted it, under a new address
    assert victim not in client.scheduler_info(n_workers=-1)["workers"]


def test_a_submission_that_kills_every_worker_is_graded_once_as_failed(cluster):
    _, client = cluster
    client.wait_for_workers(2, timeout=120)
    students = [f"s{i}" for i in range(4)] + ["culprit"] + [f"t{i}" for i in range(4)]
    results, calls = {}, []

    def done(student, result):
        calls.append(student)
        results[student] = result

    def grade_or_die(student):
        """A stand-in grading task (a closure: pickled by value, the cluster never imports the
        tests): the 'culprit' kills whichever worker process runs it."""
        if student == "culprit":
            os._exit(9)
        time.sleep(0.2)
        return {"student": student, "success": True}

    run_on_cluster(students, done, client=client, task=grade_or_die)
    assert sorted(calls) == sorted(students)  # everyone exactly once
    assert results["culprit"]["success"] is False
    assert "grader crashed" in results["culprit"]["failure"]
    assert all(results[s]["success"] for s in students if s != "culprit")
    client.wait_for_workers(2, timeout=120)


def test_an_interrupted_run_resumes_with_what_is_left_and_what_changed(cluster, tmp_path):
    address, client = cluster
    client.wait_for_workers(2, timeout=120)
    cases = {f"s{i}": answered(prefix=SLOW) for i in range(4)}
    students = write_class(tmp_path / "subs", cases)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "autograder", "grade", str(tmp_path / "subs")]
    command += ["--out", str(out), "--assignment", ASSIGNMENT, "--source", str(SOURCE)]
    command += ["--scheduler", address, "--timeout", "30"]
    first = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    manifest = out / "manifest.json"
    graded = wait_for(
        lambda: (
            manifest.exists()
            and [k for k, v in json.loads(manifest.read_text()).items() if v["stamp"]]
        ),
        180,
    )
    first.kill()  # the coordinator dies: no goodbye, no final save
    first.communicate()
    recorded = json.loads(manifest.read_text())
    done_before = sorted(k.split("/")[1] for k, v in recorded.items() if v["stamp"])
    assert graded and set(k.split("/")[1] for k in graded) <= set(done_before)
    assert 0 < len(done_before) < len(students)
    changed = next(s for s in students if s in done_before)
    nbformat.write(
        answered("def add(a, b):\n    return 0"),
        str(tmp_path / "subs" / changed / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
    )
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout[-3000:]
    assert "dashboard" in again.stdout and "per min" in again.stdout
    left = sorted(set(students) - set(done_before))
    assert f"graded {len(left) + 1}, unchanged {len(done_before) - 1}" in again.stdout
    table = grades_table(out / "grades.csv")
    assert sorted(table) == students
    assert table == {s: (2.0 if s == changed else 3.0) for s in students}


def test_the_coordinator_reads_only_plain_data_of_the_expected_shape():
    from autograder.cluster.results import BadResult, parse

    good = {
        "student": "ann",
        "success": True,
        "seconds": 1.5,
        "log": "",
        "gradebook": {"timestamp": None, "notebooks": {"nb": {"grades": {"t": {"auto_score": 1}}}}},
        "autograded": {"nb.ipynb": "{}", "../escape.ipynb": "{}", "x.html": "<p>"},
        "feedback": {"nb.html": "<p>ok</p>", "/etc/passwd.html": "x", "nb.ipynb": "{}"},
        "worker": {"not": "text"},
    }
    result = parse(json.dumps(good), "ann")
    assert result["success"] is True and result["seconds"] == 1.5 and result["worker"] == ""
    assert result["autograded"] == {"nb.ipynb": "{}"} and result["feedback"] == {
        "nb.html": "<p>ok</p>"
    }
    assert result["gradebook"]["notebooks"]["nb"]["grades"]["t"]["auto_score"] == 1.0
    with pytest.raises(BadResult):
        parse(json.dumps(good), "bob")  # not about this submission
    with pytest.raises(BadResult):
        parse({"student": "ann"}, "ann")  # only JSON text crosses, never objects
    with pytest.raises(ValueError):
        parse("not json", "ann")


def test_the_readme_starts_workers_with_the_settings_the_tests_use():
    from autograder.cluster.loopback import QUIET

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, value in QUIET.items():
        assert f"{name}={value}" in readme
