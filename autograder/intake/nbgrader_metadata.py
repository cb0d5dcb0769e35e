"""A cell's nbgrader metadata, kept only when nbgrader would accept it for this assignment.

Flags that are not booleans, points that are not a finite number of 0 or more, a ``grade_id``
that is malformed or names no cell of the release (a forged graded cell), or anything nbgrader's
own validator rejects: the cell's nbgrader metadata is removed, with a note, and it becomes an
ordinary cell.
"""

from __future__ import annotations

import functools
import logging
import math
import re

import nbformat

from autograder.intake.notes import shown

GRADE_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")  # nbgrader's own pattern, bounded
NBGRADER_FLAGS = ("grade", "solution", "locked", "task")


def clean_metadata(number: int, metadata, kind: str, grade_ids: frozenset[str]):
    """``(metadata, notes)`` with damaged or foreign nbgrader metadata removed."""
    if not isinstance(metadata, dict):
        return {}, [f"cell {number}'s metadata was not valid and was removed"]
    metadata = dict(metadata)
    if "nbgrader" not in metadata:
        return metadata, []
    problem = _nbgrader_problem(metadata["nbgrader"], kind, grade_ids)
    if not problem:
        return metadata, []
    del metadata["nbgrader"]
    return metadata, [
        f"cell {number}'s nbgrader metadata was removed because {problem}; if it "
        "was a graded or read-only cell, it is now an ordinary cell"
    ]


def _nbgrader_problem(meta, kind: str, grade_ids: frozenset[str]) -> str:
    """What is wrong with a cell's nbgrader metadata, in words; "" when nbgrader accepts it."""
    if not isinstance(meta, dict):
        return "it was not a set of named values"
    for flag in NBGRADER_FLAGS:
        if flag in meta and type(meta[flag]) is not bool:
            return f"its '{flag}' was not true or false"
    grade_id = meta.get("grade_id")
    if "grade_id" in meta and not (isinstance(grade_id, str) and GRADE_ID.fullmatch(grade_id)):
        return "its grade_id was not a short name of letters, digits, '_' and '-'"
    if "grade_id" in meta and grade_id not in grade_ids:
        return f"it names a cell '{grade_id}' that is not part of this assignment"
    points = meta.get("points", 0)
    if type(points) not in (int, float) or not math.isfinite(points) or points < 0:
        return "its points were not a number of 0 or more"
    if "schema_version" in meta and type(meta["schema_version"]) is not int:
        return "its schema_version was not a whole number"
    return _nbgrader_rejects(meta, kind)


@functools.cache
def _nbgrader_validator():
    """nbgrader's own metadata validator, its warnings (which quote student cells) silenced."""
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    validator = MetadataValidatorV3()
    quiet = logging.getLogger(f"{__name__}.validator")
    quiet.addHandler(logging.NullHandler())
    quiet.propagate = False
    validator.log = quiet
    return validator


def _nbgrader_rejects(meta: dict, kind: str) -> str:
    cell = nbformat.from_dict({"cell_type": kind, "source": "", "metadata": {"nbgrader": meta}})
    try:
        _nbgrader_validator().validate_cell(cell)
    except Exception as err:  # noqa: BLE001 - nbgrader's own verdict, whatever it raises
        return f"nbgrader does not accept it ({shown(getattr(err, 'message', err))})"
    return ""
