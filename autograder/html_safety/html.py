"""Student HTML checked as a browser parses it, and cleaned with bleach, against one allow-list.

:func:`html_problems` parses a fragment with HTML5 rules (html5lib, as bleach does) and lists
every element, attribute or unterminated markup outside the allow-list; :func:`sanitize_html`
cleans ``text/html`` output with the same policy (:func:`attribute_is_safe`).  Trees nested
deeper than :data:`MAX_DEPTH` are refused before parsing: html5lib is quadratic in depth.
"""

from __future__ import annotations

import html
import re

import bleach
from bleach.css_sanitizer import CSSSanitizer
from nbconvert.filters.strings import strip_files_prefix

from autograder.html_safety.css import CSS_PROPERTIES, css_is_safe
from autograder.html_safety.urls import url_is_safe

try:  # the HTML5 parser bleach ships (pinned with bleach)
    from bleach._vendor import html5lib
except ImportError:  # pragma: no cover - bleach without its vendored copy
    import html5lib

TAGS = frozenset(
    """
a abbr b bdi bdo blockquote br caption center cite code col colgroup dd del details dfn div dl dt
em figcaption figure font h1 h2 h3 h4 h5 h6 hr i img input ins kbd li mark ol p pre q rp rt ruby
s samp small span strike strong sub summary sup table tbody td tfoot th thead tr tt u ul var wbr
""".split()
)
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir", "align", "style"})
TAG_ATTRIBUTES = {
    "a": {"href", "name", "rel"},
    "img": {"src", "alt", "width", "height"},
    "table": {"border", "cellpadding", "cellspacing", "width"},
    "td": {"colspan", "rowspan", "valign", "width", "height"},
    "th": {"colspan", "rowspan", "valign", "width", "height", "scope"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "font": {"color", "size", "face"},
    "details": {"open"},
    "input": {"type", "checked", "disabled"},  # markdown task lists: disabled checkboxes
}
# Removed from text/html with their content (bleach alone would leave their text behind).
DROP_WITH_CONTENT = re.compile(
    r"<(script|style|template|noscript|title|textarea|xmp|iframe|object|"
    r"noembed|noframes)\b[^>]*>.*?</\1\s*>",
    re.I | re.S,
)
SENTINEL = '<i class="sanitize-sentinel-8f3a"></i>'


def attribute_is_safe(tag: str, name: str, value: str) -> bool:
    """The attribute policy (shared by the markdown check and bleach's cleaning of text/html)."""
    name = name.lower()
    if name not in GLOBAL_ATTRIBUTES and name not in TAG_ATTRIBUTES.get(tag, ()):
        return False
    if name in ("href", "src"):
        return url_is_safe(value, name, tag)
    if name == "style":
        return css_is_safe(value)
    if tag == "input" and name == "type":
        return value.strip().lower() == "checkbox"
    return True


_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*?(/?)>")
# Elements that need no end tag, or that a parser closes by itself when the next one starts.
_NOT_NESTING = frozenset(
    """
area base br col embed hr img input link meta param source track wbr keygen
p li dt dd td th tr thead tbody tfoot colgroup option optgroup rt rp
""".split()
)
MAX_DEPTH = 300  # browsers flatten deeper trees (chromium at 512); html5lib gets slow


def nesting_depth(fragment: str) -> int:
    """An upper estimate of how deeply the elements of ``fragment`` nest (a linear scan)."""
    depth = deepest = 0
    for match in _TAG.finditer(fragment):
        if match.group(1):
            depth = max(0, depth - 1)
        elif not match.group(3) and match.group(2).lower() not in _NOT_NESTING:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def html_problems(fragment: str) -> list[str]:
    """Why ``fragment`` (HTML inside a ``<div>`` of the page) is not safe; empty if it is safe.

    Parsed as a browser parses it (HTML5), followed by a sentinel element: if a tag, attribute
    or comment is left open, the sentinel is swallowed and the fragment is refused (it would
    swallow the page's own markup after it).  Checked as it is and after nbconvert's
    ``strip_files_prefix`` filter, which the templates apply to rendered markdown and which
    turns ``href="files/javascript:..."`` into ``href="javascript:..."``.
    """
    if nesting_depth(fragment) > MAX_DEPTH:
        return [f"elements nested more than {MAX_DEPTH} deep"]
    stripped = strip_files_prefix(fragment)
    return _html_problems(fragment) + (_html_problems(stripped) if stripped != fragment else [])


def _html_problems(fragment: str) -> list[str]:
    root = html5lib.parseFragment(
        fragment + SENTINEL, container="div", treebuilder="etree", namespaceHTMLElements=False
    )
    problems, sentinels = [], 0
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):  # a comment
            continue
        if tag == "DOCUMENT_FRAGMENT":
            continue
        if tag == "i" and element.get("class") == "sanitize-sentinel-8f3a":
            sentinels += 1
            continue
        if tag not in TAGS:
            problems.append(f"element <{tag}>")
            continue
        for name, value in element.attrib.items():
            if not isinstance(name, str) or not attribute_is_safe(tag, name, value):
                problems.append(f"attribute {name}={value[:40]!r} on <{tag}>")
    if sentinels != 1:
        problems.append("unterminated tag, attribute or comment")
    return problems


_CLEANER = bleach.sanitizer.Cleaner(
    tags=TAGS,
    attributes=lambda tag, name, value: attribute_is_safe(tag, name, value),
    protocols={"http", "https", "mailto", "data"},
    strip=True,
    strip_comments=True,
    css_sanitizer=CSSSanitizer(allowed_css_properties=CSS_PROPERTIES),
)


def sanitize_html(text: str) -> str:
    """``text/html`` cleaned: allowed tags and attributes only; scripts and styles removed."""
    if nesting_depth(text) > MAX_DEPTH:
        return ""  # (the output is then removed, with a note)
    previous = None
    while previous != text:  # <scr<script></script>ipt> and the like
        previous, text = text, DROP_WITH_CONTENT.sub("", text)
    cleaned = _CLEANER.clean(text)
    if html_problems(cleaned):  # never expected; then show it as text
        return html.escape(cleaned)
    return cleaned
