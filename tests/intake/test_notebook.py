"""Cleaning a notebook (autograder.intake.notebook): the student's JSON rebuilt, repairs noted.

Outputs, widget state and attachments; metadata nbformat or nbgrader rejects; malformed cells;
repeated ids and copied graded cells; and random damage that must never stop the class.
"""

from __future__ import annotations

import copy
import json
import random

import nbformat

from autograder.catalogue import solved, write
from autograder.intake import Limits
from tests.intake.helpers import (
    NAME,
    PNG,
    answers,
    assert_student_safe,
    cell_index,
    dumps,
    graded,
    is_blank,
    prepared,
    submission_of,
)


def test_outputs_and_counts_are_cleared_so_a_57_mb_output_never_reaches_feedback(
    class_dir, tmp_path, release
):
    nb = solved()
    cell = nb.cells[cell_index(nb, "my_softmax")]
    cell.execution_count = 7
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * (57 * 2**20))]
    sub = submission_of(class_dir)
    write(class_dir, "ann", nb)
    big = Limits(file_bytes=100 * 2**20, submission_bytes=100 * 2**20)
    notes, dest = prepared(sub, tmp_path, release, limits=big)
    assert notes == []
    assert (dest / NAME).stat().st_size < 2**20
    out = graded(dest)
    assert all(
        c.outputs == [] and c.execution_count is None for c in out.cells if c.cell_type == "code"
    )
    assert answers(out) == answers(solved())
    notes, dest = prepared(sub, tmp_path, release)  # default: over 20 MB
    assert is_blank(dest) and "larger than 20 MB" in notes[0]


def test_widget_state_is_removed_and_other_metadata_kept(class_dir, tmp_path, release):
    nb = solved()
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {"x": {"model_name": "IntSlider", "state": {"value": 1}}},
            "version_major": 2,
            "version_minor": 0,
        }
    }
    write(class_dir, "ann", nb)
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    assert "widgets" not in out.metadata
    assert out.metadata["kernelspec"] == solved().metadata["kernelspec"]
    assert notes == []


def test_only_small_image_attachments_are_kept(class_dir, tmp_path, release):
    nb = solved()
    nb.cells.insert(
        1,
        nbformat.v4.new_markdown_cell(
            "![a](attachment:ok.png)",
            attachments={
                "ok.png": {"image/png": PNG},
                "big.png": {"image/png": "A" * (3 * 2**20)},
                "evil.svg": {"image/svg+xml": "<svg onload='alert(1)'/>"},
                "page.html": {"text/html": "<script>alert(1)</script>"},
                "mixed.gif": {"image/gif": PNG, "text/html": "<script>alert(2)</script>"},
            },
        ),
    )
    write(class_dir, "ann", nb)
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    kept = graded(dest).cells[1].attachments
    assert kept == {"ok.png": {"image/png": PNG}, "mixed.gif": {"image/gif": PNG}}
    text = " ".join(notes)
    for name in ("big.png", "evil.svg", "page.html", "mixed.gif"):
        assert name in text
    assert "<script>" not in (dest / NAME).read_text() and "onload" not in (dest / NAME).read_text()


def test_metadata_keys_that_break_the_notebook_schema_are_stripped(class_dir, tmp_path, release):
    nb = solved()
    raw = json.loads(dumps(nb))
    index = cell_index(nb, "my_softmax")
    raw["cells"][index]["metadata"]["tags"] = "not a list"
    raw["metadata"]["kernelspec"] = "python"
    raw["nbformat_minor"] = "five"
    write(class_dir, "ann", json.dumps(raw))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    nbformat.validate(out)
    assert answers(out) == answers(solved())
    assert "tags" not in out.cells[index].metadata and "kernelspec" not in out.metadata
    assert out.metadata["language_info"] == nb.metadata["language_info"]  # valid: kept
    assert [c.metadata for c in out.cells] == [c.metadata for c in nb.cells]
    assert len(notes) == 1 and "metadata did not follow the notebook format" in notes[0]


def test_nested_metadata_that_breaks_the_schema_leaves_only_nbgrader_metadata(
    class_dir, tmp_path, release
):
    nb = solved()
    raw = json.loads(dumps(nb))
    index = cell_index(nb, "my_softmax")
    raw["cells"][index]["metadata"]["execution"] = {"iopub.status.busy": 5}
    write(class_dir, "ann", json.dumps(raw))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    nbformat.validate(out)
    assert answers(out) == answers(solved())
    assert [c.metadata for c in out.cells] == [
        {"nbgrader": c.metadata["nbgrader"]} for c in nb.cells
    ]
    assert len(notes) == 1 and "metadata did not follow the notebook format" in notes[0]


def test_malformed_cells_are_repaired_or_dropped_with_a_note(class_dir, tmp_path, release):
    nb = solved()
    raw = json.loads(dumps(nb))
    setup = cell_index(nb, "setup")
    raw["cells"][setup]["source"] = raw["cells"][setup]["source"].splitlines(keepends=True)
    intro = cell_index(nb, "intro")
    raw["cells"][intro]["metadata"] = ["not", "a", "dict"]
    raw["cells"] += [
        "a string, not a cell",
        {"cell_type": "evil", "source": "", "metadata": {}},
        {"cell_type": "code", "source": 42, "metadata": {}},
        {"cell_type": "code", "source": ["ok", 1], "metadata": {}},
        {"cell_type": "markdown", "source": "fine", "metadata": {}, "id": "x y"},
    ]
    write(class_dir, "ann", json.dumps(raw))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    nbformat.validate(out)
    assert len(out.cells) == len(nb.cells) + 1
    assert out.cells[setup].source == nb.cells[setup].source
    assert out.cells[intro].metadata == {} and out.cells[-1].source == "fine"
    assert answers(out) == answers(solved())
    first_new = len(nb.cells) + 1  # notes count cells from 1
    expected = [
        f"cell {intro + 1}'s metadata was not valid",
        f"cell {first_new} was not a notebook cell",
        f"cell {first_new + 1} had an unknown type",
        f"cell {first_new + 2}'s text",
        f"cell {first_new + 3}'s text",
        f"cell {first_new + 4} had an invalid id",
    ]
    assert len(notes) == len(expected)
    for note, words in zip(notes, expected):
        assert words in note, (note, words)


def test_duplicated_cell_ids_and_graded_cells_are_deduplicated(class_dir, tmp_path, release):
    nb = solved()
    index = cell_index(nb, "test_softmax_values")
    nb.cells.append(copy.deepcopy(nb.cells[index]))
    write(class_dir, "ann", dumps(nb))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    assert len({c.id for c in out.cells}) == len(out.cells)
    assert (
        sum(
            c.metadata.get("nbgrader", {}).get("grade_id") == "test_softmax_values"
            for c in out.cells
        )
        == 1
    )
    assert out.cells[index].metadata["nbgrader"]["grade_id"] == "test_softmax_values"
    text = " ".join(notes)
    assert "repeated another cell's id" in text and "is a copy of the graded cell" in text
    assert f"cell {len(nb.cells)} is a copy of the graded cell 'test_softmax_values'" in text


def test_notebooks_without_cell_ids_get_them_silently(class_dir, tmp_path, release):
    raw = json.loads(dumps(solved()))
    raw["nbformat_minor"] = 4
    for cell in raw["cells"]:
        del cell["id"]
    write(class_dir, "ann", json.dumps(raw))
    notes, dest = prepared(submission_of(class_dir), tmp_path, release)
    out = graded(dest)
    assert notes == [] and answers(out) == answers(solved())
    assert len({c.id for c in out.cells}) == len(out.cells)


JUNK = [
    None,
    0,
    -1,
    2.5,
    float("nan"),
    True,
    "",
    "x" * 200,
    "\x1b[2J",
    [],
    {},
    ["a", 1],
    {"a": None},
    [[[]]],
    "code",
    "markdown",
]


def json_slots(value):
    """Every ``(container, key)`` inside a JSON value."""
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else []
    )
    for key, child in list(items):
        yield value, key
        yield from json_slots(child)


def test_prepare_never_raises_and_always_writes_a_notebook_nbgrader_accepts(
    class_dir, tmp_path, release
):
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    rng, original = random.Random(20240611), json.loads(dumps(solved()))
    sub = submission_of(class_dir)
    for trial in range(60):
        raw = copy.deepcopy(original)
        slots = list(json_slots(raw))
        for _ in range(rng.randint(1, 4)):
            container, key = rng.choice(slots)
            container[key] = copy.deepcopy(rng.choice(JUNK))
        write(class_dir, "ann", json.dumps(raw))
        notes, dest = prepared(sub, tmp_path, release)
        out = graded(dest)
        nbformat.validate(out)
        MetadataValidatorV3().validate_nb(out)
        assert all(isinstance(note, str) for note in notes), trial
        assert_student_safe(notes, tmp_path)
