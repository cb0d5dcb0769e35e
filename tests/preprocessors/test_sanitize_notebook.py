"""SanitizeNotebook: the attack notebook made inert, honest content left exactly as it was.

The attack notebook (``tests/preprocessors/attack_notebook.py``) is checked as sanitized, as
rendered by nbconvert's markdown renderer, and as nbgrader's feedback page.
"""

from __future__ import annotations

import copy
import json

import pytest
from bleach._vendor import html5lib
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.filters.strings import strip_files_prefix
from nbformat import v4

from autograder.html_safety import CSP
from autograder.preprocessors import SanitizeNotebook
from tests.preprocessors.attack_notebook import HONEST_MARKDOWN, PNG, attack_notebook
from tests.preprocessors.feedback import active_content, export_feedback

DANGEROUS_SUBSTRINGS = (
    "<script",
    "onerror",
    "onload",
    "javascript:",
    "<iframe",
    "<style",
    "<meta",
    "<form",
    "<object",
    "<embed",
    "<base",
    "ontoggle",
    "onfocus",
    "srcdoc",
)


def _render_markdown(source, attachments=None):
    """Markdown to HTML as nbconvert's HTMLExporter.markdown2html does it."""
    renderer = IPythonRenderer(escape=False, attachments=attachments or {})
    return MarkdownWithMath(renderer=renderer).render(source)


def test_sanitized_notebook_has_no_active_content():
    nb = attack_notebook()
    before = copy.deepcopy(nb)
    nb, _ = SanitizeNotebook().preprocess(nb, {})
    assert "widgets" not in nb.metadata
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    kept = {mime for o in outputs for mime in o.get("data", {})}
    assert kept == {
        "text/plain",
        "text/html",
        "text/markdown",
        "image/png",
        "application/vnd.jupyter.widget-view+json",
    }
    assert {key for o in outputs for key in o.get("metadata", {})} <= {"image/png"}
    assert "filenames" not in json.dumps([o.get("metadata") for o in outputs])
    notes = [
        o.data["text/plain"]
        for o in outputs
        if "removed from the feedback" in o.get("data", {}).get("text/plain", "")
    ]
    assert any("application/javascript" in n for n in notes) and any(
        "image/svg+xml" in n for n in notes
    )
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            rendered = strip_files_prefix(_render_markdown(cell.source, cell.get("attachments")))
            assert active_content(rendered, fragment=True) == [], cell.source
            for bad in (
                "<script",
                "<iframe",
                "<style",
                "<meta",
                "<form",
                "<object",
                "<embed",
                "<base",
                "<svg",
            ):
                assert bad not in rendered.lower(), (bad, rendered)
            for bundle in (cell.get("attachments") or {}).values():
                assert set(bundle) <= {
                    "image/png",
                    "image/jpeg",
                    "image/gif",
                    "image/webp",
                    "image/svg+xml",
                }
        if cell.cell_type == "raw":
            assert "format" not in cell.metadata and "raw_mimetype" not in cell.metadata
            assert "<script" not in cell.source and "<img" not in cell.source
        if "nbgrader" in cell.metadata:
            assert not set('<>"') & set(cell.metadata.nbgrader["grade_id"])
        for output in cell.get("outputs", []):
            for mime, value in output.get("data", {}).items():
                if mime in ("text/html", "image/svg+xml"):
                    for bad in DANGEROUS_SUBSTRINGS:
                        assert bad not in value.lower(), (mime, bad, value)
                if mime == "text/markdown":
                    assert active_content(_render_markdown(value), fragment=True) == []
    # Left alone: code, errors (rendered escaped; they decide grades), printed text.
    for old, new in zip(before.cells, nb.cells):
        assert old.cell_type == new.cell_type
        if old.cell_type == "code":
            assert new.source == old.source
            assert [o for o in new.outputs if o.output_type == "error"] == [
                o for o in old.outputs if o.output_type == "error"
            ]
            assert [o.text for o in new.outputs if o.output_type == "stream"] == [
                o.text for o in old.outputs if o.output_type == "stream"
            ]


def test_every_attack_is_live_in_the_unsanitized_markdown():
    """The attack notebook is real: rendered by nbconvert, most markdown attacks are live HTML."""
    nb = attack_notebook()
    live = [
        c.source
        for c in nb.cells[1:17]
        if active_content(strip_files_prefix(_render_markdown(c.source)), fragment=True)
    ]
    assert len(live) >= 13, live


def test_honest_content_survives_unchanged():
    nb = v4.new_notebook(
        cells=[
            v4.new_markdown_cell(HONEST_MARKDOWN),
            v4.new_markdown_cell(
                '<div style="background-color: #f0f0f0; padding: 4px"><a name="top"></a>'
                '<img src="figures/plot.png" width="200" alt="a plot"> '
                '<span style="color: rgb(200, 0, 0)">red</span> <font color="blue">blue</font>'
                "<details><summary>Hint</summary>Use <code>np.exp</code>.</details></div>"
            ),
            v4.new_markdown_cell(
                "![p](attachment:p.png)", attachments={"p.png": {"image/png": PNG}}
            ),
            v4.new_code_cell(
                "x",
                outputs=[
                    v4.new_output(
                        "display_data",
                        data={"image/png": PNG, "text/plain": "<Figure>"},
                        metadata={"image/png": {"width": 300, "height": 200}},
                    ),
                    v4.new_output(
                        "execute_result",
                        data={"text/plain": "0.75", "text/latex": "$x^2 < 1$"},
                        execution_count=1,
                    ),
                    v4.new_output("stream", name="stderr", text="a warning <b>\n"),
                ],
            ),
        ]
    )
    before = copy.deepcopy(nb)
    nb, _ = SanitizeNotebook().preprocess(nb, {})
    assert nb == before


def test_markdown_that_needs_a_missing_attachment_still_renders(tmp_path):
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("Look: ![figure](attachment:gone.png)")])
    with pytest.raises(Exception, match="missing attachment"):
        export_feedback(nb, tmp_path, safe=False)
    page = export_feedback(nb, tmp_path)
    assert "Look:" in page and "data:image/svg+xml;base64," in page


def test_sanitizing_twice_changes_nothing_more():
    once, _ = SanitizeNotebook().preprocess(attack_notebook(), {})
    twice, _ = SanitizeNotebook().preprocess(copy.deepcopy(once), {})
    assert twice == once


def test_deeply_nested_html_is_refused_without_parsing_it():
    """html5lib is quadratic in nesting depth: 20,000 nested tags (100 kB) take half a minute."""
    import time

    deep = "<div>" * 20_000 + "x"
    nb = v4.new_notebook(
        cells=[
            v4.new_markdown_cell(deep),
            v4.new_code_cell(
                "x", outputs=[v4.new_output("display_data", data={"text/html": deep})]
            ),
        ]
    )
    start = time.perf_counter()
    nb, _ = SanitizeNotebook().preprocess(nb, {})
    assert time.perf_counter() - start < 10
    assert nb.cells[0].source.count("&lt;div>") == 20_000
    assert list(nb.cells[1].outputs[0].data) == ["text/plain"]
    assert "text/html output removed from the feedback" in nb.cells[1].outputs[0].data["text/plain"]


@pytest.mark.filterwarnings(
    "ignore:Your element with mimetype"
)  # the unsanitized page's JavaScript
def test_feedback_page_is_inert_and_keeps_honest_content(tmp_path):
    nb = attack_notebook()
    unsafe = export_feedback(nb, tmp_path, safe=False)
    assert len(active_content(unsafe)) >= 15, (
        "the attack notebook should be dangerous as nbgrader renders it"
    )
    page = export_feedback(nb, tmp_path)
    assert active_content(page) == []
    assert (
        "<strong>bold text</strong>" in page
        and "$a &lt; b$" in page
        and "<li>item one</li>" in page
    )
    assert "&lt;ok&gt;" in page and "<kbd>Shift</kbd>" in page
    assert "Student&#39;s answer" in page or "Student's answer" in page
    # What was removed is said, not silently dropped; error and printed text are shown escaped.
    assert "application/javascript output removed from the feedback" in page
    assert "&lt;script&gt;window.__pwned='stream'" in page
    assert "ValueError" in page
    root = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    first = next(iter(root.find("head")))
    assert first.tag == "meta" and first.get("http-equiv") == "Content-Security-Policy"
    assert first.get("content") == CSP
