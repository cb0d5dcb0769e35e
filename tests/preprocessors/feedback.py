"""Rendering as nbgrader's feedback does, and finding anything in a page that could run or load."""

from __future__ import annotations

import copy
import re
from pathlib import Path

from bleach._vendor import html5lib

from autograder.html_safety import content_security_policy
from autograder.preprocessors import CapOutputs, SanitizeNotebook

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
