"""Build student submissions for grading tests: a solved copy of the release, and variants."""
from __future__ import annotations

import copy
import re

import nbformat

from tests.notebooks import RELEASED, source_notebook

MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*\n", re.M)


def solved(assignment: str = "assignment_digits"):
    """The student release with every solution cell answered as in the source."""
    source = nbformat.read(str(source_notebook(assignment)), as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: MARKERS.sub("", c.source) for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.read(str(RELEASED / f"{assignment}.ipynb"), as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def blank(assignment: str = "assignment_digits"):
    return nbformat.read(str(RELEASED / f"{assignment}.ipynb"), as_version=4)


def answer(nb, grade_id: str, code: str):
    """A copy of ``nb`` with the cell ``grade_id`` replaced by ``code``."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = code
            return nb
    raise KeyError(grade_id)


def write(folder, student: str, nb, assignment: str = "assignment_digits", name=None):
    target = folder / student / assignment
    target.mkdir(parents=True, exist_ok=True)
    path = target / (name or f"{assignment}.ipynb")
    if isinstance(nb, (str, bytes)):
        path.write_bytes(nb if isinstance(nb, bytes) else nb.encode())
    else:
        nbformat.write(nb, str(path))
    return path
