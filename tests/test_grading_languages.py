"""A submission written in the Chinese notebook is graded exactly like one written in the English
notebook: the real grader, the same answers in both builds of a converted lesson (lesson 05 and
the graded assignment), the same points per cell.

One grading run per lesson, in one test per lesson: a solved and a wrong submission in each
language.  The assignment's wrong submission leaves ``train_model`` unwritten, so it never
trains: only its two solved submissions train the network."""

from __future__ import annotations

import nbformat
import pytest

from autograder.catalogue import MARKERS, answer, write
from autograder.grade import grade
from autograder.notebooks import RELEASED, source_notebook
from autograder.release import translated_dir

pytestmark = [pytest.mark.slow, pytest.mark.heavy(minutes=6)]

LANGS = ("en", "zh")
FORWARD = "def centred_difference(f, w, eps):\n    return (f(w + eps) - f(w)) / eps\n"
COST_SIGN = (
    "def binary_cost(y, p):\n"
    "    y, p = np.ravel(y), np.ravel(p)\n"
    "    return np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n"
)
NOT_TRAINED = "def train_model(model, X_train, y_train):\n    raise NotImplementedError()\n"
WRONG = {
    "05_backprop": {"centred_difference": FORWARD},
    "assignment_digits": {"binary_cost": COST_SIGN, "train_model": NOT_TRAINED},
}
"""Per lesson, the answers (solution cell -> code) that make its wrong submission wrong."""
LOST = {
    "05_backprop": {"test_centred_difference"},
    "assignment_digits": {"test_binary_cost", "test_training"},
}
"""Per lesson, the graded cells the wrong submission loses; it keeps the points of the others."""


def solved(lesson, release):
    """The notebook ``release`` with every solution cell answered as in the source."""
    source = nbformat.read(str(source_notebook(lesson)), as_version=4)
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


def wrong(lesson, release):
    nb = solved(lesson, release)
    for grade_id, code in WRONG[lesson].items():
        nb = answer(nb, grade_id, code)
    return nb


def grade_both_languages(lesson, tmp):
    """A solved and a wrong submission of ``lesson`` in each language, graded in one run."""
    releases = {
        "en": RELEASED / f"{lesson}.ipynb",
        "zh": translated_dir(RELEASED, "zh") / f"{lesson}.ipynb",
    }
    for lang, release in releases.items():
        assert release.exists(), release
        for kind, make in {"solved": solved, "wrong": wrong}.items():
            write(tmp / "submissions", f"{kind}_{lang}", make(lesson, release), lesson)
    return grade(tmp / "submissions", tmp / "out", assignment=lesson, workers=2)


@pytest.mark.parametrize("lesson", list(WRONG))
def test_both_languages_get_the_same_points_in_every_cell(lesson, tmp_path):
    """One test per lesson, so each lesson is graded once however the tests are distributed."""
    result = grade_both_languages(lesson, tmp_path)
    scores = result["scores"]
    assert not result["failed"]
    for kind in ("solved", "wrong"):
        en, zh = scores[f"{kind}_en"], scores[f"{kind}_zh"]
        assert en["cells"] == zh["cells"] and en["score"] == zh["score"], kind
    # ... and they are the points the answers earn: all of them, or all but the wrong cells'
    for lang in LANGS:
        solved_, wrong_ = scores[f"solved_{lang}"], scores[f"wrong_{lang}"]
        assert solved_["score"] == solved_["max_score"] > wrong_["score"] > 0, lang
        lost = {cell for cell, (score, most) in wrong_["cells"].items() if score < most}
        assert lost == LOST[lesson], lang
        assert all(wrong_["cells"][cell][0] == 0 for cell in lost), lang
