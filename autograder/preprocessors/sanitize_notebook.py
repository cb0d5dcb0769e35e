"""Make a student's notebook safe to render: nothing in it may run in the browser that opens it.

The autograded notebook is rendered by nbgrader's formgrader on the Jupyter server's own origin
(a script there acts as the instructor), and the feedback HTML is opened by students and
instructors.  nbconvert renders markdown, raw HTML and most output types as they are, so a
student's ``<img onerror=...>`` in a markdown cell, an ``application/javascript`` output, a
``text/html`` output with a ``<script>`` or the notebook's widget state would run there.

:class:`SanitizeNotebook` keeps what a reader needs and removes what a browser would run:

* **markdown** (cells, ``text/markdown`` outputs, nbgrader comments): rendered with nbconvert's
  own markdown renderer and checked element by element (HTML5 parsing, an allow-list of tags,
  attributes, URL schemes and CSS properties).  Honest markdown, maths and the usual inline HTML
  pass unchanged; otherwise tags are shown as text and harmful link schemes are broken, and if
  that is still not safe the cell is shown as a code block;
* **outputs**: an allow-list of MIME types.  ``text/plain``, PNG/JPEG/GIF images and widget views
  are kept, ``text/html`` is cleaned with bleach, ``text/latex`` is kept (rendered escaped),
  ``image/svg+xml`` is kept only if it passes a strict check, everything else (JavaScript,
  JSON, mermaid, ...) is dropped.  A bundle left empty gets a ``text/plain`` note;
* ``error`` and ``stream`` outputs are kept as they are (nbconvert renders them escaped), and an
  ``error`` always stays an ``error`` with its ``ename``, ``evalue`` and ``traceback``;
* **raw cells** lose ``format``/``raw_mimetype`` and their source is escaped: inert text;
* **attachments**: only PNG/JPEG/GIF/WebP (base64) and checked SVG; a removed one is replaced by
  a small image that says so (nbconvert cannot render a markdown cell whose attachment is gone);
* **metadata**: the notebook's widget state is removed; in nbgrader's ``grade_id`` (printed
  unescaped by nbgrader's feedback and formgrade templates) any character but letters, digits,
  ``_``, ``.`` and ``-`` becomes ``_``; output metadata keeps only image sizes and alt text (no
  ``isolated`` iframes, no ``filenames`` pointing anywhere).

Code cell sources are left untouched (they are rendered escaped).

:func:`content_security_policy` adds a CSP ``<meta>`` to a rendered HTML page: defence in depth
for the feedback files, which then run no script at all.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import xml.etree.ElementTree as ET

import bleach
from bleach.css_sanitizer import CSSSanitizer
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.filters.strings import strip_files_prefix
from nbconvert.preprocessors import Preprocessor
from nbformat.notebooknode import from_dict
from traitlets import Bool, Set, Unicode

from autograder.preprocessors.cap_outputs import note_svg

try:  # the HTML5 parser bleach ships (pinned with bleach)
    from bleach._vendor import html5lib
except ImportError:  # pragma: no cover - bleach without its vendored copy
    import html5lib

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)

# ---------------------------------------------------------------------------------------------
# The allow-lists: what rendered student HTML may contain.
# ---------------------------------------------------------------------------------------------
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
URL_SCHEMES = {"href": {"http", "https", "mailto"}, "src": {"http", "https"}}
# An image loaded by <img> runs no script and loads nothing, SVG included.
IMAGE_DATA_URL = re.compile(
    r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*\Z", re.I
)
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
# Removed from text/html with their content (bleach alone would leave their text behind).
DROP_WITH_CONTENT = re.compile(
    r"<(script|style|template|noscript|title|textarea|xmp|iframe|object|"
    r"noembed|noframes)\b[^>]*>.*?</\1\s*>",
    re.I | re.S,
)
SENTINEL = '<i class="sanitize-sentinel-8f3a"></i>'
C0_AND_SPACE = "".join(map(chr, range(0x21)))

# Output MIME types.
JAVASCRIPT_TYPES = {"application/javascript", "text/javascript", "application/x-javascript"}
RASTER_TYPES = {"image/png", "image/jpeg", "image/gif"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*\Z")
IMAGE_METADATA = {"width", "height", "unconfined", "alt", "needs_background"}
ATTACHMENT_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
SAFE_GRADE_ID = re.compile(r"[\w.\-]*\Z", re.A)
UNSAFE_IN_GRADE_ID = re.compile(r"[^\w.\-]", re.A)


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------
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


def url_is_safe(url: str, attribute: str, tag: str) -> bool:
    """True if a browser would treat ``url`` (``href`` or ``src``) as a harmless link or image."""
    url = re.sub(r"[\t\n\r]", "", url).strip(C0_AND_SPACE)  # what browsers ignore in a URL
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", url)
    if scheme is None:
        return True  # relative, or a #fragment
    scheme = scheme.group(1).lower()
    if tag == "img" and attribute == "src" and scheme == "data":
        return bool(IMAGE_DATA_URL.match(url))
    return scheme in URL_SCHEMES.get(attribute, ())


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


# ---------------------------------------------------------------------------------------------
# HTML, markdown, SVG
# ---------------------------------------------------------------------------------------------
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


SVG_NS = "http://www.w3.org/2000/svg"
LOCAL_URLS_ONLY = re.compile(r"[^(]*(url\(\s*#[\w.\-]+\s*\)[^(]*)+")  # clip-path="url(#p1)"
SVG_ELEMENTS = frozenset(
    """
svg g defs desc title metadata symbol use path rect circle ellipse line polyline polygon text tspan
textPath clipPath mask pattern marker linearGradient radialGradient stop image style filter
feGaussianBlur feOffset feBlend feFlood feComposite feMerge feMergeNode feColorMatrix
""".split()
)


def svg_is_safe(svg: str) -> bool:
    """True if an SVG image has nothing that runs or loads (strict: a matplotlib figure passes).

    No internal DTD, no script, no foreign objects, no animation, no links, no event handlers,
    references only to ``#ids`` or embedded images, and styles without url() or imports.
    """
    if re.search(r"<!ENTITY|<!DOCTYPE[^>]*\[", svg, re.I):  # no internal DTD (entities);
        return False  # expat never loads external ones
    try:
        root = ET.fromstring(svg)
    except (ET.ParseError, ValueError):
        return False
    if root.tag != f"{{{SVG_NS}}}svg":
        return False

    def check(element, in_metadata):
        namespace, _, local = element.tag.rpartition("}")
        namespace = namespace.lstrip("{")
        if namespace == SVG_NS:
            if local not in SVG_ELEMENTS:
                return False
            in_metadata = in_metadata or local == "metadata"
        elif not in_metadata:
            return False  # RDF and the like, only inside <metadata>
        if local.lower() in ("script", "foreignobject", "a", "iframe", "handler", "listener"):
            return False
        if local == "style" and not _stylesheet_is_safe(element.text or ""):
            return False
        for name, value in element.attrib.items():
            attr = name.rpartition("}")[2].lower()
            low = value.lower()
            if attr.startswith("on") or "javascript:" in low or "@import" in low:
                return False
            if attr == "href":
                if not (
                    value.startswith("#") or (local == "image" and IMAGE_DATA_URL.match(value))
                ):
                    return False
            elif "url(" in low.replace(" ", "") and not LOCAL_URLS_ONLY.fullmatch(value):
                return False
        return all(check(child, in_metadata) for child in element)

    try:
        return check(root, False)
    except RecursionError:
        return False


def _stylesheet_is_safe(css: str) -> bool:
    low = css.lower()
    return not any(
        bad in low
        for bad in (
            "url(",
            "@import",
            "expression",
            "\\",
            "<",
            "behavior",
            "-moz-binding",
            "javascript",
        )
    )


# ---------------------------------------------------------------------------------------------
# The preprocessor
# ---------------------------------------------------------------------------------------------
def _text(value):
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return value if isinstance(value, str) else None


def _note(removed) -> str:
    return (
        f"[{', '.join(sorted(removed))} output removed from the feedback: it could run code or "
        "load content in the reader's browser, or it could not be checked]"
    )


class SanitizeNotebook(Preprocessor):
    """Remove or neutralise everything in a notebook that a browser would run (module doc)."""

    enabled = Bool(
        True, help="Run this preprocessor (nbgrader registers preprocessors without enabling them)"
    ).tag(config=True)
    safe_output_types = Set(
        Unicode(),
        default_value={"text/plain", "image/png", "image/jpeg", "image/gif", WIDGET_VIEW},
        help="MIME types kept as they are (after a type check)",
    ).tag(config=True)
    sanitized_output_types = Set(
        Unicode(),
        default_value={"text/html", "text/markdown", "text/latex", "image/svg+xml"},
        help="MIME types kept after cleaning (only these four are "
        "supported); any other type is dropped",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        nb.metadata.pop("widgets", None)
        nb, resources = super().preprocess(nb, resources)
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        self._metadata(cell)
        if cell.get("attachments") is not None:
            self._attachments(cell)
        if cell.cell_type == "markdown":
            source = _text(cell.source) or ""
            self._missing_attachments(cell, source)
            cell.source, problems = sanitize_markdown(source, cell.get("attachments"))
            if problems:
                self.log.info("SanitizeNotebook: cell %d: %s", index, "; ".join(problems[:5]))
        elif cell.cell_type == "raw":
            cell.metadata.pop("format", None)
            cell.metadata.pop("raw_mimetype", None)
            cell.source = bleach.clean(_text(cell.source) or "", tags=set(), strip=False)
        elif cell.cell_type == "code":
            outputs = []
            for output in cell.get("outputs", []):
                output = self._output(output)
                if output is not None:
                    outputs.append(output)
            cell.outputs = outputs
        return cell, resources

    # -- metadata and attachments --------------------------------------------------------------
    def _metadata(self, cell):
        metadata = cell.setdefault("metadata", from_dict({}))
        nbgrader = metadata.get("nbgrader")
        if isinstance(nbgrader, dict):
            grade_id = nbgrader.get("grade_id")
            if grade_id is not None and not (
                isinstance(grade_id, str) and SAFE_GRADE_ID.match(grade_id)
            ):
                nbgrader["grade_id"] = UNSAFE_IN_GRADE_ID.sub("_", str(grade_id))
            if isinstance(nbgrader.get("comment"), str):
                nbgrader["comment"] = sanitize_markdown(nbgrader["comment"])[0]
        tags = metadata.get("tags")
        if tags is not None and not (
            isinstance(tags, list) and all(isinstance(t, str) for t in tags)
        ):
            metadata.pop("tags")

    def _attachments(self, cell):
        attachments = cell.get("attachments")
        if not isinstance(attachments, dict):
            cell.attachments = from_dict({})
            return
        for name, bundle in list(attachments.items()):
            kept, removed = {}, []
            for mime, data in bundle.items() if isinstance(bundle, dict) else []:
                if mime in ATTACHMENT_TYPES and isinstance(data, str) and BASE64.match(data):
                    kept[mime] = data
                elif (
                    mime == "image/svg+xml"
                    and isinstance(data, str)
                    and _svg_attachment_is_safe(data)
                ):
                    kept[mime] = data
                else:
                    removed.append(mime)
            if not kept:
                kept = note_svg(
                    f"[an attachment ({', '.join(sorted(removed)) or 'empty'}) was removed "
                    "from the feedback: only images are allowed]"
                )
            attachments[name] = from_dict(kept)

    def _missing_attachments(self, cell, source):
        """Stand-ins for attachments the markdown uses but the cell lacks (else nbconvert fails)."""
        for _ in range(50):
            try:
                render_markdown(source, cell.get("attachments"))
                return
            except Exception as error:  # noqa: BLE001
                missing = re.match(r"missing attachment: (.*)\Z", str(error), re.S)
                if missing is None:
                    return
                if cell.get("attachments") is None:
                    cell.attachments = from_dict({})
                cell.attachments[missing.group(1)] = from_dict(
                    note_svg("[this attachment is missing from the notebook]")
                )

    # -- outputs ---------------------------------------------------------------------------------
    def _output(self, output):
        kind = output.get("output_type")
        if kind == "error":
            return output  # rendered escaped; decides the grade
        if kind == "stream":
            text = _text(output.get("text"))
            name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
            return from_dict({"output_type": "stream", "name": name, "text": text or ""})
        if kind not in ("display_data", "execute_result"):
            self.log.info("SanitizeNotebook: output of type %r removed", kind)
            return None
        data, removed = {}, []
        bundle = output.get("data") if isinstance(output.get("data"), dict) else {}
        for mime, value in bundle.items():
            try:
                clean = self._mime(mime, value)
            except Exception as error:  # noqa: BLE001 - one odd output must not stop the grading
                self.log.warning("SanitizeNotebook: %s output dropped (%s)", mime, error)
                clean = None
            if clean is None:
                removed.append(mime)
            else:
                data[mime] = clean
        if removed:
            self.log.info("SanitizeNotebook: removed %s", ", ".join(sorted(removed)))
            if "text/plain" not in data:
                data["text/plain"] = _note(removed)
            elif kind == "display_data" and len(data) == 1:
                data["text/plain"] = f"{data['text/plain']}\n{_note(removed)}"
        metadata = {}
        old_metadata = output.get("metadata") if isinstance(output.get("metadata"), dict) else {}
        for mime, value in old_metadata.items():
            if mime in data and mime in RASTER_TYPES and isinstance(value, dict):
                kept = {
                    k: v
                    for k, v in value.items()
                    if k in IMAGE_METADATA and isinstance(v, (int, float, str, bool))
                }
                if kept:
                    metadata[mime] = kept
        result = {"output_type": kind, "data": data, "metadata": metadata}
        if kind == "execute_result":
            result["execution_count"] = output.get("execution_count")
        return from_dict(result)

    def _mime(self, mime, value):
        """The cleaned value of one MIME type of an output, or None to drop it.

        The four cleaned types are always cleaned, even if configured as "safe"; JavaScript is
        always dropped.
        """
        if mime in JAVASCRIPT_TYPES or not (
            mime in self.safe_output_types or mime in self.sanitized_output_types
        ):
            return None
        if mime == WIDGET_VIEW:
            ok = (
                isinstance(value, dict)
                and isinstance(value.get("model_id"), str)
                and re.fullmatch(r"[\w\-]+", value["model_id"], re.A)
                and set(value) <= {"model_id", "version_major", "version_minor"}
            )
            return dict(value) if ok else None
        text = _text(value)
        if text is None:
            return None
        if mime == "text/html":
            clean = sanitize_html(text)
            return clean if clean.strip() or not text.strip() else None  # nothing left: say so
        if mime == "text/markdown":
            return sanitize_markdown(text)[0]
        if mime == "text/latex":
            return text  # rendered escaped (MathJax runs in 'Safe' mode)
        if mime == "image/svg+xml":
            return text if svg_is_safe(text) else None
        if mime in RASTER_TYPES and not BASE64.match(text):
            return None
        return text if mime in self.safe_output_types else None


def _svg_attachment_is_safe(data: str) -> bool:
    try:
        return svg_is_safe(base64.b64decode(data, validate=False).decode("utf-8"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False


# ---------------------------------------------------------------------------------------------
# Content-Security-Policy for the rendered pages
# ---------------------------------------------------------------------------------------------
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
