"""The little markup a quiz's words may carry: ``code`` in backticks and $maths$ in dollars.

Question prompts, choices, feedback and explanations live in the message catalogues as plain
strings.  :func:`inline_html` turns them into HTML that shows code as code and leaves the maths
to MathJax (JupyterLab typesets ``$...$`` in widget ``HTMLMath`` and in HTML outputs);
:func:`plain_text` gives the words a reader sees, for plain-text outputs and for tests.
Everything else is escaped: a catalogue string never injects HTML.
"""

from __future__ import annotations

import html
import re

# `code` (no backtick inside) or $maths$ (no dollar inside, not empty)
_TOKEN = re.compile(r"`([^`]+)`|\$([^$]+)\$")


def inline_html(text: str) -> str:
    """``text`` as HTML: backticked spans in ``<code>``, ``$...$`` kept for MathJax, the rest
    escaped.  An unpaired backtick or dollar stays as it is."""
    parts, end = [], 0
    for match in _TOKEN.finditer(text):
        parts.append(html.escape(text[end : match.start()]))
        code, maths = match.groups()
        if code is not None:
            parts.append(f"<code>{html.escape(code)}</code>")
        else:
            parts.append(f"${html.escape(maths, quote=False)}$")
        end = match.end()
    parts.append(html.escape(text[end:]))
    return "".join(parts)


def plain_text(text: str) -> str:
    """``text`` without its markup: the backticks and dollars go, the words stay."""
    return _TOKEN.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)
