"""Markdown rendered exactly as nbconvert renders it, and rewritten until that is safe.

A cell that renders safely is left exactly as written.  Otherwise its tags are shown as text
and harmful link schemes broken; if that is still not safe, it is shown as a code block.
"""

from __future__ import annotations

import re

from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from autograder.html_safety.html import html_problems


def render_markdown(source: str, attachments=None) -> str:
    """Markdown to HTML exactly as nbconvert's HTML exporter does (feedback, formgrader)."""
    renderer = IPythonRenderer(escape=False, attachments=attachments or {}, anchor_link_text="¶")
    return MarkdownWithMath(renderer=renderer).render(source)


def markdown_problems(source: str, attachments=None) -> list[str]:
    """Why ``source`` does not render safely (or at all) with nbconvert; empty if it does."""
    try:
        return html_problems(render_markdown(source, attachments))
    except Exception as error:  # noqa: BLE001 - e.g. a missing attachment: nbconvert would fail too
        return [f"it cannot be rendered and checked ({type(error).__name__}: {str(error)[:200]})"]


_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_HARMFUL_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|livescript|data|file)(\s*):")


def _escape_markup(source: str) -> str:
    """Markdown with every HTML tag shown as text and harmful link schemes broken."""
    source = _TAG_START.sub("&lt;", source)
    return _HARMFUL_SCHEME.sub(lambda m: f"{m.group(1)}{m.group(2)}\uff1a", source)


def _as_code(source: str) -> str:
    fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", source)), default=0))
    return f"{fence}\n{source}\n{fence}"


def sanitize_markdown(source: str, attachments=None) -> tuple[str, list[str]]:
    """Markdown that renders safely; unchanged when it already does: (markdown, problems found)."""
    problems = markdown_problems(source, attachments)
    if not problems:
        return source, []
    note = "*[Some HTML in this cell was shown as text: it is not allowed in feedback.]*\n\n"
    escaped = note + _escape_markup(source)
    if not markdown_problems(escaped, attachments):
        return escaped, problems
    note = "*[This cell is shown as its markdown source: it could not be rendered safely.]*\n\n"
    fenced = note + _as_code(source)
    if not markdown_problems(fenced, attachments):
        return fenced, problems
    return "[This cell was removed: it could not be rendered safely.]", problems  # pragma: no cover
