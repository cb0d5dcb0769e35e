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

The checks themselves (allow-lists of tags, attributes, URL schemes, CSS properties and SVG
elements) live in :mod:`autograder.html_safety`, which also gives the feedback pages their
Content-Security-Policy.
"""

from __future__ import annotations

import base64
import binascii
import re

import bleach
from nbconvert.preprocessors import Preprocessor
from nbformat.notebooknode import from_dict
from traitlets import Bool, Set, Unicode

from autograder.html_safety import render_markdown, sanitize_html, sanitize_markdown, svg_is_safe
from autograder.preprocessors.cap_outputs import note_svg

# Output MIME types.
JAVASCRIPT_TYPES = {"application/javascript", "text/javascript", "application/x-javascript"}
RASTER_TYPES = {"image/png", "image/jpeg", "image/gif"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*\Z")
IMAGE_METADATA = {"width", "height", "unconfined", "alt", "needs_background"}
ATTACHMENT_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
SAFE_GRADE_ID = re.compile(r"[\w.\-]*\Z", re.A)
UNSAFE_IN_GRADE_ID = re.compile(r"[^\w.\-]", re.A)


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
