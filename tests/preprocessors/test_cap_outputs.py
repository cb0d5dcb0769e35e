"""CapOutputs: bounded notebooks and feedback; every grade unchanged, with SanitizeNotebook too."""

from __future__ import annotations

import base64
import copy

import nbformat
import pytest
from nbformat import v4
from nbgrader.utils import determine_grade

from autograder.preprocessors import CapOutputs, SanitizeNotebook
from autograder.preprocessors.cap_outputs import json_size
from tests.preprocessors.attack_notebook import attack_notebook, grade_meta
from tests.preprocessors.feedback import active_content, export_feedback

MEBI = 1_000_000


def _graded_cells():
    """Graded test cells whose outputs are too big, each with the grade nbgrader gives it."""
    long_traceback = [f"\x1b[0;32mline {i}\x1b[0m " + "x" * 200 for i in range(20_000)] + [
        "\x1b[0;31mAssertionError\x1b[0m: the answer is wrong"
    ]
    big = "y" * 400_000
    return [
        v4.new_code_cell(
            "t1",
            metadata=grade_meta("fails_error", points=2),
            outputs=[
                v4.new_output("stream", name="stdout", text=big),
                v4.new_output(
                    "error",
                    ename="AssertionError",
                    evalue="wrong " * 100_000,
                    traceback=long_traceback,
                ),
            ],
        ),
        v4.new_code_cell(
            "t2",
            metadata=grade_meta("fails_stderr", points=2),
            outputs=[v4.new_output("stream", name="stderr", text=big)],
        ),
        v4.new_code_cell(
            "t3",
            metadata=grade_meta("partial", points=2),
            outputs=[
                v4.new_output("display_data", data={"text/plain": big}),
                v4.new_output(
                    "execute_result", data={"text/plain": " " * 300_000 + "1.5"}, execution_count=1
                ),
            ],
        ),
        v4.new_code_cell(
            "t4",
            metadata=grade_meta("passes", points=2),
            outputs=[
                v4.new_output("stream", name="stdout", text=big),
                v4.new_output(
                    "execute_result", data={"text/plain": "'" + big + "'"}, execution_count=2
                ),
            ],
        ),
        v4.new_code_cell(
            "t5",
            metadata=grade_meta("many_errors", points=2),
            outputs=[
                v4.new_output(
                    "error", ename=f"E{i}", evalue="v" * 150_000, traceback=["t" * 150_000]
                )
                for i in range(10)
            ],
        ),
    ]


@pytest.mark.parametrize("pipeline", ["cap", "cap-tight", "sanitize", "both"])
def test_grades_are_unchanged(pipeline):
    cells = _graded_cells()
    nb = v4.new_notebook(cells=cells)
    expected = [determine_grade(c) for c in cells]
    assert expected == [(0, 2.0), (0, 2.0), (1.5, 2.0), (2.0, 2.0), (0, 2.0)]
    steps = {
        "cap": [CapOutputs()],
        "cap-tight": [
            CapOutputs(max_output_bytes=5_000, max_cell_bytes=8_000, max_notebook_bytes=20_000)
        ],
        "sanitize": [SanitizeNotebook()],
        "both": [CapOutputs(), SanitizeNotebook()],
    }[pipeline]
    for step in steps:
        nb, _ = step.preprocess(nb, {})
    assert [determine_grade(c) for c in nb.cells] == expected
    for old, new in zip(cells, nb.cells):
        old_errors = [o.ename for o in old.outputs if o.output_type == "error"]
        assert [o.ename for o in new.outputs if o.output_type == "error"] == old_errors


def test_an_oversize_error_stays_an_error():
    cell = _graded_cells()[0]
    error = cell.outputs[1]
    short = CapOutputs().preprocess(v4.new_notebook(cells=[cell]), {})[0].cells[0].outputs
    assert [o.output_type for o in short] == ["stream", "error"]
    assert short[1].ename == "AssertionError"
    assert json_size(short[1]) <= 200_000 < json_size(error)
    assert short[1].traceback[-1] == error.traceback[-1]  # the line that names the error
    assert short[1].traceback[0] == error.traceback[0]
    assert any("traceback was shortened" in line for line in short[1].traceback)
    assert short[0].text.startswith(
        "[printed text (stdout): an output of 0.4 MB was removed from the feedback"
    )


def test_a_57_mb_output_and_a_19_mb_attachment(tmp_path):
    huge = "A" * 57_000_000
    nb = v4.new_notebook(
        cells=[
            v4.new_markdown_cell(
                "Look: ![big](attachment:big.png)",
                attachments={"big.png": {"image/png": "B" * 19_000_000}},
            ),
            v4.new_code_cell(
                "plt.show()",
                outputs=[
                    v4.new_output(
                        "display_data", data={"image/png": huge, "text/plain": "<Figure>"}
                    ),
                    v4.new_output("stream", name="stdout", text="done\n"),
                ],
            ),
        ]
    )
    del huge
    nb, _ = CapOutputs().preprocess(nb, {})
    assert len(nbformat.writes(nb).encode()) < 2 * MEBI
    note = nb.cells[1].outputs[0]
    assert note.output_type == "stream" and note.name == "stdout"
    assert (
        "an output of 57.0 MB was removed from the feedback (limit 0.2 MB per output)" in note.text
    )
    assert nb.cells[1].outputs[1].text == "done\n"
    stand_in = base64.b64decode(nb.cells[0].attachments["big.png"]["image/svg+xml"]).decode()
    assert (
        "an attachment (image/png) of 19.0 MB was removed from the feedback (limit 2.0 MB"
        in stand_in
    )
    nb, _ = SanitizeNotebook().preprocess(nb, {})
    assert "image/svg+xml" in nb.cells[0].attachments["big.png"]  # our stand-in passes the check
    page = export_feedback(nb, tmp_path)  # and the markdown renders
    assert "Look:" in page and active_content(page) == []


def test_cell_and_notebook_limits():
    chunk = "z" * 150_000  # under the per-output limit
    one_cell = v4.new_code_cell(
        "x", outputs=[v4.new_output("stream", name="stdout", text=chunk) for _ in range(10)]
    )
    nb, _ = CapOutputs().preprocess(v4.new_notebook(cells=[one_cell]), {})
    sizes = [json_size(o) for o in nb.cells[0].outputs]
    assert sum(sizes) <= 1_000_000 and len(sizes) == 10
    assert any("(limit 1.0 MB for all outputs of a cell)" in o.text for o in nb.cells[0].outputs)
    cells = [
        v4.new_code_cell(
            "x", outputs=[v4.new_output("display_data", data={"image/png": "A" * 190_000})]
        )
        for _ in range(60)
    ]
    cells.append(
        v4.new_markdown_cell(
            "![a](attachment:a.png)", attachments={"a.png": {"image/png": "B" * 1_900_000}}
        )
    )
    nb, _ = CapOutputs().preprocess(v4.new_notebook(cells=cells), {})
    total = sum(json_size(o) for c in nb.cells for o in c.get("outputs", [])) + sum(
        json_size(b) for c in nb.cells for b in (c.get("attachments") or {}).values()
    )
    assert total <= 8_000_000
    assert "image/svg+xml" in nb.cells[-1].attachments["a.png"]  # the biggest went first
    assert (
        sum(
            "(limit 8.0 MB for the whole notebook)" in o.get("text", "")
            for c in nb.cells
            for o in c.get("outputs", [])
        )
        >= 1
    )


def test_small_outputs_are_left_alone():
    nb = attack_notebook()
    before = copy.deepcopy(nb)
    nb, _ = CapOutputs().preprocess(nb, {})
    assert nb == before
