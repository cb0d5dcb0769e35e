"""A catalogue of answers for every graded exercise, with the exact points each must get.

One module per notebook of the registry (``tests/answers/<lesson id>.py``), each defining

* ``LESSON``: the notebook's id;
* ``LOCKED``: the locked (non-answer) cells the student's namespace needs besides the cells
  tagged ``checker`` and the answers: the cells that compute values the checks read (``model``,
  ``P_test``, ``run``) and helpers the answers call (``two_layer_forward``);
* ``BEFORE_RERUN`` (only where an answer ``reruns`` a locked cell): code run first, so that
  a re-run starts from the random state the solved notebook's run started from;
* ``OWN``: answer cell -> the test cells that grade it;
* ``ALSO``: answer cell -> other test cells that use it (a function of another answer calls
  it, or a value a locked cell computes from it); what they get is decided in the module's
  docstring and in each answer's ``points``;
* ``ANSWERS``: plausible wrong answers and unusual correct ones, at least three of each per
  answer cell, each with the exact points of every test cell in ``OWN`` and ``ALSO`` (every
  other test cell gives what it gives the solved notebook: full points);
* ``UNFAIR``: ``(answer name, one line)`` for every answer the checks treat unfairly today: a
  check that crashes instead of naming a mistake, a correct answer that fails its own checks or
  loses their points, a wrong answer that passes all its own visible checks or whose first
  failing one does not say its ``message``;
* ``DISAGREE``: ``(answer name, test cell, one line)`` for every test cell where the student's
  own run of the visible check and the checker's run of it disagree, or where the hidden tests
  pass in the student's kernel (as nbgrader ran them before the checker) and fail in the
  checker, or the other way round: each one a limit or bug of :mod:`autograder.remote`.

``tests/test_check_agreement.py`` runs every answer both ways and holds the catalogue to it: a
case fixed later makes the test say which entry to move.
"""

from __future__ import annotations

import importlib
import textwrap
from dataclasses import dataclass, field

KINDS = ("wrong", "correct")


@dataclass(frozen=True)
class Answer:
    """One answer: ``code`` replaces the answer cell ``grade_id`` of the solved notebook."""

    grade_id: str  # the answer cell
    name: str  # unique in its notebook
    kind: str  # "wrong" or "correct"
    code: str
    points: dict = field(default_factory=dict)  # test cell -> exact points it must give
    message: str = ""  # wrong answers: words of the message that names the mistake
    note: str = ""
    reruns: tuple = ()  # locked cells run again after the answer (as the notebook would)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.name}: kind must be one of {KINDS}, not {self.kind!r}")
        object.__setattr__(self, "code", textwrap.dedent(self.code).strip() + "\n")


def maker(grade_id: str, *cells: str):
    """``make(name, code, points, **kw)``: an answer of the cell ``grade_id``, named
    ``grade_id/name``; wrong when it has a ``message``.  ``points`` is a number when one test
    cell (``cells``) uses the answer, else a dict of every cell's points."""

    def make(name: str, code: str, points, **kw) -> Answer:
        if not isinstance(points, dict):
            (cell,) = cells
            points = {cell: points}
        kind = "wrong" if kw.get("message") else "correct"
        return Answer(grade_id, f"{grade_id}/{name}", kind, code, points, **kw)

    return make


def catalogue() -> dict:
    """Lesson id -> its catalogue module, for every notebook of the registry."""
    from utils.lessons import LESSONS

    return {item.id: importlib.import_module(f"{__name__}.{item.id}") for item in LESSONS}
