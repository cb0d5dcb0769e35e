"""Run notebooks in a real Jupyter kernel for the tests (and the notebook benchmark)."""

from __future__ import annotations

import copy
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "autograder" / "source"
RELEASED = ROOT / "notebooks" / "week2"


def source_notebook(assignment: str) -> Path:
    """The instructor's version (with solutions and hidden tests) of an assignment."""
    (path,) = sorted((SOURCE / assignment).glob("*.ipynb"))
    return path


def run_notebook(path, *, timeout=120, allow_errors=False, env=None, cwd=None):
    """Execute a notebook (a path, or a notebook object) top to bottom in a fresh python3 kernel.

    Returns ``(notebook, seconds)``.  ``env`` adds environment variables for the
    kernel (e.g. ``{"NBGRADER_EXECUTION": "autograde"}`` to run as nbgrader does).
    The kernel starts in ``cwd`` (default: the notebook's folder).
    """
    if isinstance(path, nbformat.NotebookNode):
        nb, path = copy.deepcopy(path), Path(cwd or ROOT) / "notebook.ipynb"
    else:
        nb = nbformat.read(str(path), as_version=4)
    saved = os.environ.copy()
    os.environ.update(env or {})
    try:
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name="python3",
            allow_errors=allow_errors,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
            resources={"metadata": {"path": str(cwd or Path(path).parent)}},
        )
        start = time.perf_counter()
        client.execute()
        return nb, time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(saved)


def errors(nb) -> list[tuple[int, str, str]]:
    """``(cell index, error name, error value)`` for every error output."""
    return [
        (i, o.get("ename", ""), o.get("evalue", ""))
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for o in cell.get("outputs", [])
        if o.get("output_type") == "error"
    ]


def stderr_text(nb) -> str:
    """Everything the notebook wrote to stderr (nbgrader zeroes a graded cell that does)."""
    return "".join(
        o.get("text", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for o in cell.get("outputs", [])
        if o.get("name") == "stderr"
    )


def cell_text(cell, *, results=False) -> str:
    """What a cell printed (its stdout and stderr streams); with ``results``, also the
    ``text/plain`` form of its displayed values."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif results:
            parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "".join(parts)


def cells_by_id(nb) -> dict:
    """Cell id -> cell."""
    return {cell.id: cell for cell in nb.cells}


def cells_by_grade_id(nb) -> dict:
    """nbgrader ``grade_id`` -> cell."""
    return {
        cell.metadata["nbgrader"]["grade_id"]: cell
        for cell in nb.cells
        if "nbgrader" in cell.metadata and "grade_id" in cell.metadata["nbgrader"]
    }


def with_solution(nb, grade_id: str, source: str):
    """A copy of ``nb`` with one solution cell's code replaced (to simulate a student's answer)."""
    nb = copy.deepcopy(nb)
    cells_by_grade_id(nb)[grade_id].source = source
    return nb
