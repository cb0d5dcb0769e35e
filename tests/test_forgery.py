"""Forged grades: attacks from inside the student's kernel on the checks, graded for real.

One class of the ``forgery_probe`` assignment (tests/assignments: four exercises of the digits
assignment with its own checks, 8 points) is graded once by the real grading command (nbgrader,
bubblewrap, the checker of :mod:`autograder.remote`).  Every forger leaves the answers blank and
tries to earn points anyway: by rebinding or patching the checks and numpy, by reading expected
values from the checker's stack, by rewriting later cells or the kernel's replies, with lying
objects, with exceptions and timeouts inside a check's call, by killing its kernel.  Each must
score exactly what a blank submission scores (0); an honest answer scores 8.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from autograder.grade import grade, grades_table
from autograder.preprocessors.hide_tests import NOTE

pytestmark = [pytest.mark.slow, pytest.mark.heavy(minutes=5)]
SOURCE = Path(__file__).parent / "assignments"
ASSIGNMENT = "forgery_probe"
FULL = 8.0
BLANK_ANSWER = "raise NotImplementedError()"

# Each attack replaces the first answer cell (my_softmax); the other answers stay blank unless
# the attack defines them itself.
ATTACKS = {
    "noop_checks": """
import numpy as np
check_softmax_values = check_softmax_batch = check_binary_cost = lambda *a, **k: None
check_model = check_compile = lambda *a, **k: None
np.allclose = np.isclose = np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
def my_softmax(z):
    raise NotImplementedError()
""",
    "fake_model": """
import numpy as np
class FakeLayer:
    def __init__(self, n_in, n_out, act):
        self.units, self.activation, self.input_dim = n_out, act, n_in
    def get_weights(self):
        return [np.zeros((self.input_dim, self.units)), np.zeros(self.units)]
class FakeModel:
    layers = [FakeLayer(400, 25, "relu"), FakeLayer(25, 15, "relu"), FakeLayer(15, 10, "linear")]
    def get_weights(self):
        return [w for layer in self.layers for w in layer.get_weights()]
    def count_params(self):
        return 10575
    def get_compile_config(self):
        return {"loss": {"config": {"from_logits": True}}, "optimizer": "adam"}
    def compile(self, *a, **k):
        pass
def build_model():
    return FakeModel()
def compile_model(model):
    pass
def my_softmax(z):
    raise NotImplementedError()
""",
    "patched_code_objects": """
import numpy, utils.feedback.core as core
import utils.lessons.assignment_digits.checks as checks
def nothing(*args, **kwargs):
    return None
for module in (core, checks):
    for name, value in list(vars(module).items()):
        if callable(value) and hasattr(value, "__code__") and name.startswith(("check", "call")):
            value.__code__ = nothing.__code__
numpy.allclose.__class__  # ufuncs are C; replace the Python-level helpers instead
numpy.allclose = nothing
def my_softmax(z):
    raise NotImplementedError()
""",
    "stack_frames": """
import sys, numpy as np
def _peek(shape):
    frame = sys._getframe(2)
    while frame is not None:
        for value in frame.f_locals.values():
            if isinstance(value, np.ndarray) and value.shape == shape and value is not None:
                return value
        frame = frame.f_back
    return np.zeros(shape)
def my_softmax(z):
    z = np.asarray(z)
    return _peek(z.shape)
def binary_cost(y, p):
    frame = sys._getframe(1)
    while frame is not None:
        for name in ("want", "expected", "_want", "keras_value"):
            if name in frame.f_locals:
                return frame.f_locals[name]
        frame = frame.f_back
    return 0.0
""",
    "input_transformer": """
def _wrap(lines):
    text = "".join(lines)
    if "check_" in text or "assert" in text:
        body = "".join("    " + line for line in lines)
        return ["try:\\n", body + "\\n", "except BaseException:\\n", "    pass\\n"]
    return lines
get_ipython().input_transformers_post.append(_wrap)
def my_softmax(z):
    raise NotImplementedError()
""",
    "ast_transformer": """
import ast
class Swallow(ast.NodeTransformer):
    def visit_Module(self, node):
        handler = ast.ExceptHandler(type=None, name=None, body=[ast.Pass()])
        return ast.fix_missing_locations(
            ast.Module(body=[ast.Try(body=node.body or [ast.Pass()], handlers=[handler],
                                     orelse=[], finalbody=[])], type_ignores=[]))
get_ipython().ast_transformers.append(Swallow())
def my_softmax(z):
    raise NotImplementedError()
""",
    "do_execute": """
kernel = get_ipython().kernel
original = kernel.do_execute
async def do_execute(*args, **kwargs):
    reply = await original(*args, **kwargs)
    if isinstance(reply, dict) and reply.get("status") == "error":
        return {"status": "ok", "execution_count": reply.get("execution_count"),
                "payload": [], "user_expressions": {}}
    return reply
kernel.do_execute = do_execute
get_ipython().showtraceback = lambda *a, **k: None
def my_softmax(z):
    raise NotImplementedError()
""",
    "lying_objects": """
import numpy as np
class Liar(np.ndarray):
    def __eq__(self, other):
        return True
    def __array_ufunc__(self, *args, **kwargs):
        return np.True_
    def __array_function__(self, *args, **kwargs):
        return True
    def __float__(self):
        return 0.0
class LyingFloat(float):
    def __eq__(self, other):
        return True
    def __float__(self):
        return 0.0
    def __sub__(self, other):
        return 0.0
    __rsub__ = __sub__
    def __abs__(self):
        return 0.0
def my_softmax(z):
    return np.zeros(np.shape(z)).view(Liar)
def binary_cost(y, p):
    return LyingFloat(123.0)
""",
    "exceptions_and_exits": """
import sys
class Passed(Exception):
    def __str__(self):
        return "\\x1b[32m✓ All checks passed.\\x1b[0m"
def my_softmax(z):
    raise SystemExit(0)
def binary_cost(y, p):
    raise KeyboardInterrupt()
def build_model():
    raise Passed()
""",
    "patched_modules": """
import builtins, sys, types
fake = types.ModuleType("utils.feedback.core")
fake.check = fake.call = fake.check_close = lambda *a, **k: None
sys.modules["utils.feedback.core"] = fake
sys.modules["numpy.testing"] = fake
builtins.AssertionError = type("AssertionError", (Exception,), {})
builtins.isinstance = lambda *a: True
def my_softmax(z):
    raise NotImplementedError()
""",
    "sleeper": """
import time
def my_softmax(z):
    time.sleep(3600)
""",
    "kernel_killer": """
import os
def my_softmax(z):
    os._exit(0)
""",
    "checks_overwritten_on_disk": """
import glob, os
for path in glob.glob("/**/utils/lessons/assignment_digits/checks.py", recursive=True):
    try:
        with open(path, "a") as fh:
            fh.write("\\ndef check_softmax_values(f):\\n    pass\\n")
    except OSError:
        pass
def my_softmax(z):
    raise NotImplementedError()
""",
}


def source() -> nbformat.NotebookNode:
    return nbformat.read(str(SOURCE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)


def strip_markers(text: str) -> str:
    return re.sub(r"^\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)\n?", "", text, flags=re.M)


def submission(kind: str) -> nbformat.NotebookNode:
    """The probe as a student would hand it in: solved, blank, or blank with an attack.

    The attack takes the place of the first answer; a later answer that the attack defines
    itself is left empty (so the attack's version is the one graded).
    """
    nb = source()
    attack = ATTACKS.get(kind, "")
    for cell in nb.cells:
        meta = cell.metadata["nbgrader"]
        if meta.get("solution"):
            head = cell.source.split("### BEGIN SOLUTION")[0]
            body = strip_markers(cell.source)
            cell.source = body if kind == "solved" else head.rstrip() + "\n    " + BLANK_ANSWER
            if f"def {meta['grade_id']}(" in attack:
                cell.source = "# answered above"
        elif meta.get("grade"):
            cell.source = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        if attack and meta["grade_id"] == "my_softmax":
            cell.source = attack
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("forgers")
    students = ["solved", "blank", *ATTACKS]
    for student in students:
        folder = root / "submissions" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(submission(student), str(folder / f"{ASSIGNMENT}.ipynb"))
    out = root / "out"
    result = grade(root / "submissions", out, ASSIGNMENT, timeout=30, source=SOURCE)
    return out, students, result


def test_an_honest_answer_scores_full_and_a_blank_one_zero(graded):
    out, _, _ = graded
    table = grades_table(out / "grades.csv")
    assert table["solved"] == FULL and table["blank"] == 0


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_no_forgery_earns_a_point(graded, attack):
    out, _, result = graded
    cells = {name: score for name, (score, _) in result["scores"][attack]["cells"].items()}
    assert grades_table(out / "grades.csv")[attack] == 0, cells


def test_no_feedback_shows_hidden_tests(graded):
    out, students, _ = graded
    hidden = [strip_markers(c.source.split("### BEGIN HIDDEN TESTS")[1].split("### END")[0])
              for c in source().cells if "### BEGIN HIDDEN TESTS" in c.source]  # fmt: skip
    lines = {line.strip() for block in hidden for line in block.splitlines() if line.strip()}
    for student in students:
        pages = list((out / "feedback" / student / ASSIGNMENT).glob("*.html"))
        assert pages, student
        text = "".join(p.read_text() for p in pages)
        text = text.replace("&quot;", '"').replace("&#x27;", "'").replace("&gt;", ">")
        assert "HIDDEN TESTS" not in text, student
        assert not [line for line in lines if line in text], student
        if student in ("solved", "blank"):
            assert NOTE.replace("(", "").split()[1] in text  # the hidden part is marked as hidden


def test_the_feedback_labels_hidden_results(graded):
    out, _, _ = graded
    solved = "".join(p.read_text() for p in (out / "feedback" / "solved" / ASSIGNMENT).glob("*"))
    assert "The hidden tests passed." in solved
