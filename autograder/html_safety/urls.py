"""URLs in a student's HTML: ``http(s)`` and ``mailto`` links, ``http(s)`` and ``data:`` images.

A URL is judged as a browser reads it (tabs and newlines removed, leading control characters
and spaces ignored); a relative URL or a ``#fragment`` is harmless, any other scheme
(``javascript:``, ``vbscript:``, ``file:``, ...) is not.
"""

from __future__ import annotations

import re

URL_SCHEMES = {"href": {"http", "https", "mailto"}, "src": {"http", "https"}}
# An image loaded by <img> runs no script and loads nothing, SVG included.
IMAGE_DATA_URL = re.compile(
    r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*\Z", re.I
)
C0_AND_SPACE = "".join(map(chr, range(0x21)))


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
