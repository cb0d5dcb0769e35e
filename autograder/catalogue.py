"""Build student submissions for grading tests: a solved copy of the release, and variants."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from autograder.notebooks import RELEASED, source_notebook

MARKERS = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*\n", re.M)


def released(assignment: str, lang: str = "en") -> Path:
    """The student notebook of ``assignment`` in language ``lang``."""
    folder = RELEASED if lang == "en" else RELEASED.parent / lang / RELEASED.name
    return folder / f"{assignment}.ipynb"


def solved(assignment: str = "assignment_digits", *, lang: str = "en"):
    """The student release (in ``lang``) with every solution cell answered as in the source."""
    source = nbformat.read(str(source_notebook(assignment)), as_version=4)
    answers = {
        c.metadata["nbgrader"]["grade_id"]: MARKERS.sub("", c.source)
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    nb = nbformat.read(str(released(assignment, lang)), as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb


def blank(assignment: str = "assignment_digits", *, lang: str = "en"):
    return nbformat.read(str(released(assignment, lang)), as_version=4)


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


SOFTMAX_NO_MAX = """
def my_softmax(z):
    e = np.exp(np.asarray(z))
    return e / np.sum(e, axis=-1, keepdims=True)
"""
SOFTMAX_AXIS0 = """
def my_softmax(z):
    z = np.asarray(z)
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)
"""


def model_code(out="linear", units=(25, 15, 10)):
    """A build_model answer with the given output activation and unit counts."""
    return f"""
def build_model():
    return keras.Sequential([keras.Input(shape=(400,)),
                             keras.layers.Dense({units[0]}, activation=tf.nn.relu),
                             keras.layers.Dense({units[1]}, activation="relu"),
                             keras.layers.Dense({units[2]}, activation="{out}")])
"""


def typical_mistakes(good):
    """The digits assignment's typical wrong answers, one submission each, by name."""
    return {
        "softmax_layer": answer(good, "build_model", model_code(out="softmax")),
        "sigmoid_output": answer(good, "build_model", model_code(out="sigmoid")),
        "wrong_units": answer(good, "build_model", model_code(units=(25, 15, 1))),
        "one_hot": answer(
            good,
            "train_model",
            "def train_model(model, X, y):\n    return model.fit("
            "X, keras.utils.to_categorical(y, 10), epochs=40, batch_size=32, verbose=0)",
        ),
        "wrong_axis": answer(good, "my_softmax", SOFTMAX_AXIS0),
        "no_max": answer(good, "my_softmax", SOFTMAX_NO_MAX),
    }
