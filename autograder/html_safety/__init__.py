"""What a student's HTML, markdown and SVG may contain so that a browser runs none of it.

Everything rendered from a student's notebook (the feedback page, nbgrader's formgrader) passes
one allow-list policy, one idea per module:

* :mod:`.urls`: link and image URLs (``http(s)``, ``mailto``, ``data:`` images only);
* :mod:`.css`: inline styles (allowed properties set to plain values);
* :mod:`.html`: elements and attributes, checked as a browser parses them
  (:func:`html_problems`) and cleaned with bleach (:func:`sanitize_html`);
* :mod:`.markdown`: markdown rendered as nbconvert renders it, rewritten until it renders
  safely (:func:`sanitize_markdown`);
* :mod:`.svg`: SVG images with nothing that runs or loads (:func:`svg_is_safe`);
* :mod:`.policy`: the Content-Security-Policy of a rendered page
  (:func:`content_security_policy`), defence in depth: no script runs in it at all.

The notebook preprocessor that applies them is
:class:`autograder.preprocessors.SanitizeNotebook`.
"""

from autograder.html_safety.css import css_is_safe
from autograder.html_safety.html import (
    MAX_DEPTH,
    attribute_is_safe,
    html_problems,
    nesting_depth,
    sanitize_html,
)
from autograder.html_safety.markdown import markdown_problems, render_markdown, sanitize_markdown
from autograder.html_safety.policy import CSP, content_security_policy
from autograder.html_safety.svg import svg_is_safe
from autograder.html_safety.urls import url_is_safe

__all__ = [
    "CSP",
    "MAX_DEPTH",
    "attribute_is_safe",
    "content_security_policy",
    "css_is_safe",
    "html_problems",
    "markdown_problems",
    "nesting_depth",
    "render_markdown",
    "sanitize_html",
    "sanitize_markdown",
    "svg_is_safe",
    "url_is_safe",
]
