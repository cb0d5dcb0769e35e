"""What every lesson promises, checked for each lesson of the registry (adding one adds its row).

Executing the notebooks (runs clean, still figures under nbgrader, the blank release fails each
check with a message) is done once per lesson in ``tests/test_lesson0N.py`` and
``tests/test_assignment.py``, which share the notebook runner in ``autograder/notebooks.py``.
"""

import re

import nbformat
import pytest

from autograder.course import SOURCE
from autograder.release import CARD_BEGIN, CARD_END
from utils.lessons import LESSONS, lesson_card, points

CELL_ID = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


def source(item):
    return nbformat.read(str(SOURCE / item.id / f"{item.id}.ipynb"), as_version=4)


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
