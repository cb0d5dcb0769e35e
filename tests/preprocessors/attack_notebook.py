"""The attack notebook: every known way a student's notebook can run code in the reader's browser.

Each attack calls :func:`payload` (which sets ``window.__pwned``, changes the title and fetches a
beacon URL), next to honest content that must survive.  Used by the preprocessor tests and by
``tests/browser/test_feedback_safety.py``, which opens its feedback in chromium.
"""

from __future__ import annotations

import base64

import nbformat
from nbformat import v4

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
