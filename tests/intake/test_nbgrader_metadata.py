"""nbgrader metadata (autograder.intake.nbgrader_metadata): damaged or forged, it is removed."""

from __future__ import annotations

import copy
import json

import pytest

from autograder.catalogue import solved, write
from tests.intake.helpers import (
    answers,
    assert_student_safe,
    cell_index,
    dumps,
    graded,
    prepared,
    submission_of,
)


def nbgrader_meta(nb, grade_id):
    return copy.deepcopy(dict(nb.cells[cell_index(nb, grade_id)].metadata["nbgrader"]))


BAD_NBGRADER = {
    "a string": lambda m: "not a dict",
    "a list": lambda m: [m],
    "grade not bool": lambda m: {**m, "grade": "yes"},
    "locked an int": lambda m: {**m, "locked": 1},
    "negative points": lambda m: {**m, "points": -1},
    "infinite points": lambda m: {**m, "points": float("inf")},
    "points a string": lambda m: {**m, "points": "2"},
    "grade_id a path": lambda m: {**m, "grade_id": "../../gradebook"},
    "grade_id empty": lambda m: {**m, "grade_id": ""},
    "grade_id a number": lambda m: {**m, "grade_id": 7},
    "grade_id too long": lambda m: {**m, "grade_id": "a" * 101},
    "schema_version a string": lambda m: {**m, "schema_version": "3"},
    "schema_version old": lambda m: {**m, "schema_version": 2},
    "no grade_id": lambda m: {k: v for k, v in m.items() if k != "grade_id"},
    "forged graded cell": lambda m: {**m, "grade_id": "forged", "points": 1000},
    "unknown key": lambda m: {**m, "bonus": 10},
}


@pytest.mark.parametrize("kind", list(BAD_NBGRADER))
def test_damaged_nbgrader_metadata_is_removed_from_that_cell_only(
    class_dir, tmp_path, release, kind
):
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    nb = solved()
    index = cell_index(nb, "test_softmax_values")
    raw = json.loads(dumps(nb))
    damaged = BAD_NBGRADER[kind](nbgrader_meta(nb, "test_softmax_values"))
    raw["cells"][index]["metadata"]["nbgrader"] = damaged
    write(class_dir, "ann", json.dumps(raw))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    assert "nbgrader" not in out.cells[index].metadata
    assert [c.metadata.get("nbgrader") for i, c in enumerate(out.cells) if i != index] == [
        c.metadata.get("nbgrader") for i, c in enumerate(nb.cells) if i != index
    ]
    MetadataValidatorV3().validate_nb(out)  # nbgrader accepts the rest
    assert answers(out) == answers(solved())
    assert len(notes) == 1 and f"cell {index + 1}'s nbgrader metadata was removed" in notes[0]
    assert_student_safe(notes, tmp_path)
