"""A new lesson starts from autograder/lesson_template.ipynb: it meets the lesson contract and
nbgrader releases it (steps 2, 3 and 5 of CONTRIBUTING.md, for a throwaway lesson)."""

import shutil

import nbformat

from autograder.course import COURSE, course_config, use_environment_bin
from autograder.release import CARD_BEGIN, CARD_END, write_lesson_card
from tests.test_checker_contract import answers, fetched_names
from tests.test_lesson_contract import CELL_ID
from utils.lessons import Lesson

TEMPLATE = COURSE / "lesson_template.ipynb"


def test_the_template_meets_the_lesson_contract():
    nb = nbformat.read(str(TEMPLATE), as_version=4)
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        assert CELL_ID.match(cell.id) and meta["grade_id"] == cell.id
        assert meta.get("locked") or meta.get("solution")
    assert CARD_BEGIN in nb.cells[0].source and CARD_END in nb.cells[0].source
    fetched, nowhere = fetched_names(nb)  # the checker contract: checks read only answers
    assert not nowhere and fetched == answers(nb) == {"example"}


def test_a_throwaway_lesson_from_the_template_is_released_with_its_card(tmp_path):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    lesson = Lesson("06_throwaway", "06", "throwaway", ("9.9",), "do")
    source = tmp_path / "source" / lesson.id / f"{lesson.id}.ipynb"
    source.parent.mkdir(parents=True)
    shutil.copyfile(TEMPLATE, source)
    assert write_lesson_card(source, "*Lecture notes:* section 9.9 · *Points:* 1")
    use_environment_bin()  # a new gradebook runs alembic by name
    config = course_config(tmp_path)
    result = NbGraderAPI(CourseDirectory(config=config), config=config).generate_assignment(
        lesson.id
    )
    assert result["success"], result["log"]
    released = nbformat.read(str(tmp_path / "release" / lesson.id / f"{lesson.id}.ipynb"), 4)
    text = "\n".join(c.source for c in released.cells)
    assert "*Points:* 1" in released.cells[0].source
    assert "return 2 * x" not in text and "HIDDEN TESTS" not in text
    assert "raise NotImplementedError()" in text
