"""SVG images checked strictly: nothing that runs or loads (a matplotlib figure passes)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from autograder.html_safety.urls import IMAGE_DATA_URL

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
