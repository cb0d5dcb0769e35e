"""The student's own check agrees with the grade (issue 9), for a catalogue of answers.

At grading time a test cell runs in the checker (:mod:`autograder.remote`), not in the student's
kernel.  For every answer of ``tests/answers`` (plausible wrong answers and unusual correct
ones, per exercise) this file runs the answer's test cells two ways:

* **the student's view**: the visible check of the released notebook, run in the student's
  namespace (the cells tagged ``checker``, the solved answers, the locked cells the checks
  read, then the answer), as the student's own notebook runs it;
* **the grader's view**: the source notebook's test cell (visible checks, then hidden tests) run
  by a :class:`~autograder.remote.checker.Checker` whose own namespace ran the ``checker``
  cells, talking to that namespace through the real agent (:class:`StudentKernel`, a
  ``FakeChannel`` that keeps what student code prints during a call, as the host does).

and asserts that the two views agree (pass or fail; the same error and message, without ANSI
colours and Keras's numbered names; the same printed text, except what student code printed
during a call, which the host never shows), that after a passing visible check the hidden tests
pass in the checker exactly when they pass in the student's namespace (where nbgrader ran them
before the checker), that the checker gives exactly the catalogue's points, and that the answers
the checks treat unfairly (``UNFAIR``) and the cells where the views disagree (``DISAGREE``) are
exactly the known ones.

Only the test cells that use an answer run for it: a test cell reads an answer through the
names it fetches from the student (:func:`answer_users` follows them through student functions
and locked cells); every other cell gives exactly what it gives the solved notebook, which
:func:`test_the_solved_notebook_gets_full_points_both_ways` checks once.  The student's
namespace is built once per notebook and test process (the locked cells train ``model``,
``P_test`` and ``run``); an answer runs in a copy of it, and re-runs a locked cell only when the
catalogue says so (``reruns``: ``train_model``'s answers train again).
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import io
import re
import symtable
import sys
import warnings
from dataclasses import dataclass, field
from functools import cache

import nbformat
import pytest

from autograder.notebooks import RELEASED, source_notebook
from autograder.remote.checker import Checker, split_hidden
from autograder.remote.trusted import bound_names, checker_cells, is_test_cell
from tests.answers import catalogue
from tests.remote.conftest import FakeChannel

CATALOGUE = catalogue()
MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*\n", re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
KERAS_NAME = re.compile(r"\b(sequential|functional|dense|input_layer|model)_\d+\b")
HIDDEN_OK = "✓ The hidden tests passed.\n"
TRAINS = {"01_compile_and_fit", "03_softmax_multiclass", "assignment_digits"}  # LOCKED trains


# --- the notebooks --------------------------------------------------------------------------------
def grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def is_answer(cell) -> bool:
    return cell.cell_type == "code" and bool(cell.metadata.get("nbgrader", {}).get("solution"))


def is_setup(cell) -> bool:
    return cell.cell_type == "code" and "checker" in cell.metadata.get("tags", [])


def only_definitions(code: str) -> bool:
    """Whether a cell only imports and defines functions or classes."""
    kinds = (ast.FunctionDef, ast.ClassDef, ast.Import, ast.ImportFrom)
    return all(isinstance(node, kinds) for node in ast.parse(code).body)


def print_warning(message, category, filename, lineno, file=None, line=None) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextlib.contextmanager
def warnings_on_stderr():
    """Warnings printed on stderr once per place, as a fresh process shows them (pytest would
    record them instead)."""
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = print_warning
        yield


def run_code(code: str, namespace: dict, name: str) -> None:
    """Run a cell's code in ``namespace``, quietly (what it prints is not looked at)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(code, f"<{name}>", "exec"), namespace)  # noqa: S102


class Notebook:
    """One graded notebook: its cells, its test cells both ways, the student's namespace."""

    def __init__(self, lesson: str):
        self.lesson, self.module = lesson, CATALOGUE[lesson]
        self.source = nbformat.read(str(source_notebook(lesson)), as_version=4)
        released = nbformat.read(str(RELEASED / f"{lesson}.ipynb"), as_version=4)
        self.tests, self.prelude, self.student_names = checker_cells(self.source)
        self.visible = {grade_id(c): c.source for c in released.cells if is_test_cell(c)}
        self.points = {
            grade_id(c): float(c.metadata["nbgrader"]["points"])
            for c in self.source.cells
            if is_test_cell(c)
        }
        self.cells = {grade_id(c): c for c in self.source.cells}
        self._student: dict | None = None
        self._checker: dict | None = None

    def executed(self) -> list:
        """The cells the student's namespace runs, in order: setup, answers, ``LOCKED``."""
        locked = set(self.module.LOCKED)
        return [
            c
            for c in self.source.cells
            if is_setup(c) or is_answer(c) or (c.cell_type == "code" and grade_id(c) in locked)
        ]

    def student(self) -> dict:
        """The solved notebook's namespace (built once; copy it before changing it)."""
        if self._student is None:
            namespace = {"__name__": "__main__", "__builtins__": builtins}
            for cell in self.executed():
                run_code(MARKERS.sub("", cell.source), namespace, grade_id(cell))
            self._student = namespace
        return self._student

    def definitions(self) -> list:
        """The executed cells that only define things (the answers, ``two_layer_forward``):
        cheap to run again, and run again in every copy of the namespace."""
        return [
            c
            for c in self.executed()
            if is_answer(c) or (not is_setup(c) and only_definitions(c.source))
        ]

    def copy(self, namespace: dict, answer=None) -> dict:
        """A copy of ``namespace`` whose functions are its own, with ``answer`` run in it.

        A function looks names up in the namespace it was defined in, so the copy defines
        them again: the solved ``predict_digits`` must call the answer's ``my_softmax``, and
        state an answer keeps (a model made once) must not leak from one view to the other.
        Values the locked cells computed (``model``, ``run``) are shared, never changed.
        """
        copy = dict(namespace)
        for cell in self.definitions():
            run_code(MARKERS.sub("", cell.source), copy, grade_id(cell))
        if answer is not None:
            run_code(answer.code, copy, answer.grade_id)
        return copy

    def with_answer(self, answer) -> dict:
        """The solved namespace with ``answer`` run in it (and its ``reruns``)."""
        namespace = self.copy(self.student(), answer)
        if answer.reruns:
            run_code(self.module.BEFORE_RERUN, namespace, "before rerun")
        for name in answer.reruns:
            run_code(self.cells[name].source, namespace, name)
        return namespace

    def checker(self, student: dict) -> tuple[Checker, StudentKernel]:
        """A checker (its setup cells run) whose student is ``student``."""
        channel = StudentKernel(student)
        checker = Checker(channel)
        checker.student_names = self.student_names
        if self._checker is None:
            outputs = checker.run(self.prelude, "prelude")
            assert not [o for o in outputs if o["output_type"] == "error"], outputs
            self._checker = dict(checker.namespace)
        else:
            checker.namespace.update(self._checker)
        return checker, channel


@cache
def notebook(lesson: str) -> Notebook:
    return Notebook(lesson)


class StudentKernel(FakeChannel):
    """The checker's channel to an in-process student namespace, answered by the real agent.

    What student code prints (or warns) during a call goes to :attr:`printed`, not into the
    checker's output: in a real kernel it goes to the agent's cell, which the host ignores.
    """

    def __init__(self, student: dict):
        super().__init__(student)
        self.printed = io.StringIO()

    def send(self, message: dict) -> None:
        with contextlib.redirect_stdout(self.printed), contextlib.redirect_stderr(self.printed):
            with warnings_on_stderr():  # the kernel's own filters, not the checks'
                super().send(message)


# --- the two views --------------------------------------------------------------------------------
@dataclass
class View:
    """What one test cell showed: printed text, and the error that failed it (or None)."""

    printed: str = ""
    error: tuple[str, str] | None = None
    stderr: str = ""

    @property
    def passed(self) -> bool:
        return self.error is None

    def shown(self) -> str:
        error = "" if self.error is None else f"{self.error[0]}: {self.error[1]}"
        return ANSI.sub("", self.printed + self.stderr + error).strip()


def student_view(namespace: dict, code: str, cell: str) -> View:
    """Run the released (visible) test cell in the student's namespace, as the notebook does."""
    out, err = io.StringIO(), io.StringIO()
    view = View()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        with warnings_on_stderr():
            try:
                exec(compile(code, f"<{cell}>", "exec"), namespace)  # noqa: S102
            except Exception as error:  # noqa: BLE001 - the cell's result
                view.error = (type(error).__name__, str(error))
    view.printed, view.stderr = out.getvalue(), err.getvalue()
    return view


def grader_view(outputs: list[dict]) -> tuple[View, View]:
    """(visible, hidden) parts of the checker's outputs for a test cell."""
    visible, hidden = View(), View()
    for output in outputs:
        if output["output_type"] == "stream":
            if output["text"] == HIDDEN_OK:
                hidden.printed += output["text"]
            else:
                visible.printed += output["text"]
        elif output["evalue"].startswith("hidden tests: "):
            hidden.error = (output["ename"], output["evalue"])
        else:
            visible.error = (output["ename"], output["evalue"])
    return visible, hidden


def plain(text: str) -> str:
    """Text without colours, and Keras's numbered names (``sequential_24``) without numbers:
    each process numbers its models, so the student's kernel and the checker differ there."""
    return KERAS_NAME.sub(r"\1_N", ANSI.sub("", text))


def lines(text: str) -> list[str]:
    return [line for line in plain(text).splitlines() if line.strip()]


def disagreement(student: View, grader: View, printed_by_student_code: str) -> str:
    """Why the two views of one test cell differ ('' when they agree)."""
    if student.passed != grader.passed:
        return f"student {'passes' if student.passed else 'fails'}, checker does not"
    if student.error is not None:
        mine = (student.error[0], plain(student.error[1]) or "check failed")
        if mine != (grader.error[0], plain(grader.error[1])):
            return f"errors differ: {mine} vs {grader.error}"
    extra = lines(student.printed + student.stderr)
    for line in lines(grader.printed):
        if line not in extra:
            return f"the checker printed {line!r}, the student's run did not"
        extra.remove(line)
    from_calls = lines(printed_by_student_code)
    for line in extra:  # only what the student's own code printed may be missing
        if line not in from_calls:
            return f"the student's run printed {line!r}, the checker did not"
        from_calls.remove(line)
    return ""


def hidden_disagreement(kernel: View, grader: View) -> str:
    """Why the hidden tests pass in the student's kernel and not in the checker, or the other
    way round ('' when both pass, or both fail with the same message)."""
    if kernel.passed != grader.passed:
        where = "the student's kernel" if kernel.passed else "the checker"
        return f"hidden tests: pass in {where} only"
    if kernel.error is not None:
        mine = "hidden tests: " + plain(kernel.error[1] or "a hidden test did not pass")
        if (kernel.error[0], mine) != (grader.error[0], plain(grader.error[1])):
            return f"hidden tests: errors differ: {(kernel.error[0], mine)} vs {grader.error}"
    return ""


@dataclass
class Outcome:
    """An answer's test cells both ways: views, disagreements, points."""

    student: dict = field(default_factory=dict)  # cell -> View
    kernel_hidden: dict = field(default_factory=dict)  # cell -> View of its hidden tests, run in
    # the student's namespace after a passing visible part (as nbgrader did before the checker)
    grader: dict = field(default_factory=dict)  # cell -> View (visible part)
    hidden: dict = field(default_factory=dict)  # cell -> View (hidden part)
    disagree: dict = field(default_factory=dict)  # cell -> why
    points: dict = field(default_factory=dict)  # cell -> points

    def unfair(self, answer, own, full: dict) -> str:
        """Why the checks treat ``answer`` unfairly ('' when they do not); ``own``: its own
        test cells, ``full``: their points.

        Unfair: a check that crashes (an error that is not an ExerciseError) in any cell that
        uses the answer; a correct answer that fails its own checks or loses their points; a
        wrong answer that passes all its own visible checks, or whose first failing one does
        not say ``answer.message``."""
        crashed = [
            c for c, view in self.student.items() if view.error and view.error[0] != "ExerciseError"
        ]
        if crashed:
            shown = self.student[crashed[0]].shown()
            return f"{crashed[0]} crashes instead of naming a mistake: {shown}"
        if answer.kind == "correct":
            failed = [c for c in own if not self.student[c].passed]
            if failed:
                return f"the student's check fails: {self.student[failed[0]].shown()}"
            lost = [c for c in own if self.points[c] < full[c]]
            if lost:
                return f"loses the points of {lost}"
            return ""
        failing = [c for c in own if not self.student[c].passed]
        if not failing:
            if all(self.points[c] == full[c] for c in own):
                return "passes every check and gets full points"
            return "the student's checks pass, but it loses points"
        message = self.student[failing[0]].shown()
        if answer.message.lower() not in message.lower():
            return f"the message does not name the mistake: {message}"
        return ""


def evaluate(lesson: str, answer, cells=None) -> Outcome:
    """Run ``answer``'s test cells both ways (``answer`` None: the solved notebook)."""
    nb = notebook(lesson)
    cells = [c for c in nb.tests if c in (cells or answer.points)]
    answered = nb.student() if answer is None else nb.with_answer(answer)
    mine, theirs = nb.copy(answered, answer), nb.copy(answered, answer)
    outcome = Outcome()
    for cell in cells:
        outcome.student[cell] = student_view(mine, nb.visible[cell], cell)
        if outcome.student[cell].passed:
            hidden = split_hidden(nb.tests[cell])[1]
            outcome.kernel_hidden[cell] = student_view(mine, hidden, f"{cell} (hidden)")
    checker, channel = nb.checker(theirs)
    for cell in cells:
        before = channel.printed.tell()
        with warnings_on_stderr():
            outputs = checker.run(nb.tests[cell], cell)
        printed = channel.printed.getvalue()[before:]
        visible, hidden = grader_view(outputs)
        outcome.grader[cell], outcome.hidden[cell] = visible, hidden
        why = disagreement(outcome.student[cell], visible, printed)
        if not why and cell in outcome.kernel_hidden:
            why = hidden_disagreement(outcome.kernel_hidden[cell], hidden)
        if why:
            outcome.disagree[cell] = why
        failed = any(o["output_type"] == "error" for o in outputs)
        outcome.points[cell] = 0.0 if failed else nb.points[cell]
    return outcome


# --- which test cells use which answer (static) ---------------------------------------------------
def global_reads(code: str) -> set[str]:
    """Names ``code`` reads from its module's globals, in any scope (functions included)."""
    names, tables = set(), [symtable.symtable(code, "<cell>", "exec")]
    while tables:
        table = tables.pop()
        top = table.get_type() == "module"
        for symbol in table.get_symbols():
            if symbol.is_referenced() and (
                symbol.is_global() or (top and not symbol.is_imported())
            ):
                names.add(symbol.get_name())
        tables.extend(table.get_children())
    return names


def answer_users(lesson: str) -> dict[str, set[str]]:
    """Answer cell -> the test cells that read it, directly or through student functions and
    values of locked cells (``run`` is computed from three answers)."""
    nb = notebook(lesson)
    executed = [c for c in nb.executed() if not is_setup(c)]
    setup = bound_names(nb.prelude) | set(dir(builtins))
    made_by: dict[str, list] = {}  # a name -> the executed cells that bind it
    for cell in executed:
        for name in bound_names(MARKERS.sub("", cell.source)):
            made_by.setdefault(name, []).append(cell)

    def answers_behind(name: str, seen: set) -> set[str]:
        if name in seen or name not in made_by:
            return set()
        seen.add(name)
        found = set()
        for cell in made_by[name]:
            if is_answer(cell):
                found.add(grade_id(cell))
            for read in global_reads(MARKERS.sub("", cell.source)) - setup:
                found |= answers_behind(read, seen)
        return found

    users: dict[str, set[str]] = {grade_id(c): set() for c in executed if is_answer(c)}
    for cell, code in nb.tests.items():
        fetched = global_reads(code) - setup - bound_names(code)
        for name in fetched:
            for answer in answers_behind(name, set()):
                users[answer].add(cell)
    return users


# --- the catalogue, statically --------------------------------------------------------------------
LESSON_IDS = sorted(CATALOGUE)


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_the_catalogue_covers_every_answer_cell_with_the_cells_that_use_it(lesson):
    nb, module = notebook(lesson), CATALOGUE[lesson]
    assert module.LESSON == lesson
    answers = [grade_id(c) for c in nb.source.cells if is_answer(c)]
    assert sorted(module.OWN) == sorted(answers) == sorted(module.ALSO)
    users = answer_users(lesson)
    for answer in answers:
        own, also = set(module.OWN[answer]), set(module.ALSO[answer])
        assert not own & also, answer
        assert own | also == users[answer], f"{answer}: the test cells that use it"
    assert sorted(c for cells in module.OWN.values() for c in cells) == sorted(nb.tests)
    for answer in answers:
        kinds = [a.kind for a in module.ANSWERS if a.grade_id == answer]
        assert kinds.count("wrong") >= 3 and kinds.count("correct") >= 3, answer


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_every_answer_states_the_points_of_exactly_the_cells_that_use_it(lesson):
    nb, module = notebook(lesson), CATALOGUE[lesson]
    names = [a.name for a in module.ANSWERS]
    assert len(names) == len(set(names)), "answer names are unique"
    for answer in module.ANSWERS:
        cells = set(module.OWN[answer.grade_id]) | set(module.ALSO[answer.grade_id])
        assert set(answer.points) == cells, answer.name
        for cell, points in answer.points.items():
            assert points in (0, nb.points[cell]), f"{answer.name}: {cell} gives 0 or all"
        assert bool(answer.message) == (answer.kind == "wrong"), answer.name
        assert set(answer.reruns) <= set(module.LOCKED), answer.name
        ast.parse(answer.code)
    known = set(names)
    assert {name for name, _ in module.UNFAIR} <= known
    assert {name for name, _, _ in module.DISAGREE} <= known
    assert all(cell in nb.tests for _, cell, _ in module.DISAGREE)


@pytest.mark.parametrize("lesson", LESSON_IDS)
def test_the_students_namespace_defines_every_name_its_cells_read(lesson):
    """``LOCKED`` is complete: every name an executed cell reads is bound by one of them (or is
    a built-in), so an answer never calls a helper that the namespace lacks."""
    nb = notebook(lesson)
    executed = nb.executed()
    bound = set(dir(builtins)).union(*(bound_names(MARKERS.sub("", c.source)) for c in executed))
    for cell in executed:
        missing = global_reads(MARKERS.sub("", cell.source)) - bound
        assert not missing, f"{grade_id(cell)} reads {sorted(missing)}"
    for cell, code in nb.tests.items():
        assert global_reads(code) - bound - bound_names(code) == set(), cell


# --- the answers, both ways -----------------------------------------------------------------------
def marks(lesson: str) -> list:
    return [pytest.mark.slow] if lesson in TRAINS else []


@pytest.mark.parametrize(
    "lesson", [pytest.param(lesson, marks=marks(lesson)) for lesson in LESSON_IDS]
)
def test_the_solved_notebook_gets_full_points_both_ways(lesson):
    nb = notebook(lesson)
    outcome = evaluate(lesson, None, cells=list(nb.tests))
    assert outcome.disagree == {}
    assert outcome.points == nb.points
    assert all(view.passed for view in outcome.kernel_hidden.values())
    for cell in nb.tests:
        assert "✓" in outcome.student[cell].printed and outcome.student[cell].stderr == "", cell
        assert outcome.hidden[cell].printed == HIDDEN_OK, cell


CASES = [
    pytest.param(lesson, answer, id=f"{lesson}:{answer.name}", marks=marks(lesson))
    for lesson in LESSON_IDS
    for answer in CATALOGUE[lesson].ANSWERS
]


@pytest.mark.parametrize(("lesson", "answer"), CASES)
def test_the_students_check_agrees_with_the_grade(lesson, answer):
    module = CATALOGUE[lesson]
    outcome = evaluate(lesson, answer)
    known = {cell: why for name, cell, why in module.DISAGREE if name == answer.name}
    assert set(outcome.disagree) == set(known), (
        "the student's view and the checker's differ (add to DISAGREE, or remove a fixed one): "
        + "; ".join(f"{cell}: {why}" for cell, why in outcome.disagree.items())
    )
    assert outcome.points == {c: float(p) for c, p in answer.points.items()}, (
        f"points {outcome.points}; messages: "
        + " | ".join(f"{c}: {v.shown()[:300]}" for c, v in outcome.student.items())
    )
    unfair = outcome.unfair(answer, module.OWN[answer.grade_id], notebook(lesson).points)
    listed = answer.name in dict(module.UNFAIR)
    if listed:
        assert unfair, f"{answer.name} is treated fairly now: remove it from UNFAIR"
    else:
        assert not unfair, f"{answer.name}: {unfair} (fix the check, or list it in UNFAIR)"
