"""Inline CSS in a student's HTML: allowed properties set to plain values, and nothing else.

No ``url()``, ``expression()``, escapes, comments or at-rules: nothing that loads or runs.
"""

from __future__ import annotations

import re

CSS_PROPERTIES = frozenset(
    """
background-color border border-bottom border-collapse border-color border-left border-right
border-spacing border-style border-top border-width color font-family font-size font-style
font-variant font-weight height line-height margin margin-bottom margin-left margin-right
margin-top max-height max-width min-height min-width padding padding-bottom padding-left
padding-right padding-top text-align text-decoration text-indent text-transform vertical-align
white-space width word-break word-wrap list-style-type
""".split()
)
CSS_VALUE = re.compile(r"[#\w\s.,%+\-'\"!/()]*\Z")
CSS_FUNCTIONS = {"rgb", "rgba", "hsl", "hsla", "calc"}


def css_is_safe(style: str) -> bool:
    """True if an inline ``style`` only sets allowed properties to plain values."""
    if any(bad in style for bad in ("\\", "/*", "<", "@", "&")):
        return False
    for declaration in style.split(";"):
        if not declaration.strip():
            continue
        name, colon, value = declaration.partition(":")
        if not colon or name.strip().lower() not in CSS_PROPERTIES or not CSS_VALUE.match(value):
            return False
        if any(f.lower() not in CSS_FUNCTIONS for f in re.findall(r"([\w-]+)\s*\(", value)):
            return False
        if value.count("(") != value.count(")"):
            return False
    return True
