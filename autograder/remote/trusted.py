"""Which cells the checker runs, taken from the instructor's source notebook, never a submission.

A graded test cell (nbgrader ``grade`` without ``solution``) runs in the checker with the code
of the *source* notebook, whatever the submission's copy says.  Cells tagged ``checker`` in the
source notebook (its imports and data loading) run in the checker first, so the data the checks
use (``X_test``) is the checker's own: a student who overwrites ``X_test`` changes only their
own notebook.  Every other name a check reads is the student's (see
:mod:`autograder.remote.checker`).
"""

from __future__ import annotations

import ast
import atexit
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbformat import from_dict

from autograder.remote.host import CheckerError, CheckerProcess
from autograder.sandbox import ENV_VAR, Sandbox
from utils.i18n import LANG_ENV  # the language of a notebook's messages

TAG = "checker"


def is_test_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def checker_cells(nb) -> tuple[dict[str, str], str, set[str]]:
    """(grade_id -> code of each test cell, the code of the cells tagged ``checker``, the names
    the student's notebook defines: those of its other code cells, answers included)."""
    tests, prelude, student = {}, [], set()
    for cell in nb.cells:
        if is_test_cell(cell):
            tests[cell.metadata["nbgrader"]["grade_id"]] = cell.source
        elif cell.cell_type == "code" and TAG in cell.get("metadata", {}).get("tags", []):
            prelude.append(cell.source)
        elif cell.cell_type == "code":
            student |= bound_names(cell.source)
    return tests, "\n\n".join(prelude), student


def bound_names(source: str) -> set[str]:
    """The top-level names a cell binds (assignments, defs, imports, loop targets, ...)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    return names


def source_notebook(config, resources) -> Path:
    """The source notebook of the notebook being graded (nbgrader's course folder)."""
    from nbgrader.coursedir import CourseDirectory

    info = (resources or {}).get("nbgrader", {})
    if not info.get("assignment") or not info.get("notebook"):
        raise CheckerError("the checks run outside the kernel only under nbgrader autograde")
    course = CourseDirectory(config=config)
    folder = course.format_path(course.source_directory, ".", info["assignment"])
    return Path(folder) / f"{info['notebook']}.ipynb"


class TrustedChecks:
    """The checker of one graded notebook, with the instructor's cells it runs.

    The checker starts at the first test cell, not with the notebook: its imports then never
    compete with the student's cells for the CPU (a busy checker must not make a student's
    cell time out).

    With ``warm`` (the default when grading), the checker is a fresh fork of a *warm start*
    kept by this grading process, which has imported the modules the setup cells import and
    nothing else (:func:`autograder.remote.checker.warm`): TensorFlow's import is paid once per
    grading process, not once per notebook. Each notebook's checker is still a new process that
    no other notebook's checks ran in; a warm start whose checker broke the protocol, crashed or
    ran out of time is thrown away and the next notebook gets a new one.
    """

    def __init__(self, tests, prelude, student_names, start, warm_key=None, cwd=None):
        self.tests, self.prelude, self.student_names = tests, prelude, student_names
        self._start = start  # () -> (CheckerProcess, its Sandbox or None)
        self.warm_key, self.cwd = warm_key, cwd
        self.process: CheckerProcess | None = None
        self.box: Sandbox | None = None
        self.setup_error: list | None = None
        self._broken = False

    @classmethod
    def start(
        cls, config, resources, student_box: Sandbox | None, timeout: int, *, warm: bool = True
    ) -> TrustedChecks:
        """Read the source notebook; the checker is started (sandboxed like the student's
        kernel) when the first test cell runs."""
        nb = nbformat.read(str(source_notebook(config, resources)), as_version=4)
        tests, prelude, student_names = checker_cells(nb)
        seconds = max(600, 10 * timeout)
        cwd = ((resources or {}).get("metadata") or {}).get("path") or None

        def start():
            if student_box is None:
                return CheckerProcess.plain(seconds=seconds, cwd=cwd), None
            box = Sandbox.open(limits=student_box.limits, files=student_box.files)
            env = {"PATH": "/usr/bin:/bin", ENV_VAR: str(box.path)}
            passed = ("TF_", "OMP_", LANG_ENV)  # LANG_ENV: the messages' language
            env.update({k: v for k, v in os.environ.items() if k.startswith(passed)})
            env.update(MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="")
            argv = [sys.executable, "-m", "autograder.sandbox", "--checker"]
            log = tempfile.TemporaryFile(dir=box.runtime)
            return CheckerProcess(argv, env=env, stderr=log, seconds=seconds), box

        key = None
        if warm:
            box_key = (
                (student_box.limits, tuple(sorted(student_box.files.items())))
                if (student_box is not None)
                else None
            )
            key = (box_key, tuple(prelude_modules(prelude)), seconds)
        return cls(tests, prelude, student_names, start, key, None if student_box else cwd)

    def owns(self, cell) -> bool:
        return is_test_cell(cell) and cell.metadata["nbgrader"].get("grade_id") in self.tests

    def run(self, cell, ask) -> list:
        """The outputs of a test cell, decided by the checker; ``ask`` reaches the student."""
        try:
            if self.process is None and self.setup_error is None:
                self._open()
                self.process.prelude(self.prelude, self.student_names)
                outputs = self.process.prelude_outputs(ask)
                if any(o.output_type == "error" for o in outputs):
                    self.setup_error = outputs
            if self.setup_error is not None:
                if self.setup_error[0].get("ename") == "GraderError":
                    return self.setup_error
                return [_grader_error("the checks could not be set up", self.setup_error)]
            grade_id = cell.metadata["nbgrader"]["grade_id"]
            return self.process.run(grade_id, self.tests[grade_id], ask)
        except CheckerError as err:
            self._broken = True
            if self.warm_key is not None:
                _discard(self.warm_key)
            self.setup_error = [_grader_error(str(err), [])]
            return self.setup_error

    def _open(self) -> None:
        if self.warm_key is None:
            self.process, self.box = self._start()
            return
        entry = _WARM.get(self.warm_key)
        if entry is not None and entry[0].process.poll() is not None:
            _discard(self.warm_key)
            entry = None
        if entry is None:
            process, box = self._start()
            try:
                process.warm(prelude_modules(self.prelude))
            except CheckerError:
                process.close()
                if box is not None:
                    box.close()
                raise
            if not _WARM:
                atexit.register(_discard_all)
            entry = _WARM[self.warm_key] = (process, box)
        self.process = entry[0]  # the warm start's pipes; the cache owns it and its box
        self.process.fork(lang=os.environ.get(LANG_ENV), cwd=self.cwd)

    def close(self) -> None:
        if self.process is None:
            return
        if self.warm_key is None:
            self.process.close()
            if self.box is not None:
                self.box.close()
        elif not self._broken:
            try:
                self.process.end()
            except CheckerError:
                _discard(self.warm_key)


#: The warm starts of this grading process: key -> (its CheckerProcess, its Sandbox or None).
_WARM: dict[tuple, tuple[CheckerProcess, Sandbox | None]] = {}


def _discard(key) -> None:
    process, box = _WARM.pop(key, (None, None))
    if process is not None:
        process.close()
    if box is not None:
        box.close()


def _discard_all() -> None:
    for key in list(_WARM):
        _discard(key)


def prelude_modules(prelude: str) -> list[str]:
    """The modules the setup cells import: what a warm start imports once."""
    try:
        tree = ast.parse(prelude)
    except SyntaxError:
        return []
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return sorted(names)


def _grader_error(what: str, outputs: list) -> object:
    detail = "; ".join(o.evalue for o in outputs if o.get("output_type") == "error")
    message = f"{what}{': ' + detail if detail else ''} (a problem of the grader, not yours)"
    return from_dict(
        {
            "output_type": "error",
            "ename": "GraderError",
            "evalue": message,
            "traceback": [f"GraderError: {message}"],
        }
    )
