"""What every lesson promises, checked for each lesson of the registry (adding one adds its row).

This is the static half: the notebooks as committed.  The executed half (the solutions run clean,
widgets are still figures under nbgrader, the blank release fails each check with a message) is
``tests/test_lesson_execution.py``.
"""

import re

import nbformat
import pytest

from autograder.course import SOURCE
from autograder.release import CARD_BEGIN, CARD_END
from utils.lessons import LESSONS, lesson_card, points

CELL_ID = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def source(item):
    return nbformat.read(str(SOURCE / item.id / f"{item.id}.ipynb"), as_version=4)


def released(item):
    return nbformat.read(str(item.notebook), as_version=4)


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_every_cell_has_nbgrader_metadata_and_one_id_style(item):
    for cell in source(item).cells:
        meta = cell.metadata.get("nbgrader")
        assert meta is not None, f"{item.id}: cell {cell.id} has no nbgrader metadata"
        assert CELL_ID.match(cell.id), f"{item.id}: cell id {cell.id!r} is not snake_case"
        assert meta["grade_id"] == cell.id, (
            f"{item.id}: grade_id {meta['grade_id']} != id {cell.id}"
        )
        if cell.cell_type == "code" and not meta.get("solution"):
            assert meta.get("locked"), f"{item.id}: code cell {cell.id} can be edited by students"


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_the_intro_states_the_sections_and_the_points_nbgrader_gives(item):
    for nb in (source(item), nbformat.read(str(item.notebook), as_version=4)):
        intro = nb.cells[0].source
        card = intro[intro.index(CARD_BEGIN) + len(CARD_BEGIN) : intro.index(CARD_END)].strip()
        assert card == lesson_card(item)
    graded = sum(
        float(c.metadata["nbgrader"].get("points", 0))
        for c in source(item).cells
        if c.metadata["nbgrader"].get("grade")
    )
    assert f"*Points:* {graded:g} " in lesson_card(item) and points(item) == graded


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_both_notebooks_are_committed_clean_with_the_same_cells(item):
    src, student = source(item), released(item)
    assert [c.id for c in src.cells] == [c.id for c in student.cells]
    for nb in (src, student):
        ids = [c.id for c in nb.cells]
        assert len(ids) == len(set(ids)), f"{item.id}: duplicate cell ids"
        assert nb.metadata["kernelspec"] == KERNELSPEC
        for cell in nb.cells:
            assert cell.metadata["nbgrader"]["schema_version"] == 3, cell.id
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, cell.id
            assert "import *" not in cell.source and "plt.show" not in cell.source, cell.id


@pytest.mark.parametrize("item", LESSONS, ids=lambda item: item.id)
def test_exercises_have_solutions_and_checks_have_hidden_tests(item):
    student = {c.id: c for c in released(item).cells}
    solutions = checks = 0
    for cell in source(item).cells:
        meta = cell.metadata["nbgrader"]
        if meta.get("solution"):
            solutions += 1
            assert cell.cell_type == "code" and not meta.get("grade"), cell.id
            assert not meta.get("locked"), f"{item.id}: {cell.id} cannot be answered"
            assert "### BEGIN SOLUTION" in cell.source, cell.id
            answer = student[cell.id].source
            assert "raise NotImplementedError()" in answer and "BEGIN SOLUTION" not in answer
        if meta.get("grade"):
            checks += 1
            assert meta["locked"] and not meta.get("solution") and meta["points"] > 0, cell.id
            visible, hidden = cell.source.split("### BEGIN HIDDEN TESTS")
            assert re.search(r"\bcheck_\w+\(", visible), f"{cell.id}: no visible check"
            assert "### END HIDDEN TESTS" in hidden, cell.id
            assert "HIDDEN" not in student[cell.id].source, cell.id
    assert solutions and checks, f"{item.id}: no exercises"
