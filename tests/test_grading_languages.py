"""A submission written in the Chinese notebook is graded exactly like one written in the English
notebook: the real grader, the same answers in both builds of lesson 05, the same points per
cell."""

from __future__ import annotations

import nbformat
import pytest

from autograder.catalogue import MARKERS, answer, write
from autograder.grade import grade
from autograder.notebooks import RELEASED, source_notebook
from autograder.release import translated_dir

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading")]

LESSON = "05_backprop"
FORWARD = "def centred_difference(f, w, eps):\n    return (f(w + eps) - f(w)) / eps\n"


def solved(release):
    """The notebook ``release`` with every solution cell answered as in the source."""
    source = nbformat.read(str(source_notebook(LESSON)), as_version=4)
    answers = {
        c.metadata["nbgrader"]["grade_id"]: MARKERS.sub("", c.source)
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    nb = nbformat.read(str(release), as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("languages")
    releases = {
        "en": RELEASED / f"{LESSON}.ipynb",
        "zh": translated_dir(RELEASED, "zh") / f"{LESSON}.ipynb",
    }
    kinds = {
        "solved": solved,
        "wrong": lambda release: answer(solved(release), "centred_difference", FORWARD),
    }
    for lang, release in releases.items():
        assert release.exists(), release
        for kind, make in kinds.items():
            write(tmp / "submissions", f"{kind}_{lang}", make(release), LESSON)
    return grade(tmp / "submissions", tmp / "out", assignment=LESSON, workers=2)


@pytest.mark.parametrize("kind", ["solved", "wrong"])
def test_both_languages_get_the_same_points_in_every_cell(graded, kind):
    scores = graded["scores"]
    en, zh = scores[f"{kind}_en"], scores[f"{kind}_zh"]
    assert en["cells"] == zh["cells"] and en["score"] == zh["score"]
    assert not graded["failed"]


def test_the_points_are_those_the_answers_earn(graded):
    scores = graded["scores"]
    full = scores["solved_en"]["max_score"]
    assert scores["solved_en"]["score"] == full > scores["wrong_en"]["score"] > 0
