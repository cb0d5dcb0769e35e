"""Run notebooks in a real Jupyter kernel for the tests (and the notebook benchmark).

:func:`run_notebook` executes a notebook top to bottom.  :func:`execute` does the same and also
records what each cell returned (the class of the value it displayed), so that tests can tell a
widget cell from a figure cell without a hand-typed list.  :class:`RunCache` keeps one executed
copy of each lesson notebook per mode (:data:`MODES`) in a folder shared by parallel test
processes, so that each notebook is executed once per test session.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "autograder" / "source"
RELEASED = ROOT / "notebooks" / "week2"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


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
            # Every output is in by then: stop the kernel at once rather than wait ~2 s for a
            # kernel that imported TensorFlow to shut itself down.
            shutdown_kernel="immediate",
        )
        start = time.perf_counter()
        client.execute()
        return nb, time.perf_counter() - start
    finally:
        os.environ.clear()
        os.environ.update(saved)


MESSAGE = re.compile(r'<div class="course-check-failed" data-error="(\w+)"')
"""How the student's kernel shows a failed check (utils.feedback.run_all.message_html)."""


def failures(cell, *, messages: bool = True) -> list[tuple[str, str]]:
    """``(error name, error value)`` of each error output of a code cell and, with ``messages``,
    of each failed check the student's kernel showed as a message instead (which does not stop
    Run All), its value without the leading cross."""
    found = []
    for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
        if o.get("output_type") == "error":
            found.append((o.get("ename", ""), o.get("evalue", "")))
        shown = MESSAGE.match(str(o.get("data", {}).get("text/html", ""))) if messages else None
        if shown:
            found.append((shown[1], o["data"]["text/plain"].removeprefix("\u2717 ")))
    return found


def errors(nb, *, messages: bool = False) -> list[tuple[int, str, str]]:
    """``(cell index, error name, error value)`` for every error output of ``nb`` (and every
    failed check shown as a message, with ``messages``: see :func:`failures`)."""
    return [
        (i, name, value)
        for i, cell in enumerate(nb.cells)
        for name, value in failures(cell, messages=messages)
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


# --- what each cell returned ---------------------------------------------------------------------

# Run in the same kernel after the notebook: the classes (most derived first) of every value a cell
# displayed as its result, by execution count.  (The lessons show everything as a cell's result.)
PROBE = """\
import json as _probe_json
print(_probe_json.dumps({
    str(_n): [f"{_c.__module__}.{_c.__qualname__}" for _c in type(_v).__mro__]
    for _n, _v in Out.items()
}))
"""

FIGURE_WIDGET = "utils.ui.figure_widget.FigureWidget"
QUIZ = "utils.ui.quiz.QuizSet"
FIGURE = "matplotlib.figure.Figure"


@dataclass
class Run:
    """An executed notebook: the notebook (read-only), its run time, and, by cell id, the classes
    of the value each cell returned (most derived first)."""

    nb: nbformat.NotebookNode
    seconds: float
    returned: dict[str, list[str]] = field(default_factory=dict)

    @property
    def cells(self) -> dict:
        """Cell id -> cell."""
        return cells_by_id(self.nb)

    def text(self, cell_id: str, *, results=False) -> str:
        """What the cell printed (see :func:`cell_text`)."""
        return cell_text(self.cells[cell_id], results=results)

    def roles(self) -> dict[str, str]:
        """Cell id -> ``"widget"`` (a figure with controls), ``"quiz"`` or ``"figure"``, for every
        cell that returned one of those."""
        found = {}
        for cell_id, classes in self.returned.items():
            for role, name in (("widget", FIGURE_WIDGET), ("quiz", QUIZ), ("figure", FIGURE)):
                if name in classes:
                    found[cell_id] = role
                    break
        return found

    def to_json(self) -> str:
        return json.dumps(
            {"seconds": self.seconds, "returned": self.returned, "notebook": self.nb},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Run:
        data = json.loads(text)
        return cls(nbformat.from_dict(data["notebook"]), data["seconds"], data["returned"])


def execute(path, *, timeout=120, env=None, cwd=None) -> Run:
    """Execute a notebook (a path, or a notebook object) in a fresh kernel, errors allowed
    (find them with :func:`errors`), and record what each cell returned."""
    if isinstance(path, nbformat.NotebookNode):
        nb, cwd = copy.deepcopy(path), cwd or ROOT
    else:
        nb, cwd = nbformat.read(str(path), as_version=4), cwd or Path(path).parent
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    nb, seconds = run_notebook(nb, timeout=timeout, allow_errors=True, env=env, cwd=cwd)
    probe = nb.cells.pop()
    failed = [o for o in probe.outputs if o.get("output_type") == "error"]
    if failed:
        raise RuntimeError(f"the probe after {path} failed: {failed[0].get('evalue')}")
    by_count = json.loads(cell_text(probe))
    returned = {
        cell.id: by_count[str(cell.execution_count)]
        for cell in nb.cells
        if cell.cell_type == "code" and str(cell.execution_count) in by_count
    }
    return Run(nb, seconds, returned)


# --- one execution per notebook and mode, shared by parallel test processes ----------------------

# How a lesson notebook is executed: which copy, and the kernel's extra environment.
MODES = {
    "solved": ("source", {}),  # the instructor's notebook, solutions in, in a live kernel
    "autograde": ("source", {"NBGRADER_EXECUTION": "autograde"}),  # as nbgrader executes it
    "blank": ("released", {}),  # the student release, nothing answered yet
}


def mode_notebook(assignment: str, mode: str) -> Path:
    """The notebook that ``mode`` executes for ``assignment``."""
    which, _ = MODES[mode]
    return source_notebook(assignment) if which == "source" else RELEASED / f"{assignment}.ipynb"


class RunCache:
    """Executed lesson notebooks, keyed by (notebook path, content hash, mode), kept in
    ``folder``.  Several processes (pytest-xdist workers) may share the folder: a lock file per
    key makes the first one execute the notebook while the others wait, then read its result."""

    def __init__(self, folder, *, timeout=120):
        self.folder, self.timeout = Path(folder), timeout
        self.folder.mkdir(parents=True, exist_ok=True)
        self._memory: dict[tuple[str, str, str], Run] = {}

    def key(self, path: Path, mode: str) -> tuple[str, str, str]:
        return str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest(), mode

    def run(self, assignment: str, mode: str) -> Run:
        """``assignment``'s notebook executed in ``mode`` (see :data:`MODES`); treat it as
        read-only, other tests share it."""
        path = mode_notebook(assignment, mode)
        key = self.key(path, mode)
        if key not in self._memory:
            self._memory[key] = self._load_or_execute(path, mode, key)
        return self._memory[key]

    def _load_or_execute(self, path, mode, key) -> Run:
        digest = hashlib.sha256("\0".join(key).encode()).hexdigest()[:16]
        target = self.folder / f"{path.stem}.{mode}.{digest}.json"
        with open(target.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if target.exists():
                return Run.from_json(target.read_text(encoding="utf-8"))
            run = execute(path, timeout=self.timeout, env=MODES[mode][1])
            partial = target.with_suffix(".partial")
            partial.write_text(run.to_json(), encoding="utf-8")
            os.replace(partial, target)
            return run


# --- reading the numbers a notebook printed ------------------------------------------------------

NUMBER = r"[-+]?(?:inf|nan|\d[\d,]*(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"


def number_after(text: str, label: str) -> float:
    """The number printed right after ``label`` in ``text`` (after an optional ``:`` or ``[``;
    thousands separators allowed: ``"in all: 10,431"`` -> 10431.0)."""
    match = re.search(re.escape(label) + r"\s*:?\s*\[?\s*(" + NUMBER + ")", text)
    if not match:
        raise AssertionError(f"{label!r} not found in {text!r}")
    return float(match.group(1).replace(",", ""))


def numbers_in(text: str) -> list[float]:
    """Every decimal number in ``text`` (integers without a decimal point are left out)."""
    return [float(v) for v in re.findall(r"-?\d+\.\d+(?:e[-+]\d+)?", text)]
