"""CapOutputs and SanitizeNotebook: bounded, inert notebooks and feedback; grades unchanged.

The attack notebook (:func:`attack_notebook`) holds one of each way a student's notebook can
run code in the reader's browser, each attack calling :func:`payload` (which sets
``window.__pwned``, changes the title and fetches a beacon URL), next to honest content that
must survive.  ``tests/browser/test_feedback_safety.py`` opens its feedback in chromium.
"""

from __future__ import annotations

import base64
import copy
import glob
import json
import re
from pathlib import Path

import nbformat
import pytest
from bleach._vendor import html5lib
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.filters.strings import strip_files_prefix
from nbformat import v4
from nbgrader.utils import determine_grade

from autograder.preprocessors.cap_outputs import CapOutputs, json_size
from autograder.preprocessors.sanitize_notebook import (
    CSP,
    SanitizeNotebook,
    content_security_policy,
    sanitize_html,
    sanitize_markdown,
    svg_is_safe,
)

ROOT = Path(__file__).resolve().parent.parent
# A 1x1 PNG.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
    "AAAABJRU5ErkJggg=="
)
NOBODY = "http://127.0.0.1:9/"  # the beacon of the unit tests (nothing listens there)
HONEST_MARKDOWN = """# Honest heading

**bold text** and *italic*, maths $a < b$ and $0<x<1$, and $$\\sum_i x_i^2$$

- item one
- item two

1. first
2. second

`code < span`

```python
if a < b:
    print("<ok>")
```

| col a | col b |
|:------|------:|
| 1     | 2     |

Press <kbd>Shift</kbd>+<kbd>Enter</kbd>. [A link](https://example.org) and <sub>sub</sub>.

> a quote
"""
MEBI = 1_000_000


def payload(name: str, beacon: str = NOBODY, prefix: str = "") -> str:
    """JavaScript that leaves three traces if it runs (no spaces, single quotes only)."""
    return (
        f"{prefix}window.__pwned='{name}';{prefix}document.title='PWNED-{name}';"
        f"fetch('{beacon}{name}')"
    )


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def grade_meta(
    grade_id: str, *, points: float = 1, solution: bool = False, grade: bool = True
) -> dict:
    return {
        "nbgrader": {
            "grade": grade,
            "solution": solution,
            "locked": not solution,
            "points": points,
            "grade_id": grade_id,
            "schema_version": 3,
        }
    }


def attack_notebook(beacon: str = NOBODY) -> nbformat.NotebookNode:
    """A notebook with every known way to run code or load content in the reader's browser."""

    def js(name, prefix=""):
        return payload(name, beacon, prefix)

    markdown = {
        "md-script": f"<script>{js('md-script')}</script>",
        "md-img-onerror": f'<img src="x" onerror="{js("md-img-onerror")}">',
        "md-svg-onload": f'<svg onload="{js("md-svg-onload")}"><circle r="5"/></svg>',
        "md-details": f'<details open ontoggle="{js("md-details")}">'
        "<summary>s</summary>x</details>",
        "md-autofocus": f'<input autofocus onfocus="{js("md-autofocus")}">',
        "md-iframe": (
            f'<iframe srcdoc="&lt;script&gt;{js("md-iframe", "parent.")}&lt;/script&gt;"></iframe>'
            f'<iframe src="javascript:{js("md-iframe-js", "parent.")}"></iframe>'
        ),
        "md-object": f'<object data="{beacon}md-object"></object><embed src="{beacon}md-embed">',
        "md-js-link": (
            f'<a id="pwn-link" href="javascript:{js("md-html-link")}">html link</a> and '
            f"[markdown link](javascript:{js('md-markdown-link')}) and "
            f"[entity link](&#106;avascript:{js('md-entity-link')})"
        ),
        "md-style": f"<style>body{{background:url({beacon}md-style)}}</style>",
        "md-meta-refresh": f'<meta http-equiv="refresh" content="1;url={beacon}md-refresh">',
        "md-form": (
            f'<form action="{beacon}md-form"><input name="q" value="1">'
            '<button id="pwn-form" type="submit">go</button></form>'
        ),
        "md-base": f'<base href="{beacon}md-base/">',
        "md-mermaid": f'```mermaid\n<img src="x" onerror="{js("md-mermaid")}">\n```',
        "md-image": f"![tracker]({beacon}md-image.png)",
        "md-unterminated": '<p title="',
        # nbconvert's strip_files_prefix filter turns these into javascript: URLs after rendering.
        "md-files-prefix": (
            f'<a href="files/javascript:{js("md-files-html")}">files link</a> and '
            f"[files link](/files/javascript:{js('md-files-markdown')})"
        ),
    }
    cells = [v4.new_markdown_cell(HONEST_MARKDOWN)]
    cells += [v4.new_markdown_cell(source) for source in markdown.values()]
    cells.append(
        v4.new_markdown_cell(
            "An answer",
            metadata=grade_meta(f'x"><img src="x" onerror="{js("grade-id")}">', solution=True),
        )
    )
    cells.append(
        v4.new_markdown_cell(
            "![picture](attachment:pic.png) ![evil](attachment:evil.png)",
            attachments={
                "pic.png": {"image/png": PNG},
                "evil.png": {
                    "text/html": _b64(f"<script>{js('attachment')}</script>"),
                    'image/png" onerror="alert(1)': PNG,
                },
            },
        )
    )
    cells.append(
        v4.new_raw_cell(
            f'<script>{js("raw")}</script><img src=x onerror="{js("raw-img")}">',
            metadata={"format": "text/html", "raw_mimetype": "text/html"},
        )
    )

    def display(data, metadata=None):
        return v4.new_output("display_data", data=data, metadata=metadata or {})

    outputs = [
        display({"application/javascript": js("out-js")}),
        display({"text/javascript": js("out-text-js"), "application/x-javascript": js("out-x-js")}),
        display(
            {
                "text/html": f"<b>html ok</b><script>{js('out-html-script')}</script>",
                "text/plain": "<IPython.core.display.HTML object>",
            }
        ),
        display({"text/html": f'<img src="x" onerror="{js("out-html-img")}">'}),
        display(
            {
                "image/svg+xml": (
                    f'<svg xmlns="http://www.w3.org/2000/svg" onload="{js("out-svg")}">'
                    f"<script>{js('out-svg-script')}</script></svg>"
                )
            }
        ),
        display({"text/markdown": f'<img src="x" onerror="{js("out-markdown")}">'}),
        display(
            {"text/html": f"<script>{js('out-isolated')}</script>"},
            {"text/html": {"isolated": True}},
        ),
        display(
            {"image/png": PNG, "text/plain": "<Figure size 1x1>"},
            {"filenames": {"image/png": f"{beacon}out-filename.png"}, "image/png": {"width": 10}},
        ),
        display(
            {
                "text/vnd.mermaid": f"graph TD; A-->B; click A call {js('out-mermaid')}",
                "application/json": {"a": 1},
            }
        ),
        display(
            {
                "application/vnd.jupyter.widget-view+json": {
                    "model_id": "abc123",
                    "version_major": 2,
                    "version_minor": 0,
                },
                "text/plain": "IntSlider(value=0)",
            }
        ),
        v4.new_output("stream", name="stdout", text=f"<script>{js('stream')}</script>\n"),
        v4.new_output(
            "execute_result",
            data={"text/plain": f"'<script>{js('result')}</script>'"},
            execution_count=1,
        ),
    ]
    code = v4.new_code_cell(
        "print('<script>in code</script>')",
        outputs=outputs,
        execution_count=1,
        metadata={"tags": [f'"><img src="x" onerror="{js("tags")}">']},
    )
    error = v4.new_output(
        "error",
        ename="ValueError",
        evalue=f'<img src="x" onerror="{js("evalue")}">',
        traceback=[
            f"\x1b[0;31m<script>{js('traceback')}</script>\x1b[0m",
            f'ValueError: <img src="x" onerror="{js("traceback-img")}">',
        ],
    )
    test = v4.new_code_cell(
        "assert False",
        outputs=[error],
        execution_count=2,
        metadata=grade_meta("test_fails", points=2),
    )
    passing = v4.new_code_cell(
        "assert True", outputs=[], execution_count=3, metadata=grade_meta("test_passes", points=1)
    )
    cells += [code, test, passing]
    widget_state = {
        "application/vnd.jupyter.widget-state+json": {
            "version_major": 2,
            "version_minor": 0,
            "state": {
                "abc123": {
                    "model_name": "HTMLModel",
                    "model_module": "@jupyter-widgets/controls",
                    "model_module_version": "2.0.0",
                    "state": {"value": f'<img src="x" onerror="{js("widget")}">'},
                }
            },
        }
    }
    nb = v4.new_notebook(
        cells=cells,
        metadata={
            "widgets": widget_state,
            "title": f"</title><script>{js('title')}</script>",
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        },
    )
    return nb


# ------------------------------------------------------------------------------------------------
# Rendering as nbgrader's feedback does
# ------------------------------------------------------------------------------------------------
FEEDBACK_RESOURCES = {
    "nbgrader": {"notebook": "attack", "score": 1.0, "max_score": 3.0, "late_penalty": 0}
}


def feedback_exporter(course: Path):
    """The HTMLExporter nbgrader's GenerateFeedback uses (its 'feedback' template and settings)."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory

    generate = GenerateFeedback(coursedir=CourseDirectory(root=str(course)))
    return generate.exporter_class(parent=generate, config=generate.config)


def export_feedback(nb, course: Path, *, safe: bool = True, csp: bool = True) -> str:
    """The feedback HTML of ``nb``, made safe; or (``safe=False``) as plain nbgrader makes it.

    ``csp=False``: sanitized but without the Content-Security-Policy, as the formgrader shows
    the autograded notebook.
    """
    exporter = feedback_exporter(course)
    nb = copy.deepcopy(nb)
    for cell in nb.cells:  # what nbgrader's GetGrades adds before rendering
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.metadata.nbgrader["score"] = 0.0
    if safe:
        # Registered as nbgrader registers preprocessors: without enabling them explicitly.
        exporter.register_preprocessor(CapOutputs)
        exporter.register_preprocessor(SanitizeNotebook)
    page, _ = exporter.from_notebook_node(nb, resources=copy.deepcopy(FEEDBACK_RESOURCES))
    return content_security_policy(page) if safe and csp else page


def active_content(page_or_fragment: str, *, fragment: bool = False) -> list[str]:
    """Everything in an HTML page that could run code, navigate or load anything (own scan)."""
    parse = html5lib.parseFragment if fragment else html5lib.parse
    root = parse(page_or_fragment, treebuilder="etree", namespaceHTMLElements=False)
    found = []
    in_head = set()
    for head in root.iter("head"):
        in_head.update(id(e) for e in head.iter())
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        local = tag.rpartition("}")[2].lower()
        if local == "script":
            src = element.get("src", "")
            template = (
                src.startswith("https://cdnjs.cloudflare.com/ajax/libs/mathjax/")
                or element.get("type") == "text/x-mathjax-config"
                or element.get("type") == "application/vnd.jupyter.widget-view+json"
                or (element.text or "").strip().startswith("var element = $('#")
            )
            if not (template and "pwned" not in (element.text or "").lower()):
                found.append(f"<script> {(element.text or src)[:60]!r}")
        elif local in (
            "iframe",
            "object",
            "embed",
            "form",
            "base",
            "frame",
            "frameset",
            "applet",
            "svg",
            "math",
            "link",
            "template",
        ):
            found.append(f"<{local}>")
        elif local in ("style", "meta") and id(element) not in in_head:
            found.append(f"<{local}> outside the head")
        for name, value in element.attrib.items():
            name = name.rpartition("}")[2].lower() if isinstance(name, str) else ""
            compact = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on") or name in (
                "autofocus",
                "srcdoc",
                "formaction",
                "action",
                "ping",
            ):
                found.append(f"{name}= on <{local}>")
            elif name in ("href", "src", "data", "xlink:href") and compact.startswith(
                ("javascript:", "vbscript:")
            ):
                found.append(f"{name}={value[:40]!r} on <{local}>")
            elif local == "meta" and element.get("http-equiv", "").lower() == "refresh":
                found.append("<meta http-equiv=refresh>")
    return found


# ------------------------------------------------------------------------------------------------
# The preprocessors' settings
# ------------------------------------------------------------------------------------------------
def test_defaults_and_enabled_when_registered_as_nbgrader_does():
    cap = CapOutputs()
    assert (
        cap.max_output_bytes,
        cap.max_cell_bytes,
        cap.max_notebook_bytes,
        cap.max_attachment_bytes,
    ) == (200_000, 1_000_000, 8_000_000, 2_000_000)
    exporter = HTMLExporter()
    for cls in (CapOutputs, SanitizeNotebook):
        exporter.register_preprocessor(cls)  # nbgrader passes no `enabled`
        instance = exporter._preprocessors[-1]
        assert isinstance(instance, cls)
        assert instance.enabled, f"{cls.__name__} would silently do nothing inside nbgrader"
    assert SanitizeNotebook().safe_output_types >= {"text/plain", "image/png"}


# ------------------------------------------------------------------------------------------------
# SanitizeNotebook
# ------------------------------------------------------------------------------------------------
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


def test_html_tables_and_figures_survive_cleaning():
    table = (
        "<div><style scoped>.dataframe tbody tr th { vertical-align: top; }</style>"
        '<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th>'
        "<th>a</th></tr></thead><tbody><tr><th>0</th><td>1</td></tr></tbody></table></div>"
    )
    clean = sanitize_html(table)
    assert '<table border="1" class="dataframe">' in clean and "<td>1</td>" in clean
    assert "<style" not in clean and "vertical-align: top" not in clean
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.subplots()
    ax.imshow([[0, 1], [1, 0]])
    ax.set_title("a < b & c")
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    assert svg_is_safe(buffer.getvalue())


@pytest.mark.parametrize(
    "svg",
    [
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        '<svg xmlns="http://www.w3.org/2000/svg"><script xmlns="http://www.w3.org/1999/xhtml">alert(1)</script>'
        "</svg>",
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        '<a x:href="javascript:alert(1)">'
        "<text>t</text></a></svg>",
        '<svg xmlns="http://www.w3.org/2000/svg">'
        '<set attributeName="onmouseover" to="alert(1)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
        '<use x:href="http://evil/x.svg#a"/></svg>',
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://evil/x.css);</style></svg>',
        "<svg><not xml",
    ],
)
def test_unsafe_svg_is_refused(svg):
    assert not svg_is_safe(svg)


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


# ------------------------------------------------------------------------------------------------
# The rendered feedback
# ------------------------------------------------------------------------------------------------
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


def test_content_security_policy_placement_and_policy():
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    assert "script-src" not in CSP and "default-src 'none'" in CSP and "'unsafe-eval'" not in CSP
    page = "<!DOCTYPE html>\n<html>\n<head>\n<title>t</title></head><body>x</body></html>"
    assert (
        content_security_policy(page)
        == f"<!DOCTYPE html>\n<html>\n<head>{meta}\n<title>t</title></head><body>x</body></html>"
    )
    assert (
        content_security_policy('<html><head lang="en"><meta charset="utf-8"></head></html>')
        == f'<html><head lang="en">{meta}<meta charset="utf-8"></head></html>'
    )
    assert (
        content_security_policy("<html><body><h1>5 / 6</h1></body></html>")
        == f"<html>{meta}<body><h1>5 / 6</h1></body></html>"
    )
    assert content_security_policy("<p>just a fragment</p>") == f"{meta}<p>just a fragment</p>"
    assert content_security_policy("<!DOCTYPE html><p>x</p>") == f"<!DOCTYPE html>{meta}<p>x</p>"
    # A "<head>" inside the body is not the head.
    assert content_security_policy("<html><body>&lt;<head>x</body>").startswith(
        f"<html>{meta}<body>"
    )


# ------------------------------------------------------------------------------------------------
# CapOutputs
# ------------------------------------------------------------------------------------------------
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
