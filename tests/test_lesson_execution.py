"""What every lesson promises when its notebooks run, checked for each lesson of the registry.

The static half of the contract is ``tests/test_lesson_contract.py``.  Each notebook is executed
once per session in each mode (the ``executed_notebook`` fixture of ``tests/conftest.py``); the
per-lesson files read the same runs for the numbers their prose relies on.  The solved runs,
which the per-lesson files have usually made already, are checked last, so that a session does not
end with one pytest-xdist worker still executing notebooks while the other waits.

Which cells are graded comes from the nbgrader metadata; which cells are widgets, quizzes or
figures comes from what each cell returned (a ``FigureWidget``, a ``QuizSet``, a matplotlib
``Figure``), recorded in the kernel after the run.  Nothing is listed by hand except the
exceptions below.
"""

import pytest

from autograder.notebooks import WIDGET_MIME, cell_text, errors, stderr_text
from utils.lessons import LESSONS

CHECK_FAILED = "course-check-failed"  # utils.feedback.run_all.message_html

lessons = pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)


def graded_ids(nb) -> list[str]:
    return [c.id for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


def shown(cell) -> list[dict]:
    """The cell's displayed outputs (results and display data; not streams, not errors)."""
    return [o for o in cell.get("outputs", []) if "data" in o]


def widget_cells(nb) -> set[str]:
    return {c.id for c in nb.cells for o in shown(c) if WIDGET_MIME in o["data"]}


def assert_clean(run, label):
    nb = run.nb
    print(f"\n{label}: executed in {run.seconds:.1f} s")
    assert errors(nb) == [], f"{label}: {[(nb.cells[i].id, n, v) for i, n, v in errors(nb)]}"
    assert stderr_text(nb) == "", f"{label} wrote to stderr: {stderr_text(nb)[:500]}"
    for cell_id in graded_ids(nb):  # every check passes on the solutions
        assert "✓" in cell_text(run.cells[cell_id]), (label, cell_id, run.text(cell_id))


@pytest.mark.slow
@lessons
def test_under_nbgrader_widgets_are_still_figures(item, executed_notebook):
    run = executed_notebook(item.id, "autograde")
    assert_clean(run, f"{item.id} (as nbgrader runs it)")
    assert widget_cells(run.nb) == set()  # grading never waits for a front end
    roles = run.roles()
    assert "widget" in roles.values(), f"{item.id}: no cell returned a widget ({roles})"
    for cell_id, role in roles.items():
        cell = run.cells[cell_id]
        if role in ("widget", "quiz"):
            (out,) = cell.outputs
        else:
            (out,) = shown(cell)
        still = "text/html" if role == "quiz" else "image/png"
        assert still in out["data"], (cell_id, set(out["data"]))


@pytest.mark.slow
@lessons
def test_the_blank_release_fails_every_check_with_a_message(item, executed_notebook):
    run = executed_notebook(item.id, "blank")
    nb = run.nb
    graded = graded_ids(nb)
    assert graded, f"{item.id}: no graded cells"
    for cell_id in graded:
        # The student's kernel: a red message, not an error, so Run All goes on (under nbgrader
        # the same line is an error, see tests/test_feedback_run_all.py).
        shown = [o for o in run.cells[cell_id].outputs if CHECK_FAILED in str(o.get("data", {}))]
        assert len(shown) == 1, f"{item.id}: {cell_id} passed on the blank notebook"
        assert not [o for o in run.cells[cell_id].outputs if o.get("output_type") == "error"]
        text = shown[0]["data"]["text/plain"]
        assert text.startswith("✗ ") and "is not written yet" in text, (cell_id, text)
    failing = {nb.cells[i].id: name for i, name, _ in errors(nb) if nb.cells[i].id not in graded}
    # Run All reaches the end: an unwritten exercise is a red message, never an error
    assert failing == {}, f"{item.id}: these cells stop Run All on the blank notebook: {failing}"
    assert stderr_text(nb) == ""


@pytest.mark.slow
@lessons
def test_the_solved_notebook_runs_clean_with_live_widgets_and_still_fallbacks(
    item, executed_notebook
):
    run = executed_notebook(item.id, "solved")
    assert_clean(run, f"{item.id} (solved)")
    roles = run.roles()
    assert "widget" in roles.values(), f"{item.id}: no cell returned a widget ({roles})"
    for cell_id, role in roles.items():
        cell = run.cells[cell_id]
        if role in ("widget", "quiz"):  # one output: the live view with a still fallback
            (out,) = cell.outputs
            still = "image/png" if role == "widget" else "text/html"
            assert WIDGET_MIME in out["data"] and still in out["data"], (cell_id, set(out["data"]))
        else:
            (out,) = shown(cell)
            assert "image/png" in out["data"], (cell_id, set(out["data"]))
    assert widget_cells(run.nb) == {c for c, r in roles.items() if r != "figure"}
