"""Markdown (autograder.html_safety.markdown): honest markdown is left exactly as written."""

from __future__ import annotations

import glob
from pathlib import Path

import nbformat

from autograder.html_safety import markdown_problems, render_markdown, sanitize_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_course_notebooks_markdown_is_left_exactly_as_written():
    paths = glob.glob(str(ROOT / "notebooks" / "**" / "*.ipynb"), recursive=True) + glob.glob(
        str(ROOT / "autograder" / "source" / "**" / "*.ipynb"), recursive=True
    )
    assert len(paths) >= 7
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                assert sanitize_markdown(cell.source, cell.get("attachments"))[0] == cell.source, (
                    path,
                    cell.source[:200],
                )


def test_unsafe_markdown_is_shown_as_text_and_then_renders_safely():
    source = '<img src="x" onerror="alert(1)"> and [a link](javascript:alert(1))'
    assert markdown_problems(source)
    clean, problems = sanitize_markdown(source)
    assert problems == markdown_problems(source)
    assert clean.startswith("*[Some HTML in this cell was shown as text")
    assert markdown_problems(clean) == []
    assert "<img" not in render_markdown(clean)


def test_markdown_needing_a_missing_attachment_is_a_problem_not_an_error():
    (problem,) = markdown_problems("![figure](attachment:gone.png)")
    assert problem.startswith("it cannot be rendered and checked")
