"""The instructor's grading command with real nbgrader, real sandboxed kernels, real submissions.

One class of 21 submissions is graded once (module fixture); the tests then read the
grades, the feedback and the autograded notebooks.
"""

import json
import shutil
import socket
import zipfile

import nbformat
import pytest

from autograder.catalogue import answer, blank, solved, typical_mistakes, write
from autograder.course import CELL_TIMEOUT
from autograder.grade import grade, grades_table

pytestmark = [
    pytest.mark.slow,
    pytest.mark.heavy(minutes=20),
    pytest.mark.filterwarnings("ignore::nbformat.warnings.DuplicateCellId"),
]
FULL = 20.0
THIEF = """
import os, glob
stolen = []
for pattern in ["/**/autograder/source/**/*.ipynb", "/**/gradebook.db", "/**/submitted/**/*.ipynb"]:
    for root in ("/work", "/root", "/tmp", "/home", "/srv", "/opt"):
        stolen += glob.glob(root + pattern, recursive=True)
print("STOLEN:", stolen)
print("PROCESSES:", sorted(p for p in os.listdir("/proc") if p.isdigit()))
import socket
try:
    socket.create_connection(("127.0.0.1", PORT), timeout=2)
    print("REACHED THE HOST: True")
except OSError:
    print("REACHED THE HOST: False")
def binary_cost(y, p):
    y, p = np.ravel(y), np.ravel(p)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
"""


CPU_HOG = """
import os, time
for _ in range(24):                   # 24 busy processes while the classmates are graded
    if os.fork() == 0:
        while True:
            pass
time.sleep(30)
"""


def class_of_submissions(folder, port):
    good = solved()
    noisy = answer(
        good,
        "binary_cost",
        "import sys\n"
        + [
            c for c in good.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "binary_cost"
        ][0].source.replace(
            "    y, p = np.ravel(y), np.ravel(p)",
            "    print('debug', file=sys.stderr)\n    y, p = np.ravel(y), np.ravel(p)",
        ),
    )
    no_test = solved()
    no_test.cells = [
        c
        for c in no_test.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") != "test_sparse_ce"
    ]
    edited = answer(
        answer(good, "test_binary_cost", "pass"),
        "binary_cost",
        "def binary_cost(y, p):\n    return 0.0",
    )
    dup = solved()
    dup.cells.insert(8, nbformat.from_dict(json.loads(json.dumps(dup.cells[7]))))
    cases = {
        "solved": good,
        "blank": blank(),
        **typical_mistakes(good),
        "endless_loop": answer(good, "binary_cost", "while True:\n    pass"),
        "crash": answer(good, "binary_cost", "import os\nos._exit(1)"),
        "memory_bomb": answer(good, "binary_cost", "hog = bytearray(64 * 2**30)"),
        "chatty": answer(
            good,
            "binary_cost",
            "for i in range(10**6):\n    print(i)\n"
            + [
                c
                for c in good.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "binary_cost"
            ][0].source,
        ),
        "stderr_noise": noisy,
        "syntax_error": answer(good, "sparse_ce", "def sparse_ce(y, z)\n    return 0"),
        "deleted_test": no_test,
        "edited_test": edited,
        "duplicate_ids": dup,
        "thief": answer(good, "binary_cost", THIEF.replace("PORT", str(port))),
        "cpu_hog": answer(
            good,
            "binary_cost",
            CPU_HOG
            + [
                c
                for c in good.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "binary_cost"
            ][0].source,
        ),
    }
    for student, nb in cases.items():
        write(folder, student, nb)
    write(folder, "renamed", good, name="assignment_digits (1).ipynb")
    write(folder, "corrupt", '{"cells": [ this is not json')
    (folder / "missing" / "assignment_digits").mkdir(parents=True)
    return sorted(cases) + ["renamed", "corrupt", "missing"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    with socket.create_server(("127.0.0.1", 0)) as listener:  # a service on the grading host
        students = class_of_submissions(root / "submissions", listener.getsockname()[1])
        out = root / "out"
        result = grade(root / "submissions", out, timeout=CELL_TIMEOUT)
    return root, out, students, result


def cell_scores(result, student):
    return {name: score for name, (score, _) in result["scores"][student]["cells"].items()}


def feedback(out, student):
    return "".join(
        p.read_text() for p in (out / "feedback" / student / "assignment_digits").glob("*.html")
    )


def test_every_submission_gets_a_grade_and_feedback(graded):
    _, out, students, result = graded
    table = grades_table(out / "grades.csv")
    assert sorted(table) == sorted(students)
    for student in students:
        assert feedback(out, student), student
    header = (out / "grades.csv").read_text().splitlines()[0]
    assert header.startswith("assignment,duedate,timestamp,student_id") and header.endswith(
        "score,max_score"
    )
    assert (out / "summary.csv").exists() and (out / "score_distribution.png").stat().st_size > 1000


def test_solution_full_marks_and_blank_zero(graded):
    """Also while a classmate (cpu_hog) keeps 24 processes busy: each sandbox has its CPU share."""
    _, out, _, result = graded
    table = grades_table(out / "grades.csv")
    assert table["solved"] == FULL and table["renamed"] == FULL and table["duplicate_ids"] == FULL
    assert table["blank"] == 0 and table["missing"] == 0 and table["corrupt"] == 0


@pytest.mark.parametrize(
    "student,lost,message",
    [
        ("softmax_layer", {"test_model": 2}, "softmax"),  # charged once: compile is graded alone
        ("sigmoid_output", {"test_model": 2}, "output layer uses sigmoid"),
        ("wrong_units", {"test_model": 2}, "[25, 15, 1] units"),
        ("one_hot", {"test_training": 2}, "one-hot labels"),
        ("wrong_axis", {"test_softmax_batch": 1}, "wrong axis"),
        ("no_max", {"test_softmax_stable": 1}, "Subtract max"),
    ],
)
def test_each_mistake_loses_the_intended_points_with_its_message(graded, student, lost, message):
    _, out, _, result = graded
    scores = cell_scores(result, student)
    for cell, points in lost.items():
        assert scores[cell] == 0, (student, cell, scores)
    assert message in feedback(out, student).replace("&#x27;", "'").replace("&quot;", '"')
    if student in ("no_max", "one_hot", "sigmoid_output"):
        assert result["scores"][student]["score"] == FULL - sum(lost.values()), scores


def test_a_correct_answer_that_writes_to_stderr_keeps_its_points(graded):
    """Its calls run in the kernel, not in the test cell: nbgrader never sees the stderr text."""
    _, _, _, result = graded
    assert cell_scores(result, "stderr_noise")["test_binary_cost"] == 1
    assert result["scores"]["stderr_noise"]["score"] == FULL


@pytest.mark.parametrize(
    "student,cell,message",
    [
        ("endless_loop", "test_binary_cost", "ran longer than"),
        ("crash", "test_binary_cost", "kernel died"),
        ("memory_bomb", "test_binary_cost", "MemoryError"),
        ("syntax_error", "test_sparse_ce", "SyntaxError"),
        ("edited_test", "test_binary_cost", "binary_cost"),
    ],
)
def test_bad_submissions_are_graded_with_an_explanation(graded, student, cell, message):
    _, out, _, result = graded
    assert cell_scores(result, student)[cell] == 0
    assert message in feedback(out, student)
    assert result["scores"][student]["score"] > 0  # everything else still counted


def test_repairs_are_explained_in_the_feedback(graded):
    _, out, _, result = graded
    assert "could not be read as a notebook" in feedback(out, "corrupt")
    assert "missing from your submission" in feedback(out, "missing")
    assert "graded in its place" in feedback(out, "renamed")
    assert "copy of the graded cell" in feedback(out, "duplicate_ids")
    assert result["scores"]["chatty"]["score"] == FULL
    assert result["scores"]["deleted_test"]["cells"].get("test_sparse_ce", (0,))[0] == 0
    assert result["scores"]["crash"]["score"] == 3  # the softmax cells ran before the crash


def test_student_code_cannot_see_solutions_gradebook_or_classmates(graded):
    _, out, _, result = graded
    nb = nbformat.read(
        str(
            out
            / "course"
            / "autograded"
            / "thief"
            / "assignment_digits"
            / "assignment_digits.ipynb"
        ),
        as_version=4,
    )
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "STOLEN: []" in printed
    assert "REACHED THE HOST: False" in printed  # no network in the sandbox
    assert "PROCESSES: ['1']" in printed  # nor any other process
    assert result["scores"]["thief"]["score"] == FULL


def test_regrading_skips_unchanged_and_regrades_changed(graded, tmp_path):
    root, out, students, first = graded
    subs = tmp_path / "subs"
    shutil.copytree(root / "submissions", subs)
    write(subs, "blank", solved())  # one student resubmits
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in subs.rglob("*"):
            zf.write(path, path.relative_to(tmp_path))
    again = grade(archive, out, timeout=CELL_TIMEOUT)
    assert again["graded"] == ["blank"] and len(again["skipped"]) == len(students) - 1
    assert grades_table(out / "grades.csv")["blank"] == FULL
    for student in students:
        if student != "blank":
            assert again["scores"][student]["score"] == first["scores"][student]["score"], student


def test_grading_the_same_batch_twice_gives_identical_scores(graded, tmp_path):
    root, _, _, first = graded
    subset = ["solved", "wrong_axis", "one_hot", "crash"]
    for student in subset:
        shutil.copytree(root / "submissions" / student, tmp_path / "subs" / student)
    second = grade(tmp_path / "subs", tmp_path / "out", timeout=CELL_TIMEOUT)
    assert second["graded"] == sorted(subset)
    for student in subset:
        assert second["scores"][student] == first["scores"][student], student
