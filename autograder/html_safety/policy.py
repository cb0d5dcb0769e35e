"""The Content-Security-Policy of a rendered feedback page: no script runs in it at all.

Defence in depth: the notebook is sanitized before it is rendered, and the page's policy still
forbids scripts of any origin, frames, objects, forms, base URLs and network requests.
"""

from __future__ import annotations

import html
import re

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def content_security_policy(page: str, policy: str = CSP) -> str:
    """``page`` with a Content-Security-Policy ``<meta>`` as the first element of its ``<head>``.

    The default policy allows inline styles and ``data:`` images and fonts, and nothing else: no
    script of any origin, no frame, object, form target, base URL, or network request.  Without
    a ``<head>`` (before the ``<body>``), the tag goes at the start, after a ``<!DOCTYPE>`` and an
    ``<html>`` tag if there are (the browser then puts it in the head it creates).
    """
    content = html.escape(policy, quote=False).replace('"', "&quot;")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    body = re.search(r"<body[\s>]", page, re.I)
    before_body = page[: body.start()] if body else page
    head = re.search(r"<head(\s[^>]*)?>", before_body, re.I)
    if head:
        return page[: head.end()] + meta + page[head.end() :]
    start = re.match(r"\ufeff?\s*(<!DOCTYPE[^>]*>\s*)?(<html(\s[^>]*)?>)?", page, re.I)
    return page[: start.end()] + meta + page[start.end() :]
